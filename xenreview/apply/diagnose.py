"""Reading git's account of an apply, and explaining why a hunk failed.

``git apply -v`` (run in the C locale) says, per file, which hunks landed
elsewhere (``Hunk #2 succeeded at 40 (offset 3 lines).``) and, when a patch
does not apply, which hunk failed (``error: patch failed: PATH:LINE``, LINE
being the hunk's source start) and why (``does not exist in index``...).

Git says *that* a hunk's context is not in the file, not *what* is there
instead.  :func:`nearest_match` finds the lines of the file most like the
hunk's source lines (difflib over candidate windows that share lines with
the hunk, preferring the one closest to where the hunk should be) and
:func:`explain` turns the comparison into one sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from xenreview.apply.model import HunkFailure, HunkOffset, NearestMatch
from xenreview.diff.model import FileDiff, Hunk, LineKind

_CHECKING = re.compile(r"^Checking patch (.+)\.\.\.$")
_HUNK_OK = re.compile(
    r"^Hunk #(\d+) succeeded at (\d+)(?: \(offset (-?\d+) lines?\))?(?: with fuzz (\d+))?\.?$"
)
_PATCH_FAILED = re.compile(r"^error: patch failed: (.+):(\d+)$")
_FILE_ERROR = re.compile(r"^error: (.+?): (.+)$")
_SHOWN_LINES = 12
_SIMILAR_ENOUGH = 0.3
_CANDIDATES = 24


def unquote(path: str) -> str:
    """A path as git prints it (C-quoted when it has odd characters) back to text."""
    if len(path) < 2 or not (path.startswith('"') and path.endswith('"')):
        return path
    out = bytearray()
    body = path[1:-1].encode("utf-8", "surrogateescape")
    i = 0
    simple = {ord("n"): 10, ord("t"): 9, ord("r"): 13, ord("a"): 7, ord("b"): 8, ord("f"): 12}
    simple |= {ord("v"): 11, ord("\\"): 92, ord('"'): 34}
    while i < len(body):
        c = body[i]
        if c == 92 and i + 1 < len(body):
            nxt = body[i + 1]
            if 48 <= nxt <= 55 and i + 3 < len(body):
                out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
                i += 4
                continue
            out.append(simple.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return out.decode("utf-8", "surrogateescape")


def _checked_path(text: str) -> str:
    """The path of a ``Checking patch`` line (the new name of a rename)."""
    if " => " in text:
        text = text.rsplit(" => ", 1)[1]
    return unquote(text)


@dataclass(slots=True)
class ApplyReport:
    """What ``git apply -v`` said: offsets, failing hunks, other errors."""

    offsets: list[tuple[str, int, int, int, int]] = field(default_factory=list)
    # (path, hunk number, applied at line, offset, fuzz)
    failed: list[tuple[str, int]] = field(default_factory=list)  # (path, source start)
    file_errors: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    errors: list[str] = field(default_factory=list)  # other error lines


def parse_apply(output: str) -> ApplyReport:
    report = ApplyReport()
    current = ""
    searching = False
    for line in output.splitlines():
        if searching:
            if not line.startswith("error:"):
                continue  # the lines git was searching for
            searching = False
        if m := _CHECKING.match(line):
            current = _checked_path(m.group(1))
        elif m := _HUNK_OK.match(line):
            offset = int(m.group(3) or 0)
            fuzz = int(m.group(4) or 0)
            report.offsets.append((current, int(m.group(1)), int(m.group(2)), offset, fuzz))
        elif line.startswith("error: while searching for:"):
            searching = True
        elif m := _PATCH_FAILED.match(line):
            report.failed.append((unquote(m.group(1)), int(m.group(2))))
        elif line.rstrip().endswith(": patch does not apply"):
            continue  # follows "patch failed"
        elif m := _FILE_ERROR.match(line):
            report.file_errors.append((unquote(m.group(1)), m.group(2)))
        elif line.startswith(("error:", "fatal:")):
            report.errors.append(line.split(":", 1)[1].strip())
    return report


def _file_for(files: Sequence[FileDiff], path: str) -> FileDiff | None:
    for f in files:
        if path in (f.target_path, f.source_path):
            return f
    return None


def hunk_offsets(files: Sequence[FileDiff], report: ApplyReport) -> tuple[HunkOffset, ...]:
    """The hunks that applied away from their stated line (or with fuzz)."""
    out: list[HunkOffset] = []
    for path, number, line, offset, fuzz in report.offsets:
        if offset == 0 and fuzz == 0:
            continue
        f = _file_for(files, path)
        header = f.hunks[number - 1].header if f and 0 < number <= len(f.hunks) else ""
        out.append(HunkOffset(path, number, header, line, offset, fuzz))
    return tuple(out)


def source_lines(hunk: Hunk) -> tuple[str, ...]:
    """What the hunk expects in the file: its context and removed lines."""
    return tuple(
        line.value for line in hunk.lines if line.kind in (LineKind.CONTEXT, LineKind.REMOVED)
    )


def target_lines(hunk: Hunk) -> tuple[str, ...]:
    return tuple(
        line.value for line in hunk.lines if line.kind in (LineKind.CONTEXT, LineKind.ADDED)
    )


def _norm(line: str) -> str:
    return " ".join(line.split())


def _find(haystack: Sequence[str], needle: Sequence[str], hint: int) -> int | None:
    """Index of ``needle`` in ``haystack`` nearest to ``hint``, or None."""
    if not needle or len(needle) > len(haystack):
        return None
    first = needle[0]
    best: int | None = None
    for i, line in enumerate(haystack):
        if (
            line == first
            and list(haystack[i : i + len(needle)]) == list(needle)
            and (best is None or abs(i - hint) < abs(best - hint))
        ):
            best = i
    return best


def nearest_match(
    file_lines: Sequence[str], expected: Sequence[str], hint: int
) -> NearestMatch | None:
    """The window of ``file_lines`` most like ``expected`` (``hint``: 0-based start)."""
    if not expected or not file_lines:
        return None
    where: dict[str, list[int]] = {}
    for i, line in enumerate(file_lines):
        key = _norm(line)
        if len(key) > 2:
            where.setdefault(key, []).append(i)
    votes: dict[int, int] = {}
    for j, line in enumerate(expected):
        for i in where.get(_norm(line), ()):
            start = max(0, min(i - j, len(file_lines) - 1))
            votes[start] = votes.get(start, 0) + 1
    if not votes:
        return None
    ranked = sorted(votes, key=lambda s: (-votes[s], abs(s - hint), s))[:_CANDIDATES]
    best: tuple[float, int] | None = None
    for start in ranked:
        window = file_lines[start : start + len(expected)]
        ratio = SequenceMatcher(None, list(expected), list(window), autojunk=False).ratio()
        if best is None or (ratio, -abs(start - hint)) > (best[0], -abs(best[1] - hint)):
            best = (ratio, start)
    assert best is not None
    ratio, start = best
    shown = tuple(file_lines[start : start + min(len(expected), _SHOWN_LINES)])
    return NearestMatch(line=start + 1, lines=shown, similarity=round(ratio, 3))


def _quoted(text: str, width: int = 60) -> str:
    text = text.strip()
    if not text:
        return "an empty line"
    return f"'{text}'" if len(text) <= width else f"'{text[: width - 3]}...'"


def explain(file_lines: Sequence[str], hunk: Hunk, nearest: NearestMatch | None) -> str:
    """One sentence saying why ``hunk`` does not apply to ``file_lines``."""
    expected = source_lines(hunk)
    after = target_lines(hunk)
    hint = max(hunk.source_start - 1, 0)
    if hunk.added and (at := _find(file_lines, after, hint)) is not None:
        return f"the change is already in the file at line {at + 1}: applied before?"
    if nearest is None or nearest.similarity < _SIMILAR_ENOUGH:
        return "the lines the hunk changes are not in the file (moved, rewritten or removed)"
    window = file_lines[nearest.line - 1 : nearest.line - 1 + len(expected)]
    if len(window) == len(expected) and [_norm(x) for x in window] == [_norm(x) for x in expected]:
        return f"the lines at {nearest.line} match only if whitespace is ignored"
    differing = [
        (nearest.line + k, want, have)
        for k, (want, have) in enumerate(zip(expected, window, strict=False))
        if want != have
    ]
    if len(window) < len(expected):
        missing = len(expected) - len(window)
        return f"the file ends {missing} line(s) before the hunk's context does"
    if not differing:  # pragma: no cover - git would have applied it
        return f"the context matches at line {nearest.line}"
    line, want, have = differing[0]
    count = len(differing)
    more = f" ({count} of {len(expected)} lines differ)" if count > 1 else ""
    return f"line {line} reads {_quoted(have)} where the hunk expects {_quoted(want)}{more}"


def failure(
    f: FileDiff | None,
    path: str,
    hunk_start: int | None,
    reason: str,
    content: bytes | None,
) -> HunkFailure:
    """A :class:`HunkFailure` for ``path`` (and the hunk starting at ``hunk_start``)."""
    if f is None:
        return HunkFailure(path, None, None, reason, "the patch does not name this file")
    if content is None:
        gone = "the file does not exist in the tree"
        return HunkFailure(path, None, None, reason, gone)
    if hunk_start is None:
        return HunkFailure(path, None, None, reason, _file_explanation(reason))
    number = next(
        (k for k, h in enumerate(f.hunks, start=1) if h.source_start == hunk_start),
        1 if f.hunks else None,
    )
    if number is None:
        return HunkFailure(path, None, None, reason, _file_explanation(reason))
    hunk = f.hunks[number - 1]
    lines = content.decode("utf-8", "surrogateescape").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    expected = source_lines(hunk)
    nearest = nearest_match(lines, expected, max(hunk.source_start - 1, 0))
    return HunkFailure(
        path=path,
        hunk=number,
        header=hunk.header,
        reason=reason,
        explanation=explain(lines, hunk, nearest),
        nearest=nearest,
        expected=expected,
    )


def _file_explanation(reason: str) -> str:
    if "already exists" in reason:
        return "the patch creates this file but the tree already has it"
    if "does not exist" in reason:
        return "the file does not exist in the tree"
    if "does not match index" in reason:
        return "the file differs from the tree's index"
    if "wrong type" in reason:
        return "the file's type (file, link, directory) is not what the patch expects"
    return reason
