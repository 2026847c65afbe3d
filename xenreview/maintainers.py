"""The MAINTAINERS file and the check-in policy built on it.

Parsing
-------
:func:`parse_maintainers` reads Xen's format: free text first (the
preamble), then *entries*, each a title line at column 0 followed directly
by field lines ``X:<tab or spaces>value``, entries separated by blank
lines.  The preamble ends at the first column-0 line that is directly
followed by a field line.  Fields: ``M:`` maintainer and ``R:`` reviewer
(``Name <address>`` or a bare address), ``S:`` status, ``F:`` file
pattern, ``X:`` excluded pattern, ``K:`` keyword regular expression,
``L:`` mailing list; ``W: T: Q: B: C: P: N: V:`` are kept as they are.
Anything else after the preamble (an unknown letter, a field without a
title above it, a title without fields, prose inside an entry, a person
without an address, a ``K:`` that does not compile, a pattern with blanks)
raises :class:`~xenreview.errors.InputError` with the line number.

Matching
--------
A pattern is split into ``/`` components; ``*``, ``?`` and ``[...]`` match
within one component (never across ``/``).  A pattern ending in ``/``
covers everything below that folder; a pattern without wildcards that names
a folder (a path continues below it) covers it the same way; any other
pattern matches a path with exactly as many components.  ``X:`` patterns of
an entry remove files from its ``F:`` patterns.

*Specificity* of a match is ``(depth, literal)``: the number of components
of the pattern that matched, then how many of them hold no wildcard.  So
``xen/arch/arm/suspend.c`` (4, 4) beats ``xen/arch/arm/*.c`` (4, 3), which
beats ``xen/arch/arm/`` (3, 3).  An entry's specificity for a path is that
of its best matching pattern.  The *most specific* entries of a path are
all the entries (other than THE REST) with the highest specificity that
have at least one ``M:``; entries of that level without maintainers
(orphans, reviewer-only entries) are passed over and the next level
counts.  THE REST (the entry titled "THE REST", wherever it sits in the
file) is the most specific entry only when nothing else with maintainers
covers the path.

Check-in policy (what :func:`patch_acks` implements)
----------------------------------------------------
* The *required* maintainers of a file are the ``M:`` people of its most
  specific entries.  Their ``Acked-by`` or ``Reviewed-by`` approves the
  file (Xen counts a maintainer's Reviewed-by as an ack; ``R:`` reviewers
  and anyone else do not approve).
* Nested maintainership: with the default :class:`AckPolicy` an ack from
  a maintainer of a less specific entry covering the file, or from a
  maintainer of THE REST (who may ack anything in Xen), also approves it.
  The table keeps such acks apart (``primary=False``).
* Acks are collected from the patch's own trailers, the trailers of replies
  to the patch and the trailers of replies to the cover letter (those apply
  to every patch).  ``Signed-off-by`` of anyone is not an ack.
* A scoped ack (``Acked-by: A <a@x> # arm``) counts only for the files its
  scope names: the scope is split on ``,``, ``;``, ``&`` and the word
  "and"; a part containing ``/``, ``.`` or a wildcard is a path (a file,
  a folder prefix or a glob); any other part is a set of words, naming a
  file when every word appears in the title of an entry covering it
  (``arm`` -> "ARM ARCHITECTURE"; ``iommu`` -> "IOMMU VENDOR INDEPENDENT
  CODE") or, for a single word, when it is a folder name of its path
  (``common`` -> ``xen/common/...``).  A leading ``non-`` or ``!`` negates
  a part (``# non-arm``).  A leading "for" or "for the" is ignored.
* The author (``From:``) never acks their own patch: a maintainer's own
  patch needs an ack from another maintainer of the file (a co-maintainer,
  a maintainer of a less specific entry, or THE REST).  When the author is
  the only required maintainer, the people still missing are those others.
* A file is ``acked`` with at least one valid ack, ``missing`` when people
  who could ack it exist, ``no-maintainer`` when nobody can (no entry with
  maintainers covers it and there is no THE REST).  A series is
  committable when every file of every patch is acked.
* ``K:`` keywords do not make anyone's ack required; :func:`recipients`
  uses them to add people to Cc, as get_maintainer does.

Which MAINTAINERS
-----------------
Rules judge by the tree's file after the series' last patch (the state a
committer commits to; :func:`maintainers_for`), or by a parsed file the
engine hands them as ``ctx.data["maintainers"]``.  Without a tree
(``--no-apply``) they stay quiet: the bundled mini tree's maintainers are
fictional, and demanding their acks on a real patch would be wrong.
:func:`bundled_maintainers` is there for reviews against the mini tree.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from xenreview.diff.model import FileDiff, FileStatus
from xenreview.errors import InputError
from xenreview.ingest.model import Cover, Patch, Person, Series, Trailer
from xenreview.ingest.trailers import parse_person

if TYPE_CHECKING:
    from xenreview.rules.api import Context

__all__ = [
    "ACK_TRAILERS",
    "BUNDLED_SOURCE",
    "DATA_KEY",
    "REST_NAME",
    "Ack",
    "AckPolicy",
    "Entry",
    "FileAcks",
    "IgnoredAck",
    "Maintainers",
    "Match",
    "MissingAcks",
    "PatchAcks",
    "Pattern",
    "Recipients",
    "SeriesAcks",
    "Verdict",
    "bundled_maintainers",
    "last_patch",
    "load_maintainers",
    "maintainer_review_started",
    "maintainers_for",
    "parse_maintainers",
    "patch_acks",
    "patch_paths",
    "people_text",
    "read_at",
    "recipients",
    "same_person",
    "scope_covers",
    "series_acks",
]

REST_NAME: Final = "THE REST"
ACK_TRAILERS: Final = ("Acked-by", "Reviewed-by")

# The value is blanks and other characters taken together (possessive): no backtracking.
_FIELD: Final = re.compile(r"([A-Z]):[ \t]*+((?:[ \t]*+[^ \t\n])*+)[ \t]*+")
_KNOWN_FIELDS: Final = frozenset("MRSFXKL")
_KEPT_FIELDS: Final = frozenset("WTQBCPNV")
_WILDCARD: Final = re.compile(r"[*?\[]")
_WORD: Final = re.compile(r"[a-z0-9]+")
_SCOPE_SPLIT: Final = re.compile(r"[,;&]|\band\b", re.IGNORECASE)
_SCOPE_FILLER: Final = frozenset({"the", "for", "part", "parts", "bit", "bits", "side", "only"})

Specificity = tuple[int, int]


# -- records --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pattern:
    """One ``F:`` or ``X:`` value, split into path components."""

    text: str
    line: int  # 1-based line in the MAINTAINERS file
    parts: tuple[str, ...]
    directory: bool  # ended with "/": covers everything below
    literal: bool  # no wildcard at all

    @classmethod
    def parse(cls, text: str, line: int) -> Pattern:
        parts = tuple(p for p in text.split("/") if p)
        return cls(
            text=text,
            line=line,
            parts=parts,
            directory=text.endswith("/"),
            literal=_WILDCARD.search(text) is None,
        )

    def match(self, path: str) -> Specificity | None:
        """The specificity with which this pattern covers ``path``, else None."""
        comps = path.split("/")
        n = len(self.parts)
        if len(comps) < n:
            return None
        below = len(comps) > n
        if below and not (self.directory or self.literal):
            return None
        if not below and self.directory:
            return None  # a folder pattern never names a file itself
        for pat, comp in zip(self.parts, comps, strict=False):
            if pat != comp and not fnmatch.fnmatchcase(comp, pat):
                return None
        literal = sum(1 for p in self.parts if _WILDCARD.search(p) is None)
        return (n, literal)


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of MAINTAINERS, with its fields in file order."""

    name: str
    line: int  # the title's line
    maintainers: tuple[Person, ...] = ()
    reviewers: tuple[Person, ...] = ()
    status: str | None = None
    files: tuple[Pattern, ...] = ()
    exclusions: tuple[Pattern, ...] = ()
    keywords: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    other: tuple[tuple[str, str], ...] = ()  # (letter, value) of W:, T:, V: ...
    _keyword_res: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)

    @property
    def is_rest(self) -> bool:
        return self.name.strip().upper() == REST_NAME

    @property
    def list(self) -> str | None:
        """The first ``L:`` mailing list, if any."""
        return self.lists[0] if self.lists else None

    def match(self, path: str) -> tuple[Pattern, Specificity] | None:
        """The best ``F:`` pattern covering ``path`` (unless an ``X:`` excludes it)."""
        if any(x.match(path) is not None for x in self.exclusions):
            return None
        best: tuple[Pattern, Specificity] | None = None
        for pattern in self.files:
            spec = pattern.match(path)
            if spec is not None and (best is None or spec > best[1]):
                best = (pattern, spec)
        return best

    def keyword_in(self, text: str) -> bool:
        return any(r.search(text) for r in self._keyword_res)

    def maintained_by(self, person: Person) -> bool:
        return any(same_person(person, m) for m in self.maintainers)


