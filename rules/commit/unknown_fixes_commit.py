"""``Fixes:``/``Amends:`` tags that do not match the tree's history.

**What it flags**
With the tree's history at hand (the series was applied to a repository),
a well-formed ``Fixes:`` or ``Amends:`` tag whose commit id

* names a commit whose subject is not the one quoted (a quoted subject cut
  short with ``...`` only has to match its start); or
* names no commit at all in a real Xen tree.  The bundled mini tree has no
  history to speak of, so against it only the first check is made.

Malformed tags are ``malformed-fixes-tag``'s business and are skipped.

**Why it matters for Xen**
A wrong id or a subject copied from another commit sends backporters and
bisecting readers to the wrong change: the stable trees would take the fix
into releases that never had the bug, or miss the ones that do.

**Example**
    Fixes: 0123456789ab ("xen/arm: Add the virtual timer")
    (0123456789ab is "xen/arm: Rework the GIC set-up" in the tree)

**Suggested fix**
Regenerate the tag from the tree: ``git log -1 --abbrev=12
--format='Fixes: %h ("%s")' <commit>``.

**References**
Xen's docs/process/sending-patches.pandoc, "Fixes:"; the stable-tree
maintainers' use of the tag when choosing backports.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Patch, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope
from xenreview.rules.lib_commit import commit_lookup, is_real_tree, parse_fixes

RULE = Rule(
    code="MSG008",
    name="unknown-fixes-commit",
    family="commit",
    scope=Scope.PATCH,
    severity=Severity.WARNING,
    needs_tree=True,
)

MIN_DIGITS = 12


def _same_subject(quoted: str, real: str) -> bool:
    quoted = " ".join(quoted.split())
    real = " ".join(real.split())
    if quoted == real:
        return True
    for ellipsis in ("...", "…"):
        if quoted.endswith(ellipsis) and real.startswith(quoted[: -len(ellipsis)].rstrip()):
            return True
    return False


def check(patch: Patch, ctx: Context) -> Iterator[Finding]:
    lookup = commit_lookup(ctx)
    if lookup is None:
        return
    real_tree = is_real_tree(ctx)
    for trailer in patch.trailers:
        if trailer.name not in ("Fixes", "Amends"):
            continue
        ref = parse_fixes(trailer.value)
        if ref is None or len(ref.sha) < MIN_DIGITS:
            continue
        found = lookup(ref.sha)
        if found is None:
            if real_tree:
                yield ctx.finding(
                    RULE,
                    f"The {trailer.name}: tag names commit {ref.sha}, which is not in the "
                    "tree; check the commit id.",
                    excerpt=f"{trailer.name}: {trailer.value}",
                    key=trailer.value,
                )
            continue
        full, subject = found
        if _same_subject(ref.subject, subject):
            continue
        fixed = f'{trailer.name}: {full[:MIN_DIGITS]} ("{subject}")'
        yield ctx.finding(
            RULE,
            f'The {trailer.name}: tag quotes ("{ref.subject}") but commit {ref.sha} is '
            f'("{subject}"); correct the commit id or the subject.',
            excerpt=f"{trailer.name}: {trailer.value}",
            fix=fixed,
            key=trailer.value,
        )
