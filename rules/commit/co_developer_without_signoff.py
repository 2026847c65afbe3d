"""Co-authors credited without their own sign-off.

**What it flags**
A ``Co-developed-by:`` tag of the patch naming someone (by address, or by
full name) who has no ``Signed-off-by:`` among the patch's tags.

**Why it matters for Xen**
Every author of a Xen patch must sign it off: the sign-off is each
author's own statement, under the Developer's Certificate of Origin, that
the code may be contributed.  ``Co-developed-by:`` says someone wrote part
of the patch, so without their sign-off the patch cannot be committed.

**Example**
    Co-developed-by: Bruno Example <bruno@example.org>
    Signed-off-by: Alice Example <alice@example.org>

**Suggested fix**
Ask the co-author for their sign-off and put it right below their
``Co-developed-by:``::

    Co-developed-by: Bruno Example <bruno@example.org>
    Signed-off-by: Bruno Example <bruno@example.org>
    Signed-off-by: Alice Example <alice@example.org>

**References**
Xen's docs/process/sending-patches.pandoc, "Signed-off-by:" (a separate
sign-off for each author); the Developer's Certificate of Origin 1.1.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Patch, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope
from xenreview.rules.lib_commit import same_person, trailer_people

RULE = Rule(
    code="MSG016",
    name="co-developer-without-signoff",
    family="commit",
    scope=Scope.PATCH,
    severity=Severity.ERROR,
)


def check(patch: Patch, ctx: Context) -> Iterator[Finding]:
    signers = trailer_people(patch.trailers, "Signed-off-by")
    for trailer in patch.trailers:
        who = trailer.person
        if trailer.name != "Co-developed-by" or who is None:
            continue
        if any(same_person(who, signer) for signer in signers):
            continue
        text = f"{trailer.name}: {trailer.value}"
        yield ctx.finding(
            RULE,
            f"{who} is credited as co-developer but has not signed off the patch; add their "
            "Signed-off-by right below the Co-developed-by: tag.",
            excerpt=text,
            fix=f"Signed-off-by: {who}",
            key=text,
        )
