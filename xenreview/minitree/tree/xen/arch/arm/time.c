/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/arch/arm/time.c
 *
 * System time from the generic timer's counter, and the EL2 timer Xen
 * uses for its own timers (see common/timer.c).
 */

#include <xen/init.h>
#include <xen/irq.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/types.h>
#include <asm/current.h>
#include <asm/sysregs.h>
#include <asm/system.h>
#include <asm/time.h>
#include <asm/vgic.h>

uint64_t __read_mostly boot_count;
unsigned long __read_mostly cpu_khz;

/* The PPIs of the generic timer */
static unsigned int __read_mostly timer_irq[MAX_TIMER_PPI];

s_time_t ticks_to_ns(uint64_t ticks)
{
    return (ticks / cpu_khz) * 1000000 + (ticks % cpu_khz) * 1000000 / cpu_khz;
}

uint64_t ns_to_ticks(s_time_t ns)
{
    return (ns / 1000000) * cpu_khz + (ns % 1000000) * cpu_khz / 1000000;
}

s_time_t get_s_time(void)
{
    return ticks_to_ns(get_cycles() - boot_count);
}

void __init preinit_xen_time(void)
{
    cpu_khz = READ_SYSREG(CNTFRQ_EL0) / 1000;
    boot_count = get_cycles();

    /* The architected defaults; a real build reads the device tree. */
    timer_irq[TIMER_PHYS_SECURE_PPI] = 29;
    timer_irq[TIMER_PHYS_NONSECURE_PPI] = 30;
    timer_irq[TIMER_VIRT_PPI] = 27;
    timer_irq[TIMER_HYP_PPI] = 26;

    printk(XENLOG_INFO "Generic timer running at %lu KHz\n", cpu_khz);
}

int reprogram_timer(s_time_t timeout)
{
    uint64_t deadline;

    if ( timeout == 0 )
    {
        WRITE_SYSREG(0, CNTHP_CTL_EL2);
        return 1;
    }

    deadline = ns_to_ticks(timeout) + boot_count;
    WRITE_SYSREG(deadline, CNTHP_CVAL_EL2);
    WRITE_SYSREG(CNTx_CTL_ENABLE, CNTHP_CTL_EL2);
    isb();

    return 1;
}

/* Xen's own timer fired: run the expired timers from the softirq. */
static void htimer_interrupt(int irq, void *dev_id)
{
    if ( unlikely(!(READ_SYSREG(CNTHP_CTL_EL2) & CNTx_CTL_PENDING)) )
        return;

    /* Masked until reprogram_timer() arms it again. */
    WRITE_SYSREG(0, CNTHP_CTL_EL2);

    raise_softirq(TIMER_SOFTIRQ);
}

/* The running vCPU's virtual timer fired: hand it to the guest. */
static void vtimer_interrupt(int irq, void *dev_id)
{
    struct vcpu *v = current;

    if ( unlikely(is_idle_vcpu(v)) )
        return;

    v->arch.virt_timer.ctl = READ_SYSREG(CNTV_CTL_EL0);
    WRITE_SYSREG(v->arch.virt_timer.ctl | CNTx_CTL_MASK, CNTV_CTL_EL0);

    vgic_inject_irq(v->domain, v, v->arch.virt_timer.irq, true);
}

/* On each pCPU as it comes up: route the timer PPIs to Xen. */
void init_timer_interrupt(void)
{
    /* The guest sees the counter as it is; it may not use the EL1 timer */
    WRITE_SYSREG(0, CNTVOFF_EL2);
    WRITE_SYSREG(CNTHCTL_EL2_EL1PCTEN, CNTHCTL_EL2);
    WRITE_SYSREG(0, CNTHP_CTL_EL2);
    isb();

    request_irq(timer_irq[TIMER_HYP_PPI], 0, htimer_interrupt,
                "hyptimer", NULL);
    request_irq(timer_irq[TIMER_VIRT_PPI], 0, vtimer_interrupt,
                "virtimer", NULL);
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