@dataclass(frozen=True, slots=True)
class Match:
    entry: Entry
    pattern: Pattern
    specificity: Specificity


@dataclass(frozen=True, slots=True)
class Maintainers:
    """A parsed MAINTAINERS file: entries in file order."""

    source: str
    entries: tuple[Entry, ...]

    @property
    def rest(self) -> Entry | None:
        """THE REST, the catch-all entry, if the file has one."""
        for entry in self.entries:
            if entry.is_rest:
                return entry
        return None

    def entry(self, name: str) -> Entry | None:
        for entry in self.entries:
            if entry.name == name:
                return entry
        return None

    def matches(self, path: str) -> tuple[Match, ...]:
        """Entries other than THE REST covering ``path``, most specific first.

        Equally specific entries keep their file order.
        """
        found: list[Match] = []
        for entry in self.entries:
            if entry.is_rest:
                continue
            hit = entry.match(path)
            if hit is not None:
                found.append(Match(entry, hit[0], hit[1]))
        found.sort(key=lambda m: (-m.specificity[0], -m.specificity[1]))
        return tuple(found)

    def covering(self, path: str) -> tuple[Entry, ...]:
        """Every entry covering ``path``, most specific first; THE REST when none."""
        entries = tuple(m.entry for m in self.matches(path))
        if entries:
            return entries
        rest = self.rest
        return (rest,) if rest is not None else ()

    def most_specific(self, path: str) -> tuple[Entry, ...]:
        """The entries whose maintainers must ack ``path`` (see the module doc)."""
        levels = _levels(self.matches(path))
        for level in levels:
            with_people = tuple(m.entry for m in level if m.entry.maintainers)
            if with_people:
                return with_people
        rest = self.rest
        return (rest,) if rest is not None and rest.maintainers else ()

    def is_maintainer(self, person: Person) -> bool:
        return any(e.maintained_by(person) for e in self.entries)


