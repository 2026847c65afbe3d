"""The HTML report: one self-contained page for a whole review.

:func:`render_html` turns a :class:`~xenreview.pipeline.Review` into one
HTML5 document with its CSS and script inline and nothing fetched (a
Content-Security-Policy meta forbids every load; the inline style and
script are allowed by their SHA-256 hashes only).  Per series: a summary
(title, version, base, each patch's apply outcome and findings, counts by
severity), the apply stage, the ack table, then each patch with its
commit message and its annotated diff: every file and hunk with old and new
line numbers, each finding right under the diff line it concerns (matched
by its diff line, else by path and target line), and the findings about
the commit message, the series or a line outside the diff in a block at the
top of the patch.  Then the model verdicts, each counterexample drawn as a
sequence diagram (:mod:`xenreview.report.sequence`), the skipped rules,
tool errors and notes, and the documentation of the rules that fired.

Findings are numbered in page order (``id="finding-<n>"``, with a
self-link); a small script filters them by severity, rule and suppression,
also from the URL (``#severity=error&rule=ARM001``); without it the page
reads the same, filters aside.

Everything from mail and patches is hostile: the templates are rendered
with autoescaping, and every value printed goes through
:func:`~xenreview.report.sequence.visible` first (control characters, bidi
overrides and invisible characters become visible marks).  No value from
the input is ever put in a URL, a script or a style.  The output is
deterministic: no dates, no absolute paths, nothing that depends on hashing.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from xenreview import __version__
from xenreview.diff.model import FileDiff, LineKind
from xenreview.ingest.model import Patch, Person, Problem, Severity
from xenreview.maintainers import people_text
from xenreview.report.sequence import Trace, finding_trace, sequence_svg, visible
from xenreview.rules.api import HEADINGS, Finding, Location, Related, parse_doc

if TYPE_CHECKING:
    from xenreview.apply.model import PatchResult
    from xenreview.pipeline import Review, SeriesReview
    from xenreview.rules.api import LoadedRule

__all__ = ["render_html"]

SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.NOTE)
_KIND_CLASS = {
    LineKind.ADDED: "add",
    LineKind.REMOVED: "del",
    LineKind.CONTEXT: "ctx",
    LineKind.NO_NEWLINE: "nonl",
}
_OUTCOME_CLASS = {
    "applied": "ok",
    "applied-offset": "warn",
    "applied-3way": "warn",
    "conflict": "bad",
    "base-missing": "bad",
    "not-attempted": "skip",
}
_VERDICT_CLASS = {"acked": "ok", "missing": "warn", "no-maintainer": "bad"}

# -- views: what the templates print ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Counts:
    """Unsuppressed findings by severity, and how many are suppressed."""

    error: int = 0
    warning: int = 0
    note: int = 0
    suppressed: int = 0

    @property
    def active(self) -> int:
        return self.error + self.warning + self.note

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Counts:
        counts: Counter[str] = Counter()
        for f in findings:
            counts["suppressed" if f.suppressed is not None else f.severity.value] += 1
        return cls(counts["error"], counts["warning"], counts["note"], counts["suppressed"])


@dataclass(frozen=True, slots=True)
class RelatedView:
    where: str
    message: str
    excerpt: tuple[tuple[str, str], ...]  # (line number, text)


@dataclass(frozen=True, slots=True)
class FindingView:
    number: int
    finding: Finding
    place: str  # "xen/arch/arm/suspend.c:150", "" when it has no file
    note: str | None  # why it is not under a diff line
    excerpt: tuple[tuple[str, str], ...]  # shown when it is not under its diff line
    related: tuple[RelatedView, ...]  # the other places it points at (not trace steps)
    trace: Trace | None  # its counterexample, drawn in the model verdicts

    @property
    def steps(self) -> int:
        return 0 if self.trace is None else len(self.trace.steps)

    @property
    def anchor(self) -> str:
        return f"finding-{self.number}"

    @property
    def model_anchor(self) -> str:
        return f"model-{self.number}"

    @property
    def severity(self) -> str:
        return self.finding.severity.value

    @property
    def suppressed(self) -> str:
        return "1" if self.finding.suppressed is not None else "0"


@dataclass(frozen=True, slots=True)
class DiffRow:
    kind: str  # add, del, ctx, nonl
    old: int | None
    new: int | None
    marker: str
    text: str
    findings: tuple[FindingView, ...] = ()


@dataclass(frozen=True, slots=True)
class HunkView:
    header: str
    rows: tuple[DiffRow, ...]


@dataclass(frozen=True, slots=True)
class FileView:
    file: FileDiff
    hunks: tuple[HunkView, ...]
    findings: int


@dataclass(frozen=True, slots=True)
class PatchView:
    anchor: str
    patch: Patch
    result: PatchResult | None
    outcome: str
    outcome_class: str
    reason: str
    top: tuple[FindingView, ...]
    files: tuple[FileView, ...]
    counts: Counts

    @property
    def commit_message(self) -> str:
        """The body and the patch's own trailers, as the author wrote them."""
        parts = [self.patch.body.rstrip("\n")] if self.patch.body.strip() else []
        if self.patch.trailers:
            parts.append("\n".join(f"{t.name}: {t.value}" for t in self.patch.trailers))
        return "\n\n".join(parts)


