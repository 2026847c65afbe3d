"""A commit in the making as the rules see it: a one-patch series over two tree states.

The rule engine reviews series of patches applied to a tree.  A hook has
neither: it has the staged change (``git diff --cached``), maybe a commit
message, and the repository.  This module makes the first into a
:class:`~xenreview.ingest.model.Series` of one patch (what ``git
format-patch`` would have written for the commit, read back the way the
ingest stage reads any patch mail) and the second into a tree reader with
two states, as the runner expects of an applied series:

* ``after_patch`` 0: the tree of HEAD (empty before the first commit);
* ``after_patch`` 1: the tree in the index, what the commit will hold.

Never the work tree: what is not staged is not committed.

C facts (:func:`staged_facts`) cover only the C files the change touches,
each parsed once: a hook on a small change in a large tree stays fast.  The
semantic rules then see the functions, calls and entry points of those
files only (reachability from a guest entry point in another file is not
followed); ``whole_tree`` parses every C file of both states instead, as
``xenreview review`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from typing import TYPE_CHECKING

from xenreview.diff.model import Diff, FileDiff, FileStatus
from xenreview.errors import InputError
from xenreview.ingest.model import Mail, Message, Patch, Person, Series, Severity
from xenreview.integrations.gitrepo import HookRepo

if TYPE_CHECKING:
    from xenreview.code.facts import TreeFacts
    from xenreview.code.parse import FactCache

__all__ = [
    "STAGED_TITLE",
    "StagedTree",
    "maintainers_reminder",
    "message_series",
    "only_paths",
    "staged_facts",
    "staged_series",
]

STAGED_TITLE = "staged change"
STAGED_SOURCE = "git diff --cached"
_MESSAGE_ID = "staged-change@xenreview.invalid"


def _message(subject: str, author: Person, source: str) -> Message:
    from xenreview.ingest.subject import parse_subject

    return Message(
        message_id=_MESSAGE_ID,
        in_reply_to=None,
        references=(),
        author=author,
        author_recovered=False,
        date=None,
        timestamp=None,
        subject=parse_subject(f"[PATCH] {subject}"),
        source=source,
        where="",
    )


def _series(patch: Patch, title: str) -> Series:
    return Series(
        version="1",
        version_stated=False,
        total=1,
        cover=None,
        patches=(patch,),
        title=title,
    )


# Modes of entries that are no files of text: a symbolic link (its "content" is
# the path it points to) and a submodule's commit.
_NOT_FILES = ("120000", "160000")


def without_links(diff: Diff) -> Diff:
    """``diff`` without symbolic links and submodules (as they are after the change)."""
    kept = tuple(
        f
        for f in diff.files
        if (f.new_mode if f.target_path is not None else f.old_mode) not in _NOT_FILES
    )
    if len(kept) == len(diff.files):
        return diff
    return Diff(kept, diff.preamble, diff.epilogue, diff.final_newline)


def staged_series(diff_text: str, author: Person, *, title: str = STAGED_TITLE) -> Series:
    """The staged diff as a one-patch series with no commit message yet.

    Raises :class:`~xenreview.errors.DiffError` when git's diff does not
    parse (it always should).
    """
    from xenreview.diff.parse import parse_diff

    diff = without_links(parse_diff(diff_text, source=STAGED_SOURCE))
    patch = Patch(
        message=_message(title, author, STAGED_SOURCE),
        body="",
        trailers=(),
        notes="",
        base_commit=None,
        prerequisite_patch_ids=(),
        diff=diff,
    )
    return _series(patch, title)


def split_message(message: str) -> tuple[str, str]:
    """``(subject, rest)`` of a cleaned commit message, as ``git format-patch`` splits it:
    the first paragraph, its lines joined by spaces, is the subject."""
    lines = message.split("\n")
    end = 0
    while end < len(lines) and lines[end].strip():
        end += 1
    subject = " ".join(line.strip() for line in lines[:end])
    rest = "\n".join(lines[end + 1 :]).strip("\n")
    return subject, rest


def message_series(message: str, diff_text: str, author: Person, *, source: str) -> Series:
    """A commit message and its staged diff as the patch mail ``git format-patch`` makes.

    The body and the diff are joined by a ``---`` line and read back by the
    ingest stage's own body splitter (trailers, notes after a ``---`` in the
    message, the diff), so the message rules see exactly what they would
    see once the patch is posted.
    """
    from xenreview.ingest.series import mail_to_patch

    subject, rest = split_message(message)
    text = (rest + "\n" if rest else "") + "---\n" + diff_text
    mail = Mail(message=_message(subject, author, source), text=text)
    patch = mail_to_patch(mail)
    for problem in patch.problems:
        if problem.severity is Severity.ERROR:
            raise InputError(problem.message, source=problem.source or source, where=problem.where)
    return _series(patch, subject or "commit message")


def only_paths(series: Series, paths: Collection[str]) -> Series:
    """``series`` with its one patch's diff cut down to the files named in ``paths``
    (by their old or new name)."""
    wanted = set(paths)
    patch = series.patches[0]
    kept = tuple(f for f in patch.diff.files if f.target_path in wanted or f.source_path in wanted)
    diff = Diff(kept, patch.diff.preamble, patch.diff.epilogue, patch.diff.final_newline)
    return replace(series, patches=(replace(patch, diff=diff),))


class StagedTree:
    """A :class:`~xenreview.rules.api.TreeReader` over HEAD (0) and the index (1)."""

    def __init__(self, repo: HookRepo) -> None:
        self.repo = repo

    def read_bytes(self, path: str, after_patch: int) -> bytes | None:
        if after_patch == 0:
            return self.repo.read_head(path)
        if after_patch == 1:
            return self.repo.read_index(path)
        raise ValueError(f"the staged change has no patch {after_patch}")

    def read(self, path: str, after_patch: int) -> str | None:
        data = self.read_bytes(path, after_patch)
        return None if data is None else data.decode("utf-8", "replace")


def _changed_c_paths(files: tuple[FileDiff, ...], after_patch: int) -> list[str]:
    from xenreview.code.facts import is_c_path

    found: set[str] = set()
    for f in files:
        path = f.source_path if after_patch == 0 else f.target_path
        if path is not None and is_c_path(path) and not f.binary:
            found.add(path)
    return sorted(found)


def staged_facts(
    repo: HookRepo,
    series: Series,
    *,
    whole_tree: bool = False,
    cache: FactCache | None = None,
) -> Callable[[int], TreeFacts | None]:
    """The C facts of HEAD (0) and of the index (1): of the changed C files only, or
    of every C file under ``xen/`` with ``whole_tree``."""
    from xenreview.code.facts import facts_for_files, is_c_path
    from xenreview.code.parse import FactCache

    shared = cache if cache is not None else FactCache()
    files = series.patches[0].diff.files

    def facts_for(after_patch: int) -> TreeFacts | None:
        if after_patch not in (0, 1):
            return None
        if whole_tree:
            listed = repo.head_paths() if after_patch == 0 else repo.index_paths()
            paths = [p for p in listed if is_c_path(p)]
        else:
            paths = _changed_c_paths(files, after_patch)
        if after_patch == 0:
            head = repo.head()
            if head is None:
                return facts_for_files((), shared)
            names = [f"{head}:{p}" for p in paths]
        else:
            names = [f":{p}" for p in paths]
        blobs = repo.read_many(names)
        found = [(p, data) for p, data in zip(paths, blobs, strict=True) if data is not None]
        return facts_for_files(found, shared)

    return facts_for


def maintainers_reminder(series: Series, tree: StagedTree) -> str | None:
    """A reminder to update MAINTAINERS when the change adds or moves files without it.

    Names each new or moved file with the MAINTAINERS entries that would
    have to ack it (from the staged MAINTAINERS).  None when nothing is
    added or moved, when MAINTAINERS is part of the change, or when the
    tree has no MAINTAINERS (not a Xen tree).
    """
    files = series.patches[0].diff.files
    if any("MAINTAINERS" in (f.source_path, f.target_path) for f in files):
        return None
    added = [f for f in files if f.status in (FileStatus.ADDED, FileStatus.COPIED)]
    moved = [f for f in files if f.status is FileStatus.RENAMED]
    if not added and not moved:
        return None
    text = tree.read("MAINTAINERS", 1)
    if text is None:
        return None
    from xenreview.maintainers import parse_maintainers

    try:
        maintainers = parse_maintainers(text, "MAINTAINERS")
    except InputError:
        maintainers = None

    def owner(path: str) -> str:
        if maintainers is None:
            return ""
        entries = maintainers.most_specific(path)
        if not entries or all(entry.is_rest for entry in entries):
            return " (only THE REST covers it)"
        return f" (covered by {', '.join(entry.name for entry in entries)})"

    parts = [f"adds {f.path}{owner(f.path)}" for f in added]
    parts += [f"moves {f.source_path} to {f.path}{owner(f.path)}" for f in moved]
    return (
        f"this change {'; '.join(parts)}, and MAINTAINERS is not part of it: check that an"
        " F: line names the new files and folders (and the new names of moved files)."
    )
