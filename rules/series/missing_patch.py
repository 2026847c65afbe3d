"""Series with holes in their numbering.

**What it flags**
A series ``[PATCH n/m]`` in which some numbers between 1 and ``m`` have no
patch.  Patches that were posted with the series but carry another version
in their subject (see ``mixed-series-versions``) fill the hole they belong
to; a lone stray patch is not reported a second time here, and neither is
a single patch recovered from a web-archive copy.

**Why it matters for Xen**
A series is reviewed and committed as a whole, in order: later patches
build on earlier ones.  With a patch missing (lost by the mail server, held
for moderation, a ``git send-email`` that stopped half-way, or only part
of the series given to the tool) the rest may not apply or build, and
reviewers cannot judge it.

**Example**
    [PATCH 0/4] xen/arm: ...
    [PATCH 1/4] ...
    [PATCH 2/4] ...
    [PATCH 4/4] ...

**Suggested fix**
Check that every patch reached the list (lore and the xen-devel archive),
and re-send the missing one in the same thread, with the same version.
When reviewing, give the tool the whole series.

**References**
Common xen-devel practice: a series goes out as one ``git send-email``
thread under its cover letter; b4 and patchwork refuse incomplete series
for the same reason.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Series, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope
from xenreview.rules.lib_commit import is_stray, strays

RULE = Rule(
    code="SER001",
    name="missing-patch",
    family="series",
    scope=Scope.SERIES,
    severity=Severity.WARNING,
)


def check(series: Series, ctx: Context) -> Iterator[Finding]:
    if series.reconstructed or series.total < 1:
        return
    if is_stray(series, ctx.other_versions):
        return
    present = {patch.number for patch in series.patches}
    for stray in strays(series, ctx.other_versions):
        present.update(stray.numbers)
    missing = [n for n in range(1, series.total + 1) if n not in present]
    if not missing:
        return
    listed = ", ".join(f"{n}/{series.total}" for n in missing)
    plural = "es" if len(missing) > 1 else ""
    yield ctx.finding(
        RULE,
        f"The series is missing patch{plural} {listed}; make sure the whole series was posted "
        "(re-send what is missing in the same thread) or give the tool all of it.",
        key=listed,
    )
