"""``Fixes:`` and ``Amends:`` tags that do not name a commit the usual way.

**What it flags**
A ``Fixes:`` or ``Amends:`` tag of the patch whose value is not
``<commit id> ("<subject>")`` with a commit id of at least 12 hexadecimal
digits and the commit's subject in double quotes inside parentheses: too
short an id, no quoted subject, single quotes, a URL or a bug number
instead of a commit.  A trailing ``# comment`` is accepted.

**Why it matters for Xen**
These tags are read by people and by scripts: the stable-tree maintainers
pick backports from them, and a reader of ``git log`` must be able to find
the commit.  Short ids become ambiguous as the tree grows; the subject
keeps the tag meaningful when the id is mistyped or the commit was
rebased.

**Example**
    Fixes: 1a2b3c4d ("xen/arm: Add the virtual timer")
    Fixes: 1a2b3c4d5e6f

**Suggested fix**
Write the tag as git prints it with ``git log -1 --abbrev=12
--format='Fixes: %h ("%s")' <commit>``:
``Fixes: 1a2b3c4d5e6f ("xen/arm: Add the virtual timer")``.

**References**
Xen's docs/process/sending-patches.pandoc, "Fixes:" (the first 12
characters of the commit id and the one-line summary) and "The commit
message" (commit references use at least 12 digits and the subject).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xenreview.ingest.model import Patch, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope
from xenreview.rules.lib_commit import parse_fixes

RULE = Rule(
    code="MSG007",
    name="malformed-fixes-tag",
    family="commit",
    scope=Scope.PATCH,
    severity=Severity.WARNING,
)

MIN_DIGITS = 12
_LEADING_SHA = re.compile(r"(?P<sha>[0-9a-fA-F]{4,64})\b[ \t]*(?P<rest>.*)")
_LOOSE_SUBJECT = re.compile(r"\(?[\"'“‘`]?(?P<subject>.*?)[\"'”’`]?\)?")


def _problem(value: str) -> tuple[str, str | None]:
    """What is wrong with a Fixes: value, and the fixed value when it is mechanical."""
    ref = parse_fixes(value)
    if ref is not None:
        if len(ref.sha) < MIN_DIGITS:
            return f"its commit id has only {len(ref.sha)} digits", None
        return "", None
    match = _LEADING_SHA.fullmatch(value.strip())
    if match is None:
        return "it does not start with a commit id", None
    sha, rest = match.group("sha"), match.group("rest").strip()
    if not rest:
        return "it has no quoted subject", None
    loose = _LOOSE_SUBJECT.fullmatch(rest)
    subject = loose.group("subject").strip() if loose is not None else ""
    fixed = f'{sha} ("{subject}")' if subject and len(sha) >= MIN_DIGITS else None
    return 'its subject is not written as ("subject")', fixed


def check(patch: Patch, ctx: Context) -> Iterator[Finding]:
    for trailer in patch.trailers:
        if trailer.name not in ("Fixes", "Amends"):
            continue
        problem, fixed = _problem(trailer.value)
        if not problem:
            continue
        yield ctx.finding(
            RULE,
            f"The {trailer.name}: tag is malformed ({problem}); write it as "
            f'`{trailer.name}: <12+ digit commit id> ("<commit subject>")`.',
            excerpt=f"{trailer.name}: {trailer.value}",
            fix=f"{trailer.name}: {fixed}" if fixed else None,
            key=trailer.value,
        )
