"""A PV frontend request that can never be served any more.

**What it flags**
The patch from which the suspend model reaches a state from which no
continuation serves a guest's outstanding block request: the guest runs
and sends it, while the domain holding the backend stays suspended and
nothing left running can resume it.  The trace ends at the first such
state.

**Why it matters for Xen**
Linux frontends keep their connection across suspend to RAM and expect
the backend to be there on resume.  A request nobody serves blocks the
guest's I/O for good: file systems stall, watchdogs in the guest fire,
and the guest looks hung to its users.

**Example**
    /* the host resumed for guest1's device; Dom0 holds the backends */
    resume_suspended_domain(d);      /* guest1 runs and sends a request */

**Suggested fix**
Resume the backend domains first, on the host's resume path and when a
guest's own interrupt wakes it; see also frontend-runs-without-backend.

**References**
Xen's split driver model and the blkif/netif ring protocols; the xen-devel
review of the Arm suspend series asking how Dom0 would run before a guest
woken by its device.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, Status, TreeView
from xenreview.rules.lib_model import model_findings

RULE = Rule(
    code="MOD008",
    name="request-never-served",
    family="model",
    scope=Scope.MODEL,
    severity=Severity.ERROR,
    status=Status.STABLE,
    needs_tree=True,
)

# The property of the suspend model (xenreview.model.suspend.PROPERTIES) this rule reports.
PROPERTY = "requests-served"

MESSAGE = (
    "From this patch on, the suspend model reaches a state from which a guest's PV block "
    "request is never served, whatever happens next, because its backend's domain stays "
    "suspended (trace below); resume the domains holding backends and xenstored before their "
    "frontends can run."
)


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    yield from model_findings(RULE, PROPERTY, view, ctx, MESSAGE)
