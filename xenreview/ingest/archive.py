"""Recovering a patch and its review from a web-archive copy of a xen-devel reply.

The list archive renders a reply as a web page; saved as text, that page has
lost what makes a mail a mail.  What the seed and its kind look like::

    [Date Prev][Date Next][Thread Prev][Thread Next][Date Index][Thread Index]
    Re: [Xen-devel] [PATCH 05/18] xen/arm: ...      <- the subject, as a heading
    Hi Mirela,                                      <- the reviewer's greeting
    On 11/12/18 11:30 AM, Mirela Simonovic wrote:   <- the attribution
    <commit message, trailers with "@xxxxxxxxxx" addresses, diffstat>
    diff --git ...                                  <- the quoted diff, "> " gone
    @@ -112,11 +112,20 @@ static void f(register_t a, register_t   <- cut
      context lines, shifted right by the archive; blank lines dropped
    <the reviewer's own words, between or after quoted diff lines>
    Julien Grall                                    <- the signature
    Xen-devel mailing list ... hosting blurb        <- the archive footer

No RFC 5322 header, no quote markers.  :func:`recover` finds each region by
its shape, rebuilds the quoted patch as a :class:`Patch` flagged
``reconstructed`` and lists in ``missing`` what could not be recovered, so
that nobody mistakes an inference for a fact.  What it infers, and how:

* where the quote ends and the reviewer speaks: a blank line ends a run of
  quoted diff lines (the archive drops blank lines *inside* the quote), and
  the hunk headers' line counts bound how many lines a hunk can still take;
* the archive's extra indentation of context lines: measured on the diffstat
  (git indents its lines by exactly one space), otherwise guessed from Xen's
  four-space indentation; added and removed lines are kept as found;
* line numbers: counted from the hunk headers, hence approximate once lines
  were lost (``missing`` says so);
* the patch author: the attribution's name with the first matching
  ``Signed-off-by`` address (kept obfuscated as written); the reviewer: the
  archive's ``From:`` line if the page kept one, else the signature.

Everything is linear in the size of the input, and any text either recovers
or raises :class:`~xenreview.errors.InputError` naming the source.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Final

from xenreview.diff.model import Diff, FileDiff, FileStatus, Hunk, Line, LineKind
from xenreview.errors import InputError, XenreviewError
from xenreview.ingest.model import (
    Message,
    Patch,
    Person,
    Problem,
    QuotedLine,
    RawMail,
    ReviewComment,
    Severity,
    Subject,
    Trailer,
)
from xenreview.ingest.subject import LIST_TAGS, parse_subject
from xenreview.ingest.trailers import parse_trailer

__all__ = ["SYNTHETIC_DOMAIN", "Recovered", "looks_like_archive", "recover"]

SYNTHETIC_DOMAIN: Final = "xenreview.invalid"
"""Domain of the message-ids made up for recovered messages (RFC 2606 ``.invalid``)."""

QUOTE_CONTEXT: Final = 3
"""How many quoted diff lines a review comment keeps as its context."""

_SNIFF_BYTES: Final = 64 * 1024
_BLANK_LINE: Final = re.compile(rb"\n\r?\n")  # ends a mail's header block
_MAX_ATTRIBUTION: Final = 400  # longer "... wrote:" lines are prose, not attributions

# -- line shapes ---------------------------------------------------------------

_NAV_ITEM = r"\[\s*(?:date|thread)\s+(?:prev|next|index)\s*\]"
_NAV = re.compile(rf"^\s*(?:{_NAV_ITEM}\s*)+$", re.IGNORECASE)
_FOOTER = re.compile(
    r"^\s*+(?:xen-devel\s+mailing\s+list"  # "*+": linear (hostile pages)
    r"|_{5,}"
    r"|lists\.xen(?:project)?\.org\s+is\s+hosted\b.*"
    r"|xen-devel@lists\.xen(?:project)?\.org"
    r"|https?://lists\.xen(?:project)?\.org/\S*"
    r"|<?\s*prev\s+in\s+thread\s*\].*"
    r"|current\s+thread"
    r"|(?:previous|next)\s+by\s+(?:date|thread)\s*:.*"
    r"|index(?:es|\(es\))\s*:.*)\s*$",
    re.IGNORECASE,
)
_HEADING_GROUP = re.compile(r"\[[^\]\n]*\b(?:patch|rfc)\b[^\]\n]*\]", re.IGNORECASE)
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|fwd?|sv)\s*:\s*)+", re.IGNORECASE)
_BRACKET_GROUP = re.compile(r"\[([^\]\n]*)\]\s*")
_PAGE_FIELD = re.compile(
    r"^\s*(to|from|date|cc|subject|message-id|in-reply-to|references|delivery-date"
    r"|list-id|sender|reply-to)\s*:\s*(.*)$",
    re.IGNORECASE,
)
_MAIL_HEADER = re.compile(r"^[!-9;-~]{1,76}:[ \t]")
_MAIL_FIELDS: Final = frozenset(
    {"from", "subject", "date", "message-id", "received", "return-path", "to", "mime-version"}
)
_GREETING = re.compile(r"^\s*(?:hi|hello|hey|dear)\b\s*(?P<name>[^,\s]*)[^,]{0,40},?\s*$", re.I)
_TRAILER_SHAPE = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,40}:\s+\S")
_DIFFSTAT_COUNT = re.compile(r"\s*(?:\d{1,9}\b|Bin\b)")
_DIFFSTAT_SUMMARY = re.compile(r"\d{1,9} files? changed\b")
_HUNK = re.compile(r"^@@ -(\d{1,9})(?:,(\d{1,9}))?(?: \+(\d{1,9})(?:,(\d{1,9}))?)?")
_PERCENT = re.compile(r"[0-9]{1,3}%?")
_INDEX = re.compile(r"^index ([0-9a-fA-F]{4,64})\.\.([0-9a-fA-F]{4,64})(?: +([0-7]{6}))?\s*$")
# "@xxxx.xxx>" at the end (the archive hid the domain): the run is checked for "xxx"
# apart, as "[x.]*x{3,}[x.]*" tries every split of a long run (cubic).
_OBFUSCATED = re.compile(r"@([x.]*+)>?$", re.IGNORECASE)
# The name keeps its trailing blanks (the caller strips it): linear on long blank runs.
_NAME_ADDR = re.compile(r'^\s*+"?(?P<name>[^"<>]*+)"?\s*+<(?P<addr>[^<>]*+)>\s*+$')
_PERSON_NAME = re.compile(r"^[^\W\d_][\w'.-]*(?:\s+[^\W\d_][\w'.-]*){0,3}$")
_CLOSING = re.compile(
    r"^\s*(?:(?:best|kind|warm)\s+)?(?:regards|cheers|thanks|thank\s+you|thx|best|"
    r"ciao|bye|greetings)(?:\s++again)?\s*+[,.!]?\s*+$",
    re.IGNORECASE,
)
_SNIP = re.compile(r"^\s*(?:\[\s*(?:\.\.\.|…|snip)\s*\]|\.\.\.|…|<snip>)\s*$", re.IGNORECASE)
_CODE = re.compile(
    r"(?:[;{}\\]|\*/)\s*$"  # statement, block or macro continuation end
    r"|^\s*(?:#|/\*|\*|//|[{}])"  # preprocessor, comment, brace
    r"|^\s*[A-Za-z_][\w \t*]*[\w*]\([^()]*\)\s*$"  # a declaration head: f(int a)
    r"|^\s*(?:case\b.*:|(?:default|[A-Za-z_]\w*)\s*:)\s*+$"  # case and goto labels
)
# An indented line that is no "- word word" bullet: two or more blanks, a tab, or code.
_INDENTED_CODE = re.compile(r"(?:\t| {2,})\S|[ \t]*[^\sA-Za-z]")
_FILE_MODE_LINES: Final = (
    "old mode ",
    "new mode ",
    "new file mode ",
    "deleted file mode ",
    "similarity index ",
    "dissimilarity index ",
    "rename from ",
    "rename to ",
    "copy from ",
    "copy to ",
)
_REVIEW_TRAILERS: Final = frozenset(
    {"reviewed-by", "acked-by", "tested-by", "release-acked-by", "reported-by", "suggested-by"}
)


@dataclass(frozen=True, slots=True)
class Recovered:
    """A patch rebuilt from an archive copy, and what went wrong on the way.

    ``problems`` are also attached to ``patch.problems`` (as for a patch read
    from a mail); a caller that gathers run-level problems takes one of them.
    """

    patch: Patch
    problems: tuple[Problem, ...]


# -- sniffing ------------------------------------------------------------------


def looks_like_archive(data: bytes) -> bool:
    """Whether ``data`` looks like a saved web-archive page rather than a mail.

    Cheap: it reads the first 64 KiB only, and for a mail only its header
    block.  A mail (an RFC 5322 header block or an mbox ``From`` line at the
    top) never is one.  Otherwise the archive's navigation or footer is
    enough; failing those, two of: a ``Re: [... PATCH ...]`` heading, a
    ``... wrote:`` attribution, and unquoted diff lines after it.
    """
    # Nearly every input is a mail, told by its header block alone: decode
    # the text up to the first blank line before decoding 64 KiB.  The cut
    # is after a newline, so these lines are the first lines of the whole.
    blank = _BLANK_LINE.search(data, 0, _SNIFF_BYTES)
    if blank is not None:
        head = _text_lines(data[: blank.end()].decode("utf-8", errors="replace"))
        head.pop()  # the "" after the last newline is no line of the text
        if _has_header_block(head, whole=False):
            return False
    lines = _text_lines(data[:_SNIFF_BYTES].decode("utf-8", errors="replace"))
    if _has_header_block(lines):
        return False
    if any(_NAV.match(line) for line in lines):
        return True
    footer = any(_FOOTER.match(line) for line in lines)
    heading = attribution = diff_after = False
    for line in lines:
        if not attribution and not diff_after and _is_heading(line):
            heading = True
        elif not attribution and _attribution(line) is not None:
            attribution = True
        elif line.startswith(("diff --git ", "@@ -", "+++ ")):
            diff_after = True
    quoted_diff = any(line.startswith((">", "> ")) and "@@ -" in line for line in lines)
    score = heading + attribution + (diff_after and not quoted_diff) + footer
    return score >= 2


def _has_header_block(lines: Sequence[str], *, whole: bool = True) -> bool:
    """Whether ``lines`` start with a mail header block.

    Unless ``whole``, ``lines`` may stop short of the text: a block that does
    not end in a blank line within them is not known to be one (False).
    """
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return False
    if lines[first].startswith("From ") and first == 0:
        return True  # an mbox separator
    if _is_heading(lines[first]):
        return False  # "Re: [PATCH ...]" is the archive's heading, no mail header starts so
    names: set[str] = set()
    for line in lines[first:]:
        if not line.strip():
            break
        if line[0] in " \t":
            continue  # a folded continuation
        if not _MAIL_HEADER.match(line):
            return False
        names.add(line.split(":", 1)[0].strip().lower())
    else:
        if not whole:
            return False
    return bool(names & _MAIL_FIELDS)


# -- recovery ------------------------------------------------------------------


@dataclass(slots=True)
class _Findings:
    """Findings gathered while reading the page: the ``missing`` list and problems."""

    source: str
    where: str
    missing: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def miss(self, what: str) -> None:
        if what not in self.missing:
            self.missing.append(what)

    def problem(self, code: str, message: str, line: int | None, severity: Severity) -> None:
        place = f"line {line}" if line is not None else None
        where = ", ".join(p for p in (self.where, place) if p) or None
        self.problems.append(Problem(code, message, self.source, where, severity))


def recover(raw: RawMail) -> Recovered:
    """Rebuild the quoted patch and the reviewer's comments from an archive copy.

    Raises :class:`InputError` (naming ``raw.source``) when the page quotes
    no diff at all: there is then no patch to recover.
    """
    found = _Findings(raw.source, raw.where)
    try:
        text = raw.data.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.data.decode("utf-8", errors="replace")
        found.problem(
            "undecodable-bytes",
            "the archive copy is not valid UTF-8; undecodable bytes were replaced",
            None,
            Severity.WARNING,
        )
    lines = [("" if _NAV.match(line) else line) for line in _text_lines(text)]
    page = _layout(lines)
    if page is None:
        raise InputError(
            "no quoted patch found in this web-archive copy (no diff, no hunk header)",
            source=raw.source,
            where=raw.where or None,
        )

    digest = hashlib.sha1(raw.data, usedforsecurity=False).hexdigest()[:16]
    patch_id = f"archive-{digest}@{SYNTHETIC_DOMAIN}"
    fields = _page_fields(lines, page)
    reply_id = _strip_angles(fields.get("message-id", "")) or (
        f"archive-{digest}-reply@{SYNTHETIC_DOMAIN}"
    )

    found.miss("message-id (a stand-in was made up)")
    found.miss("threading (In-Reply-To, References)")
    quoted = _split_quoted_patch(lines[page.quote_start : page.diff_start])
    shift, shift_how = _archive_shift(lines, page, quoted.notes)
    parsed = _parse_diff(lines, page, quoted.diffstat_paths, found)
    _keep_inside(parsed, found)
    if not any(f.hunks or f.binary for f in parsed.files):
        raise InputError(
            "no quoted patch found in this web-archive copy (diff lines without any hunk)",
            source=raw.source,
            where=raw.where or None,
        )
    diff, by_key = _build_diff(parsed, shift)

    subject = _subject(lines, page, fields, found)
    author = _author(lines, page, quoted, found)
    date, timestamp = _attribution_date(page, found)
    reviewer = _reviewer(fields, parsed, found)
    comments, followups = _comments(
        parsed, diff, by_key, reviewer, reply_id, fields.get("date") or None
    )
    _describe_losses(parsed, shift, shift_how, quoted, found)

    message = Message(
        message_id=patch_id,
        in_reply_to=None,
        references=(),
        author=author,
        author_recovered=True,
        date=date,
        timestamp=timestamp,
        subject=subject,
        source=raw.source,
        where=raw.where,
    )
    problems = tuple(found.problems)
    patch = Patch(
        message=message,
        body=quoted.body,
        trailers=quoted.trailers,
        notes="\n".join(_unshift(line, shift) for line in quoted.notes),
        base_commit=_note_value(quoted.notes, "base-commit:"),
        prerequisite_patch_ids=tuple(
            value
            for line in quoted.notes
            if (value := _note_value((line,), "prerequisite-patch-id:")) is not None
        ),
        diff=diff,
        followup_trailers=followups,
        review_comments=comments,
        reconstructed=True,
        missing=tuple(found.missing),
        problems=problems,
    )
    return Recovered(patch=patch, problems=problems)


def _text_lines(text: str) -> list[str]:
    """Lines without their ends; the archive's no-break spaces become spaces."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\u00a0", " ").replace("\u202f", " ").split("\n")


