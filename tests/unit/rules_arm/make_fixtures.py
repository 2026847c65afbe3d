"""The recipes of the Xen/Arm rules' fixtures: git format-patch output against the mini tree.

Run ``python -m tests.unit.rules_arm.make_fixtures`` from the repository
root to rebuild every ``rules/arm/*/*.patch`` (dates and identities are
fixed, so the output is the same each time), then
``python -m pytest tests/rules -k ARM --update-golden`` for the snapshots.
The scratch repository lives under the system's temporary folder.

Each fixture is one commit on the mini tree's base commit, made of exact
text edits (the old text must occur once in its file).  The ``bad_`` one
makes its rule fire; the ``ok_`` one is the same change done right and must
give no finding from any rule of the catalogue.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.fixture_patches import PatchMaker

OUT = Path(__file__).resolve().parents[3] / "rules" / "arm"
AUTHOR = ("Ines Example", "ines@example.org")
MAKER = PatchMaker("xenreview-arm-fixtures", AUTHOR, OUT)


@dataclass
class Fx:
    out: str  # rule_folder/file.patch
    subject: str
    body: str
    edits: list[tuple[str, str, str]] = field(default_factory=list)  # (path, old, new)
    new: dict[str, str] = field(default_factory=dict)


def build(fx: Fx, index: int) -> None:
    name, email = AUTHOR
    stem = Path(fx.out).stem.replace("_", "-")
    MAKER.write(
        fx.out,
        message=f"{fx.subject}\n\n{fx.body.strip()}\n\nSigned-off-by: {name} <{email}>\n",
        edits=fx.edits,
        new=fx.new,
        author=AUTHOR,
        date=f"2026-04-02T09:{index % 60:02d}:00+0000",
        message_id=f"<20260402090{index:03d}.arm-{stem}@example.org>",
    )


# -- the mini tree's text the fixtures change -----------------------------------------------

VPSCI = "xen/arch/arm/vpsci.c"
DOMAIN = "xen/common/domain.c"
ARM_DOMAIN = "xen/arch/arm/domain.c"
SCHED = "xen/common/sched/core.c"
MAKEFILE = "xen/arch/arm/Makefile"

EMACS = """
/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
"""

VPSCI_INCLUDES = """#include <xen/sched.h>
#include <xen/types.h>
"""
VPSCI_INCLUDES_TASKLET = """#include <xen/sched.h>
#include <xen/tasklet.h>
#include <xen/types.h>
"""
VPSCI_INCLUDES_CPU = """#include <xen/domain.h>
#include <xen/errno.h>
"""

HWDOM_REFUSAL = """    /*
     * Not for the hardware domain: domain_shutdown() hands its shutdowns
     * to hwdom_shutdown(), which reboots or halts the machine.
     */
    if ( is_hardware_domain(d) )
        return PSCI_DENIED;

    domain_lock(d);
"""

HWDOM_SHUTDOWN = """    if ( is_hardware_domain(d) )
        hwdom_shutdown(reason);
"""
HWDOM_SHUTDOWN_PARKS = """    /* Its suspend parks it like a guest's: see SYSTEM_SUSPEND. */
    if ( is_hardware_domain(d) && reason != SHUTDOWN_suspend )
        hwdom_shutdown(reason);
"""

SUSPEND_END = """    gprintk(XENLOG_DEBUG,
            "SYSTEM_SUSPEND: resume at 0x%"PRIregister" cid 0x%"PRIregister
            "\\n", epoint, cid);

    return PSCI_SUCCESS;
}
"""

SUSPEND_COMMENT = """/*
 * SYSTEM_SUSPEND from a guest: the domain is parked in SHUTDOWN_suspend
"""

HOST_SUSPEND = """static struct tasklet host_suspend_tasklet;

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
%(RESUME)s
    thaw_domains();
}

"""

HWDOM_FIRST = """
    /*
     * Backends before frontends: the hardware domain holds the PV
     * backends and xenstored, so it runs again before anyone else.
     */
    if ( hardware_domain->is_shut_down )
        domain_resume(hardware_domain);
"""

HOST_TRIGGER = """    gprintk(XENLOG_DEBUG,
            "SYSTEM_SUSPEND: resume at 0x%"PRIregister" cid 0x%"PRIregister
            "\\n", epoint, cid);

    /* The hardware domain suspends last, and the host follows it. */
    if ( is_hardware_domain(d) )
    {
        tasklet_init(&host_suspend_tasklet, host_suspend, NULL);
        tasklet_schedule_on_cpu(&host_suspend_tasklet, 0);
    }

    return PSCI_SUCCESS;
}
"""

SYSTEM_RESET = """static void do_psci_0_2_system_reset(void)
{
    domain_shutdown(current->domain, SHUTDOWN_reboot);
}
"""

SYSTEM_RESET_CONTINUATION = """/* The hardware domain resets the host from pCPU 0. */
static long hwdom_reset(void *data)
{
    (void)data;

    machine_restart(0);

    return 0;
}

static void do_psci_0_2_system_reset(void)
{
    struct domain *d = current->domain;
    int rc;

    if ( is_hardware_domain(d) )
    {
        rc = continue_hypercall_on_cpu(0, hwdom_reset, NULL);
        if ( rc )
            gprintk(XENLOG_ERR, "host reset failed: %d\\n", rc);
        return;
    }

    domain_shutdown(d, SHUTDOWN_reboot);
}
"""

SYSTEM_RESET_TASKLET = """static struct tasklet hwdom_reset_tasklet;

