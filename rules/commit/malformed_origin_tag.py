"""``Origin:`` tags that do not name a repository and a commit.

**What it flags**
An ``Origin:`` tag of the patch whose value is not a repository URL (or
another repository location without blanks) followed by a commit id of at
least 12 hexadecimal digits, such as a bare commit id, a bare URL, a web
link to a mailing-list archive or a commit id cut to 8 digits.

**Why it matters for Xen**
Xen carries files taken from other projects (Linux drivers, libfdt, ...).
``Origin:`` records where a change to such a file was taken from, so that
the next import can tell what is already in; the tags above it are the
original patch's, those below it Xen's own.  Without both the repository
and the commit the record cannot be followed.  A link to a discussion
belongs in ``Link:``, not here.

**Example**
    Origin: f093b08c47b3
    Origin: https://lore.kernel.org/all/20260101.12345-1-alice@example.org/

**Suggested fix**
Write ``Origin: <repository URL> <12-digit commit id>``, e.g.
``Origin: git://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git
f093b08c47b3``, and move discussion links to a ``Link:`` tag.

**References**
Xen's docs/process/sending-patches.pandoc, "Origin:" (repository URL and
the commit id shortened to 12 characters; tags above it belong to the
original patch).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xenreview.ingest.model import Patch, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope

RULE = Rule(
    code="MSG017",
    name="malformed-origin-tag",
    family="commit",
    scope=Scope.PATCH,
    severity=Severity.WARNING,
)

_ORIGIN = re.compile(r"(?P<repo>\S+)[ \t]+(?P<sha>[0-9a-fA-F]+)(?:[ \t]+#.*)?")
MIN_DIGITS = 12


def _problem(value: str) -> str | None:
    match = _ORIGIN.fullmatch(value.strip())
    if match is None:
        words = value.split()
        if len(words) == 1 and re.fullmatch(r"[0-9a-fA-F]{7,64}", words[0]):
            return "it has a commit id but no repository"
        return "it is not a repository followed by a commit id"
    if re.fullmatch(r"[0-9a-fA-F]+", match.group("repo")):
        return "it is not a repository followed by a commit id"
    if len(match.group("sha")) < MIN_DIGITS:
        return f"its commit id has only {len(match.group('sha'))} digits"
    return None


def check(patch: Patch, ctx: Context) -> Iterator[Finding]:
    for trailer in patch.trailers:
        if trailer.name != "Origin":
            continue
        problem = _problem(trailer.value)
        if problem is None:
            continue
        text = f"{trailer.name}: {trailer.value}"
        yield ctx.finding(
            RULE,
            f"The Origin: tag is malformed ({problem}); write `Origin: <repository URL> "
            "<12+ digit commit id>` and put discussion links in a Link: tag.",
            excerpt=text,
            key=text,
        )
