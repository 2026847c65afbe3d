"""`xenreview hook install|uninstall`: plain git hooks, and real commits through them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.integration.hooks.conftest import AUTHOR, BAD_STYLE, FIXTURES, GOOD_CHANGE, Repo
from tests.integration.runner import Result, run_cli
from xenreview.integrations.githooks import MARKER, hook_script

GOOD_MESSAGE = (FIXTURES / "good_message.txt").read_text()
SIGNED = f"Signed-off-by: {AUTHOR[0]} <{AUTHOR[1]}>"


def hook(repo: Repo, *args: str) -> Result:
    return run_cli(["hook", *args, "--repo", str(repo.root)])


def hooks_dir(repo: Repo) -> Path:
    return repo.root / ".git" / "hooks"


def test_install_writes_two_executable_hooks(xen_repo: Repo) -> None:
    result = hook(xen_repo, "install")
    assert result.code == 0, result
    for name in ("pre-commit", "commit-msg"):
        path = hooks_dir(xen_repo) / name
        assert f"{name}: installed {path}" in result.stdout
        text = path.read_text()
        assert text.startswith("#!/bin/sh\n" + MARKER + "\n")
        assert f"{sys.executable} -m xenreview {name}" in text
        assert os.access(path, os.X_OK)
    assert hook_script("commit-msg", "/venv/bin/python").endswith(
        'exec /venv/bin/python -m xenreview commit-msg "$1"\n'
    )
    again = hook(xen_repo, "install")
    assert again.code == 0 and "pre-commit: updated" in again.stdout


def test_a_foreign_hook_is_not_overwritten(xen_repo: Repo) -> None:
    folder = hooks_dir(xen_repo)
    theirs = folder / "pre-commit"
    theirs.write_text("#!/bin/sh\necho theirs\n")
    result = hook(xen_repo, "install")
    assert result.code == 2
    assert str(theirs) in result.stderr
    assert "--force" in result.stderr
    assert theirs.read_text() == "#!/bin/sh\necho theirs\n"
    assert not (folder / "commit-msg").exists()  # nothing written at all


def test_force_keeps_the_foreign_hook_and_uninstall_puts_it_back(xen_repo: Repo) -> None:
    folder = hooks_dir(xen_repo)
    (folder / "pre-commit").write_text("#!/bin/sh\necho theirs\n")
    result = hook(xen_repo, "install", "--force")
    assert result.code == 0, result
    assert "pre-commit: replaced" in result.stdout
    assert (folder / "pre-commit.pre-xenreview").read_text() == "#!/bin/sh\necho theirs\n"
    assert MARKER in (folder / "pre-commit").read_text()
    result = hook(xen_repo, "uninstall")
    assert result.code == 0
    assert (folder / "pre-commit").read_text() == "#!/bin/sh\necho theirs\n"
    assert not (folder / "pre-commit.pre-xenreview").exists()
    assert not (folder / "commit-msg").exists()


def test_uninstall_leaves_foreign_hooks_alone(xen_repo: Repo) -> None:
    folder = hooks_dir(xen_repo)
    (folder / "commit-msg").write_text("#!/bin/sh\nexit 0\n")
    result = hook(xen_repo, "uninstall")
    assert result.code == 0
    assert "commit-msg: skipped" in result.stdout and "not xenreview's" in result.stdout
    assert (folder / "commit-msg").exists()


def test_core_hooks_path_is_honoured(xen_repo: Repo) -> None:
    xen_repo.git("config", "core.hooksPath", "githooks")
    assert hook(xen_repo, "install").code == 0
    assert (xen_repo.root / "githooks" / "pre-commit").is_file()
    assert not (hooks_dir(xen_repo) / "pre-commit").exists()


def test_a_linked_worktree_uses_the_common_hooks(xen_repo: Repo, tmp_path: Path) -> None:
    other = tmp_path / "other"
    xen_repo.git("worktree", "add", "-q", str(other))
    assert run_cli(["hook", "install", "--repo", str(other)]).code == 0
    assert (hooks_dir(xen_repo) / "commit-msg").is_file()


def test_real_commits_through_the_hooks(xen_repo: Repo) -> None:
    assert hook(xen_repo, "install").code == 0
    head = xen_repo.head()

    # Bad style on a staged line: blocked by pre-commit.
    xen_repo.edit(*BAD_STYLE)
    xen_repo.stage(BAD_STYLE[0])
    done = xen_repo.commit(GOOD_MESSAGE.split("\n#")[0].replace("Ines Example", AUTHOR[0]))
    assert done.returncode != 0
    assert "STY001 tab-indentation" in done.stdout + done.stderr
    assert xen_repo.head() == head

    # A good change with a bad message: blocked by commit-msg.
    xen_repo.git("checkout", "-q", "--", ".")
    xen_repo.git("reset", "-q", "--hard")
    xen_repo.edit(*GOOD_CHANGE)
    xen_repo.stage(GOOD_CHANGE[0])
    done = xen_repo.commit("Describe the affinity layout\n\nReviewd-by: R <r@example.org>")
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "MSG001 subject-without-area" in output
    assert "MSG006 missing-signed-off-by" in output
    assert xen_repo.head() == head

    # The same change with a good message: committed.
    done = xen_repo.commit(
        f"xen/arm: Describe the affinity layout\n\nWhere the limit is.\n\n{SIGNED}"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert xen_repo.head() != head

    # git commit -a: the hook checks the temporary index git commits from.
    xen_repo.edit(
        "xen/arch/arm/vpsci.c",
        "    return (aff1 << 4) | aff0;\n",
        "\treturn (aff1 << 4) | aff0;\n",
    )
    done = xen_repo.commit(f"xen/arm: Indent\n\nIndent it.\n\n{SIGNED}", "-a")
    assert done.returncode != 0
    assert "STY001" in done.stdout + done.stderr

    # Uninstalled: nothing blocks any more.
    assert hook(xen_repo, "uninstall").code == 0
    done = xen_repo.commit("bad subject", "-a")
    assert done.returncode == 0, done.stderr
