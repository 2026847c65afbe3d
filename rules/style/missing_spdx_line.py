"""New C files whose first line is not an SPDX licence tag.

**What it flags**

A C source or header created by the patch whose first line is not
``/* SPDX-License-Identifier: <licence> */``: the tag is missing, is
written as a ``//`` comment, or sits further down (under a description
comment, say).

**Why it matters for Xen**

Every new file in Xen states its licence with an SPDX tag on its first
line, so the licence is machine readable and no boilerplate paragraph is
needed.  Xen code is GPL-2.0-only; the public headers under
``xen/include/public/`` are the guest ABI and are MIT so that guests of any
licence can include them.  Committers do not take a new file without it.

**Example**

    /*
     * xen/arch/arm/suspend.c: host suspend to RAM.
     */
    #include <xen/sched.h>

**Suggested fix**

    /* SPDX-License-Identifier: GPL-2.0-only */
    /*
     * xen/arch/arm/suspend.c: host suspend to RAM.
     */

The finding carries the tag line to insert (GPL-2.0-only, or MIT under
``xen/include/public/``) ahead of the first line; check the licence is
the one you mean.

**References**

Xen CODING_STYLE, "Files", and the licensing notes in Xen's CONTRIBUTING
and LICENSES folder: SPDX identifiers on new files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xenreview.diff.model import FileDiff
from xenreview.ingest.model import Severity
from xenreview.rules.api import C_FILES, Context, Finding, Rule, Scope
from xenreview.rules.lib_style import new_file_lines, strip_eol

RULE = Rule(
    code="STY011",
    name="missing-spdx-line",
    family="style",
    scope=Scope.FILE,
    severity=Severity.WARNING,
    paths=C_FILES,
)

_GOOD = re.compile(r"/\* SPDX-License-Identifier: \S(?:.*\S)? \*/\Z")
_ANY = re.compile(r"SPDX-License-Identifier:\s*(.*?)\s*(?:\*/)?\s*\Z")
_LOOK = 10  # how far down a misplaced tag is looked for


def check(file: FileDiff, ctx: Context) -> Iterator[Finding]:
    lines = new_file_lines(file)
    if not lines:
        return
    first = strip_eol(lines[0].value)
    if _GOOD.match(first):
        return
    for position, line in enumerate(lines[:_LOOK]):
        m = _ANY.search(strip_eol(line.value))
        if m is None or not m.group(1):
            continue
        tag = f"/* SPDX-License-Identifier: {m.group(1)} */"
        if position == 0:
            yield ctx.finding(
                RULE,
                "Write the SPDX tag as a C comment, `/* SPDX-License-Identifier: ... */`.",
                line=line,
                fix=tag,
            )
        else:
            yield ctx.finding(
                RULE,
                "Move the SPDX licence tag to the first line of the new file.",
                line=line,
            )
        return
    licence = "MIT" if file.path.startswith("xen/include/public/") else "GPL-2.0-only"
    yield ctx.finding(
        RULE,
        "Start this new file with its SPDX licence line, "
        f"`/* SPDX-License-Identifier: {licence} */`.",
        line=lines[0],
        fix=f"/* SPDX-License-Identifier: {licence} */\n{first}",
    )
