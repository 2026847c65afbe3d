"""Statements indented by a number of spaces that is not a multiple of four.

**What it flags**

An added line that starts a statement, a declaration, a brace or a comment
and whose indentation is not a multiple of four spaces.  Lines that continue
an open parenthesis or an unfinished expression (aligned with what they
continue), the inside of block comments (`` * `` lines), preprocessor lines
and goto labels (indented by one space) are left alone, as are lines whose
place cannot be told from the hunk.

**Why it matters for Xen**

Xen indents by four spaces per level, so a line at three or six spaces
either sits at the wrong nesting level or was pasted from code with another
style.  Misleading indentation around an unbraced ``if`` body is how real
bugs hide in plain sight.

**Example**

    if ( rc )
       return rc;

**Suggested fix**

Re-indent the line to its nesting level, a multiple of four spaces.  No
replacement is suggested: the intended level cannot be told for sure.

**References**

Xen CODING_STYLE, "Indentation": four spaces per level; continuation lines
are aligned with what they continue; labels are indented by one space.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from xenreview.diff.model import Hunk
from xenreview.ingest.model import Severity
from xenreview.rules.api import C_FILES, Context, Finding, Rule, Scope
from xenreview.rules.lib_style import (
    CONTROL_KEYWORDS,
    INDENT,
    CLine,
    indentation,
    is_iterator,
    matching_open,
    new_side,
    previous_code_index,
    word_before,
)

RULE = Rule(
    code="STY002",
    name="indentation-not-multiple-of-four",
    family="style",
    scope=Scope.HUNK,
    severity=Severity.WARNING,
    paths=C_FILES,
)

_LABEL = re.compile(r"\s*[A-Za-z_]\w*\s*:(?!:)\s*\Z")
_CASE = re.compile(r"\s*(?:case\b.*|default\s*):\s*\Z")
_ELSE_OR_DO = re.compile(r"(?:^|[\s}])(?:else|do)\Z")


def check(hunk: Hunk, ctx: Context) -> Iterator[Finding]:
    lines = new_side(hunk)
    for index, cline in enumerate(lines):
        if not cline.added or cline.line is None:
            continue
        width = _misindented(lines, index)
        if width is None:
            continue
        yield ctx.finding(
            RULE,
            f"This line is indented by {width} spaces, not a multiple of four; "
            "indent it to its nesting level in steps of four spaces.",
            line=cline.line,
            column=1,
        )


def _misindented(lines: Sequence[CLine], index: int) -> int | None:
    """The line's indentation when it should be a multiple of four and is not."""
    cline = lines[index]
    if cline.blank or cline.starts_in_comment or cline.is_preprocessor:
        return None
    indent = indentation(cline.text)
    if "\t" in indent or len(indent) % INDENT == 0 or cline.depth > 0:
        return None
    if cline.text.lstrip().startswith("*") and len(indent) % INDENT == 1:
        return None  # " * text": the body of a comment opened before the hunk
    code = cline.code_stripped
    if _LABEL.match(code) and not _CASE.match(code) and len(indent) % INDENT == 1:
        return None
    previous = previous_code_index(lines, index)
    if previous is None or not _ends_statement(lines, previous):
        return None
    return len(indent)


def _ends_statement(lines: Sequence[CLine], index: int) -> bool:
    """Whether the line after ``lines[index]`` starts a statement (on an indent level)."""
    previous = lines[index]
    if previous.is_preprocessor:
        return not previous.continues
    code = previous.code_stripped
    if code.endswith((";", "{", "}")):
        return True
    if code.endswith(":"):
        return bool(_CASE.match(code) or _LABEL.match(code))
    if _ELSE_OR_DO.search(code):
        return True
    if code.endswith(")"):
        opened = matching_open(lines, index, previous.code.rindex(")"))
        if opened is None:
            return False
        word = word_before(lines[opened[0]].code, opened[1])
        return word is not None and (word in CONTROL_KEYWORDS or is_iterator(word))
    return False
