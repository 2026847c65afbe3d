"""The recipes of the model rules' fixtures: git format-patch output against the mini tree.

Run ``python -m tests.unit.rules_model.make_fixtures`` from the repository
root to rebuild every ``rules/model/*/*.patch`` (dates and identities are
fixed, so the output is the same each time; name parts of the files to
rebuild only those), then ``python -m pytest tests/rules -k MOD
--update-golden`` for the snapshots.  The scratch repository lives under
the system's temporary folder.

The model rules judge the host suspend that a patch builds from the mini
tree: the hardware domain may call virtual PSCI SYSTEM_SUSPEND, and once it
is parked the host follows it (``host_suspend()`` in vpsci.c), while a new
``xen/arch/arm/irq.c`` wakes a suspended domain up on its devices'
interrupts.  ``GOOD`` is that change done right; every other patch is a
variant of it (a step of the suspend ladder missing or misplaced, the
firmware called too early, a continuation instead of a tasklet, the vCPU
check outside the domain lock), and the same patch is the fixture of every
rule it is about.  Each is one commit of exact text edits, written by
``git format-patch --zero-commit`` with a fixed Message-ID.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.fixture_patches import PatchMaker

OUT = Path(__file__).resolve().parents[3] / "rules" / "model"
NORA = ("Nora Example", "nora@example.org")
MAKER = PatchMaker("xenreview-model-fixtures", NORA, OUT)

Edit = tuple[str, str, str]  # (path, old, new): old occurs once in the file

VPSCI = "xen/arch/arm/vpsci.c"
IRQ_C = "xen/arch/arm/irq.c"

# -- vpsci.c: the includes ------------------------------------------------------------------

BASE_INCLUDES = [
    "xen/domain.h",
    "xen/errno.h",
    "xen/lib.h",
    "xen/sched.h",
    "xen/types.h",
    "asm/current.h",
    "asm/domain.h",
    "asm/psci.h",
    "asm/regs.h",
]


def includes(*more: str) -> Edit:
    """vpsci.c's #include lines with ``more`` headers, each group sorted."""

    def block(headers: Sequence[str]) -> str:
        def key(header: str) -> tuple[bool, str]:
            return (header.startswith("asm/"), header)

        return "".join(f"#include <{h}>\n" for h in sorted(headers, key=key))

    return (VPSCI, block(BASE_INCLUDES), block([*BASE_INCLUDES, *more]))


# -- vpsci.c: host_suspend(), before do_psci_1_0_system_suspend() ---------------------------

HOST_SUSPEND = """\
static struct tasklet host_suspend_tasklet;

/*
 * Suspend the host once the hardware domain has suspended: runs on pCPU 0,
 * from host_suspend_tasklet.  The firmware call comes with the physical
 * PSCI interface; for now the host only goes through the motions.
 */
static void host_suspend(void *data)
{
    (void)data;

    /* No domain runs while the host goes down and comes back. */
    freeze_domains();

    /*
     * Backends before frontends: the hardware domain holds the PV
     * backends and xenstored, so it runs again before anyone else.
     */
    if ( hardware_domain->is_shut_down )
        domain_resume(hardware_domain);

    thaw_domains();
}
"""

# The domains are thawed before the scheduler is enabled again.
HOST_SUSPEND_SCHEDULER_LAST = HOST_SUSPEND.replace(
    "    freeze_domains();\n", "    freeze_domains();\n    scheduler_disable();\n"
).replace("    thaw_domains();\n", "    thaw_domains();\n    scheduler_enable();\n")

# Every step undone in the reverse order; no firmware call yet.
HOST_SUSPEND_PCPUS_DOWN = """\
static struct tasklet host_suspend_tasklet;

/*
 * Suspend the host once the hardware domain has suspended: runs on pCPU 0,
 * from host_suspend_tasklet.  The firmware call comes with the physical
 * PSCI interface; for now the host only goes through the motions.
 */
static void host_suspend(void *data)
{
    (void)data;

    /* No domain runs while the host goes down and comes back. */
    freeze_domains();
    scheduler_disable();

    /*
     * The firmware takes the host down from pCPU 0, alone online.  On
     * error some pCPUs may be down already: enable_nonboot_cpus() brings
     * back exactly those.
     */
    if ( disable_nonboot_cpus() )
        printk(XENLOG_ERR "Host suspend: cannot take the pCPUs down\\n");

    /* No callback of a pCPU that went down may run once it is back. */
    rcu_barrier();
    enable_nonboot_cpus();
    scheduler_enable();

    /*
     * Backends before frontends: the hardware domain holds the PV
     * backends and xenstored, so it runs again before anyone else.
     */
    if ( hardware_domain->is_shut_down )
        domain_resume(hardware_domain);

    thaw_domains();
}
"""