/* The hardware domain resets the host from pCPU 0. */
static void hwdom_reset(void *data)
{
    (void)data;

    machine_restart(0);
}

static void do_psci_0_2_system_reset(void)
{
    struct domain *d = current->domain;

    if ( is_hardware_domain(d) )
    {
        tasklet_init(&hwdom_reset_tasklet, hwdom_reset, NULL);
        tasklet_schedule_on_cpu(&hwdom_reset_tasklet, 0);
        return;
    }

    domain_shutdown(d, SHUTDOWN_reboot);
}
"""

RESET_INCLUDES = """#include <xen/sched.h>
#include <xen/types.h>
"""
RESET_INCLUDES_NEW = """#include <xen/sched.h>
#include <xen/shutdown.h>
#include <xen/tasklet.h>
#include <xen/types.h>
"""
RESET_INCLUDES_CONTINUATION = """#include <xen/sched.h>
#include <xen/shutdown.h>
#include <xen/types.h>
"""

AFFINITY_LEVEL = """    /* Only the level of a single vCPU is described. */
    if ( lowest_affinity_level > 0 )
        return PSCI_INVALID_PARAMETERS;
"""

CPU_ON_FOUND = """    v = domain_vcpu(d, vaffinity_to_vcpuid(target_cpu));
    if ( v == NULL )
        return PSCI_INVALID_PARAMETERS;
"""

CPU_ON_SET = """    ret = vpsci_build_context(d, &ctxt, entry_point, context_id);
    if ( ret != PSCI_SUCCESS )
        return ret;

    domain_lock(d);
    rc = arch_set_info_guest(v, (vcpu_guest_context_u){ .nat = &ctxt });
    domain_unlock(d);

    if ( rc < 0 )
        return PSCI_DENIED;
"""

CPU_ON_DOWN = """    if ( !test_bit(_VPF_down, &v->pause_flags) )
        return PSCI_ALREADY_ON;

"""

WATCHDOG_LOCK = """    long rc = 0;

    spin_lock(&d->watchdog_lock);
"""

SHUTDOWN_CODE = """        spin_lock(&d->shutdown_lock);
        if ( d->shutdown_code == SHUTDOWN_CODE_INVALID )
            d->shutdown_code = (uint8_t)sched_shutdown.reason;
        spin_unlock(&d->shutdown_lock);
"""

REMOTE_SHUTDOWN = """        ret = -EINVAL;
        if ( d != current->domain )
            ret = domain_shutdown(d, (uint8_t)sched_remote_shutdown.reason);
"""

VCPU_ALLOC = """    v->arch.cpu_info = xzalloc(struct cpu_info);
    if ( v->arch.cpu_info == NULL )
        return -ENOMEM;

    v->arch.sctlr = SCTLR_GUEST_INIT;
"""

SUSPEND_H = (
    """/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_ARM_SUSPEND_H__
#define __ASM_ARM_SUSPEND_H__

/* Take the host down to RAM and back; 0 once it has been down. */
int host_suspend(void);

#endif /* __ASM_ARM_SUSPEND_H__ */
"""
    + EMACS
)

SUSPEND_C_HEAD = """/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/arch/arm/suspend.c
 *
 * Suspend to RAM of the whole host.
 */

#include <xen/cpu.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <asm/suspend.h>

/*
 * Take the host down to RAM and back.  Runs on pCPU 0.  Returns 0 once the
 * host has been down and come back, or an error if it did not go down;
 * either way every step taken is undone, in the reverse order.
 */
int host_suspend(void)
{
    int rc;

    /* No domain runs, nor sees time pass, while the host is down. */
    freeze_domains();
    scheduler_disable();

    /* The firmware takes the host down from pCPU 0, alone online. */
    rc = disable_nonboot_cpus();
"""

SUSPEND_C_LADDER = (
    SUSPEND_C_HEAD
    + """    if ( rc )
        goto resume_nonboot_cpus;

    /* The firmware call comes with the physical PSCI interface. */
    rc = -EOPNOTSUPP;

 resume_nonboot_cpus:
    enable_nonboot_cpus();
%(UNDO)s
    return rc;
}
"""
    + EMACS
)

SUSPEND_C_RETURN = (
    SUSPEND_C_HEAD
    + """    if ( rc )
%(FAIL)s
    /* The firmware call comes with the physical PSCI interface. */
    rc = -EOPNOTSUPP;

    enable_nonboot_cpus();
    scheduler_enable();
    thaw_domains();

    return rc;
}
"""
    + EMACS
)

SUSPEND_BODY = """
Add host_suspend(), the start of suspend to RAM for the whole host on
Arm: it freezes the domains, disables the scheduler and takes the
non-boot pCPUs down, and undoes all of it on the way back.  The firmware
call comes with the physical PSCI interface in a later patch.
"""

SYSTEM_OFF = """static void do_psci_0_2_system_off(void)
{
    domain_shutdown(current->domain, SHUTDOWN_poweroff);
}
"""

SYSTEM_OFF_CASE = """    case PSCI_0_2_FN32_SYSTEM_OFF:
        /* Does not return to the guest: nothing to write. */
        do_psci_0_2_system_off();
        return true;
