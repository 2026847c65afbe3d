"""Ready-to-send inline review replies (``xenreview reply``, ``review --format email``).

:func:`reply_message` turns the findings on one patch into an RFC 5322
reply in xen-devel's conventions: ``Re:`` the original subject, threaded
with ``In-Reply-To``/``References``, To the author, Cc the list, the
maintainers whose ack the touched files need (the ack table) and, as a
mail client's "reply to all" does, the original To and Cc.  The body
quotes only the hunks that carry comments, each comment under the line it
concerns; :func:`reply_mbox` puts one reply per patch with findings, for
every series, into an mbox (mboxrd) that a mail client can import.
docs/reports/email.md describes the format and the decisions below.

Decisions
---------
* Prose is wrapped at 72 columns (characters).  Quoted diff lines, the
  quoted subject and code in a suggested replacement are never wrapped or
  reflowed, and keep their tabs and any trailing blanks (an empty context
  line quotes as ``">  "``): that is the only trailing whitespace.  A word
  longer than 72 characters (a long path or URL) is not broken.
* Control characters, Unicode format characters (bidi controls, zero
  width characters), line and paragraph separators and lone surrogates
  show in the body as ``<U+XXXX>``; in headers they become spaces.  Tabs
  stay in quoted code and become spaces in prose.
* An address that does not parse (or is not ASCII) is dropped from To/Cc
  and the drop is recorded in :attr:`Reply.notes`; without a usable author
  address the reply goes To the list.  An invalid ``from_address`` or
  ``list_address`` is the caller's mistake: :class:`UsageError`.
  Message-ids that are not plain ``id@host`` tokens are left out of
  ``In-Reply-To``/``References`` (with a note).
* ``From`` is ``from_address``, else :data:`FROM_PLACEHOLDER`, which the
  user must edit before sending (the sign-off reads "Your Name" then).
* Patch 0 is the cover letter (when there is one): series-wide findings
  go there; without a cover letter they go to the series' first patch.
* A patch without findings still gets a reply (it says so) from
  :func:`reply_message`; :func:`reply_mbox` skips such patches and is
  empty (zero bytes) when the whole result has no findings.
* ``date`` makes the output deterministic: ``Date``, the mbox separator
  and (unless ``message_id`` is given) the ``Message-ID``, derived from
  the date and the patch's own message-id.  Without ``date``, the current
  time and a random id are used.
"""

from __future__ import annotations

import email.policy
import hashlib
import re
import textwrap
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import TYPE_CHECKING

from xenreview.diff.model import FileDiff, Hunk, LineKind
from xenreview.errors import UsageError
from xenreview.ingest.model import Cover, Message, Patch, Person, Severity
from xenreview.maintainers import same_person
from xenreview.rules.api import Finding, Related

if TYPE_CHECKING:
    from xenreview.pipeline import Review, SeriesReview
    from xenreview.report.acks import AckRow

__all__ = [
    "FROM_PLACEHOLDER",
    "LIST_ADDRESS",
    "MBOX_SENDER",
    "WIDTH",
    "Reply",
    "build_replies",
    "build_reply",
    "date_from_environ",
    "mbox_bytes",
    "render_reply",
    "reply_mbox",
    "reply_message",
]

LIST_ADDRESS = "xen-devel@lists.xenproject.org"
FROM_PLACEHOLDER = "Your Name <your.name@example.invalid>"
"""The ``From`` of a reply when no ``from_address`` is given: edit it before sending."""
MBOX_SENDER = "xenreview@xenreview.invalid"
"""The address on the mbox ``From `` separator lines."""
WIDTH = 72

_POLICY = email.policy.default  # "\n" line ends; mail clients and send-email take it as is
_HEADER_WIDTH = 78  # RFC 5322: header lines SHOULD not be longer
_MAX_8BIT = 998  # RFC 5322 line limit in bytes: longer body lines need quoted-printable

_LEAD = {
    Severity.ERROR: "This needs fixing",
    Severity.WARNING: "This is worth a second look",
    Severity.NOTE: "Minor",
}

# Quoting: hunks of at most _SHORT_HUNK lines are quoted whole; longer ones
# keep _BEFORE lines above each commented line and _AFTER below it.  Gaps of
# at most _GAP lines are quoted rather than replaced with "[...]".
_SHORT_HUNK = 15
_BEFORE = 6
_AFTER = 3
_SHORT_MESSAGE = 12
_MESSAGE_BEFORE = 3
_MESSAGE_AFTER = 1
_GAP = 2

