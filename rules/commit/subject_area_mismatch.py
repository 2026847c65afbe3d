"""Subject areas that name other code than the patch changes.

**What it flags**
A subject whose ``area:`` prefix contradicts the paths of the diff, in the
two cases where there is no doubt:

* the area names an architecture (``xen/arm:``, ``arm64:``, ``x86/mm:``,
  ``VT-d:``...) and the patch touches architecture-specific files, but none
  of that architecture (``xen/arm:`` on a patch that only changes
  ``xen/arch/x86/``);
* the area names a subsystem that lives in ``xen/common/`` (``sched:``,
  ``xen/sched:``, ``evtchn:``, ``common:``...) and every file the patch
  touches belongs to one architecture.

A patch that touches the named architecture (or common code) anywhere is
never flagged, nor are areas the rule does not know (``tools``, ``build``,
``xen``, ``iommu``...).  The mapping from areas and paths to architectures
is described in ``xenreview/rules/lib_commit.py``.

**Why it matters for Xen**
The prefix routes the patch: Arm maintainers read ``xen/arm:`` patches, the
x86 maintainers ``x86/...:`` ones, and the shortlog of a release groups
changes by it.  A wrong prefix sends the patch to the wrong people and
misfiles it in the history.

**Example**
    Subject: [PATCH] xen/arm: Fix the S3 resume path
     xen/arch/x86/acpi/power.c | 4 ++--

**Suggested fix**
Use the prefix of the code the patch really changes (``x86/acpi:`` in the
example); a patch that changes several architectures can name them all
(``xen/arm, x86:``) or use the common ``xen:``.

**References**
Xen's docs/process/sending-patches.pandoc, "The patch subject"; the
MAINTAINERS file, whose sections follow the same split (ARM ARCHITECTURE,
X86 ARCHITECTURE, SCHEDULING...).
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Patch, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope
from xenreview.rules.lib_commit import (
    ARCH_NAMES,
    arch_of_path,
    area_arches,
    area_chain,
    common_area,
    touched_paths,
)

RULE = Rule(
    code="MSG002",
    name="subject-area-mismatch",
    family="commit",
    scope=Scope.PATCH,
    severity=Severity.WARNING,
)

_PREFIX = {"arm": "xen/arm", "x86": "x86", "riscv": "xen/riscv", "ppc": "xen/ppc"}


def _names(arches: set[str] | frozenset[str]) -> str:
    return " and ".join(ARCH_NAMES.get(a, a) for a in sorted(arches))


def check(patch: Patch, ctx: Context) -> Iterator[Finding]:
    chain = area_chain(patch.subject.title.strip())
    paths = touched_paths(patch)
    if not chain or not paths:
        return
    path_arches = [arch_of_path(path) for path in paths]
    touched = {arch for arch in path_arches if arch is not None}
    named = area_arches(chain)
    area = chain[0]
    if named:
        if not touched or named & touched:
            return
        suggestion = _PREFIX.get(next(iter(touched))) if len(touched) == 1 else None
        fix = f" (`{suggestion}:`)" if suggestion else ""
        yield ctx.finding(
            RULE,
            f"The subject's area `{area}:` names {_names(named)} but the architecture code the "
            f"patch changes is {_names(touched)}'s; use the prefix of the code it touches{fix}.",
            excerpt=patch.subject.title,
        )
        return
    if common_area(chain) is None or None in path_arches or len(touched) != 1:
        return
    arch = next(iter(touched))
    yield ctx.finding(
        RULE,
        f"The subject's area `{area}:` names common code but every file the patch changes "
        f"is {_names(touched)} code; use the prefix of that code (`{_PREFIX.get(arch, arch)}:`).",
        excerpt=patch.subject.title,
    )
