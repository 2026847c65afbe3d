"""Series assembly: decoded mails -> versions of series.

The steps mirror how a maintainer sorts a thread by eye:

1. classify every mail: cover letter (``0/m``), patch (numbered, or carrying
   a diff), follow-up (a reply), or something else;
2. group patches and covers by version, splitting a version in two only
   when it has two cover letters (two postings of the same version);
3. order each series by ``n/m`` and report what is missing, duplicated or
   inconsistent;
4. attach follow-ups to the patch or cover they answer (walking
   In-Reply-To, then References from the nearest), collecting their trailers
   and inline comments as b4 does; a reply to the cover letter gives its
   trailers to the whole series.

Everything is deterministic: ties are broken by the order the mails were
read in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Generic, Protocol, TypeVar

from xenreview.diff.model import EMPTY_DIFF, Diff
from xenreview.diff.parse import parse_diff_lines
from xenreview.errors import DiffError
from xenreview.ingest.body import split_patch_body
from xenreview.ingest.model import (
    Cover,
    Ingested,
    Mail,
    Message,
    Patch,
    Problem,
    Series,
    Severity,
)

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class _Posting:
    """A patch or cover with the order it was read in."""

    order: int
    message: Message
    item: Patch | Cover


@dataclass(frozen=True, slots=True)
class _Reply(Generic[R]):
    """A follow-up: the ids it answers, and what :class:`Assembly` keeps of it."""

    in_reply_to: str | None
    references: tuple[str, ...]
    kept: R


class Assembly(Protocol[R]):
    """What series assembly makes of each mail, and how a follow-up is attached.

    The whole model (:func:`assemble`) builds every patch and parses every
    reply; ``show``'s streamed ingest (:mod:`.stream`) keeps only an index
    entry and the place of the text, so that assembly (grouping, ordering,
    the problems found on the way) is the same code for both.
    """

    def patch(self, mail: Mail) -> Patch: ...

    def cover(self, mail: Mail) -> Cover: ...

    def reply(self, mail: Mail) -> R: ...

    def attach(self, item: Patch | Cover, reply: R) -> Patch | Cover: ...


class _Whole:
    """The whole model: patches with their diffs, replies parsed and attached."""

    def patch(self, mail: Mail) -> Patch:
        return mail_to_patch(mail)

    def cover(self, mail: Mail) -> Cover:
        return mail_to_cover(mail)

    def reply(self, mail: Mail) -> Mail:
        return mail

    def attach(self, item: Patch | Cover, reply: Mail) -> Patch | Cover:
        return attach_followup(item, reply)


def attach_followup(item: Patch | Cover, reply: Mail) -> Patch | Cover:
    """``item`` with the trailers and review comments of one reply to it added."""
    from xenreview.ingest.followup import parse_followup  # only when there are replies

    diff = item.diff if isinstance(item, Patch) else None
    trailers, comments = parse_followup(reply, diff)
    return replace(
        item,
        followup_trailers=item.followup_trailers + trailers,
        review_comments=item.review_comments + comments,
    )


def mail_to_patch(mail: Mail, *, keep_lines: bool = True) -> Patch:
    """Split a patch mail into commit message, trailers, notes and diff.

    ``keep_lines=False`` gives summary hunks (counts, no lines: see
    :class:`~xenreview.diff.model.Hunk`), for ``show``.
    """
    parts = split_patch_body(mail.text)
    problems = list(mail.problems)
    diff: Diff = EMPTY_DIFF
    if parts.diff_text:
        try:
            diff = parse_diff_lines(
                parts.diff_lines,
                final_newline=parts.diff_text.endswith("\n"),
                source=mail.message.source,
                where=mail.message.where,
                first_line=parts.diff_first_line,
                keep_lines=keep_lines,
            )
        except DiffError as exc:
            problems.append(
                Problem(
                    code="malformed-diff",
                    message=exc.message,
                    source=exc.source or mail.message.source,
                    where=_join_where(mail.message.where, exc.where),
                    severity=Severity.ERROR,
                )
            )
    return Patch(
        message=mail.message,
        body=parts.body,
        trailers=parts.trailers,
        notes=parts.notes,
        base_commit=parts.base_commit,
        prerequisite_patch_ids=parts.prerequisite_patch_ids,
        diff=diff,
        problems=tuple(problems),
    )


def mail_to_cover(mail: Mail) -> Cover:
    parts = split_patch_body(mail.text)
    return Cover(
        message=mail.message,
        body=parts.body,
        notes=parts.notes,
        base_commit=parts.base_commit,
    )


def _join_where(outer: str | None, inner: str | None) -> str | None:
    if outer and inner:
        return f"{outer}, {inner}"
    return outer or inner


def _is_cover(mail: Mail) -> bool:
    subject = mail.message.subject
    return subject.counter_stated and subject.counter == 0 and not subject.is_reply


def _has_diff(mail: Mail) -> bool:
    text = mail.text
    return "\ndiff --git " in text or text.startswith("diff --git ") or "\n+++ " in text


def _is_patch(mail: Mail) -> bool:
    subject = mail.message.subject
    if subject.is_reply:
        return False
    if subject.counter_stated and subject.counter > 0:
        return True
    return _has_diff(mail)


def assemble(
    mails: Iterable[Mail],
    recovered: Sequence[Patch] = (),
    extra_problems: Sequence[Problem] = (),
) -> Ingested:
    """Group decoded mails (and patches recovered from archive copies) into series."""
    return assemble_with(_Whole(), mails, recovered, extra_problems)


def assemble_with(
    how: Assembly[R],
    mails: Iterable[Mail],
    recovered: Sequence[Patch] = (),
    extra_problems: Sequence[Problem] = (),
) -> Ingested:
    """:func:`assemble`, with patches, covers and replies made as ``how`` says.

    ``mails`` is read once, in order, and no mail is kept (only what ``how``
    makes of it); ``recovered`` is read only after ``mails`` is exhausted, so
    a generator may fill it while it is read.
    """
    postings: list[_Posting] = []
    followups: list[_Reply[R]] = []
    problems: list[Problem] = list(extra_problems)
    for order, mail in enumerate(mails):
        item: Patch | Cover
        if _is_cover(mail):
            item = how.cover(mail)
            postings.append(_Posting(order, item.message, item))
        elif _is_patch(mail):
            item = how.patch(mail)
            postings.append(_Posting(order, item.message, item))
        elif mail.message.subject.is_reply or mail.message.in_reply_to:
            followups.append(
                _Reply(mail.message.in_reply_to, mail.message.references, how.reply(mail))
            )
        else:
            problems.append(
                Problem(
                    code="not-a-patch",
                    message=f"message {mail.message.subject.raw!r} is neither a patch, "
                    "a cover letter nor a reply: ignored",
                    source=mail.message.source,
                    where=mail.message.where or None,
                    severity=Severity.NOTE,
                )
            )

    groups = _group(postings)
    by_id: dict[str, tuple[int, int]] = {}  # message-id -> (group, index in group)
    for g, group in enumerate(groups):
        for i, posting in enumerate(group):
            by_id.setdefault(posting.message.message_id, (g, i))

    # Attach follow-ups, in the order they were read.
    attached: list[list[Patch | Cover]] = [[p.item for p in group] for group in groups]
    for reply in followups:
        target = _find_target(reply, by_id)
        if target is None:
            continue
        g, i = target
        attached[g][i] = how.attach(attached[g][i], reply.kept)

    series = [
        _build_series(group, items, by_id) for group, items in zip(groups, attached, strict=True)
    ]
    for patch in recovered:
        series.append(_recovered_series(patch))
    series.sort(key=_series_key)
    return Ingested(series=tuple(series), problems=tuple(problems))


def _version_key(version: str) -> tuple[int, ...]:
    parts: list[int] = []
    for piece in version.split("."):
        parts.append(int(piece) if piece.isdigit() else 0)
    return tuple(parts)


def _series_key(series: Series) -> tuple[str, tuple[int, ...], int]:
    return (series.title, _version_key(series.version), series.total)


def _group(postings: list[_Posting]) -> list[list[_Posting]]:
    """Group postings by version; two covers of one version make two series."""
    by_version: dict[str, list[_Posting]] = {}
    for posting in postings:
        by_version.setdefault(posting.message.subject.version, []).append(posting)
    groups: list[list[_Posting]] = []
    for version in sorted(by_version, key=_version_key):
        members = by_version[version]
        covers = [p for p in members if isinstance(p.item, Cover)]
        if len(covers) <= 1:
            groups.append(members)
            continue
        # Two or more postings of the same version: split by thread root.
        split: dict[str, list[_Posting]] = {c.message.message_id: [c] for c in covers}
        loose: list[_Posting] = []
        for posting in members:
            if isinstance(posting.item, Cover):
                continue
            root = _root_among(posting.message, split)
            (split[root] if root is not None else loose).append(posting)
        groups.extend(split.values())
        if loose:
            groups.append(loose)
    return groups


def _root_among(message: Message, roots: dict[str, list[_Posting]]) -> str | None:
    chain = [*reversed(message.references)]
    if message.in_reply_to:
        chain.insert(0, message.in_reply_to)
    for ident in chain:
        if ident in roots:
            return ident
    return None


def _find_target(reply: _Reply[R], by_id: dict[str, tuple[int, int]]) -> tuple[int, int] | None:
    chain: list[str] = []
    if reply.in_reply_to:
        chain.append(reply.in_reply_to)
    chain.extend(reversed(reply.references))
    for ident in chain:
        if ident in by_id:
            return by_id[ident]
    return None


def _build_series(
    group: list[_Posting], items: list[Patch | Cover], by_id: dict[str, tuple[int, int]]
) -> Series:
    problems: list[Problem] = []
    first = group[0].message
    version = first.subject.version
    version_stated = any(p.message.subject.version_stated for p in group)
    source = first.source

    covers = [item for item in items if isinstance(item, Cover)]
    cover = covers[0] if covers else None
    patches = [item for item in items if isinstance(item, Patch)]

    totals = sorted(
        {p.total for p in patches} | ({cover.message.subject.total} if cover else set())
    )
    total = cover.message.subject.total if cover is not None else (max(totals) if totals else 0)
    if len(totals) > 1:
        problems.append(
            Problem(
                code="inconsistent-total",
                message="patches disagree on the series length: "
                + ", ".join(f"/{t}" for t in totals),
                source=source,
            )
        )

    # Order by n/m; keep the last-read posting of a duplicated number.
    by_number: dict[int, Patch] = {}
    for patch in patches:
        if patch.number in by_number:
            problems.append(
                Problem(
                    code="duplicate-patch",
                    message=f"patch {patch.number}/{patch.total} appears more than once; "
                    f"keeping {patch.message_id}",
                    source=patch.message.source,
                    where=patch.message.where or None,
                )
            )
        by_number[patch.number] = patch
    ordered = tuple(by_number[n] for n in sorted(by_number))
    missing = [n for n in range(1, total + 1) if n not in by_number]
    if missing:
        problems.append(
            Problem(
                code="missing-patch",
                message=f"missing patch{'es' if len(missing) > 1 else ''} "
                + ", ".join(f"{n}/{total}" for n in missing),
                source=source,
            )
        )
    if total > 1 and cover is None:
        problems.append(
            Problem(
                code="missing-cover-letter",
                message=f"no cover letter (0/{total}) for a {total}-patch series",
                source=source,
                severity=Severity.NOTE,
            )
        )

    # A posting in reply to a message of another series: a re-roll threaded
    # under an older version, or a single patch re-sent as vN.1.
    own = {p.message.message_id for p in group}
    for posting in group:
        parent = posting.message.in_reply_to
        if parent and parent not in own and parent in by_id:
            kind = "re-roll" if isinstance(posting.item, Cover) else "patch"
            problems.append(
                Problem(
                    code="reply-to-other-version",
                    message=f"{kind} {posting.message.subject.raw!r} (v{version}) was "
                    f"posted in reply to {parent}, which belongs to another series",
                    source=posting.message.source,
                    where=posting.message.where or None,
                    severity=Severity.NOTE,
                )
            )
    versions = {p.message.subject.version for p in group}
    if len(versions) > 1:
        problems.append(
            Problem(code="mixed-versions", message="mixed versions: " + ", ".join(sorted(versions)))
        )

    if cover is not None:
        title = cover.message.subject.title
    elif ordered:
        title = ordered[0].subject.title
    else:
        title = ""
    return Series(
        version=version,
        version_stated=version_stated,
        total=total,
        cover=cover,
        patches=ordered,
        problems=tuple(problems),
        title=title,
    )


def _recovered_series(patch: Patch) -> Series:
    total = patch.total
    missing = [n for n in range(1, total + 1) if n != patch.number]
    problems: list[Problem] = [
        Problem(
            code="reconstructed",
            message="recovered from a web-archive copy; missing: " + "; ".join(patch.missing),
            source=patch.message.source,
            severity=Severity.NOTE,
        )
    ]
    if missing:
        problems.append(
            Problem(
                code="missing-patch",
                message=f"only patch {patch.number}/{total} is in this archive copy",
                source=patch.message.source,
                severity=Severity.NOTE,
            )
        )
    return Series(
        version=patch.subject.version,
        version_stated=patch.subject.version_stated,
        total=total,
        cover=None,
        patches=(patch,),
        problems=tuple(problems),
        title=patch.subject.title,
        reconstructed=True,
    )
