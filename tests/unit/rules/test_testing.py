"""The fixture harness rule authors use: run_fixture, format_findings, the mini tree run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.rules.conftest import CRASH, HOOKS, NOTES
from xenreview.diff.model import FileStatus, LineKind
from xenreview.ingest.model import Severity
from xenreview.rules.api import Finding, Location, Related
from xenreview.rules.finder import Catalogue, find_rules
from xenreview.rules.testing import (
    DirectoryReader,
    FixtureError,
    FixtureRunner,
    format_findings,
    minitree_findings,
    minitree_series,
    minitree_texts,
    run_fixture,
)


def test_run_fixture_runs_one_rule(demo: Catalogue) -> None:
    findings = run_fixture("TST001", NOTES, catalogue=demo)
    assert {f.code for f in findings} == {"TST001"}
    assert [f.suppressed is None for f in findings] == [True, False, False]


def test_run_fixture_applies_when_the_rule_needs_the_tree(demo: Catalogue) -> None:
    findings = run_fixture("TST002", HOOKS, catalogue=demo)
    assert [f.location.patch for f in findings] == [1, 3]


def test_format_findings(demo: Catalogue) -> None:
    text = format_findings(run_fixture("TST001", NOTES, catalogue=demo))
    assert text == (
        "TST001 todo-comment patch:1 xen/common/tasklet.c:31 "
        "Do the work or file an issue instead of leaving a TODO.\n"
        "  fix:     /* NOTE: check that the pCPU is online */\n"
        "TST001 todo-comment patch:1 xen/common/tasklet.c:33 "
        "Do the work or file an issue instead of leaving a TODO.\n"
        "  fix:     /* NOTE: count the tasklets queued */\n"
        "  suppressed: inline: tracked as issue 12\n"
        "TST001 todo-comment patch:1 xen/common/tasklet.c:34 "
        "Do the work or file an issue instead of leaving a TODO.\n"
        "  fix:     /* NOTE: trace the enqueue */ /* xenreview: ignore[todo-comment] */\n"
        "  suppressed: inline (no reason given)\n"
    )
    assert format_findings([]) == ""


def test_format_findings_places_and_related() -> None:
    finding = Finding(
        "TST009",
        "some-rule",
        Severity.ERROR,
        "Message.",
        Location(patch=None, path=None),
        "fp",
        fix="a\nb",
        related=(Related("the resume path", Location(patch=2, path="x.c", line=7)),),
    )
    assert format_findings([finding]) == (
        "TST009 some-rule series - Message.\n"
        "  fix: a\n"
        "       b\n"
        "  related: patch:2 x.c:7 the resume path\n"
    )


def test_a_crashing_rule_fails_the_fixture() -> None:
    crash = find_rules([CRASH], bundled=False, entry_points=False)
    with pytest.raises(FixtureError, match="TST900"):
        run_fixture("TST900", NOTES, catalogue=crash)
    with pytest.raises(FixtureError, match="no rule TST999"):
        run_fixture("TST999", NOTES, catalogue=crash)


def test_the_runner_applies_each_fixture_once(
    demo: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    import xenreview.apply

    calls: list[str] = []
    real = xenreview.apply.apply_series

    def counting(series: object, **kwargs: object) -> object:
        calls.append(str(series.title))  # type: ignore[attr-defined]
        return real(series, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(xenreview.apply, "apply_series", counting)
    with FixtureRunner() as runner:
        first = run_fixture("TST002", HOOKS, catalogue=demo, runner=runner)
        second = run_fixture("TST002", HOOKS, catalogue=demo, runner=runner)
        run_fixture("TST001", HOOKS, catalogue=demo, runner=runner)  # not applied
    assert first == second
    assert calls == ["xen/softirq: demo hooks"]


def test_the_runner_keeps_few_trees_open(demo: Catalogue, tmp_path: Path) -> None:
    copy = tmp_path / "hooks-copy.mbox"
    copy.write_bytes(HOOKS.read_bytes())
    with FixtureRunner(max_open=1) as runner:
        first = run_fixture("TST002", HOOKS, catalogue=demo, runner=runner)
        assert run_fixture("TST002", copy, catalogue=demo, runner=runner) == first
        assert runner.open_trees == 1  # the first one was closed
        assert run_fixture("TST002", HOOKS, catalogue=demo, runner=runner) == first


def test_the_mini_tree_as_one_patch() -> None:
    files = minitree_texts()
    series = minitree_series(files)
    (patch,) = series.patches
    assert len(patch.diff.files) == len(files)
    spdx = next(f for f in patch.diff.files if f.path == "xen/common/softirq.c")
    assert spdx.status is FileStatus.ADDED
    lines = spdx.hunks[0].lines
    assert lines[0].value == "/* SPDX-License-Identifier: GPL-2.0-only */"
    assert lines[0].target_no == 1
    assert all(line.kind is LineKind.ADDED for line in lines)
    assert len(lines) == files["xen/common/softirq.c"].count("\n")


SPDX_RULE = (
    Path(__file__).parent / "fixtures" / "rules_demo" / "demo" / "todo_comment.py"
).read_text()


def test_the_mini_tree_run_finds_what_a_rule_would(tmp_path: Path, demo: Catalogue) -> None:
    # The demo rules find nothing on the mini tree: no TODO, no forbidden_call().
    result = minitree_findings(demo.rules)
    assert result.errors == ()
    assert result.findings == ()
    # A rule flagging SPDX lines fires once per C file of the tree, at line 1.
    folder = tmp_path / "demo"
    folder.mkdir()
    text = SPDX_RULE.replace('"TODO" in line.value', '"SPDX-License-Identifier" in line.value')
    text = text.replace('"TST001"', '"TST010"').replace('"todo-comment"', '"spdx-line"')
    (folder / "spdx_line.py").write_text(text)
    spdx = find_rules([tmp_path], bundled=False, entry_points=False)
    assert spdx.errors == ()
    found = minitree_findings(spdx.rules).findings
    c_files = [p for p, t in minitree_texts().items() if p.endswith((".c", ".h"))]
    assert {f.location.path for f in found} == set(c_files)
    assert {f.location.line for f in found} == {1}
    assert {f.location.patch for f in found} == {1}


def test_directory_reader_states() -> None:
    reader = DirectoryReader({0: {"a": "0"}, 2: {"a": "2", "b": "x"}})
    assert [reader.read("a", n) for n in (0, 1, 2, 5)] == ["0", "0", "2", "2"]
    assert reader.read("b", 1) is None
    assert reader.paths(3) == ["a", "b"]
    assert DirectoryReader({1: {}}).read("a", 0) is None
