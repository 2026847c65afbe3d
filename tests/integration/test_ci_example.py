"""The GitLab CI example of docs/ci.md, run as written.

The job's ``xenreview review ...`` line is read from the page, its two
GitLab variables are set, and it runs (as a subprocess of the installed
command, as the job would) in a repository made for the test: the mini
tree's base commit with the bundled ``xen-arm-suspend-v1`` series applied
on top as 18 commits.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT
from xenreview.apply.git import Git
from xenreview.apply.tree import minitree_root, tree_files, write_base

PAGE = REPO_ROOT / "docs" / "ci.md"
SERIES = REPO_ROOT / "patches" / "xen-arm-suspend-v1" / "series.mbox"


def _script_line() -> str:
    match = re.search(r"^\s*- (xenreview review .*)$", PAGE.read_text(), re.MULTILINE)
    assert match, "docs/ci.md has no `- xenreview review ...` script line"
    return match.group(1)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()


def _tree_hash(repo: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(repo.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(repo)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _merge_request(tmp_path: Path) -> tuple[Path, str, str]:
    repo = tmp_path / "xen"
    repo.mkdir()
    _git(repo, "init", "-q")
    env = {k: v for k, v in os.environ.items() if k.startswith(("GIT_", "HOME", "PATH"))}
    write_base(Git("git", repo, env, "ci-test"), tree_files(minitree_root()))
    _git(repo, "checkout", "-q", "-f", "minitree")
    base = _git(repo, "rev-parse", "HEAD")
    subprocess.run(
        ["git", "am", "-q", "--empty=drop", str(SERIES)], cwd=repo, check=True, capture_output=True
    )
    head = _git(repo, "rev-parse", "HEAD")
    return repo, base, head


def test_the_documented_gitlab_job_runs_and_writes_its_reports(tmp_path: Path) -> None:
    repo, base, head = _merge_request(tmp_path)
    before = _tree_hash(repo)
    env = {
        **os.environ,
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": base,
        "CI_COMMIT_SHA": head,
    }
    # The shell's expansion of the two variables, then the words as the shell splits them.
    line = _script_line().replace("$CI_MERGE_REQUEST_DIFF_BASE_SHA", base)
    line = line.replace("$CI_COMMIT_SHA", head)
    words = shlex.split(line)
    assert words[0] == "xenreview"
    exe = shutil.which("xenreview", path=str(Path(sys.executable).parent)) or "xenreview"
    result = subprocess.run(
        [exe, *words[1:]],
        check=False,
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # Findings at or above --fail-on warning: the job fails, as documented.
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "18/18 patches applied" in result.stdout
    assert "ARM001 pv-backend-wakeup" in result.stdout

    quality = json.loads((repo / "gl-code-quality-report.json").read_text())
    assert any("ARM001" in issue["check_name"] for issue in quality)
    assert all(issue["location"]["path"] for issue in quality)
    sarif = json.loads((repo / "xenreview.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"ARM001", "MOD002"}
    html = (repo / "xenreview.html").read_text()
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "pv-backend-wakeup" in html

    # The job's checkout is not modified: only the four reports were added.
    for name in ("gl-code-quality-report.json", "xenreview.sarif", "xenreview.html"):
        (repo / name).unlink()
    assert _tree_hash(repo) == before
    assert _git(repo, "rev-parse", "HEAD") == head
    assert _git(repo, "status", "--porcelain") == ""
