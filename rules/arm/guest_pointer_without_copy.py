"""A guest-supplied address used as a pointer instead of going through guest copies.

**What it flags**
In code a guest reaches, a value the guest chose (a register, a hypercall
argument, data copied from the guest) cast to a pointer type
(``(struct foo *)PSCI_ARG(regs, 1)``, ``(void *)addr``), or the raw pointer
of a guest handle parameter read directly (``arg.p``).  Guest values are
followed as in ``guest-reachable-bug-on``.

**Why it matters for Xen**
A guest gives addresses in its own address space (guest virtual or guest
physical), not Xen's.  Dereferenced as they are, they read or write
whatever Xen has mapped at that address: the guest picks Xen memory to
disclose or corrupt, the classic privilege escalation.  Xen only touches
guest memory through ``copy_from_guest()``/``copy_to_guest()`` and their
kin, which translate and check every access and fail cleanly on a bad
address.

**Example**
    struct vcpu_guest_context *ctxt = (void *)PSCI_ARG(regs, 2);

    memcpy(&v->arch.ctxt, ctxt, sizeof(*ctxt));

**Suggested fix**
Declare the argument as a guest handle (``XEN_GUEST_HANDLE_PARAM``) and copy
the data in with ``copy_from_guest()`` (checking its result), or, for a
guest physical address, map it with ``map_domain_page()`` after translating
it with the P2M and checking its type.

**References**
``xen/include/xen/guest_access.h`` (the only sanctioned way into guest
memory); XSAs about hypervisors dereferencing guest pointers; Xen's
reviewers insist on guest handles for every pointer crossing the ABI.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xenreview.code.model import Function
from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, TreeView
from xenreview.rules.lib_arm import ArmTree, arm_tree, describe_path

RULE = Rule(
    code="ARM013",
    name="guest-pointer-without-copy",
    family="arm",
    scope=Scope.TREE,
    severity=Severity.ERROR,
    needs_tree=True,
)

_POINTER_CAST = re.compile(
    r"\(\s*(?:(?:const|volatile|struct|union|enum)\s+)*[A-Za-z_]\w*\s*\*+\s*\)\s*"
)


def _operand(text: str, start: int) -> str:
    depth = 0
    for pos in range(start, len(text)):
        char = text[pos]
        if char in "([":
            depth += 1
        elif char in ")]":
            if depth == 0:
                return text[start:pos]
            depth -= 1
        elif char in ",;?:" and depth == 0:
            return text[start:pos]
    return text[start:]


def _texts(tree: ArmTree, function: Function) -> Iterator[tuple[int, str]]:
    for assignment in function.assignments:
        if assignment.value is not None:
            yield assignment.line, assignment.value
    for call in function.calls:
        for argument in call.args:
            yield call.line, argument
    for name, value in tree.local_inits(function).items():
        if not _POINTER_CAST.search(value):
            continue
        lines = tree.lines(function.path)
        declared = re.compile(r"(?<![\w>.])" + re.escape(name) + r"\s*=")
        for number in range(function.body_line, min(function.body_end_line, len(lines)) + 1):
            if declared.search(lines[number - 1]):
                yield number, value
                break


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
            handles = {p.name for p in function.params if p.name and "XEN_GUEST_HANDLE" in p.type}
            seen: set[int] = set()
            for line, text in _texts(tree, function):
                if line in seen:
                    continue
                problem = None
                for match in _POINTER_CAST.finditer(text):
                    operand = _operand(text, match.end()).strip()
                    found = taint.tainted_in(function, operand) if operand else None
                    if found is not None:
                        problem = f"casts {operand}, from {found[1]}, to a pointer"
                        break
                for handle in sorted(handles):
                    if problem is None and re.search(
                        r"(?<![\w>.])" + re.escape(handle) + r"\s*(?:\.|->)\s*p\b", text
                    ):
                        problem = f"reads the raw pointer of the guest handle {handle}"
                if problem is None:
                    continue
                seen.add(line)
                source = tree.line_text(function.path, line).strip()
                yield ctx.finding(
                    RULE,
                    f"{function.name}() {problem} on a path a guest reaches "
                    f"({describe_path(reach[name])}): a guest address is not Xen's, so reach "
                    "the data through a guest handle with copy_from_guest()/copy_to_guest().",
                    path=function.path,
                    target_line=line,
                    excerpt=source,
                    key=f"{function.name}:{' '.join(source.split())}",
                )
