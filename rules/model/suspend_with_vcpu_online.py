"""A domain parked by SYSTEM_SUSPEND while another of its vCPUs is online.

**What it flags**
The patch from which the suspend model, with a sibling vCPU that the guest
or the toolstack may bring online at any time, parks a domain with that
vCPU online: the check that every other vCPU is offline and the parking
are not done under one lock, so ``CPU_ON`` or ``xl vcpu-set`` slips in
between.

**Why it matters for Xen**
PSCI ``SYSTEM_SUSPEND`` is only valid from the last online CPU.  A vCPU
that comes online after the check runs on while the domain is supposed to
be suspended, and is lost or resumed with a stale context.

**Example**
    for_each_vcpu ( d, v )
        if ( v != curr && !test_bit(_VPF_down, &v->pause_flags) )
            return PSCI_DENIED;
    /* no lock: a CPU_ON may come here */
    domain_shutdown(d, SHUTDOWN_suspend);

**Suggested fix**
Take ``domain_lock(d)`` before the check and release it after the domain
is parked, as virtual PSCI ``CPU_ON`` takes it too.

**References**
The Arm PSCI specification (``SYSTEM_SUSPEND`` from the last online CPU);
Xen's virtual PSCI (``do_psci_0_2_cpu_on()`` under the domain lock); the
xen-devel reviews of the Arm suspend series.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, Status, TreeView
from xenreview.rules.lib_model import model_findings

RULE = Rule(
    code="MOD012",
    name="suspend-with-vcpu-online",
    family="model",
    scope=Scope.MODEL,
    severity=Severity.ERROR,
    status=Status.STABLE,
    needs_tree=True,
)

# The property of the suspend model (xenreview.model.suspend.PROPERTIES) this rule reports.
PROPERTY = "suspend-vcpus-offline"

MESSAGE = (
    "From this patch on, the suspend model finds a domain parked by SYSTEM_SUSPEND with "
    "another of its vCPUs online, brought up between the check that they are offline and the "
    "parking (trace below); make the check and the parking one step under the domain lock."
)


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    yield from model_findings(RULE, PROPERTY, view, ctx, MESSAGE)