# The firmware suspends the host with the other pCPUs taken down: the wake-up
# interrupt of a device routed to one of them is never seen.
HOST_SUSPEND_FIRMWARE = """\
static struct tasklet host_suspend_tasklet;

/* Where the firmware enters Xen when the host wakes up (a stub for now). */
static void host_resume(void)
{
}

/*
 * Suspend the host once the hardware domain has suspended: runs on pCPU 0,
 * from host_suspend_tasklet.
 */
static void host_suspend(void *data)
{
    unsigned long flags;
    int status;

    (void)data;

    /* No domain runs while the host goes down and comes back. */
    freeze_domains();
    scheduler_disable();

    status = disable_nonboot_cpus();
    if ( status )
        goto resume_nonboot_cpus;

    local_irq_save(flags);

    status = call_psci_system_suspend(__pa(host_resume));
    if ( status != PSCI_SUCCESS )
        printk(XENLOG_ERR "PSCI SYSTEM_SUSPEND failed: %d\\n", status);

    local_irq_restore(flags);

 resume_nonboot_cpus:
    rcu_barrier();
    enable_nonboot_cpus();
    scheduler_enable();

    /*
     * Backends before frontends: the hardware domain holds the PV
     * backends and xenstored, so it runs again before anyone else.
     */
    if ( hardware_domain->is_shut_down )
        domain_resume(hardware_domain);

    thaw_domains();
}
"""

# The firmware is called while the other pCPUs are still online.
HOST_SUSPEND_FIRMWARE_PCPUS_ONLINE = """\
static struct tasklet host_suspend_tasklet;

/* Where the firmware enters Xen when the host wakes up (a stub for now). */
static void host_resume(void)
{
}

/*
 * Suspend the host once the hardware domain has suspended: runs on pCPU 0,
 * from host_suspend_tasklet.
 */
static void host_suspend(void *data)
{
    unsigned long flags;
    int status;

    (void)data;

    /* No domain runs while the host goes down and comes back. */
    freeze_domains();
    scheduler_disable();

    local_irq_save(flags);

    status = call_psci_system_suspend(__pa(host_resume));
    if ( status != PSCI_SUCCESS )
        printk(XENLOG_ERR "PSCI SYSTEM_SUSPEND failed: %d\\n", status);

    local_irq_restore(flags);

    scheduler_enable();

    /*
     * Backends before frontends: the hardware domain holds the PV
     * backends and xenstored, so it runs again before anyone else.
     */
    if ( hardware_domain->is_shut_down )
        domain_resume(hardware_domain);

    thaw_domains();
}
"""

# A hypercall continuation on pCPU 0: it returns into the calling vCPU's registers.
HOST_SUSPEND_CONTINUATION = """\
/*
 * Suspend the host once the hardware domain has suspended: runs on pCPU 0.
 * The firmware call comes with the physical PSCI interface; for now the
 * host only goes through the motions.
 */
static long host_suspend(void *data)
{
    (void)data;

    /* No domain runs while the host goes down and comes back. */
    freeze_domains();

    /*
     * Backends before frontends: the hardware domain holds the PV
     * backends and xenstored, so it runs again before anyone else.
     */
    if ( hardware_domain->is_shut_down )
        domain_resume(hardware_domain);

    thaw_domains();

    return 0;
}
"""

# ... and nobody resumes the hardware domain on the way back.
HOST_SUSPEND_CONTINUATION_NO_HWDOM = """\
/*
 * Suspend the host once the hardware domain has suspended: runs on pCPU 0.
 * The firmware call comes with the physical PSCI interface; for now the
 * host only goes through the motions.  Every domain stays suspended until
 * one of its devices wakes it up.
 */
static long host_suspend(void *data)
{
    (void)data;

    /* No domain runs while the host goes down and comes back. */
    freeze_domains();

    thaw_domains();

    return 0;
}
"""

