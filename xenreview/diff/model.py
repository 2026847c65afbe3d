"""The diff vocabulary: a patch body's diff as files -> hunks -> lines.

Names follow unidiff (``PatchedFile``, ``Hunk``, ``Line``, source/target line
numbers) but the records are frozen: nothing a rule receives can be changed.
Every record keeps enough of the original text to give it back byte-exactly
(:meth:`Diff.text`, rebuilt from the records, not stored), which the diff
layer's first test checks on every fixture.

Lines are stored without their ``\n``; a ``\r`` of a CRLF line stays in the
value so nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class LineKind(StrEnum):
    ADDED = "+"
    REMOVED = "-"
    CONTEXT = " "
    NO_NEWLINE = "\\"  # "\ No newline at end of file"


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a hunk.

    ``value`` is the line's content without the leading marker and without
    the line end; ``source_no``/``target_no`` are 1-based line numbers in the
    file before/after the patch (``None`` where the line does not exist on
    that side); ``diff_no`` is the 1-based line number inside the patch
    body's diff text (the message body, counting from the first diff line).
    """

    kind: LineKind
    value: str
    source_no: int | None
    target_no: int | None
    diff_no: int


@dataclass(frozen=True, slots=True)
class Hunk:
    """One hunk.

    ``counts`` is set only on a *summary* hunk, parsed with its lines
    dropped (``parse_diff_lines(..., keep_lines=False)``, for ``xenreview show``,
    which prints counts): ``(added, removed)``, with ``lines`` empty.  Such
    a hunk cannot give its text back; the whole model never holds one.
    """

    source_start: int
    source_length: int
    target_start: int
    target_length: int
    section: str  # the text after the second "@@" (usually a function name)
    header: str  # the "@@ ... @@ section" line, verbatim
    lines: tuple[Line, ...]
    header_diff_no: int  # diff line number of the "@@" header
    counts: tuple[int, int] | None = None  # (added, removed) of a summary hunk

    @property
    def added(self) -> int:
        if self.counts is not None:
            return self.counts[0]
        return sum(1 for line in self.lines if line.kind is LineKind.ADDED)

    @property
    def removed(self) -> int:
        if self.counts is not None:
            return self.counts[1]
        return sum(1 for line in self.lines if line.kind is LineKind.REMOVED)

    def added_lines(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.kind is LineKind.ADDED)


class FileStatus(StrEnum):
    MODIFIED = "modified"
    ADDED = "added"
    DELETED = "deleted"
    RENAMED = "renamed"
    COPIED = "copied"


@dataclass(frozen=True, slots=True)
class FileDiff:
    """The changes to one file.

    ``source_path``/``target_path`` are repository-relative without the
    ``a/``/``b/`` prefixes (``None`` for /dev/null).  ``header`` holds the
    file's extended header lines verbatim (``diff --git``, ``index``, mode,
    rename and similarity lines, ``---``/``+++``) so the text round-trips.
    """

    source_path: str | None
    target_path: str | None
    status: FileStatus
    old_mode: str | None
    new_mode: str | None
    index_source: str | None  # abbreviated blob id before ("index a..b")
    index_target: str | None  # abbreviated blob id after
    binary: bool  # binary patch: recorded, not parsed
    similarity: int | None
    hunks: tuple[Hunk, ...]
    header: tuple[str, ...]  # verbatim lines before the first hunk
    binary_lines: tuple[str, ...] = ()  # verbatim "GIT binary patch" data, unparsed

    @property
    def path(self) -> str:
        """The path a reviewer names the file by: the target, else the source."""
        path = self.target_path if self.target_path is not None else self.source_path
        assert path is not None
        return path

    @property
    def added(self) -> int:
        return sum(h.added for h in self.hunks)

    @property
    def removed(self) -> int:
        return sum(h.removed for h in self.hunks)


@dataclass(frozen=True, slots=True)
class Diff:
    """A whole diff: the files it touches, in order, and its exact text."""

    files: tuple[FileDiff, ...]
    preamble: tuple[str, ...] = ()  # verbatim lines before the first file
    epilogue: tuple[str, ...] = ()  # verbatim lines after the last hunk that are no diff
    final_newline: bool = True  # whether the text ended with "\n"

    def lines(self) -> list[str]:
        """Every line of the diff text, rebuilt from the records."""
        out: list[str] = list(self.preamble)
        for f in self.files:
            out.extend(f.header)
            for h in f.hunks:
                out.append(h.header)
                out.extend(line.kind.value + line.value for line in h.lines)
            out.extend(f.binary_lines)
        out.extend(self.epilogue)
        return out

    def text(self) -> str:
        lines = self.lines()
        if not lines:
            return ""
        return "\n".join(lines) + ("\n" if self.final_newline else "")

    @property
    def added(self) -> int:
        return sum(f.added for f in self.files)

    @property
    def removed(self) -> int:
        return sum(f.removed for f in self.files)


EMPTY_DIFF = Diff(files=())