# -- the regions of the page -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Page:
    """Line indices (0-based, end exclusive) of the regions of the page."""

    heading: int | None  # the "Re: [PATCH ...]" line
    fields_end: int  # end of the archive's "From: ..." field list after the heading
    attribution: int | None  # first line of "On ..., X wrote:"
    attribution_text: str
    quote_start: int  # the quoted commit message starts here
    diff_start: int  # first diff line
    end: int  # where the signature separator or the archive footer starts
    signature: tuple[str, ...]  # the lines after a "-- " separator, if any


def _layout(lines: Sequence[str]) -> _Page | None:
    diff_start = next((i for i in range(len(lines)) if _starts_diff(lines, i)), None)
    if diff_start is None:
        return None
    heading = next((i for i in range(diff_start) if _is_heading(lines[i])), None)
    fields_end = _fields_end(lines, 0 if heading is None else heading + 1, diff_start)
    attribution: int | None = None
    attribution_text = ""
    quote_start = fields_end
    for i in range(fields_end, diff_start):
        found = _attribution(lines[i])
        span = 1
        if found is None and i + 1 < diff_start and lines[i].lstrip().startswith("On "):
            found = _attribution(lines[i].rstrip() + " " + lines[i + 1].strip())
            span = 2
        if found is not None:
            attribution, attribution_text, quote_start = i, lines[i], i + span
            if span == 2:
                attribution_text = lines[i].rstrip() + " " + lines[i + 1].strip()
            break
    if attribution is None:
        while quote_start < diff_start and (
            not lines[quote_start].strip() or _GREETING.match(lines[quote_start])
        ):
            quote_start += 1

    end = next((i for i in range(diff_start, len(lines)) if _FOOTER.match(lines[i])), len(lines))
    signature: tuple[str, ...] = ()
    for i in range(end - 1, diff_start, -1):
        if lines[i].rstrip() == "--":
            if not any(lines[j].startswith(("diff --git ", "@@ -")) for j in range(i + 1, end)):
                signature = tuple(lines[i + 1 : end])
                end = i
            break
    return _Page(
        heading, fields_end, attribution, attribution_text, quote_start, diff_start, end, signature
    )


