"""Read-only access to the repository a hook runs in: the staged change, the index, HEAD.

Every command here only reads: ``git diff --cached``, ``git cat-file``,
``git ls-files``, ``git rev-parse``, ``git var``, ``git config --get``, all
with ``GIT_OPTIONAL_LOCKS=0`` so that not even the index's stat cache is
refreshed.  A hook must leave ``.git`` and the work tree exactly as it
found them.

The environment is the caller's: inside a git hook, git exports the index
being committed (``GIT_INDEX_FILE``, a temporary index for ``git commit
-a`` or ``git commit PATH``) and the author of the commit
(``GIT_AUTHOR_NAME``/``EMAIL``), and both must be honoured.  When the
repository is named explicitly (``--repo``), the variables that would point
git at another repository are dropped instead.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from xenreview.apply.git import BlobReader, Git, first_error, git_executable
from xenreview.errors import InputError, LimitError
from xenreview.ingest.model import Person

__all__ = ["HookRepo", "parse_ident"]

# Variables that say *which* repository, index or object store git works on.
_LOCATION_VARS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
    "GIT_CEILING_DIRECTORIES",
)
# The blanks before "<" are read once, from their first one (the lookbehind).
_IDENT = re.compile(r"^(?P<name>.*?)(?<!\s)\s*+<(?P<email>[^<>]*+)>")

# How the staged change is asked for: plain unified diff with a/ b/ prefixes
# whatever the user's configuration says, renames found, no external diff
# drivers or text conversion, submodule pointers left out.
DIFF_ARGS = (
    "-c",
    "core.quotePath=false",
    "diff",
    "--cached",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--ignore-submodules=all",
    "--find-renames",
    "--unified=3",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "--no-relative",
)


def parse_ident(text: str) -> Person:
    """``Name <email> 1700000000 +0000`` (``git var GIT_AUTHOR_IDENT``) as a Person."""
    match = _IDENT.match(text.strip())
    if match is None:
        return Person(text.strip(), "")
    return Person(match.group("name").strip(), match.group("email").strip())


def hook_env(*, explicit_repo: bool) -> dict[str, str]:
    """The environment of our git commands (see the module docstring)."""
    env = dict(os.environ)
    if explicit_repo:
        for name in _LOCATION_VARS:
            env.pop(name, None)
    else:
        index = env.get("GIT_INDEX_FILE")
        if index and not Path(index).is_absolute():
            env["GIT_INDEX_FILE"] = str(Path.cwd() / index)
    for name in ("LANGUAGE", "LC_MESSAGES", "LANG"):
        env.pop(name, None)
    env["LC_ALL"] = "C"
    env["GIT_OPTIONAL_LOCKS"] = "0"
    env["GIT_TERMINAL_PROMPT"] = "0"
    env.pop("GIT_EXTERNAL_DIFF", None)
    return env


class HookRepo:
    """The work tree a hook runs in, read through git only.

    ``root`` is the top of the work tree.  :meth:`read_head` and
    :meth:`read_index` read a file as committed in HEAD and as staged in the
    index (the one of ``GIT_INDEX_FILE``), through one long-lived ``git
    cat-file --batch``.  Close it (or use it as a context manager) to stop
    that process.
    """

    def __init__(self, git: Git, root: Path) -> None:
        self.git = git
        self.root = root
        self._reader = BlobReader(git)
        self._head: str | bool | None = False  # False: not asked yet

    @classmethod
    def open(cls, repo: Path | None = None) -> HookRepo:
        """The repository at ``repo`` (default: the one holding the current directory)."""
        start = Path.cwd() if repo is None else repo
        label = str(start)
        if not start.is_dir():
            raise InputError("not a directory", source=label)
        git = Git(git_executable(), start, hook_env(explicit_repo=repo is not None), label)
        proc = git.run("rev-parse", "--show-toplevel", check=False)
        top = proc.stdout.decode("utf-8", "surrogateescape").strip()
        if proc.returncode != 0 or not top:
            reason = first_error(proc.stderr)
            if "not a git repository" in reason:
                reason = "not a git repository (or not inside a work tree)"
            raise InputError(reason, source=label)
        root = Path(top)
        return cls(Git(git.executable, root, git.env, str(root)), root)

    # -- the commit being made ---------------------------------------------------

    def head(self) -> str | None:
        """The commit HEAD names, or None on a branch with no commit yet."""
        if self._head is False:
            proc = self.git.run("rev-parse", "--verify", "-q", "HEAD^{commit}", check=False)
            found = proc.stdout.decode("ascii", "replace").strip()
            self._head = found if proc.returncode == 0 and found else None
        return self._head if isinstance(self._head, str) else None

    def staged_diff(self, max_bytes: int | None = None) -> str:
        """``git diff --cached`` (against HEAD, or the empty tree before the first commit)."""
        data = self.git.run(*DIFF_ARGS).stdout
        if max_bytes is not None and len(data) > max_bytes:
            raise LimitError(
                f"the staged change is {len(data)} bytes, more than the limit of {max_bytes}"
                " (raise it with max-bytes in the config)",
                source="git diff --cached",
            )
        return data.decode("utf-8", "replace")

    def author(self) -> Person:
        """The author of the commit being made (``git var GIT_AUTHOR_IDENT``)."""
        proc = self.git.run("var", "GIT_AUTHOR_IDENT", check=False)
        if proc.returncode != 0:
            return Person("", "")
        return parse_ident(proc.stdout.decode("utf-8", "replace"))

    def config(self, key: str) -> str | None:
        """A configuration value (``git config --get``), None when unset."""
        proc = self.git.run("config", "--get", key, check=False)
        if proc.returncode != 0:
            return None
        return proc.stdout.decode("utf-8", "replace").rstrip("\n")

    def git_path(self, name: str) -> Path:
        """``git rev-parse --git-path NAME`` as an absolute path (``hooks`` honours
        ``core.hooksPath`` and linked worktrees)."""
        out = self.git.text("rev-parse", "--git-path", name)
        path = Path(out)
        return path if path.is_absolute() else self.root / path

    # -- reading files -------------------------------------------------------------

    def read_head(self, path: str) -> bytes | None:
        """``path`` as committed in HEAD (None: no such file, or no commit yet)."""
        head = self.head()
        if head is None:
            return None
        return self._blob(f"{head}:{path}")

    def read_index(self, path: str) -> bytes | None:
        """``path`` as staged (stage 0 of the index; None when absent or in conflict)."""
        return self._blob(f":{path}")

    def read_many(self, names: Sequence[str]) -> list[bytes | None]:
        """Blobs by object name (``HEAD:path``, ``:path``, a blob id), in one batch."""
        out: list[bytes | None] = []
        for found in self._reader.objects(list(names)):
            out.append(found[2] if found is not None and found[1] == "blob" else None)
        return out

    def _blob(self, name: str) -> bytes | None:
        if "\n" in name:
            return None
        found = self._reader.object(name)
        return found[2] if found is not None and found[1] == "blob" else None

    def index_paths(self) -> tuple[str, ...]:
        """Every path staged in the index (stage 0), sorted."""
        out = self.git.run("-c", "core.quotePath=false", "ls-files", "-z", "--cached").stdout
        return _split_z(out)

    def head_paths(self) -> tuple[str, ...]:
        """Every file path of HEAD's tree, sorted (empty before the first commit)."""
        head = self.head()
        if head is None:
            return ()
        out = self.git.run("ls-tree", "-r", "-z", "--name-only", head).stdout
        return _split_z(out)

    def commit_subject(self, rev: str) -> tuple[str, str] | None:
        """``(full commit id, subject)`` of ``rev`` in this repository, or None."""
        if not re.fullmatch(r"[0-9a-fA-F]{4,64}", rev):
            return None
        found = self._reader.object(f"{rev.lower()}^{{commit}}")
        if found is None or found[1] != "commit":
            return None
        text = found[2].decode("utf-8", "replace")
        _, _, message = text.partition("\n\n")
        return found[0], message.split("\n", 1)[0].strip()

    # -- lifetime ----------------------------------------------------------------------

    def close(self) -> None:
        self._reader.close()

    def __enter__(self) -> HookRepo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _split_z(data: bytes) -> tuple[str, ...]:
    return tuple(sorted({p.decode("utf-8", "surrogateescape") for p in data.split(b"\0") if p}))
