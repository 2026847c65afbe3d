"""Recipe: "[PATCH 00/18] xen/arm: Suspend to RAM support" (v1) and its v2.

Built by ``tools/make_series.py``; ``build()`` makes v1, and the v2 recipe
calls :func:`build_suspend` with ``version=2``.  Both versions share one
description of the 18 patches: where v2 differs, the patch function says
``if v2`` and carries the changelog and the tags a reviewer gave on v1.

v1 reproduces the design under review in the seed (patch 05/18 is the
seed's patch, written in our own code): the hardware domain's SYSTEM_SUSPEND
runs ``system_suspend()`` through ``continue_hypercall_on_cpu(0, ...)``, and
after the host resumes every domain stays parked until an interrupt of its
own devices wakes it, so a guest woken by its device runs while Dom0, which
holds its PV backends and xenstored, is still suspended.

v2 fixes both: the host suspend runs from a tasklet on pCPU 0, and the
hardware domain is resumed while every domain is still frozen (and, from a
guest's wake-up, before the guest) so that backends run before frontends.
"""

from __future__ import annotations

from typing import Any

MIRA = "Mira Example <mira@example.org>"
SAUL = "Saul Example <saul@example.org>"
JULIA = "Julia Example <julia@example.org>"
STEFAN = "Stefan Example <stefan@example.org>"
TOMAS = "Tomas Tty <tomas@example.org>"  # console maintainer (MAINTAINERS)
IVO = "Ivo Iommu <ivo@example.org>"  # IOMMU maintainer (MAINTAINERS)

SUSPEND_C = "xen/arch/arm/suspend.c"
SUSPEND_H = "xen/arch/arm/include/asm/suspend.h"

EMACS_BLOCK = """
/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
"""

COVER_V1 = """
This series adds suspend to RAM to Xen on Arm: the whole host, Xen
included, goes down to RAM through PSCI SYSTEM_SUSPEND and comes back
when a wake-up interrupt fires.

The software stack goes down from the top:

1) Guests suspend first.  A guest calls virtual PSCI SYSTEM_SUSPEND from
   its last online vCPU, and Xen parks the domain in SHUTDOWN_suspend
   with the resume context the guest gave (entry point, context id).
2) Dom0 suspends next, the same way.  Virtual SYSTEM_SUSPEND used to be
   refused to the hardware domain because its shutdown reboots the host;
   a suspend no longer does.
3) Xen suspends last, right after Dom0: system_suspend() runs on pCPU 0,
   freezes the domains, takes the other pCPUs down, stops its timer,
   saves the IOMMU, console and GIC state and calls the firmware.

On the way back Xen undoes those steps in the reverse order and thaws the
domains.  Dom0 resumes after Xen; a guest resumes when a device assigned
to it raises its wake-up interrupt, whether that happens while Xen is
suspended (the interrupt then wakes the whole host) or later.  In both
cases the interrupt goes through do_IRQ(), which now resumes the
suspended domain it is routed to.

Layout:
- 01-04: the domain side: virtual SYSTEM_SUSPEND for the hardware domain,
  wake-up by device interrupt, timers and watchdogs of suspended domains
- 05: the hardware domain's suspend triggers Xen's
- 06-18: system_suspend() step by step; each step that can fail unwinds
  the steps done so far, in the reverse order

The firmware entry point is a C stub for now (hyp_resume()); the
assembly that switches the MMU back on comes with a later series.
"""

COVER_CHANGES_V2 = """
- Run the host suspend from a tasklet on pCPU 0 rather than through
  continue_hypercall_on_cpu(): SYSTEM_SUSPEND is a PSCI call, not a
  hypercall, and the continuation wrote its result into Dom0's x0, over
  the context id of its resume context. (05, Julia)
- Backends before frontends: the hardware domain, which holds the PV
  backends and xenstored, is resumed while every domain is still frozen,
  and a guest woken by its device while the hardware domain is still
  suspended resumes it first.  No guest with PV frontends can run while
  its backends are suspended. (03, 05, 06, Julia and Stefan)
- Collected tags.
"""


def build(s: Any) -> None:
    build_suspend(s, version=1)


def build_suspend(s: Any, version: int) -> None:
    v2 = version == 2
    s.setup(
        sender=MIRA,
        date="2026-04-14T09:30:00" if v2 else "2026-03-10T12:00:00",
        msgid_tag=f"suspend-v{version}",
        cover_subject="xen/arm: Suspend to RAM support",
        cover_body=COVER_V1 + (_COVER_V2_NOTE if v2 else ""),
        version=version,
        cover_changes=COVER_CHANGES_V2 if v2 else "",
    )
    for make in PATCHES:
        make(s, v2)


_COVER_V2_NOTE = """
In this version the resume order is explicit: the hardware domain runs
again before any guest can, whichever interrupt woke the host.
"""


# -- 01 ------------------------------------------------------------------------


def p01(s: Any, v2: bool) -> None:
    p = s.patch(
        "xen/arm: Make vpsci_build_context() available outside vpsci.c",
        """
        SYSTEM_SUSPEND of the hardware domain will be handled outside
        vpsci.c, in a new suspend.c, and must give the calling vCPU the same
        resume context as virtual PSCI gives a guest: entry point, context
        id in x0 (r0), AArch32 or AArch64 state.

        Rather than duplicating that code, make vpsci_build_context() global
        and move its description to asm/psci.h.

        No functional change.
        """,
    )
    p.signed_off_by(MIRA)
    if v2:
        p.reviewed_by(JULIA)
    p.replace(
        "xen/arch/arm/vpsci.c",
        """
/*
 * Build the context a vCPU of d starts from when it enters the guest at
 * entry_point with context_id in x0 (r0), as CPU_ON and SYSTEM_SUSPEND
 * both require.  Returns a PSCI code.
 */
static int32_t vpsci_build_context(const struct domain *d,
                                   struct vcpu_guest_context *ctxt,
                                   register_t entry_point,
                                   register_t context_id)
""",
        """
/* See asm/psci.h. */
int32_t vpsci_build_context(const struct domain *d,
                            struct vcpu_guest_context *ctxt,
                            register_t entry_point, register_t context_id)
""",
    )
    p.insert_after(
        "xen/arch/arm/include/asm/psci.h",
        """
bool do_vpsci_0_2_call(struct cpu_user_regs *regs, uint32_t fid);
""",
        """

struct domain;
struct vcpu_guest_context;

/*
 * Build the context a vCPU of d starts from when it enters the guest at
 * entry_point with context_id in x0 (r0), as CPU_ON and SYSTEM_SUSPEND
 * both require.  Returns a PSCI code.
 */
int32_t vpsci_build_context(const struct domain *d,
                            struct vcpu_guest_context *ctxt,
                            register_t entry_point, register_t context_id);
""",
    )


# -- 02 ------------------------------------------------------------------------