# -- vpsci.c: what do_psci_1_0_system_suspend() does for the hardware domain ---------------

FOLLOW_BY_TASKLET = """\
    /* The hardware domain suspends last, and the host follows it. */
    if ( is_hardware_domain(d) )
    {
        tasklet_init(&host_suspend_tasklet, host_suspend, NULL);
        tasklet_schedule_on_cpu(&host_suspend_tasklet, 0);
    }
"""
FOLLOW_BY_CONTINUATION = """\
    /* The hardware domain suspends last, and the host follows it. */
    if ( is_hardware_domain(d) )
        continue_hypercall_on_cpu(0, host_suspend, NULL);
"""

SUSPEND_COMMENT = "/*\n * SYSTEM_SUSPEND from a guest: the domain is parked in SHUTDOWN_suspend\n"
HWDOM_REFUSED = """\
    /*
     * Not for the hardware domain: domain_shutdown() hands its shutdowns
     * to hwdom_shutdown(), which reboots or halts the machine.
     */
    if ( is_hardware_domain(d) )
        return PSCI_DENIED;

"""
SUSPEND_END = '"\\n", epoint, cid);\n\n    return PSCI_SUCCESS;\n}\n'

LOCKED_CHECK = """\
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

"""
UNLOCKED_CHECK = """\
    /* PSCI: the caller must be the last vCPU still online. */
    for_each_vcpu ( d, v )
    {
        if ( v != curr && !test_bit(_VPF_down, &v->pause_flags) )
            return PSCI_DENIED;
    }

    domain_lock(d);

"""


def vpsci(host: str, follow: str, *headers: str) -> list[Edit]:
    """The hardware domain's SYSTEM_SUSPEND accepted, and the host following it by
    ``host`` (inserted before do_psci_1_0_system_suspend()) called as ``follow`` says."""
    return [
        includes(*headers),
        (VPSCI, SUSPEND_COMMENT, host + "\n" + SUSPEND_COMMENT),
        (VPSCI, HWDOM_REFUSED, ""),
        (VPSCI, SUSPEND_END, SUSPEND_END.replace("\n\n", "\n\n" + follow + "\n", 1)),
    ]


# -- the rest of the change -----------------------------------------------------------------

COMMON = [
    ("xen/arch/arm/Makefile", "obj-y += gic.o\n", "obj-y += gic.o\nobj-y += irq.o\n"),
    (
        "xen/common/domain.c",
        "    if ( is_hardware_domain(d) )\n        hwdom_shutdown(reason);\n",
        "    /* Its suspend parks it like a guest's: see SYSTEM_SUSPEND. */\n"
        "    if ( is_hardware_domain(d) && reason != SHUTDOWN_suspend )\n"
        "        hwdom_shutdown(reason);\n",
    ),
    (
        "xen/include/xen/irq.h",
        "void release_irq(unsigned int irq, const void *dev_id);\n\n",
        """void release_irq(unsigned int irq, const void *dev_id);

struct domain;

/* Hand the shared interrupt irq of a device assigned to d to it, as virq. */
int route_irq_to_guest(struct domain *d, unsigned int virq, unsigned int irq);

""",
    ),
]

HWDOM_FIRST = """\
    /*
     * Backends before frontends: the hardware domain holds the PV
     * backends and xenstored, without which the guest can do no I/O.
     */
    if ( d != hardware_domain && domain_is_suspended(hardware_domain) )
        domain_resume(hardware_domain);

"""

