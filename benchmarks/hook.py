"""Hook benchmark: `xenreview pre-commit` on a small staged change in a large tree.

The tree: the bundled mini tree at the root of a scratch repository plus
copies of it, each in a folder of its own under ``xen/`` (``xen/copy02/``
... ``xen/copy50/`` for 50 copies in all), so that every C file of every
copy is a C file of the Xen tree as a whole-tree parse would read it.  It is
committed once; then a small change is staged: three lines added to
``xen/arch/arm/vpsci.c``, one of them with trailing white space (so the run
finds something and prints it, as a blocked commit does).

Timed as fresh processes, alternated so all see the same machine load,
best and median of --repeat runs (wall time):

- ``python -c pass``: the interpreter's start-up;
- ``git diff --cached``: the floor of reading the staged change;
- ``python -m xenreview --version``: xenreview's start-up;
- ``python -m xenreview pre-commit``: the hook (target: under one second).

With --whole-tree, ``pre-commit --whole-tree`` (every C file of the tree
parsed) is timed once, to show what parsing only the changed files saves.

Python's bytecode: an installed xenreview has its ``.pyc`` files, but a
checkout run with ``PYTHONDONTWRITEBYTECODE=1`` compiles every module (and
every rule file) on each start.  By default the runs keep bytecode in a
temporary ``PYTHONPYCACHEPREFIX`` (warmed by a first run, nothing written in
the checkout), as an installed hook would; ``--no-bytecode`` leaves the
environment as it is.
Run:  python -m benchmarks.hook [--copies 50] [--repeat 7] [--whole-tree] [--no-bytecode]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from xenreview.apply.git import isolated_env
from xenreview.apply.tree import minitree_root

TARGET_S = 1.0
CHANGED = "xen/arch/arm/vpsci.c"
_ANCHOR = "    if ( aff0 >= 16 || (vaff >> 16) )\n"
_ADDED = "    /*\n     * Only 16 vCPUs per cluster and two affinity levels are used. \n     */\n"


def build_tree(root: Path, copies: int) -> dict[str, int]:
    """The synthetic tree in a new repository at ``root``, committed, the change staged."""
    source = minitree_root()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(source, root, ignore=ignore)
    for number in range(2, copies + 1):
        shutil.copytree(source, root / "xen" / f"copy{number:02}", ignore=ignore)
    env = isolated_env()
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "synthetic tree"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)
    path = root / CHANGED
    text = path.read_text(encoding="utf-8")
    assert text.count(_ANCHOR) == 1
    path.write_text(text.replace(_ANCHOR, _ADDED + _ANCHOR), encoding="utf-8")
    subprocess.run(["git", "add", CHANGED], cwd=root, env=env, check=True)
    files = [p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts]
    c_files = [p for p in files if p.suffix in (".c", ".h")]
    return {"files": len(files), "c_files": len(c_files)}


def _time(cmd: list[str], cwd: Path, expect: int, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != expect:
        raise RuntimeError(
            f"{' '.join(cmd)} exited {done.returncode}, not {expect}: "
            f"{done.stderr.decode(errors='replace')}"
        )
    return elapsed


def run(
    copies: int = 50,
    repeat: int = 7,
    whole_tree: bool = False,
    keep: Path | None = None,
    bytecode: bool = True,
) -> dict[str, Any]:
    """The figures of one benchmark run (seconds), as a dict (see the module docstring)."""
    python = sys.executable
    commands = {
        "python": ([python, "-c", "pass"], 0),
        "git_diff_cached": (["git", "diff", "--cached", "--quiet"], 1),
        "xenreview_version": ([python, "-m", "xenreview", "--version"], 0),
        "pre_commit": ([python, "-m", "xenreview", "pre-commit"], 1),
    }
    with tempfile.TemporaryDirectory(prefix="xenreview-hook-bench-") as tmp:
        root = Path(tmp) / "tree"
        env = isolated_env()
        if bytecode:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        built = time.perf_counter()
        size = build_tree(root, copies)
        built = time.perf_counter() - built
        times: dict[str, list[float]] = {name: [] for name in commands}
        _time(commands["pre_commit"][0], root, 1, env)  # warm the caches once
        for _ in range(repeat):
            for name, (cmd, expect) in commands.items():
                times[name].append(_time(cmd, root, expect, env))
        whole = None
        if whole_tree:
            cmd = [python, "-m", "xenreview", "pre-commit", "--whole-tree"]
            whole = _time(cmd, root, 1, env)
        if keep is not None:
            shutil.copytree(root, keep)
    result: dict[str, Any] = {
        "copies": copies,
        "files": size["files"],
        "c_files": size["c_files"],
        "changed": f"{CHANGED}: {_ADDED.count(chr(10))} lines added",
        "repeat": repeat,
        "bytecode": "cached (temporary prefix)" if bytecode else "as the environment says",
        "build_s": round(built, 2),
    }
    for name, values in times.items():
        result[f"{name}_best_s"] = round(min(values), 3)
        result[f"{name}_median_s"] = round(statistics.median(values), 3)
    result["pre_commit_over_version_median_s"] = round(
        result["pre_commit_median_s"] - result["xenreview_version_median_s"], 3
    )
    result["pre_commit_whole_tree_s"] = round(whole, 3) if whole is not None else None
    result["target_s"] = TARGET_S
    result["target_met"] = result["pre_commit_median_s"] < TARGET_S
    return result


def main(argv: list[str] | None = None) -> int:
    """Print the figures; exit status 0 when the hook's median is under the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=50, help="copies of the mini tree")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--whole-tree", action="store_true", help="also time pre-commit --whole-tree once"
    )
    parser.add_argument("--keep", type=Path, help="copy the synthetic repository here")
    parser.add_argument(
        "--no-bytecode", action="store_true", help="do not cache bytecode (see the docstring)"
    )
    args = parser.parse_args(argv)
    result = run(args.copies, args.repeat, args.whole_tree, args.keep, not args.no_bytecode)
    print(
        f"{result['copies']} copies of the mini tree: {result['files']} files, "
        f"{result['c_files']} C files; {result['changed']}; best / median of {args.repeat}:"
    )
    for name in ("python", "git_diff_cached", "xenreview_version", "pre_commit"):
        best, median = result[f"{name}_best_s"], result[f"{name}_median_s"]
        print(f"  {name:20s} {best:7.3f} s  {median:7.3f} s")
    if result["pre_commit_whole_tree_s"] is not None:
        whole = result["pre_commit_whole_tree_s"]
        print(f"  {'pre_commit --whole-tree':20s} {whole:7.3f} s (once)")
    verdict = "met" if result["target_met"] else "NOT met"
    print(f"target: pre-commit median under {TARGET_S:.1f} s: {verdict}")
    print(json.dumps(result, indent=2))
    return 0 if result["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
