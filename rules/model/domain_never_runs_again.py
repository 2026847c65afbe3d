"""A domain that can never run again after the host suspend.

**What it flags**
The patch from which the suspend model reaches a state from which no
continuation lets every domain run again: a domain stays suspended with
nothing able to resume it (no wake-up device of its own, no running
control domain to ``xl resume`` it).

**Why it matters for Xen**
Domains parked by ``SYSTEM_SUSPEND`` come back only when something resumes
them.  If the design relies on a device interrupt the domain does not have,
or on a toolstack that is itself suspended, the domain is lost until the
host reboots.

**Example**
    /* Dom0 parks, the host suspends and resumes ... */
    thaw_domains();      /* Dom0, parked, is not resumed */

**Suggested fix**
Resume the domain that started the host suspend on the way out, and keep a
control domain running to resume the others.

**References**
The later versions of the Arm suspend series (the initiator is resumed,
the toolstack resumes the rest); ``XEN_DOMCTL_resumedomain``.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, Status, TreeView
from xenreview.rules.lib_model import model_findings

RULE = Rule(
    code="MOD010",
    name="domain-never-runs-again",
    family="model",
    scope=Scope.MODEL,
    severity=Severity.WARNING,
    status=Status.STABLE,
    needs_tree=True,
)

# The property of the suspend model (xenreview.model.suspend.PROPERTIES) this rule reports.
PROPERTY = "domains-run-again"

MESSAGE = (
    "From this patch on, the suspend model reaches a state from which some domain can never "
    "run again, whatever happens next (trace below); resume, or let the toolstack resume, "
    "every domain that ran before the host suspend."
)


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    yield from model_findings(RULE, PROPERTY, view, ctx, MESSAGE)
