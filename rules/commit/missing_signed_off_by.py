"""Patches without the author's Signed-off-by.

**What it flags**
A patch whose own tags (not those collected from replies) hold no
``Signed-off-by:`` of its author.  The author is the mail's ``From:`` (or
the in-body ``From:`` line git puts first when the sender is someone
else); a sign-off matches it by address, case-insensitively, or failing
that by the same full name (people often sign off with their work address
and send from another).  A sender who forwards someone else's patch
without adding their own sign-off is not flagged here.

**Why it matters for Xen**
The sign-off is the author's statement that they may contribute the code
under the project's licence (the Developer's Certificate of Origin).  Xen
requires one from every author: a patch without it cannot be committed, and
the sign-off must carry the author's real name.

**Example**
    From: Alice Example <alice@example.org>
    ...
    Signed-off-by: Bruno Example <bruno@example.org>

**Suggested fix**
Add ``Signed-off-by: <Your Name> <your address>`` as the author (``git
commit --amend -s``), or, when the patch is someone else's, keep their
sign-off and make sure the ``From:`` line names them.

**References**
Xen's docs/process/sending-patches.pandoc, "Signed-off-by:" (mandatory,
one per author, real name) and the Developer's Certificate of Origin 1.1.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Patch, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope
from xenreview.rules.lib_commit import same_person, trailer_people

RULE = Rule(
    code="MSG006",
    name="missing-signed-off-by",
    family="commit",
    scope=Scope.PATCH,
    severity=Severity.ERROR,
)


def check(patch: Patch, ctx: Context) -> Iterator[Finding]:
    if patch.reconstructed and patch.missing:
        return  # an archive copy that lost part of the message: cannot tell
    author = patch.author
    signers = trailer_people(patch.trailers, "Signed-off-by")
    if any(same_person(author, who) for who in signers):
        return
    if not author.email and not author.name:
        return
    if not signers:
        message = (
            f"The patch has no Signed-off-by; add one for its author, {author}, to certify "
            "the Developer's Certificate of Origin."
        )
    else:
        names = ", ".join(str(who) for who in signers)
        message = (
            f"The author {author} has not signed off this patch (signed off by {names}); add "
            "the author's Signed-off-by, or fix the From: line if someone else wrote it."
        )
    yield ctx.finding(RULE, message, fix=f"Signed-off-by: {author}", key=author.email.lower())
