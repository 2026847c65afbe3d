"""A suspend of the hardware domain that reaches the reboot/halt path.

**What it flags**
A ``domain_shutdown(d, SHUTDOWN_suspend)`` (or any call passing
``SHUTDOWN_suspend`` to the function that ends domains) in a function that
does not exclude the hardware domain before it, when that shutdown function
hands the hardware domain's shutdowns to ``hwdom_shutdown()`` (or
``machine_halt()``/``machine_restart()``) under a condition that does not
look at ``SHUTDOWN_suspend``.  Excluding the hardware domain means an
earlier test that leaves the function for it (``if ( is_hardware_domain(d) )
return PSCI_DENIED;``) or a condition around the call.

**Why it matters for Xen**
For the hardware domain ``domain_shutdown()`` does not park the domain: it
calls ``hwdom_shutdown()``, which reboots or powers off the whole machine.
A suspend request from Dom0 (virtual PSCI ``SYSTEM_SUSPEND``,
``SCHEDOP_shutdown`` with ``SHUTDOWN_suspend``) that goes straight there
reboots the host instead of suspending it, with every guest.

**Example**
    /* the refusal for the hardware domain was dropped */
    if ( domain_shutdown(d, SHUTDOWN_suspend) )
        return PSCI_DENIED;

**Suggested fix**
Keep refusing ``SHUTDOWN_suspend`` for the hardware domain, or teach the
shutdown path that a suspend of the hardware domain parks it like a guest
(``if ( is_hardware_domain(d) && reason != SHUTDOWN_suspend )``) in the
same patch.

**References**
``xen/common/domain.c`` (``domain_shutdown()`` and ``hwdom_shutdown()``);
Xen's guest-only virtual ``SYSTEM_SUSPEND`` (2026) refuses the hardware
domain for this reason; the Arm host suspend reviews.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xenreview.code.model import Call, Function
from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, TreeView
from xenreview.rules.lib_arm import ArmTree, arm_tree, guard_texts, related

RULE = Rule(
    code="ARM014",
    name="hardware-domain-suspend-reboots",
    family="arm",
    scope=Scope.TREE,
    severity=Severity.ERROR,
    needs_tree=True,
)

_HOST_ENDS = re.compile(r"hwdom_shutdown|^machine_halt$|^machine_restart$")
_HWDOM_TEST = re.compile(r"\bis_hardware_domain\s*\(")


def _reboot_calls(tree: ArmTree, callee: str) -> list[tuple[Function, Call]]:
    """The host-ending calls of ``callee`` taken for the hardware domain whatever the reason."""
    out = []
    for function in tree.facts.functions(callee):
        for call in function.calls:
            if not _HOST_ENDS.search(call.callee):
                continue
            texts = guard_texts(call.guards)
            if any(_HWDOM_TEST.search(t) for t in texts) and not any(
                "SHUTDOWN_suspend" in t for t in texts
            ):
                out.append((function, call))
    return out


def _excludes_hwdom(tree: ArmTree, function: Function, call: Call) -> bool:
    for text in guard_texts(call.guards):
        if re.search(r"!\s*is_hardware_domain\s*\(", text):
            return True
    for line, condition in tree.exit_tests(function):
        if line < call.line and _HWDOM_TEST.search(condition) and "!" not in condition:
            return True
    return False


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    tree = arm_tree(view)
    if tree is None:
        return
    for function in tree.facts.all_functions():
        for call in function.calls:
            if len(call.args) < 2 or not any(a.strip() == "SHUTDOWN_suspend" for a in call.args):
                continue
            reboots = _reboot_calls(tree, call.callee)
            if not reboots or _excludes_hwdom(tree, function, call):
                continue
            inner, reboot = reboots[0]
            yield ctx.finding(
                RULE,
                f"{function.name}() suspends its domain with {call.callee}(..., "
                f"SHUTDOWN_suspend) without excluding the hardware domain, but {inner.name}() "
                f"sends every shutdown of the hardware domain to {reboot.callee}(), which "
                "reboots or halts the host; refuse the suspend for the hardware domain or make "
                "the shutdown path park it.",
                path=call.path,
                target_line=call.line,
                excerpt=tree.line_text(call.path, call.line).strip(),
                related=[
                    related(
                        ctx,
                        f"{inner.name}() ends the host for the hardware domain, whatever the "
                        "reason",
                        reboot.path,
                        reboot.line,
                        tree.line_text(reboot.path, reboot.line).strip(),
                    )
                ],
                key=f"{function.name}:{' '.join(call.text.split())}",
            )
