"""Review tags given by the patch's own author.

**What it flags**
A ``Reviewed-by``, ``Acked-by``, ``Tested-by`` or ``Release-Acked-by`` tag
(in the patch, or collected from a reply) that names the author of the
patch, by address or by full name.

**Why it matters for Xen**
These tags record that *someone else* looked at, approved or tested the
change; the author's own name there adds nothing and can hide that nobody
else did.  It matters most for maintainers: an author who maintains the
code still needs the ack or review of another maintainer, and the check-in
policy counts tags, so a self-ack may let a patch look committable when it
is not.

**Example**
    From: Alice Arm <alice@example.org>
    ...
    Signed-off-by: Alice Arm <alice@example.org>
    Acked-by: Alice Arm <alice@example.org>

**Suggested fix**
Drop the tag; ask another reviewer or maintainer of the code for theirs.

**References**
Xen's docs/process/sending-patches.pandoc, "Reviewed-by:", "Acked-by:"
and "Tested-by:" (tags given by others who looked at the patch); the
check-in policy in MAINTAINERS (a maintainer's own patch needs another
maintainer's ack).
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Patch, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope
from xenreview.rules.lib_commit import REVIEW_TAGS, same_person

RULE = Rule(
    code="MSG013",
    name="self-review-tag",
    family="commit",
    scope=Scope.PATCH,
    severity=Severity.WARNING,
)


def check(patch: Patch, ctx: Context) -> Iterator[Finding]:
    author = patch.author
    for trailer in patch.all_trailers:
        if trailer.name not in REVIEW_TAGS or trailer.person is None:
            continue
        if not same_person(author, trailer.person):
            continue
        text = f"{trailer.name}: {trailer.value}"
        yield ctx.finding(
            RULE,
            f"The {trailer.name}: tag names the patch's own author; drop it and get the tag "
            "from another reviewer.",
            excerpt=text,
            key=text,
        )
