"""Trailers: the ``Name: value`` lines at the end of a commit message.

A trailer line is a token of letters, digits and dashes (starting with a
letter), a colon, white space and a value.  Known names are normalised to
their usual capitalisation (``Signed-Off-By`` -> ``Signed-off-by``); unknown
names are kept as written.  A value of the form ``Name <addr>`` (or a bare
``addr``, or a quoted ``"Last, First" <addr>``) names a person; after the
address, ``# arm`` is the scope of a scoped ack and any other text is kept as
``extinfo``.  ``Fixes:``/``Amends:``/``Link:``... values are kept whole.

Whether a line *is* a trailer depends on where it is: only the trailer block
counts, the last paragraph of the commit message made of trailer lines,
Xen-style maintainer notes in square brackets (``[ jb: fixed typo ]``) and
indented continuation lines.  :func:`find_trailer_block` finds it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from xenreview.ingest.model import Person, Trailer

__all__ = [
    "NON_PERSON_TRAILERS",
    "PERSON_TRAILERS",
    "TRAILER_NAMES",
    "TrailerBlock",
    "find_trailer_block",
    "format_trailer",
    "normalise_trailer_name",
    "parse_person",
    "parse_trailer",
    "split_trailers",
    "trim_blank_lines",
]

TRAILER_NAMES: Final[tuple[str, ...]] = (
    "Signed-off-by",
    "Reviewed-by",
    "Acked-by",
    "Tested-by",
    "Reported-by",
    "Suggested-by",
    "Release-Acked-by",
    "Fixes",
    "Amends",
    "Origin",
    "Backport",
    "Link",
    "Cc",
    "Co-developed-by",
    "Requested-by",
    "Reported-and-tested-by",
)
"""Trailer names in their canonical capitalisation."""

_CANONICAL: Final[dict[str, str]] = {name.lower(): name for name in TRAILER_NAMES}
_KNOWN: Final = frozenset(TRAILER_NAMES)

NON_PERSON_TRAILERS: Final = frozenset({"Fixes", "Amends", "Origin", "Backport", "Link"})
"""Known trailers whose value is not a person: kept whole, never split."""

PERSON_TRAILERS: Final = frozenset(TRAILER_NAMES) - NON_PERSON_TRAILERS
"""Known trailers whose value names a person (``Name <addr>``)."""

# The value and the name before "<" keep their trailing blanks (the callers strip
# them): a lazy group followed by "[ \t]*" is quadratic on long runs of blanks.
_TRAILER: Final = re.compile(r"([A-Za-z][A-Za-z0-9-]*+):(?:[ \t]++(.*))?")
_ANGLE: Final = re.compile(r"(?P<name>[^<>]*+)<(?P<addr>[^<>]*+)>(?P<rest>.*)")
_BARE: Final = re.compile(r"(?P<addr>[^\s<>\"@]+@[^\s<>\"@]+)(?P<rest>(?:[ \t].*)?)")
_NOTE_ONE: Final = re.compile(r"[ \t]*\[.*\][ \t]*")
_MAX_LINE: Final = 10_000  # longer lines are not trailers (and keep the regexes linear)


def normalise_trailer_name(name: str) -> str:
    """The canonical spelling of a known trailer name, else ``name`` itself."""
    return _CANONICAL.get(name.lower(), name)


def _unquote(name: str) -> str:
    if len(name) >= 2 and name[0] == '"' and name[-1] == '"':
        return name[1:-1].replace('\\"', '"').replace("\\\\", "\\").strip()
    return name


def parse_person(value: str) -> tuple[Person | None, str]:
    """Split ``Name <addr> rest`` (or ``addr rest``) into a person and the rest.

    Returns ``(None, value)`` when the value names no address.
    """
    match = _ANGLE.fullmatch(value)
    if match is not None:
        addr = match.group("addr").strip()
        if addr:
            name = _unquote(match.group("name").strip())
            return Person(name=name, email=addr), match.group("rest").strip()
        return None, value
    match = _BARE.fullmatch(value)
    if match is not None:
        return Person(name="", email=match.group("addr")), match.group("rest").strip()
    return None, value


def _build(name: str, value: str, origin: str | None, line: str) -> Trailer:
    canonical = normalise_trailer_name(name)
    person: Person | None = None
    scope: str | None = None
    extinfo: str | None = None
    if canonical not in NON_PERSON_TRAILERS:
        person, rest = parse_person(value)
        if person is not None and rest:
            if rest.startswith("#"):
                scope = rest[1:].strip() or None
            else:
                extinfo = rest
    return Trailer(
        name=canonical,
        value=value,
        person=person,
        scope=scope,
        extinfo=extinfo,
        origin=origin,
        line=line,
    )


def _match(line: str) -> tuple[str, str] | None:
    """The ``(name, value)`` of a trailer-shaped line, else ``None``."""
    if len(line) > _MAX_LINE or "\n" in line or "\r" in line:
        return None
    match = _TRAILER.fullmatch(line)
    if match is None:
        return None
    name = match.group(1)
    value = (match.group(2) or "").strip()
    if not value and name.lower() not in _CANONICAL:
        return None  # "Note:" alone is prose, "Signed-off-by:" alone a broken trailer
    return name, value


def parse_trailer(line: str, origin: str | None = None) -> Trailer | None:
    """Parse one ``Name: value`` line; ``None`` if it has not that shape.

    Whether the line is in a trailer block is the caller's business
    (:func:`find_trailer_block`).  Never raises.
    """
    text = line[:-1] if line.endswith("\n") else line
    if text.endswith("\r"):
        text = text[:-1]
    found = _match(text)
    if found is None:
        return None
    return _build(found[0], found[1], origin, line)


def format_trailer(trailer: Trailer) -> str:
    """The trailer as one line: ``Name: value``."""
    return f"{trailer.name}: {trailer.value}" if trailer.value else f"{trailer.name}:"


@dataclass(frozen=True, slots=True)
class TrailerBlock:
    """Where the trailer block is in a list of lines, and what it holds.

    ``start``/``end`` index the given lines (``end`` one past the last line of
    the block); ``notes`` are the maintainer notes in square brackets,
    verbatim; ``separated`` is false when the block follows prose with no
    blank line in between (``git interpret-trailers`` would not see it).
    """

    start: int
    end: int
    trailers: tuple[Trailer, ...]
    notes: tuple[str, ...]
    separated: bool


def _is_blank(line: str) -> bool:
    return not line.strip()


def find_trailer_block(
    lines: Sequence[str], origin: str | None = None, *, end: int | None = None
) -> TrailerBlock | None:
    """The trailer block at the end of a commit message's lines, if any.

    The block is the longest run of trailer lines, bracketed maintainer notes
    and indented continuation lines that ends the last paragraph, and it must
    hold at least one trailer with a known name.  When prose comes before it
    in the same paragraph, the block is still found but not ``separated``.
    Only ``lines[:end]`` is looked at when ``end`` is given.  Never raises.
    """
    end = len(lines) if end is None else max(0, min(end, len(lines)))
    while end > 0 and _is_blank(lines[end - 1]):
        end -= 1
    para = end
    while para > 0 and not _is_blank(lines[para - 1]):
        para -= 1

    trailers: list[Trailer] = []
    notes: list[str] = []
    first: int | None = None
    pending: tuple[str, str, list[str]] | None = None  # name, value, raw lines
    index = para
    while index < end:
        line = lines[index]
        found = _match(line)
        if found is not None:
            if pending is not None:
                trailers.append(_finish(pending, origin))
            pending = (found[0], found[1], [line])
            first = index if first is None else first
            index += 1
            continue
        close = _note_end(lines, index, end)
        if close is not None:
            if pending is not None:
                trailers.append(_finish(pending, origin))
                pending = None
            notes.append("\n".join(lines[index:close]))
            first = index if first is None else first
            index = close
            continue
        if pending is not None and line[:1] in (" ", "\t"):
            name, value, raw = pending
            pending = (name, f"{value} {line.strip()}".strip(), [*raw, line])
            index += 1
            continue
        # Prose (or a continuation with nothing to continue): the block, if
        # any, starts after this line.
        trailers.clear()
        notes.clear()
        pending = None
        first = None
        index += 1
    if pending is not None:
        trailers.append(_finish(pending, origin))
    if first is None or not any(t.name in _KNOWN for t in trailers):
        return None
    return TrailerBlock(
        start=first,
        end=end,
        trailers=tuple(trailers),
        notes=tuple(notes),
        separated=first == para,
    )


def _note_end(lines: Sequence[str], index: int, end: int) -> int | None:
    """One past the last line of a ``[ ... ]`` note starting at ``index``, if it is one."""
    line = lines[index]
    if not line.lstrip().startswith("["):
        return None
    if _NOTE_ONE.fullmatch(line) is not None:
        return index + 1
    for probe in range(index + 1, end):
        text = lines[probe].rstrip()
        if text.endswith("]"):
            return probe + 1
        if _match(lines[probe]) is not None or text.lstrip().startswith("["):
            return None
    return None


def _finish(pending: tuple[str, str, list[str]], origin: str | None) -> Trailer:
    name, value, raw = pending
    return _build(name, value, origin, "\n".join(raw))


def trim_blank_lines(lines: Sequence[str]) -> list[str]:
    """``lines`` without the blank lines at either end (other lines untouched)."""
    start, end = 0, len(lines)
    while start < end and _is_blank(lines[start]):
        start += 1
    while end > start and _is_blank(lines[end - 1]):
        end -= 1
    return list(lines[start:end])


def split_trailers(message: str, origin: str | None = None) -> tuple[str, TrailerBlock | None]:
    """Split a commit message body into its prose and its trailer block.

    The prose comes back without blank lines at either end; its lines are
    otherwise untouched (trailing white space stays for the rules to see).
    Never raises.
    """
    lines = message.split("\n")
    block = find_trailer_block(lines, origin)
    if block is None:
        return "\n".join(trim_blank_lines(lines)), None
    return "\n".join(trim_blank_lines(lines[: block.start])), block
