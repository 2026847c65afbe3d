"""Summary hunks (``keep_lines=False``): the same diff, lines counted instead of kept."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from xenreview.diff.model import Diff, Hunk, Line, LineKind
from xenreview.diff.parse import parse_diff, parse_diff_lines
from xenreview.errors import DiffError

FIXTURES = Path(__file__).parent / "fixtures"
DIFFS = sorted(FIXTURES.glob("*.diff"))
MODIFY = (FIXTURES / "git_modify.diff").read_bytes().decode("utf-8")


def summary_of(text: str, **kwargs: object) -> Diff:
    final_newline = text.endswith("\n")
    lines = text.split("\n")
    if final_newline:
        lines.pop()
    return parse_diff_lines(lines, final_newline=final_newline, keep_lines=False, **kwargs)  # type: ignore[arg-type]


TEXTS = [
    *(pytest.param(path.read_bytes().decode("utf-8"), id=path.name) for path in DIFFS),
    # A CRLF diff whose empty context line lost its space: a bare "\r" line.
    pytest.param("--- a/x\r\n+++ b/x\r\n@@ -1,3 +1,3 @@\r\n a\r\n\r\n-b\r\n+c\r\n", id="bare-cr"),
    # An empty context line (space dropped by a mailer), then no newline at the end.
    pytest.param(
        "--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n\n-b\n+c\n\\ No newline at end of file\n",
        id="empty",
    ),
]


@pytest.mark.parametrize("text", TEXTS)
def test_a_summary_is_the_diff_with_each_hunks_lines_counted(text: str) -> None:
    whole = parse_diff(text, source="s.mbox", first_line=7)
    summary = summary_of(text, source="s.mbox", first_line=7)
    assert len(summary.files) == len(whole.files)
    for small, full in zip(summary.files, whole.files, strict=True):
        assert (small.added, small.removed) == (full.added, full.removed)
        for hunk, full_hunk in zip(small.hunks, full.hunks, strict=True):
            assert hunk.lines == ()
            assert hunk.counts == (full_hunk.added, full_hunk.removed)
            assert dataclasses.replace(hunk, lines=full_hunk.lines, counts=None) == full_hunk
        assert dataclasses.replace(small, hunks=full.hunks) == full
    assert dataclasses.replace(summary, files=whole.files) == whole


def test_the_zoo_has_hunks_with_no_newline_marks_and_crlf() -> None:
    """The cases where counting could go wrong are among the fixtures above."""
    kinds = {
        line.kind
        for path in DIFFS
        for f in parse_diff(path.read_bytes().decode("utf-8")).files
        for h in f.hunks
        for line in h.lines
    }
    assert LineKind.NO_NEWLINE in kinds
    assert any(b"\r\n" in path.read_bytes() for path in DIFFS)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("\n".join(MODIFY.splitlines()[:19]) + "\n", id="cut-short"),
        pytest.param(MODIFY.replace("@@ -3,13 +3,15 @@", "@@ -3,12 +3,14 @@"), id="too-long"),
        pytest.param("@@ -1 +1 @@\n-a\n+b\n", id="no-file"),
        pytest.param("--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\nzz\n-b\n+c\n", id="not-a-hunk-line"),
        pytest.param("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n+d\n", id="one-too-many"),
        pytest.param("--- a/x\n+++ b/../x\n@@ -1 +1 @@\n-a\n+b\n", id="leaves-the-tree"),
    ],
)
def test_a_summary_refuses_what_the_whole_parse_refuses(text: str) -> None:
    with pytest.raises(DiffError) as whole:
        parse_diff(text, source="s.mbox", where="message 2")
    with pytest.raises(DiffError) as summary:
        summary_of(text, source="s.mbox", where="message 2")
    assert (summary.value.message, summary.value.where) == (whole.value.message, whole.value.where)


def test_hunk_counts_stand_for_the_lines() -> None:
    line = Line(LineKind.ADDED, "x", None, 1, 2)
    whole = Hunk(0, 0, 1, 1, "", "@@ -0,0 +1 @@", (line,), 1)
    assert (whole.added, whole.removed, whole.counts) == (1, 0, None)
    summary = Hunk(1, 3, 1, 4, "", "@@ -1,3 +1,4 @@", (), 1, counts=(2, 1))
    assert (summary.added, summary.removed) == (2, 1)
