"""Fixtures of the hook tests: a Xen-shaped git repository made from the mini tree.

``xen_repo`` is a fresh repository holding the bundled mini tree in one
commit (fixed identity and date); ``Repo`` wraps it with the few git
operations the tests need and a ``snapshot()`` of every file of the work
tree and of ``.git`` (path, bytes, mode), to show that a hook wrote nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from xenreview.minitree import tree_root

FIXTURES = Path(__file__).resolve().parent / "fixtures"
AUTHOR = ("Ines Example", "ines@example.org")


class Repo:
    def __init__(self, root: Path) -> None:
        self.root = root

    def git(self, *args: str, check: bool = True, env: dict[str, str] | None = None) -> str:
        proc = subprocess.run(
            ["git", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, **(env or {})},
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
        return proc.stdout

    def path(self, name: str) -> Path:
        return self.root / name

    def read(self, name: str) -> str:
        return self.path(name).read_text(encoding="utf-8")

    def write(self, name: str, text: str) -> None:
        target = self.path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def edit(self, name: str, old: str, new: str) -> None:
        """Replace the one occurrence of ``old`` in file ``name`` with ``new``."""
        text = self.read(name)
        assert text.count(old) == 1, f"{old!r} is not in {name} exactly once"
        self.write(name, text.replace(old, new))

    def stage(self, *names: str) -> None:
        self.git("add", "--", *names)

    def commit(self, message: str, *extra: str) -> subprocess.CompletedProcess[str]:
        """A real ``git commit`` (hooks run), as the test author."""
        env = {
            "GIT_AUTHOR_NAME": AUTHOR[0],
            "GIT_AUTHOR_EMAIL": AUTHOR[1],
        }
        return subprocess.run(
            ["git", "commit", "-q", "-m", message, *extra],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, **env},
        )

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def snapshot(self) -> dict[str, tuple[str, int]]:
        """Every file under the work tree (``.git`` included): digest and mode."""
        out: dict[str, tuple[str, int]] = {}
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()
                out[path.relative_to(self.root).as_posix()] = (
                    hashlib.sha256(data).hexdigest(),
                    path.stat().st_mode,
                )
        return out


def make_xen_repo(root: Path) -> Repo:
    """A repository holding the mini tree, committed once."""
    shutil.copytree(tree_root(), root, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    repo = Repo(root)
    repo.git("init", "-q")
    repo.git("add", "-A")
    repo.git(
        "commit",
        "-q",
        "-m",
        "xen: the mini tree",
        env={
            "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
            "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
        },
    )
    return repo


@pytest.fixture
def xen_repo(tmp_path: Path) -> Iterator[Repo]:
    yield make_xen_repo(tmp_path / "xen")


# Changes to the mini tree used by several tests.  Each is (path, old, new).
BAD_STYLE = (
    "xen/arch/arm/vpsci.c",
    "    if ( aff0 >= 16 || (vaff >> 16) )\n        return UINT_MAX;\n",
    "    if ( aff0 >= 16 || (vaff >> 16) )\n\treturn UINT_MAX;  \n",
)
GOOD_CHANGE = (
    "xen/arch/arm/vpsci.c",
    "    if ( aff0 >= 16 || (vaff >> 16) )\n        return UINT_MAX;\n",
    "    /* Only 16 vCPUs per cluster and two affinity levels are used. */\n"
    "    if ( aff0 >= 16 || (vaff >> 16) )\n        return UINT_MAX;\n",
)
