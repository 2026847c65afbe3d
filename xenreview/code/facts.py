"""C facts of a whole tree: functions, call sites, a call graph, guest entry points.

:func:`facts_for_tree` builds :class:`TreeFacts` for the tree after one
patch of an applied series (every ``.c``/``.h`` under ``xen/``, each blob
parsed once through a :class:`~xenreview.code.parse.FactCache`);
:func:`facts_for_directory` does the same for a checked-out tree.

The call graph is by function name (two ``static`` functions of the same
name in different files share a node).  Its edges (:class:`Edge`) are of
four kinds:

* ``call``: a direct call ``f(...)`` (macros are not followed);
* ``pointer``: a function named as a value in another's body, the usual way
  Xen registers a callback (``tasklet_init(&t, handler, d)``,
  ``continue_hypercall_on_cpu(0, system_suspend, NULL)``): the callee may
  run later on behalf of the caller;
* ``table``: a function uses a variable initialised with function pointers
  (``arm_hypercall_table[nr].fn``): every function of the table;
* ``member``: an indirect call through a member (``handler->ops->read(...)``)
  to every function registered under that member name, by an initialiser
  (``.read = vgic_read``) or an assignment (``ops->read = vgic_read``).

Guest entry points (:meth:`TreeFacts.entry_points`) are found from the code:
the entries of hypercall tables (a table whose name contains
``hypercall_table`` or whose entries are indexed by ``__HYPERVISOR_*``,
macros such as ``HYPERCALL(sched_op, 2)`` expanded with their definition
from the tree), the virtual PSCI/SMCCC dispatchers (functions named
``do_vpsci_*call``), the MMIO emulation handlers (functions registered with
one of :data:`MMIO_REGISTRARS`, directly or through an ops structure, and
every function of an initialiser of the ops structure type those
registrars take), and the architectural trap entries, the only fixed list
(:data:`ARCH_TRAP_ENTRIES`: the functions Xen's Arm exception vectors call
when a guest traps, which no table names).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from xenreview.code import flow
from xenreview.code.model import (
    Call,
    CallKind,
    CFile,
    Function,
    InitEntry,
    Initializer,
    MacroDef,
    SwitchCase,
)
from xenreview.code.parse import FactCache, blob_id
from xenreview.errors import InputError

if TYPE_CHECKING:
    from xenreview.apply.model import AppliedSeries

__all__ = [
    "ARCH_TRAP_ENTRIES",
    "MMIO_REGISTRARS",
    "Edge",
    "EdgeKind",
    "EntryKind",
    "EntryPoint",
    "ListingTreeReader",
    "ShortestPaths",
    "TableEntry",
    "TreeFacts",
    "TreeSource",
    "expand_macro",
    "facts_for_directory",
    "facts_for_files",
    "facts_for_tree",
    "is_c_path",
    "series_tree_paths",
]

# The functions Xen/Arm's exception vectors (arch/arm/arm{32,64}/entry.S and
# traps.c) enter when a guest traps: hypercalls (HVC), SMCCC calls such as
# PSCI (HVC/SMC), stage 2 data and instruction aborts (MMIO emulation) and
# system register accesses.  No table lists them: they are named here.
ARCH_TRAP_ENTRIES = (
    "do_trap_guest_sync",
    "do_trap_guest_serror",
    "do_trap_hvc",
    "do_trap_hvc32",
    "do_trap_hvc64",
    "do_trap_smc",
    "do_trap_hypercall",
    "do_trap_stage2_abort_guest",
    "do_trap_data_abort_guest",
    "do_trap_instr_abort_guest",
    "do_trap_sysreg",
    "do_trap_cp15_32",
    "do_trap_cp15_64",
)

# Functions that register an MMIO emulation handler for a guest.
MMIO_REGISTRARS = ("register_mmio_handler",)

_VPSCI_RE = re.compile(r"^do_vpsci_\w*call$")
_IDENT_RE = re.compile(r"[A-Za-z_]\w*")
_DESIGNATOR_RE = re.compile(r"^\s*+\[([^\]]++)\]\s*+=")  # the index is stripped by the caller
_HYPERCALL_INDEX = "__HYPERVISOR_"


class EdgeKind(StrEnum):
    CALL = "call"
    POINTER = "pointer"
    TABLE = "table"
    MEMBER = "member"


@dataclass(frozen=True, slots=True)
class Edge:
    """``caller`` may run ``callee``; ``path:line`` is where the caller says so."""

    caller: str
    callee: str
    kind: EdgeKind
    path: str
    line: int

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


class EntryKind(StrEnum):
    TRAP = "trap"  # an architectural trap entry (ARCH_TRAP_ENTRIES)
    SMCCC = "smccc"  # a virtual PSCI / SMCCC dispatcher
    HYPERCALL = "hypercall"  # an entry of a hypercall table
    MMIO = "mmio"  # an MMIO emulation handler


_KIND_ORDER = {EntryKind.TRAP: 0, EntryKind.SMCCC: 1, EntryKind.HYPERCALL: 2, EntryKind.MMIO: 3}


@dataclass(frozen=True, slots=True)
class EntryPoint:
    """A function a guest can make Xen run, and why we think so (``path:line``)."""

    name: str
    kind: EntryKind
    evidence: str
    path: str
    line: int
    function: Function | None  # its definition, when the tree has one

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class TableEntry:
    """A function pointer in an initialiser (``[__HYPERVISOR_sched_op] .fn = do_sched_op``)."""

    table: str
    index: str | None  # the first [..] designator's content
    member: str | None  # the last .member designator
    function: str
    path: str
    line: int
    via_macro: str | None = None  # the macro the entry was written with

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


class TreeSource(Protocol):
    """What :func:`facts_for_tree` reads: the apply stage's ``AppliedSeries`` is one."""

    def read(self, path: str, after_patch: int) -> str | None: ...


