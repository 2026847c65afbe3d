"""Opening braces left at the end of a function or control statement line.

**What it flags**

An added line that ends with ``{`` after the head of a function definition
(at file level), an ``if``/``else``/``for``/``while``/``switch`` or a
looping macro such as ``for_each_vcpu``.  Not flagged, because Xen keeps
the brace on the line there: ``do {``, struct, union and enum definitions,
initialisers (``= {``), compound literals and statement expressions
(``({``).  A line starting with ``} else`` is left to ``else-after-closing-brace``.

**Why it matters for Xen**

Xen puts the opening brace of a block on a line of its own, lined up with
the statement it belongs to, unlike Linux.  Mixed placement inside one file
makes the nesting harder to follow and is always asked to be changed on the
list.

**Example**

    if ( rc ) {
        cleanup(d);
        return rc;
    }

**Suggested fix**

    if ( rc )
    {
        cleanup(d);
        return rc;
    }

The finding carries the line split in two, the brace at the statement's
indentation.

**References**

Xen CODING_STYLE, "Braces": braces on their own lines, with the listed
exceptions (do/while, struct/union/enum definitions, initialisers).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from xenreview.diff.model import Hunk
from xenreview.ingest.model import Severity
from xenreview.rules.api import C_FILES, Context, Finding, Rule, Scope
from xenreview.rules.lib_style import (
    CONTROL_KEYWORDS,
    CLine,
    indentation,
    is_iterator,
    matching_open,
    new_side,
    word_before,
)

RULE = Rule(
    code="STY004",
    name="opening-brace-on-statement-line",
    family="style",
    scope=Scope.HUNK,
    severity=Severity.WARNING,
    paths=C_FILES,
)

_ELSE = re.compile(r"(?:^|\s)else\Z")
_NOT_FUNCTIONS = frozenset(
    {"sizeof", "typeof", "__typeof__", "alignof", "_Alignof", "__attribute__", "asm", "__asm__"}
)


def check(hunk: Hunk, ctx: Context) -> Iterator[Finding]:
    lines = new_side(hunk)
    for index, cline in enumerate(lines):
        if not cline.added or cline.line is None or cline.continues:
            continue
        code = cline.code.rstrip()
        if not code.endswith("{") or code.strip() == "{" or code.lstrip().startswith("}"):
            continue
        kind, start = _kind(lines, index, code[:-1].rstrip())
        if kind is None:
            continue
        brace = len(code) - 1
        trailing = cline.text[brace + 1 :]
        fix = None
        if not trailing.strip():
            fix = cline.text[:brace].rstrip() + "\n" + indentation(lines[start].text) + "{"
        yield ctx.finding(
            RULE,
            f"Put the opening brace of this {kind} on a line of its own, "
            + ("in the first column." if kind == "function" else "lined up with the statement."),
            line=cline.line,
            column=brace + 1,
            fix=fix,
        )


def _kind(lines: Sequence[CLine], index: int, head: str) -> tuple[str | None, int]:
    """What the brace opens (``None`` when it may stay) and the statement's first line."""
    if _ELSE.search(head):
        return "else branch", index
    if not head.endswith(")"):
        return None, index
    opened = matching_open(lines, index, len(head) - 1)
    if opened is None:
        return None, index
    line, column = opened
    word = word_before(lines[line].code, column)
    if word is None:
        return None, index
    if word in CONTROL_KEYWORDS:
        return f"`{word}`", line
    if is_iterator(word):
        if lines[line].code[:column].strip() == word:
            return f"`{word}` loop", line
        return None, index
    if word in _NOT_FUNCTIONS or lines[line].is_preprocessor:
        return None, index
    # A function definition: its head starts at the left margin, at file level.
    if lines[line].text.startswith((" ", "\t")) or "=" in lines[line].code[:column]:
        return None, index
    return "function", line
