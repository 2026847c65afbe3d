"""The build check run after each applied patch (bisectability).

For the mini tree it is the tree's own host-compiler syntax check
(:func:`xenreview.minitree.syntax_check`); for a real tree, a command from
the configuration run in the temporary work tree (e.g. a cross build).
Either way the result keeps the first error lines, not the whole log.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

from xenreview.apply.model import BuildResult
from xenreview.errors import InputError

MAX_ERROR_LINES = 5
_ERROR = re.compile(r"\berror\b", re.IGNORECASE)


def first_errors(output: str, limit: int = MAX_ERROR_LINES) -> tuple[str, ...]:
    """The first lines that say "error", else the last lines of the output."""
    lines = [line.rstrip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if _ERROR.search(line)]
    return tuple(errors[:limit] if errors else lines[-limit:])


def minitree_check(worktree: Path, patch: int) -> BuildResult:
    """The mini tree's syntax check of ``worktree``."""
    from xenreview.minitree import syntax_check, syntax_check_command

    problems = syntax_check(worktree)
    command = syntax_check_command(worktree, Path("xen/**/*.c"))
    return BuildResult(
        patch=patch,
        ok=not problems,
        command=tuple(command),
        errors=tuple(f"{p.file}:{p.line}: {p.message}" for p in problems[:MAX_ERROR_LINES]),
    )


def command_check(worktree: Path, command: Sequence[str], patch: int) -> BuildResult:
    """Run ``command`` in ``worktree``; ok when it exits with 0."""
    try:
        proc = subprocess.run(
            list(command),
            cwd=worktree,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            check=False,
        )
    except FileNotFoundError:
        raise InputError(f"build command not found: {command[0]}", source="--build") from None
    except OSError as exc:
        raise InputError(
            f"cannot run the build command {command[0]}: {exc.strerror}", source="--build"
        ) from None
    output = proc.stdout.decode("utf-8", "replace")
    ok = proc.returncode == 0
    return BuildResult(patch, ok, tuple(command), () if ok else first_errors(output))
