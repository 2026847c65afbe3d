"""Order, error ladders and locks inside one function (its statement tree).

These helpers answer factual questions about a function's body, each
result pointing at its source (``path:line``):

* :func:`call_order`: every call in source order, each with the branch
  conditions it runs under (``Call.guards``);
* :func:`error_ladder`: Xen's error ladders, the ``goto`` labels of a
  function with the calls under each label and the ``goto``\\ s that jump
  there;
* :func:`locks_held_at` / :func:`is_under_lock`: which locks are held on
  *every* path to a call site, from the lock and unlock calls of the same
  function (``spin_lock(&l)`` ... ``spin_unlock(&l)``; a lock is named by
  its first argument, ``&`` and spaces dropped).  An unlock on a branch that
  then returns or jumps away does not release the lock for the code after
  the branch.  Preprocessor conditionals are taken as always compiled in;
  backward ``goto``\\ s are not followed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from xenreview.code.model import (
    Branch,
    Call,
    Function,
    Jump,
    JumpKind,
    LabelMark,
    Loop,
    Step,
    Switch,
)

__all__ = [
    "LOCK_PAIRS",
    "LadderStep",
    "call_order",
    "error_ladder",
    "is_under_lock",
    "locks_held_at",
    "unlock_name",
    "walk_steps",
]

# Lock calls and the calls that release them (Xen's spinlock.h, rwlock.h,
# rcupdate.h, sched.h names).
LOCK_PAIRS: Mapping[str, str] = {
    "spin_lock": "spin_unlock",
    "spin_lock_irq": "spin_unlock_irq",
    "spin_lock_irqsave": "spin_unlock_irqrestore",
    "spin_lock_recursive": "spin_unlock_recursive",
    "rspin_lock": "rspin_unlock",
    "nrspin_lock": "nrspin_unlock",
    "read_lock": "read_unlock",
    "read_lock_irq": "read_unlock_irq",
    "read_lock_irqsave": "read_unlock_irqrestore",
    "write_lock": "write_unlock",
    "write_lock_irq": "write_unlock_irq",
    "write_lock_irqsave": "write_unlock_irqrestore",
    "rcu_read_lock": "rcu_read_unlock",
    "domain_lock": "domain_unlock",
    "pcidevs_lock": "pcidevs_unlock",
}


def unlock_name(lock: str) -> str:
    """The call that releases ``lock`` (``spin_lock_irqsave`` -> ``spin_unlock_irqrestore``)."""
    known = LOCK_PAIRS.get(lock)
    if known is not None:
        return known
    head, sep, tail = lock.rpartition("lock")
    if not sep:
        return lock + "_unlock"
    return head + "unlock" + tail.replace("irqsave", "irqrestore")


def walk_steps(steps: Sequence[Step]) -> Iterator[Step]:
    """Every step, nested ones included, in order (branches then-before-else)."""
    for step in steps:
        yield step
        if isinstance(step, Branch):
            yield from walk_steps(step.then)
            if step.otherwise is not None:
                yield from walk_steps(step.otherwise)
        elif isinstance(step, Loop):
            yield from walk_steps(step.body)
        elif isinstance(step, Switch):
            for case in step.cases:
                yield from walk_steps(case.body)


def call_order(function: Function) -> tuple[Call, ...]:
    """Every call of ``function`` in source order, with its guards (branch conditions)."""
    return function.calls


@dataclass(frozen=True, slots=True)
class LadderStep:
    """One label of an error ladder.

    ``calls`` are the calls from the label to the next label (the code a
    ``goto label`` runs before falling into the next step), ``gotos`` the
    jumps to it.  ``falls_through``: the step's code reaches the next label
    (it does not end with ``return`` or ``goto``); None when the label is
    not at the top level of the function body.
    """

    label: str
    path: str
    line: int
    function: str
    calls: tuple[Call, ...]
    gotos: tuple[Jump, ...]
    falls_through: bool | None

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


def error_ladder(function: Function) -> tuple[LadderStep, ...]:
    """The labels of ``function`` in order, each with its calls and the gotos to it."""
    if not function.labels:
        return ()
    names = [label.name for label in function.labels]
    calls: dict[str, list[Call]] = {name: [] for name in names}
    current: str | None = None
    for step in walk_steps(function.steps):
        if isinstance(step, LabelMark):
            current = step.name
        elif isinstance(step, Call) and current is not None:
            calls[current].append(step)
    top_level = [s.name for s in function.steps if isinstance(s, LabelMark)]
    falls: dict[str, bool] = {}
    last_label: str | None = None
    last_step: Step | None = None
    for step in function.steps:
        if isinstance(step, LabelMark):
            if last_label is not None:
                falls[last_label] = not _ends_flow(last_step)
            last_label = step.name
            last_step = None
        else:
            last_step = step
    if last_label is not None:
        falls[last_label] = not _ends_flow(last_step)
    out: list[LadderStep] = []
    for label in function.labels:
        out.append(
            LadderStep(
                label=label.name,
                path=function.path,
                line=label.line,
                function=function.name,
                calls=tuple(calls[label.name]),
                gotos=tuple(g for g in function.gotos if g.target == label.name),
                falls_through=falls.get(label.name) if label.name in top_level else None,
            )
        )
    return tuple(out)


def _ends_flow(step: Step | None) -> bool:
    return isinstance(step, Jump) and step.kind in (JumpKind.RETURN, JumpKind.GOTO)


# -- locks ---------------------------------------------------------------------

_Held = tuple[tuple[tuple[str, str], Call], ...]  # ((lock call, lock name), the lock call)


def _lock_key(call: Call) -> str:
    return "".join(call.args[0].split()).lstrip("&") if call.args else ""


def _meet(*states: _Held | None) -> _Held | None:
    """What every one of ``states`` holds (None: no path)."""
    live = [s for s in states if s is not None]
    if not live:
        return None
    first = live[0]
    common = set.intersection(*({key for key, _ in s} for s in live))
    return tuple(item for item in first if item[0] in common)


S = TypeVar("S")


@dataclass(slots=True)
class Flow(Generic[S]):
    """What reaches the end of a block: falling through, breaking, continuing."""

    fall: S | None
    breaks: list[S] = field(default_factory=list)
    continues: list[S] = field(default_factory=list)


class FlowWalk(Generic[S]):
    """A forward data-flow walk over a function's statement tree.

    Forward ``goto``s join the state at their label, loops are walked once,
    ``switch`` cases fall through.  A subclass says how states join (``join``:
    intersection for "on every path", union for "on some path") and what a
    call does to the state; optionally what a branch's then-part starts from,
    what a ``return`` does, and what to do with unreachable code.
    """

    def __init__(self) -> None:
        self.labels: dict[str, list[S]] = {}

    def join(self, *states: S | None) -> S | None:
        raise NotImplementedError

    def call(self, call: Call, state: S) -> S:
        return state

    def then_state(self, branch: Branch, state: S) -> S:
        return state

    def leave(self, jump: Jump, state: S) -> None:
        """A ``return`` (or a ``goto`` without a known label) with ``state``."""

    def dead(self, step: Step) -> None:
        """``step`` is after a jump and before any label: nothing is known there."""

    def run(self, steps: Sequence[Step], state: S | None) -> Flow[S]:
        flow: Flow[S] = Flow(fall=state)
        for step in steps:
            if isinstance(step, LabelMark):
                flow.fall = self.join(flow.fall, *self.labels.get(step.name, []))
                continue
            if flow.fall is None:
                self.dead(step)
                continue
            held = flow.fall
            if isinstance(step, Call):
                flow.fall = self.call(step, held)
            elif isinstance(step, Branch):
                then = self.run(step.then, self.then_state(step, held))
                other = self.run(step.otherwise or (), held)
                flow.fall = self.join(then.fall, other.fall)
                flow.breaks += then.breaks + other.breaks
                flow.continues += then.continues + other.continues
            elif isinstance(step, Loop):
                body = self.run(step.body, held)
                flow.fall = self.join(held, body.fall, *body.breaks, *body.continues)
            elif isinstance(step, Switch):
                flow.fall = self._switch(step, held, flow)
            elif isinstance(step, Jump):
                if step.kind is JumpKind.GOTO and step.target is not None:
                    self.labels.setdefault(step.target, []).append(held)
                elif step.kind is JumpKind.BREAK:
                    flow.breaks.append(held)
                elif step.kind is JumpKind.CONTINUE:
                    flow.continues.append(held)
                else:
                    self.leave(step, held)
                flow.fall = None
        return flow

    def _switch(self, step: Switch, held: S, outer: Flow[S]) -> S | None:
        previous: S | None = None
        exits: list[S | None] = []
        has_default = False
        for case in step.cases:
            has_default = has_default or "default" in case.labels
            start = held if previous is None else self.join(held, previous)
            result = self.run(case.body, start)
            previous = result.fall
            exits.extend(result.breaks)
            outer.continues += result.continues
        exits.append(previous)
        if not has_default:
            exits.append(held)
        return self.join(*exits)


class _LockWalk(FlowWalk[_Held]):
    """Must-hold analysis: the locks held on every path to ``target``."""

    def __init__(self, pairs: Mapping[str, str], target: Call) -> None:
        super().__init__()
        self.acquire = dict(pairs)
        self.release = {unlock: lock for lock, unlock in pairs.items()}
        self.target = (target.line, target.column)
        self.found: _Held | None = None
        self.seen = False

    def join(self, *states: _Held | None) -> _Held | None:
        return _meet(*states)

    def call(self, call: Call, held: _Held) -> _Held:
        if (call.line, call.column) == self.target:
            self.found = held if not self.seen else _meet(self.found, held)
            self.seen = True
        if call.callee in self.acquire:
            return (*held, ((call.callee, _lock_key(call)), call))
        lock = self.release.get(call.callee)
        if lock is not None:
            key = (lock, _lock_key(call))
            for index in range(len(held) - 1, -1, -1):
                if held[index][0] == key:
                    return held[:index] + held[index + 1 :]
        return held

    def dead(self, step: Step) -> None:
        for inner in walk_steps([step]):
            if isinstance(inner, Call) and (inner.line, inner.column) == self.target:
                self.seen = True


def locks_held_at(
    function: Function, call: Call, lock_call_names: Sequence[str] | None = None
) -> tuple[Call, ...]:
    """The lock calls held on every path from the start of ``function`` to ``call``."""
    names = LOCK_PAIRS.keys() if lock_call_names is None else lock_call_names
    pairs = {name: unlock_name(name) for name in names}
    walk = _LockWalk(pairs, call)
    walk.run(function.steps, ())
    if walk.found is None:
        return ()
    return tuple(lock for _, lock in walk.found)


def is_under_lock(
    function: Function, call: Call, lock_call_names: Sequence[str] | None = None
) -> bool:
    """Whether ``call`` runs between a lock and its unlock on every path through ``function``."""
    return bool(locks_held_at(function, call, lock_call_names))
