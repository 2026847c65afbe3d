"""Apply benchmark: `apply_series` against plain `git am -3` of the same mbox onto the same base.

The series is read once (ingest is not timed).  Its base is the mini tree
when the series names the mini tree's base commit; otherwise a base is
rebuilt from the hunks themselves (every line the series expects, filler
elsewhere), committed to a scratch repository.  Then, in the same run,
alternated, best of --repeat:

- xenreview: ``apply_series(series, tree=...)`` then ``close()`` (temporary
  repository made and removed inside the timing); with the mini tree also
  ``--tree`` on a repository holding the same base;
- git am: ``git am -3`` of the series' patch mails (replies dropped) in a
  checkout of that base prepared beforehand (the strict floor);
- git (clone+am): ``git clone --shared --no-checkout``, a detached checkout
  of the base, ``git am -3``, removal: the same job as xenreview's.

Both sides use the same isolated git environment (no user configuration,
fixed committer).  Wall time and CPU time (this process plus its finished
child processes) are both reported: on a shared machine CPU time is the
steadier of the two.
Run:  python -m benchmarks.apply [MBOX or folder holding one] [--repeat 10]
"""

from __future__ import annotations

import argparse
import json
import mailbox
import re
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from benchmarks.common import Timer
from xenreview.apply import apply_series
from xenreview.apply.git import Git, isolated_env
from xenreview.apply.tree import minitree_base_id, minitree_root, tree_files, write_base
from xenreview.diff.model import FileStatus, LineKind
from xenreview.ingest import ingest
from xenreview.ingest.model import Series
from xenreview.settings import Settings

DEFAULT_MBOX = Path(__file__).resolve().parents[1] / "patches" / "sample-vtimer-v2" / "series.mbox"
_PATCH_SUBJECT = re.compile(r"^\s*\[[^\]]*PATCH[^\]]*?(\d+)/(\d+)\]", re.IGNORECASE)


def patch_mails(mbox: Path, out: Path) -> int:
    """Write the patch mails of ``mbox`` (not the cover letter, not replies) to ``out``."""
    box = mailbox.mbox(str(mbox), create=False)
    kept = mailbox.mbox(str(out))
    count = 0
    for message in box:
        subject = " ".join(str(message.get("Subject", "")).split())
        match = _PATCH_SUBJECT.match(subject)
        if match and int(match.group(1)) > 0:
            kept.add(message)
            count += 1
    kept.flush()
    kept.close()
    return count


def synthetic_files(series: Series) -> dict[str, list[str]]:
    """A base holding every line the series expects, with filler elsewhere."""
    slots: dict[str, list[list[object]]] = {}  # path -> [[original index or None, text or None]]
    originals: dict[str, dict[int, str]] = {}
    counts: dict[str, int] = {}
    created: set[str] = set()
    for patch in series.patches:
        for f in patch.diff.files:
            path = f.source_path or f.path
            if f.status is FileStatus.ADDED:
                created.add(f.path)
            if path in created:
                continue
            state = slots.setdefault(path, [])
            base = originals.setdefault(path, {})
            for hunk in f.hunks:
                pos = hunk.source_start - 1 if hunk.source_length else hunk.source_start
                for line in hunk.lines:
                    if line.kind is LineKind.NO_NEWLINE:
                        continue
                    if line.kind is LineKind.ADDED:
                        state.insert(pos, [None, line.value])
                        pos += 1
                        continue
                    while len(state) <= pos:
                        state.append([counts.get(path, 0), None])
                        counts[path] = counts.get(path, 0) + 1
                    slot = state[pos]
                    if slot[1] is None:
                        slot[1] = line.value
                        if isinstance(slot[0], int):
                            base[slot[0]] = line.value
                    if line.kind is LineKind.REMOVED:
                        del state[pos]
                    else:
                        pos += 1
            if f.target_path and f.target_path != path:
                slots[f.target_path] = state
    return {
        path: [base.get(i, f"/* filler line {i + 1} */") for i in range(counts.get(path, 0))]
        for path, base in originals.items()
    }


def base_repo(series: Series, repo: Path) -> tuple[str, bool]:
    """A repository holding the series' base; (its commit, whether it is the mini tree)."""
    repo.mkdir(parents=True)
    git = Git("git", repo, isolated_env(), str(repo))
    git.run("init", "-q")
    if series.base_commit and minitree_base_id().startswith(series.base_commit):
        commit = write_base(git, tree_files(minitree_root()))
        return commit, True
    for path, lines in synthetic_files(series).items():
        target = repo / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("".join(line + "\n" for line in lines))
    git.run("add", "-A")
    git.run("commit", "-q", "-m", "synthetic base")
    return git.text("rev-parse", "HEAD"), False


