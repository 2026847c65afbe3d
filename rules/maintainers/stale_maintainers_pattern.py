"""Files removed or moved while MAINTAINERS still names them.

**What it flags**
A patch that deletes or renames a file which a MAINTAINERS ``F:`` or
``X:`` line names exactly (no wildcard, not a folder), when that line is
still there and the file still absent both after the patch and after the
whole series.

**Why it matters for Xen**
An ``F:`` line naming a file that no longer exists covers nothing: the
entry silently loses the file (after a move, its maintainers stop being
copied on patches to it and stop being the ones whose ack it needs, and
the file falls to a broader entry or to THE REST).  Reviewers ask for the
MAINTAINERS update in the same patch as the move.

**Example**
    xen/arm: Move the suspend code to a folder of its own

     xen/arch/arm/{suspend.c => pm/suspend.c} | 0

(MAINTAINERS still says ``F: xen/arch/arm/suspend.c``.)

**Suggested fix**
Update or remove the MAINTAINERS line in the same patch: point it at the
new path (``F: xen/arch/arm/pm/suspend.c``), or drop it when the file is
gone for good.

**References**
Xen's MAINTAINERS file, "Descriptions of section entries" (``F:``/``X:``
patterns) and its check-in policy, which takes the file's maintainers from
these lines.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.diff.model import FileStatus
from xenreview.ingest.model import Patch, Severity
from xenreview.maintainers import last_patch, maintainers_for, read_at
from xenreview.rules.api import Context, Finding, Rule, Scope

RULE = Rule(
    code="ACK003",
    name="stale-maintainers-pattern",
    family="maintainers",
    scope=Scope.PATCH,
    severity=Severity.WARNING,
    needs_tree=True,
)


def check(patch: Patch, ctx: Context) -> Iterator[Finding]:
    gone = [
        (f.source_path, f.target_path)
        for f in patch.diff.files
        if f.status in {FileStatus.DELETED, FileStatus.RENAMED} and f.source_path
    ]
    if not gone:
        return
    now = maintainers_for(ctx, after_patch=patch.number)
    end = maintainers_for(ctx)
    if now is None or end is None:
        return
    last = last_patch(ctx.series)
    for old, new in gone:
        if old is None or ctx.read_after(old) is not None or read_at(ctx, old, last) is not None:
            continue
        still = {
            (entry.name, pattern.text)
            for entry in end.entries
            for pattern in entry.files + entry.exclusions
            if pattern.literal and not pattern.directory and pattern.text == old
        }
        for entry in now.entries:
            for letter, patterns in (("F", entry.files), ("X", entry.exclusions)):
                for pattern in patterns:
                    if (entry.name, pattern.text) not in still or pattern.text != old:
                        continue
                    moved = f"moved to {new}" if new else "removed"
                    yield ctx.finding(
                        RULE,
                        f"{old} is {moved} but MAINTAINERS line {pattern.line} still says"
                        f" `{letter}: {old}` in {entry.name}: update that line in this patch.",
                        path=old,
                        key=f"{entry.name}:{letter}:{old}",
                    )
