"""The diff part of a patch mail -> :class:`~xenreview.diff.model.Diff`.

The work is split with unidiff.  This module finds the structure that unidiff's
``PatchSet`` would lose or reject: where each file starts (``diff --git``, or a
``---``/``+++`` pair for ``diff -u``/quilt output), its extended header lines
kept verbatim, ``GIT binary patch`` data, and the text before the first file or
after the last hunk.  Each hunk body, its line kinds and its line numbers come
from unidiff's hunk parser, fed the very same lines.

The text is split on ``\\n`` only, so a ``\\r`` of a CRLF line stays in the
values and ``parse_diff(t).text() == t`` holds byte for byte.  One exception
the model cannot express: an empty line inside a hunk (a context line whose
leading space a mailer dropped) is accepted, like ``git apply`` does, as an
empty context line and so comes back as ``" "``.

Paths are checked before anyone can use them: an absolute path, a ``..``
component or a ``.git`` component is a :class:`~xenreview.errors.DiffError`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import fields
from operator import length_hint
from typing import Any, Final

from unidiff.errors import UnidiffParseError
from unidiff.patch import Hunk as UnidiffHunk
from unidiff.patch import PatchedFile

from xenreview.diff.model import (
    EMPTY_DIFF,
    Diff,
    FileDiff,
    FileStatus,
    Hunk,
    Line,
    LineKind,
)
from xenreview.errors import DiffError

__all__ = ["MAX_DIFF_LINES", "parse_diff", "parse_diff_lines"]

_DEV_NULL: Final = "/dev/null"

# Extended header lines that may follow "diff --git"; any other line ends the header.
_GIT_HEADER_PREFIXES: Final = (
    "index ",
    "old mode ",
    "new mode ",
    "new file mode ",
    "deleted file mode ",
    "similarity index ",
    "dissimilarity index ",
    "rename from ",
    "rename to ",
    "rename old ",
    "rename new ",
    "copy from ",
    "copy to ",
    "--- ",
    "+++ ",
    "Binary files ",
)
# Lines that introduce a plain (``diff -u``, quilt) file and belong to its header.
_PRELUDE: Final = re.compile(r"Index: |={8}|diff ")
_BINARY_FILES: Final = re.compile(r"Binary files (.+) and (.+) differ\r?")
_BINARY_BLOCK: Final = re.compile(r"(?:literal|delta) \d+\r?")
_BINARY_DATA: Final = re.compile(r"[A-Za-z][0-9A-Za-z!#$%&()*+;<=>?@^_`{|}~-]*\r?")
# unidiff's RE_HUNK_HEADER narrowed to ASCII numbers that int() takes quickly:
# whatever matches here, unidiff's parser reads the same way.
_HUNK_HEADER: Final = re.compile(
    r"@@ -([0-9]{1,18})(?:,([0-9]{1,18}))? \+([0-9]{1,18})(?:,([0-9]{1,18}))? @@ ?(.*)"
)
_HUNK_MARKS: Final = frozenset("+- \\")
_NOT_A_HUNK_LINE: Final = "?"  # prefixed to a line unidiff must refuse as a hunk line
MAX_DIFF_LINES: Final = 100_000
"""Most lines one patch's diff may have (about 4 MB of C).  Every later stage
(apply, the rules, the reports) costs time and memory per diff line: at this
size a review takes seconds; a hostile 100 MB diff would take minutes and
gigabytes.  A longer diff is a DiffError, recorded on its patch."""
_KINDS: Final = {
    "+": LineKind.ADDED,
    "-": LineKind.REMOVED,
    " ": LineKind.CONTEXT,
    "": LineKind.CONTEXT,  # unidiff's kind for a bare "\r" line (CRLF empty context)
    "\\": LineKind.NO_NEWLINE,
}
_ESCAPES: Final = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
_OCTAL: Final = frozenset("01234567")

# Lines are the hot spot: one per hunk line.  The generated frozen __init__
# costs one object.__setattr__ call per field, which would make this module
# about as slow as unidiff itself.  Instead each Line is filled in as a
# _LineBuilder (same slots, plain attribute stores) and then becomes a Line by
# __class__ assignment, which CPython only allows between identical layouts.
# Checked here once: if the model grows a field or a __post_init__, the import
# fails instead of building half-initialised lines.


class _LineBuilder:
    __slots__ = ("kind", "value", "source_no", "target_no", "diff_no")  # noqa: RUF023 (Line's order)
    kind: LineKind
    value: str
    source_no: int | None
    target_no: int | None
    diff_no: int | None  # always set by unidiff for a parsed line


def _check_line_builder() -> None:
    probe: Any = _LineBuilder()
    probe.kind, probe.value, probe.source_no, probe.target_no, probe.diff_no = (
        LineKind.CONTEXT,
        "x",
        1,
        2,
        3,
    )
    try:
        probe.__class__ = Line
    except TypeError:
        probe = _LineBuilder()
    if (
        tuple(f.name for f in fields(Line)) != _LineBuilder.__slots__
        or hasattr(Line, "__post_init__")
        or probe != Line(LineKind.CONTEXT, "x", 1, 2, 3)
    ):
        raise ImportError("xenreview.diff.parse: Line changed, update _LineBuilder")


_check_line_builder()


def parse_diff(text: str, *, source: str = "", where: str = "", first_line: int = 1) -> Diff:
    """Parse the diff part of a patch mail.

    ``text`` runs from the first diff line of the message body to its end
    (lines joined with ``\\n``, final newline optional).  ``first_line`` is the
    body line number of the text's first line: every ``diff_no`` and every
    error location counts from it.  ``source`` and ``where`` (e.g.
    ``"message 3"``) name the input in errors, whose ``where`` reads
    ``"message 3, line 12"``.

    Raises :class:`DiffError` for a hunk whose length disagrees with its
    header (also a hunk cut short by a truncated mail), a malformed ``@@``
    line, a hunk outside a file, a ``---``/``+++`` header without hunks, a path
    outside the tree or inside ``.git``, a bad quoted path, a NUL character.
    """
    if not text:
        return EMPTY_DIFF
    nul = text.find("\x00")
    if nul >= 0:
        raise _nul_error(source, where, first_line + text.count("\n", 0, nul))
    final_newline = text.endswith("\n")
    lines = text.split("\n")
    if final_newline:
        lines.pop()
    return _parse(lines, final_newline, source, where, first_line)


def parse_diff_lines(
    lines: Sequence[str],
    *,
    final_newline: bool = True,
    source: str = "",
    where: str = "",
    first_line: int = 1,
    keep_lines: bool = True,
) -> Diff:
    """:func:`parse_diff` for a text already split into lines.

    ``lines`` is the text split on ``\\n``, without the empty string that a
    final newline leaves (``final_newline`` says whether there was one): what
    :func:`~xenreview.ingest.body.split_patch_body` has at hand, so the diff
    of every mail is not joined into a text only to be split again here.
    The result, and any error, is that of ``parse_diff`` on the text.

    With ``keep_lines=False`` every hunk is a *summary* (see
    :class:`~xenreview.diff.model.Hunk`): the same checks and errors, the
    same records, but each hunk's lines are counted and dropped.
    """
    if not lines or (len(lines) == 1 and not lines[0] and not final_newline):
        return EMPTY_DIFF  # the empty text
    if "\x00" in "".join(lines):  # one quick scan; the line is looked for only then
        index = next(i for i, line in enumerate(lines) if "\x00" in line)
        raise _nul_error(source, where, first_line + index)
    return _parse(lines, final_newline, source, where, first_line, keep_lines)


def _parse(
    lines: Sequence[str],
    final_newline: bool,
    source: str,
    where: str,
    first_line: int,
    keep_lines: bool = True,
) -> Diff:
    if len(lines) > MAX_DIFF_LINES:
        raise DiffError(
            f"the diff has {len(lines):,} lines, more than the {MAX_DIFF_LINES:,} one patch "
            "may have (a patch that large is not reviewed line by line)",
            source=source,
            where=_place(where, first_line + MAX_DIFF_LINES),
        )
    # unidiff takes an empty context line only as "\n", and these lines have no
    # line end: empty lines (context lines whose space a mailer dropped) are
    # handed to it as " " instead.
    feed = [line or " " for line in lines] if "" in lines else lines
    if "\r" in "".join(lines):  # rare (CRLF mail): one C-speed scan decides
        # unidiff takes any line starting with "\r" for an empty context line and
        # drops the rest of it: only a bare "\r" is one (git refuses even that).
        feed = [_NOT_A_HUNK_LINE + x if x[:1] == "\r" and x != "\r" else x for x in feed]
    return _Parser(lines, feed, source, where, first_line, keep_lines).run(final_newline)


def _nul_error(source: str, where: str, line_no: int) -> DiffError:
    return DiffError("NUL character in the diff", source=source, where=_place(where, line_no))


def _place(where: str, line_no: int) -> str:
    return f"{where}, line {line_no}" if where else f"line {line_no}"


class _Parser:
    """One pass over the lines; ``pending`` holds lines not yet given to a record."""

    __slots__ = (
        "base",
        "feed",
        "files",
        "keep_lines",
        "lines",
        "pending",
        "preamble",
        "source",
        "where",
    )

    def __init__(
        self,
        lines: Sequence[str],
        feed: Sequence[str],
        source: str,
        where: str,
        base: int,
        keep_lines: bool = True,
    ):
        self.lines = lines
        self.feed = feed
        self.source = source
        self.where = where
        self.base = base
        self.keep_lines = keep_lines  # False: summary hunks (counts, no lines)
        self.files: list[FileDiff] = []
        self.pending: list[str] = []
        self.preamble: list[str] | None = None

    def error(self, index: int, message: str) -> DiffError:
        return DiffError(message, source=self.source, where=_place(self.where, self.base + index))

    def run(self, final_newline: bool) -> Diff:
        lines = self.lines
        n = len(lines)
        i = 0
        while i < n:
            line = lines[i]
            if line.startswith("diff --git "):
                i = self.git_file(i)
            elif line.startswith("--- ") and i + 1 < n and lines[i + 1].startswith("+++ "):
                i = self.plain_file(i)
            elif line.startswith("Binary files ") and _is_binary_files(line):
                i = self.plain_binary(i)
            elif line.startswith("@@ -"):
                if not self.files:
                    raise self.error(i, "hunk header before any file header")
                if not self.pending:
                    raise self.error(i, "hunk header outside a file")
                first = self.base + i - len(self.pending)
                raise self.error(
                    i, f"hunk header cut off from its file by the text at line {first}"
                )
            else:
                self.pending.append(line)
                i += 1
        if self.preamble is None:
            return Diff(files=(), preamble=tuple(self.pending), final_newline=final_newline)
        return Diff(
            files=tuple(self.files),
            preamble=tuple(self.preamble),
            epilogue=tuple(self.pending),
            final_newline=final_newline,
        )

    def take_pending(self) -> list[str]:
        """The pending lines that start the next file's header (the rest is preamble)."""
        pending = self.pending
        self.pending = []
        if self.preamble is not None:
            return pending
        cut = len(pending)
        while cut and _PRELUDE.match(pending[cut - 1]):
            cut -= 1
        self.preamble = pending[:cut]
        return pending[cut:]

    # -- files -------------------------------------------------------------

    def git_file(self, i: int) -> int:
        lines = self.lines
        n = len(lines)
        header = self.take_pending()
        header.append(lines[i])
        source: str | None
        target: str | None
        source, target = self.git_names(i)
        old_mode = new_mode = index_source = index_target = None
        similarity: int | None = None
        added = deleted = renamed = copied = binary = has_minus = False
        j = i + 1
        while j < n and lines[j].startswith(_GIT_HEADER_PREFIXES):
            line = lines[j]
            header.append(line)
            word, _, rest = line.rstrip("\r").partition(" ")
            if word == "index":
                ids, _, mode = rest.partition(" ")
                index_source, dots, index_target = ids.partition("..")
                if not dots:
                    index_source = index_target = None
                if mode:
                    old_mode = old_mode or mode
                    new_mode = new_mode or mode
            elif word in ("old", "deleted"):  # "old mode M", "deleted file mode M"
                old_mode = rest.rpartition(" ")[2]
                deleted = deleted or word == "deleted"
            elif word == "new":  # "new mode M", "new file mode M"
                new_mode = rest.rpartition(" ")[2]
                added = added or rest.startswith("file ")
            elif word == "similarity":
                similarity = _number(rest.removeprefix("index ").removesuffix("%"))
            elif word in ("rename", "copy"):
                side, _, name = rest.partition(" ")
                path = self.checked(self.name(name, j), j)
                if side in ("from", "old"):
                    source = path
                else:
                    target = path
                renamed = renamed or word == "rename"
                copied = copied or word == "copy"
            elif word == "---":
                has_minus = True
                source = self.side_name(rest, "a/", j)
            elif word == "+++":
                target = self.side_name(rest, "b/", j)
            elif word == "Binary":
                binary = True
            j += 1
        hunks: tuple[Hunk, ...] = ()
        binary_lines: tuple[str, ...] = ()
        if j < n and lines[j].rstrip("\r") == "GIT binary patch":
            binary = True
            binary_lines, j = self.binary_patch(j)
        elif j < n and lines[j].startswith("@@"):
            hunks, j = self.hunks(j)
        elif has_minus and not binary:
            raise self.error(j - 1, "file header has '---'/'+++' lines but no hunk")
        if deleted or target is None:
            status, target = FileStatus.DELETED, None
        elif added or source is None:
            status, source = FileStatus.ADDED, None
        elif copied:
            status = FileStatus.COPIED
        elif renamed:
            status = FileStatus.RENAMED
        else:
            status = FileStatus.MODIFIED
        if source is None and target is None:
            raise self.error(i, "file header names no file")
        self.files.append(
            FileDiff(
                source_path=source,
                target_path=target,
                status=status,
                old_mode=old_mode,
                new_mode=new_mode,
                index_source=index_source,
                index_target=index_target,
                binary=binary,
                similarity=similarity,
                hunks=hunks,
                header=tuple(header),
                binary_lines=binary_lines,
            )
        )
        return j

    def plain_file(self, i: int) -> int:
        """A file of ``diff -u`` or quilt output: ``---``/``+++``, then hunks (``-p1``)."""
        lines = self.lines
        header = self.take_pending()
        header += lines[i : i + 2]
        source = self.plain_name(lines[i][4:], i)
        target = self.plain_name(lines[i + 1][4:], i + 1)
        j = i + 2
        if j >= len(lines) or not lines[j].startswith("@@"):
            raise self.error(i + 1, "file header has '---'/'+++' lines but no hunk")
        hunks, j = self.hunks(j)
        self.add_plain(i, source, target, hunks, header, binary=False)
        return j

    def plain_binary(self, i: int) -> int:
        """``Binary files a/x and b/x differ`` outside a git header: a file of its own."""
        line = self.lines[i]
        match = _BINARY_FILES.fullmatch(line)
        assert match is not None
        header = self.take_pending()
        header.append(line)
        source = self.plain_name(match[1], i)
        target = self.plain_name(match[2], i)
        self.add_plain(i, source, target, (), header, binary=True)
        return i + 1

    def add_plain(
        self,
        i: int,
        source: str | None,
        target: str | None,
        hunks: tuple[Hunk, ...],
        header: list[str],
        *,
        binary: bool,
    ) -> None:
        # Like unidiff: without git's mode lines, a file is new when its old side
        # is /dev/null or its one hunk starts at line 0 (diff -N: an empty old file).
        if target is None or (len(hunks) == 1 and hunks[0].target_start == 0):
            status, target = FileStatus.DELETED, None
        elif source is None or (len(hunks) == 1 and hunks[0].source_start == 0):
            status, source = FileStatus.ADDED, None
        else:
            status = FileStatus.MODIFIED
        if source is None and target is None:
            raise self.error(i, "file header names no file")
        self.files.append(
            FileDiff(
                source_path=source,
                target_path=target,
                status=status,
                old_mode=None,
                new_mode=None,
                index_source=None,
                index_target=None,
                binary=binary,
                similarity=None,
                hunks=hunks,
                header=tuple(header),
            )
        )

    def binary_patch(self, j: int) -> tuple[tuple[str, ...], int]:
        """``GIT binary patch`` and its literal/delta blocks, kept verbatim."""
        lines = self.lines
        n = len(lines)
        start = j
        j += 1
        while j < n and _BINARY_BLOCK.fullmatch(lines[j]):
            j += 1
            while j < n and _BINARY_DATA.fullmatch(lines[j]):
                j += 1
            if j < n and lines[j] in ("", "\r"):
                j += 1
        return tuple(lines[start:j]), j

    # -- hunks -------------------------------------------------------------

    def hunks(self, j: int) -> tuple[tuple[Hunk, ...], int]:
        """Consecutive hunks from ``lines[j]`` (an ``@@`` line) on."""
        lines = self.lines
        n = len(lines)
        scratch = PatchedFile()
        out: list[Hunk] = []
        while True:
            hunk, j = self.hunk(j, scratch)
            out.append(hunk)
            if j >= n:
                break
            line = lines[j]
            if line.startswith("@@"):
                continue
            if line[:1] in _HUNK_MARKS and not self.may_follow_hunk(j):
                raise self.error(
                    j,
                    f"hunk at line {hunk.header_diff_no} is longer than its header "
                    f"{_short(hunk)} says",
                )
            break
        return tuple(out), j

    def may_follow_hunk(self, j: int) -> bool:
        """Whether a line that looks like a hunk line may still follow a complete hunk."""
        lines = self.lines
        line = lines[j]
        if line.rstrip("\r") == "-- ":  # the mail signature separator
            return True
        return line.startswith("--- ") and j + 1 < len(lines) and lines[j + 1].startswith("+++ ")

    def hunk(self, j: int, scratch: PatchedFile) -> tuple[Hunk, int]:
        lines = self.lines
        header = lines[j]
        match = _HUNK_HEADER.match(header)
        if match is None:
            raise self.error(j, f"malformed hunk header {_clip(header)}")
        source_start = int(match[1])
        source_length = int(match[2] or 1)
        target_start = int(match[3])
        target_length = int(match[4] or 1)
        if not source_length and not target_length:
            raise self.error(j, f"malformed hunk header {_clip(header)}: it announces no lines")
        if (source_start == 0 and source_length) or (target_start == 0 and target_length):
            raise self.error(j, f"malformed hunk header {_clip(header)}: lines start at 0")
        # unidiff's own hunk parser: PatchSet around it would drop the verbatim
        # header lines and the text after the last hunk.  It reads a list
        # iterator placed after the header; what is left of it tells where the
        # hunk ended, or where unidiff gave up.
        n = len(lines)
        rest = iter(self.feed)
        rest.__setstate__(j + 1)  # type: ignore[attr-defined]  # O(1) seek in a list
        # A summary hunk takes unidiff's own "metadata only" reading: the same
        # line kinds (the first character; a bare "\r" is context), the same
        # checks and errors, the lines counted instead of made.
        summary = not self.keep_lines
        try:
            scratch._parse_hunk(header, enumerate(rest, self.base + j + 1), None, summary)
        except UnidiffParseError as exc:
            end = n - length_hint(rest)
            raise self.hunk_error(j, end, str(exc)) from None
        end = n - length_hint(rest)
        parsed: UnidiffHunk = scratch.pop()
        no_newline = end < n and lines[end][:1] == "\\"
        counts: tuple[int, int] | None = None
        if self.keep_lines:
            body = _lines(parsed)
            if no_newline:
                body.append(Line(LineKind.NO_NEWLINE, lines[end][1:], None, None, self.base + end))
            kept = tuple(body)
        else:
            counts = (parsed.added, parsed.removed)
            kept = ()
        if no_newline:
            end += 1
        section = match[5]
        if section.endswith("\r"):
            section = section[:-1]
        hunk = Hunk(
            source_start=source_start,
            source_length=source_length,
            target_start=target_start,
            target_length=target_length,
            section=section,
            header=header,
            lines=kept,
            header_diff_no=self.base + j,
            counts=counts,
        )
        return hunk, end

    def hunk_error(self, j: int, end: int, reason: str) -> DiffError:
        """Explain why unidiff gave up on the hunk at ``j``; ``end`` is past the last line read."""
        match = _HUNK_HEADER.match(self.lines[j])
        assert match is not None
        announced = f"@@ -{match[1]},{match[2] or 1} +{match[3]},{match[4] or 1} @@"
        at = f"hunk at line {self.base + j}"
        if reason.startswith("Hunk is shorter"):
            old = new = 0
            for line in self.feed[j + 1 : end]:
                kind = line[:1]
                old += kind in (" ", "-", "\r")
                new += kind in (" ", "+", "\r")
            return self.error(
                end - 1,
                f"{at} is cut short: the text ends after {old} old and {new} new lines "
                f"of the {match[2] or 1} and {match[4] or 1} its header {announced} announces",
            )
        if reason.startswith("Hunk is longer"):
            return self.error(end - 1, f"{at} has more lines than its header {announced} says")
        return self.error(
            end - 1, f"{at} is shorter than its header {announced} says: this line is not in it"
        )

    # -- paths -------------------------------------------------------------

    def git_names(self, i: int) -> tuple[str, str]:
        """The two names of a ``diff --git`` line, ``a/``/``b/`` stripped and checked."""
        rest = self.lines[i][len("diff --git ") :].rstrip("\r")
        if rest.startswith('"'):
            first, end = self.unquote(rest, 0, i)
            if rest[end : end + 1] != " ":
                raise self.error(i, "cannot read the file names of the 'diff --git' line")
            second = self.name(rest[end + 1 :], i)
        elif rest.endswith('"') and ' "' in rest:
            cut = rest.index(' "')
            first, second = rest[:cut], self.name(rest[cut + 1 :], i)
        else:
            first, second = _split_same(rest)
            if not second:
                raise self.error(i, "cannot read the file names of the 'diff --git' line")
        return (
            self.checked(first.removeprefix("a/"), i),
            self.checked(second.removeprefix("b/"), i),
        )

    def side_name(self, rest: str, prefix: str, j: int) -> str | None:
        """The path of a git ``---``/``+++`` line (``None`` for /dev/null)."""
        name = self.name(rest.split("\t", 1)[0] if not rest.startswith('"') else rest, j)
        if name == _DEV_NULL:
            return None
        return self.checked(name.removeprefix(prefix), j)

    def plain_name(self, rest: str, j: int) -> str | None:
        """The path of a ``diff -u`` ``---``/``+++`` line: timestamp dropped, ``-p1``."""
        rest = rest.rstrip("\r")
        name = self.name(rest if rest.startswith('"') else rest.split("\t", 1)[0], j)
        if name == _DEV_NULL:
            return None
        return self.checked(name.partition("/")[2] if "/" in name else name, j)

    def name(self, text: str, j: int) -> str:
        """``text`` as a path: unquoted if git quoted it (anything after the quote is dropped)."""
        if text.startswith('"'):
            return self.unquote(text, 0, j)[0]
        return text

    def unquote(self, text: str, start: int, j: int) -> tuple[str, int]:
        """The C-quoted string at ``text[start]`` and the index after its closing quote."""
        out = bytearray()
        k = start + 1
        n = len(text)
        while k < n:
            char = text[k]
            if char == '"':
                try:
                    return out.decode(), k + 1
                except UnicodeDecodeError:
                    raise self.error(j, "quoted path is not UTF-8") from None
            if char != "\\":
                out += char.encode()
                k += 1
                continue
            escape = text[k + 1 : k + 2]
            if escape in _ESCAPES:
                out.append(_ESCAPES[escape])
                k += 2
                continue
            digits = ""
            while len(digits) < 3 and text[k + 1 + len(digits) : k + 2 + len(digits)] in _OCTAL:
                digits += text[k + 1 + len(digits)]
            if not digits or int(digits, 8) > 255:
                raise self.error(j, f"bad escape in quoted path {_clip(text)}")
            out.append(int(digits, 8))
            k += 1 + len(digits)
        raise self.error(j, f"unterminated quoted path {_clip(text)}")

    def checked(self, path: str, j: int) -> str:
        """``path`` if it stays inside the tree, else a DiffError at line ``j``."""
        if not path:
            raise self.error(j, "empty path")
        if path.startswith("/"):
            raise self.error(j, f"absolute path {_clip(path)}")
        if path.startswith(".") or "/." in path:  # else no component is ".." or ".git"
            parts = path.split("/")
            if ".." in parts:
                raise self.error(j, f"path {_clip(path)} leaves the tree")
            if any(part.lower() == ".git" for part in parts):
                raise self.error(j, f"path {_clip(path)} is inside a .git directory")
        if "\x00" in path:
            raise self.error(j, "NUL character in a path")
        return path


