"""A ``switch`` over a value the guest chose, with no ``default`` label.

**What it flags**
A ``switch`` whose subject reads a guest-chosen value (a hypercall's
command, a PSCI/SMCCC function id, a register, data copied from the
guest; see ``guest-reachable-bug-on`` for how they are followed) in code a
guest reaches, when none of its arms is labelled ``default``.

**Why it matters for Xen**
Guests send whatever numbers they like.  Without a ``default`` an unknown
command falls out of the ``switch`` silently: the handler returns whatever
its result variable held (often 0, "success"), or leaves the guest's x0
untouched so that the guest reads its own function id back as the result.
New commands added to the interface later are then half handled.  Every
dispatch on guest input must say what happens to the rest.

**Example**
    switch ( cmd )
    {
    case SCHEDOP_yield:
        ...
        break;
    }                                   /* unknown cmd: ret stays 0 */
    return ret;

**Suggested fix**
Add ``default:`` returning an error (``-ENOSYS``, ``-EOPNOTSUPP``,
``PSCI_NOT_SUPPORTED``) or, for an SMCCC dispatcher, ``return false`` so
that the caller reports an unknown function.

**References**
MISRA C:2012 Rule 16.4 (every ``switch`` statement has a ``default``
label; see Xen's ``docs/misra/`` for the rules the project applies); Xen's
hypercall handlers end their dispatch with ``default: -ENOSYS``, and
reviewers ask the same of every new dispatcher on guest input.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.code.model import Switch
from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, TreeView
from xenreview.rules.lib_arm import arm_tree, describe_path, walk_with_guards

RULE = Rule(
    code="ARM012",
    name="guest-switch-without-default",
    family="arm",
    scope=Scope.TREE,
    severity=Severity.WARNING,
    needs_tree=True,
)


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    tree = arm_tree(view)
    if tree is None:
        return
    reach = tree.guest_any()
    taint = tree.taint()
    for name in sorted(reach):
        for function in tree.facts.functions(name):
            for step, _ in walk_with_guards(function.steps):
                if not isinstance(step, Switch):
                    continue
                if any("default" in case.labels for case in step.cases):
                    continue
                found = taint.tainted_in(function, step.subject)
                if found is None:
                    continue
                what, origin = found
                yield ctx.finding(
                    RULE,
                    f"{function.name}() switches on '{step.subject}', which comes from "
                    f"{origin} ({what}), with no default label: an unknown value falls through "
                    "silently on a path a guest reaches "
                    f"({describe_path(reach[name])}); add a default that fails the request.",
                    path=function.path,
                    target_line=step.line,
                    excerpt=tree.line_text(function.path, step.line).strip(),
                    key=f"{function.name}:switch:{' '.join(step.subject.split())}",
                )
