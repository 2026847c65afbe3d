"""The series vocabulary, in the maintainers' own words.

A *series* is a set of *patches* posted together (one *version* of it), with
an optional *cover letter*; *follow-ups* are replies carrying *trailers*
(Reviewed-by, Acked-by...) and *review comments*.  Everything here is frozen
and holds tuples: later stages and rule plugins cannot change it.

Where a value was not written in the mail but worked out (a version of 1
when the subject has no ``vN``, ``1/1`` for an unnumbered patch), the record
says so with a ``*_stated`` flag, as b4 does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from xenreview.diff.model import EMPTY_DIFF, Diff


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the input that did not stop the run.

    ``code`` is a short kebab-case identifier (``missing-patch``,
    ``undecodable-bytes``...), ``source`` the input and ``where`` the place
    in it, as in :class:`xenreview.errors.XenreviewError`.
    """

    code: str
    message: str
    source: str | None = None
    where: str | None = None
    severity: Severity = Severity.WARNING


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str

    def __str__(self) -> str:
        if not self.email:
            return self.name
        return f"{self.name} <{self.email}>" if self.name else f"<{self.email}>"


@dataclass(frozen=True, slots=True)
class Subject:
    """A parsed subject line such as ``[PATCH v5.1 03/18] xen/arm: do X``.

    ``tags`` keeps every bracketed token that is not the version or the
    counter, upper-cased for the well-known ones (``PATCH``, ``RFC``,
    ``RESEND``) and verbatim for the rest (``for-4.21``, ``XEN``...).
    ``version`` is a string so that ``5.1`` survives; ``counter`` and
    ``total`` come from ``n/m``.  ``is_reply`` is set for ``Re:`` subjects.
    """

    raw: str
    title: str
    tags: tuple[str, ...]
    version: str
    version_stated: bool
    counter: int
    total: int
    counter_stated: bool
    is_reply: bool = False

    @property
    def is_rfc(self) -> bool:
        return "RFC" in self.tags

    @property
    def is_resend(self) -> bool:
        return "RESEND" in self.tags

    @property
    def is_patch(self) -> bool:
        return "PATCH" in self.tags or "RFC" in self.tags

    @property
    def area(self) -> str | None:
        """The ``area:`` part of ``area: summary`` (``xen/arm``), if any."""
        head, sep, _ = self.title.partition(": ")
        return head if sep and " " not in head.strip() else None


@dataclass(frozen=True, slots=True)
class Trailer:
    """One ``Name: value`` trailer line of a commit message or a reply.

    ``name`` is normalised to its usual capitalisation (``Signed-off-by``);
    ``person`` is set when the value is ``Name <addr>``; ``scope`` is the
    ``# arm`` comment of a scoped ack; ``extinfo`` any other text after the
    address.  ``origin`` is the message-id of the follow-up it came from, or
    ``None`` when it is in the patch itself.
    """

    name: str
    value: str
    person: Person | None = None
    scope: str | None = None
    extinfo: str | None = None
    origin: str | None = None
    line: str = ""

    @property
    def lname(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class QuotedLine:
    """A line a reviewer quoted, tied back to the patch where possible."""

    text: str  # without the "> " markers
    path: str | None = None
    target_no: int | None = None
    source_no: int | None = None


@dataclass(frozen=True, slots=True)
class ReviewComment:
    """A reviewer's own words in a follow-up, under the lines they quoted."""

    author: Person | None
    message_id: str | None
    text: str
    quoted: tuple[QuotedLine, ...] = ()
    date: str | None = None


@dataclass(frozen=True, slots=True)
class Message:
    """The mail-level facts of one message."""

    message_id: str
    in_reply_to: str | None
    references: tuple[str, ...]
    author: Person
    author_recovered: bool  # not read from From as is ("via Xen-devel" rewrite, archive copy)
    date: str | None  # RFC 5322 date as written
    timestamp: float | None  # seconds since the epoch, when the date parses
    subject: Subject
    to: tuple[Person, ...] = ()
    cc: tuple[Person, ...] = ()
    source: str = ""  # the input it came from
    where: str = ""  # its place in that input ("message 3")


@dataclass(frozen=True, slots=True)
class Patch:
    """One patch of a series."""

    message: Message
    body: str  # the commit message body, without the subject or trailers
    trailers: tuple[Trailer, ...]  # in the patch itself, in order
    notes: str  # the text between "---" and the diff (changelog, diffstat)
    base_commit: str | None
    prerequisite_patch_ids: tuple[str, ...]
    diff: Diff = EMPTY_DIFF
    followup_trailers: tuple[Trailer, ...] = ()  # collected from replies
    review_comments: tuple[ReviewComment, ...] = ()
    reconstructed: bool = False  # recovered from a mangled archive copy
    missing: tuple[str, ...] = ()  # what could not be recovered
    problems: tuple[Problem, ...] = ()

    @property
    def number(self) -> int:
        return self.message.subject.counter

    @property
    def total(self) -> int:
        return self.message.subject.total

    @property
    def subject(self) -> Subject:
        return self.message.subject

    @property
    def author(self) -> Person:
        return self.message.author

    @property
    def message_id(self) -> str:
        return self.message.message_id

    @property
    def all_trailers(self) -> tuple[Trailer, ...]:
        return self.trailers + self.followup_trailers


@dataclass(frozen=True, slots=True)
class Cover:
    """A cover letter (patch 0/m)."""

    message: Message
    body: str
    notes: str = ""
    base_commit: str | None = None
    followup_trailers: tuple[Trailer, ...] = ()  # apply to every patch
    review_comments: tuple[ReviewComment, ...] = ()


@dataclass(frozen=True, slots=True)
class Series:
    """One version of a series: the cover letter, the patches in order."""

    version: str
    version_stated: bool
    total: int
    cover: Cover | None
    patches: tuple[Patch, ...]
    problems: tuple[Problem, ...] = ()
    title: str = ""
    reconstructed: bool = False

    @property
    def base_commit(self) -> str | None:
        if self.cover is not None and self.cover.base_commit:
            return self.cover.base_commit
        for patch in self.patches:
            if patch.base_commit:
                return patch.base_commit
        return None


@dataclass(frozen=True, slots=True)
class Ingested:
    """Everything read from the sources of one run."""

    series: tuple[Series, ...]
    problems: tuple[Problem, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class RawMail:
    """The bytes of one message and where they came from."""

    data: bytes
    source: str  # the input: a path, "<stdin>", "git:A..B"
    where: str  # the place inside it: "message 3 (line 120)", "" for a single file


@dataclass(frozen=True, slots=True)
class Mail:
    """A decoded message before series assembly.

    ``text`` is the decoded plain-text body with ``\\n`` line ends (the
    ``\\r`` of CRLF mail removed, format=flowed undone).
    """

    message: Message
    text: str
    problems: tuple[Problem, ...] = ()
