"""Tag names that are a typo away from a known tag.

**What it flags**
A tag in the patch's tag block (or, when no tag there is spelt right, in
the last paragraph of the message, made only of ``Name: value`` lines)
whose name is not a known tag but is one typo away from one, ignoring case:
``Signed-of-by``, ``Sigend-off-by``, ``Reviewd-by``, ``Acked_by``,
``Fixed``; or a known tag without its ``-by`` naming someone
(``Reviewed: Julia Example <julia@example.org>``).  A typo is
one inserted, dropped, changed or swapped character (two for names of 12
characters or more).  Tag names shorter than five characters and names
other projects use on purpose (``Co-authored-by``, ``Message-Id``,
``Closes``...) are left alone.

**Why it matters for Xen**
Tools do not recognise a misspelt tag: a misspelt ``Signed-off-by`` leaves
the patch without a sign-off, a misspelt ``Reviewed-by`` or ``Acked-by``
is not counted by the committer's scripts, and a misspelt ``Fixes`` is
missed by backporters.

**Example**
    Signed-off-by: Alice Example <alice@example.org>
    Reviewd-by: Julia Example <julia@example.org>

**Suggested fix**
Spell the tag as Xen does: ``Reviewed-by: Julia Example
<julia@example.org>``.

**References**
Xen's docs/process/sending-patches.pandoc, "Tags" (the list of tags and
their spelling).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xenreview.ingest.model import Patch, Severity
from xenreview.ingest.trailers import TRAILER_NAMES
from xenreview.rules.api import Context, Finding, Rule, Scope

RULE = Rule(
    code="MSG015",
    name="misspelled-trailer",
    family="commit",
    scope=Scope.PATCH,
    severity=Severity.WARNING,
)

_KNOWN = {name.lower(): name for name in TRAILER_NAMES}
_DELIBERATE = frozenset(
    {
        "co-authored-by",
        "message-id",
        "closes",
        "change-id",
        "based-on-patch-by",
        "helped-by",
        "debugged-by",
        "bisected-by",
        "release-acked",
        "tested-on",
        "see-also",
        "bug",
    }
)
_LINE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*):[ \t]+\S.*")


def _distance(a: str, b: str, cap: int) -> int:
    """Edit distance with adjacent swaps (optimal string alignment), capped."""
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


def meant(name: str, value: str = "") -> str | None:
    """The known tag ``name`` is a typo of, if any.

    A known tag without its ``-by`` only counts when the value names someone
    (has an address): ``Tested: on QEMU`` is a remark, not a tag.
    """
    low = name.lower()
    if low in _KNOWN or low in _DELIBERATE or len(low) < 5:
        return None
    if f"{low}-by" in _KNOWN:
        return _KNOWN[f"{low}-by"] if "@" in value else None
    cap = 2 if len(low) >= 12 else 1
    best: tuple[int, str] | None = None
    for known, canonical in _KNOWN.items():
        dist = _distance(low, known, cap)
        if dist <= cap and (best is None or dist < best[0]):
            best = (dist, canonical)
    return best[1] if best is not None else None


def _body_tail(body: str) -> list[str]:
    """The last paragraph of the body when every line of it is ``Name: value``."""
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    if not paragraphs:
        return []
    lines = [line for line in paragraphs[-1].split("\n") if line.strip()]
    if lines and all(_LINE.fullmatch(line) for line in lines):
        return lines
    return []


def check(patch: Patch, ctx: Context) -> Iterator[Finding]:
    candidates = [(t.name, f"{t.name}: {t.value}", t.value) for t in patch.trailers]
    if not patch.trailers:
        for line in _body_tail(patch.body):
            name, _, value = line.partition(":")
            candidates.append((name, line, value.strip()))
    for name, text, value in candidates:
        right = meant(name, value)
        if right is None:
            continue
        yield ctx.finding(
            RULE,
            f"The tag name `{name}:` looks like a misspelt `{right}:`; tools will not "
            "recognise it.",
            excerpt=text,
            fix=f"{right}: {value}",
            key=text,
        )