def _levels(matches: Sequence[Match]) -> list[list[Match]]:
    levels: list[list[Match]] = []
    for match in matches:
        if levels and levels[-1][0].specificity == match.specificity:
            levels[-1].append(match)
        else:
            levels.append([match])
    return levels


def same_person(a: Person, b: Person) -> bool:
    """Same address (case-insensitive), or same name when either has no address."""
    if a.email and b.email:
        return a.email.casefold() == b.email.casefold()
    return bool(a.name) and a.name.casefold() == b.name.casefold()


def _add_person(people: list[Person], person: Person) -> None:
    if not any(same_person(person, p) for p in people):
        people.append(person)


# -- parsing --------------------------------------------------------------------


@dataclass
class _Builder:
    name: str
    line: int
    fields: int = 0
    maintainers: list[Person] = field(default_factory=list)
    reviewers: list[Person] = field(default_factory=list)
    status: str | None = None
    files: list[Pattern] = field(default_factory=list)
    exclusions: list[Pattern] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    keyword_res: list[re.Pattern[str]] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)
    other: list[tuple[str, str]] = field(default_factory=list)

    def build(self) -> Entry:
        return Entry(
            name=self.name,
            line=self.line,
            maintainers=tuple(self.maintainers),
            reviewers=tuple(self.reviewers),
            status=self.status,
            files=tuple(self.files),
            exclusions=tuple(self.exclusions),
            keywords=tuple(self.keywords),
            lists=tuple(self.lists),
            other=tuple(self.other),
            _keyword_res=tuple(self.keyword_res),
        )


