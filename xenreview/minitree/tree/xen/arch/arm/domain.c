/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/arch/arm/domain.c
 *
 * Arm side of domains and vCPUs: creation, guest contexts, context switch,
 * the idle loop and event delivery to vCPUs.
 */

#include <xen/domain.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/tasklet.h>
#include <xen/types.h>
#include <xen/xmalloc.h>
#include <asm/cpufeature.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/gic.h>
#include <asm/mmio.h>
#include <asm/sysregs.h>
#include <asm/system.h>
#include <asm/vgic.h>
#include <asm/vtimer.h>

DEFINE_PER_CPU(struct vcpu *, curr_vcpu);

int arch_domain_create(struct domain *d)
{
    d->arch.type = DOMAIN_64BIT;

    return domain_io_init(d, MAX_IO_HANDLER);
}

void arch_domain_destroy(struct domain *d)
{
    (void)d;
}

void arch_domain_shutdown(struct domain *d)
{
    (void)d;
}

int arch_vcpu_create(struct vcpu *v)
{
    v->arch.cpu_info = xzalloc(struct cpu_info);
    if ( v->arch.cpu_info == NULL )
        return -ENOMEM;

    v->arch.sctlr = SCTLR_GUEST_INIT;

    return vcpu_vtimer_init(v);
}

void arch_vcpu_destroy(struct vcpu *v)
{
    vcpu_timer_destroy(v);
    xfree(v->arch.cpu_info);
}

static bool is_guest_psr_valid(const struct domain *d, uint32_t psr)
{
    if ( is_32bit_domain(d) )
    {
        if ( !cpu_has_el1_32 || !(psr & PSR_MODE_BIT) )
            return false;

        return (psr & PSR_MODE_MASK) != PSR_MODE_USR;
    }

    switch ( psr & PSR_MODE_MASK )
    {
    case PSR_MODE_EL1h:
    case PSR_MODE_EL1t:
    case PSR_MODE_EL0t:
        return true;
    default:
        return false;
    }
}

void _arch_set_info_guest(struct vcpu *v,
                          const struct vcpu_guest_context *ctxt)
{
    struct cpu_user_regs *regs = &v->arch.cpu_info->guest_cpu_user_regs;
    const struct vcpu_guest_core_regs *in = &ctxt->user_regs;
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(regs->x); i++ )
        regs->x[i] = in->x[i];

    regs->pc = in->pc64;
    regs->cpsr = in->cpsr;
    regs->sp_el0 = in->sp_el0;
    regs->sp_el1 = in->sp_el1;
    regs->elr_el1 = in->elr_el1;
    regs->spsr_el1 = in->spsr_el1;

    v->arch.sctlr = ctxt->sctlr;
    v->arch.ttbcr = ctxt->ttbcr;
    v->arch.ttbr0 = ctxt->ttbr0;
    v->arch.ttbr1 = ctxt->ttbr1;
}

int arch_set_info_guest(struct vcpu *v, vcpu_guest_context_u c)
{
    const struct vcpu_guest_context *ctxt = c.nat;

    if ( !is_guest_psr_valid(v->domain, ctxt->user_regs.cpsr) )
        return -EINVAL;

    /* An AArch32 vCPU cannot start above 4GB. */
    if ( is_32bit_domain(v->domain) && (ctxt->user_regs.pc64 >> 32) )
        return -EINVAL;

    _arch_set_info_guest(v, ctxt);

    if ( ctxt->flags & VGCF_online )
        clear_bit(_VPF_down, &v->pause_flags);
    else
        set_bit(_VPF_down, &v->pause_flags);

    return 0;
}

static void ctxt_switch_from(struct vcpu *p)
{
    if ( is_idle_vcpu(p) )
        return;

    p->arch.sctlr = READ_SYSREG(SCTLR_EL1);
    p->arch.ttbcr = READ_SYSREG(TCR_EL1);
    p->arch.ttbr0 = READ_SYSREG(TTBR0_EL1);
    p->arch.ttbr1 = READ_SYSREG(TTBR1_EL1);

    virt_timer_save(p);
    gic_save_state(p);
}

static void ctxt_switch_to(struct vcpu *n)
{
    if ( is_idle_vcpu(n) )
        return;

    gic_restore_state(n);
    virt_timer_restore(n);

    WRITE_SYSREG(n->arch.ttbr1, TTBR1_EL1);
    WRITE_SYSREG(n->arch.ttbr0, TTBR0_EL1);
    WRITE_SYSREG(n->arch.ttbcr, TCR_EL1);
    WRITE_SYSREG(n->arch.sctlr, SCTLR_EL1);
    isb();
}

void context_switch(struct vcpu *prev, struct vcpu *next)
{
    ASSERT(prev != next);

    ctxt_switch_from(prev);
    set_current(next);
    ctxt_switch_to(next);
}

/*
 * Every pCPU ends up here once it has nothing else to run.  An offline
 * pCPU leaves through stop_cpu(), which asks the firmware to power it off.
 */
void noreturn idle_loop(void)
{
    unsigned int cpu = smp_processor_id();

    for ( ; ; )
    {
        if ( cpu_is_offline(cpu) )
            stop_cpu();

        if ( tasklet_work_to_do(cpu) )
            do_tasklet();
        else
        {
            local_irq_disable();
            if ( !softirq_pending(cpu) )
                wfi();
            local_irq_enable();
        }

        do_softirq();
    }
}

void vcpu_kick(struct vcpu *v)
{
    bool running = v->is_running;

    vcpu_unblock(v);

    /* Make a vCPU running elsewhere take the event before going on. */
    if ( running && v != current )
        smp_send_event_check_cpu(v->processor);
}

void vcpu_mark_events_pending(struct vcpu *v)
{
    if ( v->vcpu_info.evtchn_upcall_pending )
        return;

    v->vcpu_info.evtchn_upcall_pending = 1;
    vgic_inject_irq(v->domain, v, GUEST_EVTCHN_PPI, true);
    vcpu_kick(v);
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
