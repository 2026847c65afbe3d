"""Ingest for ``xenreview show``: memory that does not grow with the input.

``show`` prints each patch once and never needs the whole model at once, so
:func:`open_show` reads every source once, as :func:`~xenreview.ingest.ingest`
does, but keeps only an *index*: every series with its cover letter and
patches reduced to their message (subject, ids, author, date: To and Cc are
set aside), their ``base-commit`` and, for an archive copy, what it lacks.
The decoded text of every message goes to an anonymous temporary file (the
*spool*), and :meth:`Shown.patches` builds the patches of one series again
from it, one at a time, with the replies to each attached: every patch (and
cover letter) it gives is equal to the one :func:`~xenreview.ingest.ingest`
builds, except that by default (``summary=True``) the hunks of a patch
nobody replied to are summaries: their lines counted, not kept (see
:class:`~xenreview.diff.model.Hunk`), which is all ``show`` prints of them
and spares building every line.  Grouping, ordering and the series'
problems are the same code (:func:`~xenreview.ingest.series.assemble_with`).

What stays in memory is the index, a few hundred bytes per message
(``docs/performance.md`` has the figure), one message being read and one
patch being shown; the spool on disk is about the size of the input.
:class:`Whole` gives the same interface over an already built
:class:`~xenreview.ingest.model.Ingested`, so the ``show`` renderers serve
both.
"""

from __future__ import annotations

import io
import pickle
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import IO, BinaryIO, Protocol

from xenreview.diff.model import EMPTY_DIFF
from xenreview.errors import LimitError
from xenreview.ingest.model import (
    Cover,
    Ingested,
    Mail,
    Message,
    Patch,
    Person,
    Problem,
    Severity,
)
from xenreview.settings import Settings

__all__ = ["ShowSource", "Shown", "Whole", "open_show"]


class ShowSource(Protocol):
    """The series of a run as ``show`` reads them.

    ``index`` holds every series, in order, with its own problems; its
    patches and cover letter may be reduced to what the series heading
    needs (subject, ids, ``base_commit``).  :meth:`cover` and :meth:`patches`
    give them whole, by the series' position in ``index.series``.
    """

    @property
    def index(self) -> Ingested: ...

    def cover(self, position: int) -> Cover | None: ...

    def patches(self, position: int) -> Iterator[Patch]: ...


class Whole:
    """:class:`ShowSource` over a whole model, already in memory."""

    __slots__ = ("_ingested",)

    def __init__(self, ingested: Ingested) -> None:
        self._ingested = ingested

    @property
    def index(self) -> Ingested:
        return self._ingested

    def cover(self, position: int) -> Cover | None:
        return self._ingested.series[position].cover

    def patches(self, position: int) -> Iterator[Patch]:
        return iter(self._ingested.series[position].patches)


@dataclass(frozen=True, slots=True)
class _Entry:
    """What the spool holds of a cover letter, a patch or a reply, and where.

    ``size`` bytes of UTF-8 text (a pickle for a reply or an archive copy's
    patch) at ``offset``, then ``extra`` bytes of pickled ``(to, cc,
    problems)`` when the mail had any of them; ``replies`` are the replies
    to a cover letter or patch, in the order they were read.
    """

    offset: int
    size: int
    extra: int = 0
    replies: tuple[_Entry, ...] = ()
    recovered: bool = False  # the pickled patch of an archive copy


@dataclass(frozen=True, slots=True)
class _SeriesEntries:
    cover: _Entry | None
    patches: tuple[_Entry, ...]


class _Spool:
    """An anonymous temporary file: written while reading, read while showing."""

    __slots__ = ("end", "file")

    def __init__(self) -> None:
        self.file: IO[bytes]
        try:
            # Closed by close(), which Shown (a context manager) calls.
            self.file = tempfile.TemporaryFile(prefix="xenreview-show-")  # noqa: SIM115
        except OSError:
            self.file = io.BytesIO()  # no usable temporary directory: in memory, as ingest()
        self.end = 0

    def put(self, data: bytes, extra: bytes = b"", *, recovered: bool = False) -> _Entry:
        entry = _Entry(self.end, len(data), len(extra), recovered=recovered)
        self.file.write(data)
        if extra:
            self.file.write(extra)
        self.end += len(data) + len(extra)
        return entry

    def get(self, entry: _Entry) -> bytes:
        self.file.seek(entry.offset)
        return self.file.read(entry.size + entry.extra)

    def close(self) -> None:
        self.file.close()