def _is_field(line: str) -> re.Match[str] | None:
    return _FIELD.fullmatch(line)


def _first_title(lines: Sequence[str]) -> int | None:
    for i in range(len(lines) - 1):
        line = lines[i]
        if not line.strip() or line[0] in " \t" or _is_field(line):
            continue
        if _is_field(lines[i + 1]):
            return i
    return None


def _person(letter: str, value: str, source: str, lineno: int) -> Person:
    person, rest = parse_person(value)
    if person is None or rest or "@" not in person.email:
        raise InputError(
            f"{letter}: should name one person as 'Full Name <address>', not {value!r}",
            source=source,
            where=f"line {lineno}",
        )
    return person


def _pattern(letter: str, value: str, source: str, lineno: int) -> Pattern:
    parts = value.split("/")
    if (
        any(c.isspace() for c in value)
        or value.startswith("/")
        or "//" in value
        or any(p in {".", ".."} for p in parts)
    ):
        raise InputError(
            f"{letter}: should be a path pattern relative to the top of the tree"
            f" (no blanks, no leading '/', no '.' or '..'), not {value!r}",
            source=source,
            where=f"line {lineno}",
        )
    return Pattern.parse(value, lineno)


def _add_field(entry: _Builder, letter: str, value: str, source: str, lineno: int) -> None:
    where = f"line {lineno}"
    if letter not in _KNOWN_FIELDS and letter not in _KEPT_FIELDS:
        raise InputError(
            f"unknown field {letter}: in entry {entry.name!r}", source=source, where=where
        )
    if not value:
        raise InputError(
            f"empty {letter}: field in entry {entry.name!r}", source=source, where=where
        )
    entry.fields += 1
    if letter == "M":
        entry.maintainers.append(_person(letter, value, source, lineno))
    elif letter == "R":
        entry.reviewers.append(_person(letter, value, source, lineno))
    elif letter == "S":
        if entry.status is not None:
            raise InputError(
                f"entry {entry.name!r} has a second S: line", source=source, where=where
            )
        entry.status = value
    elif letter == "F":
        entry.files.append(_pattern(letter, value, source, lineno))
    elif letter == "X":
        entry.exclusions.append(_pattern(letter, value, source, lineno))
    elif letter == "K":
        try:
            compiled = re.compile(value)
        except re.error as exc:
            raise InputError(
                f"K: is not a valid regular expression ({exc})", source=source, where=where
            ) from None
        entry.keywords.append(value)
        entry.keyword_res.append(compiled)
    elif letter == "L":
        entry.lists.append(value)
    else:
        entry.other.append((letter, value))


