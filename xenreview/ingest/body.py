"""Split a patch mail's body the way ``git am`` reads it.

A patch body is, in order::

    commit message body          (prose)
    trailer block                (Signed-off-by: ... )
    ---                          (the separator)
    notes                        (changelog "Changes in v2:", Cc: lines, diffstat)
    diff                         (from "diff --git", "Index:", or "--- "+"+++ ")
    base-commit: <sha>           (git format-patch --base, after the diff)
    prerequisite-patch-id: <sha>
    --                           (git's signature: "-- " then its version)
    2.39.5

Which ``---`` line is the separator needs care, because a ``---`` can also
be a divider inside the commit message, and people put their changelog after
a first ``---`` and let ``git format-patch`` add a second one before the
diffstat.  Among the ``---`` lines before the diff, the separator is the
first one that either ends the trailer block or is followed by what notes
look like (a changelog heading, a trailer line, a diffstat, a shortlog, the
base-commit lines, the diff, nothing).  When none is, it is the last one
before the diff, unless the text after that one ends with its own trailer
block holding a ``Signed-off-by`` (then it was a divider and there is no
separator).  Without a diff (a cover letter), a ``---`` that looks like
neither is prose.

The diff text is exactly the diff's lines, so the diff layer can give it back
byte for byte; the base-commit lines and git's signature after it are taken
off and recorded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from xenreview.ingest.model import Trailer
from xenreview.ingest.trailers import (
    TrailerBlock,
    find_trailer_block,
    parse_trailer,
    trim_blank_lines,
)

__all__ = ["PatchBody", "split_patch_body"]


@dataclass(frozen=True, slots=True)
class PatchBody:
    """The parts of a patch (or cover letter) body.

    ``body`` is the commit message without its trailer block, ``notes`` the
    text between the separator and the diff (both without blank lines at
    either end, ``base-commit:``/``prerequisite-*:`` lines removed).
    ``diff_text`` is the diff's lines verbatim ("" when there is none),
    ``diff_lines`` the same lines as a tuple (without the empty string a
    final newline would leave when split: what the diff layer reads), and
    ``diff_first_line`` the 1-based line of its first line in the input
    text (0 when there is no diff).  ``signature`` is the text under the
    ``-- `` signature line (``2.39.5`` for git), "" when there is none.
    ``maintainer_notes`` are the ``[ jb: ... ]`` lines of the trailer block;
    ``trailers_separated`` is false when the trailers follow prose with no
    blank line between them.
    """

    body: str
    trailers: tuple[Trailer, ...]
    notes: str
    diff_text: str
    diff_first_line: int
    base_commit: str | None
    prerequisite_patch_ids: tuple[str, ...]
    signature: str
    maintainer_notes: tuple[str, ...] = ()
    trailers_separated: bool = True
    diff_lines: tuple[str, ...] = ()


# Machine-written lines about the base of a series (git --base, b4).
_INFO: Final = re.compile(
    r"(base-commit|prerequisite-patch-id|prerequisite-[a-z-]+|change-id):[ \t]*(\S+)[ \t]*"
)
_CHANGELOG: Final = re.compile(
    r"[ \t]*(?:[-*+][ \t]*)?(?:\[?rfc\]?[ \t]*)?"
    r"(?:changes?\b|changelog|change[ \t]+log|changed\b|since\b|notes?\b|history\b"
    r"|revisions?\b|v\d+(?:\.\d+)?\b)",
    re.IGNORECASE,
)
_DIFFSTAT: Final = re.compile(r" (?:\S.*\|[ \t]*(?:\d+|Bin\b).*|\d+ files? changed.*)")
_SHORTLOG: Final = re.compile(r"\S.* \(\d+\):[ \t]*")
# Possessive: "1.1.1...1 " must fail at once, not try every split (it hung on 40 kB).
_VERSION_SIG: Final = re.compile(r"\d++(?:\.\d++)++\S*+")
_DIFF_SHAPED: Final = (
    "diff ",
    "index ",
    "Index: ",
    "Binary files",
    "GIT binary patch",
    "literal ",
    "delta ",
    "rename ",
    "similarity ",
    "dissimilarity ",
    "new file",
    "deleted file",
    "old mode",
    "new mode",
    "copy ",
    "====",
)


def _blank(line: str) -> bool:
    return not line.strip()


def _is_separator(line: str) -> bool:
    return line.startswith("---") and not line[3:].strip()


def _diff_shaped(line: str) -> bool:
    return line[:1] in ("+", "-", " ", "@", "\\") or line.startswith(_DIFF_SHAPED)


def _diff_start(lines: Sequence[str]) -> int | None:
    """Index of the first line of the diff, if there is one."""
    count = len(lines)
    for index, line in enumerate(lines):
        if line.startswith("diff --git "):
            return index
        nxt = lines[index + 1] if index + 1 < count else ""
        if line.startswith("--- ") and nxt.startswith("+++ "):
            return index
        if line.startswith("diff -") and nxt.startswith("--- "):
            return index  # diff -u / Mercurial's "diff -r"
        if line.startswith("Index: ") and nxt.startswith(("====", "--- ")):
            return index
    return None


def _signature(
    lines: Sequence[str], floor: int, end: int, *, strict: bool
) -> tuple[int, str] | None:
    """``(index of the "-- " line, the text under it)`` when ``lines[floor:end]`` ends with one.

    ``strict`` (after a diff): the "-- " must be exact, followed by at most
    four lines that cannot be diff lines (git's version, or b4's name and
    address).  Otherwise (no diff) "--" also counts and a signature may have
    up to ten lines.
    """
    last = end
    while last > floor and _blank(lines[last - 1]):
        last -= 1
    limit = 4 if strict else 10
    index = last - 1
    while index > floor and last - index <= limit + 1:
        line = lines[index]
        if line == "-- " or (not strict and line == "--"):
            if index == last - 1:
                return None  # nothing under it
            if strict and _VERSION_SIG.fullmatch(lines[index + 1]) is None:
                under = lines[index + 1 : last]
                if any(_blank(u) or _diff_shaped(u) for u in under):
                    return None
            return index, "\n".join(trim_blank_lines(lines[index + 1 : last]))
        if strict and (_blank(line) or _diff_shaped(line)):
            return None
        index -= 1
    return None


def _trim_tail(lines: Sequence[str], floor: int, end: int) -> tuple[int, list[str]]:
    """Take the base-commit block off the end of ``lines[floor:end]``.

    Returns the new end and the info lines.  Handles git's shape (a blank
    line, the info lines) and b4's ("---", the info lines, a blank line, a
    closing word such as "Best regards,").
    """
    k1 = end
    while k1 > floor and _blank(lines[k1 - 1]):
        k1 -= 1
    # b4's closing words: at most two plain lines after a blank line after the info.
    k2 = k1
    while (
        k2 > floor
        and k1 - k2 < 2
        and not _blank(lines[k2 - 1])
        and _INFO.fullmatch(lines[k2 - 1]) is None
        and not _diff_shaped(lines[k2 - 1])
    ):
        k2 -= 1
    if k2 < k1:
        k3 = k2
        while k3 > floor and _blank(lines[k3 - 1]):
            k3 -= 1
        if k3 < k2 and k3 > floor and _INFO.fullmatch(lines[k3 - 1]) is not None:
            k1 = k3
    k4 = k1
    while k4 > floor and _INFO.fullmatch(lines[k4 - 1]) is not None:
        k4 -= 1
    if k4 == k1:
        return end, []
    info = list(lines[k4:k1])
    if k4 > floor and _is_separator(lines[k4 - 1]):
        k4 -= 1
    if k4 > floor and lines[k4 - 1] == "":
        k4 -= 1
    return k4, info


def _looks_like_notes(line: str) -> bool:
    return (
        _CHANGELOG.match(line) is not None
        or _DIFFSTAT.fullmatch(line) is not None
        or _SHORTLOG.fullmatch(line) is not None
        or _INFO.fullmatch(line) is not None
        or parse_trailer(line) is not None
    )


def _choose_separator(
    lines: Sequence[str], end: int, has_diff: bool
) -> tuple[int | None, TrailerBlock | None]:
    """The separator's index, and the trailer block ending just before it if that chose it."""
    candidates = [i for i in range(end) if _is_separator(lines[i])]
    if not candidates:
        return None, None
    for index in candidates[:64]:
        block = find_trailer_block(lines, end=index)
        if block is not None:
            return index, block
        following = index + 1
        while following < end and _blank(lines[following]):
            following += 1
        if following >= end or _looks_like_notes(lines[following]):
            return index, None
    if not has_diff:
        return None, None
    last = candidates[-1]
    block = find_trailer_block(lines[last + 1 : end])
    if block is not None and any(t.name == "Signed-off-by" for t in block.trailers):
        return None, None
    return last, None


