"""Follow-ups: what a reviewer's reply to a patch or cover letter says.

A reply alternates quoted text (``> ...``) and the reviewer's own words.  From
the reviewer's own, unquoted text this module collects

* **trailers**: person trailers such as ``Reviewed-by:`` or ``Acked-by:``
  written at the start of a line, as b4 collects them; quoted trailers
  (``> Reviewed-by: ...``) belong to someone else and are left alone;
* **review comments**: each block of own text with the quoted lines that
  come before it.  Quoted lines of the patch are tied back to the diff: the
  file and the source/target line numbers, found by content and in order,
  using the quoted ``diff --git``/``+++``/``@@`` headers as anchors.  Lines
  quoted twice (``> >``) are older replies: kept, never tied to the diff.

The attribution line (``On <date>, X wrote:``), snip marks (``[...]``,
``<snip>``), the signature after ``-- ``
and anything under an ``-----Original Message-----`` line or a Mailman footer
are not the reviewer's words.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from xenreview.diff.model import Diff, FileDiff, Line, LineKind
from xenreview.ingest.model import Mail, QuotedLine, ReviewComment, Trailer
from xenreview.ingest.trailers import PERSON_TRAILERS, parse_trailer, trim_blank_lines

__all__ = ["COLLECTED_TRAILERS", "parse_followup"]

COLLECTED_TRAILERS: Final = PERSON_TRAILERS - {"Cc"}
"""Known trailers collected from a reply (any other ``*-by`` with an address is too)."""

_QUOTE: Final = re.compile(r"(?:>[ \t]?)+")
_ATTRIBUTION: Final = re.compile(
    r".*\b(?:wrote|writes|said|schrieb|a [ée]crit|escribi[óo]|scrisse|napisa[łl]|skrev)"
    r"[ \t]*:[ \t]*",
    re.IGNORECASE,
)
_ATTRIBUTION_START: Final = re.compile(
    r"(?:On|Am|Le|El|Il|Op|W dniu|Quoting|Citando)\b", re.IGNORECASE
)
_HUNK: Final = re.compile(r"@@ -(\d{1,9})(?:,\d{1,9})? \+(\d{1,9})(?:,\d{1,9})? @@.*")
_GIT_HEADER: Final = re.compile(r"diff --git (\S+) (\S+).*")
_ORIGINAL: Final = re.compile(r"-{3,}\s*Original Message\s*-{3,}\s*", re.IGNORECASE)
_SNIP: Final = re.compile(
    r"[ \t]*(?:\[[ \t]*(?:\.{2,}|…|snip(?:ped)?)[ \t]*\]|<[ \t]*(?:\.{2,}|snip(?:ped)?)[ \t]*>"
    r"|\.{3,}|…)[ \t]*",
    re.IGNORECASE,
)
_LOCAL_WINDOW: Final = 50  # lines ahead searched for a loosely matching quoted line


@dataclass(frozen=True, slots=True)
class _Row:
    depth: int  # 0 = own text
    text: str  # without the quote markers


def _strip_path(path: str) -> str | None:
    if path == "/dev/null":
        return None
    if len(path) > 2 and path[1] == "/" and path[0] in "abciwo":
        return path[2:]
    return path


def _rows(text: str) -> list[_Row]:
    """Classify the reply's lines, dropping the signature and everything after it."""
    rows: list[_Row] = []
    lines = text.split("\n")
    for index, line in enumerate(lines):
        match = _QUOTE.match(line)
        if match is None or not match.group(0):
            if line in ("-- ", "--") or _ORIGINAL.fullmatch(line) is not None:
                break
            if line.startswith("_" * 20) and any(
                "mailing list" in later.lower() for later in lines[index + 1 : index + 3]
            ):
                break
            if _SNIP.fullmatch(line) is None:
                rows.append(_Row(0, line))
            continue
        markers = match.group(0)
        depth = markers.count(">")
        if depth == 1:
            # Strip ">" and one space only: a diff context line keeps its own.
            body = line[1:]
            if body[:1] in (" ", "\t"):
                body = body[1:]
        else:
            body = line[match.end() :]
        rows.append(_Row(depth, body))
    return rows


def _attributions(rows: Sequence[_Row]) -> set[int]:
    """Indexes of the ``On <date>, X wrote:`` lines that introduce quotes."""
    found: set[int] = set()
    for index, row in enumerate(rows):
        if row.depth != 0 or not row.text.strip():
            continue
        nxt = index + 1
        while nxt < len(rows) and rows[nxt].depth == 0 and not rows[nxt].text.strip():
            nxt += 1
        if nxt - index > 2 or nxt >= len(rows) or rows[nxt].depth == 0:
            continue
        if _ATTRIBUTION.fullmatch(row.text.strip()) is None:
            continue
        prev = index - 1
        if (
            prev >= 0
            and rows[prev].depth == 0
            and rows[prev].text.strip()
            and _ATTRIBUTION_START.match(rows[prev].text.strip()) is not None
            and _ATTRIBUTION_START.match(row.text.strip()) is None
        ):
            found.add(prev)  # wrapped over two lines
        found.add(index)
    return found