"""

SUSPEND_CASE = """        ret = do_psci_1_0_system_suspend(epoint, cid);
        if ( ret != PSCI_SUCCESS )
            PSCI_SET_RESULT(regs, ret);
        return true;
"""

AFFINITY_LOOKUP = """    for_each_vcpu ( d, v )
    {
        if ( vcpuid_to_vaffinity(v->vcpu_id) != target_affinity )
            continue;

        return test_bit(_VPF_down, &v->pause_flags)
               ? PSCI_0_2_AFFINITY_LEVEL_OFF : PSCI_0_2_AFFINITY_LEVEL_ON;
    }

    return PSCI_INVALID_PARAMETERS;
}
"""

AFFINITY_HEAD = """    struct domain *d = current->domain;
    struct vcpu *v;

    /* Only the level of a single vCPU is described. */
"""

WATCHDOG_CASE = """        struct sched_watchdog sched_watchdog;

        ret = -EFAULT;
        if ( copy_from_guest(&sched_watchdog, arg, 1) )
            break;

        ret = domain_watchdog(current->domain, sched_watchdog.id,
                              sched_watchdog.timeout);
"""


SPECS = [
    # -- ARM001 pv-backend-wakeup --------------------------------------------------------------
    Fx(
        "pv_backend_wakeup/bad_hwdom_suspend_thaws_guests_first.patch",
        "xen/arm: Suspend the host when the hardware domain suspends",
        """
Let the hardware domain use virtual PSCI SYSTEM_SUSPEND: it is parked in
SHUTDOWN_suspend like a guest, rather than handed to hwdom_shutdown(),
and once it is parked the host follows it.

host_suspend() runs from a tasklet on pCPU 0.  It freezes every domain
and thaws them again; the firmware call comes with the physical PSCI
interface in a later patch.
""",
        edits=[
            (DOMAIN, HWDOM_SHUTDOWN, HWDOM_SHUTDOWN_PARKS),
            (VPSCI, VPSCI_INCLUDES, VPSCI_INCLUDES_TASKLET),
            (VPSCI, HWDOM_REFUSAL, "    domain_lock(d);\n"),
            (VPSCI, SUSPEND_COMMENT, HOST_SUSPEND % {"RESUME": ""} + SUSPEND_COMMENT),
            (VPSCI, SUSPEND_END, HOST_TRIGGER),
        ],
    ),
    Fx(
        "pv_backend_wakeup/ok_hwdom_resumed_before_thaw.patch",
        "xen/arm: Suspend the host when the hardware domain suspends",
        """
Let the hardware domain use virtual PSCI SYSTEM_SUSPEND: it is parked in
SHUTDOWN_suspend like a guest, rather than handed to hwdom_shutdown(),
and once it is parked the host follows it.

host_suspend() runs from a tasklet on pCPU 0.  It freezes every domain
and, on the way back, resumes the hardware domain before it thaws them:
the hardware domain holds the PV backends and xenstored, which the
guests need as soon as they run.  The firmware call comes with the
physical PSCI interface in a later patch.
""",
        edits=[
            (DOMAIN, HWDOM_SHUTDOWN, HWDOM_SHUTDOWN_PARKS),
            (VPSCI, VPSCI_INCLUDES, VPSCI_INCLUDES_TASKLET),
            (VPSCI, HWDOM_REFUSAL, "    domain_lock(d);\n"),
            (VPSCI, SUSPEND_COMMENT, HOST_SUSPEND % {"RESUME": HWDOM_FIRST} + SUSPEND_COMMENT),
            (VPSCI, SUSPEND_END, HOST_TRIGGER),
        ],
    ),
    # -- ARM002 hypercall-continuation-outside-hypercall ---------------------------------------
    Fx(
        "hypercall_continuation_outside_hypercall/bad_continuation_from_psci.patch",
        "xen/arm: vpsci: Reset the host from pCPU 0 for the hardware domain",
        """
When the hardware domain asks for SYSTEM_RESET the whole host resets,
and the firmware expects the request from the boot pCPU.  Continue on
pCPU 0 with continue_hypercall_on_cpu() and report a failure to
schedule it.
""",
        edits=[
            (VPSCI, RESET_INCLUDES, RESET_INCLUDES_CONTINUATION),
            (VPSCI, SYSTEM_RESET, SYSTEM_RESET_CONTINUATION),
        ],
    ),
    Fx(
        "hypercall_continuation_outside_hypercall/ok_tasklet_from_psci.patch",
        "xen/arm: vpsci: Reset the host from pCPU 0 for the hardware domain",
        """
When the hardware domain asks for SYSTEM_RESET the whole host resets,
and the firmware expects the request from the boot pCPU.  Hand over to a
tasklet on pCPU 0: SYSTEM_RESET is a PSCI call, not a hypercall, so a
hypercall continuation would write its result into the caller's x0.
""",
        edits=[
            (VPSCI, RESET_INCLUDES, RESET_INCLUDES_NEW),
            (VPSCI, SYSTEM_RESET, SYSTEM_RESET_TASKLET),
        ],
    ),
    # -- ARM003 guest-reachable-bug-on ---------------------------------------------------------
    Fx(
        "guest_reachable_bug_on/bad_bug_on_psci_argument.patch",
        "xen/arm: vpsci: Assert the AFFINITY_INFO level is a PSCI one",
        """