@runtime_checkable
class ListingTreeReader(Protocol):
    """A reader that can also list the tree's files (proposed for ``AppliedSeries``)."""

    def read(self, path: str, after_patch: int) -> str | None: ...

    def paths(self, after_patch: int) -> Sequence[str]: ...


def is_c_path(path: str) -> bool:
    """A C source or header under ``xen/``."""
    return path.startswith("xen/") and path.endswith((".c", ".h"))


class ShortestPaths(Mapping[str, tuple[str, ...]]):
    """Name -> one shortest path to it (root first, the name last), from parent links.

    A breadth-first search keeps one parent per name: memory linear in the
    names reached.  Building every path up front is quadratic along a call
    chain (a patch adding a chain of 20,000 functions: gigabytes), so each
    path is built when asked for (in time linear in its length).  Iteration
    follows the search order.
    """

    __slots__ = ("_parent",)

    def __init__(self, parent: Mapping[str, str | None]) -> None:
        self._parent = parent

    def __getitem__(self, name: str) -> tuple[str, ...]:
        parent = self._parent
        if name not in parent:
            raise KeyError(name)
        path: list[str] = []
        current: str | None = name
        while current is not None:
            path.append(current)
            current = parent[current]
        return tuple(reversed(path))

    def __contains__(self, name: object) -> bool:
        return name in self._parent

    def __iter__(self) -> Iterator[str]:
        return iter(self._parent)

    def __len__(self) -> int:
        return len(self._parent)

    def __repr__(self) -> str:
        return f"ShortestPaths({len(self)} names)"


class _FirstOf(Mapping[str, tuple[str, ...]]):
    """``first``, then the names of ``second`` that ``first`` lacks (no copy of either)."""

    __slots__ = ("_first", "_second")

    def __init__(
        self, first: Mapping[str, tuple[str, ...]], second: Mapping[str, tuple[str, ...]]
    ) -> None:
        self._first = first
        self._second = second

    def __getitem__(self, name: str) -> tuple[str, ...]:
        return self._first[name] if name in self._first else self._second[name]

    def __contains__(self, name: object) -> bool:
        return name in self._first or name in self._second

    def __iter__(self) -> Iterator[str]:
        yield from self._first
        yield from (name for name in self._second if name not in self._first)

    def __len__(self) -> int:
        return len(self._first) + sum(1 for name in self._second if name not in self._first)


