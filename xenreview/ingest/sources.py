"""Sources -> raw messages.

A source is a path or ``-`` (standard input).  What it holds is found from
its content, not its name:

- an *mbox*: a file whose first non-empty line is a ``From_`` line; it is
  read as a stream, line by line, holding only the current message, so
  memory stays flat however large the file is;
- a *maildir*: a directory with ``cur/`` and ``new/``; its messages in file
  name order;
- a directory of ``git format-patch`` output: its ``*.patch``, ``*.eml``,
  ``*.mbox`` and ``*.mbx`` files in name order (an mbox among them is split);
- any other file: one message, or a bare diff (see :mod:`.mail`).

A file written by ``git format-patch`` (its first line is git's
``From <sha> Mon Sep 17 00:00:00 2001``) is split only at such lines and is
not un-escaped: git does not escape ``From`` lines in bodies, and ``git am``
reads them the same way.  :func:`iter_git_range` reads ``git format-patch
--stdout`` the same way, so a range and its format-patch directory give the
same messages.
"""

from __future__ import annotations

import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO

from xenreview.errors import InputError, LimitError
from xenreview.ingest.archive import looks_like_archive
from xenreview.ingest.mail import FROM_LINE, GIT_FROM_LINE, has_header_block, is_bare_diff
from xenreview.ingest.model import RawMail
from xenreview.settings import Settings

MAIL_SUFFIXES = (".patch", ".eml", ".mbox", ".mbx")
_CHUNK = 1 << 16
# Longer lines are not From_ lines (and are never held back waiting for their end).
_FROM_LINE_MAX = 1024
# A blank line (its newline, then LF or CRLF) followed by "From ".
_SEPARATOR = re.compile(rb"\n(\r?\n)From ")
# Un-escaping of body lines: mboxrd takes one ">" off ">>*From ", mboxo only off ">From ".
_UNESCAPE = {
    "mboxrd": re.compile(rb"^>(>*From )", re.MULTILINE),
    "mboxo": re.compile(rb"^>(From )", re.MULTILINE),
}


