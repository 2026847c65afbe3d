"""A tiny guarded-command language, and a fast engine for it over int states.

A model written in it is a :class:`Layout` of bit fields packed into one int
and a list of :class:`Action` records (a guard and simultaneous assignments,
both :class:`Expr` trees).  The same records are run here, by
:class:`CompiledModel`, and written out as Promela by
:mod:`xenreview.model.promela`: the two engines check the same transition
relation, one ``d_step`` per action.

Speed, for a pure-Python checker, comes from two rules the layout enforces:

* guest fields come first, each guest in a slot of the same width ``W``,
  and every guest slot has the same local fields; the rest (the "high"
  part) follows;
* an action of guest ``i`` reads and writes only guest ``i``'s slot and the
  high part; any other action reads the high part and "all guests have
  field f = v" aggregates (:class:`GuestsAll`), and writes the high part.

So the enabled actions of guest ``i``, and what each adds to the state
(a delta, since fields are packed), depend only on (high part, slot ``i``):
they are computed once per distinct key and cached.  A successor is then
``state + delta``: one dict lookup per guest and an int addition per
successor.  Predicates (invariants, good states) are compiled to Python
lambdas over the int (bit masks and shifts), deterministically.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from xenreview.model.trace import Step

__all__ = [
    "Action",
    "And",
    "CompiledModel",
    "Const",
    "Eq",
    "Expr",
    "FieldSpec",
    "GuestsAll",
    "Ite",
    "Layout",
    "Not",
    "Or",
    "Var",
    "all_of",
    "any_of",
    "compile_predicate",
    "const",
    "evaluate",
    "neg",
    "python_source",
    "reads",
]


# ----------------------------------------------------------------------------
# Expressions


class Expr:
    """Base of the expression nodes (values are ints; booleans are 0/1)."""

    __slots__ = ()

    def __and__(self, other: Expr) -> Expr:
        return all_of(self, other)

    def __or__(self, other: Expr) -> Expr:
        return any_of(self, other)

    def __invert__(self) -> Expr:
        return neg(self)

    def eq(self, other: Expr | int) -> Expr:
        return _eq(self, _lift(other))

    def ne(self, other: Expr | int) -> Expr:
        return neg(_eq(self, _lift(other)))


@dataclass(frozen=True, slots=True)
class Const(Expr):
    value: int


@dataclass(frozen=True, slots=True)
class Var(Expr):
    name: str


@dataclass(frozen=True, slots=True)
class Not(Expr):
    item: Expr


@dataclass(frozen=True, slots=True)
class And(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Or(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Eq(Expr):
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Ite(Expr):
    cond: Expr
    then: Expr
    other: Expr


@dataclass(frozen=True, slots=True)
class GuestsAll(Expr):
    """True when every guest's local field ``local`` equals ``value``."""

    local: str
    value: int


TRUE = Const(1)
FALSE = Const(0)


def const(value: int | bool) -> Const:
    return Const(int(value))


def _lift(value: Expr | int) -> Expr:
    return value if isinstance(value, Expr) else Const(int(value))


def _eq(left: Expr, right: Expr) -> Expr:
    if isinstance(left, Const) and isinstance(right, Const):
        return const(left.value == right.value)
    return Eq(left, right)


def neg(item: Expr) -> Expr:
    if isinstance(item, Const):
        return const(not item.value)
    if isinstance(item, Not):
        return item.item
    return Not(item)


def all_of(*items: Expr) -> Expr:
    """Conjunction, with constants folded and nested conjunctions flattened."""
    out: list[Expr] = []
    for item in items:
        if isinstance(item, Const):
            if not item.value:
                return FALSE
            continue
        if isinstance(item, And):
            out.extend(item.items)
        else:
            out.append(item)
    if not out:
        return TRUE
    return out[0] if len(out) == 1 else And(tuple(out))


def any_of(*items: Expr) -> Expr:
    """Disjunction, with constants folded and nested disjunctions flattened."""
    out: list[Expr] = []
    for item in items:
        if isinstance(item, Const):
            if item.value:
                return TRUE
            continue
        if isinstance(item, Or):
            out.extend(item.items)
        else:
            out.append(item)
    if not out:
        return FALSE
    return out[0] if len(out) == 1 else Or(tuple(out))


