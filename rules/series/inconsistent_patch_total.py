"""Patches of one series that disagree on its length.

**What it flags**
A series whose messages do not all carry the same ``m`` in ``n/m``: a
cover letter ``0/5`` with a patch ``3/4``, or patches ``1/3`` and ``2/4``.
Each patch whose total differs from the cover letter's (or, without a
cover letter, from most patches') is reported.

**Why it matters for Xen**
It happens when a series is re-generated after dropping or adding a patch
and only part of it is re-sent, or when old files left in the output
folder are sent along.  Reviewers then cannot tell which patches belong to
the posting, and tools that collect the series (b4, patchwork) split it.

**Example**
    [PATCH 0/3] xen/arm: ...
    [PATCH 1/3] ...
    [PATCH 2/4] ...

**Suggested fix**
Clean the output folder, regenerate the whole series with ``git
format-patch`` and send it again as a new version.

**References**
Common xen-devel practice; ``git format-patch`` numbers a series in one go,
so mixed totals always mean files from different runs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from xenreview.ingest.model import Series, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope
from xenreview.rules.lib_commit import patch_context

RULE = Rule(
    code="SER003",
    name="inconsistent-patch-total",
    family="series",
    scope=Scope.SERIES,
    severity=Severity.WARNING,
)


def check(series: Series, ctx: Context) -> Iterator[Finding]:
    if not series.patches:
        return
    if series.cover is not None:
        expected = series.cover.message.subject.total
        against, verb = "the cover letter", "says"
    else:
        counts = Counter(patch.total for patch in series.patches)
        expected, _ = max(counts.items(), key=lambda item: (item[1], item[0]))
        against, verb = "the other patches", "say"
    for patch in series.patches:
        if patch.total == expected:
            continue
        yield patch_context(ctx, patch).finding(
            RULE,
            f"This patch is numbered {patch.number}/{patch.total} but {against} {verb} the series "
            f"has {expected} patches; regenerate and re-send the whole series.",
            key=f"{patch.number}/{patch.total}",
        )