IRQ_C = (
    """
/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/arch/arm/irq.c
 *
 * Interrupts other than SGIs: Xen's own, registered with request_irq(),
 * and those of devices assigned to a domain, registered with
 * route_irq_to_guest() and injected into the domain's virtual GIC.
 */

#include <xen/errno.h>
#include <xen/irq.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/types.h>
#include <asm/gic.h>
#include <asm/vgic.h>

/* Interrupt ids a GIC can signal, spurious ones excluded */
#define NR_IRQS 1020

struct irq_desc {
    irq_handler_t handler;          /* Xen's handler, if Xen owns it */
    void *dev_id;
    const char *name;
    struct domain *guest;           /* ... or the domain it is routed to */
    unsigned int virq;              /* ... as this interrupt of its vGIC */
};

static struct irq_desc irq_desc[NR_IRQS];

static DEFINE_SPINLOCK(irq_desc_lock);

/*
 * A PPI is requested once on each pCPU, always with the same handler:
 * only another owner is refused.
 */
int request_irq(unsigned int irq, unsigned int irqflags,
                irq_handler_t handler, const char *devname, void *dev_id)
{
    struct irq_desc *desc;
    int rc = 0;

    (void)irqflags;

    if ( irq < NR_GIC_SGI || irq >= NR_IRQS || handler == NULL )
        return -EINVAL;

    desc = &irq_desc[irq];

    spin_lock(&irq_desc_lock);

    if ( desc->guest != NULL ||
         (desc->handler != NULL && desc->handler != handler) )
        rc = -EBUSY;
    else
    {
        desc->handler = handler;
        desc->dev_id = dev_id;
        desc->name = devname;
    }

    spin_unlock(&irq_desc_lock);

    if ( !rc )
        gic_route_irq_to_xen(irq, GIC_PRI_IRQ);

    return rc;
}

void release_irq(unsigned int irq, const void *dev_id)
{
    struct irq_desc *desc;

    if ( irq >= NR_IRQS )
        return;

    desc = &irq_desc[irq];

    spin_lock(&irq_desc_lock);

    if ( desc->handler != NULL && desc->dev_id == dev_id )
    {
        desc->handler = NULL;
        desc->dev_id = NULL;
        desc->name = NULL;
    }

    spin_unlock(&irq_desc_lock);
}

int route_irq_to_guest(struct domain *d, unsigned int virq, unsigned int irq)
{
    struct irq_desc *desc;
    int rc = 0;

    /* Only shared interrupts belong to a single device. */
    if ( irq < NR_GIC_LOCAL_IRQS || irq >= NR_IRQS )
        return -EINVAL;

    desc = &irq_desc[irq];

    spin_lock(&irq_desc_lock);

    if ( desc->handler != NULL || desc->guest != NULL )
        rc = -EBUSY;
    else
    {
        desc->guest = d;
        desc->virq = virq;
    }

    spin_unlock(&irq_desc_lock);

    if ( !rc )
        gic_route_irq_to_xen(irq, GIC_PRI_IRQ);

    return rc;
}

void do_IRQ(struct cpu_user_regs *regs, unsigned int irq, int is_fiq)
{
    struct irq_desc *desc;

    (void)regs;
    (void)is_fiq;

    if ( irq >= NR_IRQS )
        return;

    desc = &irq_desc[irq];

    if ( desc->guest != NULL )
    {
        struct domain *d = desc->guest;

        /*
         * The domain's vGIC picks the vCPU; the interrupt is deactivated
         * when the domain has handled it.
         */
        vgic_inject_irq(d, NULL, desc->virq, true);
        return;
    }

    if ( desc->handler != NULL )
        desc->handler(irq, desc->dev_id);
    else
        printk(XENLOG_WARNING "IRQ%u: nobody to handle it\\n", irq);

    gic_hw_ops->eoi_irq(irq);
}
"""
    + EMACS_BLOCK
)


def p02(s: Any, v2: bool) -> None:
    p = s.patch(
        "xen/arm: Forward the interrupts of assigned devices to their domain",
        """
        An interrupt of a device assigned to a domain reaches Xen first,
        which must inject it into the domain's virtual GIC; Xen's own
        interrupts, the timer's for instance, go to the handler registered
        with request_irq().

        Keep, for every interrupt, either Xen's handler or the domain and
        virtual interrupt it is routed to (route_irq_to_guest()), and let
        do_IRQ() call the handler or inject the interrupt.

        Suspend to RAM needs this in one place: a suspended domain is woken
        up by an interrupt of one of its devices, and do_IRQ() is where Xen
        sees it arrive.
        """,
    )
    p.signed_off_by(MIRA)
    if v2:
        p.reviewed_by(STEFAN)
    p.create("xen/arch/arm/irq.c", IRQ_C)
    p.insert_after("xen/arch/arm/Makefile", "obj-y += gic.o\n", "obj-y += irq.o\n")
    p.insert_after(
        "xen/include/xen/irq.h",
        """
void release_irq(unsigned int irq, const void *dev_id);
""",
        """

struct domain;

/* Hand the shared interrupt irq of a device assigned to d to it, as virq. */
int route_irq_to_guest(struct domain *d, unsigned int virq, unsigned int irq);
""",
    )


# -- 03 ------------------------------------------------------------------------

SUSPEND_C_03 = """
/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/arch/arm/suspend.c
 *
 * Suspend to RAM.  Domains suspend with virtual PSCI SYSTEM_SUSPEND,
 * guests first and the hardware domain last; a suspended domain resumes
 * when an interrupt of one of its devices arrives.
 */

#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/tasklet.h>
#include <xen/types.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/psci.h>
#include <asm/suspend.h>
#include <public/sched.h>

/* Parked by SYSTEM_SUSPEND and not resumed since */
static bool domain_is_suspended(const struct domain *d)
{
    return d->is_shut_down && d->shutdown_code == SHUTDOWN_suspend;
}

/* Let d run again, from the context its SYSTEM_SUSPEND gave. */
static void resume_suspended_domain(struct domain *d)
{
    domain_resume(d);
}

static void domain_resume_tasklet(void *data)
{
    struct domain *d = data;

    /* The toolstack may have resumed it meanwhile. */
    if ( !domain_is_suspended(d) )
        return;
%(HWDOM_FIRST)s
    printk(XENLOG_INFO "d%%u: woken up by a device interrupt\\n",
           d->domain_id);

    resume_suspended_domain(d);
}

void suspend_init_domain(struct domain *d)
{
    tasklet_init(&d->arch.resume_tasklet, domain_resume_tasklet, d);
}

/*
 * do_IRQ() is handing d an interrupt of one of its devices.  If d is
 * suspended, that interrupt is its wake-up call: resume it, from a tasklet
 * because domain_resume() may not run in interrupt context.  %(ONLY_D)s
 */
void domain_wake_from_suspend(struct domain *d)
{
    if ( domain_is_suspended(d) )
        tasklet_schedule(&d->arch.resume_tasklet);
}

/*
 * SYSTEM_SUSPEND from the current vCPU, for any domain: park the domain
 * in SHUTDOWN_suspend, the calling vCPU set to start at epoint with cid
 * in x0 (r0) once the domain resumes, which happens when the toolstack
 * resumes it (XEN_DOMCTL_resumedomain) or when an interrupt of one of its
 * devices arrives.  Returns a PSCI code; on success the caller's
 * registers already hold the resume context.
 */
int32_t domain_suspend(register_t epoint, register_t cid)
{
    struct vcpu *curr = current;
    struct domain *d = curr->domain;
    struct vcpu_guest_context ctxt;
    struct vcpu *v;
    int32_t ret;

    domain_lock(d);

    /* PSCI: the caller must be the last vCPU still online. */
    for_each_vcpu ( d, v )
    {
        if ( v != curr && !test_bit(_VPF_down, &v->pause_flags) )
        {
            domain_unlock(d);
            return PSCI_DENIED;
        }
    }

    ret = vpsci_build_context(d, &ctxt, epoint, cid);
    if ( ret != PSCI_SUCCESS )
    {
        domain_unlock(d);
        return ret;
    }

    /* The hardware domain too: domain_shutdown() parks it like a guest. */
    if ( domain_shutdown(d, SHUTDOWN_suspend) )
    {
        domain_unlock(d);
        return PSCI_DENIED;
    }

    /* Paused by the shutdown: safe to replace the caller's registers. */
    _arch_set_info_guest(curr, &ctxt);

    domain_unlock(d);

    gprintk(XENLOG_DEBUG,
            "SYSTEM_SUSPEND: resume at 0x%%"PRIregister" cid 0x%%"PRIregister
            "\\n", epoint, cid);

    return PSCI_SUCCESS;
}
""" + EMACS_BLOCK.replace("%", "%%")

