"""Series that do not say which commit they apply to.

**What it flags**
A series with no ``base-commit:`` line in its cover letter or in any of its
patches.  Patches recovered from web-archive copies (which drop that line)
and stray patches of another posting are left alone.

**Why it matters for Xen**
Xen moves quickly and a series that does not apply to today's ``staging``
still has to be reviewed and tested against the tree it was written for.
``base-commit:`` tells reviewers, CI and tools such as b4 and xenreview
which one; without it they guess, and a failed apply is blamed on the
series instead of on the tree having moved.

**Example**
    [PATCH 0/3] xen/arm: ...
    (cover letter and patches without a "base-commit:" line)

**Suggested fix**
Generate the series with ``git format-patch --base=auto`` (or set
``format.useAutoBase = whenAble``); b4 adds the line on its own.

**References**
``git format-patch --base`` (the "base tree information" block); b4's
``base-commit`` handling; common xen-devel practice for long series.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Series, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope
from xenreview.rules.lib_commit import is_stray

RULE = Rule(
    code="SER006",
    name="missing-base-commit",
    family="series",
    scope=Scope.SERIES,
    severity=Severity.NOTE,
)


def check(series: Series, ctx: Context) -> Iterator[Finding]:
    if series.base_commit or series.reconstructed or not series.patches:
        return
    if any(patch.reconstructed for patch in series.patches):
        return
    if is_stray(series, ctx.other_versions):
        return
    yield ctx.finding(
        RULE,
        "The series does not name the commit it is based on; generate it with "
        "`git format-patch --base=auto` so that reviewers and tools apply it where you did.",
        key=series.title,
    )
