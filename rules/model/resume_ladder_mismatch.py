"""A resume path or error ladder that does not undo exactly the completed steps.

**What it flags**
The patch from which the suspend model finds that, after the firmware call
returns or after a step fails, the host suspend undoes something that was
not done, undoes the steps out of order or twice, or returns with a step
still in effect (domains frozen, the scheduler off, pCPUs down...).  Each
failable step is failed in turn, so every error label is exercised.

**Why it matters for Xen**
Xen's host suspend is a stack: non-boot pCPUs down, timer off, IOMMU,
console and GIC saved, interrupts off.  Undoing out of order restores a
device while another it depends on is still down; an undo missing from an
error path leaves Xen with the scheduler disabled or pCPUs offline after a
failed suspend, which looks like a hang.

**Example**
    status = iommu_suspend();
    if ( status )
        goto resume_nonboot_cpus;    /* skips time_resume() */

**Suggested fix**
Give each step a label in reverse order at the end of the function, undo
the step at its label, and jump from each failure to the label of the
previous step, so that the success path and every error path share one
ladder.

**References**
Xen's error handling pattern (a ladder of ``goto`` labels undoing in
reverse order), as in ``enter_state()`` on x86; CODING_STYLE's guidance on
error paths; the xen-devel reviews of the Arm suspend series.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, Status, TreeView
from xenreview.rules.lib_model import model_findings

RULE = Rule(
    code="MOD004",
    name="resume-ladder-mismatch",
    family="model",
    scope=Scope.MODEL,
    severity=Severity.ERROR,
    status=Status.STABLE,
    needs_tree=True,
)

# The property of the suspend model (xenreview.model.suspend.PROPERTIES) this rule reports.
PROPERTY = "resume-undoes-completed-steps"

MESSAGE = (
    "From this patch on, the suspend model finds a way back from the host suspend that does "
    "not undo exactly the completed steps in reverse order (one left undone, undone twice or "
    "out of order, or never done; trace below); make the resume path and every error label "
    "undo the steps done so far, last done first undone."
)


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    yield from model_findings(RULE, PROPERTY, view, ctx, MESSAGE)
