"""The same patch number posted twice in one series.

**What it flags**
A series in which two messages carry the same ``n/m`` (two different
``[PATCH v2 3/5]``), as found when the series is put together; the tool
keeps the copy read last and reports the patch here.

**Why it matters for Xen**
Two patches with one number usually mean a fixed-up patch re-sent without
a new version, or two runs of ``git send-email`` mixed in one thread.
Reviewers and committers cannot tell which copy is meant, and tags given
on one may end up on the other.

**Example**
    [PATCH v2 3/5] xen/arm: vtimer: ...     (Message-ID <...1@example.org>)
    [PATCH v2 3/5] xen/arm: vtimer: ...     (Message-ID <...9@example.org>)

**Suggested fix**
Re-send the series as a new version (``v3``) with a change log, rather
than replacing one patch in place; if only one patch changed, post it as
``v2.1 3/5`` in reply to the patch it replaces.

**References**
Common xen-devel practice for re-rolls (a new version number for every
re-send, ``vN.1`` for a single updated patch of a series).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xenreview.ingest.model import Series, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope
from xenreview.rules.lib_commit import patch_context

RULE = Rule(
    code="SER002",
    name="duplicate-patch-number",
    family="series",
    scope=Scope.SERIES,
    severity=Severity.WARNING,
)

_NUMBER = re.compile(r"patch (\d+)/(\d+)")


def check(series: Series, ctx: Context) -> Iterator[Finding]:
    by_number = {patch.number: patch for patch in series.patches}
    for problem in series.problems:
        if problem.code != "duplicate-patch":
            continue
        match = _NUMBER.search(problem.message)
        number = int(match.group(1)) if match is not None else None
        patch = by_number.get(number) if number is not None else None
        where = patch_context(ctx, patch) if patch is not None else ctx
        label = f"{number}/{series.total}" if number is not None else "a patch"
        yield where.finding(
            RULE,
            f"Patch {label} was posted more than once in this series; re-send the series as "
            "a new version instead of replacing a patch under the same number.",
            key=problem.message,
        )
