"""Control statements and loop macros written without Xen's inner spaces.

**What it flags**

An added ``if``, ``while``, ``for`` or ``switch`` whose parenthesis is not
written ``keyword ( condition )``: no space before the parenthesis
(``if(``), or none just inside it (``if (x)``, ``if ( x)``).  The same goes
for iterator macros used as loop headers (``for_each_vcpu``,
``for_each_online_cpu``, ``list_for_each_entry``) at the start of a
statement; their definitions and ordinary calls are not looked at.

**Why it matters for Xen**

This is Xen's most visible style marker and the first thing a reviewer
notices: it tells a control statement from a function call at a glance.
Code pasted from Linux gets it wrong on every line.

**Example**

    if (rc != 0)
    for_each_vcpu(d, v)

**Suggested fix**

    if ( rc != 0 )
    for_each_vcpu ( d, v )

The finding carries the rewritten line.

**References**

Xen CODING_STYLE, "Spaces": one space after the keyword and one inside each
parenthesis of a control statement, also for the looping macros; none for
function calls.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from xenreview.diff.model import Hunk
from xenreview.ingest.model import Severity
from xenreview.rules.api import C_FILES, Context, Finding, Rule, Scope
from xenreview.rules.lib_style import (
    CONTROL_KEYWORDS,
    CLine,
    is_iterator,
    matching_close,
    new_side,
)

RULE = Rule(
    code="STY003",
    name="missing-space-in-control-parentheses",
    family="style",
    scope=Scope.HUNK,
    severity=Severity.WARNING,
    paths=C_FILES,
)

_OPEN = re.compile(r"\b([A-Za-z_]\w*)(\s*)\(")
_DIRECTIVE = re.compile(r"\s*#\s*\w+\Z")


class _Bad(NamedTuple):
    word: str
    word_end: int  # column just after the keyword
    open_col: int  # column of "("
    close_col: int | None  # column of ")" when it is on the same line


def check(hunk: Hunk, ctx: Context) -> Iterator[Finding]:
    lines = new_side(hunk)
    for index, cline in enumerate(lines):
        if not cline.added or cline.line is None or not cline.has_code:
            continue
        bad = list(_bad_headers(lines, index))
        if not bad:
            continue
        first = bad[0]
        yield ctx.finding(
            RULE,
            f"Write `{first.word} ( ... )`: Xen puts one space after `{first.word}` "
            "and one inside each side of its parentheses.",
            line=cline.line,
            column=first.word_end - len(first.word) + 1,
            fix=_fixed(cline.text, bad),
        )


def _bad_headers(lines: Sequence[CLine], index: int) -> Iterator[_Bad]:
    cline = lines[index]
    code = cline.code
    for m in _OPEN.finditer(code):
        word = m.group(1)
        if _DIRECTIVE.match(code, 0, m.end(1)):
            continue  # "#if (A)": a directive, not a statement
        open_col = m.end() - 1
        close = matching_close(lines, index, open_col)
        if word not in CONTROL_KEYWORDS and not (
            is_iterator(word) and _loop_header(lines, index, m.start(), close)
        ):
            continue
        wrong = m.group(2) != " "
        if code[open_col + 1 : open_col + 2] not in ("", " "):
            wrong = True
        if close is not None:
            close_line, close_col = close
            before = lines[close_line].code[:close_col]
            if before.strip() and not before.endswith(" "):
                wrong = True
        if wrong:
            same = close[1] if close is not None and close[0] == index else None
            yield _Bad(word, m.start(2), open_col, same)


def _loop_header(
    lines: Sequence[CLine], index: int, start: int, close: tuple[int, int] | None
) -> bool:
    """An iterator macro opening a statement as a loop, not a call or a definition."""
    cline = lines[index]
    if cline.is_preprocessor or cline.code[:start].strip():
        return False
    if close is None:
        return False
    rest = lines[close[0]].code[close[1] + 1 :].strip()
    return not rest.startswith((";", ",", ")", "=", "?", "&&", "||"))


def _fixed(text: str, bad: Sequence[_Bad]) -> str | None:
    edits: list[tuple[int, int, str]] = []
    for item in bad:
        if item.close_col is not None:
            inner = text[item.open_col + 1 : item.close_col].strip()
            edits.append((item.word_end, item.close_col + 1, f" ( {inner} )"))
        else:
            after = text[item.open_col + 1 :]
            stop = len(text) - len(after.lstrip(" "))
            edits.append((item.word_end, stop, " ( " if after.strip() else " ("))
    edits.sort()
    if any(a[1] > b[0] for a, b in itertools.pairwise(edits)):
        return None  # nested headers on one line: leave it to a human
    out = text
    for start, stop, replacement in reversed(edits):
        out = out[:start] + replacement + out[stop:]
    return out.rstrip() if text == text.rstrip() else out