def _starts_diff(lines: Sequence[str], i: int) -> bool:
    line = lines[i]
    if line.startswith("diff --git ") or _HUNK.match(line):
        return True
    return line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ ")


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    if len(stripped) > 400 or _PAGE_FIELD.match(stripped):
        return False
    rest = _REPLY_PREFIX.sub("", stripped, count=1)
    return rest.startswith("[") and _HEADING_GROUP.search(rest) is not None


def _fields_end(lines: Sequence[str], start: int, stop: int) -> int:
    """End of the run of archive fields (``From: ...``) starting at ``start``."""
    end = start
    for i in range(start, stop):
        if _PAGE_FIELD.match(lines[i]):
            end = i + 1
        elif lines[i].strip():
            break
    return end


def _page_fields(lines: Sequence[str], page: _Page) -> dict[str, str]:
    start = 0 if page.heading is None else page.heading + 1
    fields: dict[str, str] = {}
    for line in lines[start : page.fields_end]:
        match = _PAGE_FIELD.match(line)
        if match is not None:
            fields.setdefault(match.group(1).lower(), match.group(2).strip())
    return fields


def _attribution(line: str) -> tuple[str | None, str] | None:
    """``(date, who)`` of ``On <date>, <who> wrote:`` (or ``<who> wrote:``)."""
    stripped = line.strip()
    if len(stripped) > _MAX_ATTRIBUTION or not stripped.endswith("wrote:"):
        return None
    inner = stripped.removesuffix("wrote:").rstrip()
    if inner.startswith("On "):
        date, sep, who = inner[3:].rpartition(", ")
        if not sep:
            return None
        who = who.strip()
        return (date.strip() or None, who) if who else None
    if not inner or inner.startswith(("[", ">")) or len(inner.split()) > 8:
        return None
    return None, inner


