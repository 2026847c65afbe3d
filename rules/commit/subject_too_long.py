"""Subject titles longer than 80 characters.

**What it flags**
A patch whose title (the subject without the ``[PATCH ...]`` brackets, which
becomes the first line of the commit) is longer than 80 characters.
Reverts are left alone: their title quotes another one.

**Why it matters for Xen**
The title is the one line of the commit that shows up everywhere: the
shortlog of a release, ``git log --oneline``, the Fixes: tags of later
patches, the subject of every reply on xen-devel.  Past 80 characters it
wraps or gets cut in all of them.

**Example**
    Subject: [PATCH] xen/arm: vtimer: Make the physical and the virtual timer
     share all of the code that sets them up in vcpu_vtimer_init()

(an 86-character title, folded here as mail headers are)

**Suggested fix**
Say what the patch does in fewer words and move the details to the body
(``xen/arm: vtimer: Share the set-up of both timers``).

**References**
Xen's docs/process/sending-patches.pandoc, "The patch subject": the line
should in general stay within 80 characters.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Patch, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope

RULE = Rule(
    code="MSG003",
    name="subject-too-long",
    family="commit",
    scope=Scope.PATCH,
    severity=Severity.WARNING,
)

LIMIT = 80


def check(patch: Patch, ctx: Context) -> Iterator[Finding]:
    title = patch.subject.title.strip()
    if len(title) <= LIMIT or title.startswith("Revert "):
        return
    yield ctx.finding(
        RULE,
        f"The subject title is {len(title)} characters long; shorten it to at most {LIMIT} "
        "and move the details to the commit message body.",
        excerpt=title,
    )
