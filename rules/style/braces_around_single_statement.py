"""Braces added around a lone one-line statement where Xen leaves them out.

**What it flags**

A new pair of braces (the opening brace on an added line) around the body of
an ``if``/``else`` chain, a ``for``/``while`` loop or a looping macro, when
every branch of that statement is a single statement on a single line.
Not flagged: a body of several statements, a statement spanning several
lines, a nested ``if``/loop/``switch`` as the body, a body holding a comment
or a preprocessor line, a chain where any branch needs braces, macro bodies,
and statements not wholly visible in the hunk.

**Why it matters for Xen**

Xen's style lets a single statement go without braces and prefers that, so
short checks stay compact: ``if ( rc )`` and ``return rc;`` on two lines,
not four with the braces.  Braces stay where they help: a statement spread over
several lines, or a branch next to one that needs them.  This is a
preference, so it is reported as a note.

**Example**

    if ( !d )
    {
        return -ESRCH;
    }

**Suggested fix**

    if ( !d )
        return -ESRCH;

No replacement is attached: it spans several lines.

**References**

Xen CODING_STYLE, "Braces": braces may be omitted around a single
statement, and should be kept when the statement spans lines or another
branch of the same ``if`` has them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from enum import Enum
from typing import NamedTuple

from xenreview.diff.model import Hunk
from xenreview.ingest.model import Severity
from xenreview.rules.api import C_FILES, Context, Finding, Rule, Scope
from xenreview.rules.lib_style import (
    CLine,
    is_iterator,
    matching_close,
    new_side,
    next_code_index,
    previous_code_index,
)

RULE = Rule(
    code="STY006",
    name="braces-around-single-statement",
    family="style",
    scope=Scope.HUNK,
    severity=Severity.NOTE,
    paths=C_FILES,
)

_HEADER = re.compile(r"\s*(?:else\s+)?([A-Za-z_]\w*)\s*\(")
_ELSE = re.compile(r"\s*else\b")
_LOOPS = frozenset({"for", "while"})
_NOT_SIMPLE_START = re.compile(r"(?:if|else|for|while|switch|do|case|default)\b|[A-Za-z_]\w*\s*:")
_STATEMENT_WORDS = frozenset({"return", "goto", "break", "continue"})
_DECLARATION = re.compile(r"[A-Za-z_]\w*(?:\s+|\s*\*+\s*)[A-Za-z_*]\w*\s*[=;\[,]")


class _Body(Enum):
    SIMPLE = "simple"  # one statement on one line
    OTHER = "other"  # anything else: several statements, several lines, nested


class _Branch(NamedTuple):
    body: _Body
    brace: int | None  # index of the line with the opening brace, when braced


def check(hunk: Hunk, ctx: Context) -> Iterator[Finding]:
    lines = new_side(hunk)
    for index, cline in enumerate(lines):
        m = _HEADER.match(cline.code)
        if m is None or cline.code.lstrip().startswith("else"):
            continue
        if cline.continues or (index > 0 and lines[index - 1].continues):
            continue  # in a macro body, where braces are kept for safety
        word = m.group(1)
        if word != "if" and word not in _LOOPS and not is_iterator(word):
            continue
        before = previous_code_index(lines, index)
        if before is not None and lines[before].code_stripped.endswith("else"):
            continue  # "else" then "if" on the next line: mid-chain
        chain = _chain(lines, index, m.end() - 1, loop=word != "if")
        if chain is None or any(b.body is not _Body.SIMPLE for b in chain):
            continue
        braces = [b.brace for b in chain if b.brace is not None and lines[b.brace].added]
        if not braces:
            continue
        brace_line = lines[braces[0]].line
        assert brace_line is not None
        yield ctx.finding(
            RULE,
            "These braces hold a single one-line statement and no branch needs them; "
            "Xen prefers to leave them out.",
            line=brace_line,
        )


def _chain(
    lines: Sequence[CLine], index: int, open_col: int, *, loop: bool
) -> list[_Branch] | None:
    """The branches of the statement whose header opens at ``(index, open_col)``."""
    branches: list[_Branch] = []
    while True:
        close = matching_close(lines, index, open_col)
        if close is None:
            return None
        branch = _branch_after(lines, close[0], close[1] + 1)
        if branch is None:
            return None
        body, last = branch
        branches.append(body)
        if loop:
            return branches
        following = next_code_index(lines, last)
        if following is None:
            return None  # an "else" may follow past the hunk
        code = lines[following].code
        if not _ELSE.match(code):
            return branches
        m = _HEADER.match(code)
        if m is not None and m.group(1) == "if":
            index, open_col = following, m.end() - 1
            continue
        branch = _branch_after(lines, following, code.index("else") + 4)
        if branch is None:
            return None
        branches.append(branch[0])
        return branches


def _branch_after(lines: Sequence[CLine], index: int, column: int) -> tuple[_Branch, int] | None:
    """The body starting after ``lines[index].code[column:]`` and its last line."""
    rest = lines[index].code[column:].strip()
    if rest == "{":
        return _braced(lines, index)
    if rest:
        simple = rest.endswith(";") and _simple(rest)
        return _Branch(_Body.SIMPLE if simple else _Body.OTHER, None), index
    body = next_code_index(lines, index)
    if body is None:
        return None
    if any(not lines[k].blank for k in range(index + 1, body)):
        return _Branch(_Body.OTHER, None), body  # a comment before the body
    if lines[body].code_stripped == "{":
        return _braced(lines, body)
    cline = lines[body]
    if _simple(cline.code_stripped) and _balanced(cline.code):
        return _Branch(_Body.SIMPLE, None), body
    return None  # an unbraced body of several lines: out of this rule's reach


def _braced(lines: Sequence[CLine], brace: int) -> tuple[_Branch, int] | None:
    depth = 0
    for k in range(brace, len(lines)):
        code = lines[k].code
        depth += code.count("{") - code.count("}")
        if depth == 0:
            if lines[k].code_stripped != "}":
                return None  # "} else", "} while": not this rule's layout
            inner = lines[brace + 1 : k]
            if len(inner) == 1 and _simple(inner[0].code_stripped) and not inner[0].comments:
                return _Branch(_Body.SIMPLE, brace), k
            return _Branch(_Body.OTHER, brace), k
    return None


def _simple(code: str) -> bool:
    """One complete statement that could stand alone as a branch."""
    if not code.endswith(";") or code.count(";") != 1 or "{" in code or "}" in code:
        return False
    if code.startswith("#") or _NOT_SIMPLE_START.match(code):
        return False
    first = re.match(r"[A-Za-z_]\w*", code)
    if first is not None and first.group(0) in _STATEMENT_WORDS:
        return True
    return not _DECLARATION.match(code) and _balanced(code)


def _balanced(code: str) -> bool:
    return code.count("(") == code.count(")") and code.count("[") == code.count("]")