# -- the quoted commit message ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Quoted:
    body: str
    trailers: tuple[Trailer, ...]
    notes: tuple[str, ...]  # as found (archive indentation still in)
    in_body_from: Person | None
    separator: bool  # a "---" line was found
    diffstat_paths: tuple[str, ...]


def _split_quoted_patch(region: Sequence[str]) -> _Quoted:
    lines = list(region)
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    in_body_from: Person | None = None
    if start < len(lines) and lines[start].startswith("From: "):
        in_body_from = _person(lines[start][6:])
        start += 1
        while start < len(lines) and (
            not lines[start].strip() or lines[start].startswith(("Date: ", "Subject: "))
        ):
            start += 1
    separator = next((i for i in range(start, len(lines)) if lines[i].strip() == "---"), None)
    limit = separator if separator is not None else len(lines)

    run_start, run_end, trailers = _last_trailer_run(lines, start, limit)
    if trailers:
        body_lines = lines[start:run_start]
        note_lines = lines[run_end:]
    else:
        first_stat = next((i for i in range(start, limit) if _diffstat(lines[i])), limit)
        body_lines = lines[start:first_stat]
        note_lines = lines[first_stat:]
    note_lines = [line for line in note_lines if line.strip() != "---"]
    paths = tuple(
        stat[1] for line in note_lines if (stat := _diffstat(line)) is not None and stat[1]
    )
    return _Quoted(
        body="\n".join(_trim(body_lines)),
        trailers=trailers,
        notes=tuple(_trim(note_lines)),
        in_body_from=in_body_from,
        separator=separator is not None,
        diffstat_paths=paths,
    )


def _last_trailer_run(
    lines: Sequence[str], start: int, stop: int
) -> tuple[int, int, tuple[Trailer, ...]]:
    """The last run of consecutive trailer lines in ``lines[start:stop]``."""
    best: tuple[int, int, tuple[Trailer, ...]] = (stop, stop, ())
    i = start
    while i < stop:
        if _as_trailer(lines[i]) is None:
            i += 1
            continue
        j = i
        found: list[Trailer] = []
        while j < stop and (trailer := _as_trailer(lines[j])) is not None:
            found.append(trailer)
            j += 1
        best = (i, j, tuple(found))
        i = j
    return best


def _as_trailer(line: str, origin: str | None = None) -> Trailer | None:
    if not _TRAILER_SHAPE.match(line):
        return None
    try:
        return parse_trailer(line.rstrip(), origin)
    except XenreviewError:
        return None


def _diffstat(line: str) -> tuple[int, str] | None:
    """``(indent, path)`` of a diffstat line (``path`` empty for the summary)."""
    body = line.lstrip(" ")
    indent = len(line) - len(body)
    if _DIFFSTAT_SUMMARY.match(body):
        return indent, ""
    path, sep, stat = body.partition(" | ")
    if not sep or not path.strip() or not _DIFFSTAT_COUNT.match(stat):
        return None
    return indent, path.strip()


def _trim(lines: Sequence[str]) -> list[str]:
    """``lines`` without leading and trailing blank lines."""
    first = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    last = next((i for i in range(len(lines) - 1, -1, -1) if lines[i].strip()), -1)
    return list(lines[first : last + 1])


def _note_value(lines: Sequence[str], key: str) -> str | None:
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(key):
            value = stripped[len(key) :].strip()
            return value or None
    return None


# -- the archive's indentation -----------------------------------------------------


def _archive_shift(lines: Sequence[str], page: _Page, notes: Sequence[str]) -> tuple[int, str]:
    """How many spaces the archive added in front of indented quoted lines.

    git indents diffstat lines by exactly one space, so the diffstat measures
    it.  Without one, the shift (0 to 3) that puts most context lines on
    Xen's four-space grid wins, the smallest on a tie.
    """
    indents = [stat[0] for line in notes if (stat := _diffstat(line)) is not None]
    if indents and min(indents) >= 1:
        return min(indents) - 1, "measured from the diffstat"
    widths = [
        len(line) - len(line.lstrip(" "))
        for line in lines[page.diff_start : page.end]
        if line.startswith(" ") and line.strip()
    ]
    if not widths:
        return 0, "no context line to measure"
    votes = [sum(1 for w in widths if w - 1 - s >= 0 and (w - 1 - s) % 4 == 0) for s in range(4)]
    best = max(range(4), key=lambda s: (votes[s], -s))
    return best, "guessed from the four-space indentation"


def _unshift(line: str, shift: int) -> str:
    """``line`` without up to ``shift`` leading spaces the archive added."""
    if not line.startswith(" "):
        return line
    width = len(line) - len(line.lstrip(" "))
    return line[min(width, shift) :]


# -- the quoted diff -----------------------------------------------------------------

_Key = tuple[int, int, int]  # (file, hunk, line) indices into the parsed diff