def parse_maintainers(text: str, source: str) -> Maintainers:
    """Parse a MAINTAINERS file (see the module doc); ``source`` names it in errors."""
    lines = text.splitlines()
    start = _first_title(lines)
    if start is None:
        raise InputError(
            "no maintainer entry found (a title line followed by X: lines)", source=source
        )
    entries: list[Entry] = []
    current: _Builder | None = None
    for index in range(start, len(lines)):
        lineno = index + 1
        where = f"line {lineno}"
        line = lines[index]
        if not line.strip():
            if current is not None:
                entries.append(_close(current, source))
                current = None
            continue
        field_match = _is_field(line)
        if field_match is not None:
            if current is None:
                raise InputError(
                    f"field line {line.strip()[:40]!r} outside an entry (no title line above it)",
                    source=source,
                    where=where,
                )
            _add_field(current, field_match.group(1), field_match.group(2), source, lineno)
            continue
        if current is None:
            if line[0] in " \t":
                raise InputError(
                    f"unexpected indented line {line.strip()[:40]!r} between entries",
                    source=source,
                    where=where,
                )
            current = _Builder(name=line.strip(), line=lineno)
            continue
        raise InputError(
            f"malformed line {line.strip()[:40]!r} in entry {current.name!r}:"
            " expected a field such as 'F:<tab>path' or a blank line",
            source=source,
            where=where,
        )
    if current is not None:
        entries.append(_close(current, source))
    return Maintainers(source=source, entries=tuple(entries))


def _close(entry: _Builder, source: str) -> Entry:
    if entry.fields == 0:
        raise InputError(
            f"entry {entry.name!r} has no field lines", source=source, where=f"line {entry.line}"
        )
    return entry.build()


@functools.lru_cache(maxsize=16)
def _parse_cached(text: str, source: str) -> Maintainers:
    return parse_maintainers(text, source)


def load_maintainers(read: Callable[[str], str | None], source: str) -> Maintainers | None:
    """The tree's MAINTAINERS through ``read(path)``; None when the tree has none.

    Parsed once per distinct text (cached).  Raises
    :class:`~xenreview.errors.InputError` when the file is malformed.
    """
    text = read("MAINTAINERS")
    if text is None:
        return None
    return _parse_cached(text, source)


def bundled_maintainers() -> Maintainers:
    """The bundled mini tree's MAINTAINERS."""
    from xenreview.apply.tree import minitree_root

    path = minitree_root() / "MAINTAINERS"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot read the mini tree's MAINTAINERS: {exc}", source=str(path)
        ) from None
    return _parse_cached(text, BUNDLED_SOURCE)


BUNDLED_SOURCE: Final = "MAINTAINERS (mini tree)"
"""The ``source`` of :func:`bundled_maintainers` (stable across machines, for golden files)."""

DATA_KEY: Final = "maintainers"
"""``Context.data`` key under which the engine may hand rules a parsed MAINTAINERS."""


def last_patch(series: Series) -> int:
    """The number of the series' last patch (0 for an empty series)."""
    return max((p.number for p in series.patches), default=0)


def read_at(ctx: Context, path: str, after_patch: int) -> str | None:
    """``path`` in the tree after ``after_patch``; None without a tree or such a patch."""
    if ctx.tree is None:
        return None
    try:
        return ctx.tree.read(path, after_patch)
    except (ValueError, KeyError):
        return None


def maintainers_for(ctx: Context, *, after_patch: int | None = None) -> Maintainers | None:
    """The MAINTAINERS a rule judges by.

    ``ctx.data["maintainers"]`` when the engine supplies one; else the tree's
    file after ``after_patch`` (default: the series' last patch, the state
    that will be committed).  None without a tree (``--no-apply``: the mini
    tree's fictional maintainers would be wrong for a real patch), without a
    MAINTAINERS, or when it does not parse (ACK004 reports a patch that
    breaks it).
    """
    given = ctx.data.get(DATA_KEY)
    if isinstance(given, Maintainers):
        return given
    number = last_patch(ctx.series) if after_patch is None else after_patch
    text = read_at(ctx, "MAINTAINERS", number)
    if text is None:
        return None
    try:
        return _parse_cached(text, "MAINTAINERS")
    except InputError:
        return None


# -- scopes -----------------------------------------------------------------------


