"""Applying series to real git repositories made in the test."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from tests.unit.apply.helpers import SCHED, VTIMER, Lab, leftovers
from xenreview.apply import Outcome, apply_series
from xenreview.apply.git import Workspace
from xenreview.apply.model import AppliedSeries, BaseSource
from xenreview.errors import DiffError, InputError

INIT = "int vtimer_init(struct vcpu *v)\n{\n"
NULL_CHECK = (INIT, INIT + "    if ( !v )\n        return -EINVAL;\n\n")
UNSIGNED = ("static int vtimer_count;", "static unsigned int vtimer_count;")
SCHED_TICK = ("    sched_runs++;", "    sched_runs += 1;")
KICK = ("    return irq;\n}", "    return irq + 1;\n}")


def _patch(lab: Lab, path: str, change: tuple[str, str], title: str) -> str:
    lab.edit(path, *change)
    return lab.commit(
        f"{title}\n\nBecause it is needed.\n\nSigned-off-by: Alice Example <alice@example.org>"
    )


def _log(applied: AppliedSeries, commit: str, fmt: str) -> str:
    assert isinstance(applied.reader, Workspace)
    return applied.reader.git.text("log", "-1", f"--format={fmt}", commit)


def _outcomes(applied: AppliedSeries) -> list[Outcome]:
    return [r.outcome for r in applied.results]


def test_clean_apply_keeps_author_date_and_message(lab: Lab, tmp_path: Path) -> None:
    p1 = _patch(lab, VTIMER, NULL_CHECK, "xen/arm: vtimer: reject a NULL vCPU")
    p2 = _patch(lab, SCHED, SCHED_TICK, "xen/sched: count ticks by addition")
    series = lab.series(lab.base, p2, tmp_path / "s.mbox")
    with apply_series(series, tree=lab.path) as applied:
        assert applied.base == lab.base
        assert applied.base_source is BaseSource.BASE_COMMIT
        assert applied.base_matches and [c.path for c in applied.checks] == [VTIMER, SCHED]
        assert _outcomes(applied) == [Outcome.APPLIED, Outcome.APPLIED]
        for result, original in zip(applied.results, (p1, p2), strict=True):
            assert result.commit is not None
            # same tree, author, date and message as the contributor's commit
            for fmt in ("%T", "%an <%ae>", "%ad", "%B"):
                assert _log(applied, result.commit, fmt) == lab.git(
                    "log", "-1", f"--format={fmt}", original
                )
            assert _log(applied, result.commit, "%cn <%ce> %cd") == (
                "xenreview <tree@example.org> Thu Jan 1 00:00:00 2026 +0000"
            )
        assert applied.read(VTIMER, 0) == lab.git("show", f"{lab.base}:{VTIMER}") + "\n"
        assert applied.read(VTIMER, 1) == lab.git("show", f"{p1}:{VTIMER}") + "\n"
        assert applied.read(SCHED, 1) == applied.read(SCHED, 0)
        assert applied.read(SCHED, 2) == lab.read(SCHED)
        assert applied.read("no/such/file.c", 2) is None
        assert applied.read("xen/arch", 2) is None  # a directory is no file
        first = [r.commit for r in applied.results]
    with apply_series(series, tree=lab.path) as again:
        assert [r.commit for r in again.results] == first  # deterministic ids


def test_offset_on_a_moved_base(lab: Lab, tmp_path: Path) -> None:
    p1 = _patch(lab, VTIMER, NULL_CHECK, "xen/arm: vtimer: reject a NULL vCPU")
    series = lab.series(lab.base, p1, tmp_path / "s.mbox", base_commit=False)
    lab.git("checkout", "-q", "-b", "moved", lab.base)
    more = "".join(f"#include <xen/{name}.h>\n" for name in ("lib", "init", "errno"))
    lab.edit(VTIMER, "#include <xen/sched.h>\n", "#include <xen/sched.h>\n" + more)
    moved = lab.commit("Add includes")
    with apply_series(series, tree=lab.path) as applied:
        assert (applied.base, applied.base_source) == (moved, BaseSource.HEAD)
        assert not applied.base_matches
        [check] = applied.checks
        assert check.path == VTIMER and check.found is not None
        assert check.expected is not None and not check.found.startswith(check.expected)
        [result] = applied.results
        assert result.outcome is Outcome.APPLIED_OFFSET
        [offset] = result.offsets
        assert (offset.path, offset.hunk, offset.offset) == (VTIMER, 1, 3)
        assert offset.header.startswith("@@ -9,6 +9,9 @@") and offset.line == 12
        assert "return -EINVAL;" in (applied.read(VTIMER, 1) or "")


def test_three_way_when_the_context_moved_but_the_blobs_exist(lab: Lab, tmp_path: Path) -> None:
    p1 = _patch(lab, VTIMER, NULL_CHECK, "xen/arm: vtimer: reject a NULL vCPU")
    series = lab.series(lab.base, p1, tmp_path / "s.mbox", base_commit=False)
    lab.git("checkout", "-q", "-b", "moved", lab.base)
    lab.edit(VTIMER, "    return 0;\n}", "    return 0; /* always */\n}")
    lab.commit("Comment the return")
    with apply_series(series, tree=lab.path) as applied:
        [result] = applied.results
        assert result.outcome is Outcome.APPLIED_3WAY
        text = applied.read(VTIMER, 1) or ""
        assert "return -EINVAL;" in text and "/* always */" in text


def test_context_mismatch_is_a_conflict_with_hunk_and_nearest_lines(
    lab: Lab, tmp_path: Path
) -> None:
    p1 = _patch(lab, VTIMER, UNSIGNED, "xen/arm: vtimer: make the counter unsigned")
    series = lab.series(lab.base, p1, tmp_path / "s.mbox", base_commit=False)
    lab.git("checkout", "-q", "-b", "moved", lab.base)
    lab.edit(VTIMER, "static int vtimer_count;", "static long vtimer_count;")
    lab.commit("Make the counter long")
    with apply_series(series, tree=lab.path) as applied:
        [result] = applied.results
        assert result.outcome is Outcome.CONFLICT
        assert result.commit is None
        [fail] = result.failures
        assert (fail.path, fail.hunk) == (VTIMER, 1)
        assert fail.header is not None and fail.header.startswith("@@ -5,7 +5,7 @@")
        assert fail.reason == "patch does not apply"
        assert fail.explanation == (
            "line 8 reads 'static long vtimer_count;' "
            "where the hunk expects 'static int vtimer_count;'"
        )
        assert fail.nearest is not None and fail.nearest.line == 5
        assert "static long vtimer_count;" in fail.nearest.lines
        assert 0.5 < fail.nearest.similarity < 1
        assert any("Merge conflict in xen/arch/arm/vtimer.c" in c for c in result.conflicts)
        assert VTIMER in result.reason and "3-way" in result.reason
        assert applied.read(VTIMER, 1) == applied.read(VTIMER, 0)  # the tree did not move


def test_base_missing_when_the_blobs_are_not_in_the_tree(lab: Lab, tmp_path: Path) -> None:
    foreign = Lab(tmp_path / "elsewhere")
    foreign.edit(VTIMER, "static int vtimer_count;", "static int vtimer_count; /* elsewhere */")
    foreign.base = foreign.commit("Another history")
    fp1 = _patch(
        foreign, VTIMER, ("/* elsewhere */", "/* moved here */"), "xen/arm: vtimer: comment"
    )
    series = foreign.series(foreign.base, fp1, tmp_path / "s.mbox")
    with apply_series(series, tree=lab.path) as applied:
        assert applied.base_source is BaseSource.HEAD
        assert applied.notes == (
            f"base-commit {foreign.base[:12]} is not in the tree: applying to HEAD instead",
        )
        assert not applied.base_matches
        [result] = applied.results
        assert result.outcome is Outcome.BASE_MISSING
        [blob] = result.missing_blobs
        assert foreign.git("rev-parse", f"{foreign.base}:{VTIMER}").startswith(blob)
        assert VTIMER in result.reason and blob in result.reason
        assert result.failures and result.failures[0].path == VTIMER


def test_independent_patches_still_apply_after_a_failure(lab: Lab, tmp_path: Path) -> None:
    _patch(lab, VTIMER, UNSIGNED, "xen/arm: vtimer: make the counter unsigned")
    _patch(lab, VTIMER, NULL_CHECK, "xen/arm: vtimer: reject a NULL vCPU")
    _patch(lab, SCHED, SCHED_TICK, "xen/sched: count ticks by addition")
    tip = _patch(lab, VTIMER, KICK, "xen/arm: vtimer: shift the kick")
    series = lab.series(lab.base, tip, tmp_path / "s.mbox", base_commit=False)
    lab.git("checkout", "-q", "-b", "moved", lab.base)
    lab.edit(VTIMER, "static int vtimer_count;", "static long vtimer_count;")
    lab.commit("Make the counter long")
    with apply_series(series, tree=lab.path) as applied:
        assert _outcomes(applied) == [
            Outcome.CONFLICT,
            Outcome.NOT_ATTEMPTED,
            Outcome.APPLIED,
            Outcome.NOT_ATTEMPTED,
        ]
        assert applied.results[1].depends_on == (1,)
        assert applied.results[1].reason == f"depends on patch 1 (touches {VTIMER})"
        assert applied.results[3].depends_on == (1,)
        third = applied.results[2].commit
        assert third is not None
        assert applied.commit_after(1) == applied.commit_after(2) == applied.base
        assert applied.commit_after(3) == applied.commit_after(4) == third
        assert "sched_runs += 1;" in (applied.read(SCHED, 4) or "")
        assert applied.read(VTIMER, 4) == applied.read(VTIMER, 0)


def test_a_patch_on_a_new_file_after_a_failure_is_independent(lab: Lab, tmp_path: Path) -> None:
    _patch(lab, VTIMER, UNSIGNED, "xen/arm: vtimer: make the counter unsigned")
    lab.write("xen/arch/arm/suspend.c", "/* SPDX-License-Identifier: GPL-2.0-only */\n")
    second = lab.commit("xen/arm: add suspend.c")
    lab.write("xen/arch/arm/suspend.c", "/* SPDX-License-Identifier: GPL-2.0-only */\nint x;\n")
    tip = lab.commit("xen/arm: suspend: add x")
    series = lab.series(lab.base, tip, tmp_path / "s.mbox", base_commit=False)
    lab.git("checkout", "-q", "-b", "moved", lab.base)
    lab.edit(VTIMER, "static int vtimer_count;", "static long vtimer_count;")
    lab.commit("Make the counter long")
    with apply_series(series, tree=lab.path) as applied:
        assert _outcomes(applied) == [Outcome.CONFLICT, Outcome.APPLIED, Outcome.APPLIED]
        assert [c.expected for c in applied.checks] == [
            lab.git("rev-parse", f"{lab.base}:{VTIMER}")[:7],
            None,
        ]
        assert (
            applied.read("xen/arch/arm/suspend.c", 2)
            == lab.git("show", f"{second}:xen/arch/arm/suspend.c") + "\n"
        )


def test_base_commit_is_honoured_over_head(lab: Lab, tmp_path: Path) -> None:
    p1 = _patch(lab, VTIMER, UNSIGNED, "xen/arm: vtimer: make the counter unsigned")
    series = lab.series(lab.base, p1, tmp_path / "s.mbox")
    lab.git("checkout", "-q", "-b", "moved", lab.base)
    lab.edit(VTIMER, "static int vtimer_count;", "static long vtimer_count;")
    lab.commit("Make the counter long")
    with apply_series(series, tree=lab.path) as applied:
        assert (applied.base, applied.base_source) == (lab.base, BaseSource.BASE_COMMIT)
        assert _outcomes(applied) == [Outcome.APPLIED]
    with apply_series(series, tree=lab.path, base="moved") as applied:
        assert applied.base_source is BaseSource.OPTION
        assert _outcomes(applied) == [Outcome.CONFLICT]


def test_find_base_picks_the_newest_commit_where_every_blob_matches(
    lab: Lab, tmp_path: Path
) -> None:
    p1 = _patch(lab, VTIMER, UNSIGNED, "xen/arm: vtimer: make the counter unsigned")
    p2 = _patch(lab, SCHED, SCHED_TICK, "xen/sched: count ticks by addition")
    series = lab.series(lab.base, p2, tmp_path / "s.mbox", base_commit=False)
    assert p1
    lab.git("checkout", "-q", "-b", "moved", lab.base)
    lab.write("README", "An unrelated file.\n")
    unrelated = lab.commit("Add a README")
    lab.edit(VTIMER, "static int vtimer_count;", "static long vtimer_count;")
    lab.commit("Make the counter long")
    lab.write("README", "Still unrelated.\n")
    lab.commit("Reword the README")
    with apply_series(series, tree=lab.path) as plain:
        assert _outcomes(plain) == [Outcome.CONFLICT, Outcome.APPLIED]
    with apply_series(series, tree=lab.path, find_base=True) as found:
        assert (found.base, found.base_source) == (unrelated, BaseSource.FIND_BASE)
        assert found.base_matches
        assert _outcomes(found) == [Outcome.APPLIED, Outcome.APPLIED]
    with apply_series(series, tree=lab.path, find_base=True, find_base_depth=2) as missed:
        assert missed.base_source is BaseSource.HEAD
        assert missed.notes == (
            "--find-base: no commit in the last 2 commits of HEAD "
            "has every blob the series expects",
        )


def test_find_base_replaces_a_base_commit_that_is_not_there(lab: Lab, tmp_path: Path) -> None:
    p1 = _patch(lab, VTIMER, UNSIGNED, "xen/arm: vtimer: make the counter unsigned")
    mbox = lab.mbox(lab.base, p1, tmp_path / "s.mbox")
    text = mbox.read_text().replace(f"base-commit: {lab.base}", "base-commit: " + "ab" * 20)
    mbox.write_text(text)
    from xenreview.ingest import ingest
    from xenreview.settings import Settings

    [series] = ingest([str(mbox)], Settings()).series
    assert series.base_commit == "ab" * 20
    with apply_series(series, tree=lab.path, find_base=True) as applied:
        assert (applied.base, applied.base_source) == (lab.base, BaseSource.FIND_BASE)
        assert applied.notes[0].startswith("base-commit abababababab is not in the tree")
        assert _outcomes(applied) == [Outcome.APPLIED]


def test_an_already_applied_patch(lab: Lab, tmp_path: Path) -> None:
    p1 = _patch(lab, VTIMER, NULL_CHECK, "xen/arm: vtimer: reject a NULL vCPU")
    p2 = _patch(lab, SCHED, SCHED_TICK, "xen/sched: count ticks by addition")
    series = lab.series(lab.base, p2, tmp_path / "s.mbox", base_commit=False)
    lab.git("checkout", "-q", "-b", "moved", p1)
    lab.edit(VTIMER, "    return 0;\n}", "    return 0; /* always */\n}")
    lab.commit("Comment the return")
    with apply_series(series, tree=lab.path) as applied:
        first, second = applied.results
        assert first.outcome is Outcome.APPLIED_3WAY and first.commit is None
        assert first.reason == "no changes: already in the tree"
        assert second.outcome is Outcome.APPLIED and second.commit is not None
        assert _log(applied, second.commit, "%P") == applied.base


def test_keep_copies_the_final_tree(lab: Lab, tmp_path: Path) -> None:
    _patch(lab, VTIMER, NULL_CHECK, "xen/arm: vtimer: reject a NULL vCPU")
    tip = _patch(lab, SCHED, SCHED_TICK, "xen/sched: count ticks by addition")
    series = lab.series(lab.base, tip, tmp_path / "s.mbox")
    out = tmp_path / "out"
    with apply_series(series, tree=lab.path, keep=out):
        pass
    assert (out / VTIMER).read_text() == lab.read(VTIMER)
    assert (out / SCHED).read_text() == lab.read(SCHED)
    assert (out / "xen/include/xen/sched.h").is_file()  # the whole tree, not only the patched files
    assert not (out / ".git").exists()
    with pytest.raises(InputError, match="not an empty directory"):
        apply_series(series, tree=lab.path, keep=out)


def test_errors_are_one_line_input_errors(lab: Lab, tmp_path: Path, scratch: Path) -> None:
    tip = _patch(lab, VTIMER, NULL_CHECK, "xen/arm: vtimer: reject a NULL vCPU")
    series = lab.series(lab.base, tip, tmp_path / "s.mbox")
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(InputError) as error:
        apply_series(series, tree=plain)
    assert (error.value.source, error.value.message) == (str(plain), "not a git repository")
    with pytest.raises(InputError, match="no such directory"):
        apply_series(series, tree=tmp_path / "absent")
    with pytest.raises(InputError) as error:
        apply_series(series, tree=lab.path, base="no-such-branch")
    assert str(error.value) == "--base: unknown revision 'no-such-branch'"
    with pytest.raises(InputError) as error:
        apply_series(series, tree=lab.path, base="--output=/tmp/x")
    assert error.value.source == "--base"
    with pytest.raises(InputError, match="needs a build command"):
        apply_series(series, tree=lab.path, build=True)
    assert leftovers(scratch) == []


def test_missing_git_is_an_input_error(
    lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tip = _patch(lab, VTIMER, NULL_CHECK, "xen/arm: vtimer: reject a NULL vCPU")
    series = lab.series(lab.base, tip, tmp_path / "s.mbox")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(InputError) as error:
        apply_series(series, tree=lab.path)
    assert str(error.value) == "git: git is not installed (it is needed to apply series)"


def test_paths_escaping_the_tree_are_refused(lab: Lab, tmp_path: Path) -> None:
    tip = _patch(lab, VTIMER, NULL_CHECK, "xen/arm: vtimer: reject a NULL vCPU")
    series = lab.series(lab.base, tip, tmp_path / "s.mbox")
    patch = series.patches[0]
    for bad in ("../outside.c", "xen/../../outside.c", ".git/config", "/etc/passwd"):
        f = dataclasses.replace(patch.diff.files[0], target_path=bad)
        diff = dataclasses.replace(patch.diff, files=(f,))
        evil = dataclasses.replace(series, patches=(dataclasses.replace(patch, diff=diff),))
        with pytest.raises(DiffError, match="unsafe path"):
            apply_series(evil, tree=lab.path)


def test_patches_without_a_usable_diff_are_not_attempted(lab: Lab, tmp_path: Path) -> None:
    _patch(lab, VTIMER, UNSIGNED, "xen/arm: vtimer: make the counter unsigned")
    tip = _patch(lab, VTIMER, NULL_CHECK, "xen/arm: vtimer: reject a NULL vCPU")
    series = lab.series(lab.base, tip, tmp_path / "s.mbox")
    first, second = series.patches
    damaged = dataclasses.replace(
        series, patches=(dataclasses.replace(first, reconstructed=True), second)
    )
    with apply_series(damaged, tree=lab.path) as applied:
        assert _outcomes(applied) == [Outcome.NOT_ATTEMPTED, Outcome.NOT_ATTEMPTED]
        assert "web-archive" in applied.results[0].reason
        assert applied.results[1].depends_on == (1,)
    empty = dataclasses.replace(
        series,
        patches=(
            dataclasses.replace(first, diff=dataclasses.replace(first.diff, files=())),
            second,
        ),
    )
    with apply_series(empty, tree=lab.path) as applied:
        assert _outcomes(applied) == [Outcome.NOT_ATTEMPTED, Outcome.APPLIED]
        assert applied.results[0].reason == "it carries no diff"


def test_unicode_author_and_subject_survive(lab: Lab, tmp_path: Path) -> None:
    lab.edit(VTIMER, *UNSIGNED)
    tip = lab.commit(
        "xen/arm: vtimer: café counter\n\nFrom here on the counter is unsigned.\n"
        ">From a quoted line.\n\nSigned-off-by: Zoë Exämple <zoe@example.org>",
        author="Zoë Exämple <zoe@example.org>",
    )
    series = lab.series(lab.base, tip, tmp_path / "s.mbox")
    with apply_series(series, tree=lab.path) as applied:
        [result] = applied.results
        assert result.commit is not None
        for fmt in ("%T", "%an <%ae>", "%ad", "%B"):
            assert _log(applied, result.commit, fmt) == lab.git("log", "-1", f"--format={fmt}", tip)
