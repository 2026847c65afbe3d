"""Running git for the apply stage: environments, errors, the workspace.

Two kinds of git commands run here:

- *reads of the user's repository* (resolving ``--base``, listing recent
  history for ``--find-base``): plain reads that write nothing, run with the
  user's own git configuration (so ``safe.directory`` still applies) but
  without any ``GIT_DIR``-like variable inherited from a hook, and with
  ``GIT_OPTIONAL_LOCKS=0``;
- *everything in the temporary repository*: run with no system or global
  configuration, the C locale (git's messages are parsed), a fixed committer
  identity and date, so the outcome and the commit ids depend only on the
  inputs.

:class:`Workspace` owns the temporary directory: it is removed by
:meth:`Workspace.close`, and, as a last resort, when the object is collected
or the interpreter exits.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import threading
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from xenreview.errors import InputError

IDENTITY_NAME = "xenreview"
IDENTITY_EMAIL = "tree@example.org"
FIXED_EPOCH = 1767225600  # 2026-01-01T00:00:00Z
FIXED_DATE = f"{FIXED_EPOCH} +0000"

# Variables a user's environment (or a git hook running us) may set that
# must never leak into our git commands: they would point git elsewhere.
_KEEP_FOR_USER = ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_NOSYSTEM", "GIT_EXEC_PATH")


def git_executable() -> str:
    """The git program, or an InputError saying that it is missing."""
    found = shutil.which("git")
    if found is None:
        raise InputError("git is not installed (it is needed to apply series)", source="git")
    return found


def _base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    for name in ("LANGUAGE", "LC_MESSAGES", "LANG"):
        env.pop(name, None)
    env["LC_ALL"] = "C"
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["GIT_OPTIONAL_LOCKS"] = "0"
    return env


def user_env() -> dict[str, str]:
    """For read-only commands in the user's repository."""
    env = _base_env()
    for name in _KEEP_FOR_USER:
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def isolated_env() -> dict[str, str]:
    """For commands in the temporary repository: no user configuration at all."""
    env = _base_env()
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_ATTR_NOSYSTEM="1",
        GIT_AUTHOR_NAME=IDENTITY_NAME,
        GIT_AUTHOR_EMAIL=IDENTITY_EMAIL,
        GIT_AUTHOR_DATE=FIXED_DATE,
        GIT_COMMITTER_NAME=IDENTITY_NAME,
        GIT_COMMITTER_EMAIL=IDENTITY_EMAIL,
        GIT_COMMITTER_DATE=FIXED_DATE,
    )
    return env


def init_layout(git_dir: Path, object_format: str = "sha1", *, bare: bool = False) -> None:
    """Lay out a new, empty repository at ``git_dir`` (what ``git init`` makes, minus samples).

    Written by hand (the layout is documented in gitrepository-layout(5))
    to save starting a process; HEAD names ``refs/heads/minitree``.
    """
    for sub in ("objects/info", "objects/pack", "refs/heads", "refs/tags", "info"):
        (git_dir / sub).mkdir(parents=True, exist_ok=True)
    (git_dir / "HEAD").write_text("ref: refs/heads/minitree\n", encoding="ascii")
    version = 0 if object_format == "sha1" else 1
    config = (
        f"[core]\n\trepositoryformatversion = {version}\n\tfilemode = true\n"
        f"\tbare = {'true' if bare else 'false'}\n"
        "[gc]\n\tauto = 0\n[maintenance]\n\tauto = false\n"
    )
    if version:
        config += f"[extensions]\n\tobjectformat = {object_format}\n"
    (git_dir / "config").write_text(config, encoding="ascii")


def first_error(stderr: bytes | str) -> str:
    """The most telling line of git's standard error."""
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return line.split(":", 1)[1].strip()
    return lines[0] if lines else "no message"


class Git:
    """One git program bound to a directory and an environment."""

    def __init__(self, executable: str, cwd: Path, env: Mapping[str, str], source: str) -> None:
        self.executable = executable
        self.cwd = cwd
        self.env = dict(env)
        self.source = source  # names the repository in error messages

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        check: bool = True,
        env: Mapping[str, str] | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        full_env = self.env if env is None else {**self.env, **env}
        try:
            proc = subprocess.run(
                [self.executable, *args],
                cwd=self.cwd,
                env=full_env,
                input=input,
                stdin=subprocess.DEVNULL if input is None else None,
                capture_output=True,
                check=False,
            )
        except FileNotFoundError:
            raise InputError(
                "git is not installed (it is needed to apply series)", source="git"
            ) from None
        except OSError as exc:
            raise InputError(f"cannot run git: {exc.strerror}", source=self.source) from None
        if check and proc.returncode != 0:
            raise InputError(
                f"git {args[0]} failed: {first_error(proc.stderr)}", source=self.source
            )
        return proc

    def text(self, *args: str, input: bytes | None = None) -> str:
        """Standard output of a command that must succeed, stripped."""
        return self.run(*args, input=input).stdout.decode("utf-8", "replace").strip()

    def batch_check(self, names: Sequence[str]) -> list[tuple[str, str] | None]:
        """``(object id, type)`` for each object name, ``None`` where there is none.

        One ``git cat-file --batch-check`` for all names; a name with a
        newline cannot be asked that way and gets ``None``.
        """
        asked = [name for name in names if "\n" not in name]
        answers: dict[str, tuple[str, str] | None] = {}
        if asked:
            data = "".join(name + "\n" for name in asked).encode("utf-8", "surrogateescape")
            out = self.run("cat-file", "--batch-check", input=data).stdout.decode(
                "utf-8", "surrogateescape"
            )
            for name, line in zip(asked, out.split("\n"), strict=False):
                fields = line.split(" ")
                found = len(fields) == 3 and _is_hex(fields[0]) and fields[1] in _TYPES
                answers[name] = (fields[0], fields[1]) if found else None
        return [answers.get(name) for name in names]