def _base_commit(text: str) -> str | None:
    """The ``base-commit:`` of a body, as :func:`split_patch_body` finds it."""
    if "base-commit:" not in text:
        return None  # the usual case: no need to split the body now
    from xenreview.ingest.body import split_patch_body

    return split_patch_body(text).base_commit


class _Indexer:
    """:class:`~xenreview.ingest.series.Assembly` keeping index entries, the text spooled."""

    __slots__ = ("entries", "ids", "people", "spool", "tags")

    def __init__(self, spool: _Spool) -> None:
        self.spool = spool
        # By id() of the index's cover or patch; every one is alive until the
        # index is built (the assembly keeps them), so no id is reused meanwhile.
        self.entries: dict[int, _Entry] = {}
        # One copy of what many messages repeat (the thread's root, the author...).
        self.ids: dict[str, str] = {}
        self.people: dict[Person, Person] = {}
        self.tags: dict[tuple[str, ...], tuple[str, ...]] = {}

    def _message(self, message: Message) -> Message:
        """The message as the index keeps it: no To and Cc, repeated values shared."""
        ids = self.ids
        subject = message.subject
        return replace(
            message,
            in_reply_to=None
            if message.in_reply_to is None
            else ids.setdefault(message.in_reply_to, message.in_reply_to),
            references=tuple(ids.setdefault(ref, ref) for ref in message.references),
            author=self.people.setdefault(message.author, message.author),
            subject=replace(subject, tags=self.tags.setdefault(subject.tags, subject.tags)),
            to=(),
            cc=(),
        )

    def _mail(self, item: Patch | Cover, mail: Mail) -> None:
        message = mail.message
        extra = b""
        if message.to or message.cc or mail.problems:
            extra = pickle.dumps((message.to, message.cc, mail.problems), pickle.HIGHEST_PROTOCOL)
        self.entries[id(item)] = self.spool.put(mail.text.encode("utf-8", "surrogatepass"), extra)

    def patch(self, mail: Mail) -> Patch:
        item = Patch(
            message=self._message(mail.message),
            body="",
            trailers=(),
            notes="",
            base_commit=_base_commit(mail.text),
            prerequisite_patch_ids=(),
        )
        self._mail(item, mail)
        return item

    def cover(self, mail: Mail) -> Cover:
        item = Cover(
            message=self._message(mail.message), body="", base_commit=_base_commit(mail.text)
        )
        self._mail(item, mail)
        return item

    def reply(self, mail: Mail) -> _Entry:
        return self.spool.put(pickle.dumps(mail, pickle.HIGHEST_PROTOCOL))

    def attach(self, item: Patch | Cover, reply: _Entry) -> Patch | Cover:
        entry = self.entries[id(item)]
        self.entries[id(item)] = replace(entry, replies=(*entry.replies, reply))
        return item

    def recovered(self, patch: Patch) -> Patch:
        """An archive copy's patch: the index keeps what its series needs."""
        item = replace(
            patch,
            message=self._message(patch.message),
            body="",
            trailers=(),
            notes="",
            diff=EMPTY_DIFF,
            followup_trailers=(),
            review_comments=(),
            problems=(),
        )
        data = pickle.dumps(patch, pickle.HIGHEST_PROTOCOL)
        self.entries[id(item)] = self.spool.put(data, recovered=True)
        return item


