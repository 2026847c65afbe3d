"""A synchronous pause of the domain (or vCPU) that is running the code.

**What it flags**
``domain_pause()``, ``vcpu_pause()`` or
``domain_pause_by_systemcontroller()`` called on ``current->domain`` or
``current``, directly or through a local variable initialised from them,
unless the call sits under a condition that compares the target with
``current`` (``if ( d != current->domain )``).

**Why it matters for Xen**
The synchronous pauses wait until every vCPU of the target has stopped
running (``vcpu_sleep_sync()``).  Called by the target's own vCPU they wait
for themselves: the pCPU spins forever (a debug build stops earlier on the
``ASSERT()`` at the top of ``domain_pause()``).  A guest reaching such a
path hangs a pCPU of the host.

**Example**
    struct domain *d = current->domain;

    domain_pause(d);

**Suggested fix**
Use the ``_nosync`` variant (``domain_pause_nosync()``,
``vcpu_pause_nosync()``) when the caller may be the target, defer the work
to a tasklet or a continuation that runs outside the domain, or refuse the
request when the target is the caller (``-EINVAL``), as
``XEN_DOMCTL_pausedomain`` does.

**References**
``xen/common/domain.c`` (``domain_pause()`` asserts the target is not the
caller's domain); the domctl and vm_event code in Xen check
``d != current->domain`` before pausing; common review practice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, TreeView
from xenreview.rules.lib_arm import arm_tree, guard_texts

RULE = Rule(
    code="ARM005",
    name="domain-pause-on-current",
    family="arm",
    scope=Scope.TREE,
    severity=Severity.ERROR,
    needs_tree=True,
)

_SYNC_PAUSES = ("domain_pause", "vcpu_pause", "domain_pause_by_systemcontroller")
_CURRENT = re.compile(r"^\(?\s*current\s*(?:->\s*domain\s*)?\)?$")


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    tree = arm_tree(view)
    if tree is None:
        return
    for callee in _SYNC_PAUSES:
        for call in tree.facts.callers_of(callee):
            function = tree.facts.enclosing(call)
            if function is None or not call.args:
                continue
            target = call.args[0].strip()
            origin = target
            if not _CURRENT.match(target):
                if not re.fullmatch(r"[A-Za-z_]\w*", target):
                    continue
                init = tree.local_inits(function).get(target, "")
                reassigned = any(
                    a.target.strip() == target and a.line < call.line for a in function.assignments
                )
                if not _CURRENT.match(init) or reassigned:
                    continue
                origin = f"{target}, which is {init}"
            if any("current" in text for text in guard_texts(call.guards)):
                continue
            yield ctx.finding(
                RULE,
                f"{function.name}() calls {callee}() on {origin}: the pause waits for every "
                "vCPU of its target to stop, including the one running this code, so it never "
                f"returns; use the _nosync variant, defer the work, or refuse when the target "
                "is the caller.",
                path=call.path,
                target_line=call.line,
                excerpt=tree.line_text(call.path, call.line).strip(),
                key=f"{function.name}:{' '.join(call.text.split())}",
            )