HWDOM_FIRST_V2 = """
    /*
     * Backends before frontends: the hardware domain holds the PV
     * backends and xenstored, without which a guest can do no I/O.  If it
     * is still suspended, it comes back first.
     */
    if ( !is_hardware_domain(d) && hardware_domain != NULL &&
         domain_is_suspended(hardware_domain) )
        resume_suspended_domain(hardware_domain);
"""

ONLY_D_V1 = """Only d is
 * resumed: each domain is woken up by its own devices, the hardware
 * domain included."""

ONLY_D_V2 = """A guest
 * brings the hardware domain back first, if it is still suspended (see
 * domain_resume_tasklet())."""

SUSPEND_H_03 = (
    """
/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_ARM_SUSPEND_H__
#define __ASM_ARM_SUSPEND_H__

#include <xen/types.h>

struct domain;

/* Virtual PSCI SYSTEM_SUSPEND of the current domain; a PSCI code. */
int32_t domain_suspend(register_t epoint, register_t cid);

/* Called when d is created. */
void suspend_init_domain(struct domain *d);

/* An interrupt of a device assigned to d has arrived (do_IRQ()). */
void domain_wake_from_suspend(struct domain *d);

#endif /* __ASM_ARM_SUSPEND_H__ */
"""
    + EMACS_BLOCK
)


def p03(s: Any, v2: bool) -> None:
    p = s.patch(
        "xen/arm: Implement virtual SYSTEM_SUSPEND for the hardware domain",
        """
        Virtual PSCI SYSTEM_SUSPEND parks a guest in SHUTDOWN_suspend until
        the toolstack resumes it, and is refused to the hardware domain,
        whose shutdown reboots or halts the host.  For suspend to RAM the
        hardware domain must suspend too, as the last domain before Xen, and
        a suspended domain must come back without help from the toolstack,
        which is suspended as well.

        Move the SYSTEM_SUSPEND handling to a new suspend.c as
        domain_suspend(), for every domain, and let domain_shutdown() park
        the hardware domain for SHUTDOWN_suspend instead of passing the
        reason on to hwdom_shutdown().

        A suspended domain resumes when an interrupt of one of its devices
        arrives: do_IRQ() tells domain_wake_from_suspend(), which resumes
        the domain from a per-domain tasklet.
        """,
    )
    p.signed_off_by(MIRA, SAUL)
    if v2:
        p.changelog(
            """
            - A guest woken up by its device while the hardware domain, which
              holds its PV backends and xenstored, is still suspended resumes
              the hardware domain first.
            """
        )
    p.create(
        SUSPEND_C,
        SUSPEND_C_03
        % {
            "HWDOM_FIRST": HWDOM_FIRST_V2 if v2 else "",
            "ONLY_D": ONLY_D_V2 if v2 else ONLY_D_V1,
        },
    )
    p.create(SUSPEND_H, SUSPEND_H_03)
    p.insert_after("xen/arch/arm/Makefile", "obj-y += smpboot.o\n", "obj-y += suspend.o\n")
    vpsci = "xen/arch/arm/vpsci.c"
    p.include(vpsci, "asm/suspend.h")
    p.replace(
        vpsci,
        """
/*
 * SYSTEM_SUSPEND from a guest: the domain is parked in SHUTDOWN_suspend
 * and, once the toolstack resumes it (XEN_DOMCTL_resumedomain), its
 * calling vCPU starts at epoint with cid in x0 (r0).
 *
 * On success the calling vCPU's registers already hold that resume
 * context, so the caller must not write a result into x0.
 */
static int32_t do_psci_1_0_system_suspend(register_t epoint, register_t cid)
{
    struct vcpu *curr = current;
    struct domain *d = curr->domain;
    struct vcpu_guest_context ctxt;
    struct vcpu *v;
    int32_t ret;

    /*
     * Not for the hardware domain: domain_shutdown() hands its shutdowns
     * to hwdom_shutdown(), which reboots or halts the machine.
     */
    if ( is_hardware_domain(d) )
        return PSCI_DENIED;

    domain_lock(d);

    /* PSCI: the caller must be the last vCPU still online. */
    for_each_vcpu ( d, v )
    {
        if ( v != curr && !test_bit(_VPF_down, &v->pause_flags) )
        {
            domain_unlock(d);
            return PSCI_DENIED;
        }
    }

    ret = vpsci_build_context(d, &ctxt, epoint, cid);
    if ( ret != PSCI_SUCCESS )
    {
        domain_unlock(d);
        return ret;
    }

    if ( domain_shutdown(d, SHUTDOWN_suspend) )
    {
        domain_unlock(d);
        return PSCI_DENIED;
    }

    /* Paused by the shutdown: safe to replace the caller's registers. */
    _arch_set_info_guest(curr, &ctxt);

    domain_unlock(d);

    gprintk(XENLOG_DEBUG,
            "SYSTEM_SUSPEND: resume at 0x%"PRIregister" cid 0x%"PRIregister
            "\\n", epoint, cid);

    return PSCI_SUCCESS;
}
""",
        """
/*
 * SYSTEM_SUSPEND, from any domain: see domain_suspend().  On success the
 * calling vCPU's registers already hold its resume context, so the caller
 * must not write a result into x0.
 */
static int32_t do_psci_1_0_system_suspend(register_t epoint, register_t cid)
{
    return domain_suspend(epoint, cid);
}
""",
    )
    domain_c = "xen/common/domain.c"
    p.replace(
        domain_c,
        """
 * The hardware domain is different: when it stops, so does the machine.
 */
""",
        """
 * The hardware domain is different: when it stops, so does the machine,
 * unless it only suspends.
 */
""",
    )
    p.replace(
        domain_c,
        """
    if ( is_hardware_domain(d) )
        hwdom_shutdown(reason);
""",
        """
    if ( is_hardware_domain(d) && reason != SHUTDOWN_suspend )
        hwdom_shutdown(reason);
""",
    )
    arm_domain = "xen/arch/arm/domain.c"
    p.include(arm_domain, "asm/suspend.h")
    p.replace(
        arm_domain,
        """
    d->arch.type = DOMAIN_64BIT;

    return domain_io_init(d, MAX_IO_HANDLER);
}

void arch_domain_destroy(struct domain *d)
{
    (void)d;
}
""",
        """
    d->arch.type = DOMAIN_64BIT;
    suspend_init_domain(d);

    return domain_io_init(d, MAX_IO_HANDLER);
}

void arch_domain_destroy(struct domain *d)
{
    tasklet_kill(&d->arch.resume_tasklet);
}
""",
    )
    arm_domain_h = "xen/arch/arm/include/asm/domain.h"
    p.include(arm_domain_h, "xen/tasklet.h")
    p.replace(
        arm_domain_h,
        """
    struct vmmio vmmio;             /* Emulated MMIO regions */
""",
        """
    struct vmmio vmmio;             /* Emulated MMIO regions */
    struct tasklet resume_tasklet;  /* Resumes it from SYSTEM_SUSPEND */
""",
    )
    irq_c = "xen/arch/arm/irq.c"
    p.include(irq_c, "asm/suspend.h")
    p.replace(
        irq_c,
        """
        struct domain *d = desc->guest;

""",
        """
        struct domain *d = desc->guest;

        /* A suspended domain wakes up on its devices' interrupts. */
        domain_wake_from_suspend(d);

""",
    )