class Shown:
    """The series of a run: an index in memory, whole patches built on demand.

    A context manager: leaving it removes the spool.  See the module's
    docstring.
    """

    __slots__ = ("_entries", "_errors", "_index", "_spool", "_summary")

    def __init__(
        self,
        index: Ingested,
        entries: Sequence[_SeriesEntries],
        spool: _Spool,
        *,
        summary: bool = True,
    ) -> None:
        self._index = index
        self._entries = tuple(entries)
        self._spool = spool
        self._summary = summary
        self._errors: dict[int, list[Problem]] = {}

    @property
    def index(self) -> Ingested:
        return self._index

    def __enter__(self) -> Shown:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._spool.close()

    def cover(self, position: int) -> Cover | None:
        light = self._index.series[position].cover
        entry = self._entries[position].cover
        if light is None or entry is None:
            return None
        from xenreview.ingest.series import mail_to_cover

        item = self._replies(mail_to_cover(self._mail(light.message, entry)), entry)
        assert isinstance(item, Cover)
        return item

    def patches(self, position: int) -> Iterator[Patch]:
        """The whole patches of one series, in order, each built when asked for.

        With ``summary``, the hunks of a patch without replies are summaries
        (replies need the lines: their quotes are tied to them).  The
        patches' problems of severity error are remembered for :meth:`errors`.
        """
        from xenreview.ingest.series import mail_to_patch

        lights = self._index.series[position].patches
        errors = self._errors.setdefault(position, [])
        errors.clear()
        for light, entry in zip(lights, self._entries[position].patches, strict=True):
            if entry.recovered:
                patch = pickle.loads(self._spool.get(entry))
                assert isinstance(patch, Patch)
            else:
                mail = self._mail(light.message, entry)
                keep_lines = not self._summary or bool(entry.replies)
                built = self._replies(mail_to_patch(mail, keep_lines=keep_lines), entry)
                assert isinstance(built, Patch)
                patch = built
            errors.extend(p for p in patch.problems if p.severity is Severity.ERROR)
            yield patch

    def errors(self) -> tuple[Problem, ...]:
        """Every problem of severity error, in the order the whole model lists them.

        That is: the run's, then each series' own and its patches' (of the
        series whose patches were read).
        """
        found = [p for p in self._index.problems if p.severity is Severity.ERROR]
        for position, series in enumerate(self._index.series):
            found.extend(p for p in series.problems if p.severity is Severity.ERROR)
            found.extend(self._errors.get(position, ()))
        return tuple(found)

    def _mail(self, message: Message, entry: _Entry) -> Mail:
        data = self._spool.get(entry)
        text = data[: entry.size].decode("utf-8", "surrogatepass")
        problems: tuple[Problem, ...] = ()
        if entry.extra:
            kept = pickle.loads(data[entry.size :])
            to: tuple[Person, ...] = kept[0]
            cc: tuple[Person, ...] = kept[1]
            problems = kept[2]
            if to or cc:
                message = replace(message, to=to, cc=cc)
        return Mail(message=message, text=text, problems=problems)

    def _replies(self, item: Patch | Cover, entry: _Entry) -> Patch | Cover:
        from xenreview.ingest.series import attach_followup

        for place in entry.replies:
            reply = pickle.loads(self._spool.get(place))
            assert isinstance(reply, Mail)
            item = attach_followup(item, reply)
        return item


def open_show(
    specs: Sequence[str],
    settings: Settings,
    *,
    git_range: str | None = None,
    repo: Path | None = None,
    stdin: BinaryIO | None = None,
    summary: bool = True,
) -> Shown:
    """Read every source once into an index and a spool (see the module's docstring).

    Raises what :func:`~xenreview.ingest.ingest` raises, for the same input.
    ``summary=False`` gives patches equal to those of ``ingest`` in every way.
    """
    from xenreview.ingest import _gc_paused

    spool = _Spool()
    try:
        with _gc_paused():
            index, entries = _scan(
                specs, settings, spool, git_range=git_range, repo=repo, stdin=stdin
            )
    except BaseException:
        spool.close()
        raise
    return Shown(index, entries, spool, summary=summary)


def _scan(
    specs: Sequence[str],
    settings: Settings,
    spool: _Spool,
    *,
    git_range: str | None,
    repo: Path | None,
    stdin: BinaryIO | None,
) -> tuple[Ingested, list[_SeriesEntries]]:
    from xenreview.ingest import iter_raw
    from xenreview.ingest.archive import looks_like_archive, recover
    from xenreview.ingest.mail import parse_mail
    from xenreview.ingest.series import assemble_with

    indexer = _Indexer(spool)
    recovered: list[Patch] = []

    def mails() -> Iterator[Mail]:
        # As ingest() reads: the same limit, the same order, one message at a time.
        raws = iter_raw(specs, settings, git_range=git_range, repo=repo, stdin=stdin)
        for count, raw in enumerate(raws, start=1):
            if count > settings.max_patches:
                raise LimitError(
                    f"more than {settings.max_patches} messages "
                    "(raise the limit with --max-patches)",
                    source=raw.source,
                    where=raw.where or None,
                )
            if looks_like_archive(raw.data):
                recovered.append(indexer.recovered(recover(raw).patch))
            else:
                yield parse_mail(raw, settings)

    index = assemble_with(indexer, mails(), recovered, [])
    found = indexer.entries
    entries = [
        _SeriesEntries(
            cover=None if s.cover is None else found[id(s.cover)],
            patches=tuple(found[id(p)] for p in s.patches),
        )
        for s in index.series
    ]
    return index, entries