@dataclass(slots=True)
class _HunkBuilder:
    header: str
    source_start: int
    source_length: int | None  # None: cut before the count
    target_start: int
    target_length: int | None
    section: str
    cut: bool
    page_line: int  # 1-based line of the header in the page
    number: int  # 1-based within its file
    raw: list[tuple[LineKind, str, bool]] = field(default_factory=list)  # kind, text, eaten
    source_seen: int = 0
    target_seen: int = 0

    def room(self, kind: LineKind) -> bool:
        """Whether the header's counts leave room for one more line of ``kind``."""
        src = self.source_length is None or self.source_seen < self.source_length
        tgt = self.target_length is None or self.target_seen < self.target_length
        if kind is LineKind.ADDED:
            return tgt
        if kind is LineKind.REMOVED:
            return src
        return src and tgt

    def take(self, kind: LineKind, text: str, eaten: bool = False) -> None:
        self.raw.append((kind, text, eaten))
        if kind in (LineKind.CONTEXT, LineKind.REMOVED):
            self.source_seen += 1
        if kind in (LineKind.CONTEXT, LineKind.ADDED):
            self.target_seen += 1


@dataclass(slots=True)
class _FileBuilder:
    source_path: str | None
    target_path: str | None
    header: list[str] = field(default_factory=list)
    status: FileStatus = FileStatus.MODIFIED
    old_mode: str | None = None
    new_mode: str | None = None
    index_source: str | None = None
    index_target: str | None = None
    similarity: int | None = None
    binary: bool = False
    binary_lines: list[str] = field(default_factory=list)
    hunks: list[_HunkBuilder] = field(default_factory=list)
    known_path: bool = True

    @property
    def path(self) -> str:
        return self.target_path or self.source_path or "?"

    def has_side_lines(self) -> bool:
        return any(line.startswith(("--- ", "+++ ")) for line in self.header)


@dataclass(slots=True)
class _Block:
    """A run of the reviewer's own lines, and the quoted lines just before it."""

    lines: list[str]
    quoted: list[_Key]
    page_line: int


@dataclass(slots=True)
class _ParsedDiff:
    files: list[_FileBuilder]
    blocks: list[_Block]
    signature: tuple[str, ...]  # the lines after a "-- " separator
    signed_name: str  # a name signing off the last block, if any
    snipped: int  # "[...]" marks where the reviewer cut quoted lines


def _parse_diff(
    lines: Sequence[str],
    page: _Page,
    diffstat_paths: Sequence[str],
    found: _Findings,
) -> _ParsedDiff:
    """Split the page from the first diff line on into quoted diff and comment blocks."""
    files: list[_FileBuilder] = []
    blocks: list[_Block] = []
    current: _FileBuilder | None = None
    hunk: _HunkBuilder | None = None
    block: _Block | None = None
    run: list[_Key] = []  # quoted diff lines since the last block
    after_blank = False
    snipped = 0
    i = page.diff_start
    while i < page.end:
        line = lines[i]
        if block is not None:
            resume = _structural(lines, i, page.end, hunk) or (
                after_blank and hunk is not None and _resumes_hunk(line, hunk)
            )
            if not resume:
                block.lines.append(line)
                if not _SNIP.match(line):  # a "[...]" is transparent
                    after_blank = not line.strip()
                i += 1
                continue
            blocks.append(block)
            block = None
            run = []

        if _SNIP.match(line):
            snipped += 1  # the reviewer cut quoted lines here
        elif line.startswith("diff --git "):
            current = _FileBuilder(*_git_paths(line[len("diff --git ") :]))
            current.header.append(line)
            files.append(current)
            hunk = None
        elif _file_pair(lines, i, page.end, hunk):
            if current is None or current.hunks or current.has_side_lines():
                current = _FileBuilder(None, None)
                files.append(current)
            _side_lines(current, line, lines[i + 1])
            hunk = None
            i += 1
        elif (match := _HUNK.match(line)) is not None:
            if current is None:
                current = _orphan_file(diffstat_paths, i + 1, found)
                files.append(current)
            hunk = _new_hunk(line, match, i + 1, len(current.hunks) + 1)
            current.hunks.append(hunk)
        elif current is not None and hunk is None and _file_header_line(current, line):
            pass
        elif hunk is not None and line.startswith("\\ ") and hunk.raw:
            hunk.raw.append((LineKind.NO_NEWLINE, line[1:], False))
        elif hunk is not None and (taken := _hunk_line(lines, i, page.end, hunk, after_blank)):
            hunk.take(*taken)
            run.append((len(files) - 1, len(files[-1].hunks) - 1, len(hunk.raw) - 1))
        elif not line.strip():
            after_blank = True
            i += 1
            continue
        else:
            block = _Block([line], run[-QUOTE_CONTEXT:], i + 1)
        if not _SNIP.match(line):
            after_blank = False
        i += 1
    if block is not None:
        blocks.append(block)
    signed_name = ""
    if blocks:
        signed_name, kept = _strip_signature(blocks[-1].lines)
        blocks[-1].lines = kept
    return _ParsedDiff(files, blocks, page.signature, signed_name, snipped)


def _file_pair(lines: Sequence[str], i: int, end: int, hunk: _HunkBuilder | None) -> bool:
    """Whether ``lines[i:i+2]`` are a file's ``---``/``+++`` lines.

    Inside a hunk that can still take removed lines, only git's own spelling
    (``a/``, ``b/``, ``/dev/null``) counts: ``--- x`` may be a removed ``-- x``.
    """
    line = lines[i]
    if not (line.startswith("--- ") and i + 1 < end and lines[i + 1].startswith("+++ ")):
        return False
    if hunk is None or not hunk.room(LineKind.REMOVED):
        return True
    return line.startswith(("--- a/", "--- /dev/null")) and lines[i + 1].startswith(
        ("+++ b/", "+++ /dev/null")
    )


def _side_lines(current: _FileBuilder, minus: str, plus: str) -> None:
    current.header += [minus, plus]
    current.source_path = _side_path(minus[4:], "a/")
    current.target_path = _side_path(plus[4:], "b/")
    if current.source_path is None and current.target_path is not None:
        current.status = FileStatus.ADDED
    elif current.target_path is None and current.source_path is not None:
        current.status = FileStatus.DELETED


