"""One raw message -> a decoded :class:`~xenreview.ingest.model.Mail`.

Headers are read as the standard library's ``email`` package reads them
(``compat32``, the fast policy); the body is decoded here: transfer
encodings, charsets, CRLF, ``format=flowed`` and the MIME tree (text/plain
parts and patch attachments, in order).  What had to be guessed or repaired is recorded as a
:class:`~xenreview.ingest.model.Problem` on the mail, never silently.

Speed matters (a whole mailing-list archive may come through here), so a
single-part message is never handed to the MIME parser as a whole: only its
header block is parsed, and its body is decoded straight from the bytes.  A
header block of the usual shape is not even handed to the ``email`` package:
:func:`_simple_fields` reads it the same way, several times faster.

A *bare diff* (a patch file with no mail headers at all) is accepted too: see
:func:`is_bare_diff`.
"""

from __future__ import annotations

import binascii
import hashlib
import quopri
import re
from email.message import Message as EmailMessage
from email.parser import BytesParser
from email.utils import collapse_rfc2231_value, getaddresses, mktime_tz, parsedate_tz
from pathlib import PurePosixPath

from xenreview.ingest.model import Mail, Message, Person, Problem, RawMail, Severity
from xenreview.ingest.subject import parse_subject
from xenreview.settings import Settings

MAX_MIME_DEPTH = 20

#: An mbox ``From_`` line: ``From <token> <something with a digit>``.
FROM_LINE = re.compile(rb"From \S+ [^\n]*\d")
#: The ``From_`` line git writes: a commit id and a fixed, magic date.
GIT_FROM_LINE = re.compile(rb"From (?:[0-9a-f]{64}|[0-9a-f]{40}) Mon Sep 17 00:00:00 2001\r?$")

_PARSER = BytesParser()  # the compat32 policy: the default, and the fast one
_HEADER_LINE = re.compile(rb"[!-9;-~]+[ \t]*:")
# A header field's name and its colon, as the email package takes them.
_FIELD_NAME = re.compile(r"[!-9;-~]+:")
_KNOWN_HEADERS = frozenset(
    {
        b"from",
        b"subject",
        b"date",
        b"message-id",
        b"to",
        b"cc",
        b"in-reply-to",
        b"references",
        b"reply-to",
        b"sender",
        b"received",
        b"return-path",
        b"delivered-to",
        b"mime-version",
        b"content-type",
        b"list-id",
    }
)
_DIFF_STARTS = (b"diff -", b"Index: ")
_ID = re.compile(r"<([^<>\s]+)>")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([qQbB])\?([^?\s]*)\?=")
_VIA = re.compile(r"(.*\S)\s+via\s+\S.*", re.DOTALL)
_MAILTO = re.compile(r"<mailto:([^>?]+)", re.IGNORECASE)
_PATCH_TYPES = frozenset(
    {
        "text/x-patch",
        "text/x-diff",
        "text/patch",
        "text/diff",
        "application/x-patch",
        "application/x-diff",
    }
)
# One address of a list: "Name" <addr>, Name <addr>, <addr> or addr, then "," or the end.
# Linear on any input (hostile headers are long): possessive quantifiers never give
# back blanks, and the local part has no "@", so no choice of "@" is ever retried.
# The plain name keeps its trailing blanks: the caller normalises white space.
_ADDR_CHARS = r'[^<>\s,"()\[\]:;\\]'
_LOCAL_CHARS = r'[^<>\s,"()\[\]:;\\@]'
_ADDR_SPEC = rf"{_LOCAL_CHARS}++@{_ADDR_CHARS}++"
_ADDRESS = re.compile(
    r'[ \t]*+(?:(?:"((?:[^"\\\r\n]|\\.)*+)"[ \t]*+|([^<>,"()\[\]:;@\\]*+))'
    rf"<({_ADDR_SPEC})>|({_ADDR_SPEC}))[ \t]*+(?:,|\Z)"
)
_UNQUOTE = re.compile(r"\\(.)")
# "text/plain" with at most a charset: read without the MIME machinery.
_PLAIN = re.compile(
    r'\s*+text/plain\s*+(?:;\s*+charset\s*+=\s*+"?([\w.:+-]++)"?\s*+)?(?:;\s*+)?', re.IGNORECASE
)
_INBODY_NAMES = ("from", "subject", "date")
_BREAK_TAG = re.compile(r"<(?:br\s*+(?:/\s*+)?|/(?:p|div|pre|tr|li)\s*+)>", re.IGNORECASE)
# <style> and <script> elements are cut with two searches (see _skip_html), not with
# one lazy pattern, which rescans to the end of the text after every unclosed "<style".
_SKIP_OPEN = re.compile(r"<(style|script)\b", re.IGNORECASE)
_SKIP_CLOSE = {name: re.compile(rf"</{name}\s*+>", re.IGNORECASE) for name in ("style", "script")}


