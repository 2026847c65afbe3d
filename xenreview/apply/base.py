"""Checking a base by blob ids, and finding one that fits.

Each file diff made by git names the blob it was made against
(``index 1239c26..c3c8cfa``).  Before touching a tree, the first patch of
the series that touches each file says which blob the series expects at
that path in the base; a file the series creates must not exist yet.  A
base fits when every such file matches (the idea b4 uses).

Files without an ``index`` line (diffs made by other tools) cannot be
checked and are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xenreview.apply.model import BaseCheck
from xenreview.diff.model import FileStatus
from xenreview.ingest.model import Series


@dataclass(frozen=True, slots=True)
class Expectation:
    """What the series expects at ``path`` in its base (``blob`` None: no file)."""

    path: str
    patch: int
    blob: str | None


def is_null(blob: str | None) -> bool:
    return blob is None or set(blob) == {"0"}


def expectations(series: Series) -> tuple[Expectation, ...]:
    """One expectation per file the series touches first from the base."""
    seen: set[str] = set()
    out: list[Expectation] = []
    for patch in series.patches:
        for f in patch.diff.files:
            if f.status is FileStatus.ADDED or (f.source_path is None and f.target_path):
                path = f.target_path
                if path is not None and path not in seen and f.index_source is not None:
                    out.append(Expectation(path, patch.number, None))
            elif (
                f.source_path is not None
                and f.source_path not in seen
                and f.index_source is not None
                and not is_null(f.index_source)
            ):
                out.append(Expectation(f.source_path, patch.number, f.index_source.lower()))
            seen.update(p for p in (f.source_path, f.target_path) if p is not None)
    return tuple(out)


def _matches(expected: str | None, found: str | None) -> bool:
    if expected is None:
        return found is None
    return found is not None and found.startswith(expected)


Lookup = Callable[[Sequence[str]], list[tuple[str, str] | None]]
"""Object names -> ``(object id, type)`` or None, e.g. :meth:`Git.batch_check`."""


def check(lookup: Lookup, commit: str, wanted: Sequence[Expectation]) -> tuple[BaseCheck, ...]:
    """Compare every expectation with the blobs of ``commit``."""
    answers = lookup([f"{commit}:{e.path}" for e in wanted])
    out: list[BaseCheck] = []
    for e, answer in zip(wanted, answers, strict=True):
        found = answer[0] if answer is not None and answer[1] == "blob" else None
        out.append(BaseCheck(e.path, e.patch, e.blob, found, _matches(e.blob, found)))
    return tuple(out)


def search(lookup: Lookup, candidates: Sequence[str], wanted: Sequence[Expectation]) -> str | None:
    """The first of ``candidates`` (newest first) where every expectation holds."""
    if not wanted:
        return None
    names = [f"{commit}:{e.path}" for commit in candidates for e in wanted]
    answers = lookup(names)
    width = len(wanted)
    for index, commit in enumerate(candidates):
        row = answers[index * width : (index + 1) * width]
        if all(
            _matches(e.blob, a[0] if a is not None and a[1] == "blob" else None)
            for e, a in zip(wanted, row, strict=True)
        ):
            return commit
    return None


def missing_blobs(lookup: Lookup, blobs: Sequence[str]) -> tuple[str, ...]:
    """The abbreviated blob ids of ``blobs`` that the repository does not have."""
    unique = sorted(set(blobs))
    answers = lookup(unique)
    return tuple(blob for blob, answer in zip(unique, answers, strict=True) if answer is None)