def _structural(lines: Sequence[str], i: int, end: int, hunk: _HunkBuilder | None) -> bool:
    line = lines[i]
    return bool(
        line.startswith("diff --git ") or _HUNK.match(line) or _file_pair(lines, i, end, hunk)
    )


def _resumes_hunk(line: str, hunk: _HunkBuilder) -> bool:
    """Whether a line after a blank line is quoted diff again.

    Context (indented) lines resume the hunk while it has room; ``+``/``-``
    lines only when they look like code, so that a reviewer's ``- point``
    list stays prose.
    """
    if line.startswith((" ", "\t")) and line.strip():
        return hunk.room(LineKind.CONTEXT)
    if line.startswith(("+", "-")) and line.rstrip() != "--":
        kind = LineKind.ADDED if line[0] == "+" else LineKind.REMOVED
        rest = line[1:]
        codeish = not rest.strip() or bool(_CODE.search(rest) or _INDENTED_CODE.match(rest))
        return codeish and hunk.room(kind)
    return False


def _hunk_line(
    lines: Sequence[str], i: int, end: int, hunk: _HunkBuilder, after_blank: bool
) -> tuple[LineKind, str, bool] | None:
    """Classify ``lines[i]`` as a line of ``hunk``, or ``None`` when it is not one."""
    line = lines[i]
    if after_blank and not _resumes_hunk(line, hunk):
        return None
    if line.startswith("+") and hunk.room(LineKind.ADDED):
        return LineKind.ADDED, line[1:], False
    if line.startswith("-") and line.rstrip() != "--" and hunk.room(LineKind.REMOVED):
        return LineKind.REMOVED, line[1:], False
    if not hunk.room(LineKind.CONTEXT):
        return None
    if line.startswith((" ", "\t")):
        if line.strip():
            return LineKind.CONTEXT, line, False
        # A whitespace-only line is a blank context line when the quote goes on.
        following = lines[i + 1] if i + 1 < end else ""
        if following[:1] in ("+", "-", " ", "\t") and following.strip():
            return LineKind.CONTEXT, "", False
        return None
    if line.strip() and not after_blank and _CODE.search(line):
        return LineKind.CONTEXT, line, True  # the archive ate the context marker
    return None


def _new_hunk(line: str, match: re.Match[str], page_line: int, number: int) -> _HunkBuilder:
    """A hunk from its header, however much of the header survived."""
    src_start, src_len, tgt_start, tgt_len = match.groups()
    rest = line[match.end() :]
    closed = rest.startswith(" @@")
    section = rest[3:].strip() if closed else ""
    # git cuts section texts at 80 bytes; the archive may cut the line itself.
    cut = (
        tgt_start is None
        or not closed
        or line != line.rstrip()
        or (section.count("(") > section.count(")") and len(line.rstrip()) >= 78)
    )

    def length(value: str | None, start: str | None) -> int | None:
        if value is not None:
            return int(value)
        return 1 if start is not None and closed else None

    return _HunkBuilder(
        header=line,
        source_start=int(src_start),
        source_length=length(src_len, src_start),
        target_start=int(tgt_start) if tgt_start is not None else int(src_start),
        target_length=length(tgt_len, tgt_start),
        section=section,
        cut=cut,
        page_line=page_line,
        number=number,
    )


def _git_paths(rest: str) -> tuple[str | None, str | None]:
    """``(a, b)`` of ``a/X b/Y``, preferring the split where both sides agree."""
    rest = rest.rstrip()
    if rest.startswith("a/"):
        half = (len(rest) - 1) // 2
        if rest[half : half + 3] == " b/" and rest[2:half] == rest[half + 3 :]:
            return rest[2:half], rest[half + 3 :]
        source, sep, target = rest[2:].partition(" b/")
        if sep and source and target:
            return source, target
    source, _, target = rest.partition(" ")
    return source or None, target or source or None


_NO_PATH: Final = "(no usable path)"


def _inside_tree(path: str) -> bool:
    """The diff layer's rule: no absolute path, no ``..`` or ``.git`` component, no NUL."""
    parts = path.split("/")
    return (
        not path.startswith("/")
        and "\0" not in path
        and ".." not in parts
        and all(part.lower() != ".git" for part in parts)
    )


def _keep_inside(parsed: _ParsedDiff, found: _Findings) -> None:
    """Drop the paths that leave the tree, as a mail's diff would be refused for them.

    A file left with no path at all is named :data:`_NO_PATH` (and its quoted
    lines tied to no path), so every recovered file still has a name.
    """
    for builder in parsed.files:
        for side in ("source_path", "target_path"):
            path = getattr(builder, side)
            if path is not None and not _inside_tree(path):
                found.problem(
                    "unsafe-path",
                    f"the quoted diff names {path[:80]!r}, outside the tree: the path is dropped",
                    None,
                    Severity.WARNING,
                )
                setattr(builder, side, None)
        if builder.source_path is None and builder.target_path is None:
            builder.target_path = _NO_PATH
            builder.known_path = False


def _side_path(value: str, prefix: str) -> str | None:
    path = value.split("\t", 1)[0].rstrip()
    if path == "/dev/null":
        return None
    return path.removeprefix(prefix) or None


def _file_header_line(current: _FileBuilder, line: str) -> bool:
    """Record an extended header line of ``current``; ``False`` if it is none."""
    if (match := _INDEX.match(line)) is not None:
        current.index_source, current.index_target = match.group(1), match.group(2)
        if match.group(3):
            current.old_mode = current.new_mode = match.group(3)
    elif line.startswith(_FILE_MODE_LINES):
        key, _, value = line.rpartition(" ")
        value = value.strip()
        if key in ("old mode", "deleted file mode"):
            current.old_mode = value
        if key in ("new mode", "new file mode"):
            current.new_mode = value
        if key == "new file mode":
            current.status = FileStatus.ADDED
        elif key == "deleted file mode":
            current.status = FileStatus.DELETED
        elif key.startswith("rename"):
            current.status = FileStatus.RENAMED
        elif key.startswith("copy"):
            current.status = FileStatus.COPIED
        elif key.endswith("similarity index") and _PERCENT.fullmatch(value):
            current.similarity = int(value.rstrip("%"))
    elif line.startswith(("Binary files ", "GIT binary patch")):
        current.binary = True
        current.binary_lines.append(line)
        return True
    else:
        return False
    current.header.append(line)
    return True


