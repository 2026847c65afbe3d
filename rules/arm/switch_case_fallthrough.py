"""A ``switch`` arm that falls into the next one without saying so.

**What it flags**
An arm of a ``switch`` with statements of its own that can reach the next
``case``/``default`` label: its last statement is not a ``break``,
``return``, ``goto`` or ``continue`` (an ``if``/``else`` counts when both
branches end that way), nor a call that does not return (``BUG()``,
``panic()``, ``machine_halt()``, ``machine_restart()``), and no
``fallthrough;`` statement or "fall through" comment stands before the
next label.  Labels stacked on the same arm (``case A: case B:``) are one
arm and are fine.

**Why it matters for Xen**
An accidental fall-through runs the next command's code as well: a
hypercall sub-op that does two things, a PSCI call answered twice.  It is
one of the most common slips when a new case is added in the middle of a
dispatcher.  Xen adopted the MISRA rule requiring every non-empty arm to end
with ``break`` and added the ``fallthrough`` pseudo-keyword for the arms
meant to continue.

**Example**
    case SCHEDOP_yield:
        raise_softirq(SCHEDULE_SOFTIRQ);
    case SCHEDOP_block:                 /* yield also blocks */
        vcpu_block();
        break;

**Suggested fix**
End the arm with ``break;`` (or ``return``); if falling through is meant,
write ``fallthrough;`` as the arm's last statement.

**References**
MISRA C:2012 Rule 16.3 (an unconditional ``break`` shall terminate every
switch-clause), accepted by Xen (``docs/misra/rules.rst``) together with the
``fallthrough`` pseudo-keyword of ``xen/include/xen/compiler.h``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from functools import partial

from xenreview.code.model import Branch, Call, Case, Function, Jump, Loop, Step, Switch
from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, TreeView
from xenreview.rules.lib_arm import arm_tree, shared, walk_with_guards

RULE = Rule(
    code="ARM016",
    name="switch-case-fallthrough",
    family="arm",
    scope=Scope.TREE,
    severity=Severity.WARNING,
    needs_tree=True,
)

_NORETURN = (
    "BUG",
    "panic",
    "machine_halt",
    "machine_restart",
    "unreachable",
    "__builtin_unreachable",
)
_FOREVER = re.compile(r"for\s*\(\s*;\s*;\s*\)|while\s*\(\s*(?:1|true)\s*\)")
_ANNOTATION = re.compile(r"\bfallthrough\b|fall[- ]?s?\s*through", re.IGNORECASE)


def _ends(steps: Sequence[Step]) -> bool:
    if not steps:
        return False
    last = steps[-1]
    if isinstance(last, Jump):
        return True
    if isinstance(last, Call):
        return last.callee in _NORETURN
    if isinstance(last, Branch):
        return last.otherwise is not None and _ends(last.then) and _ends(last.otherwise)
    if isinstance(last, Loop):
        return _FOREVER.search(last.header) is not None
    return False


def _fallthroughs(
    function: Function, lines: Callable[[], list[str]]
) -> list[tuple[Switch, Case, Case]]:
    out = []
    for step, _ in walk_with_guards(function.steps):
        if not isinstance(step, Switch):
            continue
        for case, following in zip(step.cases, step.cases[1:], strict=False):
            if not case.body or _ends(case.body):
                continue
            between = "\n".join(lines()[case.line : following.line - 1])
            if not _ANNOTATION.search(between):
                out.append((step, case, following))
    return out


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    tree = arm_tree(view)
    if tree is None:
        return
    for function in tree.facts.all_functions():
        found = shared(
            "switch-case-fallthrough",
            function,
            (),
            partial(_fallthroughs, function, partial(tree.lines, function.path)),
        )
        for step, case, following in found:
            label = ", ".join(case.labels)
            nxt = ", ".join(following.labels)
            yield ctx.finding(
                RULE,
                f"In {function.name}(), the arm for {label} falls through into the one "
                f"for {nxt} without a break: end it with break (or return), or write "
                "fallthrough; if running the next arm is meant.",
                path=function.path,
                target_line=following.line,
                excerpt=tree.line_text(function.path, following.line).strip(),
                key=f"{function.name}:{step.subject}:{label}->{nxt}",
            )