_ELIDED = "[...]"
_STEP = re.compile(r"^step (\d+): (.*)$", re.DOTALL)
_THEN = "then: "
_RE_PREFIX = re.compile(r"^(?:\s*re\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_ADDR_SPEC = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})*$")
# Printable ASCII without "<", ">" or blanks, an "@" neither first nor last (checked in one
# pass: the lookahead reads the characters, then the first "@" after the first one is found;
# "\Z", not "$": a last line break is not let through into a header).
_MSGID = re.compile(r"^(?=[!-;=?-~]++\Z)[!-;=?-~][^@]*+@[!-;=?-~]")
_FROM_LINE = re.compile(rb"^(>*From )", re.MULTILINE)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Reply:
    """One reply: the message, the findings it raises, what was dropped and why."""

    series: int  # index into ``Review.series``
    patch: int  # n of n/m; 0 for the cover letter
    message: EmailMessage
    findings: tuple[Finding, ...]  # the unsuppressed findings it comments on
    notes: tuple[str, ...] = ()  # addresses or message-ids left out, and why


# -- public API -------------------------------------------------------------------


def reply_message(
    result: Review,
    patch: int,
    *,
    series: int = 0,
    list_address: str = LIST_ADDRESS,
    from_address: str | None = None,
    date: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """The reply to patch ``patch`` (0: the cover letter) of ``result.series[series]``.

    Raises :class:`UsageError` (``source="--patch"`` / ``"--series"``) for a
    patch or series that does not exist, naming the valid range.
    """
    return build_reply(
        result,
        patch,
        series=series,
        list_address=list_address,
        from_address=from_address,
        date=date,
        message_id=message_id,
    ).message


def build_reply(
    result: Review,
    patch: int,
    *,
    series: int = 0,
    list_address: str = LIST_ADDRESS,
    from_address: str | None = None,
    date: datetime | None = None,
    message_id: str | None = None,
) -> Reply:
    """As :func:`reply_message`, with the findings and the notes (dropped addresses)."""
    item = _series_item(result, series)
    target = _target(item, patch)
    sender = _sender(from_address)
    the_list = _list_address(list_address)
    findings = _findings_for(item, target, patch)
    return _build(
        item,
        series,
        patch,
        target,
        findings,
        sender=sender,
        the_list=the_list,
        date=date,
        message_id=message_id,
    )


def build_replies(
    result: Review,
    *,
    list_address: str = LIST_ADDRESS,
    from_address: str | None = None,
    date: datetime | None = None,
    message_id: str | None = None,
) -> tuple[Reply, ...]:
    """One reply per patch (and cover letter) with unsuppressed findings, every series.

    ``message_id`` is a template here: ``{series}`` and ``{patch}`` in it
    are replaced by the series index and the patch number; without either,
    ``.<series>.<patch>`` is added before the ``@``.
    """
    sender = _sender(from_address)
    the_list = _list_address(list_address)
    replies: list[Reply] = []
    for index, item in enumerate(result.series):
        targets: list[tuple[int, Patch | Cover]] = []
        if item.series.cover is not None:
            targets.append((0, item.series.cover))
        targets.extend((p.number, p) for p in item.series.patches)
        for number, target in targets:
            findings = _findings_for(item, target, number)
            if not findings:
                continue
            replies.append(
                _build(
                    item,
                    index,
                    number,
                    target,
                    findings,
                    sender=sender,
                    the_list=the_list,
                    date=date,
                    message_id=(
                        None if message_id is None else _numbered_id(message_id, index, number)
                    ),
                )
            )
    return tuple(replies)


def reply_mbox(
    result: Review,
    *,
    list_address: str = LIST_ADDRESS,
    from_address: str | None = None,
    date: datetime | None = None,
    message_id: str | None = None,
) -> bytes:
    """``--all``: the replies of :func:`build_replies` as an mboxrd (``b""`` if none)."""
    replies = build_replies(
        result,
        list_address=list_address,
        from_address=from_address,
        date=date,
        message_id=message_id,
    )
    return mbox_bytes(r.message for r in replies)


def render_reply(
    result: Review,
    *,
    list_address: str = LIST_ADDRESS,
    from_address: str | None = None,
    date: datetime | None = None,
    message_id: str | None = None,
) -> str:
    """``review --format email``: the mbox of every reply, as text ("" if no findings)."""
    return reply_mbox(
        result,
        list_address=list_address,
        from_address=from_address,
        date=date,
        message_id=message_id,
    ).decode("utf-8")


def mbox_bytes(messages: Iterable[EmailMessage]) -> bytes:
    """Messages as an mboxrd: ``From <sender> <asctime>`` separators, ``>From `` escaping."""
    out = bytearray()
    for message in messages:
        when = message["Date"]
        stamp = getattr(when, "datetime", None)
        if not isinstance(stamp, datetime):
            stamp = datetime.now(UTC)
        data = message.as_bytes(policy=_POLICY)
        if not data.endswith(b"\n"):
            data += b"\n"
        out += f"From {MBOX_SENDER} {_asctime(stamp)}\n".encode("ascii")
        out += _FROM_LINE.sub(rb">\1", data)
        out += b"\n"
    return bytes(out)


def date_from_environ(environ: Mapping[str, str]) -> datetime | None:
    """The date ``SOURCE_DATE_EPOCH`` asks for (reproducible output), else None."""
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            f"SOURCE_DATE_EPOCH must be a number of seconds, not {value!r}",
            source="SOURCE_DATE_EPOCH",
        ) from None


