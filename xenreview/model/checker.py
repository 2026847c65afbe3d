"""A small explicit-state model checker: breadth-first, deterministic, bounded.

Four separate things, as in stateright:

* a :class:`Model` (initial states, enabled actions, next state; plus a fast
  ``successors`` path, a ``canonical`` form for symmetry reduction and
  ``describe`` for traces);
* :class:`Property` records, named, of three kinds: ``always`` (an
  invariant), ``sometimes`` (a state that must be reachable, so that a
  vacuous model is caught; optionally "after" a state of another kind) and
  ``no_stuck`` (from every reachable state some good state is still
  reachable: the check that finds "this request is never served");
* :func:`check`, the breadth-first search with explicit :class:`Bounds`;
* traces: tuples of :class:`~xenreview.model.trace.Step`.

Determinism: states are explored in the order the model lists successors;
the visited map is a dict keyed by the (hashable, usually int) state, whose
iteration order is insertion order; nothing depends on hash order or time,
except that a time bound, when hit, stops the search where it is (the
verdicts then say "unknown").

Shortest traces: breadth-first order means the first state found to break
an invariant is at minimal depth; its parent links give the trace.  With
symmetry reduction the stored states are canonical representatives; traces
are replayed on concrete states (see :func:`_replay`), so guest numbers stay
consistent along a trace.

Deadlocks: a reachable state with no successor that the model does not
accept as final is reported as the pseudo-property ``deadlock-free``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import compress
from typing import Generic, Protocol, TypeVar

from xenreview.model.trace import Step

__all__ = [
    "DEADLOCK",
    "DEFAULT_MAX_STATES",
    "Bounds",
    "CheckResult",
    "Kind",
    "Model",
    "Progress",
    "Property",
    "PropertyResult",
    "Verdict",
    "check",
    "reachable",
]

S = TypeVar("S", bound=Hashable)
A = TypeVar("A")

DEADLOCK = "deadlock-free"


class Model(Protocol[S, A]):
    """What the checker needs from a model.

    ``successors(s)`` must equal ``[next_state(s, a) for a in actions(s)]``
    (the checker uses the former to explore and the latter two to rebuild
    traces).  ``canonical(s)`` maps a state to the representative of its
    symmetry class (identity if the model has no symmetry); every property
    predicate must give the same answer on a state and its representative.
    ``is_final(s)``: a state without successors that is an accepted end
    (not reported as a deadlock).  Optionally, ``describe_state(s) -> str``
    says in words what the last state of a trace is.
    """

    def init_states(self) -> Sequence[S]: ...

    def actions(self, state: S) -> Sequence[A]: ...

    def next_state(self, state: S, action: A) -> S: ...

    def successors(self, state: S) -> Sequence[S]: ...

    def canonical(self, state: S) -> S: ...

    def describe(self, state: S, action: A) -> Step: ...

    def is_final(self, state: S) -> bool: ...


class Kind(StrEnum):
    ALWAYS = "always"
    SOMETIMES = "sometimes"
    NO_STUCK = "no-stuck"


class Verdict(StrEnum):
    HOLDS = "holds"
    VIOLATED = "violated"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Property(Generic[S]):
    """A named property over states.

    ``predicate`` means, by kind: ALWAYS, what must hold in every reachable
    state; SOMETIMES, the state that must be reachable (after a state
    satisfying ``after``, when given); NO_STUCK, the good states, one of
    which must stay reachable from every reachable state.  ``never`` says
    in words what never happens when a NO_STUCK property fails ("the block
    request is never served").  ``flag_mask`` (ALWAYS, int states only):
    when not 0, the predicate is exactly ``state & flag_mask == 0`` and the
    checker tests all such properties with one AND.  ``needs``: the names
    of the facts the verdict depends on (see the suspend model).
    """

    name: str
    kind: Kind
    predicate: Callable[[S], bool]
    description: str = ""
    after: Callable[[S], bool] | None = None
    never: str = ""
    flag_mask: int = 0
    needs: tuple[str, ...] = ()

    @classmethod
    def always(
        cls,
        name: str,
        predicate: Callable[[S], bool],
        description: str = "",
        *,
        flag_mask: int = 0,
        needs: tuple[str, ...] = (),
    ) -> Property[S]:
        return cls(name, Kind.ALWAYS, predicate, description, flag_mask=flag_mask, needs=needs)

    @classmethod
    def sometimes(
        cls,
        name: str,
        predicate: Callable[[S], bool],
        description: str = "",
        *,
        after: Callable[[S], bool] | None = None,
        needs: tuple[str, ...] = (),
    ) -> Property[S]:
        return cls(name, Kind.SOMETIMES, predicate, description, after=after, needs=needs)

    @classmethod
    def no_stuck(
        cls,
        name: str,
        good: Callable[[S], bool],
        description: str = "",
        *,
        never: str = "",
        needs: tuple[str, ...] = (),
    ) -> Property[S]:
        return cls(name, Kind.NO_STUCK, good, description, never=never, needs=needs)


DEFAULT_MAX_STATES = 2_000_000
"""The state bound of a search given no :class:`Bounds` (``bounds=None``).

About 400 bytes a state: some 800 MB and 20 s at the bound.  Every
bundled scenario stays far below it with symmetry (under 1,000 states at 8
guests and 4 pCPUs); without symmetry the largest reach 5 and 13 million
states (``vcpu-race``, ``two-control-domains``), which then say "unknown".
Pass ``Bounds()`` for no bound at all."""


@dataclass(frozen=True, slots=True)
class Bounds:
    """Explicit limits; hitting one makes every undecided verdict "unknown".

    ``max_states``: unique (canonical) states stored; ``max_depth``: steps
    from an initial state (states at that depth are stored but not
    expanded); ``time_limit``: seconds of search.  None: no limit.  A search
    given no Bounds at all stops at :data:`DEFAULT_MAX_STATES`.
    """

    max_states: int | None = None
    max_depth: int | None = None
    time_limit: float | None = None


@dataclass(frozen=True, slots=True)
class Progress:
    states: int
    transitions: int
    depth: int
    seconds: float


@dataclass(frozen=True, slots=True)
class PropertyResult:
    """The verdict on one property, with the figures of the search behind it.

    ``reason`` explains an "unknown" (a bound hit, or a missing fact) or a
    violation of a NO_STUCK/SOMETIMES property in words.  ``trace``: the
    shortest path to the violating (or stuck) state; for a SOMETIMES
    property that holds, a witness path.  ``final``: the last state of the
    trace in words (from the model's optional ``describe_state``).
    """

    name: str
    kind: Kind
    verdict: Verdict
    description: str = ""
    reason: str = ""
    states: int = 0
    transitions: int = 0
    depth: int = 0
    seconds: float = 0.0
    trace: tuple[Step, ...] = ()
    final: str = ""


@dataclass(frozen=True, slots=True)
class CheckResult:
    """All verdicts of one search (the properties in the order given, then deadlock)."""

    results: tuple[PropertyResult, ...]
    states: int
    transitions: int
    depth: int
    seconds: float
    complete: bool
    bound: str = ""
    symmetry: bool = True

    def result(self, name: str) -> PropertyResult:
        for res in self.results:
            if res.name == name:
                return res
        raise KeyError(name)

    def verdicts(self) -> dict[str, Verdict]:
        return {res.name: res.verdict for res in self.results}

    @property
    def states_per_second(self) -> float:
        return self.states / self.seconds if self.seconds > 0 else float("inf")


@dataclass(slots=True)
class _Search(Generic[S]):
    """What the breadth-first pass leaves behind (internal, mutable while searching)."""

    states: list[S] = field(default_factory=list)
    parent: list[int] = field(default_factory=list)
    depth_start: list[int] = field(default_factory=list)  # first index of each depth
    eoff: list[int] = field(default_factory=list)  # first edge of each expanded state
    edst: list[int] = field(default_factory=list)  # edge targets, grouped by source
    transitions: int = 0
    expanded: int = 0
    bound: str = ""
    first_violation: dict[str, int] = field(default_factory=dict)
    first_reached: dict[str, int] = field(default_factory=dict)
    deadlock: int = -1
    seconds: float = 0.0
    rev_count: list[int] = field(default_factory=list)  # reverse CSR, built on demand
    rev_src: list[int] = field(default_factory=list)
    reach_good: dict[str, bytearray] = field(default_factory=dict)  # no-stuck marks


def check(
    model: Model[S, A],
    properties: Sequence[Property[S]],
    *,
    symmetry: bool = True,
    bounds: Bounds | None = None,
    progress: Callable[[Progress], None] | None = None,
    progress_every: int = 1 << 16,
    invariants_hold: Callable[[Sequence[str]], Callable[[S], bool]] | None = None,
) -> CheckResult:
    """Explore ``model`` breadth-first and decide every property.

    ``symmetry``: store canonical states only.  ``progress``: called every
    ``progress_every`` expanded states and once at the end.
    ``invariants_hold``: optional fast path: given the names of ALWAYS
    properties, a predicate true exactly when all of them hold (e.g. one
    generated conjunction).  The checker asks for one over the properties
    not yet violated, evaluates the individual predicates only where it is
    false, and asks again after each violation.
    """
    bounds = bounds if bounds is not None else Bounds(max_states=DEFAULT_MAX_STATES)
    names = [p.name for p in properties]
    if len(set(names)) != len(names) or DEADLOCK in names:
        raise ValueError("property names must be unique and not " + DEADLOCK)
    started = time.perf_counter()
    search = _explore(
        model, properties, symmetry, bounds, progress, progress_every, started, invariants_hold
    )
    complete = not search.bound
    if complete:
        stuckable = [p for p in properties if p.kind is Kind.NO_STUCK]
        for start in range(0, len(stuckable), 8):
            group = stuckable[start : start + 8]
            goods = [bytearray(map(p.predicate, search.states)) for p in group]
            for prop, marked in zip(group, _reverse_reach(search, goods), strict=True):
                search.reach_good[prop.name] = marked
    results = [_decide(model, prop, search, symmetry, complete) for prop in properties]
    results.append(_decide_deadlock(model, search, symmetry, complete))
    seconds = time.perf_counter() - started
    depth = max(len(search.depth_start) - 1, 0)
    stamped = tuple(
        PropertyResult(
            name=r.name,
            kind=r.kind,
            verdict=r.verdict,
            description=r.description,
            reason=r.reason,
            states=len(search.states),
            transitions=search.transitions,
            depth=depth,
            seconds=seconds,
            trace=r.trace,
            final=r.final,
        )
        for r in results
    )
    if progress is not None:
        progress(Progress(len(search.states), search.transitions, depth, seconds))
    return CheckResult(
        results=stamped,
        states=len(search.states),
        transitions=search.transitions,
        depth=depth,
        seconds=seconds,
        complete=complete,
        bound=search.bound,
        symmetry=symmetry,
    )


def reachable(
    model: Model[S, A], *, symmetry: bool = True, bounds: Bounds | None = None
) -> tuple[S, ...]:
    """The stored states of a search, in discovery (breadth-first) order.

    With symmetry, the canonical representatives.  Raises ValueError when a
    bound is hit (the tuple would not be the reachable set).
    """
    bounds = bounds if bounds is not None else Bounds(max_states=DEFAULT_MAX_STATES)
    search = _explore(model, (), symmetry, bounds, None, 1 << 16, time.perf_counter(), None)
    if search.bound:
        raise ValueError(f"search incomplete: {search.bound}")
    return tuple(search.states)


def _explore(
    model: Model[S, A],
    properties: Sequence[Property[S]],
    symmetry: bool,
    bounds: Bounds,
    progress: Callable[[Progress], None] | None,
    progress_every: int,
    started: float,
    invariants_hold: Callable[[Sequence[str]], Callable[[S], bool]] | None,
) -> _Search[S]:
    search: _Search[S] = _Search()
    store_edges = any(
        p.kind is Kind.NO_STUCK or (p.kind is Kind.SOMETIMES and p.after is not None)
        for p in properties
    )
    flag_props = [
        (p.name, p.flag_mask) for p in properties if p.kind is Kind.ALWAYS and p.flag_mask
    ]
    flag_mask = 0
    for _, mask in flag_props:
        flag_mask |= mask
    preds: list[tuple[str, Callable[[S], bool]]] = [
        (p.name, p.predicate) for p in properties if p.kind is Kind.ALWAYS and not p.flag_mask
    ]
    reach: list[tuple[str, Callable[[S], bool]]] = [
        (p.name, p.predicate) for p in properties if p.kind is Kind.SOMETIMES and p.after is None
    ]
    first_violation = search.first_violation
    first_reached = search.first_reached

    states = search.states
    parent = search.parent
    eoff = search.eoff
    edst = search.edst
    index: dict[S, int] = {}
    canon = model.canonical if symmetry else None
    succ = model.successors
    is_final = model.is_final
    max_states = bounds.max_states if bounds.max_states is not None else -1
    max_depth = bounds.max_depth if bounds.max_depth is not None else -1
    time_limit = bounds.time_limit
    probe: Callable[[S], bool] | None = _any_of([pred for _, pred in reach])
    fast: Callable[[S], bool] | None = None
    if invariants_hold is not None and (flag_props or preds):
        fast = invariants_hold([name for name, _ in flag_props] + [name for name, _ in preds])

    def visit_new(t: S, j: int) -> None:
        # Properties of a newly stored state (a function: the rare path).
        nonlocal preds, reach, fast, flag_mask, flag_props, probe
        before = len(first_violation)
        if flag_mask and t & flag_mask:  # type: ignore[operator]
            for name, mask in flag_props:
                if t & mask:  # type: ignore[operator]
                    first_violation[name] = j
            flag_props = [(n, m) for n, m in flag_props if n not in first_violation]
            flag_mask = 0
            for _, mask in flag_props:
                flag_mask |= mask
        if preds:
            broken = [name for name, pred in preds if not pred(t)]
            if broken:
                for name in broken:
                    first_violation[name] = j
                preds = [(n, p) for n, p in preds if n not in first_violation]
        if reach:
            found = [name for name, pred in reach if pred(t)]
            if found:
                for name in found:
                    first_reached[name] = j
                reach = [(n, p) for n, p in reach if n not in first_reached]
                probe = _any_of([pred for _, pred in reach])
        if fast is not None and len(first_violation) != before:
            remaining = [name for name, _ in flag_props] + [name for name, _ in preds]
            fast = invariants_hold(remaining) if invariants_hold is not None and remaining else None

    for s0 in model.init_states():
        t0 = canon(s0) if canon is not None else s0
        if t0 not in index:
            index[t0] = len(states)
            states.append(t0)
            parent.append(-1)
            visit_new(t0, len(states) - 1)
    search.depth_start.append(0)
    n = len(states)
    level_end = n
    depth = 0
    i = 0
    transitions = 0
    next_check = progress_every
    get = index.get
    append_state = states.append
    append_parent = parent.append
    append_edge = edst.append
    append_off = eoff.append
    while i < n:
        if i == level_end:
            depth += 1
            search.depth_start.append(i)
            level_end = n
        s = states[i]
        nxt = succ(s)
        if not nxt:
            if search.deadlock < 0 and not is_final(s):
                search.deadlock = i
        elif depth == max_depth:
            search.bound = f"max depth {max_depth} reached"
            break
        if canon is not None:
            nxt = [canon(t) for t in nxt]
        transitions += len(nxt)
        # Two copies of the inner loop: with and without stored edges.
        if store_edges:
            append_off(len(edst))
            for t in nxt:
                j = get(t)
                if j is None:
                    j = n
                    n += 1
                    index[t] = j
                    append_state(t)
                    append_parent(i)
                    if (probe is not None and probe(t)) or (
                        not fast(t) if fast is not None else preds or t & flag_mask  # type: ignore[operator]
                    ):
                        visit_new(t, j)
                append_edge(j)
        else:
            for t in nxt:
                if t not in index:
                    index[t] = n
                    append_state(t)
                    append_parent(i)
                    if (probe is not None and probe(t)) or (
                        not fast(t) if fast is not None else preds or t & flag_mask  # type: ignore[operator]
                    ):
                        visit_new(t, n)
                    n += 1
        i += 1
        if n >= max_states > 0 and i < n:
            search.bound = f"max states {max_states} reached"
            break
        if i >= next_check:
            next_check += progress_every
            elapsed = time.perf_counter() - started
            if progress is not None:
                progress(Progress(n, transitions, depth, elapsed))
            if time_limit is not None and elapsed > time_limit:
                search.bound = f"time limit {time_limit:g} s reached"
                break
    if store_edges:
        append_off(len(edst))
    search.transitions = transitions
    search.expanded = i
    return search


def _any_of(preds: Sequence[Callable[[S], bool]]) -> Callable[[S], bool] | None:
    if not preds:
        return None
    if len(preds) == 1:
        return preds[0]
    return lambda state: any(pred(state) for pred in preds)


def _path(search: _Search[S], j: int) -> list[int]:
    out = [j]
    while search.parent[out[-1]] >= 0:
        out.append(search.parent[out[-1]])
    out.reverse()
    return out


def _replay(
    model: Model[S, A], search: _Search[S], path: Sequence[int], symmetry: bool
) -> tuple[tuple[Step, ...], str]:
    """Steps along a path of stored states, on concrete states; and the last state in words.

    With symmetry the stored states are representatives: from the concrete
    state reached so far, take the first enabled action whose successor has
    the next stored representative.  The last state is described by the
    model's optional ``describe_state(state) -> str``.
    """
    if not path:
        return (), ""
    states = search.states
    concrete = states[path[0]]
    steps: list[Step] = []
    for j in path[1:]:
        target = states[j]
        for action in model.actions(concrete):
            after = model.next_state(concrete, action)
            if (model.canonical(after) if symmetry else after) == target:
                steps.append(model.describe(concrete, action))
                concrete = after
                break
        else:  # pragma: no cover - a model whose successors and actions disagree
            raise RuntimeError("model.successors and model.actions disagree")
    describe_state = getattr(model, "describe_state", None)
    final = str(describe_state(concrete)) if callable(describe_state) else ""
    return tuple(steps), final


# _BIT_TABLES[k] maps a byte to 1 if its bit k is set, else 0 (for bytes.translate).
_BIT_TABLES = tuple(bytes((m >> k) & 1 for m in range(256)) for k in range(8))


def _reverse_reach(search: _Search[S], goods: Sequence[bytearray]) -> list[bytearray]:
    """For each good set, mark every stored state from which a good state is reachable.

    Exact: the least fixpoint of "good, or some successor marked", for up to
    8 good sets at once (bit k of a state's byte is set k).  The states are
    swept in reverse discovery order.  A state ORs in its successors' bits,
    stopping once it has them all; a state with bits passes them to its
    breadth-first parent at once (the edge that discovered it), so whole
    subtrees are decided without looking at their edges.  Edges back to
    earlier states need more sweeps, and states that can never be marked are
    rescanned by each; once the sweeps have scanned as many edges as there
    are, a backward search over a reverse adjacency (built once per search)
    finishes the job.
    """
    if len(goods) > 8:
        raise ValueError("at most 8 good sets at once")
    n = len(search.states)
    eoff = search.eoff
    edst = search.edst
    parent = search.parent
    full = (1 << len(goods)) - 1
    # Goods are 0/1 bytes: shifting the whole number by k < 8 moves each byte's bit alone.
    combined = 0
    for k, good in enumerate(goods):
        combined |= int.from_bytes(good, "big") << k
    marks = bytearray(combined.to_bytes(n, "big"))
    budget = len(edst) if not search.rev_count else 0
    while True:
        changed = False
        scanned = 0
        for s in range(n - 1, -1, -1):
            m = marks[s]
            if m != full:
                first = eoff[s]
                last = eoff[s + 1]
                for d in edst[first:last]:
                    m |= marks[d]
                    if m == full:
                        break
                else:
                    scanned += last - first
                if m != marks[s]:
                    marks[s] = m
                    changed = True
            if m:
                p = parent[s]
                if p >= 0 and marks[p] | m != marks[p]:
                    marks[p] |= m
                    changed = True
        if not changed:
            break
        budget -= scanned
        if budget <= 0:
            count, rev = _reverse_edges(search)
            for k in range(len(goods)):
                bit = 1 << k
                stack = [s for s in range(n) if marks[s] & bit]
                while stack:
                    d = stack.pop()
                    for s in rev[count[d] : count[d + 1]]:
                        if not marks[s] & bit:
                            marks[s] |= bit
                            stack.append(s)
            break
    return [marks.translate(_BIT_TABLES[k]) for k in range(len(goods))]


def _reverse_edges(search: _Search[S]) -> tuple[list[int], list[int]]:
    """The reverse adjacency (CSR by destination), built once per search, by counting."""
    if search.rev_count:
        return search.rev_count, search.rev_src
    n = len(search.states)
    eoff = search.eoff
    edst = search.edst
    count = [0] * (n + 1)
    for d in edst:
        count[d + 1] += 1
    for k in range(n):
        count[k + 1] += count[k]
    pos = count[:]
    rev = [0] * len(edst)
    for s in range(len(eoff) - 1):
        for e in range(eoff[s], eoff[s + 1]):
            d = edst[e]
            rev[pos[d]] = s
            pos[d] += 1
    search.rev_count = count
    search.rev_src = rev
    return count, rev


def _forward_from(
    search: _Search[S], sources: Sequence[int], target: Callable[[int], bool]
) -> list[int] | None:
    """Shortest path (indices) from any source to a target state, along stored edges.

    Only expanded states have stored edges; the others are reached but not
    followed.
    """
    eoff = search.eoff
    edst = search.edst
    expanded = len(eoff) - 1
    prev = [-2] * len(search.states)  # -2: not reached; -1: a source
    for s in sources:
        prev[s] = -1
    queue = list(sources)
    k = 0
    while k < len(queue):
        s = queue[k]
        k += 1
        if target(s):
            path = [s]
            while prev[path[-1]] >= 0:
                path.append(prev[path[-1]])
            path.reverse()
            return path
        if s >= expanded:
            continue
        for d in edst[eoff[s] : eoff[s + 1]]:
            if prev[d] == -2:
                prev[d] = s
                queue.append(d)
    return None


def _result(
    prop: Property[S] | None,
    verdict: Verdict,
    reason: str = "",
    replayed: tuple[tuple[Step, ...], str] = ((), ""),
) -> PropertyResult:
    trace, final = replayed
    if prop is None:
        return PropertyResult(
            name=DEADLOCK,
            kind=Kind.ALWAYS,
            verdict=verdict,
            description="every reachable state has a successor or is an accepted final state",
            reason=reason,
            trace=trace,
            final=final,
        )
    return PropertyResult(
        name=prop.name,
        kind=prop.kind,
        verdict=verdict,
        description=prop.description,
        reason=reason,
        trace=trace,
        final=final,
    )


def _decide(
    model: Model[S, A],
    prop: Property[S],
    search: _Search[S],
    symmetry: bool,
    complete: bool,
) -> PropertyResult:
    unknown = f"search incomplete: {search.bound}"
    if prop.kind is Kind.ALWAYS:
        j = search.first_violation.get(prop.name)
        if j is not None:
            replayed = _replay(model, search, _path(search, j), symmetry)
            return _result(prop, Verdict.VIOLATED, "the last state breaks it", replayed)
        return _result(prop, Verdict.HOLDS) if complete else _result(prop, Verdict.UNKNOWN, unknown)
    if prop.kind is Kind.SOMETIMES:
        return _decide_sometimes(model, prop, search, symmetry, complete, unknown)
    # NO_STUCK: needs the whole graph.
    if not complete:
        return _result(prop, Verdict.UNKNOWN, unknown)
    marked = search.reach_good[prop.name]
    stuck = marked.find(0)
    if stuck < 0:
        return _result(prop, Verdict.HOLDS)
    replayed = _replay(model, search, _path(search, stuck), symmetry)
    never = prop.never or "no good state is reachable any more"
    return _result(prop, Verdict.VIOLATED, f"from the last state on, {never}", replayed)


def _decide_sometimes(
    model: Model[S, A],
    prop: Property[S],
    search: _Search[S],
    symmetry: bool,
    complete: bool,
    unknown: str,
) -> PropertyResult:
    states = search.states
    path: list[int] | None = None
    if prop.after is None:
        j = search.first_reached.get(prop.name)
        if j is not None:
            path = _path(search, j)
    else:
        after = prop.after
        pred = prop.predicate
        sources = list(compress(range(len(states)), map(after, states)))
        found = _forward_from(search, sources, lambda k: pred(states[k])) if sources else None
        if found is not None:
            path = _path(search, found[0])[:-1] + found
    if path is not None:
        return _result(prop, Verdict.HOLDS, "", _replay(model, search, path, symmetry))
    if complete:
        return _result(
            prop, Verdict.VIOLATED, "no reachable state shows it: the scenario is impossible"
        )
    return _result(prop, Verdict.UNKNOWN, unknown)


def _decide_deadlock(
    model: Model[S, A], search: _Search[S], symmetry: bool, complete: bool
) -> PropertyResult:
    if search.deadlock >= 0:
        replayed = _replay(model, search, _path(search, search.deadlock), symmetry)
        return _result(None, Verdict.VIOLATED, "the last state has no successor", replayed)
    if complete:
        return _result(None, Verdict.HOLDS)
    return _result(None, Verdict.UNKNOWN, f"search incomplete: {search.bound}")
