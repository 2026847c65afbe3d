/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/common/shutdown.c
 *
 * When the hardware domain stops, the machine stops with it.
 */

#include <xen/console.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/shutdown.h>
#include <xen/types.h>
#include <public/sched.h>

bool __read_mostly opt_noreboot;

/*
 * There is no reason code that keeps the machine up: in particular
 * SHUTDOWN_suspend is not a host suspend here and reboots like any
 * unknown reason.
 */
void hwdom_shutdown(unsigned char reason)
{
    domid_t domid = hardware_domain->domain_id;

    switch ( reason )
    {
    case SHUTDOWN_poweroff:
        printk("Hardware domain %u halted: halting machine\n", domid);
        machine_halt();
        break;

    case SHUTDOWN_crash:
        console_start_sync();
        printk("Hardware domain %u crashed: ", domid);
        if ( opt_noreboot )
        {
            printk("not rebooting machine\n");
            machine_halt();
        }
        printk("rebooting machine in 5 seconds\n");
        machine_restart(5000);
        break;

    case SHUTDOWN_reboot:
        printk("Hardware domain %u shut down: rebooting machine\n", domid);
        machine_restart(0);
        break;

    case SHUTDOWN_watchdog:
        printk("Hardware domain %u watchdog expired: rebooting machine\n",
               domid);
        machine_restart(0);
        break;

    default:
        printk("Hardware domain %u shut down (unknown reason %u): "
               "rebooting machine\n", domid, reason);
        machine_restart(0);
        break;
    }
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