class TreeFacts:
    """The C facts of one whole tree.  Immutable once built; queries are memoised."""

    __slots__ = (
        "_by_name",
        "_by_path",
        "_callers",
        "_edges",
        "_entries",
        "_graph",
        "_index",
        "_macros",
        "_reachable",
        "_starts",
        "_tables",
        "files",
    )

    def __init__(self, files: Iterable[CFile]) -> None:
        ordered = sorted(files, key=lambda f: f.path)
        self.files: Mapping[str, CFile] = MappingProxyType({f.path: f for f in ordered})
        by_name: dict[str, list[Function]] = {}
        self._by_path: dict[str, tuple[Function, ...]] = {}
        self._starts: dict[str, list[int]] = {}
        macros: dict[str, MacroDef] = {}
        for cfile in ordered:
            functions = tuple(sorted(cfile.functions, key=lambda f: (f.line, f.name)))
            self._by_path[cfile.path] = functions
            self._starts[cfile.path] = [f.line for f in functions]
            for function in functions:
                by_name.setdefault(function.name, []).append(function)
            for macro in cfile.macros:
                macros.setdefault(macro.name, macro)
        self._by_name = {name: tuple(fs) for name, fs in by_name.items()}
        self._macros = macros
        self._callers: dict[str, tuple[Call, ...]] | None = None
        self._edges: tuple[Edge, ...] | None = None
        self._graph: Mapping[str, frozenset[str]] | None = None
        self._index: tuple[dict[str, tuple[Edge, ...]], dict[str, tuple[Edge, ...]]] | None = None
        self._tables: tuple[TableEntry, ...] | None = None
        self._entries: tuple[EntryPoint, ...] | None = None
        self._reachable: Mapping[str, tuple[str, ...]] | None = None

    def __repr__(self) -> str:
        return f"TreeFacts({len(self.files)} files, {len(self._by_name)} functions)"

    # -- functions and calls ---------------------------------------------------

    def all_functions(self) -> tuple[Function, ...]:
        """Every function definition, by path then line."""
        return tuple(f for path in self.files for f in self._by_path[path])

    def function_names(self) -> frozenset[str]:
        return frozenset(self._by_name)

    def functions(self, name: str) -> tuple[Function, ...]:
        """The definitions of ``name`` (several for same-named static functions)."""
        return self._by_name.get(name, ())

    def function(self, name: str) -> Function | None:
        """The definition of ``name`` when there is exactly one."""
        found = self._by_name.get(name, ())
        return found[0] if len(found) == 1 else None

    def function_at(self, path: str, line: int) -> Function | None:
        """The function whose definition spans ``line`` of ``path``."""
        functions = self._by_path.get(path, ())
        index = bisect.bisect_right(self._starts.get(path, []), line) - 1
        if index >= 0 and functions[index].contains(line):
            return functions[index]
        return None

    def functions_in_range(self, path: str, first: int, last: int) -> tuple[Function, ...]:
        """The functions of ``path`` that lines ``first``..``last`` touch (a hunk)."""
        return tuple(
            f for f in self._by_path.get(path, ()) if f.line <= last and first <= f.end_line
        )

    def calls_in(self, function: Function) -> tuple[Call, ...]:
        return function.calls

    def cases_in(self, function: Function) -> tuple[SwitchCase, ...]:
        """The switch arms of ``function``: which case labels lead to which calls."""
        cfile = self.files.get(function.path)
        if cfile is None:
            return ()
        return tuple(
            c for c in cfile.cases if c.function == function.name and function.contains(c.line)
        )

    def callers_of(self, name: str) -> tuple[Call, ...]:
        """Every direct call site of ``name`` (or use of the macro ``name``), by place."""
        if self._callers is None:
            callers: dict[str, list[Call]] = {}
            for cfile in self.files.values():
                for call in cfile.calls:
                    callers.setdefault(call.callee, []).append(call)
            self._callers = {k: tuple(v) for k, v in callers.items()}
        return self._callers.get(name, ())

    def macro(self, name: str) -> MacroDef | None:
        return self._macros.get(name)

    def is_macro(self, name: str) -> bool:
        """``name`` is #defined in the tree and is not a function defined there."""
        return name in self._macros and name not in self._by_name

    def initializers(self) -> tuple[Initializer, ...]:
        return tuple(i for cfile in self.files.values() for i in cfile.initializers)

    # -- flow helpers ----------------------------------------------------------

    def call_order(self, function: Function) -> tuple[Call, ...]:
        return flow.call_order(function)

    def error_ladder(self, function: Function) -> tuple[flow.LadderStep, ...]:
        return flow.error_ladder(function)

    def enclosing(self, call: Call) -> Function | None:
        function = self.function_at(call.path, call.line)
        if function is None or function.name != call.function:
            return None
        return function

    def locks_held_at(
        self, call: Call, lock_call_names: Sequence[str] | None = None
    ) -> tuple[Call, ...]:
        function = self.enclosing(call)
        return () if function is None else flow.locks_held_at(function, call, lock_call_names)

    def is_under_lock(self, call: Call, lock_call_names: Sequence[str] | None = None) -> bool:
        return bool(self.locks_held_at(call, lock_call_names))

    # -- tables ----------------------------------------------------------------

    def table_entries(self) -> tuple[TableEntry, ...]:
        """Every function pointer held by an initialiser (macros expanded), by place."""
        if self._tables is None:
            out: list[TableEntry] = []
            for cfile in self.files.values():
                for init in cfile.initializers:
                    for entry in init.entries:
                        out.extend(self._table_entries(cfile, init, entry))
            self._tables = tuple(out)
        return self._tables

    def _table_entries(self, cfile: CFile, init: Initializer, entry: InitEntry) -> list[TableEntry]:
        designators = entry.designators
        names: Sequence[str] = entry.refs
        via = None
        if entry.macro is not None:
            expansion = self.expand(entry.macro, entry.macro_args, prefer=cfile.path)
            if expansion is None:
                return []
            via = entry.macro
            index = _DESIGNATOR_RE.match(expansion)
            if index is not None:
                designators = (*designators[:-1], f"[{index.group(1).strip()}]")
            members = re.findall(r"\.(\w+)\s*=\s*([^,}]*)", expansion)
            out = []
            for member, value in members:
                for name in _IDENT_RE.findall(value):
                    if name in self._by_name:
                        out.append(
                            self._entry(init, (*designators, f".{member}"), name, entry, via)
                        )
            if not members:
                for name in _IDENT_RE.findall(expansion):
                    if name in self._by_name:
                        out.append(self._entry(init, designators, name, entry, via))
            return out
        return [self._entry(init, designators, n, entry, via) for n in names if n in self._by_name]

    @staticmethod
    def _entry(
        init: Initializer, designators: Sequence[str], name: str, entry: InitEntry, via: str | None
    ) -> TableEntry:
        index = next((d[1:-1].strip() for d in designators if d.startswith("[")), None)
        member = next((d[1:] for d in reversed(designators) if d.startswith(".")), None)
        return TableEntry(init.name, index, member, name, init.path, entry.line, via)

    def expand(self, name: str, args: Sequence[str], prefer: str | None = None) -> str | None:
        """One level of expansion of the function-like macro ``name`` (``##`` and ``#`` done)."""
        macro = None
        if prefer is not None and prefer in self.files:
            macro = next((m for m in self.files[prefer].macros if m.name == name), None)
        macro = macro or self._macros.get(name)
        if macro is None or macro.params is None:
            return None
        return expand_macro(macro, args)

    def hypercall_tables(self) -> tuple[str, ...]:
        """Names of the initialisers that are hypercall tables."""
        names = {
            e.table
            for e in self.table_entries()
            if "hypercall_table" in e.table
            or (e.index is not None and e.index.startswith(_HYPERCALL_INDEX))
        }
        return tuple(sorted(names))

    # -- the call graph --------------------------------------------------------

    def edges(self) -> tuple[Edge, ...]:
        """Every edge, by caller's place then source order (one per caller, callee, kind)."""
        if self._edges is None:
            self._edges = tuple(self._build_edges())
        return self._edges

    def _build_edges(self) -> Iterable[Edge]:
        registered: dict[str, list[str]] = {}
        tables: dict[str, list[str]] = {}
        for entry in self.table_entries():
            tables.setdefault(entry.table, []).append(entry.function)
            if entry.member is not None:
                registered.setdefault(entry.member, []).append(entry.function)
        for cfile in self.files.values():
            for assignment in cfile.assignments:
                if (
                    assignment.member is not None
                    and assignment.value is not None
                    and assignment.value.lstrip("&") in self._by_name
                ):
                    registered.setdefault(assignment.member, []).append(
                        assignment.value.lstrip("&")
                    )
        for function in self.all_functions():
            yield from self._function_edges(function, registered, tables)

    def _function_edges(
        self,
        function: Function,
        registered: Mapping[str, Sequence[str]],
        tables: Mapping[str, Sequence[str]],
    ) -> list[Edge]:
        seen: set[tuple[str, EdgeKind]] = set()
        items: list[tuple[int, int, Edge]] = []

        def add(callee: str, kind: EdgeKind, line: int, column: int) -> None:
            if (callee, kind) not in seen:
                seen.add((callee, kind))
                items.append((line, column, Edge(function.name, callee, kind, function.path, line)))

        for call in function.calls:
            if call.kind is CallKind.INDIRECT:
                for target in registered.get(call.member or "", ()):
                    add(target, EdgeKind.MEMBER, call.line, call.column)
            elif call.callee in self._by_name or (
                call.kind is CallKind.FUNCTION and call.callee not in self._macros
            ):
                add(call.callee, EdgeKind.CALL, call.line, call.column)
        for use in function.uses:
            if use.name in self._by_name:
                add(use.name, EdgeKind.POINTER, use.line, 0)
            for target in tables.get(use.name, ()):
                add(target, EdgeKind.TABLE, use.line, 0)
        items.sort(key=lambda item: (item[0], item[1]))
        return [edge for _, _, edge in items]

    def edges_from(self, name: str) -> tuple[Edge, ...]:
        """The edges out of ``name``, in source order."""
        return self._edge_index()[0].get(name, ())

    def edges_to(self, name: str) -> tuple[Edge, ...]:
        """The edges into ``name`` (its callers, callback registrations, tables)."""
        return self._edge_index()[1].get(name, ())

    def _edge_index(self) -> tuple[dict[str, tuple[Edge, ...]], dict[str, tuple[Edge, ...]]]:
        if self._index is None:
            out: dict[str, list[Edge]] = {}
            into: dict[str, list[Edge]] = {}
            for edge in self.edges():
                out.setdefault(edge.caller, []).append(edge)
                into.setdefault(edge.callee, []).append(edge)
            self._index = (
                {k: tuple(v) for k, v in out.items()},
                {k: tuple(v) for k, v in into.items()},
            )
        return self._index

    def call_graph(self) -> Mapping[str, frozenset[str]]:
        """Function name -> the names it may run (edges of every kind).

        Every function the tree defines is a key, with no callee if need be.
        """
        if self._graph is None:
            graph: dict[str, set[str]] = {name: set() for name in sorted(self._by_name)}
            for edge in self.edges():
                graph.setdefault(edge.caller, set()).add(edge.callee)
            self._graph = MappingProxyType({k: frozenset(v) for k, v in sorted(graph.items())})
        return self._graph

    def reachable_from(
        self, roots: Iterable[str], kinds: Iterable[EdgeKind] | None = None
    ) -> Mapping[str, tuple[str, ...]]:
        """Every name reachable from ``roots`` -> one shortest path (root first, itself last).

        Breadth first from all roots at once, roots in the order given and
        each function's edges in source order, so the answer is deterministic.
        """
        allowed = frozenset(EdgeKind) if kinds is None else frozenset(kinds)
        adjacency: dict[str, list[str]] = {}
        for edge in self.edges():
            if edge.kind in allowed:
                targets = adjacency.setdefault(edge.caller, [])
                if edge.callee not in targets:
                    targets.append(edge.callee)
        parent: dict[str, str | None] = {}
        queue: deque[str] = deque()
        for root in roots:
            if root not in parent:
                parent[root] = None
                queue.append(root)
        while queue:
            name = queue.popleft()
            for callee in adjacency.get(name, ()):
                if callee not in parent:
                    parent[callee] = name
                    queue.append(callee)
        return ShortestPaths(parent)

    def path_edges(self, path: Sequence[str]) -> tuple[Edge, ...]:
        """The edge used at each step of a path from :meth:`reachable_from` (for messages)."""
        out: list[Edge] = []
        for caller, callee in itertools.pairwise(path):
            edge = next((e for e in self.edges_from(caller) if e.callee == callee), None)
            if edge is not None:
                out.append(edge)
        return tuple(out)

    # -- guest entry points ----------------------------------------------------

    def entry_points(self) -> tuple[EntryPoint, ...]:
        """Every guest entry point with its evidence: traps, SMCCC, hypercalls, MMIO."""
        if self._entries is None:
            found: dict[str, EntryPoint] = {}
            for entry in self._find_entries():
                found.setdefault(entry.name, entry)
            self._entries = tuple(
                sorted(found.values(), key=lambda e: (_KIND_ORDER[e.kind], e.path, e.line, e.name))
            )
        return self._entries

    def _find_entries(self) -> Iterable[EntryPoint]:
        for name in ARCH_TRAP_ENTRIES:
            function = self.function(name) or next(iter(self.functions(name)), None)
            if function is not None:
                yield EntryPoint(
                    name,
                    EntryKind.TRAP,
                    "architectural trap entry",
                    function.path,
                    function.name_line,
                    function,
                )
        for function in self.all_functions():
            if _VPSCI_RE.match(function.name):
                yield EntryPoint(
                    function.name,
                    EntryKind.SMCCC,
                    "virtual PSCI dispatcher",
                    function.path,
                    function.name_line,
                    function,
                )
        hypercall_tables = set(self.hypercall_tables())
        for entry in self.table_entries():
            if entry.table in hypercall_tables:
                where = f"[{entry.index}]" if entry.index is not None else ""
                yield EntryPoint(
                    entry.function,
                    EntryKind.HYPERCALL,
                    f"entry {where} of {entry.table}".replace("  ", " "),
                    entry.path,
                    entry.line,
                    self._definition(entry.function),
                )
        yield from self._mmio_entries()

    def _definition(self, name: str) -> Function | None:
        return next(iter(self.functions(name)), None)

    def _mmio_entries(self) -> Iterable[EntryPoint]:
        by_name = {i.name: i for i in self.initializers() if i.function is None}
        ops_types: set[str] = set()
        for registrar in MMIO_REGISTRARS:
            for function in self.functions(registrar):
                for param in function.params:
                    struct = re.search(r"\bstruct\s+(\w+)", param.type)
                    if struct is not None:
                        ops_types.add(struct.group(1))
            for call in self.callers_of(registrar):
                for arg in call.args:
                    name = re.sub(r"^\(.*?\)", "", arg.strip()).strip().lstrip("&").strip()
                    if name in self._by_name:
                        yield EntryPoint(
                            name,
                            EntryKind.MMIO,
                            f"registered with {registrar}()",
                            call.path,
                            call.line,
                            self._definition(name),
                        )
                    elif name in by_name:
                        for entry in self.table_entries():
                            if entry.table == name and entry.path == by_name[name].path:
                                yield EntryPoint(
                                    entry.function,
                                    EntryKind.MMIO,
                                    f"{entry.table}.{entry.member} registered with {registrar}()",
                                    call.path,
                                    call.line,
                                    self._definition(entry.function),
                                )
        if not ops_types:
            return
        typed = {
            i.name
            for i in self.initializers()
            if (m := re.search(r"\bstruct\s+(\w+)", i.type)) is not None and m.group(1) in ops_types
        }
        for entry in self.table_entries():
            if entry.table in typed:
                yield EntryPoint(
                    entry.function,
                    EntryKind.MMIO,
                    f"{entry.table}.{entry.member}: MMIO handler operations",
                    entry.path,
                    entry.line,
                    self._definition(entry.function),
                )

    def guest_entry_points(self) -> tuple[Function, ...]:
        """The definitions of the guest entry points (those the tree defines)."""
        out: list[Function] = []
        seen: set[tuple[str, int]] = set()
        for entry in self.entry_points():
            if entry.function is not None:
                key = (entry.function.path, entry.function.line)
                if key not in seen:
                    seen.add(key)
                    out.append(entry.function)
        return tuple(out)

    def guest_reachable(self) -> Mapping[str, tuple[str, ...]]:
        """Everything a guest can make Xen run -> one path from an entry point.

        Paths start at an architectural trap entry whenever one reaches the
        function (the clearest story for a reviewer); otherwise at the
        nearest other entry point (a hypercall, an MMIO handler...).
        """
        if self._reachable is None:
            entries = self.entry_points()
            traps = [e.name for e in entries if e.kind is EntryKind.TRAP]
            others = [e.name for e in entries if e.kind is not EntryKind.TRAP]
            self._reachable = _FirstOf(self.reachable_from(traps), self.reachable_from(others))
        return self._reachable