def _orphan_file(diffstat_paths: Sequence[str], page_line: int, found: _Findings) -> _FileBuilder:
    """A file for a hunk quoted without its file header."""
    usable = [p for p in diffstat_paths if not p.startswith("...")]
    if len(usable) == 1:
        found.miss(f"file header of {usable[0]} (path taken from the diffstat)")
        return _FileBuilder(usable[0], usable[0])
    found.miss("file header (the path of the quoted hunks is unknown)")
    found.problem(
        "hunk-without-file",
        "a hunk is quoted without its file header and the diffstat does not name one file",
        page_line,
        Severity.WARNING,
    )
    return _FileBuilder(None, "unknown", known_path=False)


def _context_value(text: str, eaten: bool, shift: int) -> str:
    """The content of a context line as found in the archive, its markers removed."""
    if eaten or not text.startswith(" "):
        return text
    return _unshift(text[1:], shift)


def _build_diff(parsed: _ParsedDiff, shift: int) -> tuple[Diff, dict[_Key, Line]]:
    """The frozen diff, and each of its lines by builder indices.

    ``diff_no`` counts the lines of the rebuilt diff text (:meth:`Diff.lines`),
    which is the only diff text a reconstructed patch has.
    """
    by_key: dict[_Key, Line] = {}
    built_files: list[FileDiff] = []
    diff_no = 0
    for f_index, builder in enumerate(parsed.files):
        diff_no += len(builder.header)
        hunks: list[Hunk] = []
        for h_index, hb in enumerate(builder.hunks):
            diff_no += 1
            header_no = diff_no
            source_no, target_no = hb.source_start, hb.target_start
            out: list[Line] = []
            for r_index, (kind, text, eaten) in enumerate(hb.raw):
                diff_no += 1
                value = text
                if kind is LineKind.CONTEXT:
                    value = _context_value(text, eaten, shift)
                src = source_no if kind in (LineKind.CONTEXT, LineKind.REMOVED) else None
                tgt = target_no if kind in (LineKind.CONTEXT, LineKind.ADDED) else None
                line = Line(kind, value, src, tgt, diff_no)
                by_key[(f_index, h_index, r_index)] = line
                out.append(line)
                source_no += src is not None
                target_no += tgt is not None
            hunks.append(
                Hunk(
                    source_start=hb.source_start,
                    source_length=hb.source_length if hb.source_length is not None else 0,
                    target_start=hb.target_start,
                    target_length=hb.target_length if hb.target_length is not None else 0,
                    section=hb.section,
                    header=hb.header,
                    lines=tuple(out),
                    header_diff_no=header_no,
                )
            )
        diff_no += len(builder.binary_lines)
        built_files.append(
            FileDiff(
                source_path=builder.source_path,
                target_path=builder.target_path,
                status=builder.status,
                old_mode=builder.old_mode,
                new_mode=builder.new_mode,
                index_source=builder.index_source,
                index_target=builder.index_target,
                binary=builder.binary,
                similarity=builder.similarity,
                hunks=tuple(hunks),
                header=tuple(builder.header),
                binary_lines=tuple(builder.binary_lines),
            )
        )
    return Diff(files=tuple(built_files)), by_key


# -- who, when, what ---------------------------------------------------------------


def _subject(
    lines: Sequence[str], page: _Page, fields: dict[str, str], found: _Findings
) -> Subject:
    text = lines[page.heading].strip() if page.heading is not None else fields.get("subject", "")
    cleaned = _clean_subject(text)
    if not cleaned:
        found.miss("subject")
        return Subject(
            raw="",
            title="",
            tags=(),
            version="1",
            version_stated=False,
            counter=1,
            total=1,
            counter_stated=False,
        )
    return parse_subject(cleaned)


def _clean_subject(text: str) -> str:
    """The patch's own subject: no ``Re:`` prefixes, no list tag."""
    text = _REPLY_PREFIX.sub("", text.strip(), count=1)
    kept: list[str] = []
    pos = 0
    while (match := _BRACKET_GROUP.match(text, pos)) is not None:
        if match.group(1).strip().lower() not in LIST_TAGS:
            kept.append(f"[{match.group(1)}]")
        pos = match.end()
    return " ".join([*kept, text[pos:].strip()]).strip()


def _author(lines: Sequence[str], page: _Page, quoted: _Quoted, found: _Findings) -> Person:
    said = _attribution(page.attribution_text) if page.attribution is not None else None
    who = _person(said[1]) if said is not None else None
    sobs = [
        person
        for t in quoted.trailers
        if t.lname == "signed-off-by" and (person := t.person or _person(t.value)) is not None
    ]
    # The patch's own "From:" line names its author; else the attribution does.
    stated = quoted.in_body_from or who
    name = stated.name if stated is not None else ""
    email = stated.email if stated is not None else ""
    if not email and sobs:
        greeting = _greeting_name(lines, page)
        match = [p for p in sobs if name and _same_name(p.name, name)]
        match = match or [p for p in sobs if greeting and _first_name(p.name) == greeting]
        chosen = (match or sobs)[0]
        name, email = name or chosen.name, chosen.email
    if not name:
        found.miss("author name")
    if not email:
        found.miss("author e-mail")
    elif _obfuscated(email):
        found.miss("author e-mail (obfuscated by the archive)")
        found.problem(
            "obfuscated-address",
            f"the archive hid the author's address: {email!r} is kept as written",
            None,
            Severity.NOTE,
        )
    return Person(name=name, email=email)


def _greeting_name(lines: Sequence[str], page: _Page) -> str:
    stop = page.attribution if page.attribution is not None else page.quote_start
    for line in lines[page.fields_end : stop]:
        match = _GREETING.match(line)
        if match is not None:
            return match.group("name").lower()
    return ""


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def _first_name(name: str) -> str:
    parts = name.lower().split()
    return parts[0] if parts else ""


