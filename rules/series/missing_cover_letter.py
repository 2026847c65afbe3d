"""Multi-patch series posted without a cover letter.

**What it flags**
A complete series of two or more patches (every number from 1 to ``m`` is
there) with no ``[PATCH 0/m]`` cover letter.  Incomplete inputs are
``missing-patch``'s business and are not reported again here.

**Why it matters for Xen**
The cover letter is where a series explains itself: the problem it solves,
how the patches fit together, what changed between versions, how it was
tested.  It is also the message reviewers reply to with tags for the whole
series, and the thread every patch hangs from.  Xen maintainers ask for
one on any series.

**Example**
    [PATCH 1/3] xen/arm: ...
    [PATCH 2/3] xen/arm: ...
    [PATCH 3/3] xen/arm: ...

**Suggested fix**
Generate the series with ``git format-patch --cover-letter`` (``git
send-email --cover-letter``), fill in the subject and the blurb, and send
the patches as replies to it (``--thread``).

**References**
Common xen-devel practice (the Xen wiki's "Submitting Xen Project Patches"
describes the 0/N cover letter of a series).
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Series, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope
from xenreview.rules.lib_commit import is_stray

RULE = Rule(
    code="SER004",
    name="missing-cover-letter",
    family="series",
    scope=Scope.SERIES,
    severity=Severity.WARNING,
)


def check(series: Series, ctx: Context) -> Iterator[Finding]:
    if series.cover is not None or series.total < 2 or series.reconstructed:
        return
    present = {patch.number for patch in series.patches}
    if any(n not in present for n in range(1, series.total + 1)):
        return
    if is_stray(series, ctx.other_versions):
        return
    yield ctx.finding(
        RULE,
        f"This {series.total}-patch series has no cover letter; send a 0/{series.total} message "
        "explaining the series and thread the patches under it.",
        key=series.title,
    )