def expand_macro(macro: MacroDef, args: Sequence[str]) -> str:
    """``macro``'s body with ``args`` substituted, ``#x`` stringised and ``##`` pasted."""
    params = list(macro.params or ())
    variadic = params[-1] == "..." if params else False
    values: dict[str, str] = {}
    for index, param in enumerate(params):
        if param == "...":
            values["__VA_ARGS__"] = ", ".join(args[index:])
        else:
            values[param] = args[index] if index < len(args) else ""
    if variadic and "__VA_ARGS__" not in values:
        values["__VA_ARGS__"] = ""
    tokens = re.findall(
        r'##|#|[A-Za-z_]\w*|"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|\s+|.', macro.body
    )
    out: list[str] = []
    stringise = False
    for token in tokens:
        if token == "#":
            stringise = True
            continue
        if stringise and token.isspace():
            continue
        value = values.get(token, token)
        if stringise:
            value = '"' + values.get(token, token).replace("\\", "\\\\").replace('"', '\\"') + '"'
            stringise = False
        out.append(value)
    return _paste("".join(out))


def _paste(text: str) -> str:
    r"""``text`` with each ``##`` and the white space around it removed (token pasting).

    ``re.sub(r"\s*##\s*", "", text)`` does the same, in time quadratic in a
    run of blanks without ``##``.
    """
    parts = text.split("##")
    if len(parts) == 1:
        return text
    middle = (part.strip() for part in parts[1:-1])
    return "".join([parts[0].rstrip(), *middle, parts[-1].lstrip()])


