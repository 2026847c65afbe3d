"""The bundled mini tree as a git repository with one reproducible commit.

The base commit holds every regular file under the tree's root (skipping
``__pycache__``, ``.git`` and ``*.pyc``), each with mode 100644 whatever its
permission bits on disk (package installers do not keep them), made by the
fixed identity ``xenreview <tree@example.org>`` on 2026-01-01T00:00:00Z with
a fixed message.  Git object ids depend only on content, so the commit id is
the same on every machine and bundled series can name it in
``base-commit:``.

:func:`tree_base_id` computes that id in pure Python (no git, no disk
writes), which is what :func:`minitree_base_id` answers; :func:`write_base`
writes the same commit into a repository with ``git fast-import``.

:func:`cached_objects` keeps that commit in a bare repository under the
user's cache folder (``$XDG_CACHE_HOME/xenreview/minitree/<commit id>``,
keyed by the id, so by the content), which the apply stage borrows through
``objects/info/alternates`` instead of importing the tree on every run.  It
is built in a temporary folder beside it and renamed into place, so a
half-built cache is never used; when the cache folder cannot be written the
apply stage imports the tree into its own repository instead.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from xenreview.apply.git import (
    FIXED_DATE,
    IDENTITY_EMAIL,
    IDENTITY_NAME,
    Git,
    init_layout,
    isolated_env,
)
from xenreview.errors import InputError, InternalError

BASE_MESSAGE = "xenreview mini tree\n"
BASE_REF = "refs/heads/minitree"
_SKIP_DIRS = frozenset({"__pycache__", ".git"})
_SKIP_SUFFIXES = (".pyc", ".pyo")
MINITREE_LABEL = "mini tree"


@dataclass(frozen=True, slots=True)
class TreeFile:
    path: str  # relative, with "/" separators
    data: bytes


def minitree_root() -> Path:
    """The bundled mini tree's directory (from :mod:`xenreview.minitree`)."""
    try:
        from xenreview.minitree import tree_root
    except ImportError:
        raise InputError("the bundled mini tree is not installed", source=MINITREE_LABEL) from None
    root = tree_root()
    if not root.is_dir():
        raise InputError(f"the mini tree is missing: {root}", source=MINITREE_LABEL)
    return root


def tree_files(root: Path) -> list[TreeFile]:
    """Every file of the tree in git's path order, read into memory."""
    found: list[TreeFile] = []

    def walk(directory: Path, prefix: str) -> None:
        for entry in sorted(directory.iterdir(), key=lambda p: p.name):
            if entry.is_symlink():
                continue
            if entry.is_dir():
                if entry.name not in _SKIP_DIRS:
                    walk(entry, f"{prefix}{entry.name}/")
            elif entry.is_file() and not entry.name.endswith(_SKIP_SUFFIXES):
                found.append(TreeFile(prefix + entry.name, entry.read_bytes()))

    try:
        walk(root, "")
    except OSError as exc:
        raise InputError(f"cannot read the tree: {exc.strerror}", source=str(root)) from None
    return sorted(found, key=lambda f: f.path.encode("utf-8", "surrogateescape"))


# -- object ids in pure Python -------------------------------------------------


def _object_id(kind: str, data: bytes) -> bytes:
    return hashlib.sha1(f"{kind} {len(data)}\0".encode() + data, usedforsecurity=False).digest()


def _tree_id(files: list[tuple[list[str], bytes]]) -> bytes:
    """The id of a tree from (path components, blob id) pairs."""
    blobs: dict[str, bytes] = {}
    subdirs: dict[str, list[tuple[list[str], bytes]]] = {}
    for parts, blob in files:
        if len(parts) == 1:
            blobs[parts[0]] = blob
        else:
            subdirs.setdefault(parts[0], []).append((parts[1:], blob))
    entries: list[tuple[bytes, bytes]] = []  # (sort key, entry bytes)
    for name, blob in blobs.items():
        raw = name.encode("utf-8", "surrogateescape")
        entries.append((raw, b"100644 " + raw + b"\0" + blob))
    for name, content in subdirs.items():
        raw = name.encode("utf-8", "surrogateescape")
        entries.append((raw + b"/", b"40000 " + raw + b"\0" + _tree_id(content)))
    entries.sort(key=lambda item: item[0])
    return _object_id("tree", b"".join(entry for _, entry in entries))


def _commit_data(tree_hex: str) -> bytes:
    ident = f"{IDENTITY_NAME} <{IDENTITY_EMAIL}> {FIXED_DATE}"
    return f"tree {tree_hex}\nauthor {ident}\ncommitter {ident}\n\n{BASE_MESSAGE}".encode()


def base_id_of(files: list[TreeFile]) -> str:
    """The commit id :func:`write_base` gives for these files."""
    pairs = [(f.path.split("/"), _object_id("blob", f.data)) for f in files]
    return _object_id("commit", _commit_data(_tree_id(pairs).hex())).hex()


def tree_base_id(root: Path) -> str:
    """The base commit id of the tree at ``root`` (pure Python)."""
    return base_id_of(tree_files(root))


def minitree_base_id() -> str:
    """``MINITREE_BASE``: the commit id of the bundled mini tree's base."""
    return tree_base_id(minitree_root())


# -- writing it ----------------------------------------------------------------


def _quote(path: str) -> str:
    if path.isprintable() and not path.startswith('"') and "\\" not in path:
        return path
    escaped = path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def write_base(git: Git, files: list[TreeFile], *, verify: bool = True) -> str:
    """Write the base commit of ``files`` into ``git``'s repository; its id.

    The commit is reachable from :data:`BASE_REF`.  The id is computed in
    Python and, with ``verify``, checked against what git wrote (one more
    git command; the apply stage skips it: checking the id out fails anyway
    if git wrote another one).
    """
    ident = f"{IDENTITY_NAME} <{IDENTITY_EMAIL}> {FIXED_DATE}"
    message = BASE_MESSAGE.encode()
    chunks = [
        f"commit {BASE_REF}\nauthor {ident}\ncommitter {ident}\n".encode(),
        f"data {len(message)}\n".encode() + message + b"\n",
    ]
    for f in files:
        chunks.append(f"M 100644 inline {_quote(f.path)}\ndata {len(f.data)}\n".encode())
        chunks.append(f.data + b"\n")
    git.run("fast-import", "--quiet", "--done", input=b"".join(chunks) + b"done\n")
    expected = base_id_of(files)
    if not verify:
        return expected
    written = git.text("rev-parse", "--verify", BASE_REF)
    if written != expected:
        raise InternalError(
            f"git wrote the base commit {written}, expected {expected}", source=MINITREE_LABEL
        )
    return written


def cache_root() -> Path:
    """Where the mini tree's repositories are cached."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "xenreview" / "minitree"


def cached_objects(files: list[TreeFile], executable: str) -> tuple[str, Path] | None:
    """The base commit id and the objects folder of a cached repository holding it.

    Builds the cache when it is missing; None when it cannot be written.
    """
    commit = base_id_of(files)
    final = cache_root() / commit
    if (final / "complete").is_file():
        return commit, final / "objects"
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=".build-", dir=final.parent))
    except OSError:
        return None
    try:
        init_layout(building, bare=True)
        write_base(Git(executable, building, isolated_env(), MINITREE_LABEL), files, verify=False)
        (building / "complete").write_text(commit + "\n", encoding="ascii")
        try:
            building.rename(final)
        except OSError:  # another run got there first, or the folder is unusable
            if not (final / "complete").is_file():
                return None
    except OSError:
        return None
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return commit, final / "objects"