def ite(cond: Expr, then: Expr | int, other: Expr | int) -> Expr:
    a, b = _lift(then), _lift(other)
    if isinstance(cond, Const):
        return a if cond.value else b
    if a == b:
        return a
    return Ite(cond, a, b)


# ----------------------------------------------------------------------------
# Layout


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A bit field of the state.

    ``guest``: the guest whose slot holds it (-1 for the high part);
    ``local``: its name within a domain (``parked``), or the whole name for
    global fields; ``domain``: the domain it belongs to (None for global).
    """

    name: str
    width: int
    offset: int
    guest: int = -1
    local: str = ""
    domain: str | None = None

    @property
    def mask(self) -> int:
        return (1 << self.width) - 1

    @property
    def max(self) -> int:
        return self.mask


@dataclass(slots=True)
class Layout:
    """Bit fields packed into an int: guest slots first, then the high part."""

    guests: int
    guest_locals: tuple[tuple[str, int], ...]  # (local name, width) of a guest slot
    guest_names: tuple[str, ...]
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    slot_width: int = 0
    high_offset: int = 0
    _next: int = 0

    def __post_init__(self) -> None:
        self.slot_width = max(sum(width for _, width in self.guest_locals), 1)
        for g in range(self.guests):
            offset = g * self.slot_width
            for local, width in self.guest_locals:
                name = f"{self.guest_names[g]}_{local}"
                self._put(FieldSpec(name, width, offset, g, local, self.guest_names[g]))
                offset += width
        self.high_offset = self.guests * self.slot_width
        self._next = self.high_offset

    def _put(self, spec: FieldSpec) -> None:
        if spec.name in self.fields:
            raise ValueError(f"field {spec.name} defined twice")
        self.fields[spec.name] = spec
        self.order.append(spec.name)

    def add(self, name: str, width: int, *, local: str = "", domain: str | None = None) -> str:
        """Add a field to the high part; returns its name."""
        self._put(FieldSpec(name, width, self._next, -1, local or name, domain))
        self._next += width
        return name

    def guest_field(self, g: int, local: str) -> str:
        return f"{self.guest_names[g]}_{local}"

    def has(self, name: str) -> bool:
        return name in self.fields

    def spec(self, name: str) -> FieldSpec:
        return self.fields[name]

    @property
    def bits(self) -> int:
        return self._next

    def guests_all_mask(self, local: str, value: int) -> tuple[int, int]:
        """(mask, expected): every guest has ``local == value`` iff ``state & mask == expected``."""
        mask = 0
        expected = 0
        for g in range(self.guests):
            spec = self.fields[self.guest_field(g, local)]
            mask |= spec.mask << spec.offset
            expected |= (value & spec.mask) << spec.offset
        return mask, expected

    def get(self, state: int, name: str) -> int:
        spec = self.fields[name]
        return (state >> spec.offset) & spec.mask

    def encode(self, values: dict[str, int]) -> int:
        state = 0
        for name, value in values.items():
            spec = self.fields[name]
            if not 0 <= value <= spec.mask:
                raise ValueError(f"{name}={value} does not fit in {spec.width} bits")
            state |= value << spec.offset
        return state

    def decode(self, state: int) -> dict[str, int]:
        return {name: self.get(state, name) for name in self.order}


# ----------------------------------------------------------------------------
# Evaluation and code generation


def evaluate(expr: Expr, state: int, layout: Layout) -> int:
    """The value of ``expr`` in ``state`` (the slow, interpreting path)."""
    if isinstance(expr, Const):
        return expr.value
    if isinstance(expr, Var):
        spec = layout.fields[expr.name]
        return (state >> spec.offset) & spec.mask
    if isinstance(expr, Not):
        return int(not evaluate(expr.item, state, layout))
    if isinstance(expr, And):
        return int(all(evaluate(item, state, layout) for item in expr.items))
    if isinstance(expr, Or):
        return int(any(evaluate(item, state, layout) for item in expr.items))
    if isinstance(expr, Eq):
        return int(evaluate(expr.left, state, layout) == evaluate(expr.right, state, layout))
    if isinstance(expr, Ite):
        branch = expr.then if evaluate(expr.cond, state, layout) else expr.other
        return evaluate(branch, state, layout)
    if isinstance(expr, GuestsAll):
        mask, expected = layout.guests_all_mask(expr.local, expr.value)
        return int(state & mask == expected)
    raise TypeError(f"not an expression: {expr!r}")


def python_source(expr: Expr, layout: Layout) -> str:
    """Python source of ``expr`` over an int named ``s``."""
    if isinstance(expr, Const):
        return str(expr.value)
    if isinstance(expr, Var):
        spec = layout.fields[expr.name]
        if spec.offset == 0:
            return f"(s & {spec.mask})"
        return f"((s >> {spec.offset}) & {spec.mask})"
    if isinstance(expr, Not):
        return f"(not {python_source(expr.item, layout)})"
    if isinstance(expr, And):
        return "(" + " and ".join(python_source(i, layout) for i in expr.items) + ")"
    if isinstance(expr, Or):
        return "(" + " or ".join(python_source(i, layout) for i in expr.items) + ")"
    if isinstance(expr, Eq):
        return f"({python_source(expr.left, layout)} == {python_source(expr.right, layout)})"
    if isinstance(expr, Ite):
        cond = python_source(expr.cond, layout)
        then = python_source(expr.then, layout)
        return f"({then} if {cond} else {python_source(expr.other, layout)})"
    if isinstance(expr, GuestsAll):
        mask, expected = layout.guests_all_mask(expr.local, expr.value)
        return f"((s & {mask}) == {expected})"
    raise TypeError(f"not an expression: {expr!r}")


def compile_predicate(expr: Expr, layout: Layout) -> Callable[[int], bool]:
    """A fast predicate over int states, generated from ``expr``.

    The source is built only from field offsets and masks (ints) and
    operators: nothing from outside the model reaches ``eval``.
    """
    source = f"lambda s: bool({python_source(expr, layout)})"
    function: Callable[[int], bool] = eval(source, {"__builtins__": {"bool": bool}})
    return function


def walk(expr: Expr) -> Iterator[Expr]:
    yield expr
    if isinstance(expr, Not):
        yield from walk(expr.item)
    elif isinstance(expr, And | Or):
        for item in expr.items:
            yield from walk(item)
    elif isinstance(expr, Eq):
        yield from walk(expr.left)
        yield from walk(expr.right)
    elif isinstance(expr, Ite):
        yield from walk(expr.cond)
        yield from walk(expr.then)
        yield from walk(expr.other)


def reads(expr: Expr) -> set[str]:
    """The field names ``expr`` reads (aggregates not included)."""
    return {node.name for node in walk(expr) if isinstance(node, Var)}


# ----------------------------------------------------------------------------
# Actions and the engine


@dataclass(frozen=True, slots=True)
class Action:
    """A guarded command: when ``guard`` holds, assign every effect at once.

    ``guest``: the guest this action belongs to (-1: none).  ``actor`` and
    ``name`` are for traces; ``tag`` is free for the model (it maps the
    action back to its meaning, e.g. the fact that enabled it).
    """

    actor: str
    name: str
    guard: Expr
    effects: tuple[tuple[str, Expr], ...]
    guest: int = -1
    tag: str = ""


DescribeHook = Callable[[Action, int, int], Step]


class CompiledModel:
    """A :class:`~xenreview.model.checker.Model` over int states for a list of actions.

    ``classes``: ranges ``(first, end)`` of interchangeable guests (guests
    with the same roles); ``canonical`` sorts the guest slots inside each
    range.  ``final``: the accepted final states.  ``describe_hook`` turns
    (action, state, next state) into a trace step, ``state_hook`` a state
    into words.
    """

    def __init__(
        self,
        layout: Layout,
        actions: Sequence[Action],
        *,
        classes: Sequence[tuple[int, int]] = (),
        init: Sequence[int] = (0,),
        final: Expr = FALSE,
        describe_hook: DescribeHook | None = None,
        state_hook: Callable[[int], str] | None = None,
    ) -> None:
        self.layout = layout
        self.action_list: tuple[Action, ...] = tuple(actions)
        self.classes = tuple(classes)
        self._init = tuple(init)
        self._final = compile_predicate(final, layout)
        self._describe_hook = describe_hook
        self._state_hook = state_hook
        self._global = [k for k, a in enumerate(self.action_list) if a.guest < 0]
        self._per_guest = [
            [k for k, a in enumerate(self.action_list) if a.guest == g]
            for g in range(layout.guests)
        ]
        self._check_scopes()
        aggs: list[tuple[int, int]] = []
        for k in self._global:
            action = self.action_list[k]
            for expr in (action.guard, *(e for _, e in action.effects)):
                for node in walk(expr):
                    if isinstance(node, GuestsAll):
                        pair = layout.guests_all_mask(node.local, node.value)
                        if pair not in aggs:
                            aggs.append(pair)
        self._aggs = tuple(aggs)
        self._gcache: dict[int, tuple[int, ...]] = {}
        self._gcodes: dict[int, tuple[int, ...]] = {}
        self._caches: list[dict[int, tuple[int, ...]]] = [{} for _ in range(layout.guests)]
        self._codes: list[dict[int, tuple[int, ...]]] = [{} for _ in range(layout.guests)]
        self._ccache: dict[int, int] = {}
        self._slot_mask = (1 << layout.slot_width) - 1
        self._guest_mask = (1 << layout.high_offset) - 1
        self._shifts = tuple(g * layout.slot_width for g in range(layout.guests))
        self.successors = self._make_successors()

    # -- validation ----------------------------------------------------------

    def _check_scopes(self) -> None:
        layout = self.layout
        for action in self.action_list:
            touched = set(reads(action.guard))
            for name, expr in action.effects:
                touched |= reads(expr)
                touched.add(name)
            for name in touched:
                spec = layout.fields.get(name)
                if spec is None:
                    raise ValueError(f"{action.actor}: {action.name}: unknown field {name}")
                if spec.guest >= 0 and spec.guest != action.guest:
                    raise ValueError(
                        f"{action.actor}: {action.name}: touches {name} of another guest"
                    )
            if action.guest >= 0:
                for expr in (action.guard, *(e for _, e in action.effects)):
                    if any(isinstance(n, GuestsAll) for n in walk(expr)):
                        raise ValueError(f"{action.name}: a guest action may not read all guests")

    # -- the fast path -------------------------------------------------------

    def _global_key(self, state: int) -> int:
        key = state >> self.layout.high_offset
        for mask, expected in self._aggs:
            key = (key << 1) | (1 if state & mask == expected else 0)
        return key

    def _fill(self, indices: Sequence[int], state: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        layout = self.layout
        deltas: list[int] = []
        codes: list[int] = []
        for k in indices:
            action = self.action_list[k]
            if not evaluate(action.guard, state, layout):
                continue
            delta = 0
            for name, expr in action.effects:
                spec = layout.fields[name]
                new = evaluate(expr, state, layout)
                if not 0 <= new <= spec.mask:
                    raise ValueError(f"{action.name}: {name}={new} does not fit")
                old = (state >> spec.offset) & spec.mask
                delta += (new - old) << spec.offset
            deltas.append(delta)
            codes.append(k)
        return tuple(deltas), tuple(codes)

    def _global_entries(self, state: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        key = self._global_key(state)
        deltas = self._gcache.get(key)
        if deltas is None:
            deltas, codes = self._fill(self._global, state)
            self._gcache[key] = deltas
            self._gcodes[key] = codes
        return deltas, self._gcodes[key]

    def _guest_entries(self, g: int, state: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        layout = self.layout
        key = ((state >> layout.high_offset) << layout.slot_width) | (
            (state >> self._shifts[g]) & self._slot_mask
        )
        deltas = self._caches[g].get(key)
        if deltas is None:
            deltas, codes = self._fill(self._per_guest[g], state)
            self._caches[g][key] = deltas
            self._codes[g][key] = codes
        return deltas, self._codes[g][key]

    def _chunk_entries(self, first: int, size: int, state: int) -> tuple[int, ...]:
        """The deltas of guests ``first .. first + size - 1``, in guest order."""
        out: list[int] = []
        for g in range(first, first + size):
            out.extend(self._guest_entries(g, state)[0])
        return tuple(out)

    def _make_successors(self, chunk: int = 4) -> Callable[[int], list[int]]:
        """The successor function, generated: one cache lookup per ``chunk`` guests.

        The deltas of consecutive guests are cached together, keyed by the
        high part and their slots (so 8 guests cost 4 lookups).  The order
        of the successors is that of :meth:`actions`.  The generated source
        contains only ints (offsets, masks) and the names bound below:
        nothing from outside the model reaches ``exec``.
        """
        high = self.layout.high_offset
        width = self.layout.slot_width
        guests = self.layout.guests
        lines = ["def successors(s):", f"    hi = s >> {high}", "    key = hi"]
        for mask, expected in self._aggs:
            lines.append(f"    key = (key << 1) | ((s & {mask}) == {expected})")
        lines += [
            "    d = gcache.get(key)",
            "    if d is None:",
            "        d = global_entries(s)[0]",
        ]
        namespace: dict[str, object] = {
            "gcache": self._gcache,
            "global_entries": self._global_entries,
            "chunk_entries": self._chunk_entries,
        }
        parts = ["*d"]
        shifted: set[int] = set()
        for k, first in enumerate(range(0, guests, chunk)):
            size = min(chunk, guests - first)
            bits = size * width
            if bits not in shifted:
                lines.append(f"    hi{bits} = hi << {bits}")
                shifted.add(bits)
            mask = (1 << bits) - 1
            shift = first * width
            slots = f"(s & {mask})" if shift == 0 else f"((s >> {shift}) & {mask})"
            lines += [
                f"    p{k} = c{k}.get(hi{bits} | {slots})",
                f"    if p{k} is None:",
                f"        p{k} = c{k}[hi{bits} | {slots}] = chunk_entries({first}, {size}, s)",
            ]
            namespace[f"c{k}"] = {}
            parts.append(f"*p{k}")
        lines.append(f"    return [s + x for x in ({', '.join(parts)},)]")
        exec("\n".join(lines), namespace)
        function = namespace["successors"]
        assert callable(function)
        return function

    # -- the Model protocol --------------------------------------------------

    def init_states(self) -> Sequence[int]:
        return self._init

    def _entries(self, state: int) -> Iterable[tuple[int, int]]:
        deltas, codes = self._global_entries(state)
        yield from zip(codes, deltas, strict=True)
        for g in range(self.layout.guests):
            deltas, codes = self._guest_entries(g, state)
            yield from zip(codes, deltas, strict=True)

    def actions(self, state: int) -> list[int]:
        return [code for code, _ in self._entries(state)]

    def next_state(self, state: int, action: int) -> int:
        for code, delta in self._entries(state):
            if code == action:
                return state + delta
        raise ValueError(f"action {action} is not enabled")

    def canonical(self, state: int) -> int:
        if not self.classes:
            return state
        gpart = state & self._guest_mask
        canon = self._ccache.get(gpart)
        if canon is None:
            width = self.layout.slot_width
            slot = self._slot_mask
            values = [(gpart >> (g * width)) & slot for g in range(self.layout.guests)]
            for first, end in self.classes:
                values[first:end] = sorted(values[first:end])
            canon = 0
            for g, value in enumerate(values):
                canon |= value << (g * width)
            self._ccache[gpart] = canon
        return state - gpart + canon

    def is_final(self, state: int) -> bool:
        return self._final(state)

    def describe_state(self, state: int) -> str:
        if self._state_hook is not None:
            return self._state_hook(state)
        values = self.layout.decode(state)
        return ", ".join(f"{name}={value}" for name, value in values.items() if value)

    def describe(self, state: int, action: int) -> Step:
        act = self.action_list[action]
        after = self.next_state(state, action)
        if self._describe_hook is not None:
            return self._describe_hook(act, state, after)
        return Step(act.actor, act.name)
