"""The C facts vocabulary: what the parser finds in one file.

Every record is frozen and holds tuples; every record that points into the
source carries its ``path`` and 1-based ``line`` (``location`` gives
``path:line`` for messages).  Text taken from the source (arguments,
conditions, assignment targets) has its line breaks and the indentation
around them folded into one space; everything else is as written.

A function's body is also kept as a small statement tree (:data:`Step`:
calls, assignments, branches, loops, switches, jumps and labels in source
order), which is what the flow helpers (:mod:`xenreview.code.flow`) walk.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CallKind(StrEnum):
    """How a call site names what it calls."""

    FUNCTION = "function"  # a plain name: f(...)
    MACRO = "macro"  # a macro used as a call: BUG_ON(...), PSCI_SET_RESULT(...)
    INDIRECT = "indirect"  # through a pointer: handler->ops->read(...), or a local `call(...)`


class GuardKind(StrEnum):
    """What a call depends on to run."""

    IF = "if"  # in the then-branch of ``if ( text )``
    ELSE = "else"  # in the else-branch of ``if ( text )``
    CASE = "case"  # under ``case text:`` of ``switch ( subject )``
    LOOP = "loop"  # in the body of the loop ``text`` (its header)
    PREPROC = "preproc"  # under a preprocessor conditional (``#ifdef CONFIG_X``)


class JumpKind(StrEnum):
    RETURN = "return"
    GOTO = "goto"
    BREAK = "break"
    CONTINUE = "continue"


@dataclass(frozen=True, slots=True)
class Guard:
    """One enclosing condition of a statement, outermost first in a tuple.

    ``text`` is the condition without its outer parentheses (IF, ELSE),
    the case labels joined by ``", "`` (CASE, ``default`` included), the
    loop's header as written (LOOP: ``for_each_vcpu ( d, v )``) or the
    directive (PREPROC: ``#ifdef CONFIG_X``, ``#else``).  ``subject`` is the
    switch's subject for CASE.
    """

    kind: GuardKind
    text: str
    line: int
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class Param:
    name: str  # "" for an unnamed parameter (and for "void")
    type: str  # the declaration without the name: "struct cpu_user_regs *"


@dataclass(frozen=True, slots=True)
class Call:
    """A call site.

    ``callee`` is the called name (FUNCTION, MACRO) or the called
    expression's text (INDIRECT: ``handler->ops->read``), ``member`` the
    last member name of an indirect call through a structure (``read``).
    ``args`` are the arguments' texts.  ``function`` is the enclosing
    function (None outside one).  ``guards`` are the conditions it runs
    under within that function, outermost first.  ``in_condition``: it is
    part of an ``if``/``while``/``switch`` condition; ``assigned_to``: the
    target it is assigned to (``status = f()``, ``int rc = f()``);
    ``returned``: ``return f(...)``; ``outer_call``: the callee of the call
    it is an argument of (``PSCI_SET_RESULT`` for the inner call in
    ``PSCI_SET_RESULT(regs, do_psci_0_2_version())``).
    """

    callee: str
    kind: CallKind
    args: tuple[str, ...]
    path: str
    line: int
    column: int
    end_line: int
    function: str | None
    text: str
    guards: tuple[Guard, ...] = ()
    in_condition: bool = False
    assigned_to: str | None = None
    returned: bool = False
    outer_call: str | None = None
    member: str | None = None

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Assignment:
    """An assignment or increment: ``regs->x0 = res``, ``d->is_shut_down = true``, ``n++``.

    ``op`` is the operator (``=``, ``|=``, ``++``, ``--``); ``value`` the
    right-hand side (None for ``++``/``--``).  ``through_pointer``: the
    target is written through a pointer (``p->f``, ``*p``, ``p[i]`` of a
    pointer or array parameter are all counted: anything but a plain
    variable or a member of a plain variable); ``base`` is the target's
    root variable (``regs`` for ``regs->x0``) and ``member`` its last member
    name (``x0``).
    """

    target: str
    op: str
    value: str | None
    path: str
    line: int
    column: int
    function: str | None
    guards: tuple[Guard, ...] = ()
    through_pointer: bool = False
    base: str | None = None
    member: str | None = None

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Branch:
    """An ``if``: the calls of its condition come before it in the step list."""

    condition: str
    line: int
    then: tuple[Step, ...]
    otherwise: tuple[Step, ...] | None  # None: no else


@dataclass(frozen=True, slots=True)
class Loop:
    """A loop; ``header`` as written (``for ( i = 0; i < n; i++ )``, ``for_each_domain ( d )``)."""

    kind: str  # "for", "while", "do", "iterator" (a for_each_* macro)
    header: str
    line: int
    body: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Case:
    labels: tuple[str, ...]  # ("PSCI_1_0_FN32_SYSTEM_SUSPEND", ...), "default" for default
    line: int
    body: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Switch:
    subject: str
    line: int
    cases: tuple[Case, ...]


@dataclass(frozen=True, slots=True)
class Jump:
    """``return value``, ``goto target``, ``break``, ``continue``."""

    kind: JumpKind
    target: str | None  # the label (goto) or the returned expression (return)
    line: int
    guards: tuple[Guard, ...] = ()


@dataclass(frozen=True, slots=True)
class LabelMark:
    """A ``label:`` in a function body."""

    name: str
    line: int


Step = Call | Assignment | Branch | Loop | Switch | Jump | LabelMark


@dataclass(frozen=True, slots=True)
class Use:
    """The first use of a name that is not a local variable or parameter."""

    name: str
    line: int


@dataclass(frozen=True, slots=True)
class Function:
    """A function definition.

    ``line``/``end_line`` span the whole definition (from the return type
    to the closing brace), ``name_line`` is the line of its name,
    ``body_line``/``body_end_line`` the braces.  ``calls`` are every call
    site of the body in source order, ``steps`` the body as a statement
    tree, ``uses`` the names it uses as values that are not its own
    variables (globals, functions passed as pointers, enumerators), in
    order of first use.
    """

    name: str
    path: str
    line: int
    end_line: int
    name_line: int
    body_line: int
    body_end_line: int
    return_type: str
    params: tuple[Param, ...]
    static: bool
    inline: bool
    signature: str
    calls: tuple[Call, ...]
    assignments: tuple[Assignment, ...]
    steps: tuple[Step, ...]
    labels: tuple[LabelMark, ...]
    gotos: tuple[Jump, ...]
    locals: tuple[str, ...]
    uses: tuple[Use, ...]

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"

    def contains(self, line: int) -> bool:
        return self.line <= line <= self.end_line


@dataclass(frozen=True, slots=True)
class Prototype:
    """A function declaration without a body (``long do_sched_op(int cmd, ...);``)."""

    name: str
    path: str
    line: int
    static: bool
    text: str


@dataclass(frozen=True, slots=True)
class SwitchCase:
    """One arm of a ``switch`` in a function: which labels lead to which calls.

    Empty labels that fall into the next arm are merged into it
    (``case A: case B: f();`` is one arm with labels A and B).
    """

    function: str
    subject: str
    labels: tuple[str, ...]
    path: str
    line: int
    end_line: int
    calls: tuple[Call, ...]

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class InitEntry:
    """One entry of an initialiser list, nested lists flattened.

    ``designators`` lead to the value (``("[__HYPERVISOR_sched_op]",
    ".fn")``; positional entries get ``[n]``); ``value`` is its text and
    ``refs`` the names it refers to (casts and ``&`` removed).  An entry
    that is a macro invocation (``HYPERCALL(sched_op, 2)``) keeps the macro
    name and its arguments; the tree facts expand it.
    """

    designators: tuple[str, ...]
    value: str
    line: int
    refs: tuple[str, ...]
    macro: str | None = None
    macro_args: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Initializer:
    """A variable initialised with a brace list (a table, an ops structure)."""

    name: str
    type: str
    path: str
    line: int
    end_line: int
    function: str | None  # None at file scope
    static: bool
    entries: tuple[InitEntry, ...]

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class MacroDef:
    """``#define name(params) body``; ``params`` is None for an object-like macro."""

    name: str
    params: tuple[str, ...] | None
    body: str  # continuation lines joined
    path: str
    line: int

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class StringLiteral:
    value: str  # as written, without the quotes, escapes kept
    path: str
    line: int
    function: str | None


@dataclass(frozen=True, slots=True)
class Comment:
    text: str  # as written, with its delimiters
    path: str
    line: int
    end_line: int
    function: str | None


@dataclass(frozen=True, slots=True)
class ParseError:
    """A part of the file tree-sitter could not parse (or a token it had to invent).

    ``context`` is the kind of syntax node it sits in (``argument_list``
    for a type given to a macro, ``translation_unit`` at file scope...),
    ``function`` the enclosing function.  Parsing goes on around it.
    """

    path: str
    line: int
    column: int
    text: str
    context: str
    function: str | None
    missing: bool = False  # a token tree-sitter inserted (usually ";")


@dataclass(frozen=True, slots=True)
class CFile:
    """The facts of one C file (or header)."""

    path: str
    functions: tuple[Function, ...]
    prototypes: tuple[Prototype, ...]
    calls: tuple[Call, ...]
    assignments: tuple[Assignment, ...]
    cases: tuple[SwitchCase, ...]
    initializers: tuple[Initializer, ...]
    macros: tuple[MacroDef, ...]
    strings: tuple[StringLiteral, ...]
    comments: tuple[Comment, ...]
    errors: tuple[ParseError, ...]
    lines: int
