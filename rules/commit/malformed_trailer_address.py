"""Tags naming a person without a usable ``Name <address>``.

**What it flags**
A tag of the patch that must name a person (``Signed-off-by``,
``Reviewed-by``, ``Acked-by``, ``Tested-by``, ``Reported-by``,
``Suggested-by``, ``Requested-by``, ``Co-developed-by``,
``Release-Acked-by``, ``Cc``) whose value

* holds no mail address, or an address that is not ``local@domain.tld``
  (``alice at example.org``, ``alice@localhost``, ``<>``); or
* for ``Signed-off-by`` and ``Co-developed-by``, gives an address with no
  name in front of it.

**Why it matters for Xen**
The tags end up in the public history: reviewers, backporters and the
security team use the addresses to reach people.  A sign-off must carry
the author's real name: it is a legal statement about the origin of the
code, and an anonymous or unreachable one is worthless.

**Example**
    Signed-off-by: alice@example.org
    Reported-by: Bruno Example

**Suggested fix**
Write every such tag as ``Tag: Full Name <address@domain>``:
``Signed-off-by: Alice Example <alice@example.org>``.

**References**
Xen's docs/process/sending-patches.pandoc, the format given for each tag
(``name <email@domain>``) and "Signed-off-by:" (the real name of the
author, no pseudonym).
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.ingest.model import Patch, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope
from xenreview.rules.lib_commit import is_email

RULE = Rule(
    code="MSG014",
    name="malformed-trailer-address",
    family="commit",
    scope=Scope.PATCH,
    severity=Severity.WARNING,
)

PERSON_TAGS = frozenset(
    {
        "Signed-off-by",
        "Reviewed-by",
        "Acked-by",
        "Tested-by",
        "Reported-by",
        "Suggested-by",
        "Requested-by",
        "Co-developed-by",
        "Release-Acked-by",
        "Reported-and-tested-by",
        "Cc",
    }
)
NAMED_TAGS = frozenset({"Signed-off-by", "Co-developed-by"})


def _problem(name: str, person_email: str | None, person_name: str) -> str | None:
    if person_email is None:
        return "it names no mail address"
    if not is_email(person_email):
        return f"`{person_email}` is not a valid mail address"
    if name in NAMED_TAGS and not person_name.strip():
        return "it gives an address but no name"
    return None


def check(patch: Patch, ctx: Context) -> Iterator[Finding]:
    if patch.reconstructed:
        return  # archives obfuscate addresses ("alice at example.org")
    for trailer in patch.trailers:
        if trailer.name not in PERSON_TAGS:
            continue
        person = trailer.person
        problem = _problem(
            trailer.name,
            person.email if person is not None else None,
            person.name if person is not None else "",
        )
        if problem is None:
            continue
        text = f"{trailer.name}: {trailer.value}"
        yield ctx.finding(
            RULE,
            f"The {trailer.name}: tag is malformed ({problem}); write it as "
            f"`{trailer.name}: Full Name <address@domain>`.",
            excerpt=text,
            key=text,
        )