def run(mbox: Path = DEFAULT_MBOX, repeat: int = 10) -> dict[str, object]:
    """The figures of one run: best and median wall, best CPU, ratios (see the module docs)."""
    if mbox.is_dir():  # a bundled series folder: its mbox
        mbox = min(mbox.glob("*.mbox"))
    found = ingest([str(mbox)], Settings()).series
    series = max(found, key=lambda s: len(s.patches))
    env = isolated_env()
    timers = {"xenreview": Timer(), "git_am": Timer(), "git_clone_am": Timer()}
    with tempfile.TemporaryDirectory(prefix="xenreview-bench-") as tmp_name:
        tmp = Path(tmp_name)
        base_dir = tmp / "base"
        base, is_mini = base_repo(series, base_dir)
        mails = tmp / "patches.mbox"
        count = patch_mails(mbox, mails)
        tree = None if is_mini else base_dir
        with apply_series(series, tree=tree) as applied:
            outcomes = [r.outcome.value for r in applied.results]
            assert applied.base == base, (applied.base, base)
        if is_mini:
            timers["xenreview_tree"] = Timer()

        def clone(work: Path) -> None:
            subprocess.run(
                ["git", "clone", "-q", "--shared", "--no-checkout", str(base_dir), str(work)],
                env=env,
                check=True,
            )
            checkout = ["git", "-C", str(work), "checkout", "-q", "--detach", base]
            subprocess.run(checkout, env=env, check=True)

        def am(work: Path) -> None:
            proc = subprocess.run(
                ["git", "-C", str(work), "am", "-3", "-q", str(mails)],
                env=env,
                capture_output=True,
                check=False,
            )
            assert proc.returncode == 0, proc.stderr

        for _ in range(repeat):  # alternated, so all see the same machine load
            with timers["xenreview"].measure():
                apply_series(series, tree=tree).close()
            if is_mini:
                with timers["xenreview_tree"].measure():
                    apply_series(series, tree=base_dir).close()
            work = Path(tempfile.mkdtemp(dir=tmp))
            clone(work / "w")
            with timers["git_am"].measure():
                am(work / "w")
            shutil.rmtree(work)
            with timers["git_clone_am"].measure():
                work = Path(tempfile.mkdtemp(dir=tmp))
                clone(work / "w")
                am(work / "w")
                shutil.rmtree(work)
    result: dict[str, object] = {
        "mbox": str(mbox),
        "patches": len(series.patches),
        "patch_mails_for_git": count,
        "base": "mini tree" if is_mini else "rebuilt from the hunks",
        "outcomes": outcomes,
        "repeat": repeat,
    }
    for name, timer in timers.items():
        result[f"{name}_wall_best_s"] = round(min(timer.wall), 4)
        result[f"{name}_wall_median_s"] = round(statistics.median(timer.wall), 4)
        result[f"{name}_cpu_best_s"] = round(min(timer.cpu), 4)
    for kind in ("wall", "cpu"):
        ours = result[f"xenreview_{kind}_best_s"]
        for other in ("git_am", "git_clone_am"):
            theirs = result[f"{other}_{kind}_best_s"]
            assert isinstance(ours, float) and isinstance(theirs, float)
            result[f"ratio_{kind}_vs_{other}"] = round(ours / theirs, 2) if theirs else None
    return result


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mbox", nargs="?", type=Path, default=DEFAULT_MBOX, help="mbox or folder")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)
    result = run(args.mbox, args.repeat)
    print(
        f"{result['patches']} patches ({result['base']}), best of {result['repeat']}: "
        f"xenreview {result['xenreview_wall_best_s']} s wall / {result['xenreview_cpu_best_s']} s "
        f"CPU; git am -3 {result['git_am_wall_best_s']} / {result['git_am_cpu_best_s']} "
        f"(ratio {result['ratio_wall_vs_git_am']}x wall, {result['ratio_cpu_vs_git_am']}x CPU); "
        f"git clone+checkout+am -3 {result['git_clone_am_wall_best_s']} / "
        f"{result['git_clone_am_cpu_best_s']} (ratio {result['ratio_wall_vs_git_clone_am']}x "
        f"wall, {result['ratio_cpu_vs_git_clone_am']}x CPU)"
    )
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