def _lines(parsed: UnidiffHunk) -> list[Line]:
    """unidiff's lines as ours (the hot loop: one iteration per hunk line)."""
    out: list[Any] = []
    append = out.append
    kinds = _KINDS
    for item in parsed:
        line = _LineBuilder()
        line.kind = kinds[item.line_type]
        line.value = item.value
        line.source_no = item.source_line_no
        line.target_no = item.target_line_no
        line.diff_no = item.diff_line_no
        line.__class__ = Line  # type: ignore[assignment]
        append(line)
    return out


def _is_binary_files(line: str) -> bool:
    # the cheap test first: the regex backtracks a lot on long lines that do not end so
    return line.rstrip("\r").endswith(" differ") and _BINARY_FILES.fullmatch(line) is not None


def _number(text: str) -> int | None:
    """``text`` as a number of at most 18 ASCII digits, else None."""
    if len(text) > 18 or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def _split_same(rest: str) -> tuple[str, str]:
    """Split unquoted ``a/X b/X`` where both halves name the same path ``X``.

    Without rename lines git writes the same name twice, so the split is where
    the halves match, with equal prefixes (``a/``/``b/``, or none at all); names
    may contain spaces.  Failing that: before `` b/``, else at the first space.
    """
    size = len(rest)
    plen = rest.find("/") + 1
    for prefix in (0, plen) if plen else (0,):
        cut, odd = divmod(size - 1, 2)
        if not odd and rest[cut : cut + 1] == " " and rest[prefix:cut] == rest[cut + 1 + prefix :]:
            return rest[:cut], rest[cut + 1 :]
    cut = rest.find(" b/")
    if cut < 0:
        cut = rest.find(" ")
    if cut < 0:
        return rest, ""
    return rest[:cut], rest[cut + 1 :]


def _short(hunk: Hunk) -> str:
    return (
        f"@@ -{hunk.source_start},{hunk.source_length} +{hunk.target_start},{hunk.target_length} @@"
    )


def _clip(text: str, limit: int = 60) -> str:
    """``text`` quoted for a one-line message, shortened if long."""
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text)
