"""Reports of ``xenreview review`` and ``xenreview apply``.

The JSON document is the ``show`` document (docs/json.md) extended, not
replaced: each series gains ``apply`` (tree, base, base check, build) and
each patch gains ``apply`` (its outcome), ``null`` where the series was not
applied, with ``apply_skipped`` saying why.  ``review`` adds the rule
stage: ``findings`` and ``rules_skipped`` per series, and ``tool_errors``,
``tool_notes``, ``rules_skipped`` at the top level (``findings`` is
``null`` for ``apply``, which stops before the rules).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from rich.console import Console
from rich.text import Text

from xenreview.ingest.model import Severity
from xenreview.pipeline import Review, SeriesReview
from xenreview.report.json_report import show_document
from xenreview.report.safe import printable
from xenreview.report.show_text import render_show
from xenreview.rules.api import Finding, Location, Related

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}

# -- JSON --------------------------------------------------------------------------------


def location_json(location: Location) -> dict[str, Any]:
    return {
        "patch": location.patch,
        "total": location.total,
        "message_id": location.message_id,
        "path": location.path,
        "line": location.line,
        "column": location.column,
        "diff_line": location.diff_line,
    }


def _related_json(related: Related) -> dict[str, Any]:
    return {
        "message": related.message,
        "location": location_json(related.location),
        "excerpt": related.excerpt,
    }


def finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "message": finding.message,
        "location": location_json(finding.location),
        "fingerprint": finding.fingerprint,
        "fix": finding.fix,
        "excerpt": finding.excerpt,
        "related": [_related_json(r) for r in finding.related],
        "suppressed": finding.suppressed,
        "extra": dict(finding.extra),
    }


def review_document(result: Review) -> dict[str, Any]:
    from xenreview.apply.render import to_json
    from xenreview.report.acks import ack_table_json

    document = show_document(result.ingested)
    skipped_all: list[dict[str, Any]] = []
    for item, series_doc in zip(result.series, document["series"], strict=True):
        series_doc["apply_skipped"] = item.apply_skipped
        if item.applied is None:
            series_doc["apply"] = None
            for patch_doc in series_doc["patches"]:
                patch_doc["apply"] = None
        else:
            applied = to_json(item.applied)
            per_patch = {p["number"]: p["apply"] for p in applied.pop("patches")}
            series_doc["apply"] = applied
            for patch_doc in series_doc["patches"]:
                patch_doc["apply"] = per_patch.get(patch_doc["number"])
        series_doc["findings"] = (
            [finding_json(f) for f in item.findings] if result.rules_ran else None
        )
        skipped = [{"code": s.code, "name": s.name, "reason": s.reason} for s in item.rules_skipped]
        series_doc["rules_skipped"] = skipped
        series_doc["acks"] = None if item.acks is None else ack_table_json(item.acks)
        series_doc["acks_unavailable"] = item.acks_unavailable if result.rules_ran else None
        skipped_all += [
            {**s, "series": item.series.title, "version": item.series.version} for s in skipped
        ]
    document["tool_errors"] = [
        {"code": e.code, "origin": e.origin, "where": e.where, "message": e.message}
        for e in result.tool_errors
    ]
    document["tool_notes"] = [{"where": n.where, "message": n.message} for n in result.notes]
    document["rules_skipped"] = skipped_all
    return document


# -- text --------------------------------------------------------------------------------


def _place(location: Location) -> str:
    if location.path is None:
        return ""
    return f"{location.path}:{location.line}" if location.line is not None else location.path


def _excerpt_lines(location: Location, excerpt: str, indent: str) -> list[Text]:
    """The source line(s) under a finding, numbered from its line, and a ``^`` under its column.

    The marker is drawn under a one-line excerpt when the rule names a
    column inside it (columns count from 1, tabs as one column, as the
    rules count them).
    """
    out: list[Text] = []
    lines = excerpt.splitlines() or [""]
    for k, text in enumerate(lines):
        number = f"{location.line + k:>5} | " if location.line is not None else "      | "
        out.append(Text(f"{indent}{number}{printable(text)}", style="dim"))
    column = location.column
    if column is not None and len(lines) == 1 and 1 <= column <= len(lines[0]) + 1:
        prefix = lines[0][: column - 1]
        pad = "".join("\t" if ch == "\t" else " " for ch in printable(prefix))
        out.append(Text(f"{indent}{'':>5} | {pad}^", style="bold"))
    return out


def _finding_lines(finding: Finding) -> list[Text]:
    head = Text("    ")
    place = _place(finding.location)
    if place:
        head.append(f"{printable(place)}: ")
    head.append(finding.severity.value, style=_STYLE[finding.severity])
    head.append(f" {finding.code} ", style="bold")
    head.append(finding.name)
    lines = [head, Text(f"      {printable(finding.message)}")]
    if finding.excerpt is not None:
        lines += _excerpt_lines(finding.location, finding.excerpt, "    ")
    if finding.fix is not None:
        fix_lines = printable(finding.fix).splitlines() or [""]
        lines.append(Text(f"      fix:  {fix_lines[0]}", style="green"))
        lines.extend(Text(f"            {more}", style="green") for more in fix_lines[1:])
    steps = [r for r in finding.related if _is_trace(r)]
    for related in finding.related:
        if _is_trace(related):
            continue
        where = _place(related.location)
        if related.location.patch is not None:
            patch = f"patch {related.location.patch}"
            where = f"{patch}, {where}" if where else patch
        lines.append(
            Text(
                f"      see {printable(where)}: {printable(related.message)}"
                if where
                else f"      see: {printable(related.message)}"
            )
        )
        if related.excerpt is not None:
            lines += _excerpt_lines(related.location, related.excerpt, "      ")
    if steps:
        lines += _trace_lines(finding, steps)
    return lines


_STEP = re.compile(r"^step (\d+): (.*)$", re.DOTALL)
_THEN = "then: "


def _is_trace(related: Related) -> bool:
    """A step of a model counterexample (``step 3: ...``) or its last state (``then: ...``)."""
    return bool(_STEP.match(related.message)) or related.message.startswith(_THEN)


def _trace_lines(finding: Finding, steps: list[Related]) -> list[Text]:
    """A model finding's counterexample as numbered steps, each with the code behind it."""
    extra = dict(finding.extra)
    head = "      trace"
    details = []
    after = extra.get("trace_after_patch")
    if after is not None:
        total = finding.location.total
        details.append(f"on the tree after patch {after}/{total}" if total else f"after {after}")
    if "scenario" in extra:
        details.append(extra["scenario"])
    if details:
        head += " (" + "; ".join(details) + ")"
    lines = [Text(head + ":")]
    width = max((len(m.group(1)) for r in steps if (m := _STEP.match(r.message))), default=1)
    for related in steps:
        match = _STEP.match(related.message)
        if match is None:
            lines.append(Text(f"        {printable(related.message)}"))
            continue
        number, text = match.groups()
        lines.append(Text(f"        {number:>{width}}. {printable(text)}"))
        place = _place(related.location)
        if place:
            code = f": {related.excerpt}" if related.excerpt else ""
            lines.append(Text(f"        {'':>{width}}  at {printable(place + code)}", style="dim"))
    return lines


