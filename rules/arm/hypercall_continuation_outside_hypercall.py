"""``continue_hypercall_on_cpu()`` used outside a hypercall, or its result misread.

**What it flags**
A call to ``continue_hypercall_on_cpu()`` in a function that a guest trap
other than a hypercall reaches within the trap: a virtual PSCI/SMCCC call
(HVC or SMC), an MMIO emulation or another abort.  The continuation
pauses the calling vCPU, runs the function on the other pCPU and then
writes that function's return value into the vCPU's x0 as the hypercall's
result, but the guest made no hypercall: it gets a value it never asked
for, over whatever its handler put there (for PSCI ``SYSTEM_SUSPEND``, the
context id of its resume context).  The same finding notes when the value
returned by ``continue_hypercall_on_cpu()`` is kept in a variable that is
then tested or printed, but never returned: that value only says whether
the continuation could be scheduled, not what the scheduled function
returned, which is not known yet.

**Why it matters for Xen**
Hypercall continuations are tied to Xen's hypercall ABI
(``arch_hypercall_tasklet_result()`` stores the result in the guest's
return register).  Reached from a trap that has its own return convention,
they corrupt the guest's registers behind the handler's back, and code
that reads their return value as the outcome of the deferred work logs
"success" or "failure" for something that has not happened.

**Example**
    /* reached from do_vpsci_0_2_call(), PSCI SYSTEM_SUSPEND */
    status = continue_hypercall_on_cpu(0, system_suspend, NULL);
    if ( status )
        dprintk(XENLOG_ERR, "Failed to suspend, errno=%d\\n", status);

**Suggested fix**
Outside a hypercall, run the work on the other pCPU with a tasklet
(``tasklet_schedule_on_cpu(&t, cpu)``) or a cross-CPU call, and report its
result from there; inside a hypercall, return the continuation's value to
the hypercall's caller and let the continuation deliver the real result.

**References**
The 2022-2026 re-rolls of the Xen/Arm suspend series moved the host suspend
to a tasklet on pCPU 0 for this reason (SYSTEM_SUSPEND is a PSCI call, not
a hypercall).  ``xen/common/domain.c``: ``continue_hypercall_on_cpu()`` and
its tasklet handler.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.code.facts import EdgeKind
from xenreview.code.model import Assignment, Branch, Call, Function, Jump, JumpKind
from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Related, Rule, Scope, TreeView
from xenreview.rules.lib_arm import (
    ArmTree,
    arm_tree,
    describe_path,
    mentions,
    related,
    walk_with_guards,
)

RULE = Rule(
    code="ARM002",
    name="hypercall-continuation-outside-hypercall",
    family="arm",
    scope=Scope.TREE,
    severity=Severity.ERROR,
    needs_tree=True,
)

_CONTINUATION = "continue_hypercall_on_cpu"
_PRINTS = ("printk", "dprintk", "gprintk", "gdprintk", "panic")


def _result_uses(function: Function, call: Call) -> tuple[list[int], bool]:
    """Lines after ``call`` that test or print its assigned result, and whether it is returned."""
    variable = call.assigned_to
    if variable is None:
        return [], False
    uses: list[int] = []
    returned = False
    for step, _ in walk_with_guards(function.steps):
        line = getattr(step, "line", 0)
        if line <= call.line:
            continue
        if isinstance(step, Jump) and step.kind is JumpKind.RETURN:
            returned = returned or (step.target is not None and mentions(step.target, variable))
        elif isinstance(step, Call) and step.callee in _PRINTS:
            if any(mentions(a, variable) for a in step.args):
                uses.append(step.line)
        elif (
            isinstance(step, Assignment)
            and step.value is not None
            and mentions(step.value, variable)
        ):
            returned = True  # handed on: not ours to judge
    for other in function.calls:
        if other.line > call.line and other.in_condition and mentions(other.text, variable):
            uses.append(other.line)
    for step, _ in walk_with_guards(function.steps):
        if (
            isinstance(step, Branch)
            and step.line > call.line
            and mentions(step.condition, variable)
        ):
            uses.append(step.line)
    return sorted(set(uses)), returned


def _writer(tree: ArmTree) -> tuple[str, int, str] | None:
    """Where the continuation writes its result into the guest's registers."""
    later = tree.reach([_CONTINUATION], kinds=tuple(EdgeKind))
    for name in sorted(later, key=lambda n: (len(later[n]), n)):
        for function in tree.facts.functions(name):
            for assignment in function.assignments:
                if assignment.through_pointer and assignment.member in ("x0", "r0"):
                    return function.name, assignment.line, function.path
            for call in function.calls:
                if call.callee == "set_user_reg" and len(call.args) > 1 and call.args[1] == "0":
                    return function.name, call.line, function.path
    return None


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    tree = arm_tree(view)
    if tree is None:
        return
    callers = tree.facts.callers_of(_CONTINUATION)
    if not callers:
        return
    trapped = tree.non_hypercall_trap()
    for call in callers:
        function = tree.facts.enclosing(call)
        if function is None:
            continue
        path = trapped.get(function.name)
        uses, returned = _result_uses(function, call)
        misread = bool(uses) and not returned
        if path is None and not misread:
            continue
        problems = []
        notes: list[Related] = []
        if path is not None:
            problems.append(
                "it is reached from a guest trap that is not a hypercall "
                f"({describe_path(path)}), so the continuation will write the result of the "
                "function it runs into the guest's x0 although the guest made no hypercall"
            )
            writer = _writer(tree)
            if writer is not None:
                name, line, where = writer
                notes.append(
                    related(
                        ctx,
                        f"{name}() writes the continuation's result into the vCPU's registers",
                        where,
                        line,
                        tree.line_text(where, line).strip(),
                    )
                )
        if misread:
            problems.append(
                f"its return value ({call.assigned_to}) only says whether the continuation was "
                "scheduled, yet it is tested or printed as if it were the result of the "
                "scheduled function, which has not run yet"
            )
            for line in uses:
                notes.append(
                    related(
                        ctx,
                        f"{call.assigned_to} read here as the scheduled function's result",
                        function.path,
                        line,
                        tree.line_text(function.path, line).strip(),
                    )
                )
        fix = (
            "run the work with a tasklet on that pCPU (tasklet_schedule_on_cpu()) and report "
            "its result from there"
            if path is not None
            else "return the continuation's value to the hypercall's caller instead"
        )
        yield ctx.finding(
            RULE,
            f"{function.name}() calls {_CONTINUATION}(): " + "; and ".join(problems) + f"; {fix}.",
            path=call.path,
            target_line=call.line,
            excerpt=tree.line_text(call.path, call.line).strip(),
            related=notes,
            key=f"{function.name}:{' '.join(call.text.split())}",
        )
