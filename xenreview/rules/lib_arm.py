"""Shared analyses of the Xen/Arm semantic rules (``rules/arm/``, ARM001-ARM099).

The rules of that family are ``tree`` rules: they read the C facts of the
whole tree after a patch (:class:`~xenreview.code.facts.TreeFacts`) and ask
questions a Xen/Arm reviewer asks.  This module answers the ones several
rules share, once per tree state (:func:`arm_tree` memoises them by facts):

* **reachability** with what the call graph leaves out: a
  ``tasklet_schedule*(&t)`` runs the handler ``tasklet_init(&t, fn, ...)``
  registered for ``t`` (matched by the tasklet's last member or variable
  name); reachability from the guest's traps *within the trap* (direct
  calls, table and member calls: what runs on the trapping pCPU before
  the guest resumes), from any guest entry point (pointer edges included:
  work a guest can cause to run later), from the interrupt path
  (:data:`IRQ_ENTRIES`), and by an *unprivileged* guest (not through a
  branch that only the hardware or control domain takes);
* **guest data** (:class:`Taint`): which variables of which functions hold
  values a guest chose, from the guest's general purpose registers
  (``regs->x1``, ``get_user_reg()``, ``PSCI_ARG()``), a hypercall's
  arguments, an MMIO access, or memory copied from the guest
  (``copy_from_guest()``), followed through assignments, macros and the
  arguments of direct calls (not through the results of functions, which
  validate or look things up);
* **validation**: whether a variable was tested before a statement (an
  enclosing condition, or an earlier test that leaves the function);
* **paired calls** (:func:`exits_holding`): which locks, pauses or suspend
  steps are still held at each exit of a function, on some path, with the
  "failing step" of Xen's error handling understood
  (``rc = step(); if ( rc ) goto undo_previous;`` does not hold ``step``);
* **steps and their undo** (:func:`undo_name`, :func:`paired_steps`): a
  step and the call that undoes it differ by one word
  (``gic_suspend``/``gic_resume``, ``disable_X``/``enable_X``,
  ``freeze_X``/``thaw_X``, ``X_save``/``X_restore``).

Per-tree results live in the :class:`ArmTree`; results that depend on one
function only are shared between the trees of a series (:func:`shared`,
keyed by the identity of the parse cache's ``Function`` objects), so a
series of 18 patches analyses each unchanged function once.

Everything here is computed from the facts and the tree's text; no name of
the bundled series is special.  The few fixed names are Xen's own API
(interrupt entry, tasklets, register accessors, guest copies, allocators,
privilege predicates), listed as constants below.
"""

from __future__ import annotations

import re
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from xenreview.code.facts import EdgeKind, EntryKind, ShortestPaths, TreeFacts
from xenreview.code.flow import FlowWalk
from xenreview.code.model import (
    Branch,
    Call,
    CallKind,
    Function,
    Guard,
    GuardKind,
    Jump,
    Loop,
    Step,
    Switch,
)
from xenreview.rules.api import Context, Location, Related, TreeView

__all__ = [
    "ALLOCATORS",
    "GUEST_COPIES",
    "IRQ_ENTRIES",
    "PRIVILEGE_PREDICATES",
    "REG_ACCESSORS",
    "ArmTree",
    "Exit",
    "Taint",
    "arm_tree",
    "describe_path",
    "exits_holding",
    "function_label",
    "guard_texts",
    "imbalanced",
    "mentions",
    "paired_steps",
    "related",
    "root_names",
    "shared",
    "strip_calls",
    "undo_name",
    "walk_with_guards",
]

# Where Xen/Arm enters on an interrupt (arch/arm/traps.c, gic.c, irq.c).
IRQ_ENTRIES = ("do_trap_irq", "do_trap_fiq", "gic_interrupt", "do_IRQ")
# Scheduling a tasklet, registering its handler.
TASKLET_SCHEDULERS = ("tasklet_schedule", "tasklet_schedule_on_cpu")
TASKLET_INITS = ("tasklet_init", "softirq_tasklet_init")
TASKLET_DECLARATIONS = ("DECLARE_TASKLET", "DECLARE_SOFTIRQ_TASKLET")
# Reading the guest's general purpose registers.
REG_ACCESSORS = ("get_user_reg", "PSCI_ARG", "PSCI_ARG32")
# Copying guest memory into Xen.
GUEST_COPIES = (
    "copy_from_guest",
    "copy_from_guest_offset",
    "__copy_from_guest",
    "__copy_from_guest_offset",
    "copy_field_from_guest",
    "raw_copy_from_guest",
    "copy_from_user",
)
# Xen's allocators (xen/include/xen/xmalloc.h, xvmalloc.h, mm.h).
ALLOCATORS = (
    "xmalloc",
    "xzalloc",
    "xmalloc_array",
    "xzalloc_array",
    "xmalloc_bytes",
    "xzalloc_bytes",
    "xmalloc_flex_struct",
    "xzalloc_flex_struct",
    "_xmalloc",
    "_xzalloc",
    "_xmalloc_array",
    "_xzalloc_array",
    "xvmalloc",
    "xvzalloc",
    "xvmalloc_array",
    "xvzalloc_array",
    "alloc_xenheap_pages",
    "alloc_xenheap_page",
    "alloc_domheap_pages",
    "alloc_domheap_page",
)
# What only the hardware or a control domain gets past.
PRIVILEGE_PREDICATES = ("is_hardware_domain", "is_control_domain", "is_privileged_domain")