@dataclass(frozen=True, slots=True)
class StepView:
    number: str
    actor: str
    action: str
    changes: tuple[str, ...]
    where: str
    code: str


@dataclass(frozen=True, slots=True)
class VerdictView:
    finding: FindingView
    extra: dict[str, str]
    steps: tuple[StepView, ...]
    final: str | None
    svg: Markup


@dataclass(frozen=True, slots=True)
class SeriesView:
    anchor: str
    item: SeriesReview
    top: tuple[FindingView, ...]  # findings of no patch of this series
    patches: tuple[PatchView, ...]
    counts: Counts
    verdicts: tuple[VerdictView, ...]
    index: tuple[FindingView, ...]  # every finding, in page order
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class RuleView:
    code: str
    name: str
    severity: str
    family: str
    status: str
    origin: str
    summary: str
    sections: tuple[tuple[str, str], ...]
    count: int


@dataclass(frozen=True, slots=True)
class ReportView:
    version: str
    title: str
    series: tuple[SeriesView, ...]
    counts: Counts
    rules_ran: bool
    rules: tuple[RuleView, ...]  # the rules that fired, with their documentation
    rule_options: tuple[tuple[str, str, int], ...]  # (code, name, count) of every rule that fired
    rule_codes: tuple[str, ...]  # every rule that ran
    tool_errors: tuple[str, ...]
    notes: tuple[str, ...]
    problems: tuple[Problem, ...]
    css: Markup
    script: Markup
    csp: str

    @property
    def documented(self) -> frozenset[str]:
        return frozenset(rule.code for rule in self.rules)


# -- placing findings ---------------------------------------------------------------------


def _place(location: Location) -> str:
    if location.path is None:
        return ""
    return f"{location.path}:{location.line}" if location.line is not None else location.path


def _excerpt(location: Location, excerpt: str | None) -> tuple[tuple[str, str], ...]:
    if excerpt is None:
        return ()
    start = location.line
    return tuple(
        ("" if start is None else str(start + k), text)
        for k, text in enumerate(excerpt.splitlines() or [""])
    )


_TRACE_ENTRY = re.compile(r"^(?:step \d+: |then: )")


def _is_trace_entry(related: Related) -> bool:
    """A step of a counterexample, or its last state: drawn in the model verdict instead."""
    return _TRACE_ENTRY.match(related.message) is not None


def _related_view(related: Related) -> RelatedView:
    where = _place(related.location)
    if related.location.patch is not None:
        patch = f"patch {related.location.patch}"
        where = f"{patch}, {where}" if where else patch
    return RelatedView(where, related.message, _excerpt(related.location, related.excerpt))


class _Numbering:
    """Numbers findings in page order and keeps them in that order."""

    def __init__(self) -> None:
        self.next = 1
        self.views: list[FindingView] = []

    def view(self, finding: Finding, *, inline: bool, note: str | None = None) -> FindingView:
        trace = finding_trace(finding)
        related = finding.related
        if trace is not None:
            related = tuple(r for r in related if not _is_trace_entry(r))
        view = FindingView(
            number=self.next,
            finding=finding,
            place=_place(finding.location),
            note=note,
            excerpt=() if inline else _excerpt(finding.location, finding.excerpt),
            related=tuple(_related_view(r) for r in related),
            trace=trace,
        )
        self.next += 1
        self.views.append(view)
        return view


def _why_on_top(finding: Finding, patch: Patch) -> str | None:
    loc = finding.location
    if loc.path is None:
        return None
    paths = {p for f in patch.diff.files for p in (f.source_path, f.target_path) if p}
    if loc.path not in paths:
        return f"{loc.path} is not changed by this patch"
    if loc.line is None:
        return None
    return f"line {loc.line} of {loc.path} is not in this patch's diff"