def _scope_part_covers(part: str, path: str, entries: Sequence[Entry]) -> bool:
    if any(c in part for c in "/.*?["):
        pattern = part.strip("/")
        return (
            path == pattern
            or path.startswith(pattern + "/")
            or fnmatch.fnmatchcase(path, pattern)
            or fnmatch.fnmatchcase(path, pattern + "/*")
        )
    words = [w for w in _WORD.findall(part.lower()) if w not in _SCOPE_FILLER]
    if not words:
        return False
    for entry in entries:
        if set(words) <= set(_WORD.findall(entry.name.lower())):
            return True
    folders = [c.lower() for c in path.split("/")[:-1]]
    return len(words) == 1 and words[0] in folders


def scope_covers(scope: str, path: str, entries: Sequence[Entry]) -> bool:
    """Whether a scoped ack's ``scope`` (the text after ``#``) names ``path``.

    ``entries`` are the entries covering ``path`` (:meth:`Maintainers.covering`).
    """
    for raw in _SCOPE_SPLIT.split(scope):
        part = raw.strip().lower()
        for prefix in ("for the ", "for "):
            if part.startswith(prefix):
                part = part[len(prefix) :].strip()
        negated = False
        if part.startswith("!"):
            negated, part = True, part[1:].strip()
        elif part.startswith("non-"):
            negated, part = True, part[4:].strip()
        if not part:
            continue
        if _scope_part_covers(part, path, entries) != negated:
            return True
    return False


# -- the policy -------------------------------------------------------------------


class Verdict(StrEnum):
    ACKED = "acked"
    MISSING = "missing"
    NO_MAINTAINER = "no-maintainer"


@dataclass(frozen=True, slots=True)
class AckPolicy:
    """Which acks approve a file (defaults: Xen's check-in policy, see the module doc)."""

    reviewed_by_counts: bool = True  # a maintainer's Reviewed-by is an ack
    outer_entries_may_ack: bool = True  # maintainers of less specific entries
    rest_may_ack_anything: bool = True  # THE REST's maintainers


@dataclass(frozen=True, slots=True)
class Ack:
    """An ``Acked-by``/``Reviewed-by`` that approves a file."""

    person: Person
    trailer: str  # "Acked-by" or "Reviewed-by"
    scope: str | None
    origin: str | None  # message-id of the reply it came in, None if in the patch
    from_cover: bool  # given in a reply to the cover letter
    entry: str  # the entry through which the person maintains the file
    primary: bool  # a maintainer of the most specific entry


@dataclass(frozen=True, slots=True)
class IgnoredAck:
    """An ack or review that does not approve a file, and why."""

    person: Person
    trailer: str
    scope: str | None
    origin: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class FileAcks:
    """Who must ack one file of a patch, who did, and the verdict."""

    path: str
    entries: tuple[str, ...]  # the most specific entries (the ones that must ack)
    required: tuple[Person, ...]  # their maintainers
    may_also_ack: tuple[Person, ...]  # maintainers of less specific entries and THE REST
    author_is_maintainer: bool
    acks: tuple[Ack, ...]
    ignored: tuple[IgnoredAck, ...]
    verdict: Verdict
    missing_from: tuple[Person, ...]  # one of them must still ack (empty when acked)


@dataclass(frozen=True, slots=True)
class PatchAcks:
    number: int
    total: int
    title: str
    message_id: str
    author: Person
    files: tuple[FileAcks, ...]

    @property
    def acked(self) -> bool:
        return all(f.verdict is Verdict.ACKED for f in self.files)


@dataclass(frozen=True, slots=True)
class MissingAcks:
    patch: int
    total: int
    path: str
    people: tuple[Person, ...]  # one of them must ack (empty: nobody maintains the file)


