"""Patch subjects that do not start with the ``area:`` of the code they change.

**What it flags**
A patch whose subject title (after the ``[PATCH ...]`` brackets) has no
leading ``component:`` or ``component/sub-component:`` prefix, such as
``Fix the timer rounding`` instead of ``xen/arm: time: Fix the timer
rounding``.  Titles of reverts (``Revert "..."``) are left alone: they
quote the reverted subject.

**Why it matters for Xen**
Maintainers of xen-devel sort their mail and the shortlog of a release by
that prefix: it tells at a glance which component (and so which maintainer)
a patch concerns.  A title without it gets missed or asked to be resent.

**Example**
    Subject: [PATCH] Make the vtimer counter unsigned

**Suggested fix**
Prefix the title with the component the patch touches, with a sub-component
after a slash where that helps: ``xen/arm: vtimer: Make the counter
unsigned``, ``x86/hvm: ...``, ``tools/libxl: ...``, ``build: ...``,
``MAINTAINERS: ...``.

**References**
Xen's docs/process/sending-patches.pandoc, "The patch subject": the first
line names the touched component and then says what the patch does.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Patch, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope
from xenreview.rules.lib_commit import arch_of_path, area_chain, touched_paths

RULE = Rule(
    code="MSG001",
    name="subject-without-area",
    family="commit",
    scope=Scope.PATCH,
    severity=Severity.WARNING,
)


def _hint(patch: Patch) -> str:
    arches = {arch_of_path(path) for path in touched_paths(patch)}
    if arches == {"arm"}:
        return "xen/arm: "
    if arches == {"x86"}:
        return "x86: "
    return ""


def check(patch: Patch, ctx: Context) -> Iterator[Finding]:
    title = patch.subject.title.strip()
    if not title or title.startswith(("Revert ", "revert ")) or area_chain(title):
        return
    hint = _hint(patch)
    example = f" (for instance `{hint}{title}`)" if hint else ""
    yield ctx.finding(
        RULE,
        f"The subject has no `area:` prefix; start it with the component it changes{example}.",
        excerpt=title,
        fix=f"{hint}{title}" if hint else None,
    )
