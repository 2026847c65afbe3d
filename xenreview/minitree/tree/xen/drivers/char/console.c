/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/drivers/char/console.c
 *
 * Xen's console: printk() into a ring buffer and out through the UART
 * driver, and the console_io hypercall for the hardware domain.
 */

#include <xen/console.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/init.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/shutdown.h>
#include <xen/spinlock.h>
#include <xen/stdarg.h>
#include <xen/types.h>
#include <asm/current.h>

#define CONRING_SIZE 16384

/* Everything printed, for the hardware domain to read back. */
static char conring[CONRING_SIZE];
static unsigned int conringp;

static DEFINE_SPINLOCK(console_lock);

static const struct console_uart_ops *console_uart;

/* Print even when the lock is held (crash, halt, reboot). */
static bool console_sync;

static void conring_puts(const char *str, size_t len)
{
    while ( len-- )
        conring[conringp++ % CONRING_SIZE] = *str++;
}

static void __putstr(const char *str)
{
    size_t len = strlen(str);
    size_t i;

    conring_puts(str, len);

    if ( console_uart == NULL )
        return;

    for ( i = 0; i < len; i++ )
        console_uart->putc(str[i]);
}

/* Skip the XENLOG_* prefix of a message. */
static const char *skip_loglevel(const char *msg)
{
    if ( msg[0] == '<' && msg[1] != '\0' && msg[2] == '>' )
        return msg + 3;

    return msg;
}

void vprintk(const char *fmt, va_list args)
{
    static char buf[1024];
    unsigned long flags;

    if ( console_sync )
    {
        vsnprintf(buf, sizeof(buf), fmt, args);
        __putstr(skip_loglevel(buf));
        return;
    }

    spin_lock_irqsave(&console_lock, flags);

    vsnprintf(buf, sizeof(buf), fmt, args);
    __putstr(skip_loglevel(buf));

    spin_unlock_irqrestore(&console_lock, flags);
}

void printk(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vprintk(fmt, args);
    va_end(args);
}

void console_register_uart(const struct console_uart_ops *ops)
{
    console_uart = ops;
}

void __init console_init(void)
{
    conringp = 0;

    printk(XENLOG_INFO "Xen %u.%u console (%u byte ring)\n",
           XEN_VERSION, XEN_SUBVERSION, CONRING_SIZE);
}

void console_start_sync(void)
{
    console_sync = true;
}

void console_end_sync(void)
{
    console_sync = false;
}

void console_force_unlock(void)
{
    spin_lock_init(&console_lock);
    console_start_sync();
}

long do_console_io(unsigned int cmd, unsigned int count,
                   XEN_GUEST_HANDLE_PARAM(char) buffer)
{
    char kbuf[128];
    unsigned int chunk;

    if ( !is_hardware_domain(current->domain) )
        return -EPERM;

    switch ( cmd )
    {
    case CONSOLEIO_write:
        while ( count > 0 )
        {
            chunk = min(count, (unsigned int)sizeof(kbuf) - 1);
            if ( copy_from_guest(kbuf, buffer, chunk) )
                return -EFAULT;
            kbuf[chunk] = '\0';

            spin_lock_irq(&console_lock);
            __putstr(kbuf);
            spin_unlock_irq(&console_lock);

            buffer += chunk;
            count -= chunk;
        }
        return 0;

    default:
        return -ENOSYS;
    }
}

void panic(const char *fmt, ...)
{
    static char buf[256];
    va_list args;

    console_force_unlock();

    va_start(args, fmt);
    vsnprintf(buf, sizeof(buf), fmt, args);
    va_end(args);

    printk("\n****************************************\n");
    printk("Panic on CPU %u:\n", smp_processor_id());
    printk("%s", skip_loglevel(buf));
    printk("****************************************\n");

    if ( opt_noreboot )
        machine_halt();

    printk("Reboot in five seconds...\n");
    machine_restart(5000);
}

void __bug(const char *file, int line)
{
    panic("Xen BUG at %s:%d\n", file, line);
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