@dataclass(frozen=True, slots=True)
class SeriesAcks:
    title: str
    version: str
    maintainers_source: str
    patches: tuple[PatchAcks, ...]

    @property
    def committable(self) -> bool:
        return all(p.acked for p in self.patches)

    def missing(self) -> tuple[MissingAcks, ...]:
        return tuple(
            MissingAcks(p.number, p.total, f.path, f.missing_from)
            for p in self.patches
            for f in p.files
            if f.verdict is not Verdict.ACKED
        )

    @property
    def verdict(self) -> str:
        """``committable`` or ``missing acks from ...`` naming the people per file."""
        missing = self.missing()
        if not missing:
            return "committable"
        parts = []
        for item in missing:
            who = people_text(item.people) if item.people else "nobody (no maintainer listed)"
            parts.append(f"{who} for {item.path} ({item.patch}/{item.total})")
        return "missing acks from " + "; ".join(parts)


def people_text(people: Sequence[Person]) -> str:
    """``A``, ``A or B``, ``one of A, B or C`` (names, else addresses)."""
    names = [p.name or p.email for p in people]
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        return f"{names[0]} or {names[1]}"
    return "one of " + ", ".join(names[:-1]) + f" or {names[-1]}"


def patch_paths(patch: Patch) -> tuple[str, ...]:
    """The paths a patch touches: a rename touches its old and its new path."""
    paths: list[str] = []
    for f in patch.diff.files:
        for path in _file_paths(f):
            if path not in paths:
                paths.append(path)
    return tuple(paths)


def _file_paths(f: FileDiff) -> Iterator[str]:
    yield f.path
    if f.status is FileStatus.RENAMED and f.source_path and f.source_path != f.path:
        yield f.source_path


def _collected(patch: Patch, cover: Cover | None) -> list[tuple[Trailer, bool]]:
    found = [(t, False) for t in patch.all_trailers]
    if cover is not None:
        found.extend((t, True) for t in cover.followup_trailers)
    return found


def _file_acks(
    path: str,
    author: Person,
    trailers: Sequence[tuple[Trailer, bool]],
    maintainers: Maintainers,
    policy: AckPolicy,
) -> FileAcks:
    primary_entries = maintainers.most_specific(path)
    # Who may ack, in order: the most specific entries, the outer ones, THE REST.
    roles: list[tuple[Person, str, bool]] = []

    def add(people: Iterable[Person], entry: str, primary: bool) -> None:
        for person in people:
            if not any(same_person(person, p) for p, _, _ in roles):
                roles.append((person, entry, primary))

    for entry in primary_entries:
        add(entry.maintainers, entry.name, True)
    if policy.outer_entries_may_ack:
        for match in maintainers.matches(path):
            add(match.entry.maintainers, match.entry.name, False)
    rest = maintainers.rest
    if policy.rest_may_ack_anything and rest is not None:
        add(rest.maintainers, rest.name, False)

    covering = maintainers.covering(path)
    reviewers = [r for e in covering for r in e.reviewers]
    kinds = ACK_TRAILERS if policy.reviewed_by_counts else ACK_TRAILERS[:1]
    acks: list[Ack] = []
    ignored: list[IgnoredAck] = []
    for trailer, from_cover in trailers:
        person = trailer.person
        if trailer.name not in kinds or person is None:
            continue
        role = next((r for r in roles if same_person(person, r[0])), None)
        reason: str | None = None
        if same_person(person, author):
            reason = "the author's own"
        elif role is None:
            is_reviewer = any(same_person(person, r) for r in reviewers)
            reason = "a reviewer, not a maintainer" if is_reviewer else "not a maintainer"
        elif trailer.scope and not scope_covers(trailer.scope, path, covering):
            reason = f"outside its scope '# {trailer.scope}'"
        if reason is not None:
            ignored.append(IgnoredAck(person, trailer.name, trailer.scope, trailer.origin, reason))
        elif role is not None and not any(same_person(person, a.person) for a in acks):
            acks.append(
                Ack(
                    person,
                    trailer.name,
                    trailer.scope,
                    trailer.origin,
                    from_cover,
                    role[1],
                    role[2],
                )
            )

    required = tuple(p for p, _, primary in roles if primary)
    also = tuple(p for p, _, primary in roles if not primary)
    missing: tuple[Person, ...] = ()
    if acks:
        verdict = Verdict.ACKED
    else:
        missing = tuple(p for p in required if not same_person(p, author))
        if not missing:
            missing = tuple(p for p in also if not same_person(p, author))
        verdict = Verdict.MISSING if missing else Verdict.NO_MAINTAINER
    return FileAcks(
        path=path,
        entries=tuple(e.name for e in primary_entries),
        required=required,
        may_also_ack=also,
        author_is_maintainer=any(same_person(author, p) for p, _, _ in roles),
        acks=tuple(acks),
        ignored=tuple(ignored),
        verdict=verdict,
        missing_from=missing,
    )