def _row_of(finding: Finding, patch: Patch) -> tuple[int, int, int] | None:
    """(file, hunk, line) indexes of the diff line a finding concerns, if it is in the diff."""
    loc = finding.location
    by_target: tuple[int, int, int] | None = None
    by_line = loc.path is not None and loc.line is not None  # else only by its diff line
    if not by_line and loc.diff_line is None:
        return None
    for fi, f in enumerate(patch.diff.files):
        names = (f.target_path, f.source_path)
        if loc.path is not None and loc.path not in names:
            continue
        for hi, hunk in enumerate(f.hunks):
            for li, line in enumerate(hunk.lines):
                if loc.diff_line is not None and line.diff_no == loc.diff_line:
                    return fi, hi, li
                # Lines of the patched tree; of the old one for a deleted file.
                number = line.target_no if f.target_path is not None else line.source_no
                if by_line and by_target is None and number == loc.line:
                    by_target = (fi, hi, li)
    return by_target


def _file_view(
    fi: int,
    diff: FileDiff,
    under: dict[tuple[int, int, int], list[Finding]],
    numbering: _Numbering,
) -> FileView:
    """One file of a patch's diff, each finding under its line (numbered in page order)."""
    hunks: list[HunkView] = []
    count = 0
    for hi, hunk in enumerate(diff.hunks):
        rows: list[DiffRow] = []
        for li, line in enumerate(hunk.lines):
            here = tuple(numbering.view(x, inline=True) for x in under.get((fi, hi, li), ()))
            count += len(here)
            rows.append(
                DiffRow(
                    kind=_KIND_CLASS[line.kind],
                    old=line.source_no,
                    new=line.target_no,
                    marker=line.kind.value,
                    text=line.value,
                    findings=here,
                )
            )
        hunks.append(HunkView(hunk.header, tuple(rows)))
    return FileView(diff, tuple(hunks), count)


def _build_patch(
    anchor: str,
    patch: Patch,
    findings: Sequence[Finding],
    result: PatchResult | None,
    skipped: str | None,
    numbering: _Numbering,
) -> PatchView:
    placed = [(f, _row_of(f, patch)) for f in findings]
    top = tuple(
        numbering.view(f, inline=False, note=_why_on_top(f, patch))
        for f, at in placed
        if at is None
    )
    under: dict[tuple[int, int, int], list[Finding]] = {}
    for f, at in placed:
        if at is not None:
            under.setdefault(at, []).append(f)
    files = tuple(
        _file_view(fi, diff, under, numbering) for fi, diff in enumerate(patch.diff.files)
    )
    if result is not None:
        outcome, reason = result.outcome.value, result.reason
        css = _OUTCOME_CLASS.get(outcome, "skip")
    else:
        outcome, reason, css = "not applied", skipped or "", "skip"
    return PatchView(
        anchor=anchor,
        patch=patch,
        result=result,
        outcome=outcome,
        outcome_class=css,
        reason=reason,
        top=top,
        files=files,
        counts=Counts.of(findings),
    )


def _verdict(view: FindingView) -> VerdictView | None:
    trace = view.trace
    if trace is None:
        return None
    f = view.finding
    steps = tuple(
        StepView(
            number=number,
            actor=step.actor,
            action=step.action,
            changes=step.changes,
            where=step.fact.location if step.fact is not None else "",
            code=step.fact.text if step.fact is not None else "",
        )
        for number, step in zip(trace.numbers, trace.steps, strict=True)
    )
    svg = sequence_svg(
        trace.steps,
        numbers=trace.numbers,
        final=trace.final,
        title=f"counterexample of {f.code} {f.name}",
    )
    extra = {k: v for k, v in f.extra if k != "trace"}
    return VerdictView(view, extra, steps, trace.final, Markup(svg))  # escaped by sequence_svg


def _series_view(k: int, item: SeriesReview, numbering: _Numbering, multiple: bool) -> SeriesView:
    prefix = f"s{k}-" if multiple else ""
    first = len(numbering.views)
    results = {r.number: r for r in item.applied.results} if item.applied is not None else {}
    numbers = {p.number for p in item.series.patches}
    by_patch: dict[int, list[Finding]] = {}
    loose: list[Finding] = []
    for f in item.findings:
        if f.location.patch is not None and f.location.patch in numbers:
            by_patch.setdefault(f.location.patch, []).append(f)
        else:
            loose.append(f)
    top = tuple(numbering.view(f, inline=False) for f in loose)
    patches: list[PatchView] = []
    seen: Counter[int] = Counter()
    for patch in item.series.patches:
        # A number given twice (a broken series): its findings go to the first, ids stay unique.
        seen[patch.number] += 1
        again = seen[patch.number] > 1
        anchor = f"{prefix}patch-{patch.number}" + (f"-{seen[patch.number]}" if again else "")
        patches.append(
            _build_patch(
                anchor,
                patch,
                [] if again else by_patch.get(patch.number, []),
                results.get(patch.number),
                item.apply_skipped,
                numbering,
            )
        )
    index = tuple(numbering.views[first:])
    verdicts = tuple(v for v in (_verdict(view) for view in index) if v is not None)
    problems = item.series.problems + tuple(
        p for patch in item.series.patches for p in patch.problems
    )
    return SeriesView(
        anchor=f"{prefix}series",
        item=item,
        top=top,
        patches=tuple(patches),
        counts=Counts.of(item.findings),
        verdicts=verdicts,
        index=index,
        problems=problems,
    )