def _summary(findings: tuple[Finding, ...]) -> str:
    active = [f for f in findings if f.suppressed is None]
    suppressed = len(findings) - len(active)
    counts = Counter(f.severity for f in active)
    parts = [
        f"{counts[level]} {level.value}{'s' if counts[level] != 1 else ''}"
        for level in (Severity.ERROR, Severity.WARNING, Severity.NOTE)
        if counts[level]
    ]
    text = f"{len(active)} finding{'s' if len(active) != 1 else ''}"
    if parts:
        text += f" ({', '.join(parts)})"
    if suppressed:
        text += f", {suppressed} suppressed"
    return text


def _wrapped(line: Text, width: int) -> list[Text]:
    """A line too wide for the console, wrapped at words with a hanging indent.

    Source lines (``  150 | code``) are never wrapped: rich folds them at
    the edge, but code is not reflowed.
    """
    plain = line.plain
    if len(plain) <= width or " | " in plain[:16]:
        return [line]
    import textwrap

    indent = plain[: len(plain) - len(plain.lstrip(" "))]
    body = plain[len(indent) :]
    match = _STEP_NUMBER.match(body)
    hang = indent + " " * (len(match.group()) if match else 2)
    parts = textwrap.wrap(
        body,
        width=width,
        initial_indent=indent,
        subsequent_indent=hang,
        break_long_words=False,
        break_on_hyphens=False,
    )
    if len(parts) <= 1:
        return [line]
    if line.spans or not line.style:
        # A styled head (severity, code) is short: keep the first line's styles.
        first = line[: len(parts[0])]
        return [first, *(Text(p) for p in parts[1:])]
    return [Text(p, style=line.style) for p in parts]


_STEP_NUMBER = re.compile(r"\d+\. |see |fix: {2}")


def render_findings(item: SeriesReview, console: Console) -> None:
    """The findings of one series, grouped by patch, with their source lines."""
    findings = item.findings
    console.print(Text.assemble(("Findings", "bold"), f": {_summary(findings)}"), highlight=False)
    titles = {p.number: p.subject.title for p in item.series.patches}
    active = [f for f in findings if f.suppressed is None]
    first = True
    group: int | None = None
    for finding in active:
        patch = finding.location.patch
        if first or patch != group:
            first, group = False, patch
            if patch is None:
                label = Text("  series", style="bold")
            else:
                total = finding.location.total or item.series.total
                label = Text(f"  patch {patch}/{total}", style="bold")
                label.append(f"  {printable(titles.get(patch, ''))}")
            console.print(label, highlight=False)
        for line in _finding_lines(finding):
            for part in _wrapped(line, console.width):
                console.print(part, highlight=False)
    suppressed = [f for f in findings if f.suppressed is not None]
    if suppressed:
        console.print(Text(f"  suppressed ({len(suppressed)}):", style="dim"), highlight=False)
        for f in suppressed:
            owner = "series" if f.location.patch is None else f"patch {f.location.patch}"
            place = _place(f.location)
            where = f"{owner}, {place}" if place else owner
            console.print(
                Text(f"    {f.code} {f.name} at {where}: {f.suppressed}", style="dim"),
                highlight=False,
            )
    if item.rules_skipped:
        reasons = Counter(s.reason for s in item.rules_skipped)
        for reason in reasons:
            codes = ", ".join(s.code for s in item.rules_skipped if s.reason == reason)
            console.print(Text(f"  rules skipped ({reason}): {codes}", style="dim"))


def render_review(result: Review, console: Console) -> None:
    from xenreview.apply.render import render_text
    from xenreview.report.acks import render_ack_table

    render_show(result.ingested, console)
    for item in result.series:
        console.print()
        if item.applied is None:
            console.print(Text(f"{item.series.title}: {item.apply_skipped}", style="dim"))
        else:
            render_text(item.applied, console)
        if result.rules_ran:
            render_findings(item, console)
            console.print()
            if item.acks is not None:
                render_ack_table(item.acks, console)
            else:
                console.print(Text(f"Acks: {item.acks_unavailable}", style="dim"))
    if result.notes:
        console.print()
        for note in result.notes:
            console.print(Text(f"note: {note}", style="cyan"), highlight=False)
