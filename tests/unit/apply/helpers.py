"""Real git repositories for the apply tests, with fixed identities and dates.

A :class:`Lab` is a repository in a test's tmp_path: commit files, then turn
a range of commits into a series exactly as a contributor would post it
(``git format-patch`` -> mbox -> :func:`xenreview.ingest.ingest`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
from pathlib import Path

from xenreview.ingest import ingest
from xenreview.ingest.model import Series
from xenreview.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
TREE = FIXTURES / "tree"
VTIMER = "xen/arch/arm/vtimer.c"
SCHED = "xen/common/sched.c"
ALICE = "Alice Example <alice@example.org>"


class Lab:
    """A git repository built by a test."""

    def __init__(self, path: Path, *, files: Path | None = TREE) -> None:
        self.path = path
        self.tick = 0
        self.base = ""  # the first commit, once made
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        if files is not None:
            shutil.copytree(files, path, dirs_exist_ok=True)

    def _env(self, author: str = ALICE) -> dict[str, str]:
        name, _, email = author.partition(" <")
        when = f"{1767225600 + 86400 + self.tick * 60} +0000"
        return {
            **os.environ,
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email.rstrip(">"),
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_NAME": "Test Committer",
            "GIT_COMMITTER_EMAIL": "committer@example.org",
            "GIT_COMMITTER_DATE": when,
        }

    def git(self, *args: str, input: bytes | None = None) -> str:
        proc = subprocess.run(
            ["git", *args],
            cwd=self.path,
            env=self._env(),
            input=input,
            capture_output=True,
            check=True,
        )
        return proc.stdout.decode().strip()

    def read(self, path: str) -> str:
        return (self.path / path).read_text()

    def write(self, path: str, text: str | None) -> None:
        target = self.path / path
        if text is None:
            target.unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)

    def edit(self, path: str, old: str, new: str) -> None:
        text = self.read(path)
        assert old in text, f"{old!r} not in {path}"
        self.write(path, text.replace(old, new, 1))

    def commit(self, message: str, *, author: str = ALICE) -> str:
        self.tick += 1
        self.git("add", "-A")
        subprocess.run(
            ["git", "commit", "-q", "--no-verify", "-m", message],
            cwd=self.path,
            env=self._env(author),
            check=True,
        )
        return self.git("rev-parse", "HEAD")

    def mbox(self, base: str, tip: str, out: Path, *, base_commit: bool = True) -> Path:
        args = ["format-patch", "--stdout", "--thread", f"{base}..{tip}"]
        if base_commit:
            args.insert(1, f"--base={base}")
        if len(self.git("rev-list", f"{base}..{tip}").split()) > 1:
            args.insert(1, "--cover-letter")
        out.write_text(self.git(*args) + "\n")
        return out

    def series(self, base: str, tip: str, out: Path, *, base_commit: bool = True) -> Series:
        path = self.mbox(base, tip, out, base_commit=base_commit)
        ingested = ingest([str(path)], Settings())
        assert len(ingested.series) == 1, ingested
        return ingested.series[0]

    def snapshot(self) -> dict[str, tuple[str, int]]:
        return snapshot(self.path)


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """Every file and directory under root (work tree and .git): content hash and mode."""
    out: dict[str, tuple[str, int]] = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        rel = str(path.relative_to(root))
        if stat.S_ISREG(info.st_mode):
            out[rel] = (hashlib.sha256(path.read_bytes()).hexdigest(), info.st_mode)
        else:
            out[rel] = ("", info.st_mode)
    return out


def leftovers(tmp: Path) -> list[str]:
    """Temporary directories the apply stage left behind under ``tmp``."""
    return sorted(p.name for p in tmp.glob("xenreview-apply-*"))