PSCI defines affinity levels 0 to 3.  Say so in the code of
AFFINITY_INFO before looking at the level.
""",
        edits=[
            (
                VPSCI,
                AFFINITY_LEVEL,
                "    /* PSCI defines affinity levels 0 to 3. */\n"
                "    BUG_ON(lowest_affinity_level > 3);\n\n" + AFFINITY_LEVEL,
            )
        ],
    ),
    Fx(
        "guest_reachable_bug_on/ok_assert_on_lookup.patch",
        "xen/arm: vpsci: Assert that CPU_ON found a vCPU of the caller",
        """
domain_vcpu() only hands out vCPUs of the domain it is given, and CPU_ON
relies on it when it replaces the vCPU's context.  Make the assumption
explicit.
""",
        edits=[
            (
                VPSCI,
                CPU_ON_FOUND,
                CPU_ON_FOUND + "\n    /* domain_vcpu() only hands out vCPUs of d. */\n"
                "    ASSERT(v->domain == d);\n",
            )
        ],
    ),
    # -- ARM004 lock-held-on-return ------------------------------------------------------------
    Fx(
        "lock_held_on_return/bad_early_return_under_lock.patch",
        "xen/sched: Refuse watchdog requests from a domain shutting down",
        """
A domain that is shutting down has no use for a new watchdog, and one
armed now would fire into a domain that cannot ping it.  Refuse the
request.
""",
        edits=[
            (
                SCHED,
                WATCHDOG_LOCK,
                WATCHDOG_LOCK + "\n    /* Its watchdogs are stopped for good: nothing to arm. */\n"
                "    if ( d->is_shutting_down )\n        return -EINVAL;\n",
            )
        ],
    ),
    Fx(
        "lock_held_on_return/ok_check_before_lock.patch",
        "xen/sched: Refuse watchdog requests from a domain shutting down",
        """
A domain that is shutting down has no use for a new watchdog, and one
armed now would fire into a domain that cannot ping it.  Refuse the
request before taking the watchdog lock.
""",
        edits=[
            (
                SCHED,
                WATCHDOG_LOCK,
                "    long rc = 0;\n\n"
                "    /* Its watchdogs are stopped for good: nothing to arm. */\n"
                "    if ( d->is_shutting_down )\n        return -EINVAL;\n\n"
                "    spin_lock(&d->watchdog_lock);\n",
            )
        ],
    ),
    # -- ARM005 domain-pause-on-current --------------------------------------------------------
    Fx(
        "domain_pause_on_current/bad_pause_own_domain.patch",
        "xen/sched: Pause the domain while its shutdown code changes",
        """
SCHEDOP_shutdown_code records the reason a later shutdown will report.
Keep the domain's vCPUs off their pCPUs while it changes, so that none of
them sees it half written.
""",
        edits=[
            (
                SCHED,
                SHUTDOWN_CODE,
                "        /* Keep its vCPUs still while the code changes. */\n"
                "        domain_pause(d);\n" + SHUTDOWN_CODE + "        domain_unpause(d);\n",
            )
        ],
    ),
    Fx(
        "domain_pause_on_current/ok_pause_other_domain.patch",
        "xen/sched: Pause the target of a remote shutdown while it stops",
        """
SCHEDOP_remote_shutdown stops another domain.  Pause it first so that
none of its vCPUs runs while the shutdown is half done; the caller is
never the target, which is checked already.
""",
        edits=[
            (
                SCHED,
                REMOTE_SHUTDOWN,
                """        ret = -EINVAL;
        if ( d != current->domain )
        {
            /* Stopped first: it must not run half shut down. */
            domain_pause(d);
            ret = domain_shutdown(d, (uint8_t)sched_remote_shutdown.reason);
            domain_unpause(d);
        }
""",
            )
        ],
    ),
    # -- ARM006 unchecked-allocation -----------------------------------------------------------
    Fx(
        "unchecked_allocation/bad_use_before_check.patch",
        "xen/arm: Start new vCPUs in AArch64 EL1h",
        """
A vCPU's registers are all zero until PSCI CPU_ON or the toolstack gives
it a context, which leaves CPSR in an invalid mode.  Start from EL1h
with interrupts masked instead.
""",
        edits=[
            (
                ARM_DOMAIN,
                VCPU_ALLOC,
                """    v->arch.cpu_info = xzalloc(struct cpu_info);
    v->arch.cpu_info->guest_cpu_user_regs.cpsr = PSR_GUEST64_INIT;
    if ( v->arch.cpu_info == NULL )
        return -ENOMEM;

    v->arch.sctlr = SCTLR_GUEST_INIT;
""",
            )
        ],
    ),
    Fx(
        "unchecked_allocation/ok_check_then_use.patch",
        "xen/arm: Start new vCPUs in AArch64 EL1h",
        """
A vCPU's registers are all zero until PSCI CPU_ON or the toolstack gives
it a context, which leaves CPSR in an invalid mode.  Start from EL1h
with interrupts masked instead.
""",
        edits=[
            (
                ARM_DOMAIN,
                VCPU_ALLOC,
                """    v->arch.cpu_info = xzalloc(struct cpu_info);
    if ( v->arch.cpu_info == NULL )
        return -ENOMEM;

    v->arch.cpu_info->guest_cpu_user_regs.cpsr = PSR_GUEST64_INIT;
    v->arch.sctlr = SCTLR_GUEST_INIT;