class _Notes:
    """The problems of one message, each placed at the message."""

    __slots__ = ("items", "raw")

    def __init__(self, raw: RawMail) -> None:
        self.raw = raw
        self.items: list[Problem] = []

    def add(self, code: str, message: str, severity: Severity = Severity.WARNING) -> None:
        self.items.append(Problem(code, message, self.raw.source, self.raw.where or None, severity))


# --------------------------------------------------------------------------
# What kind of bytes is this?


def _first_content_line(data: bytes) -> int:
    """Offset of the first line that is not blank."""
    pos = 0
    size = len(data)
    while pos < size:
        eol = data.find(b"\n", pos)
        if eol < 0:
            eol = size
        if data[pos:eol].strip():
            return pos
        pos = eol + 1
    return size


def _starts_diff(data: bytes, pos: int) -> bool:
    if data.startswith(_DIFF_STARTS, pos):
        return True
    if data.startswith(b"--- ", pos):
        eol = data.find(b"\n", pos)
        return eol >= 0 and data.startswith(b"+++ ", eol + 1)
    return False


def is_bare_diff(data: bytes) -> bool:
    """Whether ``data`` is a patch with no mail headers at all.

    That is a file starting with ``diff --git`` (or another ``diff -``
    command line), ``Index:``, or ``--- `` followed by ``+++ ``; or a file
    starting with a git ``From <sha>`` line that is not followed by headers
    but has a diff in it.
    """
    pos = _first_content_line(data)
    if data.startswith(b"From ", pos):
        eol = data.find(b"\n", pos)
        if eol < 0 or not FROM_LINE.match(data, pos, eol):
            return False
        rest = _first_content_line(data[eol + 1 :]) + eol + 1
        if _HEADER_LINE.match(data, rest) and not data.startswith(b"Index: ", rest):
            return False
        return _starts_diff(data, rest) or b"\ndiff --git " in data or b"\n+++ " in data
    return _starts_diff(data, pos)


def has_header_block(data: bytes) -> bool:
    """Whether ``data`` starts (after blank lines and a ``From_`` line) with mail headers.

    The block must be made of ``Name: value`` lines (and their continuation
    lines) and name at least one of the usual mail headers, so that a text
    file that happens to begin with ``Note: ...`` is not taken for a mail.
    """
    pos = _first_content_line(data)
    size = len(data)
    if data.startswith(b"From ", pos):
        eol = data.find(b"\n", pos)
        pos = size if eol < 0 else eol + 1
    first = True
    while pos < size:
        eol = data.find(b"\n", pos)
        if eol < 0:
            eol = size
        if data[pos] in b" \t" and not first:
            pos = eol + 1
            continue
        match = _HEADER_LINE.match(data, pos, eol)
        if match is None:
            return False
        if data[pos : match.end() - 1].rstrip().lower() in _KNOWN_HEADERS:
            return True
        first = False
        pos = eol + 1
    return False


