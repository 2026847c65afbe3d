"""A wake-up interrupt routed to a pCPU that is offline while the host sleeps.

**What it flags**
The patch from which the suspend model, with the guests' wake-up
interrupts routed to pCPU 1 (as happens when they were routed while
running there), reaches the host asleep with pCPU 1 taken down by
``disable_nonboot_cpus()`` and the interrupts still routed to it: nothing
on the CPU-down path moves interrupts to another pCPU.  In preview: whether
such an interrupt still wakes the host depends on the platform's power
controller.

**Why it matters for Xen**
A wake-up interrupt targeting a powered-down CPU may not wake the host at
all, or wake it and then stay pending until the CPU comes back; either
way the device that was meant to wake the guest does not, and the host
sleeps until another source fires.

**Example**
    gic_hw_ops->route_irq(irq, smp_processor_id(), priority);
    ...
    status = disable_nonboot_cpus();    /* their SPIs stay routed to them */

**Suggested fix**
Move the SPIs routed to a pCPU to pCPU 0 when it goes down (a CPU_DYING
notifier, or in ``disable_nonboot_cpus()``), and route them back when it
comes up.

**References**
The GIC architecture (SPI targets and the distributor); Xen/Arm's interrupt
affinity handling (``irq_set_affinity()``); the xen-devel reviews of the
Arm suspend series.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, Status, TreeView
from xenreview.rules.lib_model import model_findings

RULE = Rule(
    code="MOD007",
    name="wake-irq-on-offline-pcpu",
    family="model",
    scope=Scope.MODEL,
    severity=Severity.WARNING,
    status=Status.PREVIEW,
    needs_tree=True,
)

# The property of the suspend model (xenreview.model.suspend.PROPERTIES) this rule reports.
PROPERTY = "wake-targets-online-pcpu"

MESSAGE = (
    "From this patch on, the suspend model finds a guest's wake-up interrupt routed to a pCPU "
    "that is offline while the host is suspended, because nothing moves interrupts off the "
    "pCPUs taken down (trace below, interrupts routed to pCPU 1); move the interrupts of a "
    "pCPU going down to pCPU 0, or route wake-up interrupts to pCPU 0."
)


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    yield from model_findings(RULE, PROPERTY, view, ctx, MESSAGE)