def _take_info(lines: Sequence[str], base: list[str], prereq: list[str]) -> list[str]:
    """``lines`` without their base-commit lines, which are recorded."""
    kept: list[str] = []
    for line in lines:
        match = _INFO.fullmatch(line)
        if match is None:
            kept.append(line)
            continue
        if match.group(1) == "base-commit":
            base.append(match.group(2))
        elif match.group(1) == "prerequisite-patch-id":
            prereq.append(match.group(2))
    return kept


def split_patch_body(text: str) -> PatchBody:
    """Split a decoded body (``\\n`` line ends) into message, trailers, notes and diff.

    Never raises: any text is some body, at worst all prose.
    """
    lines = text.split("\n")
    final_newline = text.endswith("\n")
    if final_newline or text == "":
        lines.pop()

    base: list[str] = []
    prereq: list[str] = []
    signature = ""
    diff_text = ""
    diff_lines: list[str] = []
    diff_first_line = 0

    start = _diff_start(lines)
    if start is not None:
        end = len(lines)
        sig = _signature(lines, start, end, strict=True)
        if sig is not None:
            end, signature = sig
        tail_end, info = _trim_tail(lines, start, end)
        diff_lines = lines[start:tail_end]
        newline = final_newline or tail_end < len(lines)
        diff_text = "\n".join(diff_lines) + ("\n" if newline else "")
        diff_first_line = start + 1
        message_end = start
    else:
        message_end = len(lines)
        sig = _signature(lines, 0, message_end, strict=False)
        if sig is not None:
            message_end, signature = sig
        info = []

    separator, block = _choose_separator(lines, message_end, start is not None)
    if separator is None:
        message_lines = list(lines[:message_end])
        note_lines: list[str] = []
    else:
        message_lines = list(lines[:separator])
        note_lines = list(lines[separator + 1 : message_end])

    note_lines = _take_info(note_lines, base, prereq)
    if start is None:
        message_lines = _take_info(message_lines, base, prereq)
    _take_info(info, base, prereq)

    # A block that chose the separator ends these very lines (unless
    # base-commit lines were taken out of them): no need to look again.
    if block is None or start is None:
        block = find_trailer_block(message_lines)
    if block is None:
        body_lines = message_lines
        trailers: tuple[Trailer, ...] = ()
    else:
        body_lines = message_lines[: block.start]
        trailers = block.trailers

    return PatchBody(
        body="\n".join(trim_blank_lines(body_lines)),
        trailers=trailers,
        notes="\n".join(trim_blank_lines(note_lines)),
        diff_text=diff_text,
        diff_first_line=diff_first_line,
        base_commit=base[0] if base else None,
        prerequisite_patch_ids=tuple(prereq),
        signature=signature,
        maintainer_notes=block.notes if block is not None else (),
        trailers_separated=block.separated if block is not None else True,
        diff_lines=tuple(diff_lines),
    )
