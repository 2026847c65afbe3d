"""``else`` written on the line of the closing brace (``} else {``).

**What it flags**

An added line that closes a block and carries on with ``else`` or
``else if`` on the same line: ``} else {``, ``} else if ( x ) {``,
``} else``.  ``} while ( cond );`` closing a do/while loop is correct and
not flagged.

**Why it matters for Xen**

Xen starts an ``else`` on a new line after the closing brace, and gives its
own opening brace a line of its own too.  The "cuddled" else comes from
Linux and is one of the commonest style remarks on Xen patches.

**Example**

    } else {
        rc = -EINVAL;

**Suggested fix**

    }
    else
    {
        rc = -EINVAL;

The finding carries the line split accordingly.

**References**

Xen CODING_STYLE, "Braces": the closing brace stands alone on its line and
an ``else`` starts the next one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xenreview.diff.model import Hunk
from xenreview.ingest.model import Severity
from xenreview.rules.api import C_FILES, Context, Finding, Rule, Scope
from xenreview.rules.lib_style import indentation, new_side

RULE = Rule(
    code="STY005",
    name="else-after-closing-brace",
    family="style",
    scope=Scope.HUNK,
    severity=Severity.WARNING,
    paths=C_FILES,
)

_CUDDLED = re.compile(r"(\s*)\}\s*(else\b.*)\Z")


def check(hunk: Hunk, ctx: Context) -> Iterator[Finding]:
    for cline in new_side(hunk):
        if not cline.added or cline.line is None or cline.continues:
            continue
        m = _CUDDLED.match(cline.code.rstrip())
        if m is None:
            continue
        indent = indentation(cline.text)
        start = m.start(2)
        rest = cline.text[start:].rstrip()
        code_rest = cline.code[start:].rstrip()
        if code_rest.endswith("{") and len(rest) == len(code_rest):
            rest = rest[:-1].rstrip() + "\n" + indent + "{"
        yield ctx.finding(
            RULE,
            "Start `else` on a new line after the closing brace, as Xen does.",
            line=cline.line,
            column=start + 1,
            fix=f"{indent}}}\n{indent}{rest}",
        )
