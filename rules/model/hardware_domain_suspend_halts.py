"""The hardware domain's suspend reaching the reboot or halt path.

**What it flags**
The patch from which the suspend model finds that the hardware domain's
``SYSTEM_SUSPEND`` parks it with ``domain_shutdown(d, SHUTDOWN_suspend)``
while ``domain_shutdown()`` still hands every shutdown of the hardware
domain to ``hwdom_shutdown()``, which reboots or halts the host.

**Why it matters for Xen**
``hwdom_shutdown()`` treats every reason it does not know as a reboot: the
hardware domain asking to suspend would restart the machine instead.
Until the host suspend is implemented, the hardware domain's
``SYSTEM_SUSPEND`` must be refused; once it is, ``SHUTDOWN_suspend`` must
be kept out of ``hwdom_shutdown()``.

**Example**
    if ( is_hardware_domain(d) )
        hwdom_shutdown(reason);      /* SHUTDOWN_suspend too */

**Suggested fix**
Test ``reason != SHUTDOWN_suspend`` before calling ``hwdom_shutdown()``,
in the same change that lets the hardware domain suspend.

**References**
Xen's ``domain_shutdown()`` and ``hwdom_shutdown()`` (common code); the
guest-only virtual ``SYSTEM_SUSPEND`` that refuses the hardware domain for
this reason; the xen-devel reviews of the Arm suspend series.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, Status, TreeView
from xenreview.rules.lib_model import model_findings

RULE = Rule(
    code="MOD005",
    name="hardware-domain-suspend-halts",
    family="model",
    scope=Scope.MODEL,
    severity=Severity.ERROR,
    status=Status.STABLE,
    needs_tree=True,
)

# The property of the suspend model (xenreview.model.suspend.PROPERTIES) this rule reports.
PROPERTY = "hwdom-suspend-never-halts"

MESSAGE = (
    "From this patch on, the suspend model finds the hardware domain's suspend reaching "
    "hwdom_shutdown(), which reboots or halts the machine (trace below); keep "
    "SHUTDOWN_suspend of the hardware domain away from hwdom_shutdown(), or refuse its "
    "SYSTEM_SUSPEND."
)


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    yield from model_findings(RULE, PROPERTY, view, ctx, MESSAGE)
