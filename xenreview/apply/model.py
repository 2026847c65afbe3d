"""The apply vocabulary: what happened when a series was applied to a tree.

Every record is frozen and holds tuples.  :class:`AppliedSeries` is the one
exception to "plain data": it also owns the temporary git repository the
series was applied in, so later stages can read any file before and after
any patch (:meth:`AppliedSeries.read`).  Close it (or use it as a context
manager) to remove that repository.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from types import TracebackType
from typing import Protocol

from xenreview.ingest.model import Series


class Outcome(StrEnum):
    """What became of one patch."""

    APPLIED = "applied"  # applied exactly where the hunks say
    APPLIED_OFFSET = "applied-offset"  # applied, some hunk found at another line (or with fuzz)
    APPLIED_3WAY = "applied-3way"  # the plain apply failed; a 3-way merge succeeded
    CONFLICT = "conflict"  # neither applies: a hunk's context is not in the file
    BASE_MISSING = "base-missing"  # it fails and the blobs it was made against are not here
    NOT_ATTEMPTED = "not-attempted"  # depends on a failed patch, or carries no usable diff

    @property
    def applied(self) -> bool:
        return self in (Outcome.APPLIED, Outcome.APPLIED_OFFSET, Outcome.APPLIED_3WAY)


class BaseSource(StrEnum):
    """Where the base commit came from."""

    OPTION = "--base"
    BASE_COMMIT = "base-commit"
    HEAD = "HEAD"
    MINI_TREE = "mini tree"
    FIND_BASE = "--find-base"


@dataclass(frozen=True, slots=True)
class BaseCheck:
    """One file of the series checked against the base by its blob id.

    ``expected`` is the abbreviated blob id of the ``index`` line of the
    first patch touching the file, or ``None`` for a file the series creates
    (which must then not exist); ``found`` is the full blob id at that path
    in the base, ``None`` when there is no file there.
    """

    path: str
    patch: int
    expected: str | None
    found: str | None
    matches: bool


@dataclass(frozen=True, slots=True)
class HunkOffset:
    """A hunk that applied at another line than its header says."""

    path: str
    hunk: int  # 1-based, within the file's hunks
    header: str
    line: int  # where it applied (1-based)
    offset: int  # lines away from where the header said
    fuzz: int = 0


@dataclass(frozen=True, slots=True)
class NearestMatch:
    """The lines of the file that look most like what a failing hunk expects."""

    line: int  # 1-based number of the first line
    lines: tuple[str, ...]
    similarity: float  # 0..1 (difflib ratio)


@dataclass(frozen=True, slots=True)
class HunkFailure:
    """Why one file (and, when git names it, one hunk) of a patch did not apply.

    ``reason`` is git's own message; ``explanation`` is ours, from comparing
    the hunk's source lines (``expected``) with the file.  ``hunk`` and
    ``header`` are ``None`` when the failure concerns the whole file (it does
    not exist, it already exists).
    """

    path: str
    hunk: int | None
    header: str | None
    reason: str
    explanation: str
    nearest: NearestMatch | None = None
    expected: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PatchResult:
    """The outcome of one patch.

    ``commit`` is the commit made by this patch (``None`` unless it applied).
    ``offsets`` lists the hunks that applied elsewhere; ``failures`` the
    files and hunks that did not apply; ``conflicts`` git's own conflict
    lines of a failed 3-way merge; ``missing_blobs`` the ``index`` blob ids
    that are not in the repository (why a patch is ``base-missing``);
    ``depends_on`` the failed patches a not-attempted patch depends on.
    ``reason`` is a one-line summary for anything but a clean apply.
    """

    number: int
    title: str
    outcome: Outcome
    commit: str | None
    offsets: tuple[HunkOffset, ...] = ()
    failures: tuple[HunkFailure, ...] = ()
    conflicts: tuple[str, ...] = ()
    missing_blobs: tuple[str, ...] = ()
    depends_on: tuple[int, ...] = ()
    reason: str = ""


@dataclass(frozen=True, slots=True)
class BuildResult:
    """The build check of the tree after one patch (``patch`` 0: the base)."""

    patch: int
    ok: bool
    command: tuple[str, ...]
    errors: tuple[str, ...] = ()  # the first error lines


class ObjectReader(Protocol):
    """Reads blobs of the repository an :class:`AppliedSeries` lives on."""

    def read_blob(self, commit: str, path: str) -> bytes | None: ...

    def list_paths(self, commit: str) -> tuple[str, ...]: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class AppliedSeries:
    """A series applied to a tree, patch by patch.

    ``base`` is the base commit id and ``base_source`` says where it came
    from; ``checks`` is the blob-id check of the base, ``results`` one
    record per patch in series order, ``builds`` the build checks (empty
    without ``--build``), ``notes`` what the user should know about the run
    (a ``base-commit:`` that is not in the tree...).  ``tree`` names the tree
    (``"mini tree"`` or the path given).
    """

    series: Series
    tree: str
    base: str
    base_source: BaseSource
    checks: tuple[BaseCheck, ...]
    results: tuple[PatchResult, ...]
    builds: tuple[BuildResult, ...] = ()
    notes: tuple[str, ...] = ()
    reader: ObjectReader | None = field(default=None, repr=False, compare=False)

    # -- the state of the tree -------------------------------------------------

    @property
    def base_matches(self) -> bool:
        return all(check.matches for check in self.checks)

    @property
    def all_applied(self) -> bool:
        return all(result.outcome.applied for result in self.results)

    @property
    def first_broken(self) -> int | None:
        """The first patch whose build fails while the tree before it built."""
        previous_ok = True
        for build in self.builds:
            if build.patch > 0 and previous_ok and not build.ok:
                return build.patch
            previous_ok = build.ok
        return None

    def result(self, number: int) -> PatchResult:
        for result in self.results:
            if result.number == number:
                return result
        raise KeyError(number)

    def commit_after(self, after_patch: int) -> str:
        """The commit holding the tree after patch ``after_patch`` (0: the base).

        A patch that did not apply leaves the tree as it was: the commit is
        then that of the last applied patch before it (or the base).
        """
        numbers = [result.number for result in self.results]
        if after_patch != 0 and after_patch not in numbers:
            raise ValueError(f"no patch {after_patch} in this series")
        commit = self.base
        for result in self.results:
            if after_patch == 0:
                break
            if result.commit is not None:
                commit = result.commit
            if result.number == after_patch:
                break
        return commit

    def read_bytes(self, path: str, after_patch: int) -> bytes | None:
        """The bytes of ``path`` after patch ``after_patch`` (0: the base), or None."""
        if self.reader is None:
            raise ValueError("this AppliedSeries has no repository (closed or built by hand)")
        return self.reader.read_blob(self.commit_after(after_patch), path)

    def paths(self, after_patch: int) -> tuple[str, ...]:
        """Every file path of the tree after patch ``after_patch`` (0: the base), sorted."""
        if self.reader is None:
            raise ValueError("this AppliedSeries has no repository (closed or built by hand)")
        return self.reader.list_paths(self.commit_after(after_patch))

    def read(self, path: str, after_patch: int) -> str | None:
        """The text of ``path`` after patch ``after_patch`` (0: the base), or None.

        Bytes that are not UTF-8 are replaced (U+FFFD).
        """
        data = self.read_bytes(path, after_patch)
        return None if data is None else data.decode("utf-8", "replace")

    # -- lifetime ---------------------------------------------------------------

    def close(self) -> None:
        """Remove the temporary repository; reading is impossible afterwards."""
        if self.reader is not None:
            self.reader.close()

    def __enter__(self) -> AppliedSeries:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
