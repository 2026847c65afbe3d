"""The rule API: what a rule is, what it sees, what it reports.

A rule is a module (in the top-level ``rules/<family>/`` folder, an extra
``--rules-dir`` folder, or a package registered under the ``xenreview.rules``
entry-point group) with

* a docstring with the fixed headings **What it flags**, **Why it matters
  for Xen**, **Example**, **Suggested fix**, **References** (reused by
  ``xenreview explain``, SARIF and the HTML report);
* ``RULE``: a frozen :class:`Rule` record;
* ``check(subject, ctx)``: a generator of :class:`Finding`, where
  ``subject`` depends on the rule's :class:`Scope`:

  ============  ==================================================
  scope         subject
  ============  ==================================================
  series        :class:`~xenreview.ingest.model.Series`
  patch         :class:`~xenreview.ingest.model.Patch`
  file          :class:`~xenreview.diff.model.FileDiff`
  hunk          :class:`~xenreview.diff.model.Hunk`
  added-line    :class:`~xenreview.diff.model.Line` (added lines only)
  tree          :class:`TreeView` of the tree after one patch
  model         :class:`TreeView` of the tree after the whole series
  ============  ==================================================

Rules never build locations by hand: ``ctx.finding(RULE, message, ...)``
fills in the patch, message-id, file, lines and the fingerprint.  Nothing a
rule receives can be changed by it.
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from xenreview.diff.model import FileDiff, Hunk, Line
from xenreview.ingest.model import Patch, Series, Severity

if TYPE_CHECKING:
    from xenreview.code.facts import TreeFacts
    from xenreview.settings import Settings

HEADINGS = (
    "What it flags",
    "Why it matters for Xen",
    "Example",
    "Suggested fix",
    "References",
)


class Scope(StrEnum):
    SERIES = "series"
    PATCH = "patch"
    FILE = "file"
    HUNK = "hunk"
    ADDED_LINE = "added-line"
    TREE = "tree"
    MODEL = "model"


class Status(StrEnum):
    PREVIEW = "preview"
    STABLE = "stable"


@dataclass(frozen=True, slots=True)
class Rule:
    """The identity of a rule.

    ``code`` is three to four capital letters and three digits (``STY001``);
    the letters name the family (STY style, MSG commit message, SER series,
    ACK maintainers, ARM Xen/Arm semantics, MOD behavioural model).
    ``name`` is kebab case and names the pattern flagged, reading well after
    "allow" (``trailing-whitespace``).  ``paths`` limits file, hunk and
    added-line rules to matching files (fnmatch patterns on the repository
    path; empty: every file).  ``needs_tree`` says the rule reads the
    patched tree (it is skipped, and says so, under ``--no-apply``);
    ``needs_build`` that it reads the build check of each patch (it only
    has something to say when the series was applied with ``--build``).
    """

    code: str
    name: str
    family: str
    scope: Scope
    severity: Severity
    status: Status = Status.STABLE
    since: str = "0.1.0"
    paths: tuple[str, ...] = ()
    needs_tree: bool = False
    needs_build: bool = False  # reads the build check's results (apply with --build)

    def applies_to(self, path: str) -> bool:
        return not self.paths or any(fnmatch.fnmatchcase(path, pat) for pat in self.paths)


C_FILES = ("*.c", "*.h")


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding points.

    ``patch`` is ``n`` of ``n/m`` (``None`` for a series-wide finding);
    ``line`` is the line in the patched tree (the target line), ``diff_line``
    the line in the patch's diff (as counted by the diff layer); ``column``
    is 1-based.
    """

    patch: int | None = None
    total: int | None = None
    message_id: str | None = None
    path: str | None = None
    line: int | None = None
    column: int | None = None
    diff_line: int | None = None


@dataclass(frozen=True, slots=True)
class Related:
    """A second place a finding points at (e.g. the resume code that lets a guest run)."""

    message: str
    location: Location
    excerpt: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    name: str
    severity: Severity
    message: str
    location: Location
    fingerprint: str
    fix: str | None = None  # a suggested replacement for the flagged line
    excerpt: str | None = None  # the flagged line's text, for display
    related: tuple[Related, ...] = ()
    suppressed: str | None = None  # why it is suppressed (inline, baseline), else None
    extra: tuple[tuple[str, str], ...] = ()  # rule-specific facts, as (key, value) pairs