# -- 04 ------------------------------------------------------------------------


def p04(s: Any, v2: bool) -> None:
    p = s.patch(
        "xen: Pause the timers and watchdogs of a suspended domain",
        """
        A domain parked by SYSTEM_SUSPEND still has Xen timers standing in
        for its vCPUs' generic timers, and may have armed domain watchdogs.
        Left alone, a virtual timer fires into a domain that expects to be
        woken up only by its devices, and a watchdog expires while nobody
        can ping it: domain_watchdog_timeout() then ignores it, because the
        domain is shutting down, and the domain resumes with a watchdog
        that will never fire again.

        When a domain suspends, stop its timer stand-ins, keeping their
        state, and do not arm the virtual timer's stand-in when a vCPU of a
        suspended domain leaves its pCPU; stop its watchdogs.  When it
        resumes, re-arm the physical timer's stand-in (the virtual timer
        comes back with the vCPU's context) and restart the watchdogs with
        their full timeout, which domain_watchdog() now records.

        The vCPUs' GIC state needs nothing new: it is saved when they leave
        their pCPU, as for any vCPU that stops running.
        """,
    )
    p.signed_off_by(MIRA)
    if v2:
        p.reviewed_by(JULIA)
    vtimer_c = "xen/arch/arm/vtimer.c"
    p.replace(
        vtimer_c,
        """
    if ( (t->ctl & CNTx_CTL_ENABLE) && !(t->ctl & CNTx_CTL_MASK) )
        set_timer(&t->timer, ticks_to_ns(t->cval - boot_count));
}
""",
        """
    /* Not for a suspended domain: see vcpu_timer_suspend(). */
    if ( (t->ctl & CNTx_CTL_ENABLE) && !(t->ctl & CNTx_CTL_MASK) &&
         !v->domain->is_shutting_down )
        set_timer(&t->timer, ticks_to_ns(t->cval - boot_count));
}
""",
    )
    p.insert_before(
        vtimer_c,
        """
/*
 * Local variables:
""",
        """
/*
 * The vCPU's domain suspends: neither timer may fire until it resumes,
 * but their state (ctl, cval) is kept for vcpu_timer_resume().
 */
void vcpu_timer_suspend(struct vcpu *v)
{
    stop_timer(&v->arch.phys_timer.timer);
    stop_timer(&v->arch.virt_timer.timer);
}

void vcpu_timer_resume(struct vcpu *v)
{
    struct vtimer *t = &v->arch.phys_timer;

    /* The virtual timer comes back with the vCPU: virt_timer_restore(). */
    if ( (t->ctl & CNTx_CTL_ENABLE) && !(t->ctl & CNTx_CTL_PENDING) )
        set_timer(&t->timer, ticks_to_ns(t->cval - boot_count));
}

""",
    )
    p.insert_after(
        "xen/arch/arm/include/asm/vtimer.h",
        """
void virt_timer_restore(struct vcpu *v);
""",
        """

/* The vCPU's domain suspends, then resumes: its timers stop meanwhile. */
void vcpu_timer_suspend(struct vcpu *v);
void vcpu_timer_resume(struct vcpu *v);
""",
    )
    core_c = "xen/common/sched/core.c"
    p.replace(
        core_c,
        """
            if ( test_and_set_bit(id, &d->watchdog_inuse_map) )
                continue;
            set_timer(&d->watchdog_timer[id], NOW() + SECONDS(timeout));
""",
        """
            if ( test_and_set_bit(id, &d->watchdog_inuse_map) )
                continue;
            d->watchdog_timeout[id] = timeout;
            set_timer(&d->watchdog_timer[id], NOW() + SECONDS(timeout));
""",
    )
    p.replace(
        core_c,
        """
    else
        set_timer(&d->watchdog_timer[id], NOW() + SECONDS(timeout));
""",
        """
    else
    {
        d->watchdog_timeout[id] = timeout;
        set_timer(&d->watchdog_timer[id], NOW() + SECONDS(timeout));
    }
""",
    )
    p.insert_before(
        core_c,
        """
long do_sched_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
""",
        """
/*
 * A suspended domain cannot ping its watchdogs: stop them while it is
 * suspended, and restart them with their full timeout when it resumes.
 */
void watchdog_domain_suspend(struct domain *d)
{
    unsigned int i;

    spin_lock(&d->watchdog_lock);

    for ( i = 0; i < NR_DOMAIN_WATCHDOG_TIMERS; i++ )
    {
        if ( test_bit(i, &d->watchdog_inuse_map) )
            stop_timer(&d->watchdog_timer[i]);
    }

    spin_unlock(&d->watchdog_lock);
}

void watchdog_domain_resume(struct domain *d)
{
    unsigned int i;

    spin_lock(&d->watchdog_lock);

    for ( i = 0; i < NR_DOMAIN_WATCHDOG_TIMERS; i++ )
    {
        if ( test_bit(i, &d->watchdog_inuse_map) )
            set_timer(&d->watchdog_timer[i],
                      NOW() + SECONDS(d->watchdog_timeout[i]));
    }

    spin_unlock(&d->watchdog_lock);
}

""",
    )
    sched_h = "xen/include/xen/sched.h"
    p.replace(
        sched_h,
        """
    struct timer watchdog_timer[NR_DOMAIN_WATCHDOG_TIMERS];
""",
        """
    struct timer watchdog_timer[NR_DOMAIN_WATCHDOG_TIMERS];
    uint32_t watchdog_timeout[NR_DOMAIN_WATCHDOG_TIMERS];   /* Seconds */
""",
    )
    p.insert_after(
        sched_h,
        """
void watchdog_domain_destroy(struct domain *d);
""",
        """
/* Stop a suspended domain's watchdogs; restart them when it resumes. */
void watchdog_domain_suspend(struct domain *d);
void watchdog_domain_resume(struct domain *d);
""",
    )
    p.include(SUSPEND_C, "asm/vtimer.h")
    p.replace(
        SUSPEND_C,
        """
static void resume_suspended_domain(struct domain *d)
{
    domain_resume(d);
}
""",
        """
static void resume_suspended_domain(struct domain *d)
{
    struct vcpu *v;

    for_each_vcpu ( d, v )
        vcpu_timer_resume(v);
    watchdog_domain_resume(d);

    domain_resume(d);
}
""",
    )
    p.replace(
        SUSPEND_C,
        """
    _arch_set_info_guest(curr, &ctxt);

    domain_unlock(d);
""",
        """
    _arch_set_info_guest(curr, &ctxt);

    domain_unlock(d);

    /* Only its own devices may wake it up from now on. */
    for_each_vcpu ( d, v )
        vcpu_timer_suspend(v);
    watchdog_domain_suspend(d);
""",
    )


