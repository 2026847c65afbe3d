"""An error ladder that undoes its steps in a different order than it did them.

**What it flags**
In a function with ``goto`` labels (an error ladder), the calls that undo
its steps (``X_resume()`` for ``X_suspend()``, ``enable_X()`` for
``disable_X()``, ``thaw_X()`` for ``freeze_X()``, ``X_restore()`` for
``X_save()``, ``unmap``/``map``, ``unregister``/``register``) when they do
not come in the reverse order of the steps: the finding points at the first
undo that runs before the undo of a step taken after it.  Only pairs whose
two halves the function calls are considered.

**Why it matters for Xen**
Each step usually depends on the ones before it: the GIC state is saved
with interrupts off, the console is quiesced after the IOMMU so that an
IOMMU error still prints.  Undoing in another order brings a device back
while something it relies on is still down, and a ladder out of order is
also one where a ``goto`` from the middle skips or repeats an undo.  In the
host suspend path every error exit jumps into this one ladder, so one
inversion breaks every error path after it.

**Example**
    status = iommu_suspend();
    if ( status )
        goto resume_time;
    status = console_suspend();
    if ( status )
        goto resume_iommu;
    ...
 resume_time:                            /* undone before the IOMMU */
    time_resume();
 resume_iommu:
    iommu_resume();

**Suggested fix**
Order the labels as the mirror image of the steps: the last step taken is
the first undone, and each ``goto`` jumps to the undo of the step before
the one that failed.

**References**
Common Xen practice of ``goto`` error ladders and the usual xen-devel
review of them ("unwind in reverse order"); the Arm suspend series' own
design (resume undoes exactly the completed steps, in reverse).
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, TreeView
from xenreview.rules.lib_arm import arm_tree, paired_steps

RULE = Rule(
    code="ARM007",
    name="error-ladder-out-of-order",
    family="arm",
    scope=Scope.TREE,
    severity=Severity.WARNING,
    needs_tree=True,
)


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    tree = arm_tree(view)
    if tree is None:
        return
    for function in tree.facts.all_functions():
        if not function.labels:
            continue
        pairs = paired_steps(function)
        if len(pairs) < 2:
            continue
        first_label = min(label.line for label in function.labels)
        setup: list[str] = []
        for call in function.calls:
            if call.line < first_label and call.callee in pairs and call.callee not in setup:
                setup.append(call.callee)
        if len(setup) < 2:
            continue
        last_setup = max(c.line for c in function.calls if c.callee in setup)
        undoes = {undo: step for step, undo in pairs.items()}
        order: list[tuple[str, int]] = []
        for call in function.calls:
            step = undoes.get(call.callee)
            if call.line > last_setup and step in setup and all(s != step for s, _ in order):
                order.append((step, call.line))
        for index, (step, line) in enumerate(order):
            later = [s for s, _ in order[index + 1 :] if setup.index(s) > setup.index(step)]
            if not later:
                continue
            other = later[0]
            yield ctx.finding(
                RULE,
                f"{function.name}() undoes {step}() with {pairs[step]}() before it undoes "
                f"{other}() with {pairs[other]}(), although {other}() was done after "
                f"{step}(): unwind in the reverse order of the steps so that each undo finds "
                "the state it expects.",
                path=function.path,
                target_line=line,
                excerpt=tree.line_text(function.path, line).strip(),
                key=f"{function.name}:{pairs[step]}:{pairs[other]}",
            )
            break
