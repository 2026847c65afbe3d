/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_INIT_H__
#define __XEN_INIT_H__

#include <xen/compiler.h>

/* Code and data only used while booting; freed once the system is up. */
#define __init __section(".init.text")
#define __initdata __section(".init.data")

#endif /* __XEN_INIT_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
