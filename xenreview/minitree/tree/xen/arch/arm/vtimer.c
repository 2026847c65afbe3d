/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/arch/arm/vtimer.c
 *
 * A vCPU's generic timers.  While the vCPU runs, its virtual timer is the
 * real one; while it is off its pCPU, a Xen timer stands in and raises
 * the guest's interrupt when the deadline passes.
 */

#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/timer.h>
#include <xen/types.h>
#include <asm/sysregs.h>
#include <asm/time.h>
#include <asm/vgic.h>
#include <asm/vtimer.h>

static void phys_timer_expired(void *data)
{
    struct vtimer *t = data;

    t->ctl |= CNTx_CTL_PENDING;
    if ( !(t->ctl & CNTx_CTL_MASK) )
        vgic_inject_irq(t->v->domain, t->v, t->irq, true);
}

static void virt_timer_expired(void *data)
{
    struct vtimer *t = data;

    t->ctl |= CNTx_CTL_MASK;
    vgic_inject_irq(t->v->domain, t->v, t->irq, true);
}

int vcpu_vtimer_init(struct vcpu *v)
{
    struct vtimer *t = &v->arch.phys_timer;

    t->v = v;
    t->ctl = 0;
    t->irq = GUEST_TIMER_PHYS_NS_PPI;
    init_timer(&t->timer, phys_timer_expired, t, v->processor);

    t = &v->arch.virt_timer;
    t->v = v;
    t->ctl = 0;
    t->irq = GUEST_TIMER_VIRT_PPI;
    init_timer(&t->timer, virt_timer_expired, t, v->processor);

    v->arch.vtimer_initialized = true;

    return 0;
}

void vcpu_timer_destroy(struct vcpu *v)
{
    if ( !v->arch.vtimer_initialized )
        return;

    kill_timer(&v->arch.phys_timer.timer);
    kill_timer(&v->arch.virt_timer.timer);
}

/* The vCPU leaves its pCPU: stop the real timer, arm the stand-in. */
void virt_timer_save(struct vcpu *v)
{
    struct vtimer *t = &v->arch.virt_timer;

    ASSERT(!is_idle_vcpu(v));

    t->ctl = READ_SYSREG(CNTV_CTL_EL0);
    WRITE_SYSREG(t->ctl & ~CNTx_CTL_ENABLE, CNTV_CTL_EL0);
    t->cval = READ_SYSREG(CNTV_CVAL_EL0);

    if ( (t->ctl & CNTx_CTL_ENABLE) && !(t->ctl & CNTx_CTL_MASK) )
        set_timer(&t->timer, ticks_to_ns(t->cval - boot_count));
}

void virt_timer_restore(struct vcpu *v)
{
    struct vtimer *t = &v->arch.virt_timer;

    ASSERT(!is_idle_vcpu(v));

    stop_timer(&t->timer);

    WRITE_SYSREG(t->cval, CNTV_CVAL_EL0);
    WRITE_SYSREG(t->ctl, CNTV_CTL_EL0);
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