def _norm(value: str) -> str:
    return value.rstrip()


def _loose(value: str) -> str:
    return " ".join(value.split())


class _DiffMap:
    """Ties quoted lines to a diff, keeping a cursor that only moves forwards."""

    def __init__(self, diff: Diff) -> None:
        self.files: tuple[FileDiff, ...] = diff.files
        self.entries: list[tuple[int, int, Line]] = []  # file index, hunk index, line
        self.file_first: list[int] = []
        self.hunk_first: dict[tuple[int, int], int] = {}
        self.index: dict[tuple[LineKind, str], list[int]] = {}
        for fi, file in enumerate(self.files):
            self.file_first.append(len(self.entries))
            for hi, hunk in enumerate(file.hunks):
                self.hunk_first[(fi, hi)] = len(self.entries)
                for line in hunk.lines:
                    if line.kind is LineKind.NO_NEWLINE:
                        continue
                    key = (line.kind, _norm(line.value))
                    self.index.setdefault(key, []).append(len(self.entries))
                    self.entries.append((fi, hi, line))
        self.cursor = 0
        self.file: int | None = None
        self.hunk: tuple[int, int] | None = None  # the hunk the cursor is in, when known

    def _find_file(self, path: str | None) -> int | None:
        if path is None:
            return None
        start = self.file or 0
        order = list(range(start, len(self.files))) + list(range(start))
        for fi in order:
            file = self.files[fi]
            if path in (file.target_path, file.source_path):
                return fi
        return None

    def _goto_file(self, fi: int) -> None:
        self.file = fi
        self.hunk = None
        self.cursor = self.file_first[fi]

    def quoted(self, text: str, following: str | None) -> QuotedLine:
        """Map one singly quoted line (``following`` is the next quoted line, if any)."""
        match = _GIT_HEADER.fullmatch(text)
        if match is not None:
            fi = self._find_file(_strip_path(match.group(2)))
            if fi is None:
                fi = self._find_file(_strip_path(match.group(1)))
            if fi is not None:
                self._goto_file(fi)
                return QuotedLine(text=text, path=self.files[fi].path)
            return QuotedLine(text=text)
        if text.startswith("+++ ") or (
            text.startswith("--- ") and following is not None and following.startswith("+++ ")
        ):
            path = text[4:].split("\t", maxsplit=1)[0].strip()
            fi = self._find_file(_strip_path(path))
            if fi is None and text.startswith("--- ") and following is not None:
                fi = self._find_file(_strip_path(following[4:].split("\t", maxsplit=1)[0].strip()))
            if fi is not None:
                if fi != self.file or self.hunk is not None:
                    self._goto_file(fi)
                return QuotedLine(text=text, path=self.files[fi].path)
            return QuotedLine(text=text)
        match = _HUNK.fullmatch(text)
        if match is not None:
            return self._hunk_header(text, int(match.group(1)), int(match.group(2)))
        if text[:1] in ("+", "-", " "):
            kind = LineKind(text[0])
            return self._content(text, kind, text[1:])
        if not text.strip():
            # A blank context line whose space the mailer dropped: only right here.
            return self._near(text, LineKind.CONTEXT, "", window=1)
        return self._near(text, LineKind.CONTEXT, text)

    def _hunk_header(self, text: str, source_start: int, target_start: int) -> QuotedLine:
        order = list(range(len(self.files)))
        if self.file is not None:
            order = [self.file] + [fi for fi in order if fi != self.file]
        for fi in order:
            for hi, hunk in enumerate(self.files[fi].hunks):
                if hunk.source_start == source_start and hunk.target_start == target_start:
                    self.file = fi
                    self.hunk = (fi, hi)
                    self.cursor = self.hunk_first[(fi, hi)]
                    return QuotedLine(
                        text=text,
                        path=self.files[fi].path,
                        target_no=target_start,
                        source_no=source_start,
                    )
        return QuotedLine(text=text)

    def _hit(self, text: str, at: int) -> QuotedLine:
        fi, hi, line = self.entries[at]
        self.cursor = at + 1
        self.file = fi
        self.hunk = (fi, hi)
        return QuotedLine(
            text=text,
            path=self.files[fi].path,
            target_no=line.target_no,
            source_no=line.source_no,
        )

    def _content(self, text: str, kind: LineKind, value: str) -> QuotedLine:
        positions = self.index.get((kind, _norm(value)))
        if positions:
            at = bisect_left(positions, self.cursor)
            if at < len(positions):
                return self._hit(text, positions[at])
            if len(positions) == 1:
                return self._hit(text, positions[0])  # out of order, but unique
        return self._near(text, kind, value)

    def _near(
        self, text: str, kind: LineKind, value: str, window: int = _LOCAL_WINDOW
    ) -> QuotedLine:
        """A loose match (white space changed, markers lost) close to the cursor, in its hunk."""
        if self.hunk is None:
            return QuotedLine(text=text)
        wanted = _loose(value)
        stop = min(len(self.entries), self.cursor + window)
        for at in range(self.cursor, stop):
            fi, hi, line = self.entries[at]
            if (fi, hi) != self.hunk:
                break
            if line.kind is kind and _loose(line.value) == wanted:
                return self._hit(text, at)
        return QuotedLine(text=text)


