"""Plain git hooks for people without the pre-commit framework.

``install_hooks`` writes two small ``sh`` scripts into the repository's
hooks folder (``git rev-parse --git-path hooks``: ``core.hooksPath`` and
linked worktrees are honoured): ``pre-commit`` runs ``xenreview
pre-commit`` and ``commit-msg`` runs ``xenreview commit-msg "$1"``, each
through the Python that installed them (``sys.executable -m xenreview``), so
a hook installed from a virtual environment keeps working when that
environment is not activated.

Each script carries :data:`MARKER` on its second line.  A hook file
without it belongs to someone else: it is never overwritten unless forced,
and then it is kept beside ours as ``<name>.pre-xenreview``.
``uninstall_hooks`` removes only files carrying the marker, and puts such a
kept hook back.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from xenreview.errors import InputError, UsageError
from xenreview.integrations.gitrepo import HookRepo

__all__ = ["HOOKS", "MARKER", "HookAction", "hook_script", "install_hooks", "uninstall_hooks"]

MARKER = (
    "# xenreview-hook: written by `xenreview hook install`; `xenreview hook uninstall` removes it"
)
BACKUP_SUFFIX = ".pre-xenreview"
# hook name -> the xenreview arguments it runs ("$1": the message file of commit-msg)
HOOKS = {
    "pre-commit": 'pre-commit "$@"',
    "commit-msg": 'commit-msg "$1"',
}
_WHAT = {
    "pre-commit": "review the staged change (style on the staged lines, the staged tree)",
    "commit-msg": "check the commit message (subject, body, trailers)",
}


@dataclass(frozen=True, slots=True)
class HookAction:
    """What was done to one hook file: ``installed``, ``updated``, ``replaced``
    (someone else's hook kept as ``backup``), ``removed``, ``restored`` (a kept
    hook put back), or ``skipped`` (not ours, or absent) with ``reason``."""

    name: str
    path: Path
    action: str
    backup: Path | None = None
    reason: str = ""


def hook_script(name: str, python: str) -> str:
    """The text of hook ``name`` running ``python -m xenreview``."""
    return (
        "#!/bin/sh\n"
        f"{MARKER}\n"
        f"# git {name} hook: {_WHAT[name]}.\n"
        "# Skip it once with: git commit --no-verify\n"
        f"exec {shlex.quote(python)} -m xenreview {HOOKS[name]}\n"
    )


def is_ours(path: Path) -> bool:
    """Whether the hook file at ``path`` carries our marker."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return any(line.strip() == MARKER.encode() for line in head.splitlines()[:5])


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def hooks_dir(repo: HookRepo) -> Path:
    return repo.git_path("hooks")


def install_hooks(
    repo: HookRepo, *, force: bool = False, python: str | None = None
) -> tuple[HookAction, ...]:
    """Write our ``pre-commit`` and ``commit-msg`` hooks into ``repo``.

    Raises :class:`~xenreview.errors.UsageError` (exit code 2), before
    writing anything, when a hook file that is not ours is in the way and
    ``force`` is false.
    """
    folder = hooks_dir(repo)
    python = python or sys.executable
    foreign = [
        folder / name for name in HOOKS if _exists(folder / name) and not is_ours(folder / name)
    ]
    if foreign and not force:
        names = ", ".join(str(path) for path in foreign)
        raise UsageError(
            f"{names} already exists and is not xenreview's: not overwritten"
            " (use --force to replace it; it is kept as <name>.pre-xenreview)",
            source=str(foreign[0]),
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot create the hooks folder: {exc.strerror}", source=str(folder)
        ) from None
    actions: list[HookAction] = []
    for name in HOOKS:
        path = folder / name
        action, backup = "installed", None
        if _exists(path):
            if is_ours(path):
                action = "updated"
            else:
                backup = path.with_name(name + BACKUP_SUFFIX)
                if _exists(backup):
                    raise UsageError(
                        f"cannot keep the existing hook: {backup} already exists",
                        source=str(path),
                    )
                _rename(path, backup)
                action = "replaced"
        _write_executable(path, hook_script(name, python))
        actions.append(HookAction(name, path, action, backup))
    return tuple(actions)


def uninstall_hooks(repo: HookRepo) -> tuple[HookAction, ...]:
    """Remove our hooks from ``repo`` (and put back a hook kept when ours replaced it)."""
    folder = hooks_dir(repo)
    actions: list[HookAction] = []
    for name in HOOKS:
        path = folder / name
        if not _exists(path):
            actions.append(HookAction(name, path, "skipped", reason="not installed"))
            continue
        if not is_ours(path):
            actions.append(HookAction(name, path, "skipped", reason="not xenreview's: left alone"))
            continue
        try:
            path.unlink()
        except OSError as exc:
            raise InputError(f"cannot remove the hook: {exc.strerror}", source=str(path)) from None
        backup = path.with_name(name + BACKUP_SUFFIX)
        if _exists(backup):
            _rename(backup, path)
            actions.append(HookAction(name, path, "restored", backup))
        else:
            actions.append(HookAction(name, path, "removed"))
    return tuple(actions)


def _rename(source: Path, target: Path) -> None:
    try:
        source.rename(target)
    except OSError as exc:
        raise InputError(f"cannot rename to {target}: {exc.strerror}", source=str(source)) from None


def _write_executable(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.xenreview-tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.chmod(0o755)
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InputError(f"cannot write the hook: {exc.strerror}", source=str(path)) from None
