"""Rule fixtures as `git format-patch` output against the mini tree.

The fixture generators of the rule families (``tests/unit/rules_*/make_fixtures.py``)
describe each fixture as exact text edits of the mini tree; this module makes
the scratch repository (the mini tree's base commit), applies the edits as one
commit with a fixed author, date and committer, and writes the patch mail with
a fixed Message-ID and ``To:`` line.  Same input, same bytes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from xenreview.apply.git import Git
from xenreview.apply.tree import minitree_base_id, minitree_root, tree_files, write_base


class PatchMaker:
    """A scratch git repository on the mini tree's base, under the system's temp folder."""

    def __init__(self, name: str, committer: tuple[str, str], out: Path) -> None:
        self.scratch = Path(tempfile.gettempdir()) / name
        self.repo = self.scratch / "repo"
        self.out = out
        self.base = minitree_base_id()
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(self.scratch / "home"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_COMMITTER_NAME": committer[0],
            "GIT_COMMITTER_EMAIL": committer[1],
        }

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            ["git", *args],
            cwd=self.repo,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def setup(self) -> None:
        """A fresh repository holding the mini tree's base commit, checked out."""
        if self.repo.exists():
            shutil.rmtree(self.repo)
        self.repo.mkdir(parents=True)
        (self.scratch / "home").mkdir(parents=True, exist_ok=True)
        self.git("init", "-q")
        write_base(Git("git", self.repo, self.env, "fixtures"), tree_files(minitree_root()))
        self.git("checkout", "-q", "-f", "minitree")

    def write(
        self,
        out: str,
        *,
        message: str,
        edits: Sequence[tuple[str, str, str]],
        new: dict[str, str],
        author: tuple[str, str],
        date: str,
        message_id: str,
    ) -> Path:
        """One commit of ``edits`` (path, old, new: ``old`` must occur once) and ``new``
        files on the base, written as ``self.out / out``."""
        self.git("checkout", "-q", "-f", "-B", "fx", "minitree")
        self.git("clean", "-qfdx")
        for path, old, replacement in edits:
            file = self.repo / path
            text = file.read_text()
            if text.count(old) != 1:
                raise SystemExit(f"{out}: {path}: the old text occurs {text.count(old)} times")
            file.write_text(text.replace(old, replacement))
        for path, text in new.items():
            file = self.repo / path
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(text)
        self.git("add", "-A")
        name, email = author
        when = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        author_env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, **when}
        self.git("commit", "-q", "-m", message, env=author_env)
        patch = self.git(
            "format-patch", "-1", "--stdout", f"--base={self.base}", "--signature=2.39.5"
        )
        lines = patch.split("\n")
        lines.insert(1, f"Message-ID: {message_id}")
        at = next(i for i, text in enumerate(lines) if text.startswith("Subject:"))
        while lines[at + 1].startswith(" "):
            at += 1
        lines.insert(at + 1, "To: xen-devel@lists.xenproject.org")
        target = self.out / out
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines))
        return target