_IDENT = re.compile(r"[A-Za-z_]\w*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_KEYWORDS = frozenset(
    {
        "sizeof",
        "struct",
        "union",
        "enum",
        "const",
        "volatile",
        "unsigned",
        "signed",
        "int",
        "long",
        "short",
        "char",
        "void",
        "bool",
        "return",
        "true",
        "false",
        "NULL",
        "typeof",
        "alignof",
        "_Alignof",
        "current",
    }
)
_PRIVILEGE = re.compile(r"\b(?:" + "|".join(PRIVILEGE_PREDICATES) + r")\s*\(")
_NEGATED_PRIVILEGE = re.compile(r"!\s*(?:" + "|".join(PRIVILEGE_PREDICATES) + r")\s*\(")
_MEMO_SIZE = 8
_SHARED_LIMIT = 200_000
T = TypeVar("T")

# Results that depend only on one function's definition (and, for the texts, on the
# tree's macros), shared between the trees of a series: a patch changes a few files,
# and the parse cache hands out the same Function objects for the others.  Keys hold
# id()s; values keep the object they were computed for alive, and are checked with it.
_SHARED: dict[tuple[object, ...], tuple[object, object]] = {}
_TEXTS: dict[tuple[str, str, int], str] = {}


def shared(kind: str, owner: object, extra: tuple[object, ...], make: Callable[[], T]) -> T:
    """``make()``, memoised for ``owner`` (by identity) and ``extra`` across trees."""
    key = (kind, id(owner), *extra)
    found = _SHARED.get(key)
    if found is not None and found[0] is owner:
        return found[1]  # type: ignore[return-value]
    value = make()
    if len(_SHARED) >= _SHARED_LIMIT:
        _SHARED.clear()
        _TEXTS.clear()
    _SHARED[key] = (owner, value)
    return value


_GUEST_REG = "__guest_register__"

# -- text helpers --------------------------------------------------------------------------


def _no_strings(text: str) -> str:
    return _STRING.sub('""', text)


def root_names(text: str) -> tuple[str, ...]:
    """The variables ``text`` reads at its roots: ``a`` and ``i`` in ``a->b[i].c + f(x)``
    (with ``x``), not members, called names, keywords or ALL_CAPS constants."""
    clean = _no_strings(text)
    out: list[str] = []
    for match in _IDENT.finditer(clean):
        name = match.group(0)
        before = clean[: match.start()].rstrip()
        after = clean[match.end() :].lstrip()
        if before.endswith(("->", ".")) or after.startswith("("):
            continue
        if name in _KEYWORDS or (name.isupper() and len(name) > 1) or name[0].isdigit():
            continue
        if name not in out:
            out.append(name)
    return tuple(out)


def _drop_subscripts(text: str) -> str:
    """``text`` without the contents of its ``[...]`` subscripts."""
    out: list[str] = []
    depth = 0
    for char in text:
        if char == "[":
            depth += 1
            out.append(char)
        elif char == "]":
            depth = max(depth - 1, 0)
            out.append(char)
        elif depth == 0:
            out.append(char)
    return "".join(out)


def mentions(text: str, name: str) -> bool:
    """``text`` refers to ``name`` (a variable, or an expression such as ``d->vcpu``)."""
    if not name:
        return False
    pattern = r"(?<![\w>.])" + re.escape(name).replace(r"\ ", r"\s*") + r"(?!\w)"
    return re.search(pattern, _no_strings(text)) is not None


def strip_calls(text: str, is_function: Callable[[str], bool]) -> str:
    """``text`` with the calls of functions (not macros) replaced by ``0``: their
    results are what they compute, not their arguments."""
    out: list[str] = []
    index = 0
    clean = _no_strings(text)
    for match in re.finditer(r"([A-Za-z_]\w*)\s*\(", clean):
        if match.start() < index or not is_function(match.group(1)):
            continue
        depth = 0
        end = match.end() - 1
        for pos in range(match.end() - 1, len(clean)):
            if clean[pos] == "(":
                depth += 1
            elif clean[pos] == ")":
                depth -= 1
                if depth == 0:
                    end = pos
                    break
        else:
            end = len(clean) - 1
        out.append(clean[index : match.start()])
        out.append("0")
        index = end + 1
    out.append(clean[index:])
    return "".join(out)


def _split_arguments(text: str, open_at: int) -> tuple[list[str], int]:
    """The top-level arguments of the parenthesis at ``open_at``, and where it closes."""
    args: list[str] = []
    depth = 0
    start = open_at + 1
    for pos in range(open_at, len(text)):
        char = text[pos]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                args.append(text[start:pos].strip())
                return [a for a in args if a], pos
        elif char == "," and depth == 1:
            args.append(text[start:pos].strip())
            start = pos + 1
    return [a for a in args if a], len(text) - 1


def function_label(name: str) -> str:
    return f"{name}()"


def describe_path(path: Sequence[str], limit: int = 6) -> str:
    """``a() -> b() -> c()``, the middle elided past ``limit`` steps."""
    names = [function_label(n) for n in path]
    if len(names) > limit:
        names = [*names[:2], "...", *names[-(limit - 3) :]]
    return " -> ".join(names)


