"""Added lines longer than 80 columns.

**What it flags**

An added line of C wider than 80 columns (tabs counted to the next stop of
eight).  Not flagged: a line that runs over only because a string literal
crosses the limit, or a literal that ends the line with nothing after it
but closing punctuation (the user-visible message of a ``printk``,
``gprintk``, ``dprintk`` or ``panic`` that must stay greppable, including
``PRI`` format macros glued to it), and a line whose overflow is a single
URL.

**Why it matters for Xen**

Xen keeps code within 80 columns so patches read well in mail, side by
side diffs and terminals.  Splitting a log message is the one thing worse
than a long line: nobody can find the message in the source from a log, so
that case is allowed.

**Example**

    rc = call_psci_system_suspend(virt_to_maddr(hyp_resume), arm_smccc_1_1_smc_features);

**Suggested fix**

Break the line after a comma or an operator and align the continuation with
the open parenthesis, or introduce a local variable.  No replacement is
suggested: where to break is a judgement call.

**References**

Xen CODING_STYLE, "Indentation and width": at most 80 columns, and
user-visible strings are not split to meet the limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xenreview.diff.model import Line
from xenreview.ingest.model import Severity
from xenreview.rules.api import C_FILES, Context, Finding, Rule, Scope
from xenreview.rules.lib_style import MAX_COLUMNS, display_width, lex, strip_eol

RULE = Rule(
    code="STY008",
    name="line-too-long",
    family="style",
    scope=Scope.ADDED_LINE,
    severity=Severity.WARNING,
    paths=C_FILES,
)

_GLUE = re.compile(r"\s*(?:PRI\w+\s*)?\Z")
_CLOSING = re.compile(r"[\s),;\\]*\Z")
_URL = re.compile(r"\S*://\S*")


def check(line: Line, ctx: Context) -> Iterator[Finding]:
    text = strip_eol(line.value)
    width = display_width(text)
    if width <= MAX_COLUMNS:
        return
    expanded = text.expandtabs(8)
    if _string_exempt(expanded) or _url_exempt(expanded):
        return
    yield ctx.finding(
        RULE,
        f"This line is {width} columns wide; Xen keeps lines within {MAX_COLUMNS} columns, "
        "so break it or shorten it.",
        line=line,
        column=MAX_COLUMNS + 1,
    )


def _string_exempt(text: str) -> bool:
    """The overflow is an unsplit string literal (with format macros glued to it)."""
    (lexed,) = lex([text])
    spans: list[list[int]] = []
    for start, end in lexed.strings:
        if spans and _GLUE.match(text[spans[-1][1] : start]):
            spans[-1][1] = end  # "...%"PRIx64" more": one message
        else:
            spans.append([start, end])
    for start, end in spans:
        if start < MAX_COLUMNS < end:
            return True  # the limit falls inside the literal
        if start < MAX_COLUMNS and _CLOSING.match(text[end:]):
            return True  # only the closing of the call runs over
    return False


def _url_exempt(text: str) -> bool:
    return any(m.start() < MAX_COLUMNS < m.end() for m in _URL.finditer(text))