# --------------------------------------------------------------------------
# Headers


def _fix_8bit(value: str) -> str:
    """A header value with raw 8-bit bytes (surrogate-escaped) as real text."""
    try:
        raw = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _word_bytes(encoding: str, text: str) -> bytes | None:
    """The bytes of one encoded word's text, ``None`` when it is not valid."""
    data = text.encode("utf-8", "surrogateescape")
    if encoding in "qQ":
        return binascii.a2b_qp(data, header=True)
    try:
        return binascii.a2b_base64(data + b"=" * (-len(data) % 4))
    except binascii.Error:
        return None


def _decode_run(data: bytes, charset: str) -> str:
    try:
        return data.decode(charset, "replace")
    except (LookupError, ValueError):  # unknown, not text, NUL in the name, "undefined"...
        return data.decode("utf-8", "replace")


def _decode_encoded_words(value: str) -> str:
    """Decode RFC 2047 words; adjacent words of one charset are decoded together.

    White space between two encoded words is dropped (RFC 2047, 6.2), and a
    character split over two words comes out whole.  A word that does not
    decode is left as written.
    """
    out: list[str] = []
    pos = 0  # value[pos:] is not yet in out
    run = b""
    run_charset = ""
    last_end = -1  # end of the last decoded word
    for match in _ENCODED_WORD.finditer(value):
        data = _word_bytes(match.group(2), match.group(3))
        if data is None:
            continue
        charset = match.group(1).split("*", 1)[0].lower()
        adjacent = last_end >= 0 and not value[last_end : match.start()].strip()
        if run and not (adjacent and charset == run_charset):
            out.append(_decode_run(run, run_charset))
            run = b""
        if not adjacent:
            out.append(value[pos : match.start()])
        run += data
        run_charset = charset
        pos = last_end = match.end()
    if run:
        out.append(_decode_run(run, run_charset))
    out.append(value[pos:])
    return "".join(out)


def decode_words(value: str) -> str:
    """A header value unfolded, with RFC 2047 encoded words decoded."""
    if not value.isascii():
        value = _fix_8bit(value)
    if "\n" in value:
        value = _FOLD.sub("", value)
    if "=?" in value:
        value = _decode_encoded_words(value)
    return value.strip()


def _first_headers(msg: EmailMessage) -> dict[str, str]:
    """The first value of each header, by lower-case name, as written."""
    fields: dict[str, str] = {}
    for name, value in msg.raw_items():
        key = name.lower()
        if key not in fields:
            fields[key] = value if isinstance(value, str) else str(value)
    return fields


def _simple_people(value: str) -> list[Person] | None:
    """The common address lists, read with one regular expression per address.

    ``None`` when anything unusual (comments, groups, quoted local parts...)
    is there: :func:`email.utils.getaddresses` then does the full job.
    """
    people: list[Person] = []
    pos = 0
    end = len(value)
    while pos < end:
        match = _ADDRESS.match(value, pos)
        if match is None:
            return people if not value[pos:].strip(" \t,") else None
        pos = match.end()
        quoted, plain, angle, bare = match.groups()
        if bare is not None:
            people.append(Person("", bare))
            continue
        if quoted is not None:
            name = _UNQUOTE.sub(r"\1", quoted) if "\\" in quoted else quoted
        else:
            name = " ".join(plain.split())
        if "=?" in name:
            name = decode_words(name)
        people.append(Person(name, angle))
    return people


def parse_people(value: str | None) -> list[Person]:
    """The addresses of a To/Cc/From-style header, names decoded."""
    if not value:
        return []
    if not value.isascii():
        value = _fix_8bit(value)
    if "\n" in value:
        value = _FOLD.sub("", value)
    fast = _simple_people(value)
    if fast is not None:
        return fast
    people: list[Person] = []
    for name, address in getaddresses([value]):
        if not name and not address:
            continue
        if "=?" in name:
            name = decode_words(name)
        people.append(Person(name, address))
    return people


