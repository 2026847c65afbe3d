"""Tags out of their chronological order.

**What it flags**
Xen adds tags in the order things happened, so this rule checks two things
about a patch's own tags (after the last ``Origin:`` tag, when there is
one: the tags above it come from the original upstream patch):

* a review tag (``Reviewed-by``, ``Acked-by``, ``Tested-by``,
  ``Release-Acked-by``) above the first ``Signed-off-by``: the review
  happened after the patch was written and signed;
* a tag that describes where the patch comes from (``Fixes``, ``Amends``,
  ``Reported-by``, ``Suggested-by``, ``Requested-by``) below a review tag.

Nothing else is enforced: the order among the first group, among the
sign-offs and among review tags is free, and ``Backport``, ``Link``,
``Cc`` and unknown tags can go anywhere.

**Why it matters for Xen**
Committers and scripts read the tag block as a history: who reported and
who wrote the change, then who reviewed, acked and tested it.  A review tag
above the sign-off reads as if the review came first, and maintainers ask
for the block to be put in order before committing.

**Example**
    Reviewed-by: Julia Example <julia@example.org>
    Signed-off-by: Alice Example <alice@example.org>

**Suggested fix**
Put ``Fixes:``/``Reported-by:``/``Suggested-by:`` first, then the
sign-offs, then ``Reviewed-by:``/``Acked-by:``/``Tested-by:`` in the order
they were given.

**References**
Xen's docs/process/sending-patches.pandoc, "Tags": tags are added in
chronological order, so a Reviewed-by comes after the Signed-off-by; the
"Origin:" section for tags taken from an upstream patch.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Patch, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope
from xenreview.rules.lib_commit import REVIEW_TAGS

RULE = Rule(
    code="MSG009",
    name="misordered-trailers",
    family="commit",
    scope=Scope.PATCH,
    severity=Severity.NOTE,
)

_ORIGIN_TAGS = frozenset({"Fixes", "Amends", "Reported-by", "Suggested-by", "Requested-by"})


def check(patch: Patch, ctx: Context) -> Iterator[Finding]:
    trailers = list(patch.trailers)
    origins = [i for i, t in enumerate(trailers) if t.name == "Origin"]
    if origins:
        trailers = trailers[origins[-1] + 1 :]
    signoffs = [i for i, t in enumerate(trailers) if t.name == "Signed-off-by"]
    first_signoff = signoffs[0] if signoffs else None
    first_review: int | None = None
    for index, trailer in enumerate(trailers):
        text = f"{trailer.name}: {trailer.value}"
        if trailer.name in REVIEW_TAGS:
            if first_review is None:
                first_review = index
            if first_signoff is not None and index < first_signoff:
                yield ctx.finding(
                    RULE,
                    f"The {trailer.name}: tag is above the first Signed-off-by; move it below "
                    "the sign-offs, as the review came after the patch was written.",
                    excerpt=text,
                    key=text,
                )
        elif trailer.name in _ORIGIN_TAGS and first_review is not None:
            above = trailers[first_review].name
            yield ctx.finding(
                RULE,
                f"The {trailer.name}: tag is below the {above}: tag; move it to the top of "
                "the tags, before the sign-offs.",
                excerpt=text,
                key=text,
            )
