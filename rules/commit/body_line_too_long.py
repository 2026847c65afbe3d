"""Commit message lines wider than 75 columns.

**What it flags**
Lines of the commit message body (between the subject and the tags) wider
than 75 columns, tabs counted to the next multiple of eight.  Lines that
cannot or should not be wrapped are exempt:

* indented lines (quoted logs, backtraces, code, command lines);
* hypervisor and guest log lines pasted as they are (``(XEN) ...``,
  ``(d1) ...``, ``[   12.345678] ...``);
* lines holding a URL, and lines that are one long word (a path, a symbol);
* lines quoting a commit as ``<12+ hex digits> ("subject")``;
* quoted text (lines starting with ``>``).

The tags at the end are never looked at (they must not be wrapped).  One
finding per patch, naming the first offending line and how many there are.

**Why it matters for Xen**
``git log`` indents the message by four columns; wrapped at 75 it still
fits an 80-column terminal and a reply on xen-devel quoting it.  Reviewers
ask for rewrapping before the patch can go in.

**Example**
The first line of this message is 76 columns wide::

    Make the vtimer counter unsigned: it can never be negative, and a comparison
    in vtimer_save() otherwise warns about signedness.

**Suggested fix**
Rewrap the paragraph at 75 columns (``git commit --amend`` with your
editor's text width set to 75, or ``fmt -w 75``); keep logs indented so
they stay as they are.

**References**
Xen's docs/process/sending-patches.pandoc, "The commit message": lines stay
within 75 characters, except error output copied verbatim; tags are
exempt from the limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xenreview.ingest.model import Patch, Severity
from xenreview.rules.api import Context, Finding, Rule, Scope

RULE = Rule(
    code="MSG005",
    name="body-line-too-long",
    family="commit",
    scope=Scope.PATCH,
    severity=Severity.WARNING,
)

LIMIT = 75
_LOG = re.compile(r"\((?:XEN|d\d+|d\d+v\d+)\)|\[\s*\d+\.\d+\]")
_COMMIT_REF = re.compile(r"\b[0-9a-f]{12,40} \(\"")


def _exempt(line: str) -> bool:
    if line[:1] in (" ", "\t", ">"):
        return True
    stripped = line.strip()
    if " " not in stripped:
        return True
    return "://" in line or _LOG.match(stripped) is not None or _COMMIT_REF.search(line) is not None


def check(patch: Patch, ctx: Context) -> Iterator[Finding]:
    if patch.reconstructed:
        return  # archive copies rewrap and mangle the text
    long_lines = [
        line
        for line in patch.body.split("\n")
        if len(line.expandtabs(8)) > LIMIT and not _exempt(line)
    ]
    if not long_lines:
        return
    first = long_lines[0]
    more = len(long_lines) - 1
    others = f" (and {more} more)" if more else ""
    yield ctx.finding(
        RULE,
        f"A line of the commit message is {len(first.expandtabs(8))} columns wide{others}; "
        f"wrap the message at {LIMIT} columns.",
        excerpt=first,
        key=first,
    )
