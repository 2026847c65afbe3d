"""The recipes of the style rules' fixtures: git format-patch output against the mini tree.

Run ``python -m tests.unit.rules_style.make_fixtures`` from the repository
root to rebuild every ``rules/style/*/*.patch`` (dates and identities are
fixed, so the output is the same each time), then
``python -m pytest tests/rules -k STY --update-golden`` for the snapshots.
The scratch repository lives under the system's temporary folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tests.fixture_patches import PatchMaker

OUT = Path(__file__).resolve().parents[3] / "rules" / "style"
MAKER = PatchMaker("xenreview-style-fixtures", ("Frank Example", "frank@example.org"), OUT)


@dataclass
class Fx:
    out: str  # rule_folder/file.patch
    subject: str
    body: str
    edits: list[tuple[str, str, str]] = field(default_factory=list)  # (path, old, new)
    new: dict[str, str] = field(default_factory=dict)
    author: tuple[str, str] = ("Frank Example", "frank@example.org")
    day: int = 2


def build(fx: Fx, index: int) -> None:
    name, email = fx.author
    stem = Path(fx.out).stem.replace("_", "-")
    MAKER.write(
        fx.out,
        message=f"{fx.subject}\n\n{fx.body.strip()}\n\nSigned-off-by: {name} <{email}>\n",
        edits=fx.edits,
        new=fx.new,
        author=fx.author,
        date=f"2026-03-{fx.day:02d}T10:{index % 60:02d}:00+0000",
        message_id=f"<202603{fx.day:02d}10{index:04d}.style-{stem}@example.org>",
    )


# -- the fixtures ------------------------------------------------------------


T = "xen/arch/arm/time.c"
S = "xen/arch/arm/shutdown.c"
G = "xen/arch/arm/gic.c"

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

SUSPEND_C_BODY = """
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/psci.h>
#include <asm/suspend.h>

/* Set while the host is on its way down to RAM or coming back. */
bool __read_mostly host_suspending;

int host_suspend_prepare(void)
{
    if ( host_suspending )
        return -EBUSY;

    host_suspending = true;

    return 0;
}
"""

SUSPEND_C_OK = "/* SPDX-License-Identifier: GPL-2.0-only */" + SUSPEND_C_BODY + EMACS

SUSPEND_H_OK = (
    """/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_ARM_SUSPEND_H__
#define __ASM_ARM_SUSPEND_H__

#include <xen/types.h>

extern bool host_suspending;

int host_suspend_prepare(void);

#endif /* __ASM_ARM_SUSPEND_H__ */
"""
    + EMACS
)

NEW_FILES_BODY = """
Add the first piece of host suspend to RAM on Arm: a flag telling that
the host is on its way down, and the helper that raises it.  Callers
come in the next patches.
"""

HALT_OLD = """    printk(XENLOG_ERR "PSCI SYSTEM_OFF failed: halting this CPU\\n");
    halt_this_cpu();
}
"""

SPECS = [
    # -- STY001 tab-indentation ---------------------------------------------
    Fx(
        "tab_indentation/bad_tab_indented_body.patch",
        "xen/arm: shutdown: Flush the console before halting",
        """
If PSCI SYSTEM_OFF fails the CPU is halted right after the error is
printed, and the message may never leave the console ring.  Flush the
console first so that the failure is visible.
""",
        edits=[
            (
                S,
                HALT_OLD,
                """    printk(XENLOG_ERR "PSCI SYSTEM_OFF failed: halting this CPU\\n");
    if ( console_enabled )
\tconsole_flush();
    halt_this_cpu();
}
""",
            )
        ],
    ),
    Fx(
        "tab_indentation/ok_space_indented_body.patch",
        "xen/arm: shutdown: Flush the console before halting",
        """
If PSCI SYSTEM_OFF fails the CPU is halted right after the error is
printed, and the message may never leave the console ring.  Flush the
console first so that the failure is visible.
""",
        edits=[
            (
                S,
                HALT_OLD,
                """    printk(XENLOG_ERR "PSCI SYSTEM_OFF failed: halting this CPU\\n");
    if ( console_enabled )
        console_flush();
    halt_this_cpu();
}
""",
            )
        ],
    ),
]

REPROGRAM_OLD = """    if ( timeout == 0 )
    {
        WRITE_SYSREG(0, CNTHP_CTL_EL2);
        return 1;
    }