IRQ = (
    """/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/arch/arm/irq.c
 *
 * Interrupts other than SGIs: Xen's own, registered with request_irq(),
 * and those of devices assigned to a domain, registered with
 * route_irq_to_guest(), injected into the domain's virtual GIC and waking
 * the domain up when it is suspended.
 */

#include <xen/errno.h>
#include <xen/irq.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/tasklet.h>
#include <xen/types.h>
#include <asm/gic.h>
#include <asm/vgic.h>
#include <public/sched.h>

/* Interrupt ids a GIC can signal, spurious ones excluded */
#define NR_IRQS 1020

struct irq_desc {
    irq_handler_t handler;          /* Xen's handler, if Xen owns it */
    void *dev_id;
    struct domain *guest;           /* ... or the domain it is routed to */
    unsigned int virq;              /* ... as this interrupt of its vGIC */
    struct tasklet wake_tasklet;    /* Resumes the domain from suspend */
};

static struct irq_desc irq_desc[NR_IRQS];

static DEFINE_SPINLOCK(irq_desc_lock);

int request_irq(unsigned int irq, unsigned int irqflags,
                irq_handler_t handler, const char *devname, void *dev_id)
{
    struct irq_desc *desc;
    int rc = 0;

    (void)irqflags;
    (void)devname;

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
    }

    spin_unlock(&irq_desc_lock);
}

/* Parked by SYSTEM_SUSPEND and not resumed since */
static bool domain_is_suspended(const struct domain *d)
{
    return d->is_shut_down && d->shutdown_code == SHUTDOWN_suspend;
}

/* A device of the suspended domain data has raised its interrupt. */
static void irq_wake_domain(void *data)
{
    struct domain *d = data;

    /* The toolstack may have resumed it meanwhile. */
    if ( !domain_is_suspended(d) )
        return;

"""
    + HWDOM_FIRST
    + """    domain_resume(d);
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
        tasklet_init(&desc->wake_tasklet, irq_wake_domain, d);
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
        /*
         * A suspended domain wakes up on its devices' interrupts; it may
         * not be resumed in interrupt context.
         */
        if ( domain_is_suspended(desc->guest) )
            tasklet_schedule(&desc->wake_tasklet);

        vgic_inject_irq(desc->guest, NULL, desc->virq, true);
        return;
    }

    if ( desc->handler != NULL )
        desc->handler(irq, desc->dev_id);

    gic_hw_ops->eoi_irq(irq);
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
"""
)

# -- the commit messages --------------------------------------------------------------------

ACCEPT = """\
Let the hardware domain use virtual PSCI SYSTEM_SUSPEND: it is parked
in SHUTDOWN_suspend like a guest rather than handed to hwdom_shutdown(),
and once it is parked the host follows it"""
BACKENDS_FIRST = """\
A suspended domain wakes up when one of its devices raises an
interrupt: do_IRQ() resumes it from a tasklet.  The hardware domain
holds the PV backends and xenstored, so it comes back first, both on
the host's way back (before the domains are thawed) and when a guest is
woken while it is still suspended."""
HWDOM_COMES_FIRST = """\
A suspended domain wakes up when one of its devices raises an
interrupt; the hardware domain, which holds the PV backends and
xenstored, comes back first."""
FIRMWARE_LATER = """\
The firmware call comes with the physical PSCI interface in a later
patch."""


@dataclass(frozen=True)
class Fx:
    outs: Sequence[str]  # rule_folder/file.patch: the same patch for each rule
    message_id: str  # <YYYYmmddHHMMSS.mod-...@example.org>, its date the commit's
    title: str
    body: Sequence[str]  # paragraphs
    edits: Sequence[Edit]
    new: dict[str, str] = field(default_factory=lambda: {IRQ_C: IRQ})

    @property
    def date(self) -> str:
        stamp = self.message_id[1:15]
        return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[8:10]}:{stamp[10:12]}:00+0000"


GOOD = Fx(
    [
        "frontend_runs_without_backend/ok_backends_first.patch",
        "request_never_served/ok_backends_first.patch",
        "domain_never_runs_again/ok_hwdom_resumed_by_host_suspend.patch",
        "no_control_domain_runs/ok_hwdom_resumed_by_host_suspend.patch",
        "continuation_writes_guest_registers/ok_host_suspend_from_tasklet.patch",
        "hardware_domain_suspend_halts/ok_suspend_kept_from_hwdom_shutdown.patch",
        "suspend_with_vcpu_online/ok_check_under_domain_lock.patch",
    ],
    "<20260420100000.mod-ok-backends-first@example.org>",
    "xen/arm: Suspend the host with the hardware domain, backends first",
    [ACCEPT + ", from a tasklet on pCPU 0.", BACKENDS_FIRST, FIRMWARE_LATER],
    [*COMMON, *vpsci(HOST_SUSPEND, FOLLOW_BY_TASKLET, "xen/tasklet.h")],
)

