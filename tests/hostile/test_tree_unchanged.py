"""The user's checkout stays byte-identical: finished runs, interrupted runs, concurrent runs.

``tests/unit/apply/test_isolation.py`` checks the apply stage in-process
(errors and KeyboardInterrupt injected at chosen points, hook variables).
These run the real command line as a user does, in a process of its own:
``review``/``apply --tree`` to the end, Ctrl-C (SIGINT to the process group,
as a terminal sends it) at several moments, and two runs at once on the same
tree.  Every file of the work tree and of ``.git`` (index, refs, logs,
objects, config) is hashed before and after, and TMPDIR (private to the
test) must be empty afterwards.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.unit.apply.helpers import SCHED, VTIMER, Lab

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def lab(tmp_path: Path) -> Lab:
    """A checkout with history, a stash, local changes and an untracked file."""
    repo = Lab(tmp_path / "xen")
    repo.base = repo.commit("Initial import")
    repo.edit(VTIMER, "static int vtimer_count;", "static unsigned int vtimer_count;")
    repo.commit("xen/arm: vtimer: make the counter unsigned")
    repo.edit(SCHED, "    sched_runs++;", "    sched_runs += 1;")
    repo.commit("xen/sched: count by addition")
    repo.write("README", "draft\n")
    repo.git("add", "README")
    repo.git("stash", "-q")
    repo.write("untracked.txt", "work in progress\n")
    repo.edit(SCHED, "sched_runs;", "sched_runs; /* uncommitted */")
    return repo


@pytest.fixture
def series(lab: Lab, tmp_path: Path) -> Path:
    tip = lab.git("rev-parse", "HEAD")
    return lab.mbox(lab.base, tip, tmp_path / "series.mbox")


def _start(command: list[str], tmpdir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "TMPDIR": str(tmpdir), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "xenreview", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
        start_new_session=True,  # its own process group, like a job in a terminal
    )


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


@pytest.mark.parametrize(
    "command",
    [["review"], ["apply"], ["review", "--find-base", "--keep", "{keep}"]],
    ids=["review", "apply", "review-find-base-keep"],
)
def test_a_finished_run_leaves_the_tree_byte_identical(
    lab: Lab, series: Path, private_tmp: Path, tmp_path: Path, command: list[str]
) -> None:
    before = lab.snapshot()
    args = [a.format(keep=tmp_path / "kept") for a in command]
    code, _, err = _finish(_start([*args, "--tree", str(lab.path), str(series)], private_tmp))
    assert code in (0, 1), err
    assert lab.snapshot() == before
    assert list(private_tmp.iterdir()) == []


def _wait_for_workspace(tmpdir: Path, proc: subprocess.Popen[str], limit: float = 30.0) -> bool:
    """Wait until the run has made its temporary repository (False: it ended first)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if any(tmpdir.glob("xenreview-apply-*")):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.005)
    raise AssertionError("the run made no temporary repository")


@pytest.mark.parametrize(
    ("moment", "after"),
    [("start-up", None), ("workspace-made", 0.0), ("applying", 0.05), ("late", 0.12)],
)
def test_ctrl_c_at_any_moment_leaves_nothing(
    lab: Lab, series: Path, private_tmp: Path, moment: str, after: float | None
) -> None:
    before = lab.snapshot()
    proc = _start(["review", "--tree", str(lab.path), str(series)], private_tmp)
    if after is None:
        time.sleep(0.1)  # still importing: before the error boundary exists
    elif _wait_for_workspace(private_tmp, proc):
        time.sleep(after)
    os.killpg(proc.pid, signal.SIGINT)
    code, _, err = _finish(proc)
    if moment == "late":
        # The work may be done: a finished run's own exit code, or 130.
        assert code in (130, 0, 1), (code, err)
    else:
        # While importing (xenreview.entry catches it) or mid-run (the CLI's
        # error boundary): exit 130 and one line, never a traceback.
        assert code == 130, (code, err)
        assert "xenreview: error: interrupted" in err
    assert "Traceback" not in err
    assert "Exception ignored" not in err
    assert lab.snapshot() == before, moment
    assert list(private_tmp.iterdir()) == [], f"left behind after Ctrl-C ({moment})"


def test_two_runs_at_once_on_the_same_tree(lab: Lab, series: Path, private_tmp: Path) -> None:
    before = lab.snapshot()
    command = ["review", "--format", "json", "--tree", str(lab.path), str(series)]
    first, second = _start(command, private_tmp), _start(command, private_tmp)
    one, two = _finish(first), _finish(second)
    assert one[0] == two[0] and one[0] in (0, 1), (one[2], two[2])
    assert one[1] == two[1]  # identical output, byte for byte
    assert lab.snapshot() == before
    assert list(private_tmp.iterdir()) == []


def _stage_hostile_change(lab: Lab) -> None:
    """A staged edit with control characters and markup, and a staged symbolic link."""
    lab.edit(
        VTIMER, "static unsigned int vtimer_count;", "static int vtimer_count; /* \x1b[31m [/] */"
    )
    lab.git("add", VTIMER)
    os.symlink("/etc/passwd", lab.path / "xen" / "evil")
    lab.git("add", "xen/evil")


@pytest.mark.parametrize("whole", [False, True], ids=["staged-files", "whole-tree"])
def test_the_pre_commit_hook_writes_nothing(lab: Lab, private_tmp: Path, whole: bool) -> None:
    _stage_hostile_change(lab)
    before = lab.snapshot()
    extra = ["--whole-tree"] if whole else []
    code, out, err = _finish(_start(["pre-commit", "--repo", str(lab.path), *extra], private_tmp))
    assert code in (0, 1), err
    assert "Traceback" not in err and "\x1b[31m" not in out
    assert lab.snapshot() == before
    assert list(private_tmp.iterdir()) == []


def test_the_commit_msg_hook_writes_nothing(lab: Lab, private_tmp: Path, tmp_path: Path) -> None:
    message = tmp_path / "COMMIT_EDITMSG"
    message.write_bytes(b"xen: \x1b[2J [bold]x[/] \xff\n\nBody.\n\nSigned-off-by: \x1b]0;t\x07\n")
    before = lab.snapshot()
    kept = message.read_bytes()
    command = ["commit-msg", "--repo", str(lab.path), str(message)]
    code, _, err = _finish(_start(command, private_tmp))
    assert code in (0, 1), err
    assert "Traceback" not in err
    assert lab.snapshot() == before
    assert message.read_bytes() == kept  # a checking hook does not rewrite the message
    assert list(private_tmp.iterdir()) == []


def test_the_commit_msg_hook_sends_no_control_character(lab: Lab, tmp_path: Path) -> None:
    message = tmp_path / "COMMIT_EDITMSG"
    message.write_bytes(b"xen: \x1b[2J [bold]x[/]\n\nBody.\n")
    code, out, err = _finish(
        _start(["commit-msg", "--repo", str(lab.path), str(message)], tmp_path)
    )
    assert code in (0, 1), err
    assert "\x1b" not in out and "\x1b" not in err


def test_ctrl_c_in_the_pre_commit_hook(lab: Lab, private_tmp: Path) -> None:
    _stage_hostile_change(lab)
    before = lab.snapshot()
    proc = _start(["pre-commit", "--repo", str(lab.path), "--whole-tree"], private_tmp)
    time.sleep(0.4)
    os.killpg(proc.pid, signal.SIGINT)
    code, _, err = _finish(proc)
    assert code in (130, 0, 1), (code, err)
    assert "Traceback" not in err
    assert lab.snapshot() == before
    assert list(private_tmp.iterdir()) == []
