"""Changes to MAINTAINERS that leave it unreadable.

**What it flags**
A patch to MAINTAINERS after which the file no longer follows its format,
while it did before: a field line without a title above it, a title
without fields, an unknown field letter, prose inside an entry, an ``M:``
or ``R:`` without ``Name <address>``, a ``K:`` that is not a valid regular
expression, a path pattern with blanks or a leading ``/``.  The finding
points at the offending line.

**Why it matters for Xen**
Everything that routes patches reads this file mechanically: get_maintainer
and add_maintainers choose the Cc list from it, and committers check acks
against it.  A broken entry silently drops people from Cc and leaves files
without maintainers.

**Example**
    +ARM POWER MANAGEMENT
    +M:	Dora Deepsleep
    +S:	Maintained

**Suggested fix**
Write each entry as its title line followed directly by ``X:<tab>value``
lines, people as ``Full Name <address>``, one blank line between entries.

**References**
Xen's MAINTAINERS file, "Descriptions of section entries".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xenreview.diff.model import FileDiff, Line
from xenreview.errors import InputError
from xenreview.ingest.model import Severity
from xenreview.maintainers import parse_maintainers
from xenreview.rules.api import Context, Finding, Rule, Scope

RULE = Rule(
    code="ACK004",
    name="malformed-maintainers-file",
    family="maintainers",
    scope=Scope.FILE,
    severity=Severity.ERROR,
    paths=("MAINTAINERS",),
    needs_tree=True,
)

_LINE = re.compile(r"line (\d+)")


def _problem(text: str | None) -> InputError | None:
    if text is None:
        return None
    try:
        parse_maintainers(text, "MAINTAINERS")
    except InputError as exc:
        return exc
    return None


def _line(file: FileDiff, number: int) -> Line | None:
    for hunk in file.hunks:
        for line in hunk.lines:
            if line.target_no == number:
                return line
    return None


def check(file: FileDiff, ctx: Context) -> Iterator[Finding]:
    if file.path != "MAINTAINERS":
        return
    after = _problem(ctx.read_after("MAINTAINERS"))
    if after is None or _problem(ctx.read_before("MAINTAINERS")) is not None:
        return
    found = _LINE.fullmatch(after.where or "")
    number = int(found.group(1)) if found else None
    line = _line(file, number) if number is not None else None
    yield ctx.finding(
        RULE,
        f"MAINTAINERS no longer parses after this patch ({after.message}): fix the line so"
        " that get_maintainer and the ack check can read the file.",
        line=line,
        target_line=number if line is None else None,
        key=after.message,
    )
