"""b4's per-patch check command protocol, both of its dialects (b4 0.16).

b4 runs a check command once per patch, with the patch mail on standard
input, in the top folder of the repository it runs in, and reads the
answer from standard output.  What it expects depends on the setting:

``b4.am-perpatch-check-cmd`` (``b4 am --check``, ``b4 shazam --check``),
``b4.prep-perpatch-check-cmd`` (``b4 prep --check``)
    Lines of text, one result per line, shown under the patch prefixed
    with the command's name.  A line containing ``ERROR:`` is a failure,
    any other line a warning; every line on standard error is a failure;
    no output at all means "passed" when the exit code is 0 and a failure
    otherwise.  (What checkpatch's ``--terse`` mode prints.)

``b4.review-perpatch-check-cmd`` (``b4 review``)
    A JSON list of results, each an object with ``tool``, ``status``
    (``pass``, ``warn`` or ``fail``), ``summary``, ``url`` and
    ``details``; when ``details`` is itself a JSON list of ``{"status",
    "description"}`` objects, b4 shows them as a check list.  Empty output
    means no result.

:func:`text_lines` writes the first (``--format text``, the default),
:func:`json_results` the second (``--format json``).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from xenreview.ingest.model import Severity
from xenreview.integrations.check import HookResult
from xenreview.rules.api import Finding

__all__ = ["TOOL", "finding_line", "json_results", "text_lines"]

TOOL = "xenreview"
_LABEL = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.NOTE: "NOTE"}
_STATUS = {Severity.ERROR: "fail", Severity.WARNING: "warn", Severity.NOTE: "pass"}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def finding_line(finding: Finding) -> str:
    """``path:line: SEVERITY: CODE name: message`` on one line.

    Only an error says ``ERROR:`` (b4 fails a patch on that word anywhere in
    the line): a message that happens to contain it is toned down.
    """
    loc = finding.location
    if loc.path is not None:
        place = f"{loc.path}:{loc.line}" if loc.line is not None else loc.path
    else:
        place = "commit message"
    message = _one_line(finding.message)
    if finding.severity is not Severity.ERROR:
        message = message.replace("ERROR:", "error:")
    line = f"{place}: {_LABEL[finding.severity]}: {finding.code} {finding.name}: {message}"
    if finding.fix is not None and loc.path is None and "\n" not in finding.fix:
        line += f" (fix: {_one_line(finding.fix)})"  # a trailer to add; code fixes are layout
    return line


def text_lines(result: HookResult, minimum: str = "warning") -> list[str]:
    """The ``am``/``prep`` answer: one line per unsuppressed finding at or above ``minimum``."""
    return [finding_line(f) for f in result.shown(minimum)]


def _summary(findings: list[Finding]) -> str:
    if not findings:
        return "passed all checks"
    counts = Counter(f.severity for f in findings)
    parts = [
        f"{counts[level]} {level.value}{'s' if counts[level] != 1 else ''}"
        for level in (Severity.ERROR, Severity.WARNING, Severity.NOTE)
        if counts[level]
    ]
    return ", ".join(parts)


def json_results(result: HookResult, minimum: str = "warning") -> list[dict[str, Any]]:
    """The ``b4 review`` answer: one result for xenreview, its findings as the check list."""
    shown = result.shown(minimum)
    if any(f.severity is Severity.ERROR for f in shown):
        status = "fail"
    elif any(f.severity is Severity.WARNING for f in shown):
        status = "warn"
    else:
        status = "pass"
    entry: dict[str, Any] = {"tool": TOOL, "status": status, "summary": _summary(shown), "url": ""}
    details = [{"status": _STATUS[f.severity], "description": finding_line(f)} for f in shown]
    entry["details"] = json.dumps(details) if details else ""
    return [entry]
