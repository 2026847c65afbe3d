"""Locating hunks after a plain apply, against git's own report."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.unit.apply.helpers import SCHED, VTIMER, Lab
from xenreview.apply import Outcome, apply_series, engine
from xenreview.apply.offsets import images, locate, split_lines
from xenreview.diff.model import FileDiff, FileStatus, Hunk, Line, LineKind


def _file(*hunks: Hunk) -> FileDiff:
    return FileDiff(
        "a.c", "a.c", FileStatus.MODIFIED, None, None, None, None, False, None, hunks, ()
    )


def _hunk(source_start: int, target_start: int, lines: list[tuple[str, str]]) -> Hunk:
    kinds = {
        " ": LineKind.CONTEXT,
        "-": LineKind.REMOVED,
        "+": LineKind.ADDED,
        "\\": LineKind.NO_NEWLINE,
    }
    return Hunk(
        source_start,
        sum(1 for k, _ in lines if k in " -"),
        target_start,
        sum(1 for k, _ in lines if k in " +"),
        "",
        f"@@ -{source_start} +{target_start} @@",
        tuple(Line(kinds[k], v, None, None, i) for i, (k, v) in enumerate(lines, 1)),
        0,
    )


def _text(lines: list[str]) -> bytes:
    return "".join(line + "\n" for line in lines).encode()


BASE = [f"line {i}" for i in range(1, 21)]


def test_split_lines_and_images() -> None:
    assert split_lines(b"a\nb") == ["a\n", "b"]
    assert split_lines(b"a\r\nb\n") == ["a\r\n", "b\n"]
    assert split_lines(b"") == []
    pre, post = images(_hunk(1, 1, [(" ", "a"), ("-", "b"), ("\\", ""), ("+", "c"), ("\\", "")]))
    assert (pre, post) == (["a\n", "b"], ["a\n", "c"])


def test_offsets_are_found_and_checked_against_the_result() -> None:
    hunk1 = _hunk(3, 3, [(" ", "line 3"), ("-", "line 4"), ("+", "LINE 4"), (" ", "line 5")])
    hunk2 = _hunk(10, 10, [(" ", "line 10"), ("+", "new"), (" ", "line 11")])
    before = ["top 1", "top 2", *BASE]  # two lines more at the top
    after = before.copy()
    after[5] = "LINE 4"
    after.insert(12, "new")
    found = locate(_file(hunk1, hunk2), _text(before), _text(after))
    assert found is not None
    assert [(o.hunk, o.line, o.offset) for o in found] == [(1, 5, 2), (2, 12, 2)]
    assert locate(_file(hunk1, hunk2), _text(BASE), _text(BASE)) is None  # not what git wrote


def test_ties_and_missing_context_are_left_to_git() -> None:
    twice = ["x", "a", "b", "y", "a", "b", "z"]
    hunk = _hunk(4, 4, [(" ", "a"), ("+", "new"), (" ", "b")])  # expected at line 4: a/b at 2 and 5
    assert locate(_file(hunk), _text(twice), _text(twice)) is None
    assert locate(_file(_hunk(1, 1, [("+", "only")])), b"", b"only\n") is None
    absent = _hunk(1, 1, [(" ", "nowhere"), ("+", "x")])
    assert locate(_file(absent), _text(BASE), _text(BASE)) is None


def test_a_hunk_without_trailing_context_sticks_to_the_end() -> None:
    lines = ["a", "b", "a", "b", "c", "a", "b"]
    hunk = _hunk(3, 3, [(" ", "a"), (" ", "b"), ("+", "end")])  # header says line 3
    after = [*lines, "end"]
    found = locate(_file(hunk), _text(lines), _text(after))
    assert found is not None and [(o.line, o.offset) for o in found] == [(6, 3)]


@pytest.fixture
def moved(lab: Lab, tmp_path: Path) -> tuple[Lab, object]:
    lab.edit(VTIMER, "static int vtimer_count;", "static unsigned int vtimer_count;")
    lab.commit("xen/arm: vtimer: make the counter unsigned")
    lab.edit(VTIMER, "    return irq;\n}", "    return irq + 1;\n}")
    lab.edit(SCHED, "    sched_runs++;", "    sched_runs += 1;")
    tip = lab.commit("xen/arm: two files")
    series = lab.series(lab.base, tip, tmp_path / "s.mbox", base_commit=False)
    lab.git("checkout", "-q", "-b", "moved", lab.base)
    lab.edit(VTIMER, " * A sample", " * Moved.\n *\n * A sample")
    lab.edit(SCHED, " * A sample", " * Moved.\n *\n * A sample")
    lab.commit("Move things")
    return lab, series


def test_replay_and_git_agree(moved: tuple[Lab, object], monkeypatch: pytest.MonkeyPatch) -> None:
    lab, series = moved
    with apply_series(series, tree=lab.path) as applied:  # type: ignore[arg-type]
        ours = [(r.outcome, r.offsets) for r in applied.results]
    monkeypatch.setattr(engine, "locate", lambda *args: None)  # always ask git
    with apply_series(series, tree=lab.path) as applied:  # type: ignore[arg-type]
        theirs = [(r.outcome, r.offsets) for r in applied.results]
    assert ours == theirs
    assert [o for o, _ in ours] == [Outcome.APPLIED_OFFSET, Outcome.APPLIED_OFFSET]
    assert [(x.path, x.hunk, x.offset) for x in ours[0][1]] == [(VTIMER, 1, 2)]
    assert [(x.path, x.hunk, x.offset) for x in ours[1][1]] == [(VTIMER, 1, 2), (SCHED, 1, 2)]


def test_a_corrupt_diff_is_a_conflict_not_a_crash(lab: Lab, tmp_path: Path) -> None:
    lab.edit(VTIMER, "static int vtimer_count;", "static unsigned int vtimer_count;")
    first = lab.commit("xen/arm: vtimer: make the counter unsigned")
    lab.edit(SCHED, "    sched_runs++;", "    sched_runs += 1;")
    tip = lab.commit("xen/sched: count by addition")
    series = lab.series(lab.base, tip, tmp_path / "s.mbox")
    patch = series.patches[0]
    f = patch.diff.files[0]
    lying = dataclasses.replace(f.hunks[0], header="@@ -5,70 +5,70 @@")
    broken = dataclasses.replace(patch.diff, files=(dataclasses.replace(f, hunks=(lying,)),))
    patches = (dataclasses.replace(patch, diff=broken), series.patches[1])
    bad = dataclasses.replace(series, patches=patches)
    with apply_series(bad, tree=lab.path) as applied:
        assert [r.outcome for r in applied.results] == [Outcome.CONFLICT, Outcome.APPLIED]
        assert "corrupt patch" in applied.results[0].reason
    assert first
