"""Non-trivial patches with no commit message body.

**What it flags**
A patch whose commit message is only the subject and the tags, while its
diff adds and removes more than 10 lines in total.  Patches that only touch
``MAINTAINERS``, ``CHANGELOG.md``, ``SUPPORT.md`` or ``CREDITS`` are left
alone: their change says it all.

**Why it matters for Xen**
The subject says *what* a patch does; reviewers on xen-devel and readers of
``git log`` years later need to know *why*, what the situation was before
and how the change reaches its goal.  Xen maintainers ask for a proper
description before they look at the code.

**Example**
    Subject: [PATCH] xen/arm: vtimer: Rework the timer set-up

    Signed-off-by: Alice Example <alice@example.org>
    ---
     xen/arch/arm/vtimer.c | 40 +++++++++++++++++-----------------

**Suggested fix**
Write a body: the current situation, what is wrong with it or missing, and
how the patch changes it; mention side changes (clean-ups) too.

**References**
Xen's docs/process/sending-patches.pandoc, "The commit message": describe
why the patch is done and how, omitting parts only in obvious cases.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Patch, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope
from xenreview.rules.lib_commit import DOC_ONLY_FILES, changed_line_count, touched_paths

RULE = Rule(
    code="MSG011",
    name="empty-commit-body",
    family="commit",
    scope=Scope.PATCH,
    severity=Severity.WARNING,
)

TRIVIAL = 10


def check(patch: Patch, ctx: Context) -> Iterator[Finding]:
    if patch.body.strip() or patch.reconstructed:
        return
    changed = changed_line_count(patch)
    paths = touched_paths(patch)
    if changed <= TRIVIAL or all(path in DOC_ONLY_FILES for path in paths):
        return
    yield ctx.finding(
        RULE,
        f"The commit message has no body although the patch changes {changed} lines; explain "
        "why the change is needed and how it works.",
    )