"""

SGI_OLD = """void send_SGI_allbutself(enum gic_sgi sgi)
{
    unsigned int cpu;

    for_each_online_cpu ( cpu )
        if ( cpu != smp_processor_id() )
            send_SGI_one(cpu, sgi);
}
"""

RESTART_OLD = """    while ( NOW() < deadline )
        cpu_relax();
"""

SPECS += [
    # -- STY002 indentation-not-multiple-of-four ----------------------------
    Fx(
        "indentation_not_multiple_of_four/bad_three_space_body.patch",
        "xen/arm: time: Refuse a deadline in the past",
        """
A timeout already in the past programs a compare value the counter has
passed, and the timer fires at once.  Treat it like a zero timeout and
report that nothing was armed.
""",
        edits=[
            (
                T,
                REPROGRAM_OLD,
                REPROGRAM_OLD
                + """
    if ( timeout < NOW() )
       return 0;
""",
            )
        ],
    ),
    Fx(
        "indentation_not_multiple_of_four/ok_aligned_continuation.patch",
        "xen/arm: time: Refuse a deadline in the past",
        """
A timeout already in the past programs a compare value the counter has
passed, and the timer fires at once.  Treat it like a zero timeout and
report that nothing was armed.
""",
        edits=[
            (
                T,
                REPROGRAM_OLD,
                REPROGRAM_OLD
                + """
    if ( timeout < NOW() &&
         !(READ_SYSREG(CNTHP_CTL_EL2) & CNTx_CTL_ENABLE) )
    {
        printk(XENLOG_DEBUG "CPU%u: timer deadline %"PRI_stime" passed\\n",
               smp_processor_id(), timeout);
        return 0;
    }
""",
            )
        ],
    ),
    # -- STY003 missing-space-in-control-parentheses ------------------------
    Fx(
        "missing_space_in_control_parentheses/bad_linux_style_conditions.patch",
        "xen/arm: gic: Skip offline CPUs when sending an SGI to all",
        """
send_SGI_allbutself() walks the online mask, but a CPU can be marked
offline while the walk runs.  Check the CPU is still online before
sending it the SGI.
""",
        edits=[
            (
                G,
                SGI_OLD,
                """void send_SGI_allbutself(enum gic_sgi sgi)
{
    unsigned int cpu;

    for_each_online_cpu(cpu)
    {
        if (cpu == smp_processor_id() || !cpu_online(cpu))
            continue;
        send_SGI_one(cpu, sgi);
    }
}
""",
            )
        ],
    ),
    Fx(
        "missing_space_in_control_parentheses/bad_keyword_glued_to_parenthesis.patch",
        "xen/arm: shutdown: Bound the wait before a restart",
        """
The wait before a restart spins on NOW() for as long as asked.  Give
up after at most ten seconds so that a huge delay cannot hang the
host.
""",
        edits=[
            (
                S,
                RESTART_OLD,
                """    if( delay_millisecs > 10000 )
        deadline = NOW() + SECONDS(10);

    while( NOW() < deadline )
        cpu_relax();
""",
            )
        ],
    ),
    Fx(
        "missing_space_in_control_parentheses/ok_xen_style_conditions.patch",
        "xen/arm: gic: Skip offline CPUs when sending an SGI to all",
        """
send_SGI_allbutself() walks the online mask, but a CPU can be marked
offline while the walk runs.  Check the CPU is still online before
sending it the SGI.
""",
        edits=[
            (
                G,
                SGI_OLD,
                """void send_SGI_allbutself(enum gic_sgi sgi)
{
    unsigned int cpu;

    for_each_online_cpu ( cpu )
    {
        if ( cpu == smp_processor_id() || !cpu_online(cpu) )
            continue;
        send_SGI_one(cpu, sgi);
    }
}
""",
            )
        ],
    ),
    # -- STY004 opening-brace-on-statement-line -----------------------------
    Fx(
        "opening_brace_on_statement_line/bad_brace_after_condition.patch",
        "xen/arm: time: Warn when the timer fires with nothing pending",
        """
