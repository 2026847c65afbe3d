"""A guest that can run while the domain holding its PV backends is suspended.

**What it flags**
The patch from which the suspend model, built from the patched tree's own
code, reaches a state where a domain with PV frontends runs while the
domain that holds its backends (and xenstored) is suspended.  The finding
sits on the code behind the decisive step (for instance the wake-up
tasklet that resumes only the domain whose device fired), and lists the
shortest counterexample the model found on the tree after the whole
series, step by step, each step pointing at the code that makes it
possible.  The model's default configuration is used: Dom0 is the
hardware, control and backend domain and runs xenstored, two guests with
PV frontends own wake-up devices, two pCPUs.

**Why it matters for Xen**
A frontend's requests are consumed and answered only by its backend.  When
the host wakes up for a guest's device interrupt and only that guest is
resumed, its block and network requests wait on a ring nobody reads,
xenstore watches never fire, and the guest's I/O hangs; the toolstack that
could fix it lives in the suspended domain.  This is the question a
reviewer asked about the first Arm suspend-to-RAM series: what guarantees
that Dom0 runs before a guest woken by its own device?

**Example**
    static void domain_resume_tasklet(void *data)
    {
        struct domain *d = data;
        ...
        resume_suspended_domain(d);      /* the woken guest only */
    }

**Suggested fix**
Resume the hardware domain (and every domain holding a backend or
xenstored) on the host's resume path while the domains are still frozen,
and when a guest is woken by its own interrupt while they are suspended,
resume them first; or keep every domain frozen and thaw them together, as
x86 does around S3.

**References**
The xen-devel review of the Arm suspend-to-RAM series (2018) and its
re-rolls; Xen's split driver model (frontend in the guest, backend in Dom0
or a driver domain, connected through xenstore and event channels); x86's
``enter_state()``, which freezes and thaws all domains together.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, Status, TreeView
from xenreview.rules.lib_model import model_findings

RULE = Rule(
    code="MOD001",
    name="frontend-runs-without-backend",
    family="model",
    scope=Scope.MODEL,
    severity=Severity.ERROR,
    status=Status.STABLE,
    needs_tree=True,
)

# The property of the suspend model (xenreview.model.suspend.PROPERTIES) this rule reports.
PROPERTY = "backend-before-frontend"

MESSAGE = (
    "From this patch on, the suspend model finds a guest with PV frontends running while the "
    "domain holding its backends and xenstored is still suspended (trace below); resume the "
    "hardware domain, and any driver domain, before any guest can run: on the host's resume "
    "path and when a guest's own interrupt wakes it."
)


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    yield from model_findings(RULE, PROPERTY, view, ctx, MESSAGE)
