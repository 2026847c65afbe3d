"""Review tags carried over a change they did not cover.

**What it flags**
When several versions of a series are given in one run, a
``Reviewed-by``/``Acked-by`` tag carried in a patch of the newer version
whose code changed since the version the tag was given for.  The tag is
*given for* the newest earlier version in the run where the same person's
tag appears on the same patch (matched by title): carried in that
version's patch, or given in a reply to it or to its cover letter.  The
code *changed* when the patch's added and removed lines differ (a
range-diff: line numbers, context lines and white space are ignored).

To stay precise, the rule says nothing when

* the tag was given in a reply that also comments on the code (the
  reviewer may have asked for exactly that change: "with this fixed, R-b");
* the newer patch's notes say a tag was kept on purpose (``kept``,
  ``retained``... a tag or an ack);
* no earlier version in the run has the tag (it came from a version not
  given, or off-list).

**Why it matters for Xen**
Committers rely on the tags: a ``Reviewed-by`` on code the reviewer never
saw lets an unreviewed change in, and an ``Acked-by`` counts towards the
check-in policy.  Xen's rules let a tag be carried only when the patch did
not change meaningfully, or when the reviewer agreed to the very change.

**Example**
    v1 3/3: Julia replies "Reviewed-by: Julia Example <julia@example.org>"
    v2 3/3: carries that tag, but now also changes vtimer_save()

**Suggested fix**
Drop the tag from the changed patch (and say so in its change log), or ask
the reviewer to confirm it still holds; when you keep it because the
reviewer agreed to the change, write that in the change log.

**References**
Xen's docs/process/sending-patches.pandoc, "Reviewed-by:" and "Acked-by:"
(a given tag is included when re-sending only if the patch did not change
meaningfully, or the reviewer accepted the specific change); ``git
range-diff``, which compares versions of a series the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from xenreview.ingest.model import Patch, ReviewComment, Series, Severity, Trailer
from xenreview.rules.api import Context, Finding, Location, Related, Rule, Scope
from xenreview.rules.lib_commit import diff_signature, patch_context, same_person, version_key

RULE = Rule(
    code="SER009",
    name="stale-review-tag",
    family="series",
    scope=Scope.SERIES,
    severity=Severity.WARNING,
)

CARRIED = frozenset({"Reviewed-by", "Acked-by"})
_KEPT = re.compile(
    r"\b(?:kept|keep|keeping|retain(?:ed|ing)?|carr(?:y|ied|ying))\b.*"
    r"\b(?:tags?|r-b|a-b|rb|ab|acks?|reviewed|acked|review)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Given:
    """Where a tag was given: the version, its patch, and how."""

    series: Series
    patch: Patch
    trailer: Trailer


def _title(patch: Patch) -> str:
    return " ".join(patch.subject.title.lower().split())


def _conditional(trailer: Trailer, comments: tuple[ReviewComment, ...]) -> bool:
    """Whether the reply that gave the tag also commented on the code."""
    if trailer.origin is None:
        return False
    return any(c.message_id == trailer.origin and c.quoted for c in comments)


def _given_in(series: Series, patch: Patch, tag: Trailer) -> _Given | None:
    assert tag.person is not None
    for trailer in patch.trailers:
        if trailer.name == tag.name and trailer.person and same_person(trailer.person, tag.person):
            return _Given(series, patch, trailer)
    for trailer in patch.followup_trailers:
        if trailer.name == tag.name and trailer.person and same_person(trailer.person, tag.person):
            if _conditional(trailer, patch.review_comments):
                return None
            return _Given(series, patch, trailer)
    cover = series.cover
    if cover is not None:
        for trailer in cover.followup_trailers:
            if trailer.name != tag.name or trailer.person is None:
                continue
            if same_person(trailer.person, tag.person):
                if _conditional(trailer, cover.review_comments):
                    return None
                return _Given(series, patch, trailer)
    return None


def _find(patch: Patch, tag: Trailer, earlier: list[Series]) -> _Given | None:
    """The newest earlier version whose matching patch holds the same tag."""
    title = _title(patch)
    for series in earlier:
        match = next((p for p in series.patches if _title(p) == title), None)
        if match is None:
            continue
        given = _given_in(series, match, tag)
        if given is not None:
            return given
    return None


def _changed_lines(old: Patch, new: Patch) -> int:
    before = dict(diff_signature(old))
    after = dict(diff_signature(new))
    count = 0
    for path in before.keys() | after.keys():
        a, b = before.get(path, ()), after.get(path, ())
        count += len(set(a) ^ set(b)) if a != b else 0
        if a != b and not set(a) ^ set(b):
            count += 1  # same lines, another order
    return count


def check(series: Series, ctx: Context) -> Iterator[Finding]:
    mine = version_key(series.version)
    earlier = sorted(
        (s for s in ctx.other_versions if version_key(s.version) < mine),
        key=lambda s: version_key(s.version),
        reverse=True,
    )
    if not earlier:
        return
    for patch in series.patches:
        if not patch.diff.files or _KEPT.search(patch.notes):
            continue
        for tag in patch.trailers:
            if tag.name not in CARRIED or tag.person is None:
                continue
            given = _find(patch, tag, earlier)
            if given is None or not given.patch.diff.files:
                continue
            if diff_signature(given.patch) == diff_signature(patch):
                continue
            changed = _changed_lines(given.patch, patch)
            text = f"{tag.name}: {tag.value}"
            old = given.patch
            yield patch_context(ctx, patch).finding(
                RULE,
                f"`{text}` was given on v{given.series.version} but the patch's code changed "
                f"since ({changed} changed line{'s' if changed != 1 else ''}); drop the tag or "
                "ask the reviewer to confirm it.",
                excerpt=text,
                key=text,
                related=(
                    Related(
                        message=f"the patch as reviewed (v{given.series.version})",
                        location=Location(
                            patch=old.number,
                            total=old.total,
                            message_id=old.message_id,
                        ),
                    ),
                ),
                extra=(("given-on", f"v{given.series.version}"),),
            )