def _is_collected(trailer: Trailer) -> bool:
    if trailer.person is None:
        return False
    return trailer.name in COLLECTED_TRAILERS or trailer.lname.endswith("-by")


def parse_followup(
    mail: Mail, diff: Diff | None
) -> tuple[tuple[Trailer, ...], tuple[ReviewComment, ...]]:
    """The trailers and review comments of a reply; never raises.

    ``diff`` is the diff of the patch replied to (``None`` for a cover letter
    or when unknown): quoted lines of it get their path and line numbers.
    """
    message = mail.message
    rows = _rows(mail.text)
    skipped = _attributions(rows)

    trailers: list[Trailer] = []
    for index, row in enumerate(rows):
        if row.depth == 0 and index not in skipped:
            trailer = parse_trailer(row.text, origin=message.message_id)
            if trailer is not None and _is_collected(trailer):
                trailers.append(trailer)

    mapper = _DiffMap(diff) if diff is not None and diff.files else None
    quoted: dict[int, QuotedLine] = {}
    for index, row in enumerate(rows):
        if row.depth == 0:
            continue
        if row.depth > 1 or mapper is None:
            quoted[index] = QuotedLine(text=row.text)
            continue
        following = None
        if index + 1 < len(rows) and rows[index + 1].depth == 1:
            following = rows[index + 1].text
        quoted[index] = mapper.quoted(row.text, following)

    comments: list[ReviewComment] = []
    pending: list[QuotedLine] = []
    own: list[str] = []

    def flush() -> None:
        text = "\n".join(trim_blank_lines(_own_words(own, message.message_id)))
        if text:
            comments.append(
                ReviewComment(
                    author=message.author,
                    message_id=message.message_id,
                    text=text,
                    quoted=_trim_quotes(pending),
                    date=message.date,
                )
            )
        if text or any(line.strip() for line in own):
            # Quotes answered only by a trailer or a greeting go with it.
            pending.clear()
        own.clear()

    for index, row in enumerate(rows):
        if index in skipped:
            continue
        if row.depth == 0:
            own.append(row.text)
            continue
        flush()
        pending.append(quoted[index])
    flush()
    return tuple(trailers), tuple(comments)


_GREETING: Final = re.compile(
    r"(?:hi|hello|hey|dear|good (?:morning|afternoon))\b[^.?!]{0,40},?", re.IGNORECASE
)
_CLOSING: Final = re.compile(
    r"(?:cheers|thanks|thank you|many thanks|regards|best regards|kind regards|best|br|"
    r"thanks in advance|ciao|greetings)[,.!]?(?:[ \t]+[A-Z][\w.-]*){0,2}",
    re.IGNORECASE,
)


def _own_words(lines: Sequence[str], origin: str) -> list[str]:
    """A block of own text without greetings, closings and collected trailers.

    Trailers are collected as trailers, and "Hi Alice," or "Cheers, Bob" say
    nothing about the patch: a block made only of them is no review comment.
    """
    kept = [
        line
        for line in lines
        if not ((t := parse_trailer(line, origin=origin)) is not None and _is_collected(t))
    ]
    kept = trim_blank_lines(kept)
    if kept and _GREETING.fullmatch(kept[0].strip()):
        kept = trim_blank_lines(kept[1:])
    for i, line in enumerate(kept):
        # A closing word, then at most two short lines (the name).
        if (
            _CLOSING.fullmatch(line.strip())
            and len(kept) - i <= 3
            and all(len(rest.strip()) <= 30 for rest in kept[i + 1 :])
        ):
            kept = trim_blank_lines(kept[:i])
            break
    return kept


def _trim_quotes(lines: Sequence[QuotedLine]) -> tuple[QuotedLine, ...]:
    """The quoted lines without unmapped blank ones at either end."""
    start, end = 0, len(lines)
    while start < end and not lines[start].text.strip() and lines[start].path is None:
        start += 1
    while end > start and not lines[end - 1].text.strip() and lines[end - 1].path is None:
        end -= 1
    return tuple(lines[start:end])
