"""A PSCI result written into a guest's registers outside the guest's PSCI call.

**What it flags**
``PSCI_SET_RESULT()``, or a write of a ``PSCI_*`` value into a guest's x0
(``set_user_reg(regs, 0, ...)``, ``regs->x0 = ...``), in a function that
does not run within a guest's SMCCC trap: one that the virtual PSCI
dispatcher (``do_vpsci_*_call()``) and the HVC/SMC trap entries do not
reach by direct calls, such as a tasklet, a timer, the interrupt path or a
hypercall continuation.

**Why it matters for Xen**
A guest reads the result of its PSCI call in x0 when its SMC/HVC returns,
and nowhere else.  Written later, from another context, the value lands in
whatever the vCPU is doing by then: over the context id of a resume
context, a register in the middle of the kernel's code, or the x0 of a
vCPU that is running on another pCPU at that moment.  Only the vCPU's own
PSCI handler, in its trap, may write it.

**Example**
    static void domain_resume_tasklet(void *data)
    {
        ...
        PSCI_SET_RESULT(&v->arch.cpu_info->guest_cpu_user_regs,
                        PSCI_SUCCESS);

**Suggested fix**
Return the PSCI code from the handler and let ``do_vpsci_0_2_call()`` write
it; for a call that completes later (``SYSTEM_SUSPEND``, ``CPU_ON``), put
the value into the context the vCPU will start from
(``vpsci_build_context()``) before it runs again.

**References**
Arm's PSCI specification (return values in x0/w0 at the end of the call);
``xen/arch/arm/vpsci.c``; the Arm suspend reviews on results written into
the hardware domain's x0 by a continuation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xenreview.code.facts import EdgeKind, EntryKind
from xenreview.code.model import Function
from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, TreeView
from xenreview.rules.lib_arm import ArmTree, arm_tree

RULE = Rule(
    code="ARM010",
    name="psci-result-outside-vpsci-call",
    family="arm",
    scope=Scope.TREE,
    severity=Severity.ERROR,
    needs_tree=True,
)

_RESULT_MEMBERS = ("x0", "r0", "w0")


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    tree = arm_tree(view)
    if tree is None:
        return
    inside = tree.reach(
        [*tree.entry_names(EntryKind.SMCCC), *tree.entry_names(EntryKind.TRAP)],
        blocked=tree.hypercall_dispatchers(),
    )
    later_roots = sorted(
        {e.callee for e in tree.facts.edges() if e.kind is EdgeKind.POINTER}
        | {h for handlers in tree.tasklet_handlers().values() for h in handlers}
    )
    later = {*tree.reach(later_roots), *tree.irq_reach(), *tree.guest_any()}
    for function in tree.facts.all_functions():
        if function.name in inside or function.name not in later:
            continue
        writes: list[tuple[int, str]] = []
        for call in function.calls:
            if call.callee == "PSCI_SET_RESULT" or (
                call.callee == "set_user_reg"
                and len(call.args) > 2
                and call.args[1].strip() == "0"
                and "PSCI_" in call.args[2]
            ):
                writes.append((call.line, call.text))
        for assignment in function.assignments:
            if (
                assignment.member in _RESULT_MEMBERS
                and assignment.value is not None
                and re.search(r"\bPSCI_\w+", assignment.value)
                and "cpu_user_regs" in _declared_type(tree, function, assignment.base or "")
            ):
                writes.append((assignment.line, f"{assignment.target} = {assignment.value}"))
        for line, text in sorted(writes):
            yield ctx.finding(
                RULE,
                f"{function.name}() writes a PSCI result into a guest's registers ({text}) but "
                "does not run within the guest's PSCI call, so the value lands in whatever the "
                "vCPU is doing by then; return the code from the PSCI handler, or put it in the "
                "context the vCPU resumes from.",
                path=function.path,
                target_line=line,
                excerpt=tree.line_text(function.path, line).strip(),
                key=f"{function.name}:{' '.join(text.split())}",
            )


def _declared_type(tree: ArmTree, function: Function, name: str) -> str:
    """The declared type of ``name`` in ``function`` (a parameter or a local)."""
    if not name:
        return ""
    for param in function.params:
        if param.name == name:
            return param.type
    lines = tree.lines(function.path)[function.body_line - 1 : function.body_end_line]
    for line in lines:
        match = re.search(r"((?:const\s+)?struct\s+\w+\s*\*+)\s*" + re.escape(name) + r"\b", line)
        if match is not None:
            return match.group(1)
    return ""
