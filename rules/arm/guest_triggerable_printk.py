"""A ``printk()`` any guest can trigger at will, without a guest log level.

**What it flags**
A plain ``printk()`` in code that any guest, without privilege, reaches
within its trap (hypercall, HVC/SMC, virtual PSCI, MMIO emulation) when its
format does not start with a guest log level (``XENLOG_G_*``, which Xen
rate-limits) and it is not under a ``printk_ratelimit()`` test.  Calls
behind an ``is_hardware_domain()``/``is_control_domain()`` test, or after an
early return for the unprivileged, are not counted; ``gprintk()`` and
``gdprintk()`` are the right tools and are never flagged, nor is
``dprintk()``, which debug builds only keep.

**Why it matters for Xen**
Xen's console is shared by every domain and is slow (often a serial line
with the console lock held).  A guest that can make Xen print at will
floods the log, hides the messages that matter and burns pCPU time in the
console path: a denial of service that has been the subject of security
advisories.  Messages caused by a guest must be rate limited and say which
guest caused them.

**Example**
    if ( lowest_affinity_level > 0 )
    {
        printk(XENLOG_WARNING "AFFINITY_INFO: level %u\\n",
               lowest_affinity_level);
        return PSCI_INVALID_PARAMETERS;
    }

**Suggested fix**
Use ``gprintk(XENLOG_WARNING, ...)`` (guest-rate-limited, prefixed with the
domain and vCPU), ``gdprintk()`` for debug-only messages, or a
``XENLOG_G_*`` level with ``printk()``.

**References**
``xen/include/xen/lib.h`` and ``docs/misc/xen-command-line`` (``guest_loglvl``,
rate limiting of ``XENLOG_G_*`` messages); the xen-devel habit of asking for
``gprintk()`` in guest-triggerable paths.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xenreview.ingest.model import Severity
from xenreview.rules.api import Context, Finding, Rule, Scope, TreeView
from xenreview.rules.lib_arm import arm_tree, describe_path, guard_texts

RULE = Rule(
    code="ARM009",
    name="guest-triggerable-printk",
    family="arm",
    scope=Scope.TREE,
    severity=Severity.WARNING,
    needs_tree=True,
)

_GUEST_LEVEL = re.compile(r"^\s*XENLOG_(?:G_\w+|GUEST)\b")


def check(view: TreeView, ctx: Context) -> Iterator[Finding]:
    tree = arm_tree(view)
    if tree is None:
        return
    reach = tree.unprivileged_reach()
    for name in sorted(reach):
        for function in tree.facts.functions(name):
            closed = tree.privileged_calls(function)
            for call in function.calls:
                if call.callee != "printk" or not call.args:
                    continue
                if (call.line, call.column) in closed or _GUEST_LEVEL.match(call.args[0]):
                    continue
                if any("ratelimit" in text for text in guard_texts(call.guards)):
                    continue
                yield ctx.finding(
                    RULE,
                    f"{function.name}() prints with printk() on a path any guest reaches "
                    f"({describe_path(reach[name])}), so a guest can flood Xen's console; use "
                    "gprintk() or a XENLOG_G_* level, which are rate limited and name the guest.",
                    path=call.path,
                    target_line=call.line,
                    excerpt=tree.line_text(call.path, call.line).strip(),
                    key=f"{function.name}:{' '.join(call.text.split())}",
                )