# -- 05 ------------------------------------------------------------------------

SYSTEM_SUSPEND_V1 = """
/*
 * Suspend Xen, and with it the host, once the hardware domain has
 * suspended.  Runs on pCPU 0; data is not used.  Returns 0 once the host
 * has been down and come back, or an error if it did not go down; either
 * way Xen is as it was before.
 */
static long system_suspend(void *data)
{
    BUG_ON(system_state != SYS_STATE_active);

    return -ENOSYS;
}

"""

TRIGGER_V1 = """

    /*
     * The hardware domain suspends last, and the host follows it.  Xen's
     * part must end on pCPU 0, the only pCPU left online by then, but this
     * vCPU may be running on any pCPU: carry on on pCPU 0.
     */
    if ( is_hardware_domain(d) )
    {
        status = continue_hypercall_on_cpu(0, system_suspend, NULL);
        /*
         * system_suspend() always leaves Xen as it found it, whether or
         * not the host went down, so an error needs no clean-up here:
         * just report it.
         */
        if ( status )
            dprintk(XENLOG_ERR, "Failed to suspend, errno=%d\\n", status);
    }
"""

SYSTEM_SUSPEND_V2 = """
/*
 * Suspend Xen, and with it the host, once the hardware domain has
 * suspended.  Runs on pCPU 0, from system_suspend_tasklet.  Returns 0 once
 * the host has been down and come back, or an error if it did not go
 * down; either way Xen is as it was before.
 */
static long system_suspend(void)
{
    BUG_ON(system_state != SYS_STATE_active);

    /*
     * Whatever happened, the hardware domain runs again: it holds the PV
     * backends and xenstored, which every guest needs.
     */
    if ( domain_is_suspended(hardware_domain) )
        resume_suspended_domain(hardware_domain);

    return -ENOSYS;
}

static struct tasklet system_suspend_tasklet;

static void system_suspend_tasklet_fn(void *data)
{
    long status;

    (void)data;

    status = system_suspend();
    if ( status )
        dprintk(XENLOG_ERR, "Failed to suspend, errno=%ld\\n", status);
}

"""

TRIGGER_V2 = """

    /*
     * The hardware domain suspends last, and the host follows it.  Xen's
     * part must run on pCPU 0, the only pCPU left online by then, but this
     * vCPU may be running on any pCPU: hand over to a tasklet on pCPU 0.
     * Not as a hypercall continuation: this is a PSCI call, not a
     * hypercall, and a continuation stores its result in x0, over the
     * context id the hardware domain resumes with.
     */
    if ( is_hardware_domain(d) )
    {
        tasklet_kill(&system_suspend_tasklet);
        tasklet_init(&system_suspend_tasklet, system_suspend_tasklet_fn,
                     NULL);
        tasklet_schedule_on_cpu(&system_suspend_tasklet, 0);
    }
"""


def p05(s: Any, v2: bool) -> None:
    if v2:
        body = """
        When the hardware domain has suspended, Xen suspends the host.  The
        hardware domain's last vCPU, the one calling SYSTEM_SUSPEND, may be
        running on any pCPU, but the host suspend has to run on pCPU 0: the
        other pCPUs are taken down on the way.

        Schedule system_suspend() in a tasklet on pCPU 0.  The vCPU that
        asked is already paused by the suspend, and its registers already
        hold the resume context; nothing is written back into them.

        Whether the host went down or not, system_suspend() resumes the
        hardware domain on its way out: it holds the PV backends and
        xenstored.  For now system_suspend() does nothing else and returns
        -ENOSYS; the following patches fill it in.
        """
    else:
        body = """
        When the hardware domain has suspended, Xen suspends the host.  The
        hardware domain's last vCPU, the one calling SYSTEM_SUSPEND, may be
        running on any pCPU, but the host suspend has to run on pCPU 0: the
        other pCPUs are taken down on the way.  So system_suspend() is
        continued on pCPU 0 with continue_hypercall_on_cpu().

        When system_suspend() returns 0, the host was suspended and has
        resumed.  Whatever it returns, Xen is back in the state it had
        before the call, with every device and data structure as it was;
        the status only serves for logging.  For now system_suspend() does
        nothing and returns -ENOSYS; the following patches fill it in.
        """
    p = s.patch("xen/arm: Trigger Xen suspend when Dom0 completes suspend", body)
    p.signed_off_by(MIRA, SAUL)
    if v2:
        p.changelog(
            """
            - Run system_suspend() from a tasklet on pCPU 0 instead of
              continue_hypercall_on_cpu(): SYSTEM_SUSPEND comes from a PSCI
              call, and the continuation wrote system_suspend()'s result
              into the hardware domain's x0, over the context id of its
              resume context.  The status printed was the scheduling's, not
              the suspend's.
            - Resume the hardware domain when system_suspend() is done.
            """
        )
    p.insert_before(
        SUSPEND_C,
        """
/*
 * SYSTEM_SUSPEND from the current vCPU, for any domain: park the domain
""",
        SYSTEM_SUSPEND_V2 if v2 else SYSTEM_SUSPEND_V1,
    )
    if not v2:
        p.include(SUSPEND_C, "xen/domain.h")
        p.replace(
            SUSPEND_C,
            """
    struct vcpu *v;
    int32_t ret;

    domain_lock(d);
""",
            """
    struct vcpu *v;
    int32_t ret;
    int status;

    domain_lock(d);
""",
        )
    p.insert_after(
        SUSPEND_C,
        """
            "\\n", epoint, cid);
""",
        TRIGGER_V2 if v2 else TRIGGER_V1,
    )


# -- 06: freeze and thaw ----------------------------------------------------


