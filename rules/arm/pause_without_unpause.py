"""A function that returns with a domain or vCPU it paused still paused, on one path.

**What it flags**
An exit of a function (a ``return`` or its end) reached with a
``domain_pause()``, ``domain_pause_nosync()``, ``vcpu_pause()``,
``vcpu_pause_nosync()`` or ``domain_pause_by_systemcontroller()`` of the
same target still in force, when the function unpauses that target before
its other exits.  Functions that only pause (and hand the pause to someone
else on purpose, as ``domain_shutdown()`` or ``freeze_domains()`` do) and
helpers whose name says they pause are left alone.

**Why it matters for Xen**
Pauses are counted: one that is not undone leaves the domain (often the
hardware domain, or the guest that made the request) stopped for good, and
no toolstack command can tell why.  When the leaked pause is on the
hardware domain, its backends and xenstored stop with it and every guest
with PV devices hangs.

**Example**
    domain_pause(hardware_domain);
    rc = prepare(d);
    if ( rc )
        return rc;                      /* Dom0 stays paused */
    ...
    domain_unpause(hardware_domain);

**Suggested fix**
Unpause on every exit: set the error code and ``goto`` a common exit that
calls the matching ``domain_unpause()``/``vcpu_unpause()``.

**References**
``xen/common/domain.c`` (``domain_pause()``/``domain_unpause()`` count
pauses); common review practice for pause/unpause balance on error paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from xenreview.code.model import Call, Function
from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, TreeView
from xenreview.rules.lib_arm import Exit, arm_tree, exits_holding, imbalanced, shared

RULE = Rule(
    code="ARM015",
    name="pause-without-unpause",
    family="arm",
    scope=Scope.TREE,
    severity=Severity.ERROR,
    needs_tree=True,
)

_PAUSES = {
    "domain_pause": "domain_unpause",
    "domain_pause_nosync": "domain_unpause",
    "vcpu_pause": "vcpu_unpause",
    "vcpu_pause_nosync": "vcpu_unpause",
    "domain_pause_by_systemcontroller": "domain_unpause_by_systemcontroller",
}
_UNPAUSES = {unpause: pause for pause, unpause in _PAUSES.items()}


def _target(call: Call) -> str:
    return "".join(call.args[0].split()) if call.args else ""


def _acquire(call: Call) -> str | None:
    unpause = _PAUSES.get(call.callee)
    return f"{unpause}:{_target(call)}" if unpause is not None else None


def _release(call: Call) -> str | None:
    return f"{call.callee}:{_target(call)}" if call.callee in _UNPAUSES else None


def _leaks(function: Function) -> list[tuple[Exit, str, Call]]:
    return list(imbalanced(exits_holding(function, _acquire, _release)))


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    tree = arm_tree(view)
    if tree is None:
        return
    for function in tree.facts.all_functions():
        if "pause" in function.name:
            continue
        if not any(c.callee in _PAUSES for c in function.calls):
            continue
        leaks = shared("pause-without-unpause", function, (), partial(_leaks, function))
        for leaving, key, pause in leaks:
            text = tree.line_text(function.path, leaving.line).strip()
            target = _target(pause)
            yield ctx.finding(
                RULE,
                f"{function.name}() can leave here with {target} still paused by "
                f"{pause.callee}() (line {pause.line}) although its other exits call "
                f"{key.split(':', 1)[0]}(): unpause it on this path too.",
                path=function.path,
                target_line=leaving.line,
                excerpt=text,
                key=f"{function.name}:{target}:{' '.join(text.split())}",
            )