An EL2 timer interrupt without the pending bit set means the timer was
reprogrammed under our feet.  Count these and say so once, instead of
returning silently.
""",
        edits=[
            (
                T,
                """    if ( unlikely(!(READ_SYSREG(CNTHP_CTL_EL2) & CNTx_CTL_PENDING)) )
        return;
""",
                """    if ( unlikely(!(READ_SYSREG(CNTHP_CTL_EL2) & CNTx_CTL_PENDING)) ) {
        htimer_spurious();
        return;
    }
""",
            ),
            (
                T,
                """/* Xen's own timer fired: run the expired timers from the softirq. */
""",
                """static unsigned int htimer_spurious_count;

static void htimer_spurious(void) {
    if ( htimer_spurious_count++ == 0 )
        printk(XENLOG_WARNING "EL2 timer fired with nothing pending\\n");
}

/* Xen's own timer fired: run the expired timers from the softirq. */
""",
            ),
        ],
    ),
    Fx(
        "opening_brace_on_statement_line/ok_brace_exceptions.patch",
        "xen/arm: time: Warn when the timer fires with nothing pending",
        """
An EL2 timer interrupt without the pending bit set means the timer was
reprogrammed under our feet.  Count these and say so once, instead of
returning silently.
""",
        edits=[
            (
                T,
                """    if ( unlikely(!(READ_SYSREG(CNTHP_CTL_EL2) & CNTx_CTL_PENDING)) )
        return;
""",
                """    if ( unlikely(!(READ_SYSREG(CNTHP_CTL_EL2) & CNTx_CTL_PENDING)) )
    {
        htimer_spurious();
        return;
    }
""",
            ),
            (
                T,
                """/* Xen's own timer fired: run the expired timers from the softirq. */
""",
                """static struct {
    unsigned int count;
    const char *name;
} htimer_spurious_stats = {
    .name = "hyptimer",
};

#define htimer_note(fmt, ...)                                   \\
    do {                                                        \\
        printk(XENLOG_WARNING "%s: " fmt,                       \\
               htimer_spurious_stats.name, ## __VA_ARGS__);     \\
    } while ( 0 )

static void htimer_spurious(void)
{
    if ( htimer_spurious_stats.count++ == 0 )
        htimer_note("fired with nothing pending\\n");
}

/* Xen's own timer fired: run the expired timers from the softirq. */
""",
            ),
        ],
    ),
    # -- STY005 else-after-closing-brace ------------------------------------
    Fx(
        "else_after_closing_brace/bad_cuddled_else.patch",
        "xen/arm: shutdown: Report a restart that returns early",
        """
When the restart delay is zero the caller wants the reset now, and the
console does not need to be synchronous first.  Skip the wait loop in
that case and say which path was taken if the reset fails.
""",
        edits=[
            (
                S,
                RESTART_OLD,
                """    if ( delay_millisecs )
    {
        while ( NOW() < deadline )
            cpu_relax();
        printk(XENLOG_INFO "Restarting after %u ms\\n", delay_millisecs);
    } else {
        printk(XENLOG_INFO "Restarting now\\n");
        console_end_sync();
    }
""",
            )
        ],
    ),
    Fx(
        "else_after_closing_brace/ok_else_on_its_own_line.patch",
        "xen/arm: shutdown: Report a restart that returns early",
        """
When the restart delay is zero the caller wants the reset now, and the
console does not need to be synchronous first.  Skip the wait loop in
that case and say which path was taken if the reset fails.
""",
        edits=[
            (
                S,
                RESTART_OLD,
                """    if ( delay_millisecs )
    {
        while ( NOW() < deadline )
            cpu_relax();
        printk(XENLOG_INFO "Restarting after %u ms\\n", delay_millisecs);
    }
    else
    {
        printk(XENLOG_INFO "Restarting now\\n");
        console_end_sync();
    }
""",
            )
        ],
    ),
    # -- STY006 braces-around-single-statement ------------------------------
    Fx(
        "braces_around_single_statement/bad_braced_return.patch",
        "xen/arm: time: Do not reprogram the timer of an offline CPU",
        """
reprogram_timer() can be reached on a CPU that is already marked
offline on the way to suspend.  There is nothing left to program there:
return early and let the caller know.
""",
        edits=[
            (
                T,
                REPROGRAM_OLD,
                """    if ( !cpu_online(smp_processor_id()) )
    {
        return 0;
    }

"""
                + REPROGRAM_OLD,
            )
        ],
    ),
    Fx(
        "braces_around_single_statement/ok_braces_where_needed.patch",
        "xen/arm: time: Do not reprogram the timer of an offline CPU",
        """
reprogram_timer() can be reached on a CPU that is already marked
offline on the way to suspend.  There is nothing left to program there:
return early and let the caller know.
""",
        edits=[
            (
                T,
                REPROGRAM_OLD,
                """    if ( !cpu_online(smp_processor_id()) )
        return 0;

    if ( unlikely(timeout < 0) )
    {
        printk(XENLOG_WARNING "CPU%u: negative timeout %"PRI_stime"\\n",
               smp_processor_id(), timeout);
        timeout = 0;
    }
    else if ( timeout > SECONDS(3600) )
    {
        timeout = SECONDS(3600);
    }

"""
                + REPROGRAM_OLD,
            )
        ],
    ),
]

INIT_OLD = """    printk(XENLOG_INFO "Generic timer running at %lu KHz\\n", cpu_khz);
}
"""

SPECS += [
    # -- STY007 trailing-whitespace -----------------------------------------
    Fx(
        "trailing_whitespace/bad_spaces_after_statement.patch",
        "xen/arm: time: Refuse a timer frequency of zero",
        """
