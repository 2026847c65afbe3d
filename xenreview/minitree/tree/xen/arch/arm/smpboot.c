/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/arch/arm/smpboot.c
 *
 * Bringing secondary pCPUs up (PSCI CPU_ON) and taking them down again
 * (PSCI CPU_OFF), for boot and for pCPU hotplug.
 */

#include <xen/cpu.h>
#include <xen/cpumask.h>
#include <xen/errno.h>
#include <xen/init.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/time.h>
#include <xen/types.h>
#include <asm/current.h>
#include <asm/gic.h>
#include <asm/psci.h>
#include <asm/system.h>
#include <asm/time.h>

unsigned int __read_mostly nr_cpu_ids = NR_CPUS;

cpumask_t cpu_possible_map;
cpumask_t cpu_present_map;
cpumask_t cpu_online_map;

register_t __cpu_logical_map[NR_CPUS];

/* pCPU being started, read by it in start_secondary() */
static volatile unsigned int cpu_starting = ~0U;

/* Set by a dying pCPU just before it calls PSCI CPU_OFF */
static volatile bool cpu_is_dead;

/* How long a pCPU may take to come up or go down */
#define CPU_TIMEOUT MILLISECS(1000)

void smp_send_event_check_cpu(unsigned int cpu)
{
    send_SGI_one(cpu, GIC_SGI_EVENT_CHECK);
}

/* First C code a secondary pCPU runs, on the idle vCPU's stack. */
void start_secondary(void)
{
    unsigned int cpu = cpu_starting;

    set_processor_id(cpu);
    set_current(idle_vcpu[cpu]);

    gic_init_secondary_cpu();
    init_timer_interrupt();

    local_irq_enable();

    /* Tell __cpu_up() the pCPU is ready. */
    smp_mb();
    cpumask_set_cpu(cpu, &cpu_online_map);

    idle_loop();
}

int __cpu_up(unsigned int cpu)
{
    s_time_t deadline;
    int rc;

    cpu_starting = cpu;
    smp_mb();

    rc = call_psci_cpu_on(cpu);
    if ( rc != PSCI_SUCCESS )
    {
        printk(XENLOG_ERR "CPU%u: PSCI CPU_ON failed: %d\n", cpu, rc);
        return -ENODEV;
    }

    deadline = NOW() + CPU_TIMEOUT;
    while ( !cpu_online(cpu) && NOW() < deadline )
        cpu_relax();

    if ( !cpu_online(cpu) )
    {
        printk(XENLOG_ERR "CPU%u: did not come up\n", cpu);
        return -EIO;
    }

    return 0;
}

/* On the pCPU going down, with interrupts off (through stop_machine). */
void __cpu_disable(void)
{
    unsigned int cpu = smp_processor_id();

    local_irq_disable();
    gic_disable_cpu();

    /* From now on idle_loop() sends this pCPU to stop_cpu(). */
    cpumask_clear_cpu(cpu, &cpu_online_map);
    smp_mb();
}

/* On another pCPU: wait until cpu has left Xen. */
void __cpu_die(unsigned int cpu)
{
    s_time_t deadline = NOW() + CPU_TIMEOUT;

    while ( !cpu_is_dead && NOW() < deadline )
        cpu_relax();

    if ( !cpu_is_dead )
        printk(XENLOG_ERR "CPU%u: did not go down\n", cpu);

    cpu_is_dead = false;
    smp_mb();
}

void noreturn stop_cpu(void)
{
    local_irq_disable();

    cpu_is_dead = true;
    dsb(sy);

    /* Only returns if the firmware cannot turn the pCPU off. */
    call_psci_cpu_off();

    for ( ; ; )
        wfi();
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