# -- choosing the patch and its findings --------------------------------------------


def _series_item(result: Review, series: int) -> SeriesReview:
    count = len(result.series)
    if not 0 <= series < count:
        valid = "there is no series" if count == 0 else f"valid: 0-{count - 1}"
        if count == 1:
            valid = "valid: 0 (there is one series)"
        raise UsageError(f"series {series} does not exist ({valid})", source="--series")
    return result.series[series]


def _ranges(numbers: Sequence[int]) -> str:
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def _target(item: SeriesReview, patch: int) -> Patch | Cover:
    series = item.series
    if patch == 0 and series.cover is not None:
        return series.cover
    for candidate in series.patches:
        if candidate.number == patch:
            return candidate
    numbers = sorted({p.number for p in series.patches})
    valid = f"patches {_ranges(numbers)}" if numbers else "no patches"
    if series.cover is not None:
        valid += " and 0 (the cover letter)"
    raise UsageError(
        f"patch {patch} does not exist: the series has {valid}",
        source="--patch",
    )


def _findings_for(item: SeriesReview, target: Patch | Cover, number: int) -> tuple[Finding, ...]:
    """The unsuppressed findings a reply to ``target`` carries."""
    active = [f for f in item.findings if f.suppressed is None]
    if isinstance(target, Cover):
        return tuple(f for f in active if f.location.patch is None)
    message_id = target.message_id
    patches = item.series.patches
    first = patches[0] if patches else None
    series_wide = item.series.cover is None and first is not None and first is target

    def concerns(f: Finding) -> bool:
        loc = f.location
        if loc.patch is None:
            return series_wide
        if loc.message_id:
            return loc.message_id == message_id
        return loc.patch == number

    return tuple(f for f in active if concerns(f))


# -- headers ----------------------------------------------------------------------


def _header_text(text: str) -> str:
    """``text`` safe for a header: CR, LF, NUL and other controls become spaces."""
    return "".join(" " if _unsafe(ch) else ch for ch in text).strip()