""",
            )
        ],
    ),
    # -- ARM007 error-ladder-out-of-order ------------------------------------------------------
    Fx(
        "error_ladder_out_of_order/bad_thaw_before_scheduler.patch",
        "xen/arm: Add host_suspend()",
        SUSPEND_BODY,
        edits=[(MAKEFILE, "obj-y += smpboot.o\n", "obj-y += smpboot.o\nobj-y += suspend.o\n")],
        new={
            "xen/arch/arm/suspend.c": SUSPEND_C_LADDER
            % {"UNDO": "    thaw_domains();\n    scheduler_enable();\n"},
            "xen/arch/arm/include/asm/suspend.h": SUSPEND_H,
        },
    ),
    Fx(
        "error_ladder_out_of_order/ok_reverse_order.patch",
        "xen/arm: Add host_suspend()",
        SUSPEND_BODY,
        edits=[(MAKEFILE, "obj-y += smpboot.o\n", "obj-y += smpboot.o\nobj-y += suspend.o\n")],
        new={
            "xen/arch/arm/suspend.c": SUSPEND_C_LADDER
            % {"UNDO": "    scheduler_enable();\n    thaw_domains();\n"},
            "xen/arch/arm/include/asm/suspend.h": SUSPEND_H,
        },
    ),
    # -- ARM008 error-path-skips-undo ----------------------------------------------------------
    Fx(
        "error_path_skips_undo/bad_return_leaves_frozen.patch",
        "xen/arm: Add host_suspend()",
        SUSPEND_BODY,
        edits=[(MAKEFILE, "obj-y += smpboot.o\n", "obj-y += smpboot.o\nobj-y += suspend.o\n")],
        new={
            "xen/arch/arm/suspend.c": SUSPEND_C_RETURN % {"FAIL": "        return rc;\n"},
            "xen/arch/arm/include/asm/suspend.h": SUSPEND_H,
        },
    ),
    Fx(
        "error_path_skips_undo/ok_return_after_undo.patch",
        "xen/arm: Add host_suspend()",
        SUSPEND_BODY,
        edits=[(MAKEFILE, "obj-y += smpboot.o\n", "obj-y += smpboot.o\nobj-y += suspend.o\n")],
        new={
            "xen/arch/arm/suspend.c": SUSPEND_C_RETURN
            % {
                "FAIL": """    {
        enable_nonboot_cpus();
        scheduler_enable();
        thaw_domains();
        return rc;
    }
"""
            },
            "xen/arch/arm/include/asm/suspend.h": SUSPEND_H,
        },
    ),
    # -- ARM009 guest-triggerable-printk -------------------------------------------------------
    Fx(
        "guest_triggerable_printk/bad_printk_on_psci_error.patch",
        "xen/arm: vpsci: Say which AFFINITY_INFO level is not supported",
        """
A guest asking AFFINITY_INFO about a cluster gets
PSCI_INVALID_PARAMETERS with no hint of why.  Print the level it asked
for.
""",
        edits=[
            (
                VPSCI,
                AFFINITY_LEVEL,
                """    /* Only the level of a single vCPU is described. */
    if ( lowest_affinity_level > 0 )
    {
        printk(XENLOG_WARNING "d%u: AFFINITY_INFO level %u not supported\\n",
               d->domain_id, lowest_affinity_level);
        return PSCI_INVALID_PARAMETERS;
    }
""",
            )
        ],
    ),
    Fx(
        "guest_triggerable_printk/ok_gprintk_on_psci_error.patch",
        "xen/arm: vpsci: Say which AFFINITY_INFO level is not supported",
        """
A guest asking AFFINITY_INFO about a cluster gets
PSCI_INVALID_PARAMETERS with no hint of why.  Print the level it asked
for, with gprintk() so that a guest cannot flood the console.
""",
        edits=[
            (
                VPSCI,
                AFFINITY_LEVEL,
                """    /* Only the level of a single vCPU is described. */
    if ( lowest_affinity_level > 0 )
    {
        gprintk(XENLOG_WARNING, "AFFINITY_INFO level %u not supported\\n",
                lowest_affinity_level);
        return PSCI_INVALID_PARAMETERS;
    }
""",
            )
        ],
    ),
    # -- ARM010 psci-result-outside-vpsci-call -------------------------------------------------
    Fx(
        "psci_result_outside_vpsci_call/bad_result_from_tasklet.patch",
        "xen/arm: vpsci: Report SYSTEM_SUSPEND's success once the domain is parked",
        """
SYSTEM_SUSPEND succeeds once the domain is parked.  Write the result
into the calling vCPU's x0 from a tasklet, which runs when the vCPU has
left its pCPU.
""",
        edits=[
            (VPSCI, VPSCI_INCLUDES, VPSCI_INCLUDES_TASKLET),
            (
                VPSCI,
                SUSPEND_COMMENT,
                """static struct tasklet suspend_result_tasklet;

/* Tell the vCPU that suspended that its SYSTEM_SUSPEND succeeded. */
static void suspend_result(void *data)
{
    struct vcpu *v = data;

    PSCI_SET_RESULT(&v->arch.cpu_info->guest_cpu_user_regs, PSCI_SUCCESS);
}