SPECS = [
    GOOD,
    Fx(
        [
            "frontend_runs_without_backend/bad_guest_woken_alone.patch",
            "request_never_served/bad_backend_left_suspended.patch",
            "domain_never_runs_again/bad_hwdom_left_suspended.patch",
            "no_control_domain_runs/bad_hwdom_never_resumed.patch",
        ],
        "<20260420110000.mod-bad-guest-woken-alone@example.org>",
        "xen/arm: Suspend the host when the hardware domain suspends",
        [
            ACCEPT + ": host_suspend() continues on\npCPU 0.",
            "A suspended domain wakes up when one of its devices raises an\n"
            "interrupt: do_IRQ() resumes it from a tasklet.",
            FIRMWARE_LATER,
        ],
        [*COMMON, *vpsci(HOST_SUSPEND_CONTINUATION_NO_HWDOM, FOLLOW_BY_CONTINUATION)],
        {IRQ_C: IRQ.replace(HWDOM_FIRST, "")},
    ),
    Fx(
        ["continuation_writes_guest_registers/bad_continuation_from_psci.patch"],
        "<20260420120000.mod-bad_continuation_from_psci@example.org>",
        "xen/arm: Suspend the host from the hardware domain's SYSTEM_SUSPEND",
        [
            ACCEPT + ": host_suspend() continues on\npCPU 0 with continue_hypercall_on_cpu().",
            HWDOM_COMES_FIRST,
        ],
        [*COMMON, *vpsci(HOST_SUSPEND_CONTINUATION, FOLLOW_BY_CONTINUATION)],
    ),
    Fx(
        ["resume_ladder_mismatch/bad_thaw_before_scheduler.patch"],
        "<20260420130000.mod-bad_thaw_before_scheduler@example.org>",
        "xen/arm: Suspend the host with the scheduler disabled",
        [
            ACCEPT + ", from a tasklet on pCPU 0.",
            BACKENDS_FIRST,
            "The firmware call comes with the physical PSCI interface in a later\n"
            "patch.  The scheduler is disabled meanwhile.",
        ],
        [*COMMON, *vpsci(HOST_SUSPEND_SCHEDULER_LAST, FOLLOW_BY_TASKLET, "xen/tasklet.h")],
    ),
    Fx(
        [
            "resume_ladder_mismatch/ok_undo_in_reverse.patch",
            "firmware_suspend_unprepared/ok_no_firmware_call_yet.patch",
            "host_suspend_never_ends/ok_no_firmware_call_yet.patch",
            "wake_irq_lost/ok_no_firmware_call_yet.patch",
            "wake_irq_on_offline_pcpu/ok_no_firmware_call_yet.patch",
        ],
        "<20260420133000.mod-ok_undo_in_reverse@example.org>",
        "xen/arm: Suspend the host with the other pCPUs down",
        [
            ACCEPT + ", from a tasklet on pCPU 0.",
            """\
The host suspend freezes the domains, disables the scheduler and takes
the other pCPUs down, then undoes those steps in the reverse order.  The
hardware domain holds the PV backends and xenstored, so it is resumed
before the domains are thawed, and a guest woken by one of its devices
while it is still suspended resumes it first.""",
            FIRMWARE_LATER,
        ],
        [
            *COMMON,
            *vpsci(
                HOST_SUSPEND_PCPUS_DOWN,
                FOLLOW_BY_TASKLET,
                "xen/cpu.h",
                "xen/rcupdate.h",
                "xen/tasklet.h",
            ),
        ],
    ),
    Fx(
        [
            "wake_irq_lost/bad_wake_irq_on_pcpu1.patch",
            "wake_irq_on_offline_pcpu/bad_wake_irq_on_pcpu1.patch",
            "host_suspend_never_ends/bad_wake_irq_lost_on_pcpu1.patch",
        ],
        "<20260420150000.mod-bad_wake_irq_on_pcpu1@example.org>",
        "xen/arm: Suspend the host to RAM with the hardware domain",
        [
            ACCEPT
            + """, from a tasklet on pCPU 0:
the domains are frozen, the scheduler disabled and the other pCPUs
taken down, then the firmware suspends the host until a wake-up
interrupt.""",
            HWDOM_COMES_FIRST,
        ],
        [
            *COMMON,
            *vpsci(
                HOST_SUSPEND_FIRMWARE,
                FOLLOW_BY_TASKLET,
                "xen/cpu.h",
                "xen/rcupdate.h",
                "xen/tasklet.h",
                "asm/page.h",
            ),
        ],
    ),
    Fx(
        ["firmware_suspend_unprepared/bad_firmware_with_pcpus_online.patch"],
        "<20260420160000.mod-bad_firmware_with_pcpus_online@example.org>",
        "xen/arm: Suspend the host to RAM with the hardware domain",
        [
            ACCEPT
            + """, from a tasklet on pCPU 0:
the domains are frozen and the scheduler disabled, then the firmware
suspends the host until a wake-up interrupt.""",
            HWDOM_COMES_FIRST,
        ],
        [
            *COMMON,
            *vpsci(
                HOST_SUSPEND_FIRMWARE_PCPUS_ONLINE,
                FOLLOW_BY_TASKLET,
                "xen/tasklet.h",
                "asm/page.h",
            ),
        ],
    ),
    Fx(
        ["hardware_domain_suspend_halts/bad_hwdom_shutdown_reboots.patch"],
        "<20260420170000.mod-bad_hwdom_shutdown_reboots@example.org>",
        "xen/arm: vpsci: Let the hardware domain call SYSTEM_SUSPEND",
        [
            """\
Suspend to RAM needs the hardware domain to suspend too, as the last
domain before Xen.  Stop refusing it virtual PSCI SYSTEM_SUSPEND: it is
parked in SHUTDOWN_suspend like a guest."""
        ],
        # domain_shutdown() still hands the hardware domain's suspend to hwdom_shutdown().
        [
            (
                VPSCI,
                " * SYSTEM_SUSPEND from a guest: the domain is parked in SHUTDOWN_suspend\n",
                " * SYSTEM_SUSPEND from any domain: the domain is parked in SHUTDOWN_suspend\n",
            ),
            (VPSCI, HWDOM_REFUSED, ""),
        ],
        {},
    ),
    Fx(
        ["suspend_with_vcpu_online/bad_vcpu_check_unlocked.patch"],
        "<20260420180000.mod-bad_vcpu_check_unlocked@example.org>",
        "xen/arm: Suspend the host with the hardware domain, check vCPUs first",
        [
            ACCEPT + ", from a tasklet on pCPU 0.",
            """\
Check that the caller is the last vCPU online before taking the domain
lock, which is only needed to park the domain.""",
            HWDOM_COMES_FIRST,
        ],
        [*GOOD.edits, (VPSCI, LOCKED_CHECK, UNLOCKED_CHECK)],
    ),
]


