"""Tab characters in added C lines.

**What it flags**

An added line of a C source or header that contains a tab character: most
often as indentation, sometimes to line up a macro value or a comment.
Tabs at the very end of a line are left to ``trailing-whitespace``.

**Why it matters for Xen**

Xen's C files indent with four spaces per level and contain no tabs at all.
Code carried over from Linux (one tab per level) and editors that turn
every eight columns of indentation into a tab are the usual sources; mixed
tabs and spaces look right in one editor and ragged in the next, and
reviewers on the list ask for a respin.

**Example**

    if ( rc )
    <TAB>return rc;

**Suggested fix**

Replace the tabs by spaces.  The finding carries the line with each tab
expanded to the next multiple of eight columns, which keeps it where it
showed in the author's editor (the usual slip: an editor that turns every
eight columns of indentation into a tab).  Code pasted from Linux, one tab
per level, needs re-indenting to four-space levels instead; no replacement
is offered when a tab sits inside a string literal.

**References**

Xen CODING_STYLE, "Indentation": four spaces per level, never tabs.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.diff.model import Line
from xenreview.ingest.model import Severity
from xenreview.rules.api import C_FILES, Context, Finding, Rule, Scope
from xenreview.rules.lib_style import TAB_WIDTH, indentation, lex, strip_eol

RULE = Rule(
    code="STY001",
    name="tab-indentation",
    family="style",
    scope=Scope.ADDED_LINE,
    severity=Severity.WARNING,
    paths=C_FILES,
)


def check(line: Line, ctx: Context) -> Iterator[Finding]:
    text = strip_eol(line.value)
    column = text.rstrip().find("\t")
    if column < 0:
        return  # none, or only at the end: that is trailing-whitespace's
    indent = indentation(text)
    if "\t" in indent:
        message = "This line is indented with a tab; Xen indents with four spaces per level."
    else:
        message = "This line contains a tab character; Xen C files use spaces only."
    yield ctx.finding(RULE, message, line=line, column=column + 1, fix=_fixed(text))


def _fixed(text: str) -> str | None:
    (lexed,) = lex([text])
    if any("\t" in text[start:end] for start, end in lexed.strings):
        return None  # a tab inside a literal changes what the program prints
    return text.expandtabs(TAB_WIDTH)