"""
                + SUSPEND_COMMENT,
            ),
            (
                VPSCI,
                SUSPEND_END,
                SUSPEND_END.replace(
                    "    return PSCI_SUCCESS;",
                    "    tasklet_init(&suspend_result_tasklet, suspend_result, curr);\n"
                    "    tasklet_schedule(&suspend_result_tasklet);\n\n"
                    "    return PSCI_SUCCESS;",
                ),
            ),
        ],
    ),
    Fx(
        "psci_result_outside_vpsci_call/ok_result_from_handler.patch",
        "xen/arm: vpsci: Write PSCI results through one helper",
        """
Calls that may not write x0 on success, SYSTEM_SUSPEND today, open-code
the result.  Add vpsci_set_result(), called from do_vpsci_0_2_call()
while the guest's call is being handled, so that the rule has one place
to live.
""",
        edits=[
            (
                VPSCI,
                "bool do_vpsci_0_2_call(struct cpu_user_regs *regs, uint32_t fid)\n",
                """/* Write the result of a PSCI call, from within that call only. */
static void vpsci_set_result(struct cpu_user_regs *regs, int32_t ret)
{
    PSCI_SET_RESULT(regs, ret);
}

bool do_vpsci_0_2_call(struct cpu_user_regs *regs, uint32_t fid)
""",
            ),
            (VPSCI, SUSPEND_CASE, SUSPEND_CASE.replace("PSCI_SET_RESULT", "vpsci_set_result")),
        ],
    ),
    # -- ARM011 boot-cpu-call-from-guest-trap --------------------------------------------------
    Fx(
        "boot_cpu_call_from_guest_trap/bad_nonboot_off_from_psci.patch",
        "xen/arm: vpsci: Take the other pCPUs down before powering off",
        """
The firmware powers the host off from the boot pCPU with every other
pCPU off.  When the hardware domain asks for SYSTEM_OFF, take the
non-boot pCPUs down first.
""",
        edits=[
            (VPSCI, VPSCI_INCLUDES_CPU, "#include <xen/cpu.h>\n" + VPSCI_INCLUDES_CPU),
            (
                VPSCI,
                SYSTEM_OFF,
                """static void do_psci_0_2_system_off(void)
{
    struct domain *d = current->domain;

    /* The firmware powers the host off from pCPU 0, alone online. */
    if ( is_hardware_domain(d) && disable_nonboot_cpus() )
        gprintk(XENLOG_WARNING, "other pCPUs are still online\\n");

    domain_shutdown(d, SHUTDOWN_poweroff);
}
""",
            ),
        ],
    ),
    Fx(
        "boot_cpu_call_from_guest_trap/ok_nonboot_off_from_tasklet.patch",
        "xen/arm: vpsci: Take the other pCPUs down before powering off",
        """
The firmware powers the host off from the boot pCPU with every other
pCPU off.  When the hardware domain asks for SYSTEM_OFF, take the
non-boot pCPUs down first, from a tasklet on pCPU 0: the calling vCPU
may be running on any pCPU.
""",
        edits=[
            (VPSCI, VPSCI_INCLUDES_CPU, "#include <xen/cpu.h>\n" + VPSCI_INCLUDES_CPU),
            (VPSCI, VPSCI_INCLUDES, VPSCI_INCLUDES_TASKLET),
            (
                VPSCI,
                SYSTEM_OFF,
                """static struct tasklet nonboot_off_tasklet;

/* The firmware powers the host off from pCPU 0, alone online. */
static void nonboot_off(void *data)
{
    (void)data;

    if ( disable_nonboot_cpus() )
        printk(XENLOG_WARNING "other pCPUs are still online\\n");
}

static void do_psci_0_2_system_off(void)
{
    struct domain *d = current->domain;

    if ( is_hardware_domain(d) )
    {
        tasklet_init(&nonboot_off_tasklet, nonboot_off, NULL);
        tasklet_schedule_on_cpu(&nonboot_off_tasklet, 0);
    }

    domain_shutdown(d, SHUTDOWN_poweroff);
}
""",
            ),
        ],
    ),
    # -- ARM012 guest-switch-without-default ---------------------------------------------------
    Fx(
        "guest_switch_without_default/bad_level_switch.patch",
        "xen/arm: vpsci: Tell unsupported AFFINITY_INFO levels apart",
        """
Levels 1 to 3 are valid PSCI affinity levels that Xen does not describe:
answer PSCI_NOT_SUPPORTED for them rather than
PSCI_INVALID_PARAMETERS.
""",
        edits=[
            (
                VPSCI,
                AFFINITY_LEVEL,
                """    /* Only the level of a single vCPU is described. */
    switch ( lowest_affinity_level )
    {
    case 0:
        break;
    case 1:
    case 2:
    case 3:
        return PSCI_NOT_SUPPORTED;
    }
""",
            )
        ],
    ),
    Fx(
        "guest_switch_without_default/ok_level_switch_with_default.patch",
        "xen/arm: vpsci: Tell unsupported AFFINITY_INFO levels apart",
        """
Levels 1 to 3 are valid PSCI affinity levels that Xen does not describe:
answer PSCI_NOT_SUPPORTED for them, and PSCI_INVALID_PARAMETERS for the
levels PSCI does not define.
""",
        edits=[
            (
                VPSCI,
                AFFINITY_LEVEL,
                """    /* Only the level of a single vCPU is described. */
    switch ( lowest_affinity_level )
    {
    case 0:
        break;
    case 1:
    case 2:
    case 3:
        return PSCI_NOT_SUPPORTED;
    default:
        return PSCI_INVALID_PARAMETERS;
    }