class _Reader:
    """Reads one input (a file, a stream) into raw messages, within the limits."""

    __slots__ = ("found", "prefix", "settings", "source", "streamed")

    def __init__(self, source: str, prefix: str, settings: Settings, *, streamed: bool) -> None:
        self.source = source
        self.prefix = prefix  # the file name inside a directory, "" otherwise
        self.settings = settings
        self.streamed = streamed  # size not known beforehand: count while reading
        self.found = 0

    def where(self, place: str) -> str:
        if not self.prefix:
            return place
        return f"{self.prefix}, {place}" if place else self.prefix

    def error(self, message: str, place: str = "") -> InputError:
        return InputError(message, source=self.source, where=self.where(place) or None)

    def check_size(self, size: int) -> None:
        limit = self.settings.max_bytes
        if size > limit:
            raise LimitError(
                f"input is larger than the limit: more than {limit} bytes read "
                f"(at least {size} bytes; raise the limit with --max-bytes)",
                source=self.source,
                where=self.prefix or None,
            )

    def read(self, stream: IO[bytes]) -> Iterator[RawMail]:
        line_no = 0
        offset = 0
        first = b""
        for line in stream:
            line_no += 1
            offset += len(line)
            if line.strip():
                first = line
                break
        if self.streamed:
            self.check_size(offset)
        if not first:
            return
        start = offset - len(first)
        if first.startswith(b"From ") and FROM_LINE.match(first):
            yield from self.split_mbox(stream, first, line_no, offset)
        else:
            yield self.single(first + self.read_rest(stream, offset), start, line_no)

    def read_rest(self, stream: IO[bytes], offset: int) -> bytes:
        if not self.streamed:
            return stream.read()
        chunks: list[bytes] = []
        while chunk := stream.read(_CHUNK):
            offset += len(chunk)
            self.check_size(offset)
            chunks.append(chunk)
        return b"".join(chunks)

    def single(self, data: bytes, start: int, line_no: int) -> RawMail:
        nul = data.find(b"\0")
        if nul >= 0:
            line = line_no + data.count(b"\n", 0, nul)
            raise self.error(f"NUL byte in the message (line {line})", f"byte {start + nul}")
        if not has_header_block(data) and not is_bare_diff(data) and not looks_like_archive(data):
            raise self.error(
                "neither a mail nor a patch: no mail header block and no diff", f"line {line_no}"
            )
        self.found += 1
        return RawMail(data, self.source, self.prefix)

    def split_mbox(
        self, stream: IO[bytes], first: bytes, line_no: int, offset: int
    ) -> Iterator[RawMail]:
        """Split an mbox stream at its ``From_`` lines, un-escaping bodies.

        The stream is read in blocks and searched for a blank line followed by
        ``From ``; only the current message (and one block) is ever held.
        ``buf[0]`` is always a byte already dealt with (the newline ending the
        ``From_`` line or the message's last byte so far), so that a separator
        right at the start of ``buf`` is found too.
        """
        is_git = GIT_FROM_LINE.match(first) is not None
        # git does not escape "From " in bodies, so a file it wrote is split
        # only at its own magic From_ lines, or at a strict asctime From_ line
        # of a message saved after it (a reply appended by a mail client).
        is_separator = _git_or_strict_from if is_git else FROM_LINE.match
        unescape = None if is_git else _UNESCAPE[self.settings.mbox_dialect]
        index = 1
        start_line = line_no
        parts: list[bytes] = []
        buf = b"\n"
        eof = False
        while not eof:
            chunk = stream.read(_CHUNK)
            if chunk:
                if self.streamed:
                    offset += len(chunk)
                    self.check_size(offset)
                buf += chunk
            else:
                eof = True
            start = 1  # buf[start:] is not yet in parts
            search = 0
            keep = -1
            while (match := _SEPARATOR.search(buf, search)) is not None:
                from_at = match.end() - 5
                eol = buf.find(b"\n", from_at, from_at + _FROM_LINE_MAX)
                if eol < 0 and len(buf) < from_at + _FROM_LINE_MAX and not eof:
                    keep = match.start()  # the From_ line is cut: wait for more
                    break
                if eol >= 0:
                    line_end = eol + 1
                elif len(buf) <= from_at + _FROM_LINE_MAX:
                    line_end = len(buf)  # the last line, with no newline
                else:
                    line_end = -1  # far too long for a From_ line
                if line_end < 0 or not is_separator(buf, from_at, line_end):
                    search = match.start() + 1
                    continue
                parts.append(buf[start : match.start() + 1])
                data = b"".join(parts)
                yield self.member(data, unescape, index, start_line, many=True)
                start_line += data.count(b"\n") + 2
                index += 1
                parts = []
                start = line_end
                search = line_end - 1
            if eof:
                parts.append(buf[start:])
                break
            if keep < 0:
                keep = max(start - 1, len(buf) - 8)
            if keep >= start:
                parts.append(buf[start : keep + 1])
            buf = buf[keep:]
        # At the end of the file there is no separator: a last blank line is
        # the message's (git ends every message with one, files and --stdout).
        yield self.member(b"".join(parts), unescape, index, start_line, many=index > 1)

    def member(
        self,
        data: bytes,
        unescape: re.Pattern[bytes] | None,
        index: int,
        line_no: int,
        *,
        many: bool,
    ) -> RawMail:
        if unescape is not None and b">From " in data:
            data = unescape.sub(rb"\1", data)
        place = f"message {index} (line {line_no})" if many else ""
        nul = data.find(b"\0")
        if nul >= 0:
            line = line_no + 1 + data.count(b"\n", 0, nul)
            where = f"message {index} (line {line_no}), byte {nul} of the message"
            raise self.error(f"NUL byte in the message (line {line})", where)
        self.found += 1
        return RawMail(data, self.source, self.where(place))


_STRICT_FROM_LINE = re.compile(
    rb"From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) "
    rb"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d\d:\d\d(?::\d\d)? "
    rb"(?:[A-Z]{3,5} |[+-]\d{4} )?\d{4}\r?$"
)


def _git_or_strict_from(buf: bytes, pos: int, endpos: int) -> re.Match[bytes] | None:
    end = endpos - 1 if buf[endpos - 1 : endpos] == b"\n" else endpos
    return GIT_FROM_LINE.match(buf, pos, end) or _STRICT_FROM_LINE.match(buf, pos, end)