def p06(s: Any, v2: bool) -> None:
    if v2:
        resume = """
    /*
     * Backends before frontends: the hardware domain holds the PV
     * backends and xenstored.  Whatever happened, resume it while every
     * domain is still frozen, so that it may run as soon as anything may.
     * The guests stay parked until their own devices wake them up (see
     * domain_resume_tasklet()).
     */
    if ( domain_is_suspended(hardware_domain) )
        resume_suspended_domain(hardware_domain);

    thaw_domains();
"""
    else:
        resume = """
    /*
     * Thawing only undoes freeze_domains(): every domain parked by
     * SYSTEM_SUSPEND stays parked until an interrupt of one of its own
     * devices wakes it up (domain_wake_from_suspend()).
     */
    thaw_domains();
"""
    p = s.patch(
        "xen/arm: Freeze domains on suspend and thaw them on resume",
        """
        While the host goes down and comes back, no domain may run, nor see
        time pass: a domain that is not suspended itself (a driver domain
        that has not been asked to, a domain being built) would otherwise
        find its timers and devices gone from under it.

        Pause every domain with freeze_domains() at the start of
        system_suspend(), and unpause them with thaw_domains() at the end,
        as x86 does around S3.  The domains suspended with SYSTEM_SUSPEND
        are parked anyway; thawing does not resume them.
        """,
    )
    p.signed_off_by(MIRA, SAUL)
    if v2:
        p.changelog(
            """
            - Resume the hardware domain before thaw_domains(), while every
              domain is still frozen, rather than after system_suspend():
              thaw_domains() could otherwise let a woken guest run before
              its backends. (Julia)
            """
        )
    args = "void" if v2 else "void *data"
    p.replace(
        SUSPEND_C,
        f"""
static long system_suspend({args})
{{
    BUG_ON(system_state != SYS_STATE_active);
""",
        f"""
static long system_suspend({args})
{{
    int status;

    BUG_ON(system_state != SYS_STATE_active);

    system_state = SYS_STATE_suspend;

    /* No domain runs, nor sees time pass, while the host is down. */
    freeze_domains();

    status = -ENOSYS;
""",
    )
    if v2:
        old = """
    /*
     * Whatever happened, the hardware domain runs again: it holds the PV
     * backends and xenstored, which every guest needs.
     */
    if ( domain_is_suspended(hardware_domain) )
        resume_suspended_domain(hardware_domain);

    return -ENOSYS;
}
"""
    else:
        old = """
    status = -ENOSYS;

    return -ENOSYS;
}
"""
    new = (
        ("" if v2 else "\n    status = -ENOSYS;\n")
        + resume
        + """
    system_state = SYS_STATE_active;

    return status;
}
"""
    )
    p.replace(SUSPEND_C, old, new)


# -- 07: scheduler -------------------------------------------------------------


def p07(s: Any, v2: bool) -> None:
    p = s.patch(
        "xen/arm: Disable the scheduler while the host suspends",
        """
        freeze_domains() pauses every domain once, but the toolstack or a
        wake-up tasklet may unpause a vCPU while the host suspend is under
        way, and a pCPU about to go down must not pick it.

        Disable the scheduler after freezing the domains and enable it again
        before thawing them: meanwhile pCPUs only run their idle vCPU, and
        with it tasklets such as the one running system_suspend().
        """,
    )
    p.signed_off_by(MIRA)
    if v2:
        p.reviewed_by(JULIA)
    p.replace(
        SUSPEND_C,
        """
    freeze_domains();

    status = -ENOSYS;

""",
        """
    freeze_domains();
    scheduler_disable();

    status = -ENOSYS;

    scheduler_enable();

""",
    )


# -- 08: non-boot pCPUs -----------------------------------------------------


def p08(s: Any, v2: bool) -> None:
    p = s.patch(
        "xen/arm: Disable/enable non-boot physical CPUs on suspend/resume",
        """
        PSCI SYSTEM_SUSPEND must be called with every pCPU but the calling
        one powered off.  system_suspend() runs on pCPU 0: take the other
        pCPUs down with disable_nonboot_cpus() before going further, and
        bring back those it took down with enable_nonboot_cpus() on the way
        out.

        disable_nonboot_cpus() may fail after taking some pCPUs down; the
        error path then goes through enable_nonboot_cpus() too, which brings
        back exactly the ones that went down.
        """,
    )
    p.signed_off_by(MIRA)
    if v2:
        p.reviewed_by(JULIA)
    p.include(SUSPEND_C, "xen/cpu.h")
    p.replace(
        SUSPEND_C,
        """
    status = -ENOSYS;

    scheduler_enable();
""",
        """
    /* The firmware takes the host down from pCPU 0, alone online. */
    status = disable_nonboot_cpus();
    if ( status )
        goto resume_nonboot_cpus;

    status = -ENOSYS;

 resume_nonboot_cpus:
    enable_nonboot_cpus();
    scheduler_enable();
""",
    )


# -- 09: rcu_barrier --------------------------------------------------------------


def p09(s: Any, v2: bool) -> None:
    p = s.patch(
        "xen/arm: Add rcu_barrier() before enabling non-boot CPUs on resume",
        """
        A pCPU taken down by disable_nonboot_cpus() may leave RCU callbacks
        queued, and bringing it up again while they are pending lets them
        run on state that the pCPU's CPU_UP_PREPARE notifiers have already
        set up again.

        Wait for every pending callback with rcu_barrier() before
        enable_nonboot_cpus().
        """,
    )
    p.signed_off_by(MIRA)
    if v2:
        p.reviewed_by(STEFAN)
    p.include(SUSPEND_C, "xen/rcupdate.h")
    p.replace(
        SUSPEND_C,
        """
 resume_nonboot_cpus:
    enable_nonboot_cpus();
""",
        """
 resume_nonboot_cpus:
    /* No callback of a pCPU that went down may run once it is back. */
    rcu_barrier();
    enable_nonboot_cpus();
""",
    )


# -- 10: GIC front ---------------------------------------------------------------


def p10(s: Any, v2: bool) -> None:
    p = s.patch(
        "xen/arm: Add gic_suspend() and gic_resume()",
        """
        The GICv2 driver saves and restores the distributor and CPU
        interface state that the firmware loses when it powers the GIC down,
        but nothing calls these hooks yet.

        Add gic_suspend() and gic_resume() to the GIC front so that the host
        suspend code can use them without reaching into gic_hw_ops.  Both
        run on the boot pCPU, alone online, with interrupts off: assert it.
        """,
    )
    p.signed_off_by(MIRA)
    if v2:
        p.reviewed_by(JULIA)
    p.insert_after(
        "xen/arch/arm/gic.c",
        """
void gic_disable_cpu(void)
{
    ASSERT(!local_irq_is_enabled());

    gic_hw_ops->disable_interface();
}
""",
        """

/*
 * Host suspend: save the GIC's state before the firmware powers it down,
 * and restore it on the way back.
 */
int gic_suspend(void)
{
    ASSERT(!local_irq_is_enabled());
    ASSERT(num_online_cpus() == 1);

    return gic_hw_ops->suspend();
}

void gic_resume(void)
{
    ASSERT(!local_irq_is_enabled());

    gic_hw_ops->resume();
}
""",
    )
    gic_h = "xen/arch/arm/include/asm/gic.h"
    p.replace(
        gic_h,
        """
     * firmware powers the GIC down, restore them on the way back.  Called
     * on the boot pCPU, alone online, with interrupts off.  The front has
     * no wrapper for them yet: host suspend code adds gic_suspend() and
     * gic_resume() to gic.c.
     */
""",
        """
     * firmware powers the GIC down, restore them on the way back.  Called
     * through gic_suspend() and gic_resume(), on the boot pCPU, alone
     * online, with interrupts off.
     */
""",
    )
    p.insert_after(
        gic_h,
        """
void gic_disable_cpu(void);
""",
        """
int gic_suspend(void);
void gic_resume(void);
""",
    )