def related(
    ctx: Context, message: str, path: str, line: int, excerpt: str | None = None
) -> Related:
    """A :class:`Related` place in the tree after the current patch."""
    patch = ctx.patch
    return Related(
        message=message,
        location=Location(
            patch=patch.number if patch is not None else None,
            total=patch.total if patch is not None else ctx.series.total,
            message_id=patch.message_id if patch is not None else None,
            path=path,
            line=line,
        ),
        excerpt=excerpt,
    )


def _ends_with_exit(steps: Sequence[Step]) -> bool:
    if not steps:
        return False
    last = steps[-1]
    if isinstance(last, Jump):
        return True
    if isinstance(last, Branch):
        return (
            last.otherwise is not None
            and _ends_with_exit(last.then)
            and _ends_with_exit(last.otherwise)
        )
    return False


def walk_with_guards(
    steps: Sequence[Step], guards: tuple[str, ...] = ()
) -> Iterator[tuple[Step, tuple[str, ...]]]:
    """Every step with the texts of the conditions it runs under (branch conditions,
    loop headers, switch subjects), outermost first."""
    for step in steps:
        yield step, guards
        if isinstance(step, Branch):
            yield from walk_with_guards(step.then, (*guards, step.condition))
            if step.otherwise is not None:
                yield from walk_with_guards(step.otherwise, (*guards, "!" + step.condition))
        elif isinstance(step, Loop):
            yield from walk_with_guards(step.body, (*guards, step.header))
        elif isinstance(step, Switch):
            for case in step.cases:
                yield from walk_with_guards(case.body, (*guards, step.subject))


# -- paired calls: what is still held at each exit ----------------------------------------

Held = tuple[tuple[str, Call], ...]  # (key, the call that took it)


_RELEASED = "~"


@dataclass(frozen=True, slots=True)
class Exit:
    """A way out of a function: a ``return`` (``jump``) or the closing brace (None).

    ``held``: what may still be held there; ``released``: the keys some path to
    it took and gave back.
    """

    line: int
    jump: Jump | None
    state: Held

    @property
    def held(self) -> Held:
        return tuple(item for item in self.state if not item[0].startswith(_RELEASED))

    @property
    def released(self) -> frozenset[str]:
        return frozenset(k[1:] for k, _ in self.state if k.startswith(_RELEASED))

    def holds(self, key: str) -> bool:
        return any(k == key for k, _ in self.held)


def imbalanced(exits: Sequence[Exit]) -> Iterator[tuple[Exit, str, Call]]:
    """``(exit, key, taking call)`` for each key held at an exit while another exit's
    path took it and gave it back: the function balances it, except there."""
    for leaving in exits:
        for key, call in leaving.held:
            if any(key in other.released and not other.holds(key) for other in exits):
                yield leaving, key, call


def _union(*states: Held | None) -> Held | None:
    live = [s for s in states if s is not None]
    if not live:
        return None
    out: dict[str, Call] = {}
    for state in live:
        for key, call in state:
            out.setdefault(key, call)
    return tuple(out.items())


class _PairWalk(FlowWalk[Held]):
    """May-hold analysis of one function body (forward gotos, one loop iteration)."""

    def __init__(
        self,
        acquire: Callable[[Call], str | None],
        release: Callable[[Call], str | None],
    ) -> None:
        super().__init__()
        self.acquire = acquire
        self.release = release
        self.exits: list[Exit] = []
        self.pending: dict[str, str] = {}  # variable holding a step's result -> its key

    def join(self, *states: Held | None) -> Held | None:
        return _union(*states)

    def then_state(self, branch: Branch, held: Held) -> Held:
        """A branch testing a step's result is that step failing: not held in it."""
        failed = {
            key for variable, key in self.pending.items() if mentions(branch.condition, variable)
        }
        return tuple(item for item in held if item[0] not in failed)

    def leave(self, jump: Jump, held: Held) -> None:
        self.exits.append(Exit(jump.line, jump, held))

    def call(self, call: Call, held: Held) -> Held:
        key = self.acquire(call)
        if key is not None:
            if call.assigned_to is not None:
                self.pending[call.assigned_to] = key
            if call.in_condition:
                # `if ( step() ) goto fail;`: the condition is the step's result.
                self.pending[call.text] = key
            if any(k == key for k, _ in held):
                return held
            return (*held, (key, call))
        key = self.release(call)
        if key is not None and any(k == key for k, _ in held):
            kept = tuple(item for item in held if item[0] != key)
            if any(k == _RELEASED + key for k, _ in kept):
                return kept
            return (*kept, (_RELEASED + key, call))
        return held


def exits_holding(
    function: Function,
    acquire: Callable[[Call], str | None],
    release: Callable[[Call], str | None],
) -> tuple[Exit, ...]:
    """Every exit of ``function`` with what may still be held there.

    ``acquire``/``release`` map a call to the key it takes or gives back
    (None: neither).  A branch testing the result of a step (its assigned
    variable, or the call itself in the condition) is that step failing:
    the step is not held in its then-branch.
    """
    walk = _PairWalk(acquire, release)
    flow = walk.run(function.steps, ())
    if flow.fall is not None:
        walk.exits.append(Exit(function.body_end_line, None, flow.fall))
    return tuple(walk.exits)


