"""The review pipeline: stages threaded as values.

``review()`` runs ingest, then applies each series to its tree, then runs
the selected rules over each series (docs/rules.md): findings, then the
config's per-path ignores and severity overrides, then the author's
suppressions, then the baseline.  Each applied series owns a temporary
repository; the pipeline closes every one of them before it returns (also
on errors and Ctrl-C), after the rules have read them, so what it returns
is plain data that reporters can render at leisure.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from xenreview.errors import UsageError
from xenreview.ingest.model import Ingested, Series
from xenreview.rules.api import Finding, LoadedRule
from xenreview.rules.outcome import RuleSkip, ToolError, ToolNote
from xenreview.settings import Settings

if TYPE_CHECKING:
    from xenreview.apply.model import AppliedSeries
    from xenreview.code.parse import FactCache
    from xenreview.report.acks import AckTable
    from xenreview.rules.finder import Catalogue
    from xenreview.rules.selection import Selection


@dataclass(frozen=True, slots=True)
class ApplyOptions:
    """How and where to apply (the CLI's --tree, --base, ... options)."""

    enabled: bool = True
    tree: Path | None = None
    base: str | None = None
    find_base: bool = False
    build: bool = False
    keep: Path | None = None


@dataclass(frozen=True, slots=True)
class SeriesReview:
    series: Series
    applied: AppliedSeries | None  # closed: results only, files no longer readable
    apply_skipped: str | None = None  # why the series was not applied
    findings: tuple[Finding, ...] = ()  # sorted; suppressed ones included, marked
    rules_skipped: tuple[RuleSkip, ...] = ()  # selected rules that could not run on it
    acks: AckTable | None = None  # who must ack each file (from the tree's MAINTAINERS)
    acks_unavailable: str | None = None  # why there is no ack table


@dataclass(frozen=True, slots=True)
class Review:
    ingested: Ingested
    series: tuple[SeriesReview, ...]
    tool_errors: tuple[ToolError, ...] = ()  # rules that failed to load or crashed
    notes: tuple[ToolNote, ...] = ()  # e.g. a suppression without a reason
    rules_ran: bool = False  # the rule stage ran (``review``; ``apply`` stops before it)
    rules_selected: tuple[str, ...] = ()  # codes of the rules that were run
    rules: tuple[LoadedRule, ...] = ()  # the rules that were run, with their documentation
    baseline_written: int | None = None  # fingerprints written by --write-baseline

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for item in self.series for f in item.findings)

    def failing(self, threshold: str) -> list[Finding]:
        """Unsuppressed findings at or above ``threshold`` (``--fail-on``)."""
        from xenreview.rules.selection import failing

        return failing(self.findings, threshold)


@dataclass(frozen=True, slots=True)
class RuleStage:
    """The rule stage's inputs, prepared once per run (also by the hooks)."""

    rules: tuple[LoadedRule, ...]
    selection: Selection
    baseline: frozenset[str] | None
    load_errors: tuple[ToolError, ...]


def prepare_rules(settings: Settings, catalogue: Catalogue | None) -> RuleStage:
    from xenreview.rules.baseline import read_baseline
    from xenreview.rules.finder import find_rules
    from xenreview.rules.selection import Selection, check_selectors, select_rules

    if catalogue is None:
        catalogue = find_rules(settings.rules_dirs)
    selection = Selection.from_settings(settings)
    failed = [e.code for e in catalogue.errors if e.code is not None]
    check_selectors(selection, catalogue.rules, failed)
    baseline = read_baseline(settings.baseline) if settings.baseline is not None else None
    return RuleStage(
        select_rules(catalogue.rules, selection), selection, baseline, catalogue.errors
    )


def _check_series(
    stage: RuleStage,
    item: SeriesReview,
    all_series: tuple[Series, ...],
    settings: Settings,
    cache: FactCache | None,
) -> tuple[SeriesReview, list[ToolError], list[ToolNote]]:
    from xenreview.rules.runner import CachedReader, facts_source, run_rules
    from xenreview.rules.selection import apply_policy
    from xenreview.rules.suppress import apply_suppressions

    series, applied = item.series, item.applied
    reader = CachedReader(applied) if applied is not None else None
    data: dict[str, object] = {"apply_skipped": item.apply_skipped}
    if applied is not None:
        data["applied"] = applied
    item = _with_acks(item)
    others = tuple(s for s in all_series if s is not series and s.title == series.title)
    run = run_rules(
        stage.rules,
        series,
        tree=reader,
        applied=(
            None
            if applied is None
            else frozenset(r.number for r in applied.results if r.outcome.applied)
        ),
        no_tree_reason=item.apply_skipped or "the series was not applied",
        built=applied is not None and bool(applied.builds),
        facts_for=None if applied is None else facts_source(applied, cache),
        other_versions=others,
        settings=settings,
        data=data,
    )
    findings = apply_policy(run.findings, stage.rules, stage.selection)
    findings, notes = apply_suppressions(findings, series, reader)
    checked = replace(item, findings=findings, rules_skipped=run.skipped)
    return checked, list(run.errors), list(notes)


