"""Patches of one posting that carry different version numbers.

**What it flags**
A posting whose patches say different versions in their subjects: most of
it is ``[PATCH v3 n/5]`` but patch 3 says ``v2``.  The tool recognises the
stray patch as part of the posting when it is threaded under the series
(replying to its cover letter or to one of its patches), has the same
total and fills a hole in the numbering; when that posting is not among
the versions the run links to it, a patch with a whole version number,
no cover letter and holes of its own, posted straight under the root of
another version's thread, counts as stray too (a ``vN.1`` update of one
patch is deliberate and never flagged).  Series that the tool found mixed
while putting them together are reported too.  The finding is on the
patch whose version is wrong.

**Why it matters for Xen**
A stale version in one subject usually means an old file was sent along
(``git send-email *.patch`` over a folder holding both runs), so the patch
may not even be the new code.  Reviewers and tools (b4, patchwork)
treat it as belonging to another version, the series looks incomplete and
tags get attached to the wrong revision.

**Example**
    [PATCH v3 0/5] xen/arm: ...
    [PATCH v3 1/5] ...
    [PATCH v2 3/5] ...     (in reply to the v3 cover letter)

**Suggested fix**
Regenerate the whole series with one ``--subject-prefix``/``-v`` and
re-send it; when a single patch is being updated on purpose, call it
``vN.1`` and say so in its change log.

**References**
Common xen-devel practice for re-rolls: every patch of a posting carries
the posting's version.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Series, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope
from xenreview.rules.lib_commit import looks_stray, patch_context, stray_home, strays

RULE = Rule(
    code="SER005",
    name="mixed-series-versions",
    family="series",
    scope=Scope.SERIES,
    severity=Severity.WARNING,
)


def check(series: Series, ctx: Context) -> Iterator[Finding]:
    for stray in strays(series, ctx.other_versions):
        for patch in stray.stray.patches:
            yield patch_context(ctx, patch).finding(
                RULE,
                f"Patch {patch.number}/{patch.total} is labelled v{patch.subject.version} but "
                f"was posted with v{series.version} of the series; re-send it with the series' "
                "version (or as an explicit vN.1 update with a change log).",
                key=f"v{patch.subject.version} {patch.number}/{patch.total}",
            )
    if looks_stray(series) and stray_home(series, ctx.other_versions) is None:
        for patch in series.patches:
            yield patch_context(ctx, patch).finding(
                RULE,
                f"Patch {patch.number}/{patch.total} is labelled v{patch.subject.version} but was "
                f"posted in the thread of another version of the series (in reply to "
                f"<{patch.message.in_reply_to}>); re-send it with that posting's version.",
                key=f"v{patch.subject.version} {patch.number}/{patch.total}",
            )
        return
    versions = {patch.subject.version for patch in series.patches}
    if series.cover is not None:
        versions.add(series.cover.message.subject.version)
    mixed = len(versions) > 1 or any(p.code == "mixed-versions" for p in series.problems)
    if not mixed:
        return
    for patch in series.patches:
        if patch.subject.version == series.version:
            continue
        yield patch_context(ctx, patch).finding(
            RULE,
            f"Patch {patch.number}/{patch.total} is labelled v{patch.subject.version} but the "
            f"series is v{series.version}; re-send it with the series' version.",
            key=f"v{patch.subject.version} {patch.number}/{patch.total}",
        )
