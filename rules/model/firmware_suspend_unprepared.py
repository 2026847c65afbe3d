"""The firmware's SYSTEM_SUSPEND called before the host is ready for it.

**What it flags**
The patch from which the suspend model reaches the call of the firmware's
PSCI ``SYSTEM_SUSPEND`` in a state that breaks one of its preconditions:
not on pCPU 0, other pCPUs still online, interrupts on, a domain not
frozen, a device (timer, IOMMU, console, GIC) not saved, or the resume
context not prepared.  Failures are injected at every step that can fail,
so a failure whose error path is missing (execution goes on) is found too.

**Why it matters for Xen**
PSCI requires the calling CPU to be the last one powered; an interrupt
taken between saving the GIC and the call is lost or corrupts the saved
state; a device not saved comes back with reset registers; a missing
resume context leaves the firmware nowhere to return to.  Any of these
turns a suspend into a hang or a corrupted resume that is very hard to
debug on real hardware.

**Example**
    status = gic_suspend();
    /* no check of status: the firmware is called anyway */
    status = call_psci_system_suspend(__pa(hyp_resume));

**Suggested fix**
Run every preparation step in ``system_suspend()`` before the firmware
call, on pCPU 0, with interrupts off from before the GIC is saved, and
jump into the error ladder as soon as a step fails.

**References**
The Arm PSCI specification (``SYSTEM_SUSPEND`` preconditions); Xen's x86
``enter_state()`` for the order of the preparation steps; the xen-devel
reviews of the Arm suspend series.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, Status, TreeView
from xenreview.rules.lib_model import model_findings

RULE = Rule(
    code="MOD003",
    name="firmware-suspend-unprepared",
    family="model",
    scope=Scope.MODEL,
    severity=Severity.ERROR,
    status=Status.STABLE,
    needs_tree=True,
)

# The property of the suspend model (xenreview.model.suspend.PROPERTIES) this rule reports.
PROPERTY = "firmware-preconditions"

MESSAGE = (
    "From this patch on, the suspend model reaches the firmware's SYSTEM_SUSPEND call without "
    "everything it needs (pCPU 0 alone online and running it, IRQs off, every domain frozen, "
    "devices saved, the resume context prepared), on the success path or after an ignored "
    "failure (trace below); complete every step, and leave through the error path when one "
    "fails, before calling the firmware."
)


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    yield from model_findings(RULE, PROPERTY, view, ctx, MESSAGE)
