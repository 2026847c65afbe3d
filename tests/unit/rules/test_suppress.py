"""Suppressions in C comments, commit messages and cover letters."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.unit.rules.conftest import HOOKS, NOTES
from xenreview.ingest import ingest
from xenreview.ingest.model import Series
from xenreview.rules.api import Finding, LoadedRule
from xenreview.rules.finder import Catalogue
from xenreview.rules.runner import run_rules
from xenreview.rules.suppress import (
    apply_suppressions,
    inline_suppression,
    message_suppressions,
)
from xenreview.rules.testing import DirectoryReader
from xenreview.settings import Settings

TASKLET = "xen/common/tasklet.c"


def _series(path: Path) -> Series:
    (series,) = ingest([str(path)], Settings()).series
    return series


def _rule(catalogue: Catalogue, code: str) -> LoadedRule:
    found = catalogue.lookup(code)
    assert found is not None
    return found


def _by_line(findings: tuple[Finding, ...], code: str) -> dict[int | None, str | None]:
    return {f.location.line: f.suppressed for f in findings if f.code == code}


def test_parsing_a_comment() -> None:
    found = inline_suppression(
        "    x = 1; /* xenreview: ignore[STY001, todo-comment] legacy */", "f:1"
    )
    assert found is not None
    assert found.reason == "legacy"
    assert {"STY001", "TODO-COMMENT", "todo-comment"} <= found.codes
    bare = inline_suppression("/* xenreview: ignore[STY001] */", "f:1")
    assert bare is not None and bare.reason == ""
    assert inline_suppression("/* xenreview: ignore STY001 */", "f:1") is None
    assert inline_suppression("int xenreview;", "f:1") is None


def test_message_lines_must_start_the_line() -> None:
    text = "Body.\n\nxenreview: ignore[MSG005] the log line is quoted\nsay xenreview: ignore[X]\n"
    (found,) = message_suppressions(text, "commit message")
    assert found.reason == "the log line is quoted"
    assert found.where == "commit message, line 3"


def test_inline_and_commit_message_suppressions_without_a_tree(demo: Catalogue) -> None:
    series = _series(NOTES)
    run = run_rules(demo.rules, series)
    findings, notes = apply_suppressions(run.findings, series)
    assert _by_line(findings, "TST001") == {
        31: None,  # nothing on or above it
        33: "inline: tracked as issue 12",  # on the line above
        34: "inline (no reason given)",  # on the same line, without a reason
    }
    (short,) = [f for f in findings if f.code == "TST003"]
    assert short.suppressed == "commit message: the body is short on purpose"
    (note,) = notes
    assert note.where == f"{TASKLET}:34"
    assert "gives no reason" in note.message


def test_the_patched_file_is_read_when_there_is_a_tree(demo: Catalogue) -> None:
    series = _series(NOTES)
    # In the tree after the patch, line 30 (context in the hunk, blank there) holds a
    # suppression: the tree is what counts.
    lines = [f"line {n}" for n in range(1, 40)]
    lines[29] = "    /* xenreview: ignore[TST001] the check comes in the next patch */"
    tree = DirectoryReader({1: {TASKLET: "\n".join(lines) + "\n"}})
    run = run_rules([demo.rules[0]], series)
    findings, _ = apply_suppressions(run.findings, series, tree)
    assert _by_line(findings, "TST001") == {
        31: "inline: the check comes in the next patch",
        33: None,
        34: None,
    }


def test_a_suppression_names_only_its_rules(demo: Catalogue) -> None:
    series = _series(NOTES)
    tree = DirectoryReader({1: {TASKLET: "\n" * 30 + "/* xenreview: ignore[TST999] other */\n"}})
    run = run_rules([demo.rules[0]], series)
    findings, _ = apply_suppressions(run.findings, series, tree)
    assert all(f.suppressed is None for f in findings)


def test_a_cover_letter_suppresses_for_the_whole_series(demo: Catalogue, tmp_path: Path) -> None:
    text = HOOKS.read_text().replace(
        "Three patches for the engine tests",
        "xenreview: ignore[short-commit-body] these are demo patches\n\nThree patches for the"
        " engine tests",
        1,
    )
    mbox = tmp_path / "hooks.mbox"
    mbox.write_text(text)
    series = _series(mbox)
    run = run_rules([_rule(demo, "TST003")], series)
    findings, notes = apply_suppressions(run.findings, series)
    assert [f.location.patch for f in findings] == [2, 3]
    assert {f.suppressed for f in findings} == {"cover letter: these are demo patches"}
    assert notes == ()


def test_already_suppressed_findings_are_left_alone(demo: Catalogue) -> None:
    series = _series(NOTES)
    run = run_rules([_rule(demo, "TST003")], series)
    marked = tuple(replace(f, suppressed="baseline") for f in run.findings)
    findings, _ = apply_suppressions(marked, series)
    assert {f.suppressed for f in findings} == {"baseline"}
