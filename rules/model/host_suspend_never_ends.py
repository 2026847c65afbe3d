"""A host suspend attempt that can never finish.

**What it flags**
The patch from which the suspend model reaches, during a host suspend, a
state from which the sequence can no longer get back to a running host:
the firmware sleep with no wake-up interrupt able to end it, a step
waiting forever, or an error path that leaves the sequence stuck.  It is
checked in the default configuration, with a failure injected at every
failable step, and with the guests' wake-up interrupts routed to pCPU 1;
in the model's current vocabulary only that last configuration can make
it fail (the wake-up interrupt of a pCPU taken down is lost), which is why
the rule is in preview, like wake-irq-lost.

**Why it matters for Xen**
A suspend that cannot complete or abort leaves the machine with pCPUs
down, the scheduler disabled and every domain frozen: from the outside it
is a hang, and nothing in Xen can recover from it.

**Example**
    status = disable_nonboot_cpus();
    if ( status )
        return status;       /* the scheduler stays disabled */

**Suggested fix**
Make every failure of the host suspend leave through the error ladder and
make sure at least one wake-up source reaches pCPU 0 before the firmware
call.

**References**
The Arm PSCI specification (``SYSTEM_SUSPEND`` returns only on failure, or
at the entry point on wake-up); Xen's error ladders; the xen-devel reviews
of the Arm suspend series.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, Status, TreeView
from xenreview.rules.lib_model import model_findings

RULE = Rule(
    code="MOD009",
    name="host-suspend-never-ends",
    family="model",
    scope=Scope.MODEL,
    severity=Severity.WARNING,
    status=Status.PREVIEW,
    needs_tree=True,
)

# The property of the suspend model (xenreview.model.suspend.PROPERTIES) this rule reports.
PROPERTY = "host-suspend-ends"

MESSAGE = (
    "From this patch on, the suspend model reaches a host suspend attempt that can never end, "
    "neither suspended and resumed nor aborted (trace below); make every path of the host "
    "suspend, including every failure, come back to the running state, and make sure a "
    "wake-up interrupt can reach pCPU 0 while the host sleeps."
)


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    yield from model_findings(RULE, PROPERTY, view, ctx, MESSAGE)
