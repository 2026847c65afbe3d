"""The user's repository stays byte-identical; the temporary one always goes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.unit.apply.helpers import SCHED, VTIMER, Lab, leftovers
from xenreview.apply import Outcome, apply_series, engine
from xenreview.ingest.model import Series


@pytest.fixture
def conflicting(lab: Lab, tmp_path: Path) -> Series:
    """A series whose first patch conflicts with the lab's HEAD, the second applies."""
    lab.edit(VTIMER, "static int vtimer_count;", "static unsigned int vtimer_count;")
    lab.commit("xen/arm: vtimer: make the counter unsigned")
    lab.edit(SCHED, "    sched_runs++;", "    sched_runs += 1;")
    tip = lab.commit("xen/sched: count by addition")
    series = lab.series(lab.base, tip, tmp_path / "s.mbox", base_commit=False)
    lab.git("checkout", "-q", "-b", "moved", lab.base)
    lab.edit(VTIMER, "static int vtimer_count;", "static long vtimer_count;")
    lab.commit("Make the counter long")
    lab.write("README", "draft\n")  # a user's repository has a stash, config, local changes
    lab.git("add", "README")
    lab.git("stash", "-q")
    lab.git("config", "user.name", "Someone Else")
    lab.write("untracked.txt", "work in progress\n")
    lab.edit(SCHED, "sched_runs;", "sched_runs; /* uncommitted */")
    return series


def test_the_user_repository_is_byte_identical(
    lab: Lab, conflicting: Series, tmp_path: Path, scratch: Path
) -> None:
    before = lab.snapshot()
    runs: list[dict[str, Any]] = [
        {},
        {"find_base": True},
        {"base": lab.base},
        {"keep": tmp_path / "out"},
        {"build": True, "build_command": ["true"]},
    ]
    for options in runs:
        with apply_series(conflicting, tree=lab.path, **options) as applied:
            assert applied.results[0].outcome in (Outcome.CONFLICT, Outcome.APPLIED)
            assert leftovers(scratch) != []
        assert lab.snapshot() == before, options
    assert leftovers(scratch) == []


def test_hook_variables_do_not_lead_git_into_the_user_repository(
    lab: Lab, conflicting: Series, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = lab.snapshot()
    monkeypatch.setenv("GIT_DIR", str(lab.path / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(lab.path))
    monkeypatch.setenv("GIT_INDEX_FILE", str(lab.path / ".git" / "index"))
    with apply_series(conflicting, tree=lab.path) as applied:
        assert [r.outcome for r in applied.results] == [Outcome.CONFLICT, Outcome.APPLIED]
    assert lab.snapshot() == before


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()])
def test_an_interruption_mid_apply_leaves_nothing_behind(
    lab: Lab,
    conflicting: Series,
    scratch: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: BaseException,
) -> None:
    before = lab.snapshot()
    seen: list[Path] = []
    real_am = engine._Run._am

    def am_then_fail(self: Any, *args: Any) -> Any:
        real_am(self, *args)  # git has written objects and commits by now
        seen.extend(scratch.iterdir())
        raise error

    monkeypatch.setattr(engine._Run, "_am", am_then_fail)
    with pytest.raises(type(error)):
        apply_series(conflicting, tree=lab.path)
    assert seen, "the interruption came after the temporary repository was made"
    assert leftovers(scratch) == []
    assert lab.snapshot() == before


def test_an_interruption_while_diagnosing_leaves_nothing_behind(
    lab: Lab, conflicting: Series, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = lab.snapshot()

    def interrupted(*args: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(engine._Run, "_diagnose", interrupted)
    with pytest.raises(KeyboardInterrupt):
        apply_series(conflicting, tree=lab.path)
    assert leftovers(scratch) == []
    assert lab.snapshot() == before


def test_close_removes_the_repository_and_ends_reading(
    lab: Lab, conflicting: Series, scratch: Path
) -> None:
    applied = apply_series(conflicting, tree=lab.path)
    assert len(leftovers(scratch)) == 1
    assert applied.read(SCHED, 2) is not None
    applied.close()
    assert leftovers(scratch) == []
    with pytest.raises(ValueError, match="closed"):
        applied.read(SCHED, 2)
    applied.close()  # twice is fine


def test_a_forgotten_result_is_removed_when_collected(
    lab: Lab, conflicting: Series, scratch: Path
) -> None:
    import gc

    apply_series(conflicting, tree=lab.path)
    gc.collect()
    assert leftovers(scratch) == []
