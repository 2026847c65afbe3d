"""`xenreview review` and `xenreview apply` from the command line."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

from tests.conftest import REPO_ROOT
from tests.integration.runner import run_cli

SAMPLE = REPO_ROOT / "patches" / "sample-vtimer-v2" / "series.mbox"


def _git(repo: Path, *args: str) -> str:
    env_date = {
        "GIT_AUTHOR_DATE": "2026-03-02T10:00:00Z",
        "GIT_COMMITTER_DATE": "2026-03-02T10:00:00Z",
    }

    proc = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env_date},
    )
    return proc.stdout.strip()


def _user_repo(tmp_path: Path) -> Path:
    """A checkout holding the file the sample series was made against."""
    repo = tmp_path / "xen"
    repo.mkdir()
    _git(repo, "init", "-q")
    target = repo / "xen" / "arch" / "arm" / "vtimer.c"
    target.parent.mkdir(parents=True)
    # The file the sample was made against: blob 1239c26, as its index line says.
    target.write_text(_sample_base_file())
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    return repo


def _sample_base_file() -> str:
    return (REPO_ROOT / "tests" / "integration" / "fixtures" / "vtimer-base.c").read_text()


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_review_no_apply_on_a_bare_patch(tmp_path: Path) -> None:
    patch = tmp_path / "0001-fix.patch"
    patch.write_text(
        "diff --git a/xen/common/domain.c b/xen/common/domain.c\n"
        "--- a/xen/common/domain.c\n+++ b/xen/common/domain.c\n"
        "@@ -1,2 +1,3 @@\n a\n+b\n c\n"
    )
    result = run_cli(["review", "--no-apply", "--fail-on", "never", "--format", "json", str(patch)])
    assert result.code == 0, result.stderr
    (series,) = json.loads(result.stdout)["series"]
    assert series["apply"] is None
    assert series["apply_skipped"] == "not applied (--no-apply)"
    assert series["patches"][0]["apply"] is None


def test_apply_to_a_user_tree_leaves_it_untouched(tmp_path: Path) -> None:
    repo = _user_repo(tmp_path)
    before = _snapshot(repo)
    result = run_cli(
        ["apply", "--tree", str(repo), "--base", "HEAD", "--format", "json", str(SAMPLE)]
    )
    assert result.code == 0, result.stderr
    (series,) = json.loads(result.stdout)["series"]
    assert [p["apply"]["outcome"] for p in series["patches"]] == ["applied"] * 3
    assert series["apply"]["base"]["matches"] is True
    assert _snapshot(repo) == before


def test_apply_reports_a_base_mismatch_with_exit_1(tmp_path: Path) -> None:
    result = run_cli(["apply", "--format", "json", str(SAMPLE)])  # onto the mini tree
    assert result.code == 1
    (series,) = json.loads(result.stdout)["series"]
    assert series["patches"][0]["apply"]["outcome"] in {"base-missing", "conflict"}
    assert series["patches"][1]["apply"]["outcome"] == "not-attempted"


def test_tree_that_is_not_a_repository(tmp_path: Path) -> None:
    result = run_cli(["apply", "--tree", str(tmp_path), str(SAMPLE)])
    assert result.code == 2
    assert str(tmp_path) in result.stderr
    assert "Traceback" not in result.stderr


def test_keep_writes_the_patched_tree(tmp_path: Path) -> None:
    repo = _user_repo(tmp_path)
    keep = tmp_path / "kept"
    result = run_cli(
        ["apply", "--tree", str(repo), "--base", "HEAD", "--keep", str(keep), str(SAMPLE)]
    )
    assert result.code == 0, result.stderr
    text = (keep / "xen" / "arch" / "arm" / "vtimer.c").read_text()
    assert "unsigned int vtimer_live(void)" in text
