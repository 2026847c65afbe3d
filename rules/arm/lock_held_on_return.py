"""A function that returns with a lock still held on one path but not the others.

**What it flags**
A ``return`` (or the end of a function) reached with a lock taken in the
same function still held (``spin_lock()``, ``spin_lock_irqsave()``,
``read_lock()``, ``write_lock()``, ``rcu_read_lock()``, ``domain_lock()``,
``pcidevs_lock()`` and the rest of Xen's lock calls), when the same
function releases that lock before another of its exits.  That imbalance
is the signature of an early error return added between a lock and its
unlock.  Functions whose name says they return holding a lock (their name
contains ``lock``, as ``rcu_lock_domain_by_id()``) are left alone, and so
are functions that never release the lock (they hand it to their caller
on purpose).

**Why it matters for Xen**
A spinlock left held deadlocks the next pCPU that takes it, usually far
from the culprit; with ``_irqsave`` variants interrupts also stay off.  A
guest that can choose the failing path can hang the host.  Error paths are
the least tested code in the hypervisor, so reviewers check every early
``return`` between a lock and its unlock.

**Example**
    spin_lock(&d->event_lock);
    if ( v->virq_to_evtchn[virq] != 0 )
        return -EEXIST;                 /* event_lock still held */
    ...
    spin_unlock(&d->event_lock);

**Suggested fix**
Release the lock before returning, or set the error code and ``goto`` a
single exit label that unlocks.

**References**
Xen's ``xen/include/xen/spinlock.h`` and ``rwlock.h`` (every lock call has
its unlock); the common xen-devel review request for a single
unlock-and-return exit (``goto out;``) in functions that take locks.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from xenreview.code.flow import LOCK_PAIRS, unlock_name
from xenreview.code.model import Call, Function
from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, TreeView
from xenreview.rules.lib_arm import Exit, arm_tree, exits_holding, imbalanced, shared

RULE = Rule(
    code="ARM004",
    name="lock-held-on-return",
    family="arm",
    scope=Scope.TREE,
    severity=Severity.ERROR,
    needs_tree=True,
)

_RELEASES = {unlock_name(lock): lock for lock in LOCK_PAIRS}


def _lock_key(call: Call) -> str:
    return "".join(call.args[0].split()).lstrip("&") if call.args else ""


def _acquire(call: Call) -> str | None:
    if call.callee in LOCK_PAIRS:
        return f"{call.callee}:{_lock_key(call)}"
    return None


def _release(call: Call) -> str | None:
    lock = _RELEASES.get(call.callee)
    if lock is not None:
        return f"{lock}:{_lock_key(call)}"
    return None


def _leaks(function: Function) -> list[tuple[Exit, str, Call]]:
    return list(imbalanced(exits_holding(function, _acquire, _release)))


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    tree = arm_tree(view)
    if tree is None:
        return
    for function in tree.facts.all_functions():
        if "lock" in function.name:
            continue
        if not any(c.callee in LOCK_PAIRS for c in function.calls):
            continue
        leaks = shared("lock-held-on-return", function, (), partial(_leaks, function))
        for leaving, _key, lock in leaks:
            name = _lock_key(lock)
            where = "returns" if leaving.jump is not None else "ends"
            text = tree.line_text(function.path, leaving.line).strip()
            yield ctx.finding(
                RULE,
                f"{function.name}() {where} here with {name} still held "
                f"({lock.callee}() at line {lock.line}) although its other exits release "
                f"it: call {unlock_name(lock.callee)}() before this return, or go through "
                "the function's common exit.",
                path=function.path,
                target_line=leaving.line,
                excerpt=text,
                key=f"{function.name}:{name}:{' '.join(text.split())}",
            )