def _with_acks(item: SeriesReview) -> SeriesReview:
    """The ack table of an applied series, from its tree's MAINTAINERS after the series."""
    from xenreview.errors import InputError
    from xenreview.maintainers import last_patch, load_maintainers
    from xenreview.report.acks import ack_table

    applied = item.applied
    if applied is None:
        return replace(item, acks_unavailable=item.apply_skipped or "the series was not applied")
    after = last_patch(item.series)
    try:
        maintainers = load_maintainers(
            lambda path: applied.read(path, after), f"MAINTAINERS ({applied.tree})"
        )
    except InputError as exc:
        return replace(item, acks_unavailable=str(exc))
    if maintainers is None:
        return replace(item, acks_unavailable="the tree has no MAINTAINERS file")
    return replace(item, acks=ack_table(item.series, maintainers))


def _fact_cache(stage: RuleStage, items: list[SeriesReview]) -> FactCache | None:
    """One parse cache for every tree of the run (each blob parsed once), if any rule reads C."""
    from xenreview.rules.runner import needs_tree

    if not any(item.applied is not None for item in items):
        return None
    if not any(needs_tree(loaded) for loaded in stage.rules):
        return None
    from xenreview.code.parse import FactCache

    return FactCache()


def _run_rules(
    stage: RuleStage, items: list[SeriesReview], ingested: Ingested, settings: Settings
) -> Review:
    from xenreview.rules.baseline import apply_baseline, write_baseline

    errors: list[ToolError] = list(stage.load_errors)
    notes: list[ToolNote] = []
    checked: list[SeriesReview] = []
    cache = _fact_cache(stage, items)
    for item in items:
        done, more_errors, more_notes = _check_series(stage, item, ingested.series, settings, cache)
        checked.append(done)
        errors += more_errors
        notes += more_notes
    fingerprints = stage.baseline
    written = None
    if settings.write_baseline is not None:
        all_findings = [f for item in checked for f in item.findings]
        if fingerprints is not None:
            all_findings = list(apply_baseline(all_findings, fingerprints))
        new = write_baseline(settings.write_baseline, all_findings)
        written = len(new)
        fingerprints = new if fingerprints is None else fingerprints | new
    if fingerprints is not None:
        checked = [
            replace(item, findings=apply_baseline(item.findings, fingerprints)) for item in checked
        ]
    return Review(
        ingested,
        tuple(checked),
        tool_errors=tuple(errors),
        notes=tuple(dict.fromkeys(notes)),
        rules_ran=True,
        rules_selected=tuple(loaded.rule.code for loaded in stage.rules),
        rules=stage.rules,
        baseline_written=written,
    )


def review(
    specs: list[str],
    settings: Settings,
    options: ApplyOptions,
    *,
    git_range: str | None = None,
    repo: Path | None = None,
    stdin: BinaryIO | None = None,
    rules: bool = True,
    catalogue: Catalogue | None = None,
) -> Review:
    """Ingest, apply and (with ``rules``) run the selected rules over every series.

    ``catalogue`` replaces the rules found from the settings (tests).  The
    rules are found and the selection checked before any input is read, so
    a typo in ``--select`` fails fast.
    """
    from xenreview.ingest import ingest

    stage = prepare_rules(settings, catalogue) if rules else None
    ingested = ingest(specs, settings, git_range=git_range, repo=repo, stdin=stdin)
    if options.enabled and options.keep is not None and len(ingested.series) > 1:
        raise UsageError(
            f"--keep takes one series, and the sources hold {len(ingested.series)}",
            source="--keep",
        )
    with ExitStack() as stack:
        items: list[SeriesReview] = []
        for series in ingested.series:
            if not options.enabled:
                items.append(SeriesReview(series, None, "not applied (--no-apply)"))
                continue
            if series.reconstructed:
                items.append(
                    SeriesReview(series, None, "not applied: reconstructed from an archive copy")
                )
                continue
            from xenreview.apply import apply_series

            applied = apply_series(
                series,
                tree=options.tree,
                base=options.base,
                find_base=options.find_base,
                build=options.build,
                build_command=settings.build_command,
                keep=options.keep,
            )
            stack.callback(applied.close)
            items.append(SeriesReview(series, applied))
        if stage is None:
            return Review(ingested, tuple(items))
        # The rules read the applied trees: they run before the ExitStack closes them.
        return _run_rules(stage, items, ingested, settings)
