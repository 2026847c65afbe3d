"""An array indexed by a guest-chosen value that was never bounds-checked.

**What it flags**
In code a guest reaches, a subscript ``a[i]`` (in an assignment or a call's
arguments) whose index reads a value the guest chose (followed as in
``guest-reachable-bug-on``) when nothing tested that value before: no
condition around the statement mentions it, and no earlier test in the
function that leaves it (``if ( i >= ARRAY_SIZE(a) ) return -EINVAL;``)
does.  An index clamped with ``array_index_nospec()`` counts as checked.

**Why it matters for Xen**
An index straight from a guest reads or writes past the end of a Xen array:
memory disclosure, corruption of Xen's data, a host crash, often all three.
Such bugs are the bread and butter of hypervisor security advisories.

**Example**
    case PSCI_1_0_FN32_PSCI_FEATURES:
        ...
        return psci_feature_table[PSCI_ARG32(regs, 1)];

**Suggested fix**
Compare the index with the array's size first and fail the request when it
is out of range, then clamp it with ``array_index_nospec()`` so that the
processor does not read out of bounds speculatively either.

**References**
``xen/include/xen/nospec.h`` (``array_index_nospec()``, used across Xen
for guest-controlled indices since the speculative execution advisories);
MISRA C:2012 Rule 18.1 (a pointer resulting from arithmetic shall address
an element of the same array); XSA history of unchecked guest indices.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xenreview.code.model import Function
from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, TreeView
from xenreview.rules.lib_arm import (
    ArmTree,
    Taint,
    arm_tree,
    describe_path,
    guard_texts,
    root_names,
)

RULE = Rule(
    code="ARM018",
    name="unchecked-guest-index",
    family="arm",
    scope=Scope.TREE,
    severity=Severity.ERROR,
    needs_tree=True,
)

_SUBSCRIPT = re.compile(r"([A-Za-z_][\w.>\-]*)\s*\[")


def _subscripts(text: str) -> Iterator[tuple[str, str]]:
    """``(array, index)`` of every subscript of ``text``."""
    for match in _SUBSCRIPT.finditer(text):
        depth = 0
        start = match.end()
        for pos in range(match.end() - 1, len(text)):
            if text[pos] == "[":
                depth += 1
            elif text[pos] == "]":
                depth -= 1
                if depth == 0:
                    yield match.group(1), text[start:pos]
                    break


def _unchecked(
    tree: ArmTree, taint: Taint, function: Function, index: str, line: int, guards: tuple[str, ...]
) -> tuple[str, str] | None:
    if "array_index_nospec" in index or "array_access_nospec" in index:
        return None
    found = taint.tainted_in(function, index)
    if found is None:
        return None
    names = [n for n in root_names(index) if n in taint.variables(function)]
    if names and all(tree.validated(function, n, line, guards) for n in names):
        return None
    if not names and tree.validated(function, index.strip(), line, guards):
        return None
    return found


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    tree = arm_tree(view)
    if tree is None:
        return
    reach = tree.guest_any()
    taint = tree.taint()
    for name in sorted(reach):
        for function in tree.facts.functions(name):
            if not taint.variables(function) and not taint.registers(function):
                continue
            places: list[tuple[int, str, tuple[str, ...]]] = []
            for assignment in function.assignments:
                texts = f"{assignment.target} = {assignment.value or ''}"
                places.append((assignment.line, texts, guard_texts(assignment.guards)))
            for call in function.calls:
                for argument in call.args:
                    places.append((call.line, argument, guard_texts(call.guards)))
            seen: set[tuple[int, str]] = set()
            for line, text, guards in places:
                for array, index in _subscripts(text):
                    if (line, index) in seen:
                        continue
                    found = _unchecked(tree, taint, function, index, line, guards)
                    if found is None:
                        continue
                    seen.add((line, index))
                    yield ctx.finding(
                        RULE,
                        f"{function.name}() indexes {array} with '{index}', which comes from "
                        f"{found[1]}, without checking it against the array's size first, on "
                        f"a path a guest reaches ({describe_path(reach[name])}); test the "
                        "bound and fail the request, then clamp with array_index_nospec().",
                        path=function.path,
                        target_line=line,
                        excerpt=tree.line_text(function.path, line).strip(),
                        key=f"{function.name}:{array}[{' '.join(index.split())}]",
                    )
