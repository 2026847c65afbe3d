"""One C file -> :class:`~xenreview.code.model.CFile`, with tree-sitter.

tree-sitter parses C without running the preprocessor, so a few Xen idioms
that only make sense after macro expansion would break the parse.  Before
parsing, :func:`mask_source` blanks them out in a copy of the source with
the same length (so every byte offset, line and column stays right, and all
text is taken from the original):

* attribute macros (``__init``, ``__read_mostly``, ``__iomem``,
  ``__printf(1, 2)``...; :data:`ATTRIBUTE_MACROS`) become spaces;
* iterator macros used as loop headers (any name containing ``for_each``
  at the start of a line, ``for_each_vcpu ( d, v )``) become ``while``
  padded with spaces, which parses as a loop over a comma expression;
* GNU named variadic macro parameters (``args...``) lose their dots.

Preprocessor lines are never masked.  What still does not parse (a type
given to a macro, ``xzalloc(struct vcpu)``; ``DEFINE_PER_CPU(type, name)``
at file scope) is recorded as a :class:`~xenreview.code.model.ParseError`
with the syntax node it sits in; tree-sitter recovers around it.

:class:`FactCache` parses each blob once, keyed by its git blob id.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass, field

from tree_sitter import Language, Node, Parser

from xenreview.code.model import (
    Assignment,
    Branch,
    Call,
    CallKind,
    Case,
    CFile,
    Comment,
    Function,
    Guard,
    GuardKind,
    InitEntry,
    Initializer,
    Jump,
    JumpKind,
    LabelMark,
    Loop,
    MacroDef,
    Param,
    ParseError,
    Prototype,
    Step,
    StringLiteral,
    Switch,
    SwitchCase,
    Use,
)
from xenreview.errors import InternalError

__all__ = ["ATTRIBUTE_MACROS", "FactCache", "blob_id", "mask_source", "parse_c"]

# Xen's attribute macros (xen/include/xen/compiler.h, init.h): no effect on
# what a function does, but tree-sitter cannot place them.
ATTRIBUTE_MACROS = (
    "__init",
    "__initdata",
    "__initconst",
    "__initconstrel",
    "__exit",
    "__exitdata",
    "__read_mostly",
    "__ro_after_init",
    "__iomem",
    "__user",
    "__force",
    "__must_check",
    "__maybe_unused",
    "__used",
    "__always_inline",
    "__packed",
    "__cold",
    "__pure",
    "__weak",
    "__nocall",
    "__cacheline_aligned",
)
# ... and those taking arguments.
ATTRIBUTE_FUNCTION_MACROS = ("__printf", "__scanf", "__section", "__aligned", "__attribute_used__")

_ATTR_RE = re.compile(
    rb"\b(?:"
    + b"|".join(re.escape(n.encode()) for n in ATTRIBUTE_MACROS)
    + rb")\b|\b(?:"
    + b"|".join(re.escape(n.encode()) for n in ATTRIBUTE_FUNCTION_MACROS)
    + rb")[ \t]*\([^()\n]*\)"
)
_ATTR_TEXT_RE = re.compile(
    r"\b(?:static|inline|extern|"
    + "|".join(re.escape(n) for n in ATTRIBUTE_MACROS)
    + r")\b|\b(?:"
    + "|".join(re.escape(n) for n in ATTRIBUTE_FUNCTION_MACROS)
    + r")\s*\([^()]*\)"
)
# The first word of an indented line, before "(": an iterator when it holds "for_each"
# (checked apart: "\w*for_each\w*" retries every "for_each" of a long word).
_ITERATOR_RE = re.compile(rb"^[ \t]++(\w++)(?=[ \t]*+\()")
_VARIADIC_RE = re.compile(rb"\b(\w+)\.\.\.")
_MACRO_NAME_RE = re.compile(r"^[A-Z_][A-Z0-9_]*$")
# A line break (after an optional "\\") and the indentation after it; fold() trims the
# blanks before it (a leading "[ \t]*" would rescan every long run of blanks).
_FOLD_RE = re.compile(r"\\?\r?\n[ \t]*+")


@functools.cache
def _parser() -> Parser:
    try:
        import tree_sitter_c

        return Parser(Language(tree_sitter_c.language()))
    except (ImportError, ValueError) as exc:  # missing, or a grammar this binding cannot load
        raise InternalError(f"cannot load the C grammar: {exc}", source="tree-sitter-c") from None


def blob_id(data: bytes) -> str:
    """The git blob id of ``data`` (sha1 of ``blob <len>\\0`` + data)."""
    digest = hashlib.sha1(b"blob %d\0" % len(data), usedforsecurity=False)
    digest.update(data)
    return digest.hexdigest()


def mask_source(source: bytes) -> bytes:
    """The source with the constructs tree-sitter cannot parse blanked (same length)."""
    if b"__" not in source and b"for_each" not in source and b"..." not in source:
        return source
    out = bytearray(source)
    pos = 0
    continued = False
    for line in source.split(b"\n"):
        stripped = line.lstrip()
        preprocessor = continued or stripped.startswith(b"#")
        continued = preprocessor and line.rstrip(b"\r").endswith(b"\\")
        if preprocessor:
            if b"..." in line:
                for m in _VARIADIC_RE.finditer(line):
                    start = pos + m.end(1)
                    out[start : start + 3] = b"   "
        else:
            if b"__" in line:
                for m in _ATTR_RE.finditer(line):
                    out[pos + m.start() : pos + m.end()] = b" " * (m.end() - m.start())
            if b"for_each" in line:
                it = _ITERATOR_RE.match(line)
                if it is not None and b"for_each" in it.group(1):
                    width = it.end(1) - it.start(1)
                    start = pos + it.start(1)
                    out[start : start + width] = b"while" + b" " * (width - 5)
        pos += len(line) + 1
    return bytes(out)


MAX_NESTING = 256
"""Deepest syntax tree whose facts are extracted.  The extractor and the flow
walkers recurse along the tree; a file nested deeper (real C stays under 50
levels: the mini tree reaches 16) is input built to exhaust the stack, and
gives no facts but one :class:`ParseError` saying so."""


def parse_c(source: bytes, path: str) -> CFile:
    """The facts of one C file; never raises on bad C (see ``CFile.errors``)."""
    tree = _parser().parse(mask_source(source))
    deep = _too_deep(tree.root_node, MAX_NESTING)
    if deep is not None:
        return _no_facts(source, path, deep)
    return _Extractor(source, path).run(tree.root_node)


def _too_deep(root: Node, limit: int) -> Node | None:
    """The first node nested more than ``limit`` levels under ``root``, if any (no recursion)."""
    cursor = root.walk()
    depth = 0
    while True:
        if cursor.goto_first_child():
            depth += 1
            if depth > limit:
                return cursor.node
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return None
            depth -= 1


def _no_facts(source: bytes, path: str, node: Node | None) -> CFile:
    line = node.start_point[0] + 1 if node is not None else 1
    column = node.start_point[1] + 1 if node is not None else 1
    error = ParseError(
        path=path,
        line=line,
        column=column,
        text=f"nested more than {MAX_NESTING} levels deep: no facts extracted from this file",
        context="translation_unit",
        function=None,
    )
    lines = source.count(b"\n") + (0 if source.endswith(b"\n") or not source else 1)
    return CFile(path, (), (), (), (), (), (), (), (), (), (error,), lines)


# -- the cache -----------------------------------------------------------------


@dataclass(slots=True)
class FactCache:
    """Parsed files by blob id (and path: every record names its file).

    At most ``max_files`` parsed files are kept (least recently used go
    first).  ``hits``/``misses`` count files found or parsed; the tree facts
    also keep whole trees here (``tree_hits``/``tree_misses``) and, for an
    applied series, which blobs each commit holds (so the tree after patch
    n is read from the tree after patch n - 1 plus the files patch n
    touches).
    """

    max_files: int = 20000
    max_trees: int = 32
    hits: int = 0
    misses: int = 0
    tree_hits: int = 0
    tree_misses: int = 0
    _files: OrderedDict[tuple[str, str], CFile] = field(default_factory=OrderedDict)
    _trees: OrderedDict[tuple[tuple[str, str], ...], object] = field(default_factory=OrderedDict)
    _snapshots: OrderedDict[str, tuple[tuple[str, str], ...]] = field(default_factory=OrderedDict)

    def get(self, data: bytes, path: str, blob: str | None = None) -> CFile:
        """The facts of ``data`` at ``path``, parsed once per blob."""
        key = (blob or blob_id(data), path)
        found = self.cached(key[0], path)
        if found is not None:
            return found
        self.misses += 1
        parsed = parse_c(data, path)
        self._files[key] = parsed
        if len(self._files) > self.max_files:
            self._files.popitem(last=False)
        return parsed

    def cached(self, blob: str, path: str) -> CFile | None:
        """The facts of blob ``blob`` at ``path`` if they are kept (a hit), else None."""
        key = (blob, path)
        found = self._files.get(key)
        if found is not None:
            self.hits += 1
            self._files.move_to_end(key)
        return found

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0

    def tree(self, key: tuple[tuple[str, str], ...]) -> object | None:
        found = self._trees.get(key)
        if found is None:
            self.tree_misses += 1
            return None
        self.tree_hits += 1
        self._trees.move_to_end(key)
        return found

    def keep_tree(self, key: tuple[tuple[str, str], ...], facts: object) -> None:
        self._trees[key] = facts
        if len(self._trees) > self.max_trees:
            self._trees.popitem(last=False)

    def snapshot(self, commit: str) -> tuple[tuple[str, str], ...] | None:
        """The (path, blob id) pairs of the C files of ``commit``, if known."""
        return self._snapshots.get(commit)

    def keep_snapshot(self, commit: str, files: tuple[tuple[str, str], ...]) -> None:
        self._snapshots[commit] = files
        if len(self._snapshots) > self.max_files // 10:
            self._snapshots.popitem(last=False)


# -- extraction ----------------------------------------------------------------


def fold(text: str) -> str:
    """Line breaks (and the indentation around them) folded into one space."""
    if "\n" not in text:
        return text.strip()
    parts = _FOLD_RE.split(text)
    return " ".join([*(part.rstrip(" \t") for part in parts[:-1]), parts[-1]]).strip()


def strip_parens(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def split_args(text: str) -> tuple[str, ...]:
    """The top-level comma-separated parts of ``(a, f(b, c), "x,y")``."""
    inner = text.strip()
    if inner.startswith("("):
        inner = inner[1:]
    if inner.endswith(")"):
        inner = inner[:-1]
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    quote = ""
    escape = False
    for ch in inner:
        if quote:
            current.append(ch)
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == quote:
                quote = ""
            continue
        if ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(fold("".join(current)))
            current = []
            continue
        current.append(ch)
    last = fold("".join(current))
    if last or parts:
        parts.append(last)
    return tuple(parts)


_UNWRAP = frozenset({"parenthesized_expression", "cast_expression"})
_DECLARATOR_FIELDS = ("declarator",)
_PREPROC_CONTAINERS = frozenset(
    {"preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif", "preproc_elifdef"}
)
_LEAVES = frozenset(
    {
        "number_literal",
        "char_literal",
        "true",
        "false",
        "null",
        "field_identifier",
        "type_identifier",
        "primitive_type",
        "statement_identifier",
        "escape_sequence",
        "string_content",
    }
)


def _innermost_name(node: Node | None) -> Node | None:
    """The identifier a declarator declares (through pointers, arrays, parentheses)."""
    while node is not None:
        if node.type in ("identifier", "field_identifier", "type_identifier"):
            return node
        inner = node.child_by_field_name("declarator")
        if inner is None:
            for child in node.named_children:
                if child.type in ("identifier", "parenthesized_declarator", "pointer_declarator"):
                    inner = child
                    break
        node = inner
    return None


def _function_declarator(node: Node | None) -> Node | None:
    """The function_declarator of a definition's declarator (through ``*``)."""
    while node is not None:
        if node.type == "function_declarator":
            return node
        node = node.child_by_field_name("declarator")
    return None


