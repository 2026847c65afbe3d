/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_SHUTDOWN_H__
#define __XEN_SHUTDOWN_H__

#include <xen/compiler.h>
#include <xen/types.h>

/* Halt instead of rebooting after a crash. */
extern bool opt_noreboot;

/* The hardware domain stopped: take the whole machine down with it. */
void noreturn hwdom_shutdown(unsigned char reason);

/* Arch */
void noreturn machine_restart(unsigned int delay_millisecs);
void noreturn machine_halt(void);

#endif /* __XEN_SHUTDOWN_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