def _open_error(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    return f"cannot read: {exc.strerror or exc}"


def _read_path(path: Path, source: str, prefix: str, settings: Settings) -> Iterator[RawMail]:
    """The messages of one file (a single message or an mbox)."""
    where = prefix or None
    try:
        info = path.stat()
    except OSError as exc:
        raise InputError(_open_error(exc), source=source, where=where) from None
    regular = stat.S_ISREG(info.st_mode)
    if regular:
        if info.st_size > settings.max_bytes:
            raise LimitError(
                f"input is {info.st_size} bytes, more than the limit of {settings.max_bytes} "
                "bytes (raise the limit with --max-bytes)",
                source=source,
                where=where,
            )
        if info.st_size == 0:
            raise InputError("empty input", source=source, where=where)
    reader = _Reader(source, prefix, settings, streamed=not regular)
    try:
        with path.open("rb") as stream:
            yield from reader.read(stream)
    except OSError as exc:
        raise InputError(_open_error(exc), source=source, where=where) from None
    if reader.found == 0:
        raise InputError("empty input", source=source, where=where)


def _directory_files(path: Path, source: str) -> list[tuple[str, Path]]:
    """(name shown in ``where``, file) of a maildir or a format-patch directory, in order."""
    try:
        if (path / "cur").is_dir() and (path / "new").is_dir():
            found = [
                (entry.name, f"{sub}/{entry.name}", entry)
                for sub in ("cur", "new")
                for entry in (path / sub).iterdir()
                if not entry.name.startswith(".") and entry.is_file()
            ]
            return [(shown, entry) for _, shown, entry in sorted(found)]
        return sorted(
            (entry.name, entry)
            for entry in path.iterdir()
            if entry.name.lower().endswith(MAIL_SUFFIXES)
            and not entry.name.startswith(".")
            and entry.is_file()
        )
    except OSError as exc:
        raise InputError(_open_error(exc), source=source) from None


def _read_directory(path: Path, source: str, settings: Settings) -> Iterator[RawMail]:
    files = _directory_files(path, source)
    if not files:
        raise InputError(
            "no mail in this directory (neither a maildir with cur/ and new/ nor "
            f"{', '.join('*' + suffix for suffix in MAIL_SUFFIXES)} files)",
            source=source,
        )
    for shown, entry in files:
        yield from _read_path(entry, source, shown, settings)


def _counted(mails: Iterator[RawMail], settings: Settings) -> Iterator[RawMail]:
    limit = settings.max_patches
    for count, raw in enumerate(mails, start=1):
        if count > limit:
            raise LimitError(
                f"more than {limit} messages (raise the limit with --max-patches)",
                source=raw.source,
                where=raw.where or None,
            )
        yield raw


def _read_stdin(stream: IO[bytes], settings: Settings) -> Iterator[RawMail]:
    reader = _Reader("<stdin>", "", settings, streamed=True)
    try:
        yield from reader.read(stream)
    except OSError as exc:
        raise InputError(_open_error(exc), source="<stdin>") from None
    if reader.found == 0:
        raise InputError("empty input", source="<stdin>")


def iter_source(
    spec: str, settings: Settings, *, stdin: BinaryIO | None = None
) -> Iterator[RawMail]:
    """The raw messages of one source: a path, or ``-`` for standard input."""
    if spec == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        yield from _counted(_read_stdin(stream, settings), settings)
        return
    path = Path(spec)
    try:
        is_dir = path.is_dir()
        exists = is_dir or path.exists()
    except OSError as exc:
        raise InputError(_open_error(exc), source=spec) from None
    if not exists:
        raise InputError("no such file or directory", source=spec)
    if is_dir:
        yield from _counted(_read_directory(path, spec, settings), settings)
    else:
        yield from _counted(_read_path(path, spec, "", settings), settings)


def _git_error(stderr: bytes, status: int | None) -> str:
    for line in stderr.decode("utf-8", "replace").splitlines():
        if line.strip():
            return line.strip()
    return f"git format-patch failed (exit status {status})"


def iter_git_range(repo: Path, rev_range: str, settings: Settings) -> Iterator[RawMail]:
    """The messages ``git format-patch --stdout <rev_range>`` writes in ``repo``."""
    source = f"git:{rev_range}"
    if not rev_range.strip() or rev_range.startswith("-"):
        raise InputError(f"not a revision range: {rev_range!r}", source=source)
    if not repo.is_dir():
        raise InputError(f"not a git repository: {repo} (no such directory)", source=source)
    import git  # GitPython is slow to import: only when a git range is read

    executable = git.Git.GIT_PYTHON_GIT_EXECUTABLE or "git"
    command = [executable, "-C", str(repo), "format-patch", "--stdout", "--end-of-options"]
    try:
        process = git.Git().execute([*command, rev_range], as_process=True)
    except git.GitCommandNotFound:
        raise InputError("git is not installed (or not on PATH)", source=source) from None
    popen = process.proc
    assert popen is not None and popen.stdout is not None and popen.stderr is not None
    reader = _Reader(source, "", settings, streamed=True)
    try:
        yield from _counted(reader.read(popen.stdout), settings)
        stderr = popen.stderr.read()
        status = popen.wait()
        if status != 0:
            raise InputError(_git_error(stderr, status), source=source)
        if reader.found == 0:
            raise InputError("no commits in this range", source=source)
    finally:
        if popen.poll() is None:
            popen.kill()
        popen.stdout.close()
        popen.stderr.close()
        popen.wait()