""",
            )
        ],
    ),
    # -- ARM013 guest-pointer-without-copy -----------------------------------------------------
    Fx(
        "guest_pointer_without_copy/bad_raw_handle.patch",
        "xen/sched: Read SCHEDOP_watchdog's argument in place",
        """
struct sched_watchdog is two words; copying it onto the stack before
reading it is more code than reading it where the guest put it.
""",
        edits=[
            (
                SCHED,
                WATCHDOG_CASE,
                """        /* Two words: read them where the guest put them. */
        const struct sched_watchdog *sched_watchdog =
            (const struct sched_watchdog *)arg;

        ret = domain_watchdog(current->domain, sched_watchdog->id,
                              sched_watchdog->timeout);
""",
            )
        ],
    ),
    Fx(
        "guest_pointer_without_copy/ok_copy_from_guest.patch",
        "xen/sched: Refuse watchdog timeouts longer than a day",
        """
A watchdog timeout is in seconds and SECONDS() multiplies it into a
64-bit nanosecond count.  Nothing needs more than a day; refuse longer
timeouts before arming the timer.
""",
        edits=[
            (
                SCHED,
                WATCHDOG_CASE,
                """        struct sched_watchdog sched_watchdog;

        ret = -EFAULT;
        if ( copy_from_guest(&sched_watchdog, arg, 1) )
            break;

        ret = -EINVAL;
        if ( sched_watchdog.timeout > 24 * 60 * 60 )
            break;

        ret = domain_watchdog(current->domain, sched_watchdog.id,
                              sched_watchdog.timeout);
""",
            )
        ],
    ),
    # -- ARM014 hardware-domain-suspend-reboots ------------------------------------------------
    Fx(
        "hardware_domain_suspend_reboots/bad_hwdom_suspend_allowed.patch",
        "xen/arm: vpsci: Let the hardware domain use SYSTEM_SUSPEND",
        """
Suspend to RAM needs the hardware domain to suspend too, as the last
domain before Xen.  Stop refusing it SYSTEM_SUSPEND.
""",
        edits=[(VPSCI, HWDOM_REFUSAL, "    domain_lock(d);\n")],
    ),
    # Parking the hardware domain alone (no host suspend, no wake-up) would leave it
    # suspended for good (MOD006/MOD010): the right change is the whole host suspend.
    Fx(
        "hardware_domain_suspend_reboots/ok_hwdom_resumed_before_thaw.patch",
        "xen/arm: Suspend the host when the hardware domain suspends",
        """
Let the hardware domain use virtual PSCI SYSTEM_SUSPEND: it is parked in
SHUTDOWN_suspend like a guest, rather than handed to hwdom_shutdown(),
and once it is parked the host follows it.

host_suspend() runs from a tasklet on pCPU 0.  It freezes every domain
and, on the way back, resumes the hardware domain before it thaws them:
the hardware domain holds the PV backends and xenstored, which the
guests need as soon as they run.  The firmware call comes with the
physical PSCI interface in a later patch.
""",
        edits=[
            (DOMAIN, HWDOM_SHUTDOWN, HWDOM_SHUTDOWN_PARKS),
            (VPSCI, VPSCI_INCLUDES, VPSCI_INCLUDES_TASKLET),
            (VPSCI, HWDOM_REFUSAL, "    domain_lock(d);\n"),
            (VPSCI, SUSPEND_COMMENT, HOST_SUSPEND % {"RESUME": HWDOM_FIRST} + SUSPEND_COMMENT),
            (VPSCI, SUSPEND_END, HOST_TRIGGER),
        ],
    ),
    # -- ARM015 pause-without-unpause ----------------------------------------------------------
    Fx(
        "pause_without_unpause/bad_error_return_keeps_pause.patch",
        "xen/arm: vpsci: Keep CPU_ON's target paused while it is set up",
        """
The target of CPU_ON must not be scheduled while its context is being
replaced.  Pause it for the whole setup.
""",
        edits=[
            (
                VPSCI,
                CPU_ON_SET,
                """    /* Off its pCPU while its context is replaced. */
    vcpu_pause(v);

"""
                + CPU_ON_SET.replace(
                    "    domain_unlock(d);\n", "    domain_unlock(d);\n\n    vcpu_unpause(v);\n"
                ),
            )
        ],
    ),
    Fx(
        "pause_without_unpause/ok_pause_around_update.patch",
        "xen/arm: vpsci: Keep CPU_ON's target paused while it is set up",
        """
The target of CPU_ON must not be scheduled while its context is being
replaced.  Pause it around the update.
""",
        edits=[
            (
                VPSCI,
                CPU_ON_SET,
                CPU_ON_SET.replace(
                    "    domain_lock(d);\n",
                    "    /* Off its pCPU while its context is replaced. */\n"
                    "    vcpu_pause(v);\n    domain_lock(d);\n",
                ).replace(
                    "    domain_unlock(d);\n", "    domain_unlock(d);\n    vcpu_unpause(v);\n"
                ),
            )
        ],
    ),
    # -- ARM016 switch-case-fallthrough --------------------------------------------------------
    Fx(
        "switch_case_fallthrough/bad_missing_return.patch",
        "xen/arm: vpsci: Log SYSTEM_OFF requests",
        """
