"""An allocation whose result is used before it is checked for ``NULL``.

**What it flags**
The result of one of Xen's allocators (``xmalloc()``, ``xzalloc()``, their
``_array``/``_bytes``/``_flex_struct`` forms, ``xvmalloc()``,
``alloc_xenheap_pages()``, ``alloc_domheap_pages()``) kept in a variable or
member that is then dereferenced (``p->x``, ``*p``, ``p[i]``, or given to
``memset()``/``memcpy()``) before any condition tests it, or never tested
at all while being dereferenced.  A result that is returned, or tested
before its first use, is fine.

**Why it matters for Xen**
Xen's allocators return ``NULL`` when the heap is exhausted, which a guest
can often arrange (by ballooning, or by asking Xen to allocate on its
behalf).  A ``NULL`` dereference in the hypervisor is a host crash; at
address zero it may even be a write to guest-controlled memory on some
configurations.

**Example**
    v = xzalloc(struct vcpu);
    v->domain = d;                      /* NULL when the heap is empty */

**Suggested fix**
Test the result right after the allocation and fail the operation
(``if ( v == NULL ) return -ENOMEM;``), undoing what was done before.

**References**
``xen/include/xen/xmalloc.h`` (allocators may fail); MISRA C:2012
Directive 4.1 (run-time failures shall be minimised) and Rule 17.7 (use the
value a function returns); xen-devel reviewers ask for every allocation to
be checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xenreview.code.model import Assignment, Branch, Call
from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, TreeView
from xenreview.rules.lib_arm import ALLOCATORS, arm_tree, mentions, walk_with_guards

RULE = Rule(
    code="ARM006",
    name="unchecked-allocation",
    family="arm",
    scope=Scope.TREE,
    severity=Severity.ERROR,
    needs_tree=True,
)

_BYTE_USERS = ("memset", "memcpy", "memmove", "strlcpy", "copy_from_guest")


def _dereferences(text: str, name: str) -> bool:
    escaped = re.escape(name).replace(r"\ ", r"\s*")
    lead = r"(?<![\w>.])"
    return (
        re.search(lead + escaped + r"\s*(?:->|\[)", text) is not None
        or re.search(r"\*\s*\(?\s*" + escaped + r"(?!\w)", text) is not None
    )


def _earlier(known: tuple[int, str] | None, found: tuple[int, str]) -> tuple[int, str]:
    return found if known is None or found[0] < known[0] else known


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    tree = arm_tree(view)
    if tree is None:
        return
    for allocator in ALLOCATORS:
        for call in tree.facts.callers_of(allocator):
            target = call.assigned_to
            function = tree.facts.enclosing(call)
            if function is None or target is None or call.returned:
                continue
            first_check: int | None = None
            first_use: tuple[int, str] | None = None
            for step, _ in walk_with_guards(function.steps):
                line = step.line if isinstance(step, Branch | Call | Assignment) else 0
                if line <= call.line:
                    continue
                if isinstance(step, Branch):
                    if mentions(step.condition, target):
                        first_check = line if first_check is None else min(first_check, line)
                    elif _dereferences(step.condition, target):
                        first_use = _earlier(first_use, (line, step.condition))
                elif isinstance(step, Call):
                    if step.in_condition and mentions(step.text, target):
                        first_check = line if first_check is None else min(first_check, line)
                    elif any(_dereferences(a, target) for a in step.args) or (
                        step.callee in _BYTE_USERS and step.args and step.args[0].strip() == target
                    ):
                        first_use = _earlier(first_use, (line, step.text))
                elif isinstance(step, Assignment) and (
                    _dereferences(step.target, target)
                    or (step.value is not None and _dereferences(step.value, target))
                ):
                    text = f"{step.target} {step.op} {step.value or ''}".strip()
                    first_use = _earlier(first_use, (line, text))
            if first_use is None:
                continue
            if first_check is not None and first_check <= first_use[0]:
                continue
            line, text = first_use
            yield ctx.finding(
                RULE,
                f"{function.name}() uses {target} from {allocator}() at line {line} "
                f"({' '.join(text.split())}) without checking it for NULL first: allocations "
                f"fail when the heap is exhausted, so test {target} right after the call and "
                "fail with -ENOMEM.",
                path=call.path,
                target_line=call.line,
                excerpt=tree.line_text(call.path, call.line).strip(),
                key=f"{function.name}:{' '.join(call.text.split())}:{target}",
            )
