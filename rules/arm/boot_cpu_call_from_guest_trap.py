"""A function that must run on pCPU 0 called straight from a guest's trap.

**What it flags**
A call to a function that asserts it runs on the boot pCPU
(``BUG_ON(smp_processor_id() != 0)``, ``ASSERT(smp_processor_id() == 0)``,
as ``disable_nonboot_cpus()`` does) from code a guest's trap reaches by
direct calls: such code runs on whatever pCPU the trapping vCPU happens to
be scheduled on.  Calls under a test of ``smp_processor_id()`` are not
counted, nor calls made through ``continue_hypercall_on_cpu()``, a tasklet
or a cross-CPU call (they are not direct calls).

**Why it matters for Xen**
A vCPU of the hardware domain, or of any guest, can run on any pCPU.  The
boot-CPU assertion turns into a host crash as soon as the vCPU is
scheduled elsewhere, and without the assertion the code would take pCPU 0
down from another pCPU, or leave the calling pCPU last online when the
firmware expects pCPU 0.

**Example**
    /* reached from do_vpsci_0_2_call() for the hardware domain */
    if ( is_hardware_domain(d) )
        rc = disable_nonboot_cpus();

**Suggested fix**
Move the work to pCPU 0: a tasklet scheduled with
``tasklet_schedule_on_cpu(&t, 0)`` (outside a hypercall) or
``continue_hypercall_on_cpu(0, fn, data)`` (inside one).

**References**
``xen/common/cpu.c`` (``disable_nonboot_cpus()`` must run on pCPU 0); the
Arm suspend series (host suspend finished on pCPU 0 because the hardware
domain's vCPU may run on any pCPU); x86's ``enter_state()`` which is always
run from a continuation on pCPU 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, TreeView
from xenreview.rules.lib_arm import ArmTree, arm_tree, describe_path, guard_texts

RULE = Rule(
    code="ARM011",
    name="boot-cpu-call-from-guest-trap",
    family="arm",
    scope=Scope.TREE,
    severity=Severity.ERROR,
    needs_tree=True,
)

_BOOT_ONLY = re.compile(r"smp_processor_id\s*\(\s*\)\s*!=\s*0|0\s*!=\s*smp_processor_id\s*\(\s*\)")
_BOOT_ASSERT = re.compile(
    r"smp_processor_id\s*\(\s*\)\s*==\s*0|0\s*==\s*smp_processor_id\s*\(\s*\)"
    r"|!\s*smp_processor_id\s*\(\s*\)"
)


def _boot_only(tree: ArmTree) -> dict[str, int]:
    """Functions asserting they run on pCPU 0 -> the line of the assertion."""
    out: dict[str, int] = {}
    for function in tree.facts.all_functions():
        for call in function.calls:
            if not call.args:
                continue
            if (call.callee == "BUG_ON" and _BOOT_ONLY.search(call.args[0])) or (
                call.callee == "ASSERT" and _BOOT_ASSERT.search(call.args[0])
            ):
                out.setdefault(function.name, call.line)
    return out


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    tree = arm_tree(view)
    if tree is None:
        return
    boot_only = _boot_only(tree)
    if not boot_only:
        return
    within = tree.guest_sync()
    for name in sorted(within):
        if name in boot_only:
            continue
        for function in tree.facts.functions(name):
            for call in function.calls:
                if call.callee not in boot_only:
                    continue
                if any("smp_processor_id" in text for text in guard_texts(call.guards)):
                    continue
                yield ctx.finding(
                    RULE,
                    f"{function.name}() calls {call.callee}(), which must run on pCPU 0, "
                    f"straight from a guest's trap ({describe_path(within[name])}), so it runs "
                    "on whichever pCPU the calling vCPU is on; move the work to pCPU 0 with a "
                    "tasklet (tasklet_schedule_on_cpu()) or a continuation.",
                    path=call.path,
                    target_line=call.line,
                    excerpt=tree.line_text(call.path, call.line).strip(),
                    key=f"{function.name}:{' '.join(call.text.split())}",
                )