# -- steps and their undo ------------------------------------------------------------------

# A step's name and its undo's differ by one of these words (gic_suspend/gic_resume,
# disable_nonboot_cpus/enable_nonboot_cpus, local_irq_save/local_irq_restore).
UNDO_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "suspend": "resume",
        "disable": "enable",
        "freeze": "thaw",
        "save": "restore",
        "irqsave": "irqrestore",
        "map": "unmap",
        "register": "unregister",
    }
)


def undo_name(name: str) -> str | None:
    """The call that undoes the step ``name`` (None when its name says nothing)."""
    words = name.split("_")
    for index, word in enumerate(words):
        undo = UNDO_WORDS.get(word)
        if undo is not None:
            return "_".join([*words[:index], undo, *words[index + 1 :]])
    return None


def paired_steps(function: Function) -> Mapping[str, str]:
    """Step name -> its undo, for the steps ``function`` both takes and undoes."""
    called = {c.callee for c in function.calls}
    out: dict[str, str] = {}
    for name in sorted(called):
        undo = undo_name(name)
        if undo is not None and undo in called and undo != name:
            out[name] = undo
    return MappingProxyType(out)


# -- guest data ----------------------------------------------------------------------------

FunctionKey = tuple[str, int]  # (path, line): same-named static functions stay apart


def key_of(function: Function) -> FunctionKey:
    return (function.path, function.line)


@dataclass(slots=True)
class _FunctionTaint:
    variables: dict[str, str] = field(default_factory=dict)  # name -> where it comes from
    registers: set[str] = field(default_factory=set)  # names holding the guest's registers


class Taint:
    """Which variables hold guest-chosen values, function by function."""

    def __init__(self, tree: ArmTree) -> None:
        self._tree = tree
        self._state: dict[FunctionKey, _FunctionTaint] = {}
        self._run()

    # -- queries ---------------------------------------------------------------------------

    def variables(self, function: Function) -> Mapping[str, str]:
        state = self._state.get(key_of(function))
        return MappingProxyType(state.variables if state is not None else {})

    def registers(self, function: Function) -> frozenset[str]:
        state = self._state.get(key_of(function))
        return frozenset(state.registers if state is not None else ())

    def tainted_in(self, function: Function, text: str) -> tuple[str, str] | None:
        """The first guest-chosen value ``text`` reads in ``function``, indices included:
        (what, origin)."""
        state = self._state.get(key_of(function))
        if state is None:
            return None
        return self._tainted(state, text, indices=True)

    # -- analysis --------------------------------------------------------------------------

    def _tainted(
        self, state: _FunctionTaint, text: str, indices: bool = False
    ) -> tuple[str, str] | None:
        """What guest value ``text`` carries.  Without ``indices``, as a value that flows
        on: an address (``&x``) or an element chosen by a guest index (``a[i]``) is Xen's
        data, not the guest's."""
        expanded = self._tree.expanded(text)
        for regs in state.registers:
            expanded = re.sub(
                r"\b(?:"
                + "|".join(REG_ACCESSORS)
                + r")\s*\(\s*&?\s*"
                + re.escape(regs)
                + r"\s*,[^()]*\)",
                f" {_GUEST_REG} ",
                expanded,
            )
            expanded = re.sub(
                r"(?<![\w>.])" + re.escape(regs) + r"\s*->\s*[xrw]\d+\b",
                f" {_GUEST_REG} ",
                expanded,
            )
        plain = self._tree.stripped(expanded)
        if not indices:
            address = plain.strip().lstrip("( ")
            if address.startswith("&"):
                # The address of guest data is guest data; any other address is Xen's.
                operand = address[1:].strip().rstrip(") ")
                if _IDENT.fullmatch(operand) and operand in state.variables:
                    return operand, state.variables[operand]
                return None
            plain = _drop_subscripts(plain)
        if _GUEST_REG in plain:
            return text.strip(), "the guest's registers"
        for name in root_names(plain):
            if name in state.variables:
                return name, state.variables[name]
        return None

    def _seed(self) -> None:
        for entry in self._tree.facts.entry_points():
            function = entry.function
            if function is None:
                continue
            state = self._state.setdefault(key_of(function), _FunctionTaint())
            for param in function.params:
                if not param.name:
                    continue
                kind = param.type
                if entry.kind is EntryKind.HYPERCALL:
                    state.variables.setdefault(
                        param.name, f"argument {param.name} of the {entry.name} hypercall"
                    )
                elif "cpu_user_regs" in kind:
                    state.registers.add(param.name)
                elif "hsr" in kind or "vcpu" in kind or "domain" in kind or "void" in kind:
                    continue
                elif entry.kind is EntryKind.MMIO or re.search(
                    r"\b(?:register_t|u?int\d*_t|unsigned|int|long|paddr_t)\b", kind
                ):
                    origin = (
                        "the guest's MMIO access"
                        if entry.kind is EntryKind.MMIO
                        else "the guest's registers"
                    )
                    state.variables.setdefault(param.name, origin)

    def _run(self) -> None:
        self._seed()
        queue: deque[FunctionKey] = deque(sorted(self._state))
        queued = set(queue)
        rounds = 0
        while queue and rounds < 20000:
            rounds += 1
            key = queue.popleft()
            queued.discard(key)
            function = self._tree.function_by_key(key)
            if function is None:
                continue
            state = self._state[key]
            self._local(function, state)
            for callee, index, registers, origin in self._passed(function, state):
                for target in self._tree.facts.functions(callee):
                    if index >= len(target.params) or not target.params[index].name:
                        continue
                    name = target.params[index].name
                    other = self._state.setdefault(key_of(target), _FunctionTaint())
                    changed = False
                    if registers and name not in other.registers:
                        other.registers.add(name)
                        changed = True
                    if origin is not None and name not in other.variables:
                        other.variables[name] = origin
                        changed = True
                    if changed and key_of(target) not in queued:
                        queue.append(key_of(target))
                        queued.add(key_of(target))

    def _passed(
        self, function: Function, state: _FunctionTaint
    ) -> list[tuple[str, int, bool, str | None]]:
        """What ``function`` hands to the functions it calls: (callee, argument index,
        the guest's registers, the origin of a guest value) for each tainted argument."""
        key = (
            frozenset(state.variables.items()),
            frozenset(state.registers),
            self._tree.signature(),
        )

        def make() -> list[tuple[str, int, bool, str | None]]:
            out: list[tuple[str, int, bool, str | None]] = []
            for call in function.calls:
                if call.kind is not CallKind.FUNCTION:
                    continue
                for index, argument in enumerate(call.args):
                    registers = argument.strip().lstrip("&").strip() in state.registers
                    found = self._tainted(state, argument)
                    if registers or found is not None:
                        out.append(
                            (call.callee, index, registers, None if found is None else found[1])
                        )
            return out

        return shared("passed", function, key, make)

    def _local(self, function: Function, state: _FunctionTaint) -> None:
        key = (
            frozenset(state.variables.items()),
            frozenset(state.registers),
            self._tree.signature(),
        )

        def make() -> tuple[dict[str, str], set[str]]:
            work = _FunctionTaint(dict(state.variables), set(state.registers))
            self._local_flow(function, work)
            return work.variables, work.registers

        variables, registers = shared("taint", function, key, make)
        state.variables.update(variables)
        state.registers.update(registers)

    def _local_flow(self, function: Function, state: _FunctionTaint) -> None:
        tree = self._tree
        inits = tree.local_inits(function)
        for _ in range(6):
            before = (len(state.variables), len(state.registers))
            for name, value in inits.items():
                self._flow_into(state, name, value)
            for assignment in function.assignments:
                if assignment.value is None or assignment.through_pointer:
                    continue
                target = assignment.base or assignment.target.strip()
                if _IDENT.fullmatch(target):
                    self._flow_into(state, target, assignment.value)
            for call in function.calls:
                if call.callee in GUEST_COPIES and call.args:
                    names = root_names(call.args[0])
                    if names:
                        state.variables.setdefault(names[0], "memory copied from the guest")
                elif (
                    call.assigned_to is not None
                    and _IDENT.fullmatch(call.assigned_to)
                    and (call.callee in REG_ACCESSORS or not tree.is_function(call.callee))
                ):
                    self._flow_into(state, call.assigned_to, call.text)
            if (len(state.variables), len(state.registers)) == before:
                break

    def _flow_into(self, state: _FunctionTaint, name: str, value: str) -> None:
        if name in state.variables:
            return
        plain = value.strip()
        if plain.lstrip("&").strip() in state.registers:
            state.registers.add(name)
            return
        found = self._tainted(state, value)
        if found is not None:
            state.variables[name] = found[1]


