"""Where each hunk of a plainly applied patch landed, without running git again.

``git am`` applies a patch silently, also when a hunk's lines are found
some lines away from where its header says.  When the blobs before and
after a patch are the ones its ``index`` lines name, every hunk landed
where it says.  Otherwise :func:`locate` replays the patch on the file as it
was: each hunk's lines (context and removed) are searched for exactly,
nearest first to the line the header gives in the file as patched so far,
a hunk starting at line 1 first at the top and a hunk without trailing
context first at the bottom, as ``git apply`` does.  The replay counts only
if it produces exactly the blob git wrote; otherwise (a tie between two
places, an unusual diff) it returns None and the caller asks
``git apply -v``.
"""

from __future__ import annotations

from collections.abc import Sequence

from xenreview.apply.model import HunkOffset
from xenreview.diff.model import FileDiff, Hunk, LineKind


def split_lines(data: bytes) -> list[str]:
    """Lines with their ``\\n`` (the last one may lack it)."""
    text = data.decode("utf-8", "surrogateescape")
    lines = [line + "\n" for line in text.split("\n")]
    if lines[-1] == "\n":
        lines.pop()
    else:
        lines[-1] = lines[-1][:-1]
    return lines


def images(hunk: Hunk) -> tuple[list[str], list[str]]:
    """The lines a hunk expects (pre) and leaves (post), with their line ends."""
    pre: list[str] = []
    post: list[str] = []
    last: tuple[list[str], ...] = ()
    for line in hunk.lines:
        if line.kind is LineKind.NO_NEWLINE:
            for image in last:
                if image and image[-1].endswith("\n"):
                    image[-1] = image[-1][:-1]
            continue
        text = line.value + "\n"
        if line.kind is LineKind.CONTEXT:
            pre.append(text)
            post.append(text)
            last = (pre, post)
        elif line.kind is LineKind.REMOVED:
            pre.append(text)
            last = (pre,)
        else:
            post.append(text)
            last = (post,)
    return pre, post


def _matches(image: Sequence[str], pre: Sequence[str], at: int) -> bool:
    return at >= 0 and at + len(pre) <= len(image) and list(image[at : at + len(pre)]) == list(pre)


def _nearest(image: Sequence[str], pre: Sequence[str], start: int) -> int | None:
    """The match nearest to ``start``; None when there is none or two are as near."""
    for distance in range(max(start, len(image) - start) + 1):
        below = _matches(image, pre, start - distance)
        above = distance > 0 and _matches(image, pre, start + distance)
        if below and above:
            return None
        if below:
            return start - distance
        if above:
            return start + distance
    return None


def _trailing_context(hunk: Hunk) -> int:
    count = 0
    for line in reversed(hunk.lines):
        if line.kind is LineKind.NO_NEWLINE:
            continue
        if line.kind is not LineKind.CONTEXT:
            break
        count += 1
    return count


def locate(f: FileDiff, before: bytes, after: bytes) -> tuple[HunkOffset, ...] | None:
    """The hunks of ``f`` that landed away from their header's line, or None if unsure."""
    image = split_lines(before)
    moved: list[HunkOffset] = []
    for number, hunk in enumerate(f.hunks, start=1):
        pre, post = images(hunk)
        if not pre:
            return None  # pure additions (new file, -U0 diffs): nothing to search
        start = max(hunk.target_start - 1, 0)
        at: int | None = None
        if hunk.source_start <= 1 and _matches(image, pre, 0):
            at = 0
        elif _trailing_context(hunk) == 0 and _matches(image, pre, len(image) - len(pre)):
            at = len(image) - len(pre)
        if at is None:
            at = _nearest(image, pre, start)
        if at is None:
            return None
        if at != start:
            moved.append(HunkOffset(f.path, number, hunk.header, at + 1, at - start))
        image[at : at + len(pre)] = post
    if "".join(image).encode("utf-8", "surrogateescape") != after:
        return None
    return tuple(moved)
