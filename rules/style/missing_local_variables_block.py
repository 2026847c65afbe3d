"""New C files that do not end with the Emacs local-variables block.

**What it flags**

A C source or header created by the patch whose last lines are not the
editor comment block (``/*``, `` * Local variables:``, the settings,
`` * End:``, `` */``).

**Why it matters for Xen**

The style of this tree asks every C file to end with the block, so that
Emacs users get Xen's settings (BSD style, four-space offset, no tabs)
whatever their own configuration; files copied from elsewhere are the ones
that lack it.  Upstream Xen's own CODING_STYLE only permits the block
rather than requiring it, so this is a note, not a warning.

**Example**

A new ``xen/arch/arm/suspend.c`` whose last line is the closing brace of
its last function.

**Suggested fix**

End the file with a blank line and the block:

    /*
     * Local variables:
     * mode: C
     * c-file-style: "BSD"
     * c-basic-offset: 4
     * indent-tabs-mode: nil
     * End:
     */

The finding carries the last line followed by the block.

**References**

CODING_STYLE of the tree under review ("Files": the editor block ends each
file); Xen's CODING_STYLE, "Emacs local variables".
"""

from __future__ import annotations

from collections.abc import Iterator

from xenreview.diff.model import FileDiff
from xenreview.ingest.model import Severity
from xenreview.rules.api import C_FILES, Context, Finding, Rule, Scope
from xenreview.rules.lib_style import new_file_lines, strip_eol

RULE = Rule(
    code="STY013",
    name="missing-local-variables-block",
    family="style",
    scope=Scope.FILE,
    severity=Severity.NOTE,
    paths=C_FILES,
)

BLOCK = (
    "/*",
    " * Local variables:",
    " * mode: C",
    ' * c-file-style: "BSD"',
    " * c-basic-offset: 4",
    " * indent-tabs-mode: nil",
    " * End:",
    " */",
)
_LOOK = 16  # the block is short: look this far up from the end


def check(file: FileDiff, ctx: Context) -> Iterator[Finding]:
    lines = new_file_lines(file)
    texts = [strip_eol(line.value) for line in lines]
    while texts and not texts[-1].strip():
        texts.pop()
    if not texts or _ends_with_block(texts):
        return
    last = lines[len(texts) - 1]
    yield ctx.finding(
        RULE,
        "End this new file with the Emacs local-variables comment block, "
        "as the other C files of the tree do.",
        line=last,
        fix="\n".join((texts[-1], "", *BLOCK)),
    )


def _ends_with_block(texts: list[str]) -> bool:
    if texts[-1].strip() != "*/":
        return False
    tail = texts[-_LOOK:]
    opening = max((k for k, t in enumerate(tail) if t.strip() == "/*"), default=None)
    if opening is None:
        return False
    block = [t.strip().lstrip("*").strip() for t in tail[opening:]]
    return "Local variables:" in block and "End:" in block