def patch_acks(
    patch: Patch,
    maintainers: Maintainers,
    *,
    cover: Cover | None = None,
    policy: AckPolicy = AckPolicy(),
) -> PatchAcks:
    """The ack status of every file ``patch`` touches (see the module doc)."""
    trailers = _collected(patch, cover)
    files = tuple(
        _file_acks(path, patch.author, trailers, maintainers, policy) for path in patch_paths(patch)
    )
    return PatchAcks(
        number=patch.number,
        total=patch.total,
        title=patch.subject.title,
        message_id=patch.message_id,
        author=patch.author,
        files=files,
    )


def series_acks(
    series: Series, maintainers: Maintainers, *, policy: AckPolicy = AckPolicy()
) -> SeriesAcks:
    """The ack status of a whole series: per patch and file, and the verdict."""
    return SeriesAcks(
        title=series.title,
        version=series.version,
        maintainers_source=maintainers.source,
        patches=tuple(
            patch_acks(p, maintainers, cover=series.cover, policy=policy) for p in series.patches
        ),
    )


def maintainer_review_started(series: Series, maintainers: Maintainers) -> bool:
    """Whether some maintainer (``M:`` of any entry) has acked or reviewed part of it.

    Their own patches do not count.  ACK001 waits for this: a fresh posting
    normally has no ack yet, and the ack table already says who must give one.
    """
    checks: list[tuple[Trailer, Person]] = []
    for patch in series.patches:
        checks.extend((t, patch.author) for t in patch.all_trailers)
    if series.cover is not None:
        checks.extend((t, series.cover.message.author) for t in series.cover.followup_trailers)
    for trailer, author in checks:
        person = trailer.person
        if trailer.name not in ACK_TRAILERS or person is None or same_person(person, author):
            continue
        if maintainers.is_maintainer(person):
            return True
    return False


# -- recipients ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recipients:
    """Whom to send a patch to: maintainers, then reviewers, then the lists."""

    maintainers: tuple[Person, ...]
    reviewers: tuple[Person, ...]
    lists: tuple[str, ...]


def recipients(maintainers: Maintainers, paths: Iterable[str], text: str = "") -> Recipients:
    """The people and lists to Cc for ``paths`` (and ``K:`` matches in ``text``).

    Every entry covering a path counts (THE REST only for paths nothing else
    covers), plus every entry one of whose keywords matches ``text``.
    """
    entries: list[Entry] = []
    for path in paths:
        for entry in maintainers.covering(path):
            if entry not in entries:
                entries.append(entry)
    if text:
        for entry in maintainers.entries:
            if entry.keywords and entry not in entries and entry.keyword_in(text):
                entries.append(entry)
    people: list[Person] = []
    for entry in entries:
        for person in entry.maintainers:
            _add_person(people, person)
    reviewers: list[Person] = []
    for entry in entries:
        for person in entry.reviewers:
            if not any(same_person(person, p) for p in people):
                _add_person(reviewers, person)
    lists: list[str] = []
    for entry in entries:
        for address in entry.lists:
            if address not in lists:
                lists.append(address)
    return Recipients(tuple(people), tuple(reviewers), tuple(lists))
