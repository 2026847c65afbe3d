"""The host suspend's result written over a suspended domain's resume registers.

**What it flags**
The patch from which the suspend model finds that a domain's registers are
written by something other than its own PSCI handler: the host suspend is
started with ``continue_hypercall_on_cpu()`` from the domain's virtual PSCI
``SYSTEM_SUSPEND``, and when the continuation ends its return value goes
into the calling vCPU's ``x0``.  The trace shows the domain suspending, the
host suspend running on pCPU 0 and the write.

**Why it matters for Xen**
``SYSTEM_SUSPEND`` is a PSCI call, trapped as an SMC or HVC, not a
hypercall.  Its handler already wrote the resume context: the entry point,
and the context id the guest passed, in ``x0``.  A hypercall continuation
stores its result in ``x0`` when it completes, so the domain resumes with
the continuation's status instead of its context id, and the status shown
is the scheduling's, not the suspend's.

**Example**
    if ( is_hardware_domain(d) )
        status = continue_hypercall_on_cpu(0, system_suspend, NULL);

**Suggested fix**
Schedule the host suspend in a tasklet bound to pCPU 0
(``tasklet_schedule_on_cpu(&t, 0)``): nothing is written back into the
caller's registers, and the PSCI handler's own result stays the only one.

**References**
The xen-devel reviews of the Arm suspend series (the move from a
hypercall continuation to a tasklet in later versions); the Arm PSCI
specification, which gives ``SYSTEM_SUSPEND`` a context id returned in
``x0`` on resume; Xen's ``continue_hypercall_on_cpu()``.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, Status, TreeView
from xenreview.rules.lib_model import model_findings

RULE = Rule(
    code="MOD002",
    name="continuation-writes-guest-registers",
    family="model",
    scope=Scope.MODEL,
    severity=Severity.ERROR,
    status=Status.STABLE,
    needs_tree=True,
)

# The property of the suspend model (xenreview.model.suspend.PROPERTIES) this rule reports.
PROPERTY = "registers-written-by-own-handler"

MESSAGE = (
    "From this patch on, the suspend model finds the host suspend's result written into the "
    "registers of the domain that asked for it, over the context id its PSCI SYSTEM_SUSPEND "
    "handler put in x0 (trace below); run the host suspend from a tasklet on pCPU 0 rather "
    "than as a hypercall continuation, so that only the domain's own PSCI handler writes its "
    "registers."
)


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    yield from model_findings(RULE, PROPERTY, view, ctx, MESSAGE)
