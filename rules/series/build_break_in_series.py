"""Patches after which the tree no longer builds.

**What it flags**
With the build check enabled (``--build``), each patch after which the
tree fails the check although it passed right before that patch.  The
finding names the first errors, points at the file and line of each, and
says which later patch, if any, makes the tree build again.  A tree that
already fails before the series is not the series' fault and only
transitions from passing to failing are reported.

**Why it matters for Xen**
Every commit of Xen must build on its own: ``git bisect`` lands on any of
them, and so does the CI that tests each commit pushed to ``staging``.  A
series that breaks the build at patch 2 and repairs it at patch 3 leaves a
broken commit in the history forever.

**Example**
    [PATCH 2/3] makes ticks_to_ns() static, but vtimer.c still calls it
    until [PATCH 3/3]

**Suggested fix**
Reorder or merge the patches so that each one builds: here, convert the
callers before making the function static, or fold patch 3 into patch 2.
Check with ``git rebase -x 'make -C xen' staging`` before sending.

**References**
Common xen-devel practice: every commit must build on its own so that
``git bisect`` works, and the project's CI builds the commits pushed to
``staging``; reviewers ask for patches to be reordered or merged when one
only builds with a later one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xenreview.apply.model import BuildResult
from xenreview.ingest.model import Series, Severity
from xenreview.rules.api import Context, Finding, Location, Related, Rule, Scope
from xenreview.rules.lib_commit import applied_of, patch_context

RULE = Rule(
    code="SER008",
    name="build-break-in-series",
    family="series",
    scope=Scope.SERIES,
    severity=Severity.ERROR,
    needs_tree=True,
    needs_build=True,
)

_ERROR_AT = re.compile(r"(?P<path>[^\s:]+):(?P<line>\d+):(?:\d+:)?\s*(?P<what>.*)")


def _related(build: BuildResult, total: int, message_id: str) -> list[Related]:
    related: list[Related] = []
    for error in build.errors:
        match = _ERROR_AT.match(error)
        if match is None:
            continue
        related.append(
            Related(
                message=match.group("what") or error,
                location=Location(
                    patch=build.patch,
                    total=total,
                    message_id=message_id,
                    path=match.group("path"),
                    line=int(match.group("line")),
                ),
            )
        )
    return related


def check(series: Series, ctx: Context) -> Iterator[Finding]:
    applied = applied_of(ctx)
    if applied is None or not applied.builds:
        return
    by_number = {patch.number: patch for patch in series.patches}
    builds = sorted(applied.builds, key=lambda b: b.patch)
    for index, build in enumerate(builds):
        if build.ok or build.patch == 0 or index == 0 or not builds[index - 1].ok:
            continue
        patch = by_number.get(build.patch)
        if patch is None:
            continue
        repaired = next((b.patch for b in builds[index + 1 :] if b.ok), None)
        first = build.errors[0] if build.errors else "no error text"
        later = (
            f"; patch {repaired}/{patch.total} makes it build again, so fold the fix into this "
            "patch or reorder them"
            if repaired is not None
            else "; fix it in this patch"
        )
        yield patch_context(ctx, patch).finding(
            RULE,
            f"The tree fails the build check after patch {patch.number}/{patch.total} although "
            f"it passed before it ({first}){later}.",
            related=_related(build, patch.total, patch.message_id),
            key=f"build:{patch.subject.title}",
        )
