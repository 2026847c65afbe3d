"""Spaces or tabs at the end of added lines.

**What it flags**

An added line of a C, assembly, Makefile or Kconfig file that ends with
spaces or tabs (a carriage return left by a CRLF line end is not counted).

**Why it matters for Xen**

Trailing white space is invisible in an editor but shows up as noise in
every later diff touching the line; ``git am`` warns about it and
committers fix it up by hand or bounce the patch.

**Example**

    rc = vcpu_pause(v);<SPACE><SPACE>

**Suggested fix**

Delete the white space at the end of the line; the finding carries the
trimmed line.

**References**

Xen CODING_STYLE, "Indentation and width": no trailing white space; the
same check ``git diff --check`` and ``git am`` perform.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.diff.model import Line
from xenreview.ingest.model import Severity
from xenreview.rules.api import C_FILES, Context, Finding, Rule, Scope
from xenreview.rules.lib_style import strip_eol

RULE = Rule(
    code="STY007",
    name="trailing-whitespace",
    family="style",
    scope=Scope.ADDED_LINE,
    severity=Severity.WARNING,
    paths=(*C_FILES, "*.S", "*Makefile", "*Kconfig*", "*.mk"),
)


def check(line: Line, ctx: Context) -> Iterator[Finding]:
    text = strip_eol(line.value)
    trimmed = text.rstrip(" \t\f\v")
    if trimmed == text:
        return
    yield ctx.finding(
        RULE,
        "This line ends with white space; delete it.",
        line=line,
        column=len(trimmed) + 1,
        fix=trimmed,
    )
