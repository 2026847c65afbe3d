"""The terminal report of ``xenreview review`` and ``xenreview apply``.

One screen per series, in the order a reviewer reads it:

1. a header: the series (title, version, base), then one row per patch
   with its apply outcome, its commit in the temporary repository and its
   findings counted by severity;
2. the findings grouped by patch, each with the source line under it and a
   ``^`` marker under the column when the rule names one, and a model
   finding's counterexample as numbered steps;
3. the ack table;
4. the model verdicts: each model property checked, violated (from which
   patch) or not, or undecided and why;

then one summary line for the whole run.  ``--quiet`` prints the summary
line only.  Colour and styles come from rich: on a terminal only; when the
output is piped the console is plain (see ``cli._console``).

Everything printed goes through :class:`rich.text.Text`, never through
markup, so ``[bold]`` in a subject stays text; control characters from mail
are shown as ``\\xNN`` escapes (:func:`printable`), so nothing from a patch
can move the cursor or recolour the terminal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.text import Text

from xenreview.ingest.model import Series, Severity
from xenreview.pipeline import Review, SeriesReview
from xenreview.report.review import render_findings
from xenreview.report.safe import printable
from xenreview.report.show_text import _problem_line, _series_heading
from xenreview.rules.api import Finding

_LEVELS = (Severity.ERROR, Severity.WARNING, Severity.NOTE)
_LETTER = {Severity.ERROR: "E", Severity.WARNING: "W", Severity.NOTE: "N"}
_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}
_OUTCOME_STYLE = {
    "applied": "green",
    "applied-offset": "green",
    "applied-3way": "yellow",
    "conflict": "bold red",
    "base-missing": "red",
    "not-attempted": "dim",
}


def count_text(findings: Iterable[Finding]) -> str:
    """``"7 findings (6 errors, 1 warning), 2 suppressed"``."""
    findings = list(findings)
    active = [f for f in findings if f.suppressed is None]
    counts = Counter(f.severity for f in active)
    parts = [
        f"{counts[level]} {level.value}{'s' if counts[level] != 1 else ''}"
        for level in _LEVELS
        if counts[level]
    ]
    text = f"{len(active)} finding{'s' if len(active) != 1 else ''}"
    if parts:
        text += f" ({', '.join(parts)})"
    if len(findings) > len(active):
        text += f", {len(findings) - len(active)} suppressed"
    return text


def _per_patch(findings: Sequence[Finding]) -> dict[int | None, Counter[Severity]]:
    out: dict[int | None, Counter[Severity]] = {}
    for f in findings:
        if f.suppressed is None:
            out.setdefault(f.location.patch, Counter())[f.severity] += 1
    return out


def _counts_cell(counts: Counter[Severity] | None, width: int) -> Text:
    cell = Text()
    if not counts:
        return Text("-".ljust(width), style="dim")
    parts = [
        (f"{counts[level]}{_LETTER[level]}", _STYLE[level]) for level in _LEVELS if counts[level]
    ]
    used = 0
    for k, (part, style) in enumerate(parts):
        if k:
            cell.append(" ")
            used += 1
        cell.append(part, style=style)
        used += len(part)
    cell.append(" " * max(0, width - used))
    return cell


def _header(item: SeriesReview, rules_ran: bool) -> list[Text]:
    """The series line, the apply line and one row per patch."""
    from xenreview.apply.render import apply_header, patch_details

    series = item.series
    lines = [_series_heading(series)]
    applied = item.applied
    if applied is None:
        lines.append(Text(f"  {printable(item.apply_skipped or 'not applied')}", style="dim"))
    else:
        lines.extend(apply_header(applied))
    per_patch = _per_patch(item.findings) if rules_ran else {}
    results = {r.number: r for r in applied.results} if applied is not None else {}
    total = max([series.total, len(series.patches), *results])
    width = len(f"{total}/{total}")
    count_width = max(
        [len(_counts_cell(c, 0).plain) for c in per_patch.values()] + [len("findings")]
    )
    head = Text(f"  {'n/m':>{width}}  {'apply':<13}  {'commit':<12}  ", style="bold")
    if rules_ran:
        head.append(f"{'findings':<{count_width}}  ", style="bold")
    head.append("subject", style="bold")
    lines.append(head)
    numbers = sorted({p.number for p in series.patches} | set(results))
    titles = {p.number: p.subject.title for p in series.patches}
    for number in numbers:
        result = results.get(number)
        row = Text(f"  {f'{number}/{total}':>{width}}  ")
        if result is None:
            row.append(f"{'-':<13}", style="dim")
            row.append(f"  {'-':<12}  ")
        else:
            outcome = result.outcome.value
            row.append(f"{outcome:<13}", style=_OUTCOME_STYLE.get(outcome, ""))
            row.append(f"  {(result.commit or '-')[:12]:<12}  ")
        if rules_ran:
            row.append_text(_counts_cell(per_patch.get(number), count_width))
            row.append("  ")
        row.append(printable(titles.get(number) or (result.title if result else "")))
        lines.append(row)
        if result is not None:
            lines.extend(patch_details(result))
    if applied is not None:
        from xenreview.apply.render import build_lines

        lines.extend(build_lines(applied, total))
    if rules_ran and None in per_patch:
        lines.append(Text.assemble("  series-wide: ", _counts_cell(per_patch[None], 0), style=""))
    return lines


def _model_lines(item: SeriesReview, result: Review) -> list[Text]:
    """The verdict of every model property that ran on this series."""
    model_rules = [loaded.rule for loaded in result.rules if loaded.rule.family == "model"]
    if not model_rules:
        return []
    by_code: dict[str, list[Finding]] = {}
    for f in item.findings:
        if f.suppressed is None:
            by_code.setdefault(f.code, []).append(f)
    skipped = {s.code: s.reason for s in item.rules_skipped}
    violated = [r for r in model_rules if r.code in by_code]
    lines = [
        Text.assemble(
            ("Model", "bold"),
            " (the suspend/resume path, explored exhaustively on the tree after each patch): ",
            f"{len(violated)} of {len(model_rules)} properties violated",
        )
    ]
    for rule in model_rules:
        row = Text("  ")
        if rule.code in by_code:
            first = by_code[rule.code][0]
            extra = dict(first.extra)
            row.append(f"{'violated':<12}", style="bold red")
            row.append(f" {rule.code} {rule.name}")
            where = []
            if first.location.patch is not None:
                total = first.location.total
                where.append(
                    f"from patch {first.location.patch}/{total}"
                    if total
                    else f"from patch {first.location.patch}"
                )
            if "states" in extra:
                where.append(f"{extra['states']} states")
            if where:
                row.append(f" ({', '.join(where)})", style="dim")
        elif rule.code in skipped:
            row.append(f"{'undecided':<12}", style="yellow")
            row.append(f" {rule.code} {rule.name}: {printable(skipped[rule.code])}")
        else:
            row.append(f"{'no violation':<12}", style="green")
            row.append(f" {rule.code} {rule.name}")
        lines.append(row)
    return lines


def summary_line(result: Review, fail_on: str | None = None) -> str:
    """The run in one line: findings by severity, patches applied, the verdict of --fail-on."""
    parts = []
    if result.rules_ran:
        parts.append(count_text(result.findings))
    patches = sum(len(item.series.patches) for item in result.series)
    applied = [item.applied for item in result.series if item.applied is not None]
    if applied:
        done = sum(1 for a in applied for r in a.results if r.outcome.applied)
        tried = sum(len(a.results) for a in applied)
        parts.append(f"{done}/{tried} patches applied")
    else:
        parts.append(f"{patches} patch{'es' if patches != 1 else ''}, not applied")
    count = len(result.series)
    parts.append(f"{count} series")
    if result.rules_ran and fail_on is not None:
        failing = result.failing(fail_on)
        if fail_on == "never":
            parts.append("--fail-on never")
        else:
            parts.append(f"{len(failing)} at or above --fail-on {fail_on}")
    if result.tool_errors:
        parts.append(f"{len(result.tool_errors)} rule error(s)")
    return "xenreview: " + "; ".join(parts)


def _problems(series: Series) -> list[Text]:
    out = [_problem_line(p) for p in series.problems]
    for patch in series.patches:
        out.extend(_problem_line(p) for p in patch.problems)
    return out


def render_terminal(
    result: Review, console: Console, *, fail_on: str | None = None, quiet: bool = False
) -> None:
    """Print the report of ``result`` (``quiet``: the summary line only)."""
    if quiet:
        console.print(Text(summary_line(result, fail_on)), highlight=False)
        return
    from xenreview.report.acks import render_ack_table

    if not result.series:
        console.print("no series found")
    for k, item in enumerate(result.series):
        if k:
            console.print()
        for line in _header(item, result.rules_ran):
            console.print(line, highlight=False)
        for line in _problems(item.series):
            console.print(line, highlight=False)
        if not result.rules_ran:
            continue
        console.print()
        render_findings(item, console)
        console.print()
        if item.acks is not None:
            render_ack_table(item.acks, console)
        else:
            console.print(Text(f"Acks: {printable(item.acks_unavailable or '')}", style="dim"))
        model = _model_lines(item, result)
        if model:
            console.print()
            for line in model:
                console.print(line, highlight=False)
    for problem in result.ingested.problems:
        console.print(_problem_line(problem), highlight=False)
    if result.notes:
        console.print()
        for note in result.notes:
            console.print(Text(f"note: {printable(str(note))}", style="cyan"), highlight=False)
    console.print()
    console.print(Text(summary_line(result, fail_on), style="bold"), highlight=False)
