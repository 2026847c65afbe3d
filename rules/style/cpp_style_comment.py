"""``//`` comments in added C code.

**What it flags**

A ``//`` comment on an added line of C: on a line of its own or after code.
A ``//`` inside a string literal (``"http://..."``) or inside a ``/* */``
comment (a URL in a comment) is not a comment and is not flagged.

**Why it matters for Xen**

Xen uses only ``/* */`` comments.  ``//`` comments mark code written for
another project or left over from debugging, and reviewers ask for them
to go.

**Example**

    v->arch.suspended = true; // resumed by the wake-up interrupt

**Suggested fix**

    v->arch.suspended = true; /* resumed by the wake-up interrupt */

The finding carries the rewritten line when the comment text does not
itself contain ``*/`` and the line is not continued with a backslash.

**References**

Xen CODING_STYLE, "Comments": only C89-style ``/* */`` comments.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.diff.model import Hunk
from xenreview.ingest.model import Severity
from xenreview.rules.api import C_FILES, Context, Finding, Rule, Scope
from xenreview.rules.lib_style import new_side

RULE = Rule(
    code="STY009",
    name="cpp-style-comment",
    family="style",
    scope=Scope.HUNK,
    severity=Severity.WARNING,
    paths=C_FILES,
)


def check(hunk: Hunk, ctx: Context) -> Iterator[Finding]:
    for cline in new_side(hunk):
        if not cline.added or cline.line is None:
            continue
        start = cline.line_comment
        if start is None:
            continue
        yield ctx.finding(
            RULE,
            "Use a /* */ comment here: Xen code has no // comments.",
            line=cline.line,
            column=start + 1,
            fix=_fixed(cline.text, start),
        )


def _fixed(text: str, start: int) -> str | None:
    body = text[start:].lstrip("/").strip()
    if not body or "*/" in body or body.endswith("\\"):
        return None
    return f"{text[:start]}/* {body} */"