def _first_id(value: str | None) -> str | None:
    if not value:
        return None
    if not value.isascii():  # raw 8-bit bytes arrive surrogate-escaped: never pass those on
        value = _fix_8bit(value)
    match = _ID.search(value)
    if match is not None:
        return match.group(1)
    tokens = value.split()
    if not tokens:
        return None
    return tokens[0].strip("<>") or None


def _ids(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    if not value.isascii():
        value = _fix_8bit(value)
    found = _ID.findall(value)
    if found:
        return tuple(found)
    return tuple(token.strip("<>") for token in value.split() if token.strip("<>"))


def _timestamp(date: str | None) -> float | None:
    if not date:
        return None
    try:
        parsed = parsedate_tz(date)
        return None if parsed is None else float(mktime_tz(parsed))
    except (ValueError, OverflowError, TypeError, IndexError):
        return None


def synthetic_id(data: bytes) -> str:
    """A deterministic message-id for a message that has none."""
    return f"xenreview-{hashlib.sha1(data, usedforsecurity=False).hexdigest()[:16]}@invalid"


def _list_addresses(fields: dict[str, str], settings: Settings) -> set[str]:
    addresses = {settings.list_address.lower()}
    post = fields.get("list-post")
    if post:
        addresses.update(address.lower() for address in _MAILTO.findall(post))
    return addresses


def _author(
    fields: dict[str, str], settings: Settings, notes: _Notes, in_body: bool
) -> tuple[Person, bool]:
    """The author from From, undoing a Mailman "X via List" rewrite.

    Returns the person and whether From was such a rewrite.
    """
    people = parse_people(fields.get("from"))
    if not people:
        if not in_body:
            notes.add("missing-from", "the message has no From address")
        return Person("", ""), False
    author = people[0]
    via = _VIA.fullmatch(author.name)
    lists = _list_addresses(fields, settings)
    if via is None or author.email.lower() not in lists:
        return author, False
    name = via.group(1).strip().strip('"')
    for header in ("x-original-from", "reply-to"):
        for person in parse_people(fields.get(header)):
            if person.email and person.email.lower() not in lists:
                return Person(person.name or name, person.email), True
    if not in_body:
        notes.add(
            "author-not-recovered",
            f"From was rewritten by the list ({author.name!r}) and neither "
            "X-Original-From nor Reply-To names the author: the address is the list's",
        )
    return Person(name, author.email), True


def _recipients(
    fields: dict[str, str], settings: Settings, notes: _Notes
) -> tuple[tuple[Person, ...], tuple[Person, ...]]:
    to = parse_people(fields.get("to"))
    cc = parse_people(fields.get("cc"))
    total = len(to) + len(cc)
    limit = settings.max_recipients
    if total > limit:
        notes.add(
            "too-many-recipients",
            f"{total} recipients in To and Cc, more than the limit of {limit}: "
            f"only the first {limit} are kept (raise it with --max-recipients)",
        )
        to = to[:limit]
        cc = cc[: limit - len(to)]
    return tuple(to), tuple(cc)


# --------------------------------------------------------------------------
# Bodies


def _body_offset(data: bytes) -> int:
    """Offset just past the blank line that ends the header block."""
    if data.startswith(b"\n"):
        return 1
    if data.startswith(b"\r\n"):
        return 2
    lf = data.find(b"\n\n")
    # Only a CRLF blank line before the first LF one matters: look no further.
    crlf = data.find(b"\n\r\n", 0, len(data) if lf < 0 else lf + 2)
    if lf < 0 and crlf < 0:
        return len(data)
    if crlf < 0 or 0 <= lf < crlf:
        return lf + 2
    return crlf + 3


def _param(part: EmailMessage, name: str) -> str:
    value = part.get_param(name)
    if value is None:
        return ""
    if isinstance(value, tuple):
        return str(collapse_rfc2231_value(value)).lower()
    return value.strip().lower()


def _kind(part: EmailMessage) -> str | None:
    """``text``, ``patch``, ``html`` or ``None`` (a part we do not read)."""
    ctype = part.get_content_type()
    filename = part.get_filename() or ""
    if ctype in _PATCH_TYPES or filename.lower().endswith((".patch", ".diff")):
        return "patch"
    if ctype == "text/plain":
        return "text"
    if ctype == "text/html":
        return "html"
    if part.get_content_maintype() == "multipart":
        return "text"  # a multipart whose boundary never came: read it as text
    return None


def _decode_transfer(cte: object, body: bytes, notes: _Notes) -> bytes:
    # A str, or an email.header.Header when the value has 8-bit bytes: str() reads both.
    encoding = str(cte).strip().lower() if cte is not None else ""
    if encoding == "quoted-printable":
        return quopri.decodestring(body)
    if encoding == "base64":
        try:
            return binascii.a2b_base64(body)
        except binascii.Error:
            notes.add(
                "bad-base64", "a base64 part is damaged (bad padding): decoded what was there"
            )
            clean = b"".join(body.split())
            clean = clean[: len(clean) // 4 * 4]
            try:
                return binascii.a2b_base64(clean)
            except binascii.Error:
                return b""
    return body


def _decode_charset(payload: bytes, charset: str | None, notes: _Notes) -> str:
    name = (charset or "").strip().strip('"').lower()
    if name in ("", "us-ascii", "ascii", "utf8"):
        name = "utf-8"
    try:
        return payload.decode(name)
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    except (LookupError, ValueError):  # unknown, not text, NUL in the name, "undefined"...
        notes.add("unknown-charset", f"unknown charset {charset!r}: read as utf-8 or latin-1")
        try:
            return payload.decode("utf-8")
        except UnicodeDecodeError:
            return payload.decode("latin-1")
    notes.add(
        "undecodable-bytes",
        f"bytes that are not {charset or 'utf-8'} (first at byte {first_bad} of the part): "
        "replaced with U+FFFD",
    )
    try:
        return payload.decode(name, "replace")
    except (LookupError, ValueError):  # a codec that cannot replace (punycode)
        return payload.decode("utf-8", "replace")


def unflow(text: str, delsp: bool) -> str:
    """Undo RFC 3676 ``format=flowed`` (``text`` has ``\\n`` line ends)."""
    out: list[str] = []
    pending: list[str] = []
    pending_depth = -1
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing (or the space after quote marks)
        flowed = content.endswith(" ") and content != "-- "
        if flowed and delsp:
            content = content[:-1]
        if pending and depth != pending_depth:
            out.append(_quote(pending_depth, "".join(pending)))
            pending = []
        pending.append(content)
        pending_depth = depth
        if not flowed:
            out.append(_quote(depth, "".join(pending)))
            pending = []
    if pending:
        out.append(_quote(pending_depth, "".join(pending)))
    return "\n".join(out)


def _quote(depth: int, content: str) -> str:
    if depth == 0:
        return content
    return ">" * depth + (" " + content if content else "")


def _part_text(part: EmailMessage, payload: bytes, notes: _Notes) -> str:
    text = _plain_text(payload, part.get_content_charset(), notes)
    if _param(part, "format") == "flowed":
        notes.add(
            "format-flowed",
            "the message is format=flowed: lines were re-joined, and a patch sent "
            "this way is usually damaged (long lines wrapped, trailing spaces lost)",
        )
        text = unflow(text, _param(part, "delsp") == "yes")
    return text


def _plain_text(payload: bytes, charset: str | None, notes: _Notes) -> str:
    text = _decode_charset(payload, charset, notes)
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    return text


def _skip_html(text: str) -> str:
    """``text`` without its ``<style>``/``<script>`` elements, in one pass."""
    out: list[str] = []
    pos = search = 0
    unclosed: set[str] = set()  # no closing tag after here: later openings are text
    while (opening := _SKIP_OPEN.search(text, search)) is not None:
        name = opening.group(1).lower()
        closing = None if name in unclosed else _SKIP_CLOSE[name].search(text, opening.end())
        if closing is None:
            unclosed.add(name)
            search = opening.end()
            continue
        out.append(text[pos : opening.start()])
        pos = search = closing.end()
    out.append(text[pos:])
    return "".join(out)


def _strip_tags(text: str) -> str:
    """``text`` without its tags: each ``<`` up to the next ``>`` (``<[^>]*>``, linear)."""
    out: list[str] = []
    pos = 0
    while (start := text.find("<", pos)) >= 0:
        end = text.find(">", start + 1)
        if end < 0:
            break
        out.append(text[pos:start])
        pos = end + 1
    out.append(text[pos:])
    return "".join(out)


def _html_text(text: str) -> str:
    import html  # rare: not worth its import time for every run

    text = _skip_html(text)
    text = _BREAK_TAG.sub("\n", text)
    return html.unescape(_strip_tags(text))


def _leaves(
    part: EmailMessage, depth: int, out: list[tuple[str, EmailMessage]], notes: _Notes
) -> None:
    if part.get_content_maintype() == "message":
        return  # a forwarded or bounced message is not this message's text
    if part.is_multipart():
        if depth >= MAX_MIME_DEPTH:
            if not any(problem.code == "mime-too-deep" for problem in notes.items):
                notes.add(
                    "mime-too-deep",
                    f"MIME parts nested more than {MAX_MIME_DEPTH} deep were ignored",
                )
            return
        payload = part.get_payload()
        assert isinstance(payload, list)
        for sub in payload:
            if isinstance(sub, EmailMessage):
                _leaves(sub, depth + 1, out, notes)
        return
    kind = _kind(part)
    if kind is not None:
        out.append((kind, part))


def _raw_payload(part: EmailMessage) -> object:
    """The payload as the parser stored it: 8-bit bytes kept surrogate-escaped.

    Not ``get_payload()``: on such bytes it decodes with the part's own
    charset, which may name a codec that cannot decode with "replace"
    (``idna``, ``punycode``: found by fuzzing).
    """
    return getattr(part, "_payload", None)


def _payload_bytes(part: EmailMessage) -> bytes:
    payload = _raw_payload(part)
    if not isinstance(payload, str):
        return b""
    try:
        return payload.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return payload.encode("utf-8", "surrogateescape")


def _join(texts: list[str]) -> str:
    chunks: list[str] = []
    for text in texts:
        if chunks and not chunks[-1].endswith("\n"):
            chunks.append("\n")
        chunks.append(text)
    return "".join(chunks)


def _multipart_text(data: bytes, notes: _Notes) -> tuple[str, bool]:
    try:
        msg = _PARSER.parsebytes(data)
    except RecursionError:
        notes.add("mime-too-deep", "the MIME structure is nested too deep to read at all")
        return "", False
    leaves: list[tuple[str, EmailMessage]] = []
    _leaves(msg, 0, leaves, notes)
    chosen = [part for kind, part in leaves if kind != "html"]
    if chosen:
        texts = [
            _part_text(
                part,
                _decode_transfer(
                    part.get("content-transfer-encoding"), _payload_bytes(part), notes
                ),
                notes,
            )
            for part in chosen
        ]
        return _join(texts), True
    html_parts = [part for kind, part in leaves if kind == "html"]
    if not html_parts:
        return "", False
    notes.add("html-only", "the message has only an HTML body: tags were stripped", Severity.NOTE)
    texts = [
        _html_text(
            _part_text(
                part,
                _decode_transfer(
                    part.get("content-transfer-encoding"), _payload_bytes(part), notes
                ),
                notes,
            )
        )
        for part in html_parts
    ]
    return _join(texts), True


def _body_text(
    data: bytes,
    headers: EmailMessage | None,
    fields: dict[str, str],
    body: bytes,
    notes: _Notes,
) -> tuple[str, bool]:
    """The decoded body and whether there was a text part at all.

    ``headers`` is the parsed header block, ``None`` if it was not parsed yet.
    """
    ctype = fields.get("content-type")
    plain = None if ctype is None else _PLAIN.fullmatch(ctype)
    if ctype is None or plain is not None:  # the usual case, quickly
        payload = _decode_transfer(fields.get("content-transfer-encoding"), body, notes)
        return _plain_text(payload, None if plain is None else plain.group(1), notes), True
    if headers is None:
        headers = _header_message(data)[0]
    if headers.get_content_maintype() == "multipart":
        return _multipart_text(data, notes)
    kind = _kind(headers)
    if kind is None:
        return "", False
    payload = _decode_transfer(headers.get("content-transfer-encoding"), body, notes)
    text = _part_text(headers, payload, notes)
    if kind == "html":
        notes.add(
            "html-only", "the message has only an HTML body: tags were stripped", Severity.NOTE
        )
        text = _html_text(text)
    return text, True


def _split_in_body(text: str) -> tuple[str, dict[str, str]]:
    """Take ``From:``/``Subject:``/``Date:`` lines off the top of the body, as ``git am`` does.

    They count only when followed by a blank line (or the end of the text).
    """
    start = 0
    while text.startswith("\n", start):
        start += 1
    head = text[start : start + 8].lower()
    if not head.startswith(("from:", "subject:", "date:")):
        return text, {}
    found: dict[str, str] = {}
    name = ""
    pos = start
    size = len(text)
    while pos < size:
        eol = text.find("\n", pos)
        if eol < 0:
            eol = size
        line = text[pos:eol]
        if not line.strip():
            return text[eol + 1 :], {key: decode_words(value) for key, value in found.items()}
        if line[0] in " \t" and name:
            found[name] += line
        else:
            key, colon, value = line.partition(":")
            name = key.strip().lower()
            if not colon or name not in _INBODY_NAMES or name in found:
                return text, {}
            found[name] = value
        pos = eol + 1
    return "", {key: decode_words(value) for key, value in found.items()}


def _header_message(data: bytes) -> tuple[EmailMessage, bytes]:
    """The header block parsed by the email package, and the raw body bytes."""
    end = _body_offset(data)
    headers = _PARSER.parsebytes(data[:end], headersonly=True)
    rest = _raw_payload(headers)
    if isinstance(rest, str) and rest:
        # A line that is not a header ended the block early: it is body.
        return headers, _payload_bytes(headers) + data[end:]
    return headers, data[end:]


def _simple_fields(head: str) -> dict[str, str] | None:
    """The first value of each header by lower-case name, read as ``compat32`` does.

    Only for the usual block: ``Name: value`` lines and their continuation
    lines, ``\\n`` line ends, perhaps a ``From_`` line first, up to the blank
    line (or the end).  ``None`` for anything else (a ``\\r``, a line that is
    no header, a misplaced ``From_`` line...): the email package reads it.
    The value is the text after the colon and its blanks, continuation
    lines joined with their line ends, as the email package keeps it.
    """
    if "\r" in head:
        return None
    fields: dict[str, str] = {}
    key = ""
    parts: list[str] = []
    for index, line in enumerate(head.split("\n")):
        if not line:
            break  # the blank line ending the block, or the end
        if line[0] in " \t":
            if not key:
                return None
            parts.append(line)
            continue
        if key and key not in fields:
            fields[key] = "\n".join(parts)
        if line.startswith("From "):
            if index:
                return None
            continue  # the mbox From_ line
        match = _FIELD_NAME.match(line)
        if match is None:
            return None
        key = line[: match.end() - 1].lower()
        parts = [line[match.end() :].lstrip(" \t")]
    if key and key not in fields:
        fields[key] = "\n".join(parts)
    return fields


def _parse_head(data: bytes) -> tuple[dict[str, str], EmailMessage | None, bytes]:
    """The first value of each header, the parsed header block and the raw body bytes.

    The header block is parsed by the email package only when it is not
    simple (see :func:`_simple_fields`); otherwise the second item is
    ``None`` and the few messages that need it parse it later.
    """
    end = _body_offset(data)
    fields = _simple_fields(data[:end].decode("ascii", "surrogateescape"))
    if fields is not None:
        return fields, None, data[end:]
    headers, body = _header_message(data)
    return _first_headers(headers), headers, body


# --------------------------------------------------------------------------
# Entry points


def _file_stem(raw: RawMail) -> str:
    if raw.where and not raw.where.startswith("message "):
        base = raw.where.split(", message ", 1)[0]
    elif raw.source == "<stdin>" or raw.source.startswith("git:"):
        return ""
    else:
        base = raw.source
    return PurePosixPath(base.replace("\\", "/")).stem


def _bare_diff_mail(raw: RawMail) -> Mail:
    notes = _Notes(raw)
    data = raw.data
    pos = _first_content_line(data)
    if data.startswith(b"From ", pos):
        eol = data.find(b"\n", pos)
        pos = len(data) if eol < 0 else eol + 1
    try:
        text = data[pos:].decode("utf-8")
    except UnicodeDecodeError as exc:
        notes.add(
            "undecodable-bytes",
            f"bytes that are not utf-8 (first at byte {exc.start + pos}): replaced with U+FFFD",
        )
        text = data[pos:].decode("utf-8", "replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    notes.add(
        "bare-diff",
        "a diff with no mail headers: no author, date or message-id; title from the file name",
        Severity.NOTE,
    )
    message = Message(
        message_id=synthetic_id(data),
        in_reply_to=None,
        references=(),
        author=Person("", ""),
        author_recovered=False,
        date=None,
        timestamp=None,
        subject=parse_subject(_file_stem(raw)),
        source=raw.source,
        where=raw.where,
    )
    return Mail(message=message, text=text, problems=tuple(notes.items))


def parse_mail(raw: RawMail, settings: Settings) -> Mail:
    """Decode one message: headers, author, subject, and its plain-text body."""
    data = raw.data
    if is_bare_diff(data):
        return _bare_diff_mail(raw)
    notes = _Notes(raw)
    fields, headers, body = _parse_head(data)
    if not fields:
        notes.add("no-headers", "the message has no mail headers")

    text, has_text = _body_text(data, headers, fields, body, notes)
    text, in_body = _split_in_body(text)
    if not has_text or not text.strip():
        what = "no text part" if not has_text else "an empty text body"
        notes.add("no-text-body", f"the message has {what}")

    author, rewritten = _author(fields, settings, notes, "from" in in_body)
    if "from" in in_body:
        people = parse_people(in_body["from"])
        if people:
            author = people[0]

    message_id = _first_id(fields.get("message-id"))
    if message_id is None:
        message_id = synthetic_id(data)
        notes.add("missing-message-id", f"the message has no Message-ID: using {message_id}")

    subject_text = in_body.get("subject")
    if subject_text is None:
        subject_text = decode_words(fields.get("subject", ""))
    date = in_body.get("date")
    if date is None and "date" in fields:
        date = decode_words(fields["date"]) or None

    to, cc = _recipients(fields, settings, notes)
    message = Message(
        message_id=message_id,
        in_reply_to=_first_id(fields.get("in-reply-to")),
        references=_ids(fields.get("references")),
        author=author,
        author_recovered=rewritten,
        date=date,
        timestamp=_timestamp(date),
        subject=parse_subject(subject_text),
        to=to,
        cc=cc,
        source=raw.source,
        where=raw.where,
    )
    return Mail(message=message, text=text, problems=tuple(notes.items))