A firmware that leaves CNTFRQ_EL0 at zero makes every conversion between
ticks and nanoseconds divide by zero.  Stop early with a clear message
instead.
""",
        edits=[
            (
                T,
                """    boot_count = get_cycles();
""",
                """    boot_count = get_cycles();
    if ( !cpu_khz )\x20\x20\x20
        panic("Timer: CNTFRQ_EL0 is zero, fix the firmware\\n");\t
""",
            )
        ],
    ),
    Fx(
        "trailing_whitespace/ok_clean_line_ends.patch",
        "xen/arm: time: Refuse a timer frequency of zero",
        """
A firmware that leaves CNTFRQ_EL0 at zero makes every conversion between
ticks and nanoseconds divide by zero.  Stop early with a clear message
instead.
""",
        edits=[
            (
                T,
                """    boot_count = get_cycles();
""",
                """    boot_count = get_cycles();
    if ( !cpu_khz )
        panic("Timer: CNTFRQ_EL0 is zero, fix the firmware\\n");
""",
            )
        ],
    ),
    # -- STY008 line-too-long -----------------------------------------------
    Fx(
        "line_too_long/bad_long_statement.patch",
        "xen/arm: time: Print the timer interrupts in use",
        """
The boot log says how fast the generic timer runs but not which PPIs it
uses, which is the first thing to check when the timer stays silent on
new hardware.  Print them as well.
""",
        edits=[
            (
                T,
                INIT_OLD,
                """    printk(XENLOG_INFO "Generic timer running at %lu KHz\\n", cpu_khz);
    printk(XENLOG_INFO "Timer PPIs: hyp %u virt %u\\n", """
                """timer_irq[TIMER_HYP_PPI], timer_irq[TIMER_VIRT_PPI]);
}
""",
            )
        ],
    ),
    Fx(
        "line_too_long/ok_unsplit_message.patch",
        "xen/arm: time: Print the timer interrupts in use",
        """
The boot log says how fast the generic timer runs but not which PPIs it
uses, which is the first thing to check when the timer stays silent on
new hardware.  Print them as well.
""",
        edits=[
            (
                T,
                INIT_OLD,
                """    printk(XENLOG_INFO "Generic timer running at %lu KHz\\n", cpu_khz);
    printk(XENLOG_INFO "Timer PPIs: hypervisor %u, virtual %u, physical non-secure %u\\n",
           timer_irq[TIMER_HYP_PPI], timer_irq[TIMER_VIRT_PPI],
           timer_irq[TIMER_PHYS_NONSECURE_PPI]);
}
""",
            )
        ],
    ),
    # -- STY009 cpp-style-comment -------------------------------------------
    Fx(
        "cpp_style_comment/bad_double_slash_comment.patch",
        "xen/arm: time: Clear the virtual timer offset on every CPU",
        """