def _unsafe(ch: str) -> bool:
    """Controls (tab, CR, LF, NUL...), format characters (bidi), separators, surrogates."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs")


def _address(person: Person, role: str, notes: list[str]) -> Address | None:
    """``person`` as an Address, or None (with a note) when the address does not parse."""
    name = _header_text(person.name)
    addr = _header_text(person.email)
    shown = _visible(f"{person.name} <{person.email}>" if person.name else person.email)
    if not addr or not addr.isascii() or _ADDR_SPEC.match(addr) is None:
        notes.append(f"{role} {shown!s} left out: the address does not parse")
        return None
    try:
        return Address(display_name=name, addr_spec=addr)
    except (ValueError, IndexError, TypeError, HeaderParseError):
        notes.append(f"{role} {shown!s} left out: the address does not parse")
        return None


def _sender(from_address: str | None) -> Address:
    text = FROM_PLACEHOLDER if from_address is None else from_address
    if any(_unsafe(ch) for ch in text):
        raise UsageError("the From address contains control characters", source="--from")
    name, addr = parseaddr(text)
    notes: list[str] = []
    found = _address(Person(name, addr), "From", notes) if addr else None
    if found is None:
        raise UsageError(
            f"{text!r} is not a mail address (use 'Name <user@host>' or 'user@host')",
            source="--from",
        )
    return found


def _list_address(text: str) -> Address:
    found = _address(Person("", text), "list", [])
    if found is None:
        raise UsageError(f"{text!r} is not a mail address", source="list_address")
    return found


def _same(a: Address, b: Address) -> bool:
    return a.addr_spec.casefold() == b.addr_spec.casefold()


def _recipients(
    item: SeriesReview,
    target: Patch | Cover,
    number: int,
    sender: Address,
    the_list: Address,
    notes: list[str],
) -> tuple[list[Address], list[Address]]:
    """To (the author) and Cc (list, maintainers, original To and Cc), deduplicated."""
    message = target.message
    author = _address(message.author, "author", notes)
    to = [author] if author is not None else [the_list]
    cc: list[Address] = []

    def add(address: Address | None) -> None:
        if address is None:
            return
        if any(_same(address, a) for a in (*to, *cc)):
            return
        if _same(address, sender) and not _same(sender, the_list):
            return  # never Cc yourself
        cc.append(address)

    add(the_list)
    for person in _maintainers(item, target, number):
        add(_address(person, "maintainer", notes))
    for person in (*message.to, *message.cc):
        add(_address(person, "recipient", notes))
    return to, cc


def _maintainers(item: SeriesReview, target: Patch | Cover, number: int) -> list[Person]:
    """Whose ack the touched files need: the ack table's ``required`` and ``missing_from``.

    For the cover letter, those of every patch of the series.
    """
    table = item.acks
    if table is None:
        return []
    people: list[Person] = []
    for row in table.rows:
        if isinstance(target, Patch) and not _row_of(row, target, number):
            continue
        for person in (*row.required, *row.missing_from):
            if not any(same_person(person, p) for p in people):
                people.append(person)
    return people


def _row_of(row: AckRow, patch: Patch, number: int) -> bool:
    """Whether an ack table row is about ``patch`` (by message-id, else by number)."""
    if row.message_id and patch.message_id:
        return row.message_id == patch.message_id
    return row.patch == number


def _subject(message: Message) -> str:
    raw = _header_text(message.subject.raw) or _header_text(message.subject.title)
    return "Re: " + _RE_PREFIX.sub("", raw)


def _set_subject(reply: EmailMessage, subject: str) -> None:
    """Set ``Subject``, folded at blanks as git send-email does.

    The standard folder puts an ASCII subject with a ``/`` in it on a line
    of its own below ``Subject:``; valid, but not how the list's mail looks.
    A non-ASCII subject is left to it (RFC 2047 encoded words).
    """
    words = subject.split(" ")
    if not subject.isascii() or any(len(w) > 900 for w in words):
        reply["Subject"] = subject
        return
    lines: list[str] = []
    current = ""
    used = len("Subject: ")
    for word in words:
        if current and used + len(current) + 1 + len(word) > _HEADER_WIDTH:
            lines.append(current)
            current, used = word, 1  # the continuation line starts with a blank
        else:
            current = f"{current} {word}" if current or lines else word
    lines.append(current)
    reply.set_raw("Subject", "\n ".join(lines))


def _msgid(value: str | None, notes: list[str], what: str) -> str | None:
    if value is None:
        return None
    text = value.strip().removeprefix("<").removesuffix(">")
    if _MSGID.match(text) is None:
        notes.append(f"{what} {_visible(value)!r} left out: not a plain message-id")
        return None
    return f"<{text}>"


def _numbered_id(template: str, series: int, patch: int) -> str:
    if "{series}" in template or "{patch}" in template:
        return template.replace("{series}", str(series)).replace("{patch}", str(patch))
    head, at, tail = template.rpartition("@")
    if not at:
        return f"{template}.{series}.{patch}"
    return f"{head}.{series}.{patch}@{tail}"


def _own_id(
    message_id: str | None,
    date: datetime | None,
    sender: Address,
    series: int,
    patch: int,
    parent: str,
) -> str:
    domain = sender.domain or "xenreview.invalid"
    if message_id is not None:
        checked = _msgid(message_id, [], "Message-ID")
        if checked is None:
            raise UsageError(f"{message_id!r} is not a message-id", source="message_id")
        return checked
    if date is None:
        return make_msgid(idstring="xenreview", domain=domain)
    digest = hashlib.sha256(f"{series}\0{patch}\0{parent}".encode()).hexdigest()[:12]
    return f"<{date.astimezone(UTC):%Y%m%d%H%M%S}.xenreview.{digest}@{domain}>"


def _asctime(when: datetime) -> str:
    t = when.astimezone(UTC)
    return (
        f"{_DAYS[t.weekday()]} {_MONTHS[t.month - 1]} {t.day:2d} "
        f"{t.hour:02d}:{t.minute:02d}:{t.second:02d} {t.year}"
    )


def _build(
    item: SeriesReview,
    index: int,
    number: int,
    target: Patch | Cover,
    findings: tuple[Finding, ...],
    *,
    sender: Address,
    the_list: Address,
    date: datetime | None,
    message_id: str | None,
) -> Reply:
    notes: list[str] = []
    message = target.message
    to, cc = _recipients(item, target, number, sender, the_list, notes)
    parent = _msgid(message.message_id, notes, "Message-ID of the patch")
    references: list[str] = []
    for ref in (*message.references, message.message_id):
        checked = _msgid(ref, notes if ref != message.message_id else [], "reference")
        if checked is not None and checked not in references:
            references.append(checked)
    when = date if date is not None else datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)

    reply = EmailMessage(policy=_POLICY)
    reply["From"] = sender
    reply["To"] = to
    if cc:
        reply["Cc"] = cc
    _set_subject(reply, _subject(message))
    reply["Date"] = format_datetime(when)
    reply["Message-ID"] = _own_id(message_id, date, sender, index, number, message.message_id)
    if parent is not None:
        reply["In-Reply-To"] = parent
    if references:
        reply["References"] = " ".join(references)
    body = _body(item, target, findings, sender)
    too_long = any(len(line.encode("utf-8")) > _MAX_8BIT for line in body.split("\n"))
    reply.set_content(
        body,
        subtype="plain",
        charset="utf-8",
        cte="quoted-printable" if too_long else "8bit",
    )
    return Reply(index, number, reply, findings, tuple(dict.fromkeys(notes)))


# -- the body -----------------------------------------------------------------------


def _visible(text: str) -> str:
    """Invisible or line-breaking characters as ``<U+XXXX>`` (tabs kept)."""
    return "".join(
        f"<U+{ord(ch):04X}>"
        if ch != "\t" and unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs")
        else ch
        for ch in text
    )


def _code(line: str) -> str:
    """A quoted line as it was (tabs, blanks kept), a CRLF's ``\\r`` dropped."""
    return _visible(line.removesuffix("\r"))


