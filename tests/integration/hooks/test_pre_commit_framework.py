"""The hooks of `.pre-commit-hooks.yaml` through the real pre-commit framework.

pre-commit installs a hook repository by cloning it at a revision and
``pip install .`` into a virtual environment of its own, so the checkout is
copied as it is now (committed or not: ``git ls-files -co
--exclude-standard``) into a temporary repository and committed there.
``try-repo`` always builds its environment in a store of its own; the
``install`` test shares one ``PRE_COMMIT_HOME`` across the session.  pip
reaches the package index configured on the machine; nothing else needs
the network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.hooks.conftest import AUTHOR, BAD_STYLE, FIXTURES, GOOD_CHANGE, Repo

REPO_ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow

_GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "xenreview tests",
    "GIT_AUTHOR_EMAIL": "tests@example.org",
    "GIT_COMMITTER_NAME": "xenreview tests",
    "GIT_COMMITTER_EMAIL": "tests@example.org",
}


def _git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, check=True, env={**os.environ, **_GIT_ENV}
    )
    return proc.stdout.decode("utf-8", "surrogateescape")


@pytest.fixture(scope="session")
def hook_checkout(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This checkout's work tree committed into a temporary repository: (path, commit)."""
    if not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing for pre-commit to clone")
    listing = _git(REPO_ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    dest = tmp_path_factory.mktemp("hook-checkout") / "xenreview"
    for name in sorted(set(filter(None, listing.split("\0")))):
        source = REPO_ROOT / name
        if source.is_file():  # a tracked file deleted in the work tree is left out
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "snapshot of the checkout for the hook tests")
    return dest, _git(dest, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def pre_commit(repo: Repo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo.root,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def test_try_repo_blocks_bad_style_on_a_staged_line(
    xen_repo: Repo, hook_checkout: tuple[Path, str]
) -> None:
    checkout, _ = hook_checkout
    xen_repo.edit(*BAD_STYLE)
    xen_repo.stage(BAD_STYLE[0])
    done = pre_commit(xen_repo, "try-repo", str(checkout), "xenreview", "--files", BAD_STYLE[0])
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "xenreview (staged change)" in output and "Failed" in output
    assert "xen/arch/arm/vpsci.c:28: warning STY001 tab-indentation" in output


def test_installed_hooks_block_a_bad_commit_and_pass_a_good_one(
    xen_repo: Repo,
    hook_checkout: tuple[Path, str],
    pre_commit_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checkout, rev = hook_checkout
    monkeypatch.setenv("PRE_COMMIT_HOME", str(pre_commit_home))
    xen_repo.write(
        ".pre-commit-config.yaml",
        f"repos:\n  - repo: {checkout}\n    rev: {rev}\n    hooks:\n"
        "      - id: xenreview\n      - id: xenreview-commit-msg\n",
    )
    xen_repo.stage(".pre-commit-config.yaml")
    xen_repo.git("commit", "-q", "--no-verify", "-m", "pre-commit configuration")
    installed = pre_commit(
        xen_repo,
        "install",
        "--install-hooks",
        "--hook-type",
        "pre-commit",
        "--hook-type",
        "commit-msg",
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    head = xen_repo.head()
    # git commit -m keeps '#' lines (no editor: clean-up "whitespace"): drop the comments.
    good_message = (FIXTURES / "good_message.txt").read_text().split("\n#")[0]
    bad_message = (FIXTURES / "bad_trailers.txt").read_text().split("\n#")[0]

    # Bad style on an added line under xen/arch/arm/: the pre-commit hook blocks it.
    xen_repo.edit(*BAD_STYLE)
    xen_repo.stage(BAD_STYLE[0])
    done = xen_repo.commit(good_message)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "STY001 tab-indentation" in output
    assert xen_repo.head() == head

    # A clean change with bad trailers: the commit-msg hook blocks it.
    xen_repo.git("reset", "-q", "--hard")
    xen_repo.edit(*GOOD_CHANGE)
    xen_repo.stage(GOOD_CHANGE[0])
    done = xen_repo.commit(bad_message)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "xenreview (staged change)" in output and "Passed" in output
    assert "MSG015 misspelled-trailer" in output
    assert f"The author {AUTHOR[0]} <{AUTHOR[1]}> has not signed off" in output
    assert xen_repo.head() == head

    # The same change with a good message goes through both hooks.
    done = xen_repo.commit(good_message)
    assert done.returncode == 0, done.stdout + done.stderr
    assert xen_repo.head() != head
    assert xen_repo.git("log", "-1", "--format=%s").strip() == (
        "xen/arm: Describe the vCPU affinity layout"
    )