A domain that powers itself off leaves no trace in Xen's log.  Print
which vCPU asked.
""",
        edits=[
            (
                VPSCI,
                SYSTEM_OFF_CASE,
                """    case PSCI_0_2_FN32_SYSTEM_OFF:
        /* Does not return to the guest: nothing to write. */
        gprintk(XENLOG_INFO, "SYSTEM_OFF\\n");
        do_psci_0_2_system_off();

""",
            )
        ],
    ),
    Fx(
        "switch_case_fallthrough/ok_return_kept.patch",
        "xen/arm: vpsci: Log SYSTEM_OFF requests",
        """
A domain that powers itself off leaves no trace in Xen's log.  Print
which vCPU asked.
""",
        edits=[
            (
                VPSCI,
                SYSTEM_OFF_CASE,
                """    case PSCI_0_2_FN32_SYSTEM_OFF:
        /* Does not return to the guest: nothing to write. */
        gprintk(XENLOG_INFO, "SYSTEM_OFF\\n");
        do_psci_0_2_system_off();
        return true;
""",
            )
        ],
    ),
    # -- ARM017 vcpu-context-without-domain-lock -----------------------------------------------
    Fx(
        "vcpu_context_without_domain_lock/bad_unlocked_cpu_on.patch",
        "xen/arm: vpsci: Drop the domain lock from CPU_ON",
        """
The target of CPU_ON is off, and only its own domain's CPU_ON can bring
it up: the domain lock around arch_set_info_guest() protects nothing.
""",
        edits=[
            (
                VPSCI,
                CPU_ON_SET,
                CPU_ON_SET.replace("    domain_lock(d);\n", "").replace(
                    "    domain_unlock(d);\n", ""
                ),
            )
        ],
    ),
    Fx(
        "vcpu_context_without_domain_lock/ok_check_under_lock.patch",
        "xen/arm: vpsci: Check that CPU_ON's target is off under the lock",
        """
Two vCPUs can call CPU_ON for the same target at once: both see it off,
and both replace its context.  Test that the target is off under the
domain lock, where its context is replaced.
""",
        edits=[
            (VPSCI, CPU_ON_DOWN, ""),
            (
                VPSCI,
                CPU_ON_SET,
                CPU_ON_SET.replace(
                    "    domain_lock(d);\n",
                    """    domain_lock(d);

    /* Under the lock: a concurrent CPU_ON may have won. */
    if ( !test_bit(_VPF_down, &v->pause_flags) )
    {
        domain_unlock(d);
        return PSCI_ALREADY_ON;
    }

""",
                ),
            ),
        ],
    ),
    # -- ARM018 unchecked-guest-index ----------------------------------------------------------
    Fx(
        "unchecked_guest_index/bad_vcpu_array_index.patch",
        "xen/arm: vpsci: Look AFFINITY_INFO's target up by index",
        """
AFFINITY_INFO walks every vCPU of the domain to find the one with the
given affinity, although Aff0 is the vCPU's index.  Use it.
""",
        edits=[
            (
                VPSCI,
                AFFINITY_LOOKUP,
                """    /* Aff0 is the vCPU's index. */
    v = d->vcpu[MPIDR_AFFINITY_LEVEL(target_affinity, 0)];
    if ( v == NULL )
        return PSCI_INVALID_PARAMETERS;

    return test_bit(_VPF_down, &v->pause_flags)
           ? PSCI_0_2_AFFINITY_LEVEL_OFF : PSCI_0_2_AFFINITY_LEVEL_ON;
}
""",
            )
        ],
    ),
    Fx(
        "unchecked_guest_index/ok_index_checked.patch",
        "xen/arm: vpsci: Look AFFINITY_INFO's target up by index",
        """
AFFINITY_INFO walks every vCPU of the domain to find the one with the
given affinity, although Aff0 is the vCPU's index.  Use it, once it is
known to be within the domain's vCPUs.
""",
        edits=[
            (
                VPSCI,
                AFFINITY_HEAD,
                """    struct domain *d = current->domain;
    unsigned int id = MPIDR_AFFINITY_LEVEL(target_affinity, 0);
    struct vcpu *v;

    /* Only the level of a single vCPU is described. */
""",
            ),
            (
                VPSCI,
                AFFINITY_LOOKUP,
                """    /* Aff0 is the vCPU's index; the other levels are 0. */
    if ( id >= d->max_vcpus || (target_affinity >> 8) )
        return PSCI_INVALID_PARAMETERS;

    v = d->vcpu[id];
    if ( v == NULL )
        return PSCI_INVALID_PARAMETERS;

    return test_bit(_VPF_down, &v->pause_flags)
           ? PSCI_0_2_AFFINITY_LEVEL_OFF : PSCI_0_2_AFFINITY_LEVEL_ON;
}
""",
            ),
        ],
    ),
]


def main(argv: list[str]) -> int:
    MAKER.setup()
    wanted = [a for a in argv if not a.startswith("-")]
    for index, fx in enumerate(SPECS, 1):
        if wanted and not any(w in fx.out for w in wanted):
            continue
        build(fx, index)
        print(OUT / fx.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
