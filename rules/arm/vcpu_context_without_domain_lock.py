"""A vCPU's context replaced without the domain lock held.

**What it flags**
A call to ``arch_set_info_guest()`` or ``_arch_set_info_guest()`` that does
not run between ``domain_lock()`` and ``domain_unlock()`` of the same
function on every path to it.

**Why it matters for Xen**
Replacing a vCPU's whole register and system state races with everything
else that looks at it: a concurrent ``CPU_ON`` for the same vCPU, the
toolstack's ``XEN_DOMCTL_setvcpucontext``, a ``SYSTEM_SUSPEND`` from the
last vCPU checking that its siblings are off.  Xen serialises these under
the domain lock; without it two writers can each install half a context,
and the vCPU resumes with a mixture of both.

**Example**
    ret = vpsci_build_context(d, &ctxt, epoint, cid);
    if ( ret != PSCI_SUCCESS )
        return ret;

    rc = arch_set_info_guest(v, (vcpu_guest_context_u){ .nat = &ctxt });

**Suggested fix**
Take ``domain_lock(d)`` around the check that the vCPU may be changed and
the call that changes it, and release it on every exit.

**References**
``xen/arch/arm/vpsci.c`` (``CPU_ON`` and ``SYSTEM_SUSPEND`` set contexts
under ``domain_lock()``); ``xen/common/domctl.c`` (``setvcpucontext`` does
the same); review practice for the PSCI emulation.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, TreeView
from xenreview.rules.lib_arm import arm_tree

RULE = Rule(
    code="ARM017",
    name="vcpu-context-without-domain-lock",
    family="arm",
    scope=Scope.TREE,
    severity=Severity.ERROR,
    needs_tree=True,
)

_SETTERS = ("arch_set_info_guest", "_arch_set_info_guest")


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    tree = arm_tree(view)
    if tree is None:
        return
    for setter in _SETTERS:
        for call in tree.facts.callers_of(setter):
            function = tree.facts.enclosing(call)
            if function is None or function.name in _SETTERS or "locked" in function.name:
                continue
            if tree.facts.is_under_lock(call, ("domain_lock",)):
                continue
            yield ctx.finding(
                RULE,
                f"{function.name}() replaces a vCPU's context with {setter}() without holding "
                "the domain lock, racing with CPU_ON, SYSTEM_SUSPEND and the toolstack setting "
                "the same vCPU; take domain_lock() around the check and the update.",
                path=call.path,
                target_line=call.line,
                excerpt=tree.line_text(call.path, call.line).strip(),
                key=f"{function.name}:{' '.join(call.text.split())}",
            )