def _privileged_calls(function: Function) -> frozenset[tuple[int, int]]:
    out: set[tuple[int, int]] = set()

    def visit(steps: Sequence[Step], privileged: bool) -> None:
        gate = privileged
        for step in steps:
            if isinstance(step, Call):
                if gate:
                    out.add((step.line, step.column))
            elif isinstance(step, Branch):
                condition = step.condition
                negated = _NEGATED_PRIVILEGE.search(condition) is not None
                positive = _PRIVILEGE.search(condition) is not None and not negated
                visit(step.then, gate or positive)
                visit(step.otherwise or (), gate or (negated and "||" not in condition))
                if negated and "||" not in condition and _ends_with_exit(step.then):
                    gate = True
            elif isinstance(step, Loop):
                visit(step.body, gate)
            elif isinstance(step, Switch):
                for case in step.cases:
                    visit(case.body, gate)

    visit(function.steps, False)
    return frozenset(out)


# -- the tree ------------------------------------------------------------------------------

_LABELS = re.compile(r"^(?:(?:case\s+[^:]+|default|[A-Za-z_]\w*)\s*:(?!:)\s*)+")
_DECLARATION = re.compile(
    r"^\s*+(?:(?:const|static|volatile|unsigned|signed|struct|union|enum)\s++)*"
    r"[A-Za-z_]\w*+(?:\s++|\s*+\*++\s*+)(?:const\s++)?\**+\s*+([A-Za-z_]\w*+)"
    r"\s*+(?:\[[^\]]*+\])?\s*+=([^;]++);",
)