def _prose(text: str) -> str:
    return _visible(text.replace("\t", " "))


def _wrap(text: str, indent: str = "", hanging: str | None = None) -> list[str]:
    """``text`` wrapped at :data:`WIDTH`; long words are not broken."""
    return textwrap.wrap(
        _prose(text),
        width=WIDTH,
        initial_indent=indent,
        subsequent_indent=indent if hanging is None else hanging,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [indent.rstrip()]


def _paragraphs(text: str) -> list[str]:
    """A message with its own line breaks: each line wrapped, its indentation kept."""
    out: list[str] = []
    for raw in text.split("\n"):
        line = raw.rstrip()
        if not line.strip():
            out.append("")
            continue
        indent = line[: len(line) - len(line.lstrip())].replace("\t", "    ")
        out += _wrap(line.strip(), indent, indent)
    return out


@dataclass
class _Writer:
    """Collects quoted lines, elisions and comments; lays them out with blank lines."""

    items: list[tuple[str, list[str]]] = field(default_factory=list)
    quoted: bool = False
    traces: _Seen = field(default_factory=list)

    def comment(self, finding: Finding, number: int, where: str | None = None) -> None:
        self.text(_comment(finding, number, self.traces, where))

    def quote(self, line: str) -> None:
        self.items.append(("quote", [f"> {line}" if line else ">"]))
        self.quoted = True

    def elide(self) -> None:
        if self.quoted and self.items and self.items[-1][0] != "elide":
            self.items.append(("elide", [_ELIDED]))

    def text(self, lines: list[str]) -> None:
        # A line of prose starting with ">" would read as a quote: indent it by one blank.
        self.items.append(("text", [f" {x}" if x.startswith(">") else x for x in lines]))

    def attribution(self, lines: list[str]) -> None:
        self.items.append(("attribution", lines))

    def render(self) -> str:
        out: list[str] = []
        previous: str | None = None
        for kind, lines in self.items:
            if previous is not None and "text" in (kind, previous):
                out.append("")
            # Prose never ends in blanks; quoted lines stay exactly as they were.
            out.extend(line if kind == "quote" else line.rstrip() for line in lines)
            previous = kind
        return "\n".join(out) + "\n" if out else ""


def _lead(finding: Finding, where: str | None) -> str:
    place = f" ({where})" if where else ""
    return f"{_LEAD.get(finding.severity, 'Note')} [{finding.code}]{place}: "


def _capitalised(text: str) -> str:
    word = text.split(" ", 1)[0]
    if word.isalpha() and word.islower():
        return text[:1].upper() + text[1:]
    return text


def _place(related: Related, number: int) -> str:
    loc = related.location
    parts: list[str] = []
    if loc.patch is not None and loc.patch != number:
        parts.append(f"patch {loc.patch}/{loc.total}" if loc.total else f"patch {loc.patch}")
    if loc.path is not None:
        parts.append(f"{loc.path}:{loc.line}" if loc.line is not None else loc.path)
    return ", ".join(parts)


_Seen = list[tuple[str, str, tuple[str, ...]]]  # traces written so far: code, intro, steps


def _comment(finding: Finding, number: int, seen: _Seen, where: str | None = None) -> list[str]:
    """A finding in a reviewer's words: lead, message, fix, related places, trace."""
    lines = _paragraphs(_lead(finding, where) + finding.message)
    if finding.fix is not None:
        lines += ["", "Suggested replacement:", ""]
        lines += ["    " + _code(fix_line) for fix_line in finding.fix.split("\n")]
    steps: list[Related] = []
    for related in finding.related:
        if _STEP.match(related.message) or related.message.startswith(_THEN):
            steps.append(related)
            continue
        if steps:
            lines += _trace(finding, steps, number, seen, after_intro=False)
            steps = []
        place = _place(related, number)
        text = related.message
        if place and not text.startswith(related.location.path or "\0"):
            text = f"See also {place}: {text}"
        else:
            text = _capitalised(text)
        if text[-1:].isalnum() or text[-1:] in ")'\"`":
            text += "."
        lines += ["", *_paragraphs(text)]
    if steps:
        intro = bool(finding.related) and finding.related[0] is not steps[0]
        after_intro = intro and lines[-1].endswith(":")
        lines += _trace(finding, steps, number, seen, after_intro=after_intro)
    return lines


def _intro(finding: Finding, number: int) -> str:
    extra = dict(finding.extra)
    details: list[str] = []
    after = extra.get("trace_after_patch")
    if after is not None and after != str(number):
        total = finding.location.total
        details.append(f"on the tree after patch {after}/{total}" if total else after)
    scenario = extra.get("scenario")
    intro = "A counterexample from the suspend model"
    if details:
        intro += ", " + ", ".join(details)
    if scenario:
        intro += f" ({scenario})"
    return intro + ":"


def _trace(
    finding: Finding, steps: list[Related], number: int, seen: _Seen, *, after_intro: bool
) -> list[str]:
    """A counterexample as a short numbered list (and where it ends).

    A trace that repeats, extends or shortens one written under an earlier
    comment of the same reply refers to it instead of repeating its steps.
    """
    numbered: list[tuple[str, str]] = []
    outcome: str | None = None
    for related in steps:
        match = _STEP.match(related.message)
        if match is None:
            outcome = related.message[len(_THEN) :]
            continue
        step, text = match.groups()
        loc = related.location
        if loc.path is not None:
            text += f", at {loc.path}:{loc.line}" if loc.line is not None else f", in {loc.path}"
        numbered.append((step, text))
    intro = "" if after_intro else _intro(finding, number)
    keys = tuple(f"{step}. {text}" for step, text in numbered)
    shown = numbered
    lines: list[str] = []
    for code, seen_intro, seen_keys in seen:
        if seen_intro != intro or not keys or not seen_keys:
            continue
        if keys == seen_keys:
            lines += ["", *_wrap(f"The same steps as under [{code}] above.")]
            shown = []
        elif keys[: len(seen_keys)] == seen_keys:
            lines += ["", *_wrap(f"The steps under [{code}] above, then:")]
            shown = numbered[len(seen_keys) :]
        elif seen_keys[: len(keys)] == keys:
            lines += ["", *_wrap(f"Steps 1-{len(keys)} of those under [{code}] above.")]
            shown = []
        else:
            continue
        break
    else:
        if intro:
            lines += ["", *_wrap(intro)]
        seen.append((finding.code, intro, keys))
    width = max((len(step) for step, _ in shown), default=1)
    if shown:
        lines.append("")
    for step, text in shown:
        head = f"  {step:>{width}}. "
        lines += _wrap(text, head, " " * len(head))
    if outcome is not None:
        lines += ["", *_wrap(f"Outcome: {outcome}")]
    return lines


@dataclass
class _Anchors:
    """Where each finding of a patch goes."""

    top: list[tuple[Finding, str | None]] = field(default_factory=list)
    message: dict[int, list[Finding]] = field(default_factory=dict)
    files: dict[int, list[Finding]] = field(default_factory=dict)
    lines: dict[tuple[int, int], dict[int, list[Finding]]] = field(default_factory=dict)


def _message_lines(patch: Patch) -> list[str]:
    """The commit message as posted: body, trailers, the notes after ``---``."""
    body = patch.body.split("\n")
    while body and not body[-1].strip():
        body.pop()
    lines = list(body)
    if patch.trailers:
        if lines:
            lines.append("")
        lines += [t.line or f"{t.name}: {t.value}" for t in patch.trailers]
    if patch.notes.strip():
        lines.append("---")
        lines += patch.notes.rstrip("\n").split("\n")
    return lines


def _find_in_message(lines: list[str], excerpt: str) -> int | None:
    wanted = excerpt.strip()
    if not wanted:
        return None
    for i, line in enumerate(lines):
        if line.strip() == wanted:
            return i
    for i, line in enumerate(lines):
        if wanted in line:
            return i
    return None


def _find_line(f: FileDiff, finding: Finding) -> tuple[int, int] | None:
    """(hunk index, line index) of the line a finding concerns; line -1 is the header."""
    loc = finding.location
    if loc.diff_line is not None:
        for h_i, hunk in enumerate(f.hunks):
            if hunk.header_diff_no == loc.diff_line:
                return h_i, -1
            for l_i, line in enumerate(hunk.lines):
                if line.diff_no == loc.diff_line:
                    return h_i, l_i
    if loc.line is None:
        return None
    wanted = (finding.excerpt or "").strip()
    candidates: list[tuple[int, int, bool]] = []
    for h_i, hunk in enumerate(f.hunks):
        for l_i, line in enumerate(hunk.lines):
            if line.kind in (LineKind.ADDED, LineKind.CONTEXT) and line.target_no == loc.line:
                candidates.append((h_i, l_i, line.kind is LineKind.ADDED))
    if candidates:
        candidates.sort(key=lambda c: not c[2])
        return candidates[0][0], candidates[0][1]
    for h_i, hunk in enumerate(f.hunks):
        for l_i, line in enumerate(hunk.lines):
            removed = line.kind is LineKind.REMOVED and line.source_no == loc.line
            if removed and (not wanted or wanted in line.value):
                return h_i, l_i
    if wanted:
        for h_i, hunk in enumerate(f.hunks):
            for l_i, line in enumerate(hunk.lines):
                if line.kind is LineKind.ADDED and wanted in line.value:
                    return h_i, l_i
    return None


def _anchor(target: Patch | Cover, findings: tuple[Finding, ...]) -> _Anchors:
    anchors = _Anchors()
    if isinstance(target, Cover):
        anchors.top = [(f, None) for f in findings]
        return anchors
    message = _message_lines(target)
    subject = target.subject
    for finding in findings:
        loc = finding.location
        if loc.path is None:
            excerpt = (finding.excerpt or "").strip()
            at = None
            if excerpt and excerpt not in (subject.title.strip(), subject.raw.strip()):
                at = _find_in_message(message, excerpt)
            if at is None:
                anchors.top.append((finding, None))
            else:
                anchors.message.setdefault(at, []).append(finding)
            continue
        files = [i for i, f in enumerate(target.diff.files) if loc.path in (f.path, f.source_path)]
        if not files:
            where = f"{loc.path}:{loc.line}" if loc.line is not None else loc.path
            anchors.top.append((finding, where))
            continue
        found = None
        for i in files:
            spot = _find_line(target.diff.files[i], finding)
            if spot is not None:
                found = (i, *spot)
                break
        if found is None:
            anchors.files.setdefault(files[0], []).append(finding)
            continue
        f_i, h_i, l_i = found
        anchors.lines.setdefault((f_i, h_i), {}).setdefault(l_i, []).append(finding)
    return anchors


def _kept(length: int, marks: Iterable[int], short: int, before: int, after: int) -> list[int]:
    """The indices of a block of ``length`` lines worth quoting around ``marks``."""
    if length <= short:
        return list(range(length))
    keep: set[int] = set()
    for mark in marks:
        keep.update(range(max(0, mark - before), min(length, mark + after + 1)))
    ordered = sorted(keep)
    filled: list[int] = []
    for index in ordered:
        if filled and 1 < index - filled[-1] <= _GAP + 1:
            filled.extend(range(filled[-1] + 1, index))
        filled.append(index)
    if filled and 0 < filled[0] <= _GAP:
        filled[:0] = range(filled[0])
    if filled and 0 < length - 1 - filled[-1] <= _GAP:
        filled.extend(range(filled[-1] + 1, length))
    return filled


def _quote_block(
    out: _Writer,
    lines: Sequence[str],
    comments: Mapping[int, list[Finding]],
    number: int,
    *,
    short: int,
    before: int,
    after: int,
) -> None:
    """Quote ``lines`` around the commented ones, each comment under its line."""
    previous = -1
    for index in _kept(len(lines), comments, short, before, after):
        if index != previous + 1:
            out.elide()
        out.quote(_code(lines[index]))
        for finding in comments.get(index, ()):
            out.comment(finding, number)
        previous = index
    if previous < len(lines) - 1:
        out.elide()


def _quote_hunk(
    out: _Writer, hunk: Hunk, comments: Mapping[int, list[Finding]], number: int
) -> None:
    out.quote(_code(hunk.header))
    for finding in comments.get(-1, ()):
        out.comment(finding, number)
    lines = [line.kind.value + line.value for line in hunk.lines]
    marks = {k: v for k, v in comments.items() if k >= 0}
    _quote_block(out, lines, marks, number, short=_SHORT_HUNK, before=_BEFORE, after=_AFTER)


def _attribution(message: Message) -> list[str]:
    who = _header_text(message.author.name) or _header_text(message.author.email)
    date = _header_text(message.date or "")
    if not who:
        return _wrap(f"On {date}, the author wrote:" if date else "The author wrote:")
    return _wrap(f"On {date}, {who} wrote:" if date else f"{who} wrote:")


def _signature(sender: Address) -> list[str]:
    name = _prose(sender.display_name) if sender.display_name else sender.username
    return ["Thanks,", name]


def _body(
    item: SeriesReview, target: Patch | Cover, findings: tuple[Finding, ...], sender: Address
) -> str:
    number = target.number if isinstance(target, Patch) else 0
    anchors = _anchor(target, findings)
    out = _Writer()
    out.attribution(_attribution(target.message))
    if anchors.top or not findings:
        subject = _header_text(target.message.subject.raw) or target.message.subject.title
        out.quote(_code(f"Subject: {_header_text(subject)}"))
        for finding, where in anchors.top:
            out.comment(finding, number, where)
    if isinstance(target, Patch):
        if anchors.message:
            out.elide()
            _quote_block(
                out,
                _message_lines(target),
                anchors.message,
                number,
                short=_SHORT_MESSAGE,
                before=_MESSAGE_BEFORE,
                after=_MESSAGE_AFTER,
            )
        _quote_diff(out, target, anchors, number)
    if not findings:
        out.text(["xenreview found nothing to comment on in this patch."])
    else:
        codes = sorted({f.code for f in findings})
        out.text(
            _wrap(
                "The codes in brackets name xenreview rules: "
                f"`xenreview explain {codes[0]}` describes one."
            )
        )
    out.text(_signature(sender))
    return out.render()


def _quote_diff(out: _Writer, patch: Patch, anchors: _Anchors, number: int) -> None:
    for f_i, f in enumerate(patch.diff.files):
        hunks = sorted(h for (fi, h) in anchors.lines if fi == f_i)
        file_comments = anchors.files.get(f_i, [])
        if not hunks and not file_comments:
            continue
        out.elide()
        for header in f.header:
            out.quote(_code(header))
        for finding in file_comments:
            out.comment(finding, number)
        previous = -1
        for h_i in hunks:
            if h_i != previous + 1:
                out.elide()
            _quote_hunk(out, f.hunks[h_i], anchors.lines[(f_i, h_i)], number)
            previous = h_i