# -- building ------------------------------------------------------------------


def facts_for_files(
    files: Iterable[tuple[str, bytes]], cache: FactCache | None = None
) -> TreeFacts:
    """Tree facts of ``(path, bytes)`` pairs (every pair is parsed, whatever its path)."""
    cache = cache if cache is not None else FactCache()
    items = sorted(((path, data, blob_id(data)) for path, data in files), key=lambda i: i[0])
    key = tuple((path, blob) for path, _, blob in items)
    found = cache.tree(key)
    if isinstance(found, TreeFacts):
        return found
    facts = TreeFacts(cache.get(data, path, blob) for path, data, blob in items)
    cache.keep_tree(key, facts)
    return facts


def _applied_facts(applied: AppliedSeries, after_patch: int, cache: FactCache) -> TreeFacts:
    """Facts of an applied series' tree, read incrementally patch after patch."""
    numbers = [0, *(result.number for result in applied.results)]
    if after_patch not in numbers:
        raise InputError(f"no patch {after_patch} in this series", source=applied.tree)
    chain = numbers[: numbers.index(after_patch) + 1]
    commits = [applied.commit_after(n) for n in chain]
    start = 0
    files: dict[str, str] | None = None
    for index in range(len(chain) - 1, -1, -1):
        known = cache.snapshot(commits[index])
        if known is not None:
            start, files = index, dict(known)
            break
    if files is None:
        files = {}
        for path in series_tree_paths(applied, 0):
            data = applied.read_bytes(path, 0)
            if data is not None:
                blob = blob_id(data)
                cache.get(data, path, blob)
                files[path] = blob
        cache.keep_snapshot(commits[0], tuple(sorted(files.items())))
    touched = _touched_paths(applied)
    for index in range(start + 1, len(chain)):
        if commits[index] != commits[index - 1]:
            for path in touched.get(chain[index], ()):
                data = applied.read_bytes(path, chain[index])
                if data is None:
                    files.pop(path, None)
                    continue
                blob = blob_id(data)
                cache.get(data, path, blob)
                files[path] = blob
        cache.keep_snapshot(commits[index], tuple(sorted(files.items())))
    key = tuple(sorted(files.items()))
    found = cache.tree(key)
    if isinstance(found, TreeFacts):
        return found
    parsed: list[CFile] = []
    for path, blob in key:
        cfile = cache.cached(blob, path)
        if cfile is None:  # dropped from the cache meanwhile: read it again
            data = applied.read_bytes(path, after_patch)
            if data is None:
                continue
            cfile = cache.get(data, path)
        parsed.append(cfile)
    facts = TreeFacts(parsed)
    cache.keep_tree(key, facts)
    return facts


