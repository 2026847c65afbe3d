"""Patches that still lack an ack from a maintainer of a file they change.

**What it flags**
A patch that, for some file it touches, has no ``Acked-by`` or
``Reviewed-by`` from a maintainer of that file, once maintainers have begun
acking the series.  The maintainers are read from the tree's MAINTAINERS
(after the whole series): the ``M:`` people of the most specific entry
covering the file, with maintainers of less specific entries and of THE
REST also able to ack.  Acks come from the patch, from replies to it and
from replies to the cover letter; a scoped ack (``# arm``) counts only for
the files its scope names.  The author's own tags never count: a
maintainer's own patch needs another maintainer's ack.

The rule stays quiet on a series no maintainer has acked or reviewed yet
(a fresh posting normally has no acks: the ack table printed under each
series already says who must give them), on RFC patches, and without a
tree (under ``--no-apply`` the bundled tree's maintainers would be wrong).

**Why it matters for Xen**
Xen's check-in policy lets a committer take a patch only when, for every
file it changes, a maintainer of that file has approved it, and when
someone other than the author has.  A series that is "almost acked" is
easily committed with one file nobody responsible looked at.

**Example**
    xen/arm: Add gic_suspend()

    Signed-off-by: Mira Example <mira@example.org>
    Reviewed-by: Julia Example <julia@example.org>
    ---
     xen/arch/arm/gic.c | 12 ++++++++++++

(Julia is not a maintainer of ``xen/arch/arm/``, and no ARM maintainer has
acked it, while other patches of the series carry maintainers' acks.)

**Suggested fix**
Ping the maintainers named in the message (they are on Cc already if the
series was sent with get_maintainer's list), or address what held their
ack back.  Do not add an ``Acked-by`` yourself on their behalf.

**References**
Xen's MAINTAINERS file, "Check-in policy": every changed file needs the
approval of one of its maintainers, a maintainer's Reviewed-by counts as
approval, and approval must come from someone other than the submitter;
docs/process on scoped acks (``Acked-by: ... # arm``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from xenreview.ingest.model import Patch, Person, Severity
from xenreview.maintainers import (
    Verdict,
    maintainer_review_started,
    maintainers_for,
    patch_acks,
    people_text,
)
from xenreview.rules.api import Context, Finding, Rule, Scope

RULE = Rule(
    code="ACK001",
    name="missing-maintainer-ack",
    family="maintainers",
    scope=Scope.PATCH,
    severity=Severity.NOTE,
    needs_tree=True,
)


_MAX_LISTED = 3  # more files than this are counted, not listed (the ack table lists them)


@dataclass
class _Group:
    people: tuple[Person, ...]
    entries: tuple[str, ...]
    paths: list[str]
    own: bool = False

    def text(self) -> str:
        if len(self.paths) == 1:
            files = self.paths[0]
        elif len(self.paths) <= _MAX_LISTED:
            files = ", ".join(self.paths[:-1]) + f" and {self.paths[-1]}"
        else:
            files = f"{len(self.paths)} files of {' / '.join(self.entries) or 'no entry'}"
        who = people_text(self.people) if self.people else "a committer (no maintainer is listed)"
        return f"{files} from {who}"


def check(patch: Patch, ctx: Context) -> Iterator[Finding]:
    if patch.subject.is_rfc:
        return
    maintainers = maintainers_for(ctx)
    if maintainers is None or not maintainer_review_started(ctx.series, maintainers):
        return
    result = patch_acks(patch, maintainers, cover=ctx.series.cover)
    # Group the files still lacking an ack by who could give it.
    groups: dict[tuple[str, ...], _Group] = {}
    for item in result.files:
        if item.verdict is Verdict.ACKED:
            continue
        key = tuple(sorted(p.email.casefold() for p in item.missing_from))
        group = groups.setdefault(key, _Group(item.missing_from, item.entries, []))
        group.paths.append(item.path)
        group.own = group.own or item.author_is_maintainer
    if not groups:
        return
    parts = [group.text() for group in groups.values()]
    intro = (
        "This patch needs an ack from a maintainer other than its author for "
        if any(group.own for group in groups.values())
        else "This patch still needs a maintainer's Acked-by or Reviewed-by for "
    )
    fingerprint_key = "; ".join(
        f"{','.join(group.paths)}={','.join(emails)}" for emails, group in groups.items()
    )
    yield ctx.finding(
        RULE,
        intro + "; ".join(parts) + ".",
        key=fingerprint_key,
        extra=tuple(
            (f"missing:{path}", people_text(group.people) or "nobody")
            for group in groups.values()
            for path in group.paths
        ),
    )
