"""A wake-up interrupt that does not bring the suspended host back.

**What it flags**
The patch from which the suspend model, with the guests' wake-up
interrupts routed to pCPU 1, finds one raised while the host sleeps that
is lost: pCPU 1 is down and nothing moved its interrupts.  In preview, for
the same reason as wake-irq-on-offline-pcpu: the outcome on real hardware
depends on the platform.

**Why it matters for Xen**
The point of suspend to RAM on an embedded Arm board is to wake on a
device: a button, a network packet, a timer in a peripheral.  A lost wake
interrupt means the board never wakes up for it.

**Example**
    status = disable_nonboot_cpus();    /* pCPU 1 down, its SPIs stay */
    ...
    call_psci_system_suspend(__pa(hyp_resume));

**Suggested fix**
Move the interrupts of every pCPU going down to pCPU 0 before the firmware
call, and restore their routing on resume.

**References**
The GIC architecture (SPI routing); the Arm PSCI specification (wake-up
from ``SYSTEM_SUSPEND``); the xen-devel reviews of the Arm suspend series.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, Status, TreeView
from xenreview.rules.lib_model import model_findings

RULE = Rule(
    code="MOD011",
    name="wake-irq-lost",
    family="model",
    scope=Scope.MODEL,
    severity=Severity.WARNING,
    status=Status.PREVIEW,
    needs_tree=True,
)

# The property of the suspend model (xenreview.model.suspend.PROPERTIES) this rule reports.
PROPERTY = "wake-resumes-host"

MESSAGE = (
    "From this patch on, the suspend model finds a wake-up interrupt raised while the host is "
    "suspended that does not bring it back, because it is routed to an offline pCPU (trace "
    "below, interrupts routed to pCPU 1); move interrupts off the pCPUs taken down, or route "
    "wake-up interrupts to pCPU 0."
)


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    yield from model_findings(RULE, PROPERTY, view, ctx, MESSAGE)
