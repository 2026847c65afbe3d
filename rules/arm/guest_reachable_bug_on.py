"""A host crash (``BUG_ON``, ``BUG``, ``panic``, ``ASSERT``) on a condition a guest drives.

**What it flags**
A ``BUG_ON()``/``ASSERT()`` whose condition, or a ``BUG()``/``panic()``
whose enclosing condition, reads a value the guest chose, in a function a
guest entry point reaches (hypercall, HVC/SMC trap, virtual PSCI, MMIO
emulation).  Guest values are followed from their source (the guest's
general purpose registers, ``PSCI_ARG()``, a hypercall's arguments, an MMIO
access, memory copied with ``copy_from_guest()``) through assignments,
macros and the arguments of direct calls; a value that was tested earlier
in the function by a test that leaves it (``if ( x >= N ) return
-EINVAL;``), or by a condition around the crash, counts as validated.
Conditions on Xen's own state (``system_state``, locks, counters) are not
flagged even on a guest's path: whether a guest can reach them in a bad
state is a question of ordering that this rule cannot answer, and flagging
every assertion on such paths would bury the real finding.  For the same
reason the results of lookups (``domain_vcpu()``, ``rcu_lock_domain_by_id()``)
are not guest values: the lookup validates.

**Why it matters for Xen**
A guest that can make Xen hit ``BUG_ON()`` or ``panic()`` takes the whole
host down with every other domain: a denial of service that the Xen
security team handles as an XSA.  ``ASSERT()`` only fires in debug builds,
but a guest-triggerable one still marks missing input validation, and
debug builds run in CI and development.

**Example**
    static int32_t do_psci_0_2_affinity_info(register_t target_affinity,
                                             uint32_t lowest_affinity_level)
    {
        BUG_ON(lowest_affinity_level > 3);  /* x2 of the guest */

**Suggested fix**
Validate the guest's input and fail the request (``return
PSCI_INVALID_PARAMETERS``, ``-EINVAL``), or crash only the offending
domain with ``domain_crash()``; keep ``BUG_ON()``/``ASSERT()`` for Xen's own
invariants.

**References**
Xen's security process (``docs/process``: issues a guest can trigger are
handled as security advisories); the long line of XSAs about
guest-triggerable ``BUG_ON``/``ASSERT``; reviewers' habit of asking
"can a guest reach this?" for every new ``BUG_ON``.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, TreeView
from xenreview.rules.lib_arm import arm_tree, describe_path, guard_texts, root_names

RULE = Rule(
    code="ARM003",
    name="guest-reachable-bug-on",
    family="arm",
    scope=Scope.TREE,
    severity=Severity.ERROR,
    needs_tree=True,
)

_ON_CONDITION = ("BUG_ON", "ASSERT")
_ALWAYS = ("BUG", "panic")


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
            for call in function.calls:
                guards = guard_texts(call.guards)
                if call.callee in _ON_CONDITION and call.args:
                    conditions: tuple[str, ...] = (call.args[0],)
                    tested: tuple[str, ...] = guards
                elif call.callee in _ALWAYS:
                    conditions = guards
                    tested = ()
                else:
                    continue
                hit = None
                for condition in conditions:
                    found = taint.tainted_in(function, condition)
                    if found is None:
                        continue
                    names = [n for n in root_names(condition) if n in taint.variables(function)]
                    if names and all(tree.validated(function, n, call.line, tested) for n in names):
                        continue
                    hit = (condition, found)
                    break
                if hit is None:
                    continue
                condition, (what, origin) = hit
                crash = "crashes the host" if call.callee != "ASSERT" else "fails an assertion"
                yield ctx.finding(
                    RULE,
                    f"{call.callee}() in {function.name}() {crash} on '{condition}', which "
                    f"depends on {what} ({origin}) and a guest reaches it through "
                    f"{describe_path(reach[name])}: a guest must not be able to bring Xen "
                    "down, so validate the value and fail the request (or crash only the "
                    "domain) instead.",
                    path=call.path,
                    target_line=call.line,
                    excerpt=tree.line_text(call.path, call.line).strip(),
                    key=f"{function.name}:{' '.join(call.text.split())}",
                )
