"""The same tag twice in one patch.

**What it flags**
A tag of the patch repeated with the same name and the same person (by
address, case-insensitively) and the same scope (``# arm``: one reviewer may
give scoped tags for several areas), or, for tags that name no person
(``Fixes``, ``Link``...), the same value.  A ``Signed-off-by`` repeated with another
sign-off in between is a hand-over chain (A wrote it, B reworked it, A
took it back) and is left alone.

**Why it matters for Xen**
Duplicates come from collecting tags by hand or with tools on every
re-send; they clutter the history and make the reviewer wonder whether a
second, different tag was meant.  Committers remove them, but only when
they notice.

**Example**
    Signed-off-by: Alice Example <alice@example.org>
    Reviewed-by: Julia Example <julia@example.org>
    Reviewed-by: Julia Example <julia@example.org>

**Suggested fix**
Keep one copy of the tag (when the reviewer meant two areas, say so with a
scope: ``Acked-by: Name <addr> # arm``).

**References**
Xen's docs/process/sending-patches.pandoc, "Tags"; b4 and similar tools
de-duplicate collected trailers for the same reason.
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Patch, Severity, Trailer
from xenreview.rules.api import Context, Finding, Rule, Scope

RULE = Rule(
    code="MSG010",
    name="duplicate-trailer",
    family="commit",
    scope=Scope.PATCH,
    severity=Severity.WARNING,
)


def _identity(trailer: Trailer) -> tuple[str, str, str]:
    who = trailer.person.email.lower() if trailer.person is not None else ""
    value = who or " ".join(trailer.value.split()).lower()
    scope = " ".join((trailer.scope or "").split()).lower()
    return trailer.name.lower(), value, scope


def check(patch: Patch, ctx: Context) -> Iterator[Finding]:
    seen: dict[tuple[str, str, str], int] = {}
    last_signoff: tuple[str, str, str] | None = None
    for index, trailer in enumerate(patch.trailers):
        ident = _identity(trailer)
        if trailer.name == "Signed-off-by":
            repeated = ident == last_signoff
            last_signoff = ident
        else:
            repeated = ident in seen
        seen.setdefault(ident, index)
        if not repeated:
            continue
        text = f"{trailer.name}: {trailer.value}"
        yield ctx.finding(
            RULE,
            f"The tag `{text}` appears twice; keep one copy.",
            excerpt=text,
            key=f"{index}:{text}",
        )