def _rule_options(findings: Sequence[Finding]) -> tuple[tuple[str, str, int], ...]:
    counts = Counter(f.code for f in findings)
    names = {f.code: f.name for f in findings}
    return tuple((code, names[code], counts[code]) for code in sorted(counts))


def _rule_views(rules: Sequence[LoadedRule], findings: Sequence[Finding]) -> tuple[RuleView, ...]:
    fired = Counter(f.code for f in findings)
    out: list[RuleView] = []
    for loaded in sorted(rules, key=lambda r: r.rule.code):
        rule = loaded.rule
        if rule.code not in fired:
            continue
        sections = parse_doc(loaded.doc)
        summary = loaded.doc.strip().split("\n\n", 1)[0].strip() if loaded.doc else ""
        if summary.startswith("**"):
            summary = ""
        out.append(
            RuleView(
                code=rule.code,
                name=rule.name,
                severity=rule.severity.value,
                family=rule.family,
                status=rule.status.value,
                origin=loaded.origin,
                summary=summary,
                sections=tuple((h, sections[h]) for h in HEADINGS if sections.get(h)),
                count=fired[rule.code],
            )
        )
    return tuple(out)


# -- rendering ----------------------------------------------------------------------------


def _finalize(value: object) -> object:
    """Every printed value: markup as is, anything else as visible text (escaped next)."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    return visible(str(value))


def _person(person: Person | None) -> str:
    return "" if person is None else str(person)


def _people(people: Iterable[Person]) -> str:
    return ", ".join(p.name or p.email for p in people)


def _short(commit: str | None) -> str:
    return commit[:12] if commit else "-"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("xenreview.report", "templates"),
        autoescape=True,
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        person=_person,
        people=_people,
        people_text=people_text,
        short=_short,
        plural=_plural,
        outcome_class=lambda outcome: _OUTCOME_CLASS.get(outcome, "skip"),
        verdict_class=lambda verdict: _VERDICT_CLASS.get(verdict, "skip"),
    )
    env.globals.update(SEVERITIES=[s.value for s in SEVERITIES])
    return env


@cache
def _asset(name: str) -> str:
    text = (resources.files("xenreview.report") / "templates" / name).read_text("utf-8")
    closing = "</script" if name.endswith(".js") else "</style"
    assert closing not in text.lower(), f"{name} must not close its own element"
    return text


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _report_view(result: Review) -> ReportView:
    numbering = _Numbering()
    multiple = len(result.series) > 1
    series = tuple(
        _series_view(k, item, numbering, multiple) for k, item in enumerate(result.series, 1)
    )
    css, script = _asset("report.css"), _asset("report.js")
    csp = (
        "default-src 'none'; "
        f"style-src 'sha256-{_sha256(css)}'; script-src 'sha256-{_sha256(script)}'; "
        "img-src 'none'; font-src 'none'; connect-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
    titles = list(dict.fromkeys(s.item.series.title for s in series if s.item.series.title))
    return ReportView(
        version=__version__,
        title=titles[0] if len(titles) == 1 else f"{_plural(len(series), 'series')}",
        series=series,
        counts=Counts.of(result.findings),
        rules_ran=result.rules_ran,
        rules=_rule_views(result.rules, result.findings),
        rule_options=_rule_options(result.findings),
        rule_codes=tuple(sorted(result.rules_selected)),
        tool_errors=tuple(str(e) for e in result.tool_errors),
        notes=tuple(str(n) for n in result.notes),
        problems=result.ingested.problems,
        css=Markup(css),  # our own file
        script=Markup(script),  # our own file
        csp=csp,
    )


def render_html(result: Review) -> str:
    """The whole review as one self-contained HTML5 document."""
    view = _report_view(result)
    return _environment().get_template("report.html.j2").render(report=view)