def _touched_paths(applied: AppliedSeries) -> dict[int, tuple[str, ...]]:
    out: dict[int, tuple[str, ...]] = {}
    for patch in applied.series.patches:
        paths: set[str] = set()
        for file in patch.diff.files:
            for path in (file.source_path, file.target_path):
                if path is not None and is_c_path(path):
                    paths.add(path)
        out[patch.number] = tuple(sorted(paths))
    return out


def facts_for_tree(
    reader: TreeSource,
    after_patch: int,
    paths: Sequence[str] | None = None,
    cache: FactCache | None = None,
) -> TreeFacts:
    """Facts of the tree after patch ``after_patch`` (0: the base).

    ``paths`` lists the tree's files; without it the reader must list them
    (:class:`ListingTreeReader`), or be an ``AppliedSeries``: its base is
    then listed by :func:`series_tree_paths` and each later tree is the one
    before it plus the files its patch touches (read from the series'
    repository; a patch that did not apply leaves the tree as it was).
    Only ``.c``/``.h`` files under ``xen/`` are read; a path the tree does
    not hold is skipped.
    """
    cache = cache if cache is not None else FactCache()
    if paths is None:
        from xenreview.apply.model import AppliedSeries

        if isinstance(reader, AppliedSeries):
            # Read incrementally, patch after patch (each tree shares most blobs).
            return _applied_facts(reader, after_patch, cache)
        if not isinstance(reader, ListingTreeReader):
            raise InputError(
                "the C facts need the list of the tree's files",
                source="tree",
                where=f"after patch {after_patch}",
            )
        paths = list(reader.paths(after_patch))
    read_bytes = getattr(reader, "read_bytes", None)
    files: list[tuple[str, bytes]] = []
    for path in sorted(set(paths)):
        if not is_c_path(path):
            continue
        if callable(read_bytes):
            data = read_bytes(path, after_patch)
        else:
            text = reader.read(path, after_patch)
            data = None if text is None else text.encode("utf-8", "surrogateescape")
        if isinstance(data, bytes):
            files.append((path, data))
    return facts_for_files(files, cache)


