"""Subject titles that end with a full stop.

**What it flags**
A patch whose title ends with a single ``.`` (an ellipsis ``...`` is left
alone).

**Why it matters for Xen**
The title is a heading, not a sentence: in the shortlog, in ``Fixes:``
tags and in the ``("...")`` quotes of later commit messages the stray full
stop looks like a typo, and reviewers routinely ask for it to go.

**Example**
    Subject: [PATCH] xen/arm: vtimer: Make the counter unsigned.

**Suggested fix**
Drop the full stop: ``xen/arm: vtimer: Make the counter unsigned``.

**References**
Xen's docs/process/sending-patches.pandoc, "The patch subject" (a short
description of what the patch does); common xen-devel review practice,
shared with git's own conventions for a commit's first line.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Patch, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope

RULE = Rule(
    code="MSG004",
    name="subject-ends-with-period",
    family="commit",
    scope=Scope.PATCH,
    severity=Severity.NOTE,
)


def check(patch: Patch, ctx: Context) -> Iterator[Finding]:
    title = patch.subject.title.rstrip()
    if not title.endswith(".") or title.endswith(".."):
        return
    yield ctx.finding(
        RULE,
        "The subject title ends with a full stop; drop it.",
        excerpt=title,
        fix=title[:-1].rstrip(),
    )