class ArmTree:
    """The analyses of one tree state, computed on demand and kept."""

    def __init__(self, facts: TreeFacts, read: Callable[[str], str | None]) -> None:
        self.facts = facts
        self._read = read
        self._lines: dict[str, list[str]] = {}
        self._inits: dict[FunctionKey, Mapping[str, str]] = {}
        self._by_key = {key_of(f): f for f in facts.all_functions()}
        self._memo: dict[str, object] = {}

    def cached(self, name: str, make: Callable[[], T]) -> T:
        """``make()``, computed once for this tree (for a rule's own per-tree facts)."""
        key = f"rule:{name}"
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]  # type: ignore[return-value]

    def reverse_adjacency(self, tasklets: bool = True) -> Mapping[str, tuple[str, ...]]:
        """Callee -> the functions that may run it (every edge kind, tasklets too)."""

        def make() -> Mapping[str, tuple[str, ...]]:
            out: dict[str, list[str]] = {}
            for caller, callees in self.adjacency(frozenset(EdgeKind), tasklets).items():
                for callee in callees:
                    out.setdefault(callee, []).append(caller)
            return MappingProxyType({k: tuple(v) for k, v in out.items()})

        return self.cached(f"reverse:{tasklets}", make)

    def signature(self) -> int:
        """What the texts' meaning depends on: the tree's macros and function names."""
        memo = self._memo.get("signature")
        if memo is None:
            macros = sorted(
                (m.name, m.params or (), m.body)
                for cfile in self.facts.files.values()
                for m in cfile.macros
            )
            memo = hash((tuple(macros), self.facts.function_names()))
            self._memo["signature"] = memo
        assert isinstance(memo, int)
        return memo

    def expanded(self, text: str) -> str:
        """:meth:`expand_macros`, memoised across trees with the same macros."""
        key = ("expanded", text, self.signature())
        found = _TEXTS.get(key)
        if found is None:
            found = _TEXTS[key] = self.expand_macros(text)
        return found

    def stripped(self, text: str) -> str:
        """:func:`strip_calls` with this tree's functions, memoised likewise."""
        key = ("stripped", text, self.signature())
        found = _TEXTS.get(key)
        if found is None:
            found = _TEXTS[key] = strip_calls(text, self.is_function)
        return found

    def rebind(self, read: Callable[[str], str | None]) -> None:
        """Read the tree's files through ``read`` from now on (same files, another reader)."""
        self._read = read

    # -- text ----------------------------------------------------------------------------------

    def lines(self, path: str) -> list[str]:
        if path not in self._lines:
            text = self._read(path)
            self._lines[path] = [] if text is None else text.split("\n")
        return self._lines[path]

    def line_text(self, path: str, line: int) -> str:
        lines = self.lines(path)
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def statement_text(self, path: str, line: int, end_line: int | None = None) -> str:
        """The source from ``line`` to ``end_line`` (or to the next ``;``), folded."""
        lines = self.lines(path)
        if not 0 < line <= len(lines):
            return ""
        last = end_line if end_line is not None else line
        if end_line is None:
            while last < len(lines) and ";" not in lines[last - 1] and last - line < 8:
                last += 1
        return " ".join(part.strip() for part in lines[line - 1 : last])

    def local_inits(self, function: Function) -> Mapping[str, str]:
        """Local variables initialised where they are declared: name -> initialiser."""
        key = key_of(function)
        if key not in self._inits:
            self._inits[key] = shared("inits", function, (), lambda: self._scan_inits(function))
        return self._inits[key]

    def _scan_inits(self, function: Function) -> Mapping[str, str]:
        found: dict[str, str] = {}
        lines = self.lines(function.path)
        body = " \n".join(lines[function.body_line : max(function.body_end_line - 1, 0)])
        body = re.sub(r"/\*.*?\*/|//[^\n]*", " ", body, flags=re.S)
        for statement in re.split(r"(?<=;)|[{}]", body):
            text = _LABELS.sub("", " ".join(statement.split()))
            match = _DECLARATION.match(text)
            if match is None:
                continue
            if match.group(0).split()[0] in ("return", "else"):
                continue
            found.setdefault(match.group(1), match.group(2).strip())
        return MappingProxyType(found)

    # -- functions -----------------------------------------------------------------------------

    def function_by_key(self, key: FunctionKey) -> Function | None:
        return self._by_key.get(key)

    def is_function(self, name: str) -> bool:
        """``name`` is a function (defined, or called as one and not a known macro)."""
        if self.facts.functions(name):
            return True
        if self.facts.macro(name) is not None:
            return False
        return not name.isupper() and name not in ("min", "max", "array_index_nospec")

    def expand_macros(self, text: str, depth: int = 2) -> str:
        """``text`` with the tree's function-like macros expanded (``depth`` levels)."""
        for _ in range(depth):
            clean = _no_strings(text)
            out: list[str] = []
            index = 0
            changed = False
            for match in re.finditer(r"([A-Za-z_]\w*)\s*\(", clean):
                name = match.group(1)
                if match.start() < index or not self.facts.is_macro(name):
                    continue
                args, end = _split_arguments(clean, match.end() - 1)
                expansion = self.facts.expand(name, args)
                if expansion is None:
                    continue
                out.append(clean[index : match.start()])
                out.append("(" + expansion + ")")
                index = end + 1
                changed = True
            out.append(clean[index:])
            text = "".join(out)
            if not changed:
                break
        return text

    def function_refs(self, text: str) -> tuple[str, ...]:
        """The functions of the tree ``text`` names as values (``fn``, ``&fn``, ``(cast)fn``)."""
        plain = re.sub(r"\([^()]*\)\s*(?=&?\s*[A-Za-z_])", " ", text)
        out = []
        for name in _IDENT.findall(plain):
            if self.facts.functions(name) and name not in out:
                out.append(name)
        return tuple(out)

    # -- tasklets -------------------------------------------------------------------------------

    @staticmethod
    def tasklet_key(expression: str) -> str:
        """The name a tasklet is known by: the last member or variable of ``&d->arch.t``."""
        names = _IDENT.findall(expression)
        return names[-1] if names else ""

    def tasklet_handlers(self) -> Mapping[str, tuple[str, ...]]:
        """Tasklet name -> the handlers registered for it in the tree."""
        memo = self._memo.get("tasklets")
        if memo is None:
            found: dict[str, list[str]] = {}
            for cfile in self.facts.files.values():
                for call in cfile.calls:
                    registers = call.callee in TASKLET_INITS + TASKLET_DECLARATIONS
                    if not registers or len(call.args) < 2:
                        continue
                    key = self.tasklet_key(call.args[0])
                    for name in self.function_refs(call.args[1]):
                        found.setdefault(key, [])
                        if name not in found[key]:
                            found[key].append(name)
            memo = MappingProxyType({k: tuple(v) for k, v in found.items()})
            self._memo["tasklets"] = memo
        assert isinstance(memo, Mapping)
        return memo

    def scheduled_handlers(self, call: Call) -> tuple[str, ...]:
        """The handlers a ``tasklet_schedule*()`` call makes run (empty for other calls)."""
        if call.callee not in TASKLET_SCHEDULERS or not call.args:
            return ()
        return self.tasklet_handlers().get(self.tasklet_key(call.args[0]), ())

    # -- reachability ----------------------------------------------------------------------------

    def adjacency(
        self, kinds: frozenset[EdgeKind], tasklets: bool
    ) -> Mapping[str, tuple[str, ...]]:
        name = f"adjacency:{sorted(k.value for k in kinds)}:{tasklets}"
        memo = self._memo.get(name)
        if memo is None:
            graph: dict[str, list[str]] = {}
            for edge in self.facts.edges():
                if edge.kind in kinds:
                    targets = graph.setdefault(edge.caller, [])
                    if edge.callee not in targets:
                        targets.append(edge.callee)
            if tasklets:
                for function in self.facts.all_functions():
                    for call in function.calls:
                        for handler in self.scheduled_handlers(call):
                            targets = graph.setdefault(function.name, [])
                            if handler not in targets:
                                targets.append(handler)
            memo = MappingProxyType({k: tuple(v) for k, v in graph.items()})
            self._memo[name] = memo
        assert isinstance(memo, Mapping)
        return memo

    def reach(
        self,
        roots: Iterable[str],
        *,
        kinds: Iterable[EdgeKind] = (EdgeKind.CALL, EdgeKind.MEMBER, EdgeKind.TABLE),
        tasklets: bool = False,
        blocked: Iterable[str] = (),
    ) -> Mapping[str, tuple[str, ...]]:
        """Name -> a shortest path from ``roots`` (breadth first, deterministic).

        One parent per name is kept, each path built when asked for
        (:class:`~xenreview.code.facts.ShortestPaths`): memory linear in the
        names reached, even along a long call chain.
        """
        graph = self.adjacency(frozenset(kinds), tasklets)
        stop = frozenset(blocked)
        parent: dict[str, str | None] = {}
        queue: deque[str] = deque()
        for root in roots:
            if root not in parent and root not in stop:
                parent[root] = None
                queue.append(root)
        while queue:
            current = queue.popleft()
            for callee in graph.get(current, ()):
                if callee not in parent and callee not in stop:
                    parent[callee] = current
                    queue.append(callee)
        return ShortestPaths(parent)

    def _cached_reach(
        self, name: str, make: Callable[[], Mapping[str, tuple[str, ...]]]
    ) -> Mapping[str, tuple[str, ...]]:
        memo = self._memo.get(name)
        if memo is None:
            memo = make()
            self._memo[name] = memo
        assert isinstance(memo, Mapping)
        return memo

    def entry_names(self, *kinds: EntryKind) -> tuple[str, ...]:
        wanted = set(kinds) or set(EntryKind)
        return tuple(e.name for e in self.facts.entry_points() if e.kind in wanted)

    def guest_any(self) -> Mapping[str, tuple[str, ...]]:
        """What a guest can make Xen run, now or later (every edge kind)."""
        return self.facts.guest_reachable()

    def guest_sync(self) -> Mapping[str, tuple[str, ...]]:
        """What runs within a guest's trap, on the trapping pCPU (no callbacks)."""
        return self._cached_reach("guest_sync", lambda: self.reach(self._entry_roots()))

    def _entry_roots(self) -> list[str]:
        entries = self.facts.entry_points()
        return [e.name for e in entries if e.kind is EntryKind.TRAP] + [
            e.name for e in entries if e.kind is not EntryKind.TRAP
        ]

    def irq_reach(self) -> Mapping[str, tuple[str, ...]]:
        """What the interrupt path runs, directly or from the tasklets it schedules."""
        return self._cached_reach(
            "irq",
            lambda: self.reach(
                [n for n in IRQ_ENTRIES if self.facts.functions(n)],
                kinds=(EdgeKind.CALL, EdgeKind.MEMBER),
                tasklets=True,
            ),
        )

    def hypercall_dispatchers(self) -> frozenset[str]:
        """Functions that call through a hypercall table, and the table's handlers."""
        memo = self._memo.get("dispatchers")
        if memo is None:
            tables = set(self.facts.hypercall_tables())
            handlers = {e.function for e in self.facts.table_entries() if e.table in tables}
            users = {
                f.name for f in self.facts.all_functions() if any(u.name in tables for u in f.uses)
            }
            memo = frozenset(handlers | users)
            self._memo["dispatchers"] = memo
        assert isinstance(memo, frozenset)
        return memo

    def non_hypercall_trap(self) -> Mapping[str, tuple[str, ...]]:
        """What runs within a guest trap that is not a hypercall (SMCCC/PSCI, MMIO, aborts)."""
        return self._cached_reach(
            "non_hypercall",
            lambda: self.reach(
                [
                    *self.entry_names(EntryKind.SMCCC),
                    *self.entry_names(EntryKind.TRAP),
                    *self.entry_names(EntryKind.MMIO),
                ],
                blocked=self.hypercall_dispatchers(),
            ),
        )

    # -- privilege -----------------------------------------------------------------------------

    def privileged_calls(self, function: Function) -> frozenset[tuple[int, int]]:
        """Calls of ``function`` that only the hardware or a control domain reaches."""
        return shared("privileged", function, (), lambda: _privileged_calls(function))

    def unprivileged_reach(self) -> Mapping[str, tuple[str, ...]]:
        """What any guest, without privilege, can make run within its trap."""

        def make() -> Mapping[str, tuple[str, ...]]:
            parent: dict[str, str | None] = {}  # paths built on demand, as in reach()
            queue: deque[str] = deque()
            for root in self._entry_roots():
                if root not in parent:
                    parent[root] = None
                    queue.append(root)
            registered = self.adjacency(frozenset((EdgeKind.MEMBER, EdgeKind.TABLE)), False)
            while queue:
                current = queue.popleft()
                for function in self.facts.functions(current):
                    closed = self.privileged_calls(function)
                    for call in function.calls:
                        if (call.line, call.column) in closed:
                            continue
                        targets: tuple[str, ...] = ()
                        if call.kind is CallKind.FUNCTION and self.facts.functions(call.callee):
                            targets = (call.callee,)
                        for target in targets:
                            if target not in parent:
                                parent[target] = current
                                queue.append(target)
                for target in registered.get(current, ()):
                    if target not in parent:
                        parent[target] = current
                        queue.append(target)
            return ShortestPaths(parent)

        return self._cached_reach("unprivileged", make)

    # -- guest data ----------------------------------------------------------------------------

    def taint(self) -> Taint:
        memo = self._memo.get("taint")
        if memo is None:
            memo = Taint(self)
            self._memo["taint"] = memo
        assert isinstance(memo, Taint)
        return memo

    def exit_tests(self, function: Function) -> tuple[tuple[int, str], ...]:
        """``(line, condition)`` of the tests whose then-branch leaves (return, goto,
        break, continue): the validations of the code after them."""

        def make() -> tuple[tuple[int, str], ...]:
            out: list[tuple[int, str]] = []
            for step, _ in walk_with_guards(function.steps):
                if isinstance(step, Branch) and _ends_with_exit(step.then):
                    out.append((step.line, step.condition))
            return tuple(out)

        return shared("exit_tests", function, (), make)

    def validated(
        self, function: Function, variable: str, line: int, guards: Iterable[str] = ()
    ) -> bool:
        """``variable`` was tested before ``line``: by an enclosing condition, or by an
        earlier test that leaves the function (or loop, or case) when it fails."""
        if any(mentions(text, variable) for text in guards):
            return True
        return any(
            test_line < line and mentions(condition, variable)
            for test_line, condition in self.exit_tests(function)
        )


def guard_texts(guards: Sequence[Guard]) -> tuple[str, ...]:
    """The texts of a call's guards (conditions, loop headers, switch subjects)."""
    out: list[str] = []
    for guard in guards:
        if guard.kind is GuardKind.PREPROC:
            continue
        out.append(guard.text)
        if guard.subject is not None:
            out.append(guard.subject)
    return tuple(out)


_MEMO: OrderedDict[int, tuple[TreeFacts, ArmTree]] = OrderedDict()


def arm_tree(view: TreeView) -> ArmTree | None:
    """The analyses of the tree ``view`` shows (None without C facts), memoised."""
    facts = view.facts
    if facts is None:
        return None
    key = id(facts)
    found = _MEMO.get(key)
    if found is not None and found[0] is facts:
        _MEMO.move_to_end(key)
        # The same facts mean the same C files: only the way to read them may change
        # (another applied series holding the same tree).
        found[1].rebind(view.read)
        return found[1]
    tree = ArmTree(facts, view.read)
    _MEMO[key] = (facts, tree)
    while len(_MEMO) > _MEMO_SIZE:
        _MEMO.popitem(last=False)
    return tree
