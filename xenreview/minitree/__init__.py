"""The bundled mini Xen tree and its host-compiler syntax check.

The tree under ``tree/`` is our own small hypervisor code, laid out and
written like upstream ``xen/`` (same paths, function names, call order and
idioms) so that rules and the behavioural model have realistic code to read
and the bundled series has something to apply to.  It holds ``xen/`` (Arm
only), ``MAINTAINERS`` and ``CODING_STYLE``.

The tree is never built, only checked: every ``xen/**/*.c`` must pass
``gcc -fsyntax-only`` against the tree's own headers (no libc), which is
what :func:`syntax_check` runs, e.g. after each patch of a series.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from xenreview.errors import InputError

__all__ = ["SyntaxProblem", "syntax_check", "syntax_check_command", "tree_root"]

# Longest a single file may take to check; the whole tree takes about a second.
_TIMEOUT_SECONDS = 60

# "file:line:col: error: message" (column optional), as gcc and clang print it.
_DIAGNOSTIC = re.compile(
    r"^(?P<file>[^:\n]+):(?P<line>\d+):(?:\d+:)? (?:fatal error|error|warning): (?P<message>.*)$",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """One compiler complaint about the tree.

    ``file`` is relative to the tree when the file is inside it; ``line`` is
    1-based, or 0 when the compiler named no line.
    """

    file: Path
    line: int
    message: str


def tree_root() -> Path:
    """The bundled tree: the folder holding ``xen/``, ``MAINTAINERS`` and ``CODING_STYLE``."""
    root = resources.files(__name__) / "tree"
    if not isinstance(root, Path) or not (root / "xen").is_dir():
        raise InputError(
            "the bundled mini tree is missing from this installation",
            source=__name__,
            where="tree/",
        )
    return root


def syntax_check_command(tree: Path, c_file: Path, compiler: str = "gcc") -> list[str]:
    """The command that syntax-checks one C file of ``tree``.

    It is meant to run with ``tree`` as the working directory, so that the
    compiler names files relative to the tree.  ``c_file`` is relative to
    the tree or an absolute path (inside the tree it is made relative).
    """
    if c_file.is_absolute():
        with contextlib.suppress(ValueError):
            c_file = c_file.relative_to(tree.absolute())
    return [
        compiler,
        "-fsyntax-only",
        "-std=gnu11",
        "-Wall",
        "-Werror",
        "-ffreestanding",
        "-nostdinc",
        "-I",
        "xen/include",
        "-I",
        "xen/arch/arm/include",
        c_file.as_posix(),
    ]


def _c_files(tree: Path) -> list[Path]:
    return sorted(p.relative_to(tree) for p in (tree / "xen").rglob("*.c") if p.is_file())


def _problems_from_output(c_file: Path, returncode: int, output: str) -> list[SyntaxProblem]:
    problems = [
        SyntaxProblem(Path(m["file"]), int(m["line"]), m["message"].strip())
        for m in _DIAGNOSTIC.finditer(output)
    ]
    if returncode != 0 and not problems:
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        message = lines[0] if lines else f"compiler exited with status {returncode}"
        problems.append(SyntaxProblem(c_file, 0, message))
    return problems


def syntax_check(tree: Path, compiler: str = "gcc") -> list[SyntaxProblem]:
    """Syntax-check every ``xen/**/*.c`` under ``tree``; no problems means it passes.

    Problems are sorted by file, line and message, without duplicates (an
    error in a header is reported once, not once per file including it).
    Raises :class:`InputError` if the compiler cannot be found or run, or if
    ``tree`` has no ``xen/`` folder.
    """
    if shutil.which(compiler) is None:
        raise InputError(f"C compiler {compiler!r} not found", source=compiler)
    if not (tree / "xen").is_dir():
        raise InputError("not a Xen tree: no xen/ folder", source=str(tree))

    # Plain ASCII messages whatever the user's locale.
    env = {**os.environ, "LC_ALL": "C"}
    found: dict[SyntaxProblem, None] = {}
    for c_file in _c_files(tree):
        command = syntax_check_command(tree, c_file, compiler)
        try:
            done = subprocess.run(
                command,
                cwd=tree,
                env=env,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise InputError(
                f"{compiler} took longer than {_TIMEOUT_SECONDS} s",
                source=str(tree),
                where=str(c_file),
            ) from exc
        except OSError as exc:
            raise InputError(f"cannot run {compiler}: {exc}", source=compiler) from exc
        for problem in _problems_from_output(c_file, done.returncode, done.stderr + done.stdout):
            found[problem] = None
    return sorted(found, key=lambda p: (p.file.as_posix(), p.line, p.message))