# -- 11: GIC in system_suspend() -------------------------------------------


def p11(s: Any, v2: bool) -> None:
    p = s.patch(
        "xen/arm: Suspend/resume GIC on system suspend/resume",
        """
        The firmware powers the GIC down with the host.  Save its state with
        gic_suspend() as the last step before the firmware call, with
        interrupts off so that nothing is acknowledged on the way, and
        restore it with gic_resume() first thing on the way back, before
        interrupts are enabled again.
        """,
    )
    p.signed_off_by(MIRA)
    if v2:
        p.reviewed_by(JULIA)
    p.include(SUSPEND_C, "asm/gic.h")
    p.include(SUSPEND_C, "asm/system.h")
    p.replace(
        SUSPEND_C,
        """
    int status;

    BUG_ON(system_state != SYS_STATE_active);
""",
        """
    unsigned long flags;
    int status;

    BUG_ON(system_state != SYS_STATE_active);
""",
    )
    p.replace(
        SUSPEND_C,
        """
    status = -ENOSYS;

 resume_nonboot_cpus:
""",
        """
    local_irq_save(flags);

    status = gic_suspend();
    if ( status )
        goto resume_irqs;

    status = -ENOSYS;

    gic_resume();

 resume_irqs:
    local_irq_restore(flags);

 resume_nonboot_cpus:
""",
    )


# -- 12: timer ---------------------------------------------------------------


def p12(s: Any, v2: bool) -> None:
    p = s.patch(
        "xen/arm: Suspend/resume timer interrupt generation",
        """
        Xen's own timer (the EL2 physical timer) keeps counting down while
        the host is suspended, and its interrupt would wake the host up
        again at Xen's next deadline.

        Add time_suspend(), which turns the timer off, and time_resume(),
        which lets the timer softirq program it again for the soonest of
        Xen's timers, and call them around the rest of the host suspend.
        """,
    )
    p.signed_off_by(MIRA)
    if v2:
        p.reviewed_by(STEFAN)
    p.insert_before(
        "xen/arch/arm/time.c",
        """
/*
 * Local variables:
""",
        """
/*
 * Host suspend: Xen's timer must not wake the host up, so it is turned
 * off.  The counter keeps counting; on resume the timer softirq programs
 * the timer again for the soonest of Xen's timers.
 */
void time_suspend(void)
{
    WRITE_SYSREG(0, CNTHP_CTL_EL2);
    isb();
}

void time_resume(void)
{
    raise_softirq(TIMER_SOFTIRQ);
}

""",
    )
    p.insert_after(
        "xen/arch/arm/include/asm/time.h",
        """
void init_timer_interrupt(void);
""",
        """

/* Host suspend: stop Xen's timer, and start it again on resume. */
void time_suspend(void);
void time_resume(void);
""",
    )
    p.include(SUSPEND_C, "asm/time.h")
    p.replace(
        SUSPEND_C,
        """
        goto resume_nonboot_cpus;

    local_irq_save(flags);
""",
        """
        goto resume_nonboot_cpus;

    time_suspend();

    local_irq_save(flags);
""",
    )
    p.replace(
        SUSPEND_C,
        """
    local_irq_restore(flags);

 resume_nonboot_cpus:
""",
        """
    local_irq_restore(flags);

    time_resume();

 resume_nonboot_cpus:
""",
    )


# -- 13, 14: console ------------------------------------------------------------


def p13(s: Any, v2: bool) -> None:
    p = s.patch(
        "xen/console: Add console_suspend() and console_resume()",
        """
        The UART behind the console loses its state when the host is
        suspended to RAM, and must not be written to from the moment its
        driver has quiesced it.

        Add console_suspend(), which calls the UART driver's suspend hook
        and from then on keeps printk() output in the console ring only,
        and console_resume(), which brings the UART back.  Output printed
        meanwhile stays in the ring, where the hardware domain can read it.
        """,
    )
    p.signed_off_by(MIRA)
    if v2:
        p.acked_by(TOMAS)
    console_c = "xen/drivers/char/console.c"
    p.replace(
        console_c,
        """
/* Print even when the lock is held (crash, halt, reboot). */
static bool console_sync;
""",
        """
/* Print even when the lock is held (crash, halt, reboot). */
static bool console_sync;

/* Between console_suspend() and console_resume(): the ring only. */
static bool console_suspended;
""",
    )
    p.replace(
        console_c,
        """
    if ( console_uart == NULL )
        return;
""",
        """
    if ( console_uart == NULL || console_suspended )
        return;
""",
    )
    p.insert_before(
        console_c,
        """
long do_console_io(unsigned int cmd, unsigned int count,
""",
        """
/* Host suspend: quiesce the UART, and bring it back on resume. */
int console_suspend(void)
{
    int rc = 0;

    if ( console_uart != NULL && console_uart->suspend != NULL )
        rc = console_uart->suspend();

    if ( !rc )
        console_suspended = true;

    return rc;
}

void console_resume(void)
{
    if ( console_uart != NULL && console_uart->resume != NULL )
        console_uart->resume();

    console_suspended = false;
}

""",
    )
    p.insert_after(
        "xen/include/xen/console.h",
        """
void console_force_unlock(void);
""",
        """

/* Host suspend: printk() only fills the ring in between. */
int console_suspend(void);
void console_resume(void);
""",
    )


def p14(s: Any, v2: bool) -> None:
    p = s.patch(
        "xen/arm: Suspend/resume the console on system suspend/resume",
        """
        Suspend the console after the IOMMU and Xen's timer, as late as
        possible so that the messages of the host suspend still reach the
        UART, and resume it right after interrupts are enabled again.
        """,
    )
    p.signed_off_by(MIRA)
    if v2:
        p.reviewed_by(JULIA)
    p.include(SUSPEND_C, "xen/console.h")
    p.replace(
        SUSPEND_C,
        """
    time_suspend();

    local_irq_save(flags);
""",
        """
    time_suspend();

    status = console_suspend();
    if ( status )
        goto resume_time;

    local_irq_save(flags);
""",
    )
    p.replace(
        SUSPEND_C,
        """
    local_irq_restore(flags);

    time_resume();
""",
        """
    local_irq_restore(flags);
    console_resume();

 resume_time:
    time_resume();
""",
    )


# -- 15, 16: IOMMU -----------------------------------------------------------------