CNTVOFF_EL2 is per CPU and its reset value is unknown.  It is already
cleared when the timer interrupts are set up; say why, since nothing
else in the file explains it.
""",
        edits=[
            (
                T,
                """    /* The guest sees the counter as it is; it may not use the EL1 timer */
""",
                """    // CNTVOFF_EL2 resets to an unknown value on each CPU
    /* The guest sees the counter as it is; it may not use the EL1 timer */
""",
            )
        ],
    ),
    Fx(
        "cpp_style_comment/ok_slashes_in_strings_and_urls.patch",
        "xen/arm: time: Clear the virtual timer offset on every CPU",
        """
CNTVOFF_EL2 is per CPU and its reset value is unknown.  It is already
cleared when the timer interrupts are set up; say why, since nothing
else in the file explains it.
""",
        edits=[
            (
                T,
                """    /* The guest sees the counter as it is; it may not use the EL1 timer */
""",
                """    /*
     * CNTVOFF_EL2 resets to an unknown value on each CPU, see the Arm ARM
     * at https://developer.arm.com/documentation/ddi0487/latest/
     */
    /* The guest sees the counter as it is; it may not use the EL1 timer */
""",
            ),
            (
                T,
                INIT_OLD,
                """    printk(XENLOG_INFO "Generic timer running at %lu KHz\\n", cpu_khz);
    printk(XENLOG_DEBUG "Timer: see https://xenbits.xen.org/docs/ // arm\\n");
}
""",
            ),
        ],
    ),
    # -- STY010 multi-line-comment-layout -----------------------------------
    Fx(
        "multi_line_comment_layout/bad_text_on_comment_ends.patch",
        "xen/arm: time: Explain why the EL2 timer is masked on interrupt",
        """
htimer_interrupt() masks the EL2 timer before raising the softirq, and
a reader may wonder who unmasks it.  Say so where it happens.
""",
        edits=[
            (
                T,
                """    /* Masked until reprogram_timer() arms it again. */
""",
                """    /* Masked until reprogram_timer() arms it again: the softirq runs
     * the expired timers and programs the next deadline. */
""",
            )
        ],
    ),
    Fx(
        "multi_line_comment_layout/ok_boxed_comment.patch",
        "xen/arm: time: Explain why the EL2 timer is masked on interrupt",
        """
htimer_interrupt() masks the EL2 timer before raising the softirq, and
a reader may wonder who unmasks it.  Say so where it happens.
""",
        edits=[
            (
                T,
                """    /* Masked until reprogram_timer() arms it again. */
""",
                """    /*
     * Masked until reprogram_timer() arms it again: the softirq runs
     * the expired timers and programs the next deadline.
     */