def _position(item: Call | Assignment) -> tuple[int, int]:
    return item.line, item.column


def _unwrap(node: Node) -> Node:
    while node.type in _UNWRAP:
        inner = node.child_by_field_name("value") if node.type == "cast_expression" else None
        if inner is None:
            named = [c for c in node.named_children if c.type != "comment"]
            if not named:
                return node
            inner = named[-1]
        node = inner
    return node


@dataclass(slots=True)
class _FunctionState:
    name: str
    locals: set[str]
    calls: list[Call] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    labels: list[LabelMark] = field(default_factory=list)
    gotos: list[Jump] = field(default_factory=list)
    uses: dict[str, int] = field(default_factory=dict)
    declared: list[str] = field(default_factory=list)


class _Extractor:
    """Walks one tree-sitter tree; every text comes from the original bytes."""

    def __init__(self, source: bytes, path: str) -> None:
        self.src = source
        self.path = path
        self.ascii = source.isascii()
        self.functions: list[Function] = []
        self.prototypes: list[Prototype] = []
        self.calls: list[Call] = []
        self.assignments: list[Assignment] = []
        self.cases: list[SwitchCase] = []
        self.initializers: list[Initializer] = []
        self.macros: list[MacroDef] = []
        self.strings: list[StringLiteral] = []
        self.comments: list[Comment] = []
        self.errors: list[ParseError] = []
        self.macro_names: set[str] = set()
        self.fn: _FunctionState | None = None

    # -- helpers ---------------------------------------------------------------

    def text(self, node: Node) -> str:
        return self.src[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def span(self, start: int, end: int) -> str:
        return self.src[start:end].decode("utf-8", "replace")

    def column(self, node: Node) -> int:
        row_col = node.start_point[1]
        if self.ascii:
            return row_col + 1
        start = node.start_byte - row_col
        return len(self.src[start : node.start_byte].decode("utf-8", "replace")) + 1

    @staticmethod
    def line(node: Node) -> int:
        return node.start_point[0] + 1

    @staticmethod
    def end_line(node: Node) -> int:
        return node.end_point[0] + 1

    def current(self) -> str | None:
        return None if self.fn is None else self.fn.name

    # -- entry -----------------------------------------------------------------

    def run(self, root: Node) -> CFile:
        self._prescan_macros(root)
        self._top(root)
        self.functions.sort(key=lambda f: (f.line, f.name))
        return CFile(
            path=self.path,
            functions=tuple(self.functions),
            prototypes=tuple(self.prototypes),
            calls=tuple(sorted(self.calls, key=_position)),
            assignments=tuple(sorted(self.assignments, key=_position)),
            cases=tuple(self.cases),
            initializers=tuple(self.initializers),
            macros=tuple(self.macros),
            strings=tuple(self.strings),
            comments=tuple(self.comments),
            errors=tuple(sorted(self.errors, key=lambda e: (e.line, e.column))),
            lines=self.src.count(b"\n") + (0 if self.src.endswith(b"\n") or not self.src else 1),
        )

    def _prescan_macros(self, node: Node) -> None:
        for child in node.children:
            if child.type == "preproc_function_def":
                name = child.child_by_field_name("name")
                if name is not None:
                    self.macro_names.add(self.text(name))
            elif child.type in _PREPROC_CONTAINERS:
                self._prescan_macros(child)

    # -- file scope ------------------------------------------------------------

    def _top(self, node: Node) -> None:
        for child in node.children:
            kind = child.type
            if kind == "function_definition":
                self._function(child)
            elif kind == "declaration":
                self._declaration(child, top=True)
                self._scan(child)
            elif kind in ("preproc_def", "preproc_function_def"):
                self._macro(child)
            elif kind == "comment":
                self._comment(child)
            elif kind in _PREPROC_CONTAINERS or kind in (
                "linkage_specification",
                "declaration_list",
            ):
                self._top(child)
            elif kind == "ERROR":
                self._error(child, node.type)
                self._top(child)
            elif child.is_missing:
                self._error(child, node.type)
            elif child.is_named:
                self._scan(child)

    def _scan(self, node: Node) -> None:
        """Comments, strings and parse errors anywhere under ``node``."""
        if not node.has_error and node.type not in ("string_literal", "comment"):
            for child in node.named_children:
                kind = child.type
                if kind == "comment":
                    self._comment(child)
                elif kind == "string_literal":
                    self._string(child)
                elif kind not in _LEAVES and child.child_count:
                    self._scan(child)
            return
        for child in node.children:
            kind = child.type
            if kind == "comment":
                self._comment(child)
            elif kind == "string_literal":
                self._string(child)
            elif kind == "ERROR" or child.is_missing:
                self._error(child, node.type)
                self._scan(child)
            elif child.child_count:
                self._scan(child)

    def _comment(self, node: Node) -> None:
        self.comments.append(
            Comment(
                self.text(node), self.path, self.line(node), self.end_line(node), self.current()
            )
        )

    def _string(self, node: Node) -> None:
        raw = self.text(node)
        start = raw.find('"')
        value = raw[start + 1 : -1] if start >= 0 and raw.endswith('"') else raw
        self.strings.append(StringLiteral(value, self.path, self.line(node), self.current()))

    def _error(self, node: Node, context: str) -> None:
        self.errors.append(
            ParseError(
                path=self.path,
                line=self.line(node),
                column=self.column(node),
                text=fold(self.text(node))[:80] if not node.is_missing else node.type,
                context=context,
                function=self.current(),
                missing=node.is_missing,
            )
        )

    def _macro(self, node: Node) -> None:
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return
        params: tuple[str, ...] | None = None
        params_node = node.child_by_field_name("parameters")
        if params_node is not None:
            params = tuple(self.text(p) for p in params_node.named_children if p.type != "comment")
            raw = self.text(params_node)
            if "..." in raw and not any(p == "..." for p in params):
                params = (*params, "...")
        value = node.child_by_field_name("value")
        body = fold(self.text(value)) if value is not None else ""
        self.macros.append(MacroDef(self.text(name_node), params, body, self.path, self.line(node)))

    def _declaration(self, node: Node, *, top: bool) -> None:
        """Prototypes and initialiser lists of a declaration."""
        specifiers = {self.text(c) for c in node.children if c.type == "storage_class_specifier"}
        type_node = node.child_by_field_name("type")
        type_text = fold(self.text(type_node)) if type_node is not None else ""
        for decl in node.children_by_field_name("declarator"):
            if decl.type == "function_declarator":
                name = _innermost_name(decl)
                inner = decl.child_by_field_name("declarator")
                if top and name is not None and inner is not None and inner.type == "identifier":
                    self.prototypes.append(
                        Prototype(
                            self.text(name),
                            self.path,
                            self.line(node),
                            "static" in specifiers,
                            fold(self.text(node)),
                        )
                    )
                continue
            if decl.type != "init_declarator":
                if not top and self.fn is not None:
                    name = _innermost_name(decl)
                    if name is not None:
                        self.fn.locals.add(self.text(name))
                continue
            target = decl.child_by_field_name("declarator")
            value = decl.child_by_field_name("value")
            name = _innermost_name(target)
            if name is None or value is None:
                continue
            name_text = self.text(name)
            if not top and self.fn is not None:
                self.fn.locals.add(name_text)
            if value.type == "initializer_list":
                self.initializers.append(
                    Initializer(
                        name=name_text,
                        type=type_text,
                        path=self.path,
                        line=self.line(node),
                        end_line=self.end_line(node),
                        function=self.current(),
                        static="static" in specifiers,
                        entries=tuple(self._entries(value, ())),
                    )
                )

    def _entries(self, node: Node, prefix: tuple[str, ...]) -> list[InitEntry]:
        out: list[InitEntry] = []
        position = 0
        for child in node.named_children:
            if child.type == "comment":
                continue
            designators = prefix
            value: Node | None = child
            if child.type == "initializer_pair":
                names = [fold(self.text(d)) for d in child.children_by_field_name("designator")]
                designators = prefix + tuple(n.replace(" ", "") for n in names)
                value = child.child_by_field_name("value")
            else:
                designators = (*prefix, f"[{position}]")
            position += 1
            if value is None:
                continue
            if value.type == "initializer_list":
                out.extend(self._entries(value, designators))
                continue
            macro = None
            macro_args: tuple[str, ...] = ()
            refs: tuple[str, ...]
            if value.type == "call_expression":
                callee = value.child_by_field_name("function")
                args = value.child_by_field_name("arguments")
                name = self.text(callee) if callee is not None else ""
                if (
                    callee is not None
                    and callee.type == "identifier"
                    and (self.fn is None or name in self.macro_names or _MACRO_NAME_RE.match(name))
                ):
                    macro = name
                    macro_args = split_args(self.text(args)) if args is not None else ()
                refs = ()
            else:
                refs = tuple(self._identifiers(value))
            out.append(
                InitEntry(
                    designators, fold(self.text(value)), self.line(value), refs, macro, macro_args
                )
            )
        return out

    def _identifiers(self, node: Node) -> list[str]:
        found: list[str] = []
        stack = [node]
        while stack:
            current = stack.pop()
            if current.type == "identifier":
                found.append(self.text(current))
            elif current.type != "type_descriptor":
                stack.extend(reversed(current.named_children))
        return found

    # -- functions -------------------------------------------------------------

    def _function(self, node: Node) -> None:
        declarator = node.child_by_field_name("declarator")
        body = node.child_by_field_name("body")
        fdecl = _function_declarator(declarator)
        name_node = _innermost_name(fdecl) if fdecl is not None else None
        if fdecl is None or name_node is None or body is None:
            self._scan(node)
            return
        name = self.text(name_node)
        specifiers = [self.text(c) for c in node.children if c.type == "storage_class_specifier"]
        params = self._params(fdecl.child_by_field_name("parameters"))
        prefix = self.span(node.start_byte, name_node.start_byte)
        prefix = _ATTR_TEXT_RE.sub(" ", prefix)
        return_type = " ".join(prefix.split())
        state = _FunctionState(name, {p.name for p in params if p.name})
        saved = self.fn
        self.fn = state
        for child in node.children:
            if child not in (body, declarator) and child.is_named:
                self._scan(child)
        if declarator is not None:
            self._scan(declarator)
        steps = self._block(body, ())
        self.fn = saved
        function = Function(
            name=name,
            path=self.path,
            line=self.line(node),
            end_line=self.end_line(node),
            name_line=self.line(name_node),
            body_line=self.line(body),
            body_end_line=self.end_line(body),
            return_type=return_type,
            params=params,
            static="static" in specifiers,
            inline="inline" in specifiers,
            signature=fold(self.span(node.start_byte, body.start_byte)),
            calls=tuple(sorted(state.calls, key=_position)),
            assignments=tuple(sorted(state.assignments, key=_position)),
            steps=tuple(steps),
            labels=tuple(state.labels),
            gotos=tuple(state.gotos),
            locals=tuple(sorted(state.locals)),
            uses=tuple(Use(n, line) for n, line in state.uses.items() if n not in state.locals),
        )
        self.functions.append(function)
        self.calls.extend(state.calls)
        self.assignments.extend(state.assignments)

    def _params(self, node: Node | None) -> tuple[Param, ...]:
        if node is None:
            return ()
        out: list[Param] = []
        for child in node.named_children:
            if child.type == "variadic_parameter":
                out.append(Param("...", "..."))
                continue
            if child.type != "parameter_declaration":
                continue
            decl = child.child_by_field_name("declarator")
            name = _innermost_name(decl) if decl is not None else None
            if name is None:
                out.append(Param("", fold(self.text(child))))
                continue
            text = self.span(child.start_byte, name.start_byte) + self.span(
                name.end_byte, child.end_byte
            )
            out.append(Param(self.text(name), " ".join(text.split())))
        return tuple(out)

    # -- statements ------------------------------------------------------------

    def _block(self, node: Node, guards: tuple[Guard, ...]) -> list[Step]:
        out: list[Step] = []
        for child in node.children:
            if child.is_named:
                out.extend(self._statement(child, guards))
            elif child.is_missing:
                self._error(child, node.type)
        return out

    def _statement(self, node: Node, guards: tuple[Guard, ...]) -> list[Step]:
        kind = node.type
        if kind == "compound_statement":
            return self._block(node, guards)
        if kind == "expression_statement":
            out: list[Step] = []
            for child in node.children:
                if child.is_named:
                    self._expr(child, guards, out)
                elif child.is_missing:
                    self._error(child, node.type)
            return out
        if kind == "declaration":
            return self._local_declaration(node, guards)
        if kind == "if_statement":
            return self._if(node, guards)
        if kind in ("while_statement", "for_statement"):
            return self._loop(node, guards)
        if kind == "do_statement":
            return self._do(node, guards)
        if kind == "switch_statement":
            return self._switch(node, guards)
        if kind == "return_statement":
            out = []
            value = next((c for c in node.named_children if c.type != "comment"), None)
            if value is not None:
                self._expr(value, guards, out, returned=True)
            self._scan_comments(node)
            return [
                *out,
                Jump(
                    JumpKind.RETURN,
                    fold(self.text(value)) if value else None,
                    self.line(node),
                    guards,
                ),
            ]
        if kind == "goto_statement":
            label = node.child_by_field_name("label")
            jump = Jump(JumpKind.GOTO, self.text(label) if label else None, self.line(node), guards)
            if self.fn is not None:
                self.fn.gotos.append(jump)
            return [jump]
        if kind == "break_statement":
            return [Jump(JumpKind.BREAK, None, self.line(node), guards)]
        if kind == "continue_statement":
            return [Jump(JumpKind.CONTINUE, None, self.line(node), guards)]
        if kind == "labeled_statement":
            label = node.child_by_field_name("label")
            mark = LabelMark(self.text(label) if label else "", self.line(node))
            if self.fn is not None:
                self.fn.labels.append(mark)
            out = [mark]
            for child in node.named_children:
                if child != label and child.type != "statement_identifier":
                    out.extend(self._statement(child, guards))
            return out
        if kind == "comment":
            self._comment(node)
            return []
        if kind in _PREPROC_CONTAINERS:
            return self._preproc(node, guards)
        if kind in ("preproc_def", "preproc_function_def"):
            self._macro(node)
            return []
        if kind == "case_statement":  # outside a switch body (broken code)
            return self._block(node, guards)
        if kind == "ERROR":
            self._error(node, node.parent.type if node.parent is not None else "")
        out = []
        for child in node.children:
            if child.is_named:
                if child.type.endswith("_statement") or child.type == "declaration":
                    out.extend(self._statement(child, guards))
                else:
                    self._expr(child, guards, out)
            elif child.is_missing:
                self._error(child, kind)
        return out

    def _scan_comments(self, node: Node) -> None:
        for child in node.children:
            if child.type == "comment":
                self._comment(child)

    def _local_declaration(self, node: Node, guards: tuple[Guard, ...]) -> list[Step]:
        self._declaration(node, top=False)
        out: list[Step] = []
        for child in node.children:
            if child.type == "init_declarator":
                target = child.child_by_field_name("declarator")
                value = child.child_by_field_name("value")
                name = _innermost_name(target)
                if value is not None:
                    self._expr(value, guards, out, assigned_to=self.text(name) if name else None)
            elif child.type == "comment":
                self._comment(child)
            elif child.type == "ERROR" or child.is_missing:
                self._error(child, node.type)
                self._scan(child)
        return out

    def _condition_text(self, node: Node | None) -> str:
        return strip_parens(fold(self.text(node))) if node is not None else ""

    def _if(self, node: Node, guards: tuple[Guard, ...]) -> list[Step]:
        cond = node.child_by_field_name("condition")
        text = self._condition_text(cond)
        line = self.line(node)
        out: list[Step] = []
        if cond is not None:
            self._expr(cond, guards, out, in_condition=True)
        then_guards = (*guards, Guard(GuardKind.IF, text, line))
        then: list[Step] = []
        otherwise: list[Step] | None = None
        consequence = node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        for child in node.children:
            if child.type == "comment":
                self._comment(child)
        if consequence is not None:
            then = self._statement(consequence, then_guards)
        if alternative is not None:
            else_guards = (*guards, Guard(GuardKind.ELSE, text, line))
            otherwise = []
            if alternative.type == "else_clause":
                for child in alternative.named_children:
                    otherwise.extend(self._statement(child, else_guards))
            else:
                otherwise.extend(self._statement(alternative, else_guards))
        out.append(Branch(text, line, tuple(then), None if otherwise is None else tuple(otherwise)))
        return out

    def _loop(self, node: Node, guards: tuple[Guard, ...]) -> list[Step]:
        body = node.child_by_field_name("body")
        header = fold(self.span(node.start_byte, body.start_byte if body else node.end_byte))
        if node.type == "for_statement":
            kind = "for"
        elif header.startswith("while"):
            kind = "while"
        else:
            kind = "iterator"
        line = self.line(node)
        out: list[Step] = []
        inner_guards = (*guards, Guard(GuardKind.LOOP, header, line))
        inner: list[Step] = []
        if node.type == "for_statement":
            init = node.child_by_field_name("initializer")
            if init is not None:
                if init.type == "declaration":
                    out.extend(self._local_declaration(init, guards))
                else:
                    self._expr(init, guards, out)
            cond = node.child_by_field_name("condition")
            if cond is not None:
                self._expr(cond, guards, out, in_condition=True)
            if body is not None:
                inner.extend(self._statement(body, inner_guards))
            update = node.child_by_field_name("update")
            if update is not None:
                self._expr(update, inner_guards, inner)
        else:
            cond = node.child_by_field_name("condition")
            if cond is not None:
                self._expr(cond, guards, out, in_condition=True)
            if body is not None:
                inner.extend(self._statement(body, inner_guards))
        for child in node.children:
            if child.type == "comment":
                self._comment(child)
            elif child.is_missing:
                self._error(child, node.type)
        out.append(Loop(kind, header, line, tuple(inner)))
        return out

    def _do(self, node: Node, guards: tuple[Guard, ...]) -> list[Step]:
        body = node.child_by_field_name("body")
        cond = node.child_by_field_name("condition")
        header = f"do ... while {fold(self.text(cond))}" if cond is not None else "do"
        line = self.line(node)
        inner_guards = (*guards, Guard(GuardKind.LOOP, header, line))
        inner: list[Step] = []
        if body is not None:
            inner.extend(self._statement(body, inner_guards))
        if cond is not None:
            self._expr(cond, inner_guards, inner, in_condition=True)
        self._scan_comments(node)
        return [Loop("do", header, line, tuple(inner))]

    def _switch(self, node: Node, guards: tuple[Guard, ...]) -> list[Step]:
        cond = node.child_by_field_name("condition")
        subject = self._condition_text(cond)
        out: list[Step] = []
        if cond is not None:
            self._expr(cond, guards, out, in_condition=True)
        body = node.child_by_field_name("body")
        cases: list[Case] = []
        pending: list[str] = []
        pending_line = 0
        loose: list[Step] = []
        if body is not None:
            for child in body.children:
                if child.type == "comment":
                    self._comment(child)
                    continue
                if child.type != "case_statement":
                    if child.is_named:
                        loose.extend(self._statement(child, guards))
                    continue
                value = child.child_by_field_name("value")
                label = fold(self.text(value)) if value is not None else "default"
                if not pending:
                    pending_line = self.line(child)
                pending.append(label)
                statements = [c for c in child.named_children if c != value and c.type != "comment"]
                self._scan_comments(child)
                if not statements:
                    continue
                labels = tuple(pending)
                case_guards = (
                    *guards,
                    Guard(GuardKind.CASE, ", ".join(labels), pending_line, subject),
                )
                first = len(self.fn.calls) if self.fn is not None else 0
                steps: list[Step] = []
                for statement in statements:
                    steps.extend(self._statement(statement, case_guards))
                cases.append(Case(labels, pending_line, tuple(steps)))
                if self.fn is not None:
                    self.cases.append(
                        SwitchCase(
                            function=self.fn.name,
                            subject=subject,
                            labels=labels,
                            path=self.path,
                            line=pending_line,
                            end_line=self.end_line(child),
                            calls=tuple(sorted(self.fn.calls[first:], key=_position)),
                        )
                    )
                pending = []
        if pending:
            cases.append(Case(tuple(pending), pending_line, ()))
        out.extend(loose)
        out.append(Switch(subject, self.line(node), tuple(cases)))
        return out

    def _preproc(self, node: Node, guards: tuple[Guard, ...]) -> list[Step]:
        if node.type in ("preproc_ifdef",):
            name = node.child_by_field_name("name")
            directive = self.text(node.children[0]) if node.children else "#ifdef"
            text = f"{directive} {self.text(name) if name else ''}".strip()
        elif node.type == "preproc_else":
            text = "#else"
        else:
            cond = node.child_by_field_name("condition")
            directive = self.text(node.children[0]) if node.children else "#if"
            text = f"{directive} {fold(self.text(cond)) if cond else ''}".strip()
        inner_guards = (*guards, Guard(GuardKind.PREPROC, text, self.line(node)))
        out: list[Step] = []
        alternative = node.child_by_field_name("alternative")
        for child in node.named_children:
            if child == alternative or child.type in ("identifier", "preproc_defined"):
                continue
            if child == node.child_by_field_name("condition"):
                continue
            out.extend(self._statement(child, inner_guards))
        if alternative is not None:
            out.extend(self._preproc(alternative, guards))
        return out

    # -- expressions -----------------------------------------------------------

    def _expr(
        self,
        node: Node,
        guards: tuple[Guard, ...],
        out: list[Step],
        *,
        in_condition: bool = False,
        assigned_to: str | None = None,
        returned: bool = False,
        outer_call: str | None = None,
    ) -> None:
        """Calls and assignments under ``node`` in source order, appended to ``out``."""
        top = _unwrap(node)
        stack: list[tuple[Node, str | None]] = [(node, outer_call)]
        while stack:
            current, outer = stack.pop()
            kind = current.type
            if kind == "call_expression":
                call = self._call(
                    current,
                    guards,
                    in_condition=in_condition,
                    assigned_to=assigned_to if current == top else None,
                    returned=returned and current == top,
                    outer_call=outer,
                )
                out.append(call)
                children: list[tuple[Node, str | None]] = []
                callee = current.child_by_field_name("function")
                if callee is not None and callee.type != "identifier":
                    children.append((callee, outer))
                args = current.child_by_field_name("arguments")
                if args is not None:
                    children.extend(
                        (c, call.callee) for c in args.children if c.is_named or c.is_missing
                    )
                stack.extend(reversed(children))
                continue
            if kind in ("assignment_expression", "update_expression"):
                assignment = self._assignment(current, guards)
                if assignment is not None:
                    out.append(assignment)
                if kind == "assignment_expression":
                    left = current.child_by_field_name("left")
                    right = current.child_by_field_name("right")
                    if right is not None and _unwrap(right).type == "call_expression":
                        inner = _unwrap(right)
                        target = fold(self.text(left)) if left is not None else None
                        call = self._call(
                            inner,
                            guards,
                            in_condition=in_condition,
                            assigned_to=target,
                            returned=False,
                            outer_call=outer,
                        )
                        out.append(call)
                        pending: list[tuple[Node, str | None]] = []
                        if left is not None:
                            pending.append((left, outer))
                        callee = inner.child_by_field_name("function")
                        if callee is not None and callee.type != "identifier":
                            pending.append((callee, outer))
                        args = inner.child_by_field_name("arguments")
                        if args is not None:
                            pending.extend(
                                (c, call.callee)
                                for c in args.children
                                if c.is_named or c.is_missing
                            )
                        stack.extend(reversed(pending))
                        continue
                stack.extend(
                    (c, outer) for c in reversed(current.children) if c.is_named or c.is_missing
                )
                continue
            if kind == "identifier":
                if self.fn is not None:
                    name = self.text(current)
                    if name not in self.fn.uses:
                        self.fn.uses[name] = self.line(current)
                continue
            if kind == "string_literal":
                self._string(current)
                continue
            if kind == "comment":
                self._comment(current)
                continue
            if kind == "ERROR" or current.is_missing:
                parent = current.parent
                self._error(current, parent.type if parent is not None else "")
                if current.is_missing:
                    continue
            elif kind in _LEAVES:
                continue
            elif kind == "compound_statement":  # a GNU statement expression
                out.extend(self._block(current, guards))
                continue
            stack.extend(
                (c, outer) for c in reversed(current.children) if c.is_named or c.is_missing
            )

    def _call(
        self,
        node: Node,
        guards: tuple[Guard, ...],
        *,
        in_condition: bool,
        assigned_to: str | None,
        returned: bool,
        outer_call: str | None,
    ) -> Call:
        callee_node = node.child_by_field_name("function")
        args_node = node.child_by_field_name("arguments")
        member = None
        if callee_node is not None and callee_node.type == "identifier":
            callee = self.text(callee_node)
            if self.fn is not None and callee in self.fn.locals:
                kind = CallKind.INDIRECT
            elif callee in self.macro_names or _MACRO_NAME_RE.match(callee):
                kind = CallKind.MACRO
            else:
                kind = CallKind.FUNCTION
        else:
            callee = fold(self.text(callee_node)) if callee_node is not None else ""
            kind = CallKind.INDIRECT
            target = _unwrap(callee_node) if callee_node is not None else None
            if target is not None and target.type == "field_expression":
                field_node = target.child_by_field_name("field")
                member = self.text(field_node) if field_node is not None else None
        call = Call(
            callee=callee,
            kind=kind,
            args=split_args(self.text(args_node)) if args_node is not None else (),
            path=self.path,
            line=self.line(node),
            column=self.column(node),
            end_line=self.end_line(node),
            function=self.current(),
            text=fold(self.text(node)),
            guards=guards,
            in_condition=in_condition,
            assigned_to=assigned_to,
            returned=returned,
            outer_call=outer_call,
            member=member,
        )
        if self.fn is not None:
            self.fn.calls.append(call)
        else:
            self.calls.append(call)
        return call

    def _assignment(self, node: Node, guards: tuple[Guard, ...]) -> Assignment | None:
        if node.type == "assignment_expression":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            op_node = node.child_by_field_name("operator")
            op = self.text(op_node) if op_node is not None else "="
            value = fold(self.text(right)) if right is not None else None
        else:
            left = node.child_by_field_name("argument")
            op = "++" if b"++" in self.src[node.start_byte : node.end_byte] else "--"
            value = None
        if left is None:
            return None
        base, member, through = self._target(left)
        assignment = Assignment(
            target=fold(self.text(left)),
            op=op,
            value=value,
            path=self.path,
            line=self.line(node),
            column=self.column(node),
            function=self.current(),
            guards=guards,
            through_pointer=through,
            base=base,
            member=member,
        )
        if self.fn is not None:
            self.fn.assignments.append(assignment)
        else:
            self.assignments.append(assignment)
        return assignment

    def _target(self, node: Node) -> tuple[str | None, str | None, bool]:
        """(root variable, last member, written through a pointer) of an lvalue."""
        member = None
        through = False
        current: Node | None = node
        first = True
        while current is not None:
            kind = current.type
            if kind == "identifier":
                return self.text(current), member, through
            if kind == "field_expression":
                operator = current.child_by_field_name("operator")
                if operator is not None and self.text(operator) == "->":
                    through = True
                if first:
                    field_node = current.child_by_field_name("field")
                    member = self.text(field_node) if field_node is not None else None
                current = current.child_by_field_name("argument")
            elif kind in ("pointer_expression", "subscript_expression"):
                through = True
                current = current.child_by_field_name("argument")
            elif kind == "parenthesized_expression":
                named = [c for c in current.named_children if c.type != "comment"]
                current = named[0] if named else None
            else:
                return None, member, through
            first = False
        return None, member, through