def p15(s: Any, v2: bool) -> None:
    p = s.patch(
        "xen/iommu: Add iommu_suspend() and iommu_resume()",
        """
        IOMMU drivers can provide suspend and resume hooks for a host
        suspend, but the vendor independent code has no way to call them.

        Add iommu_suspend() and iommu_resume(), which call the driver's
        hooks when an IOMMU is in use and the driver has them.
        """,
    )
    p.signed_off_by(MIRA)
    if v2:
        p.acked_by(IVO)
    p.insert_after(
        "xen/drivers/passthrough/iommu.c",
        """
    return iommu_enable && !iommu_enabled ? rc : 0;
}
""",
        """

int iommu_suspend(void)
{
    const struct iommu_ops *ops = iommu_get_ops();

    if ( !iommu_enabled || ops->suspend == NULL )
        return 0;

    return ops->suspend();
}

void iommu_resume(void)
{
    const struct iommu_ops *ops = iommu_get_ops();

    if ( iommu_enabled && ops->resume != NULL )
        ops->resume();
}
""",
    )
    iommu_h = "xen/include/xen/iommu.h"
    p.replace(
        iommu_h,
        """
    /*
     * Host suspend.  Decision for the mini tree: drivers fill these in,
     * but iommu.c has no iommu_suspend() / iommu_resume() wrappers yet;
     * the code that adds host suspend adds them next to iommu_setup()
     * (and declares them here), calling through iommu_get_ops() only
     * when iommu_enabled.  suspend runs on the boot pCPU with every
     * domain frozen; resume undoes it before domains are thawed.
     */
""",
        """
    /*
     * Host suspend, through iommu_suspend() and iommu_resume().  suspend
     * runs on the boot pCPU with every domain frozen; resume undoes it
     * before domains are thawed.  Either may be NULL.
     */
""",
    )
    p.insert_after(
        iommu_h,
        """
int iommu_setup(void);
""",
        """
int iommu_suspend(void);
void iommu_resume(void);
""",
    )


def p16(s: Any, v2: bool) -> None:
    p = s.patch(
        "xen/arm: Suspend/resume the IOMMU on system suspend/resume",
        """
        The IOMMU loses its state with the host.  Suspend it once the
        domains are frozen and the other pCPUs are down, before the console
        so that an error is still printed, and resume it before the console
        on the way back.
        """,
    )
    p.signed_off_by(MIRA)
    if v2:
        p.reviewed_by(JULIA)
    p.include(SUSPEND_C, "xen/iommu.h")
    p.replace(
        SUSPEND_C,
        """
    status = console_suspend();
    if ( status )
        goto resume_time;
""",
        """
    status = iommu_suspend();
    if ( status )
        goto resume_time;

    status = console_suspend();
    if ( status )
        goto resume_iommu;
""",
    )
    p.replace(
        SUSPEND_C,
        """
    console_resume();

 resume_time:
""",
        """
    console_resume();

 resume_iommu:
    iommu_resume();

 resume_time:
""",
    )


# -- 17: context -------------------------------------------------------------------


def p17(s: Any, v2: bool) -> None:
    p = s.patch(
        "xen/arm: Save Xen's context and add the resume entry point",
        """
        When the host wakes up, the firmware enters Xen on pCPU 0 at the
        entry point given to SYSTEM_SUSPEND, with the MMU off and the EL2
        system registers reset.  Xen must put back its translation regime,
        exception vectors and configuration before it can go on where it
        left.

        Save those registers in prepare_resume_ctx(), as the last step
        before the firmware call, and add hyp_resume(), the entry point,
        which restores them.  hyp_resume() is a C stub for now: the return
        to system_suspend() on the saved stack is left to a later series.
        """,
    )
    p.signed_off_by(MIRA, SAUL)
    p.include(SUSPEND_C, "asm/sysregs.h")
    p.insert_before(
        SUSPEND_C,
        """
/*
 * Suspend Xen, and with it the host, once the hardware domain has
""",
        """
/* The EL2 state the firmware does not keep across SYSTEM_SUSPEND */
static struct {
    register_t vbar_el2;
    register_t ttbr0_el2;
    register_t tcr_el2;
    register_t mair_el2;
    register_t hcr_el2;
    register_t sctlr_el2;
} resume_ctx;

static void prepare_resume_ctx(void)
{
    resume_ctx.vbar_el2 = READ_SYSREG(VBAR_EL2);
    resume_ctx.ttbr0_el2 = READ_SYSREG(TTBR0_EL2);
    resume_ctx.tcr_el2 = READ_SYSREG(TCR_EL2);
    resume_ctx.mair_el2 = READ_SYSREG(MAIR_EL2);
    resume_ctx.hcr_el2 = READ_SYSREG(HCR_EL2);
    resume_ctx.sctlr_el2 = READ_SYSREG(SCTLR_EL2);
}

/*
 * Where the firmware enters Xen when the host wakes up: on pCPU 0, MMU
 * off.  Puts back what prepare_resume_ctx() saved, the MMU last.
 */
void hyp_resume(void)
{
    WRITE_SYSREG(resume_ctx.mair_el2, MAIR_EL2);
    WRITE_SYSREG(resume_ctx.tcr_el2, TCR_EL2);
    WRITE_SYSREG(resume_ctx.ttbr0_el2, TTBR0_EL2);
    WRITE_SYSREG(resume_ctx.hcr_el2, HCR_EL2);
    WRITE_SYSREG(resume_ctx.vbar_el2, VBAR_EL2);
    isb();
    WRITE_SYSREG(resume_ctx.sctlr_el2, SCTLR_EL2);
    isb();
}

""",
    )
    p.replace(
        SUSPEND_C,
        """
    status = -ENOSYS;

    gic_resume();
""",
        """
    /* Last: what hyp_resume() needs to find its way back. */
    prepare_resume_ctx();

    status = -ENOSYS;

    gic_resume();
""",
    )
    p.insert_after(
        SUSPEND_H,
        """
void domain_wake_from_suspend(struct domain *d);
""",
        """

/* The firmware's way back into Xen after SYSTEM_SUSPEND */
void hyp_resume(void);
""",
    )


# -- 18: the firmware call ---------------------------------------------------


def p18(s: Any, v2: bool) -> None:
    p = s.patch(
        "xen/arm: Implement PSCI SYSTEM_SUSPEND call (physical interface)",
        """
        Everything is in place: call PSCI SYSTEM_SUSPEND with hyp_resume()
        as the entry point.  On success the firmware does not return; the
        host sleeps until a wake-up interrupt fires and comes back through
        hyp_resume(), after which system_suspend() goes on as if the call
        had returned PSCI_SUCCESS and undoes the suspend steps.

        On failure, report the PSCI error and undo the same steps.
        """,
    )
    p.signed_off_by(MIRA, SAUL)
    if v2:
        p.reviewed_by(STEFAN)
    p.include(SUSPEND_C, "asm/page.h")
    p.replace(
        SUSPEND_C,
        """
    status = -ENOSYS;

    gic_resume();
""",
        """
    /*
     * On success the firmware does not return: the host sleeps until a
     * wake-up interrupt, then enters Xen at hyp_resume(), which comes back
     * here as if the call had returned PSCI_SUCCESS.
     */
    status = call_psci_system_suspend(__pa(hyp_resume));
    if ( status != PSCI_SUCCESS )
    {
        printk(XENLOG_ERR "PSCI SYSTEM_SUSPEND failed: %d\\n", status);
        status = status == PSCI_NOT_SUPPORTED ? -EOPNOTSUPP : -EIO;
    }

    gic_resume();
""",
    )


PATCHES = (p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15, p16, p17, p18)
