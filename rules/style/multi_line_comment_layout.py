"""Block comments of several lines not laid out the Xen way.

**What it flags**

Added lines of a ``/* */`` comment that spans several lines when

- the opening line carries text after ``/*`` (``/* Text`` instead of ``/*``
  alone; ``/**`` and a banner of stars are fine);
- a line inside the comment does not start with a ``*`` lined up under the
  first ``*`` of ``/*``;
- the closing line carries text before ``*/``.

One-line comments (``/* Single line. */``) are fine, and so are comments
that start after code on the same line (they are not checked).

**Why it matters for Xen**

Xen writes multi-line comments as a box: ``/*`` alone, `` * `` in front of
each line of text, `` */`` alone.  The shape makes the comment stand out
from the code and keeps the text easy to rewrap; reviewers ask for it.

**Example**

    /* Freeze every domain before the
     * non-boot pCPUs go down. */

**Suggested fix**

    /*
     * Freeze every domain before the
     * non-boot pCPUs go down.
     */

The finding carries the rewritten line when the opening is known.

**References**

Xen CODING_STYLE, "Comments": the layout of comments of several lines.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from xenreview.diff.model import Hunk
from xenreview.ingest.model import Severity
from xenreview.rules.api import C_FILES, Context, Finding, Rule, Scope
from xenreview.rules.lib_style import CLine, new_side

RULE = Rule(
    code="STY010",
    name="multi-line-comment-layout",
    family="style",
    scope=Scope.HUNK,
    severity=Severity.WARNING,
    paths=C_FILES,
)


class _Comment(NamedTuple):
    opener: int | None  # line index of "/*" (None: opened before the hunk)
    column: int  # column of "/*" on the opening line
    closer: int | None  # line index of "*/" (None: closes after the hunk)
    first: int  # first line index inside the comment after the opener
    last: int  # last line index of the comment within the hunk


class _Problem(NamedTuple):
    line_index: int
    column: int
    message: str
    fix: str | None


def check(hunk: Hunk, ctx: Context) -> Iterator[Finding]:
    lines = new_side(hunk)
    for comment in _comments(lines):
        for problem in _problems(lines, comment):
            diff_line = lines[problem.line_index].line
            if diff_line is None or not lines[problem.line_index].added:
                continue
            yield ctx.finding(
                RULE,
                problem.message,
                line=diff_line,
                column=problem.column + 1,
                fix=problem.fix,
            )


def _comments(lines: Sequence[CLine]) -> Iterator[_Comment]:
    index = 0
    if lines and lines[0].starts_in_comment:
        end = _end(lines, 0)
        closed = not lines[end].ends_in_comment
        yield _Comment(None, 0, end if closed else None, 0, end)
        index = end + 1
    while index < len(lines):
        cline = lines[index]
        if cline.ends_in_comment and cline.comments:
            column = cline.comments[-1][0]
            if cline.text.startswith("/*", column) and index + 1 < len(lines):
                end = _end(lines, index + 1)
                closed = not lines[end].ends_in_comment
                yield _Comment(index, column, end if closed else None, index + 1, end)
                index = end + 1
                continue
        index += 1


def _end(lines: Sequence[CLine], index: int) -> int:
    """The line where the comment running at ``lines[index]`` closes (or the hunk's last)."""
    while index < len(lines) - 1 and lines[index].ends_in_comment:
        index += 1
    return index


def _unmacro(text: str) -> str:
    text = text.rstrip()
    return text[:-1].rstrip() if text.endswith("\\") else text


def _problems(lines: Sequence[CLine], comment: _Comment) -> Iterator[_Problem]:
    star: int | None = None
    indent: str | None = None
    if comment.opener is not None:
        opening = lines[comment.opener].text
        if opening[: comment.column].strip():
            return  # a comment after code: its own layout, not checked
        indent = opening[: comment.column]
        if "\t" not in indent:
            star = comment.column + 1
        after = _unmacro(opening[comment.column + 2 :]).strip()
        if after.strip("*"):
            macro = opening.rstrip().endswith("\\")
            yield _Problem(
                comment.opener,
                comment.column,
                "Put `/*` alone on the first line of a comment of several lines, "
                "and its text on the lines below.",
                None if macro else f"{indent}/*\n{indent} * {after.lstrip('*').strip()}",
            )
    inside = [k for k in range(comment.first, comment.last + 1) if k != comment.closer]
    # An old comment written without stars, or with its stars elsewhere: new
    # lines may follow its shape.
    old = [_unmacro(lines[k].text) for k in inside if not lines[k].added]
    starless = any(not text.strip().startswith("*") for text in old)
    if star is not None and any(text.index("*") != star for text in old if "*" in text):
        star = None
    for index in range(comment.first, comment.last + 1):
        if index == comment.closer:
            yield from _closing(lines[index], index, star, indent)
        else:
            yield from _middle(lines[index], index, None if starless else star, indent, starless)


def _middle(
    cline: CLine, index: int, star: int | None, indent: str | None, starless: bool
) -> Iterator[_Problem]:
    text = _unmacro(cline.text)
    stripped = text.strip()
    macro = cline.text.rstrip().endswith("\\")
    if not stripped.startswith("*"):
        if starless:
            return
        fix = None
        if indent is not None and not macro:
            fix = f"{indent} * {stripped}".rstrip()
        yield _Problem(
            index,
            0,
            "Start each line inside a comment with ` * `, lined up under the `/*`.",
            fix,
        )
        return
    column = text.index("*")
    if star is not None and column != star and "\t" not in text[:column]:
        yield _Problem(
            index,
            column,
            "Line the `*` of this comment line up under the first `*` of `/*`.",
            None if macro else " " * star + stripped,
        )


def _closing(cline: CLine, index: int, star: int | None, indent: str | None) -> Iterator[_Problem]:
    close = cline.comments[0][1] - 2 if cline.comments else -1
    if close < 0 or cline.code[close + 2 :].strip().strip("\\").strip():
        return  # code after the comment: not a layout this rule knows
    before = cline.text[:close].strip()
    macro = cline.text.rstrip().endswith("\\")
    if before.strip("*"):
        fix = None
        if indent is not None and not macro:
            content = before[1:].strip() if before.startswith("*") else before
            fix = f"{indent} * {content}\n{indent} */"
        yield _Problem(
            index,
            close,
            "Put the closing `*/` of a comment of several lines alone on its line.",
            fix,
        )
        return
    column = cline.text.index("*")
    if star is not None and column != star and "\t" not in cline.text[:column]:
        yield _Problem(
            index,
            column,
            "Line the closing `*/` up under the first `*` of `/*`.",
            None if macro else " " * star + cline.text.strip(),
        )