def series_tree_paths(applied: AppliedSeries, after_patch: int) -> tuple[str, ...]:
    """The C paths of an applied series' tree: the base commit's files plus every path
    a patch up to ``after_patch`` creates or renames to."""
    found = {path for path in applied.paths(0) if is_c_path(path)}
    for patch in applied.series.patches:
        if patch.number > after_patch:
            continue
        for file in patch.diff.files:
            if file.target_path is not None and is_c_path(file.target_path):
                found.add(file.target_path)
    return tuple(sorted(found))


def _walk(root: Path) -> list[str]:
    base = root / "xen"
    if not base.is_dir():
        return []
    out: list[str] = []
    try:
        for path in base.rglob("*"):
            if path.suffix in (".c", ".h") and path.is_file() and not path.is_symlink():
                out.append(path.relative_to(root).as_posix())
    except OSError as exc:
        raise InputError(f"cannot list the tree: {exc.strerror}", source=str(root)) from None
    return sorted(out)


def facts_for_directory(root: Path, cache: FactCache | None = None) -> TreeFacts:
    """Facts of a checked-out tree: every ``.c``/``.h`` under ``root/xen/``, or under
    ``root`` itself when it has no ``xen/`` folder (a folder of C snippets)."""
    if not root.is_dir():
        raise InputError("not a directory", source=str(root))
    if (root / "xen").is_dir():
        paths = _walk(root)
    else:
        try:
            paths = sorted(
                p.relative_to(root).as_posix()
                for p in root.rglob("*")
                if p.suffix in (".c", ".h") and p.is_file()
            )
        except OSError as exc:
            raise InputError(f"cannot list the tree: {exc.strerror}", source=str(root)) from None
    files: list[tuple[str, bytes]] = []
    for path in paths:
        try:
            files.append((path, (root / path).read_bytes()))
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", source=str(root / path)) from None
    return facts_for_files(files, cache)