def fingerprint(code: str, *parts: str) -> str:
    """A stable id from the rule and content, never from line numbers."""
    digest = hashlib.sha256(code.encode())
    for part in parts:
        digest.update(b"\0")
        digest.update(part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def hunk_content(hunk: Hunk) -> str:
    """What a hunk changes, without its line numbers: the fingerprint's input."""
    return "\n".join(line.kind.value + line.value for line in hunk.lines)


class TreeReader(Protocol):
    """Reads files of the patched tree (an applied series)."""

    def read(self, path: str, after_patch: int) -> str | None: ...


@dataclass(frozen=True, slots=True)
class TreeView:
    """The tree after patch ``after_patch`` (0 = the base), for tree and model rules."""

    after_patch: int
    reader: TreeReader
    facts: TreeFacts | None = None
    changed_paths: tuple[str, ...] = ()  # the files the patch touched

    def read(self, path: str) -> str | None:
        return self.reader.read(path, self.after_patch)


@dataclass(frozen=True, slots=True)
class Context:
    """What a rule sees besides its subject.  Immutable."""

    series: Series
    patch: Patch | None = None
    file: FileDiff | None = None
    hunk: Hunk | None = None
    tree: TreeReader | None = None  # None under --no-apply
    facts_for: Callable[[int], TreeFacts | None] | None = None
    other_versions: tuple[Series, ...] = ()  # other versions of this series given in the run
    settings: Settings | None = None
    data: dict[str, Any] = field(default_factory=dict)  # shared read-only extras (MAINTAINERS)

    # -- reading the tree ----------------------------------------------------

    def read_before(self, path: str) -> str | None:
        """``path`` before the current patch (None if absent or no tree)."""
        if self.tree is None or self.patch is None:
            return None
        return self.tree.read(path, self.patch.number - 1)

    def read_after(self, path: str) -> str | None:
        """``path`` after the current patch (None if absent or no tree)."""
        if self.tree is None or self.patch is None:
            return None
        return self.tree.read(path, self.patch.number)

    def facts(self, after_patch: int) -> TreeFacts | None:
        """C facts of the tree after ``after_patch`` (0 = base); None without a tree."""
        return None if self.facts_for is None else self.facts_for(after_patch)

    # -- reporting -----------------------------------------------------------

    def finding(
        self,
        rule: Rule,
        message: str,
        *,
        line: Line | None = None,
        path: str | None = None,
        target_line: int | None = None,
        column: int | None = None,
        fix: str | None = None,
        excerpt: str | None = None,
        related: Sequence[Related] = (),
        key: str | None = None,
        extra: Sequence[tuple[str, str]] = (),
    ) -> Finding:
        """A finding at the current patch/file/hunk, or at ``line``.

        ``key`` is extra fingerprint input for findings not tied to a hunk
        (e.g. the flagged trailer's text); by default the fingerprint is the
        rule code, the path, the hunk's content and the flagged line's text.
        """
        patch = self.patch
        file_path = path or (self.file.path if self.file is not None else None)
        target = target_line
        diff_line = None
        if line is not None:
            target = target if target is not None else (line.target_no or line.source_no)
            diff_line = line.diff_no
            if excerpt is None:
                excerpt = line.value
        location = Location(
            patch=patch.number if patch is not None else None,
            total=patch.total if patch is not None else self.series.total,
            message_id=patch.message_id if patch is not None else None,
            path=file_path,
            line=target,
            column=column,
            diff_line=diff_line,
        )
        parts = [file_path or "", key or ""]
        if self.hunk is not None:
            parts.append(hunk_content(self.hunk))
        if line is not None:
            parts.append(line.kind.value + line.value)
        elif excerpt is not None:
            parts.append(excerpt)
        if patch is not None and self.hunk is None and line is None and not key:
            parts.append(patch.subject.title)
        return Finding(
            code=rule.code,
            name=rule.name,
            severity=rule.severity,
            message=message,
            location=location,
            fingerprint=fingerprint(rule.code, *parts),
            fix=fix,
            excerpt=excerpt,
            related=tuple(related),
            extra=tuple(extra),
        )


CheckFunction = Callable[[Any, Context], Iterator[Finding]]


@dataclass(frozen=True, slots=True)
class LoadedRule:
    """A rule as found by the finder: its record, check, documentation, origin."""

    rule: Rule
    check: CheckFunction
    doc: str
    origin: str  # "bundled", "folder:<path>", "entry-point:<name>"
    module_path: str | None = None  # the file it came from, for fixtures


def parse_doc(doc: str) -> dict[str, str]:
    """The docstring's sections by heading (``**Heading**`` lines)."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for raw in doc.splitlines():
        stripped = raw.strip()
        if stripped.startswith("**") and stripped.endswith("**") and len(stripped) > 4:
            current = stripped[2:-2].strip()
            sections[current] = []
        elif current is not None:
            sections[current].append(raw)
    return {k: "\n".join(v).strip() for k, v in sections.items()}
