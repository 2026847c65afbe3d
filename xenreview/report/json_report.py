"""The JSON document of ``xenreview show`` (schema documented in docs/json.md).

The schema is versioned by ``schema_version``; later stages add keys (apply
outcomes, findings, model results) without renaming or removing these.
Keys are written in a fixed order so the output is diffable.

:func:`show_document` builds the whole document; :func:`write_show` writes
the same text as ``json.dumps`` of it, one patch at a time, for ``show``'s
streamed ingest (:mod:`xenreview.ingest.stream`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from xenreview import __version__
from xenreview.diff.model import FileDiff, Hunk, LineKind
from xenreview.ingest.model import (
    Cover,
    Ingested,
    Message,
    Patch,
    Person,
    Problem,
    ReviewComment,
    Series,
    Trailer,
)

if TYPE_CHECKING:
    from xenreview.ingest.stream import ShowSource

SCHEMA_VERSION = 1

T = TypeVar("T")

# Looked up once: reading an enum member off its class is slow in Python 3.11,
# and the line counts below read one per diff line.
_ADDED = LineKind.ADDED
_REMOVED = LineKind.REMOVED


def person(p: Person | None) -> dict[str, str] | None:
    if p is None:
        return None
    return {"name": p.name, "email": p.email}


def problem(p: Problem) -> dict[str, Any]:
    return {
        "code": p.code,
        "severity": p.severity.value,
        "message": p.message,
        "source": p.source,
        "where": p.where,
    }


def trailer(t: Trailer) -> dict[str, Any]:
    return {
        "name": t.name,
        "value": t.value,
        "person": person(t.person),
        "scope": t.scope,
        "extinfo": t.extinfo,
        "origin": t.origin,
    }


def comment(c: ReviewComment) -> dict[str, Any]:
    return {
        "author": person(c.author),
        "message_id": c.message_id,
        "date": c.date,
        "text": c.text,
        "quoted": [
            {
                "text": q.text,
                "path": q.path,
                "target_line": q.target_no,
                "source_line": q.source_no,
            }
            for q in c.quoted
        ],
    }


def hunk(h: Hunk) -> dict[str, Any]:
    if h.counts is not None:  # a summary hunk: counted when parsed
        added, removed = h.counts
    else:
        added = removed = 0
        for line in h.lines:
            kind = line.kind
            if kind is _ADDED:
                added += 1
            elif kind is _REMOVED:
                removed += 1
    return {
        "source_start": h.source_start,
        "source_length": h.source_length,
        "target_start": h.target_start,
        "target_length": h.target_length,
        "section": h.section,
        "added": added,
        "removed": removed,
    }


def file_diff(f: FileDiff) -> dict[str, Any]:
    hunks = [hunk(h) for h in f.hunks]  # each hunk's lines are counted once
    return {
        "path": f.path,
        "old_path": f.source_path,
        "status": f.status.value,
        "binary": f.binary,
        "old_mode": f.old_mode,
        "new_mode": f.new_mode,
        "added": sum(h["added"] for h in hunks),
        "removed": sum(h["removed"] for h in hunks),
        "hunks": hunks,
    }


def message(m: Message) -> dict[str, Any]:
    s = m.subject
    return {
        "message_id": m.message_id,
        "in_reply_to": m.in_reply_to,
        "references": list(m.references),
        "subject": s.title,
        "subject_raw": s.raw,
        "tags": list(s.tags),
        "version": s.version,
        "version_stated": s.version_stated,
        "number_stated": s.counter_stated,
        "author": person(m.author),
        "author_recovered": m.author_recovered,
        "date": m.date,
        "source": m.source,
        "where": m.where or None,
    }


def patch(p: Patch) -> dict[str, Any]:
    files = [file_diff(f) for f in p.diff.files]
    out: dict[str, Any] = {"number": p.number, "total": p.total}
    out.update(message(p.message))
    out.update(
        {
            "body": p.body,
            "trailers": [trailer(t) for t in p.trailers],
            "followup_trailers": [trailer(t) for t in p.followup_trailers],
            "notes": p.notes,
            "base_commit": p.base_commit,
            "prerequisite_patch_ids": list(p.prerequisite_patch_ids),
            "reconstructed": p.reconstructed,
            "missing": list(p.missing),
            "review_comments": [comment(c) for c in p.review_comments],
            "added": sum(f["added"] for f in files),
            "removed": sum(f["removed"] for f in files),
            "files": files,
            "problems": [problem(x) for x in p.problems],
        }
    )
    return out


def cover(c: Cover | None) -> dict[str, Any] | None:
    if c is None:
        return None
    out = message(c.message)
    out.update(
        {
            "body": c.body,
            "notes": c.notes,
            "base_commit": c.base_commit,
            "followup_trailers": [trailer(t) for t in c.followup_trailers],
            "review_comments": [comment(x) for x in c.review_comments],
        }
    )
    return out


def series(s: Series) -> dict[str, Any]:
    return _series(s, s.cover, [patch(p) for p in s.patches])


def _series(s: Series, c: Cover | None, patches: object) -> dict[str, Any]:
    return {
        "title": s.title,
        "version": s.version,
        "version_stated": s.version_stated,
        "total": s.total,
        "base_commit": s.base_commit,
        "reconstructed": s.reconstructed,
        "cover": cover(c),
        "problems": [problem(p) for p in s.problems],
        "patches": patches,
    }


def show_document(ingested: Ingested) -> dict[str, Any]:
    """The whole ``show --format json`` document."""
    return _document(ingested, [series(s) for s in ingested.series])


def _document(ingested: Ingested, series_list: object) -> dict[str, Any]:
    return {
        "schema": "xenreview",
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "xenreview", "version": __version__},
        "problems": [problem(p) for p in ingested.problems],
        "series": series_list,
    }


# --------------------------------------------------------------------------
# Streaming: the same text, one patch in memory at a time

# Stands for a list written piece by piece; JSON-escaped, it cannot be the
# text of any other value (and it is always the last value of its object).
_HOLE = "\x00xenreview: streamed\x00"
_HOLE_JSON = json.dumps(_HOLE)


def _dumps(value: object, indent: int | None, level: int) -> str:
    """``value`` as ``json.dumps`` writes it ``level`` containers deep in a document."""
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    if indent is None or level == 0:
        return text
    return text.replace("\n", "\n" + " " * (indent * level))  # newlines in strings are "\\n"


def _around_hole(text: str) -> tuple[str, str]:
    head, hole, tail = text.rpartition(_HOLE_JSON)
    assert hole, "the streamed list is missing from the document"
    return head, tail


def _write_list(
    write: Callable[[str], object],
    items: Iterable[T],
    emit: Callable[[T], None],
    indent: int | None,
    level: int,
) -> None:
    """A list ``level`` containers deep; ``emit`` writes one item."""
    pad = "" if indent is None else "\n" + " " * (indent * (level + 1))
    empty = True
    for item in items:
        write(("[" if empty else "," if indent is not None else ", ") + pad)
        empty = False
        emit(item)
    if empty:
        write("[]")
    else:
        write(("" if indent is None else "\n" + " " * (indent * level)) + "]")


def write_show(
    write: Callable[[str], object], source: ShowSource, *, indent: int | None = None
) -> None:
    """Write the ``show`` document: ``json.dumps(show_document(...), indent=indent)``.

    The text is the same, byte for byte, but only one patch's part of the
    document is built at a time: with :func:`xenreview.ingest.stream.open_show`
    memory does not grow with the number of patches.  No final newline.
    """
    index = source.index

    def one_patch(p: Patch) -> None:
        write(_dumps(patch(p), indent, 4))

    def one_series(item: tuple[int, Series]) -> None:
        position, s = item
        head, tail = _around_hole(_dumps(_series(s, source.cover(position), _HOLE), indent, 2))
        write(head)
        _write_list(write, source.patches(position), one_patch, indent, 3)
        write(tail)

    head, tail = _around_hole(_dumps(_document(index, _HOLE), indent, 0))
    write(head)
    _write_list(write, enumerate(index.series), one_series, indent, 1)
    write(tail)