def build(maker: PatchMaker, fx: Fx, outs: Sequence[str]) -> list[Path]:
    """The patch of ``fx`` written as each of ``outs``."""
    maker.start()
    body = "\n\n".join(fx.body)
    maker.commit(
        f"{fx.title}\n\n{body}\n\nSigned-off-by: {NORA[0]} <{NORA[1]}>\n",
        author=NORA,
        date=fx.date,
        edits=fx.edits,
        new=fx.new,
        label=fx.outs[0],
    )
    text = maker.format_patch(
        "-1",
        "--zero-commit",
        f"--base={maker.base}",
        "--signature=2.39.5",
        "--abbrev=7",
        f"--add-header=Message-ID: {fx.message_id}",
        "--to=xen-devel@lists.xenproject.org",
    )
    written = []
    for out in outs:
        target = maker.out / out
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        written.append(target)
    return written


def generate(maker: PatchMaker, specs: Sequence[Fx], wanted: Sequence[str] = ()) -> list[Path]:
    """Write the fixtures (those whose path contains one of ``wanted``, if any) under
    ``maker.out``, in ``maker``'s repository (set up already)."""
    written = []
    for fx in specs:
        outs = [out for out in fx.outs if not wanted or any(w in out for w in wanted)]
        if outs:
            written += build(maker, fx, outs)
    return written


def main(argv: list[str]) -> int:
    MAKER.setup()
    for path in generate(MAKER, SPECS, [a for a in argv if not a.startswith("-")]):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
