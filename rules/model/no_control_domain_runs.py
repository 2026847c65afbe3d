"""No control domain able to run while the host is up.

**What it flags**
The patch from which the suspend model reaches a state, with no host
suspend in progress, where every control domain is suspended or paused.
Typically the hardware domain (also the control domain) suspends, the host
comes back or never goes down, and nothing resumes the hardware domain.

**Why it matters for Xen**
The control domain runs the toolstack: ``xl resume``, ``xl unpause``,
watchdog and console handling all need it.  With no control domain
running and no host suspend to bring it back, the suspended domains stay
suspended forever and the machine looks dead while Xen is still running.

**Example**
    /* after the host resumes */
    thaw_domains();      /* Dom0 stays parked in SHUTDOWN_suspend */

**Suggested fix**
Resume the domain that started the host suspend (at least the control
domain) on every way out of the host suspend, and do not let the last
control domain park itself without a host suspend following.

**References**
The later versions of the Arm suspend series (only the last awake control
domain may trigger the host suspend, and it is resumed afterwards); Xen's
toolstack (``xl resume``) model of suspended domains.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, Status, TreeView
from xenreview.rules.lib_model import model_findings

RULE = Rule(
    code="MOD006",
    name="no-control-domain-runs",
    family="model",
    scope=Scope.MODEL,
    severity=Severity.ERROR,
    status=Status.STABLE,
    needs_tree=True,
)

# The property of the suspend model (xenreview.model.suspend.PROPERTIES) this rule reports.
PROPERTY = "control-domain-can-run"

MESSAGE = (
    "From this patch on, the suspend model reaches a state outside any host suspend where no "
    "control domain can run, so nobody is left to resume the others (trace below); make sure "
    "the control domain, with its toolstack, runs again whenever the host is not suspending."
)


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    yield from model_findings(RULE, PROPERTY, view, ctx, MESSAGE)
