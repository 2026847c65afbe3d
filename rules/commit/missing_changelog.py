"""Re-sent patches (v2 and later) that do not say what changed.

**What it flags**
A patch of version 2 or later (``[PATCH v2 ...]``, ``v3.1``...) with no
change log anywhere: nothing about versions or changes in its notes (the
part after ``---`` and before the diffstat) and, when the series has a
cover letter, no version history there either (``Changes in v2:``,
``Changes since v1``, ``v1 -> v2``, ``v2:``...).  Any note after ``---``
that mentions a version or a change (``New in v2``, ``No changes``,
``Rebased``) counts as a change log.

**Why it matters for Xen**
Reviewers rarely re-read a whole patch: they look at what changed since
the version they commented on, and check that their comments were
addressed.  Without a change log they have to diff the versions by hand,
and a patch that silently ignores a comment gets through.

**Example**
    Subject: [PATCH v2] xen/arm: vtimer: Make the counter unsigned
    ...
    Signed-off-by: Alice Example <alice@example.org>
    ---
     xen/arch/arm/vtimer.c | 2 +-

**Suggested fix**
After the ``---`` line, before the diffstat, list what changed and at whose
request::

    ---
    Changes in v2:
    - use unsigned int, as asked by Julia

or give the history of every patch in the cover letter.

**References**
Xen's docs/process/sending-patches.pandoc, "Patch version history (change
log)": a change log after ``---`` in revised versions, attributing changes
to the reviewers who asked for them.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Patch, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope
from xenreview.rules.lib_commit import cover_has_changelog, notes_have_changelog, version_key

RULE = Rule(
    code="MSG012",
    name="missing-changelog",
    family="commit",
    scope=Scope.PATCH,
    severity=Severity.WARNING,
)


def check(patch: Patch, ctx: Context) -> Iterator[Finding]:
    subject = patch.subject
    if not subject.version_stated or version_key(subject.version) < (2,):
        return
    if patch.reconstructed or notes_have_changelog(patch.notes):
        return
    cover = ctx.series.cover
    if cover is not None and cover_has_changelog(cover):
        return
    yield ctx.finding(
        RULE,
        f"This is v{subject.version} but neither the patch (after `---`) nor the cover letter "
        "says what changed since the previous version; add a change log.",
    )