def _person(text: str) -> Person | None:
    """``Name <addr>``, a bare address or a bare name; ``None`` for nothing."""
    text = text.strip()
    if not text:
        return None
    match = _NAME_ADDR.match(text)
    if match is not None:
        return Person(name=match.group("name").strip(), email=match.group("addr").strip())
    if "@" in text and " " not in text:
        return Person(name="", email=text)
    return Person(name=text.strip('"'), email="")


def _obfuscated(email: str) -> bool:
    match = _OBFUSCATED.search(email)
    return match is not None and "xxx" in match.group(1).lower()


def _strip_angles(value: str) -> str:
    return value.strip().removeprefix("<").removesuffix(">").strip()


def _attribution_date(page: _Page, found: _Findings) -> tuple[str | None, float | None]:
    said = _attribution(page.attribution_text) if page.attribution is not None else None
    date = said[0] if said is not None else None
    if date is None:
        found.miss("date")
        return None, None
    try:
        when = parsedate_to_datetime(date)
    except (TypeError, ValueError, IndexError, OverflowError):
        when = None
    if when is None or when.tzinfo is None:
        found.miss(f"exact date and time zone (the archive shows {date!r})")
        return date, None
    return date, when.timestamp()


def _reviewer(fields: dict[str, str], parsed: _ParsedDiff, found: _Findings) -> Person | None:
    """The reviewer: the page's ``From:`` field, else the signature."""
    from_field = _person(fields.get("from", ""))
    if from_field is not None:
        return from_field
    first = next((line.strip() for line in parsed.signature if line.strip()), "")
    signed = _person(first)
    if signed is not None and not (signed.email or _PERSON_NAME.match(signed.name)):
        signed = None
    if signed is None and parsed.signed_name:
        signed = Person(name=parsed.signed_name, email="")
    if signed is None:
        if parsed.blocks:
            found.miss("reviewer")
        return None
    if not signed.email and parsed.blocks:
        found.miss("reviewer e-mail")
    return signed


def _strip_signature(block: Sequence[str]) -> tuple[str, list[str]]:
    """The signature's name at the end of ``block`` and the block without it.

    A name is a line of one to four capitalised words at the very end, after
    a closing (``Cheers,``) or, for two words or more, after a blank line.
    """
    lines = _trim(block)
    if not lines:
        return "", []
    last = lines[-1].strip()
    before = lines[-2].strip() if len(lines) > 1 else ""
    if _CLOSING.match(last):
        return "", lines[:-1]
    if not _PERSON_NAME.match(last) or not last[0].isupper():
        return "", lines
    if _CLOSING.match(before):
        return last, lines[:-2]
    if len(last.split()) >= 2 and (not before or len(lines) == 1):
        return last, lines[:-1]
    return "", lines


def _comments(
    parsed: _ParsedDiff,
    diff: Diff,
    by_key: dict[_Key, Line],
    reviewer: Person | None,
    reply_id: str,
    date: str | None,
) -> tuple[tuple[ReviewComment, ...], tuple[Trailer, ...]]:
    """One comment per block of the reviewer's words; the trailers they gave."""
    comments: list[ReviewComment] = []
    followups: list[Trailer] = []
    for block in parsed.blocks:
        kept = [line for line in _trim(block.lines) if not _SNIP.match(line)]
        text = "\n".join(_trim(kept))
        if not text or _CLOSING.match(text):
            continue
        for line in kept:
            trailer = _as_trailer(line.strip(), reply_id)
            if trailer is not None and trailer.lname in _REVIEW_TRAILERS:
                followups.append(trailer)
        quoted: list[QuotedLine] = []
        for key in block.quoted:
            diff_line = by_key[key]
            known = parsed.files[key[0]].known_path
            quoted.append(
                QuotedLine(
                    text=diff_line.kind.value + diff_line.value,
                    path=diff.files[key[0]].path if known else None,
                    target_no=diff_line.target_no,
                    source_no=diff_line.source_no,
                )
            )
        comments.append(
            ReviewComment(
                author=reviewer,
                message_id=reply_id,
                text=text,
                quoted=tuple(quoted),
                date=date,
            )
        )
    return tuple(comments), tuple(followups)


def _describe_losses(
    parsed: _ParsedDiff, shift: int, shift_how: str, quoted: _Quoted, found: _Findings
) -> None:
    if quoted.notes and not quoted.separator:
        found.miss("the '---' line between the trailers and the notes")
    several = len(parsed.files) > 1
    lost: list[str] = []
    context = eaten = 0
    for builder in parsed.files:
        for hb in builder.hunks:
            name = f"{builder.path} hunk {hb.number}" if several else f"hunk {hb.number}"
            if hb.cut:
                found.miss(f"{name} header (cut)")
                found.problem(
                    "hunk-header-cut",
                    f"{name}: the header is cut in the archive copy: {hb.header.rstrip()!r}",
                    hb.page_line,
                    Severity.WARNING,
                )
            short_src = hb.source_length is not None and hb.source_seen < hb.source_length
            short_tgt = hb.target_length is not None and hb.target_seen < hb.target_length
            if short_src or short_tgt:
                lost.append(name)
                found.problem(
                    "lines-lost",
                    f"{name}: the archive copy has {hb.source_seen} of {hb.source_length} old "
                    f"and {hb.target_seen} of {hb.target_length} new lines",
                    hb.page_line,
                    Severity.WARNING,
                )
            context += sum(1 for kind, _, _ in hb.raw if kind is LineKind.CONTEXT)
            eaten += sum(1 for _, _, was_eaten in hb.raw if was_eaten)
    if lost:
        found.miss(f"lines lost in the archive copy ({', '.join(lost)})")
        found.miss("exact line numbers (counted from the hunk headers, lines were lost)")
    if context:
        found.miss(
            f"leading whitespace of context lines ({shift} archive space(s) removed, {shift_how})"
        )
    if eaten:
        found.miss(f"the context marker of {eaten} line(s) (eaten by the archive)")
    if parsed.snipped:
        found.miss("the quoted lines the reviewer cut ([...])")
