/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/arch/arm/shutdown.c
 *
 * Taking the machine down for good: PSCI SYSTEM_OFF and SYSTEM_RESET.
 */

#include <xen/console.h>
#include <xen/lib.h>
#include <xen/shutdown.h>
#include <xen/time.h>
#include <xen/types.h>
#include <asm/processor.h>
#include <asm/psci.h>
#include <asm/system.h>

static void noreturn halt_this_cpu(void)
{
    local_irq_disable();

    for ( ; ; )
        wfi();
}

void machine_halt(void)
{
    console_start_sync();

    call_psci_system_off();

    printk(XENLOG_ERR "PSCI SYSTEM_OFF failed: halting this CPU\n");
    halt_this_cpu();
}

void machine_restart(unsigned int delay_millisecs)
{
    s_time_t deadline = NOW() + MILLISECS(delay_millisecs);

    console_start_sync();

    while ( NOW() < deadline )
        cpu_relax();

    call_psci_system_reset();

    printk(XENLOG_ERR "PSCI SYSTEM_RESET failed: halting this CPU\n");
    halt_this_cpu();
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
