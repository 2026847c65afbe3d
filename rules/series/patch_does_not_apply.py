"""Patches that do not apply to the tree.

**What it flags**
Each patch of the series that the apply stage could not apply on top of
the ones before it:

* a *conflict*: a hunk's context is not in the file (nor did a 3-way merge
  succeed); the finding points at the file and, where known, at the lines
  that look most like what the hunk expected;
* a *missing base*: the patch fails and the file versions it was made
  against (its ``index`` lines) are not in the tree, so it was written on
  a commit the tree does not have;
* *not attempted*: it touches a file a failed patch left behind, or its
  diff cannot be read (mangled by a mailer).

Patches recovered from web-archive copies and patches that carry no diff
at all are not the author's doing and are left alone.

**Why it matters for Xen**
A committer applies the series with ``git am`` on ``staging``; a patch
that does not apply stops the whole series, and reviewers cannot be sure
that what they reviewed is what will go in once someone resolves it.

**Example**
    [PATCH 2/3] xen/console: ...   (its hunk expects lines that the
    tree's console.c does not have)

**Suggested fix**
Rebase the series onto the current ``staging`` (or on the commit named
in ``base-commit:``, if the tree is behind), resolve the conflicts, check
that every patch still builds and re-send it as a new version.  When the
series depends on patches not yet committed, say so in the cover letter
and name them (``prerequisite-patch-id:``).

**References**
Common xen-devel practice: series are posted against the current
``staging`` branch and committed with ``git am``.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.apply.model import Outcome, PatchResult
from xenreview.ingest.model import Series, Severity
from xenreview.rules.api import Context, Finding, Location, Related, Rule, Scope
from xenreview.rules.lib_commit import applied_of, patch_context

RULE = Rule(
    code="SER007",
    name="patch-does-not-apply",
    family="series",
    scope=Scope.SERIES,
    severity=Severity.ERROR,
    needs_tree=True,
)


def _related(result: PatchResult, total: int, message_id: str) -> list[Related]:
    related: list[Related] = []
    for failure in result.failures:
        line = failure.nearest.line if failure.nearest is not None else None
        excerpt = "\n".join(failure.nearest.lines) if failure.nearest is not None else None
        what = failure.explanation or failure.reason
        if not what.startswith(failure.path):
            what = f"{failure.path}: {what}"
        related.append(
            Related(
                message=what,
                location=Location(
                    patch=result.number,
                    total=total,
                    message_id=message_id,
                    path=failure.path,
                    line=line,
                ),
                excerpt=excerpt,
            )
        )
    return related


def _message(result: PatchResult, number: str, tree: str, base: str) -> str:
    where = f"{tree} at {base[:12]}"
    reason = result.reason.rstrip(".")
    if result.outcome is Outcome.CONFLICT:
        return (
            f"Patch {number} does not apply to {where} ({reason}); rebase the series onto "
            "the current tree and re-send it."
        )
    if result.outcome is Outcome.BASE_MISSING:
        return (
            f"Patch {number} does not apply to {where}, which lacks the file versions it was "
            f"made against ({reason}); rebase it, or name its base commit and prerequisites."
        )
    if result.depends_on:
        failed = ", ".join(str(n) for n in result.depends_on)
        return (
            f"Patch {number} could not be tried because patch {failed} did not apply before "
            f"it ({reason}); fix that patch first."
        )
    return f"Patch {number} could not be applied ({reason}); re-send it so that git am reads it."


def check(series: Series, ctx: Context) -> Iterator[Finding]:
    applied = applied_of(ctx)
    if applied is None:
        return
    by_number = {patch.number: patch for patch in series.patches}
    for result in applied.results:
        if result.outcome.applied:
            continue
        patch = by_number.get(result.number)
        if patch is None or patch.reconstructed:
            continue
        if (
            result.outcome is Outcome.NOT_ATTEMPTED
            and not result.depends_on
            and not patch.diff.files
            and not any(p.code == "malformed-diff" for p in patch.problems)
        ):
            continue  # nothing to apply: not a failure of the author's
        number = f"{patch.number}/{patch.total}"
        yield patch_context(ctx, patch).finding(
            RULE,
            _message(result, number, applied.tree, applied.base),
            related=_related(result, patch.total, patch.message_id),
            key=f"{result.outcome.value}:{patch.subject.title}",
            extra=(("outcome", result.outcome.value),),
        )