_TYPES = ("blob", "tree", "commit", "tag")
_BATCH = 256  # names asked at once: their lines stay well below a pipe's buffer


def _is_hex(text: str) -> bool:
    return len(text) >= 4 and all(c in "0123456789abcdef" for c in text)


class BlobReader:
    """Reads objects through one long-lived ``git cat-file --batch``.

    Names are anything git resolves (``HEAD``, ``commit:path``,
    ``rev^{commit}``); the process sees objects and refs written after it
    started.
    """

    def __init__(self, git: Git) -> None:
        self._git = git
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def object(self, name: str) -> tuple[str, str, bytes] | None:
        """``(object id, type, contents)`` of ``name``, or None when there is none."""
        return self.objects([name])[0]

    def objects(self, names: Sequence[str]) -> list[tuple[str, str, bytes] | None]:
        """:meth:`object` for many names, asked in batches without waiting for each answer."""
        out: list[tuple[str, str, bytes] | None] = []
        with self._lock:
            proc = self._process()
            for start in range(0, len(names), _BATCH):
                chunk = names[start : start + _BATCH]
                asked = [name for name in chunk if "\n" not in name]
                request = b"".join(n.encode("utf-8", "surrogateescape") + b"\n" for n in asked)
                assert proc.stdin is not None and proc.stdout is not None
                try:
                    proc.stdin.write(request)
                    proc.stdin.flush()
                except OSError as exc:
                    raise InputError(
                        f"git cat-file stopped: {exc.strerror}", source="git"
                    ) from None
                answers = iter([self._answer(proc.stdout) for _ in asked])
                out.extend(None if "\n" in name else next(answers) for name in chunk)
        return out

    @staticmethod
    def _answer(stdout: IO[bytes]) -> tuple[str, str, bytes] | None:
        header = stdout.readline().decode("utf-8", "surrogateescape").rstrip("\n")
        fields = header.split(" ")
        if len(fields) != 3 or not _is_hex(fields[0]) or fields[1] not in _TYPES:
            if not header:
                raise InputError("git cat-file stopped unexpectedly", source="git")
            return None  # missing or ambiguous
        data = stdout.read(int(fields[2]))
        stdout.read(1)  # the newline after the contents
        return fields[0], fields[1], data

    def read_blob(self, commit: str, path: str) -> bytes | None:
        if "\n" in path:
            return self._read_once(commit, path)
        found = self.object(f"{commit}:{path}")
        return found[2] if found is not None and found[1] == "blob" else None

    def _read_once(self, commit: str, path: str) -> bytes | None:
        name = f"{commit}:{path}"
        kind = self._git.run("cat-file", "-t", name, check=False)
        if kind.returncode != 0 or kind.stdout.strip() != b"blob":
            return None
        return self._git.run("cat-file", "blob", name).stdout

    def _process(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            try:
                self._proc = subprocess.Popen(
                    [self._git.executable, "cat-file", "--batch"],
                    cwd=self._git.cwd,
                    env=self._git.env,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            except OSError as exc:
                raise InputError(f"cannot run git: {exc.strerror}", source="git") from None
        return self._proc

    def close(self) -> None:
        with self._lock:
            _stop(self._proc)
            self._proc = None


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None:
        return
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _remove(reader: BlobReader, path: str) -> None:
    reader.close()
    shutil.rmtree(path, ignore_errors=True)


class Workspace:
    """A temporary directory holding the repository a series is applied in.

    ``repo`` is its work tree (``repo/.git`` the repository); ``git`` runs
    commands there with the isolated environment; ``reader`` reads blobs.
    Closing stops the reader and removes the directory; a finalizer does the
    same if nobody closes it (also at interpreter exit).
    """

    def __init__(self, executable: str, label: str) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="xenreview-apply-"))
        self.repo = self.root / "repo"
        self.git = Git(executable, self.root, isolated_env(), label)
        self.reader = BlobReader(self.git)
        self._finalizer = weakref.finalize(self, _remove, self.reader, str(self.root))

    def bind(self) -> None:
        """Run later commands inside the repository (once it exists)."""
        self.git.cwd = self.repo

    @property
    def closed(self) -> bool:
        return not self._finalizer.alive

    def read_blob(self, commit: str, path: str) -> bytes | None:
        if self.closed:
            raise ValueError("the applied series was closed: its repository is gone")
        return self.reader.read_blob(commit, path)

    def list_paths(self, commit: str) -> tuple[str, ...]:
        if self.closed:
            raise ValueError("the applied series was closed: its repository is gone")
        listing = self.git.run("ls-tree", "-r", "-z", "--name-only", commit).stdout
        return tuple(
            sorted(p.decode("utf-8", "surrogateescape") for p in listing.split(b"\0") if p)
        )

    def close(self) -> None:
        self._finalizer()
