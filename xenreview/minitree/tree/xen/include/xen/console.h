/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_CONSOLE_H__
#define __XEN_CONSOLE_H__

#include <xen/types.h>

/* The UART behind the console, registered by its driver. */
struct console_uart_ops {
    void (*putc)(char c);
    /* Host suspend: quiesce the UART and bring it back.  May be NULL. */
    int (*suspend)(void);
    void (*resume)(void);
};

void console_init(void);
void console_register_uart(const struct console_uart_ops *ops);

/* Print synchronously, lock or not: crash, halt and reboot paths. */
void console_start_sync(void);
void console_end_sync(void);
void console_force_unlock(void);

#endif /* __XEN_CONSOLE_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