""",
            )
        ],
    ),
    # -- STY011 missing-spdx-line -------------------------------------------
    Fx(
        "missing_spdx_line/bad_new_file_without_tag.patch",
        "xen/arm: Add the host suspend flag",
        NEW_FILES_BODY,
        edits=[
            (
                "xen/arch/arm/Makefile",
                "obj-y += smpboot.o\n",
                "obj-y += smpboot.o\nobj-y += suspend.o\n",
            )
        ],
        new={
            "xen/arch/arm/suspend.c": "/*\n * xen/arch/arm/suspend.c: host suspend to RAM.\n */\n"
            + SUSPEND_C_BODY
            + EMACS,
            "xen/arch/arm/include/asm/suspend.h": SUSPEND_H_OK,
        },
    ),
    Fx(
        "missing_spdx_line/ok_new_files_with_tag.patch",
        "xen/arm: Add the host suspend flag",
        NEW_FILES_BODY,
        edits=[
            (
                "xen/arch/arm/Makefile",
                "obj-y += smpboot.o\n",
                "obj-y += smpboot.o\nobj-y += suspend.o\n",
            )
        ],
        new={
            "xen/arch/arm/suspend.c": SUSPEND_C_OK,
            "xen/arch/arm/include/asm/suspend.h": SUSPEND_H_OK,
        },
    ),
    # -- STY012 header-guard-name -------------------------------------------
    Fx(
        "header_guard_name/bad_guard_copied_from_psci.patch",
        "xen/arm: Add the host suspend flag",
        NEW_FILES_BODY,
        edits=[
            (
                "xen/arch/arm/Makefile",
                "obj-y += smpboot.o\n",
                "obj-y += smpboot.o\nobj-y += suspend.o\n",
            )
        ],
        new={
            "xen/arch/arm/suspend.c": SUSPEND_C_OK,
            "xen/arch/arm/include/asm/suspend.h": SUSPEND_H_OK.replace(
                "SUSPEND_H__", "PSCI_H__"
            ).replace("#endif /* __ASM_ARM_PSCI_H__ */", "#endif"),
        },
    ),
    Fx(
        "header_guard_name/ok_guard_from_path.patch",
        "xen/arm: Add the host suspend flag",
        NEW_FILES_BODY,
        edits=[
            (
                "xen/arch/arm/Makefile",
                "obj-y += smpboot.o\n",
                "obj-y += smpboot.o\nobj-y += suspend.o\n",
            )
        ],
        new={
            "xen/arch/arm/suspend.c": SUSPEND_C_OK,
            "xen/arch/arm/include/asm/suspend.h": SUSPEND_H_OK,
        },
    ),
    # -- STY013 missing-local-variables-block -------------------------------
    Fx(
        "missing_local_variables_block/bad_new_file_without_block.patch",
        "xen/arm: Add the host suspend flag",
        NEW_FILES_BODY,
        edits=[
            (
                "xen/arch/arm/Makefile",
                "obj-y += smpboot.o\n",
                "obj-y += smpboot.o\nobj-y += suspend.o\n",
            )
        ],
        new={
            "xen/arch/arm/suspend.c": "/* SPDX-License-Identifier: GPL-2.0-only */"
            + SUSPEND_C_BODY,
            "xen/arch/arm/include/asm/suspend.h": SUSPEND_H_OK,
        },
    ),
    Fx(
        "missing_local_variables_block/ok_new_files_with_block.patch",
        "xen/arm: Add the host suspend flag",
        NEW_FILES_BODY,
        edits=[
            (
                "xen/arch/arm/Makefile",
                "obj-y += smpboot.o\n",
                "obj-y += smpboot.o\nobj-y += suspend.o\n",
            )
        ],
        new={
            "xen/arch/arm/suspend.c": SUSPEND_C_OK,
            "xen/arch/arm/include/asm/suspend.h": SUSPEND_H_OK,
        },
    ),
]

SPECS += [
    Fx(
        "header_guard_name/bad_header_without_guard.patch",
        "xen/arm: Add the host suspend flag",
        NEW_FILES_BODY,
        edits=[
            (
                "xen/arch/arm/Makefile",
                "obj-y += smpboot.o\n",
                "obj-y += smpboot.o\nobj-y += suspend.o\n",
            )
        ],
        new={
            "xen/arch/arm/suspend.c": SUSPEND_C_OK,
            "xen/arch/arm/include/asm/suspend.h": """/* SPDX-License-Identifier: GPL-2.0-only */
/* Host suspend to RAM on Arm. */

#include <xen/types.h>

extern bool host_suspending;

int host_suspend_prepare(void);
"""
            + EMACS,
        },
    ),
    Fx(
        "multi_line_comment_layout/bad_comment_lines_without_stars.patch",
        "xen/arm: time: Explain why the EL2 timer is masked on interrupt",
        """
htimer_interrupt() masks the EL2 timer before raising the softirq, and
a reader may wonder who unmasks it.  Say so where it happens.
""",
        edits=[
            (
                T,
                """    /* Masked until reprogram_timer() arms it again. */
""",
                """    /*
       Masked until reprogram_timer() arms it again: the softirq runs
       the expired timers and programs the next deadline.
    */
""",
            )
        ],
    ),
]


def main(specs: list[Fx]) -> None:
    MAKER.setup()
    for i, fx in enumerate(specs):
        build(fx, i)
        print("wrote", fx.out)


if __name__ == "__main__":
    main(SPECS)
