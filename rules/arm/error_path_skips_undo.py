"""An exit that leaves a step done while the function's other exits undo it.

**What it flags**
A ``return`` (or the end of the function) reached, on some path, after a
step whose undo the function calls on its other exits, but not on this
one: ``X_suspend()`` without ``X_resume()``, ``disable_X()`` without
``enable_X()``, ``freeze_X()`` without ``thaw_X()``, ``X_save()`` without
``X_restore()`` (and ``map``/``unmap``, ``register``/``unregister``).
The step that just failed is not expected to be undone: in
``rc = step(); if ( rc ) goto undo_previous;`` the branch does not hold
``step``.  ``goto`` labels are followed, so an error path that enters the
ladder one label too low is caught.

**Why it matters for Xen**
A host suspend that fails half way must give back exactly what it took:
a non-boot pCPU left offline, a scheduler left disabled or domains left
frozen make the host unusable, with nothing in the log to say why.  The
same holds for any setup sequence with an error path; the failing case is
the one nobody tests.

**Example**
    freeze_domains();
    status = disable_nonboot_cpus();
    if ( status )
        return status;                  /* domains stay frozen */
    ...
    thaw_domains();

**Suggested fix**
Jump into the function's error ladder at the label that undoes the last
completed step (``goto thaw;``) instead of returning directly.

**References**
Xen's error handling style (a ``goto`` ladder unwinding in reverse); the
Arm suspend series' rule that every error path enters the ladder at the
matching step; MISRA C:2012 Directive 4.7 (errors returned by a function
shall be tested and handled).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import partial

from xenreview.code.model import Call, Function
from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, TreeView
from xenreview.rules.lib_arm import (
    Exit,
    arm_tree,
    exits_holding,
    imbalanced,
    paired_steps,
    shared,
)

RULE = Rule(
    code="ARM008",
    name="error-path-skips-undo",
    family="arm",
    scope=Scope.TREE,
    severity=Severity.ERROR,
    needs_tree=True,
)


def _taking(pairs: Mapping[str, str]) -> Callable[[Call], str | None]:
    def acquire(call: Call) -> str | None:
        return call.callee if call.callee in pairs else None

    return acquire


def _undoing(undoes: Mapping[str, str]) -> Callable[[Call], str | None]:
    def release(call: Call) -> str | None:
        return undoes.get(call.callee)

    return release


def _leaks(function: Function, pairs: Mapping[str, str]) -> list[tuple[Exit, str, Call]]:
    undoes = {undo: step for step, undo in pairs.items()}
    return list(imbalanced(exits_holding(function, _taking(pairs), _undoing(undoes))))


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    tree = arm_tree(view)
    if tree is None:
        return
    for function in tree.facts.all_functions():
        pairs = paired_steps(function)
        if not pairs:
            continue

        leaks = shared("error-path-skips-undo", function, (), partial(_leaks, function, pairs))
        by_exit: dict[int, list[tuple[str, Call]]] = {}
        for leaving, step, taken in leaks:
            by_exit.setdefault(leaving.line, []).append((step, taken))
        for line, steps in sorted(by_exit.items()):
            text = tree.line_text(function.path, line).strip()
            done = ", ".join(f"{step}() (line {taken.line})" for step, taken in steps)
            undo = ", ".join(f"{pairs[step]}()" for step, _ in steps)
            yield ctx.finding(
                RULE,
                f"{function.name}() can leave here with {done} done but not undone, although "
                f"its other exits call {undo}: go through the error ladder so that this path "
                "undoes it too.",
                path=function.path,
                target_line=line,
                excerpt=text,
                key=f"{function.name}:{'+'.join(s for s, _ in steps)}:{' '.join(text.split())}",
            )
