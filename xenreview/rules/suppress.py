"""Suppressions written by the author: in the C source and in the commit message.

In C, a comment ``/* xenreview: ignore[CODE,CODE2] reason */`` on the
flagged line or on the line above it suppresses those rules there.  It is
looked up in the patched file (the tree after the finding's patch, or the
patch's own hunks when the series was not applied), so a suppression the
patch adds counts.

In a commit message (or the notes after ``---``), a line
``xenreview: ignore[CODE] reason`` suppresses those rules for that patch;
in the cover letter, for the whole series.

Codes may be given as codes or rule names.  Suppressed findings are kept,
with ``suppressed`` saying why (``inline: reason``, ``commit message:
reason``, ``cover letter: reason``); reports show them apart and they never
change the exit code.  A suppression without a reason still suppresses, but
is reported as a :class:`~xenreview.rules.outcome.ToolNote` asking for one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from xenreview.diff.model import LineKind
from xenreview.ingest.model import Patch, Series
from xenreview.rules.api import Finding, TreeReader
from xenreview.rules.outcome import ToolNote

_INLINE = re.compile(r"xenreview:[ \t]*ignore\[(?P<codes>[^\]\n]*)\](?P<reason>[^\n]*)")
_MESSAGE = re.compile(r"^[ \t]*xenreview:[ \t]*ignore\[(?P<codes>[^\]\n]*)\](?P<reason>.*)$")


@dataclass(frozen=True, slots=True)
class Suppression:
    """One ``ignore[...]`` marker: the rules it names and why."""

    codes: frozenset[str]  # upper-cased codes and lower-cased names
    reason: str
    where: str

    def covers(self, finding: Finding) -> bool:
        return finding.code.upper() in self.codes or finding.name.lower() in self.codes


def _parse(match: re.Match[str], where: str) -> Suppression:
    items = [item.strip() for item in match.group("codes").split(",")]
    codes = frozenset(x for item in items if item for x in (item.upper(), item.lower()))
    reason = match.group("reason").strip()
    reason = reason.removesuffix("*/").strip()
    return Suppression(codes, reason, where)


def inline_suppression(line: str, where: str) -> Suppression | None:
    """The suppression comment of one source line, if it has one."""
    if "xenreview" not in line:
        return None
    match = _INLINE.search(line)
    return None if match is None else _parse(match, where)


def message_suppressions(text: str, where: str) -> list[Suppression]:
    """The ``xenreview: ignore[...]`` lines of a commit message, notes or cover letter."""
    if "xenreview" not in text:
        return []
    out: list[Suppression] = []
    for number, line in enumerate(text.splitlines(), 1):
        match = _MESSAGE.match(line)
        if match is not None:
            out.append(_parse(match, f"{where}, line {number}"))
    return out


def patch_suppressions(patch: Patch) -> list[Suppression]:
    where = f"commit message of patch {patch.number}/{patch.total}"
    found = message_suppressions(patch.body, where)
    found += message_suppressions(patch.notes, f"notes of patch {patch.number}/{patch.total}")
    trailer_lines = "\n".join(t.line or f"{t.name}: {t.value}" for t in patch.trailers)
    found += message_suppressions(trailer_lines, where)
    return found


class _SourceLines:
    """The lines of patched files, from the tree or (without one) from the hunks."""

    def __init__(self, series: Series, tree: TreeReader | None) -> None:
        self._series = series
        self._tree = tree
        self._cache: dict[tuple[str, int], dict[int, str]] = {}
        self._last = series.patches[-1].number if series.patches else 0

    def _from_hunks(self, path: str, patch_number: int) -> dict[int, str]:
        lines: dict[int, str] = {}
        for patch in self._series.patches:
            if patch.number != patch_number:
                continue
            for f in patch.diff.files:
                if f.path != path:
                    continue
                for hunk in f.hunks:
                    for line in hunk.lines:
                        if line.target_no is not None and line.kind is not LineKind.REMOVED:
                            lines[line.target_no] = line.value
        return lines

    def lines(self, path: str, patch_number: int | None) -> dict[int, str]:
        number = self._last if patch_number is None else patch_number
        key = (path, number)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        text = None
        if self._tree is not None:
            try:
                text = self._tree.read(path, number)
            except (ValueError, KeyError):
                text = None
        if text is not None:
            found = dict(enumerate(text.splitlines(), 1))
        else:
            found = self._from_hunks(path, number)
        self._cache[key] = found
        return found


def apply_suppressions(
    findings: Sequence[Finding], series: Series, tree: TreeReader | None = None
) -> tuple[tuple[Finding, ...], tuple[ToolNote, ...]]:
    """Mark the findings the author suppressed; notes for suppressions without a reason."""
    cover: list[Suppression] = []
    if series.cover is not None:
        cover += message_suppressions(series.cover.body, "cover letter")
        cover += message_suppressions(series.cover.notes, "cover letter notes")
    per_patch = {patch.number: patch_suppressions(patch) for patch in series.patches}
    source = _SourceLines(series, tree)
    unexplained: dict[str, None] = {}
    out: list[Finding] = []
    for finding in findings:
        if finding.suppressed is not None:
            out.append(finding)
            continue
        hit = _inline(finding, source)
        label = "inline"
        if hit is None:
            hit = _first(per_patch.get(finding.location.patch or -1, ()), finding)
            label = "commit message"
        if hit is None:
            hit = _first(cover, finding)
            label = "cover letter"
        if hit is None:
            out.append(finding)
            continue
        if not hit.reason:
            unexplained[hit.where] = None
        reason = f"{label}: {hit.reason}" if hit.reason else f"{label} (no reason given)"
        out.append(replace(finding, suppressed=reason))
    notes = tuple(
        ToolNote("a xenreview: ignore[...] suppression gives no reason; say why it is safe", w)
        for w in unexplained
    )
    return tuple(out), notes


def _first(suppressions: Iterable[Suppression], finding: Finding) -> Suppression | None:
    for suppression in suppressions:
        if suppression.covers(finding):
            return suppression
    return None


def _inline(finding: Finding, source: _SourceLines) -> Suppression | None:
    location = finding.location
    if location.path is None or location.line is None:
        return None
    lines = source.lines(location.path, location.patch)
    for number in (location.line, location.line - 1):
        text = lines.get(number)
        if text is None:
            continue
        found = inline_suppression(text, f"{location.path}:{number}")
        if found is not None and found.covers(finding):
            return found
    return None
