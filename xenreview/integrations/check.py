"""The checks behind the hooks and b4's check command.

Each check picks the part of the catalogue that makes sense at its moment
(after the user's own selection from the config and options), runs it with
the rule engine over a one-patch series, then applies the same policy as
``xenreview review``: per-path ignores and severity overrides, the author's
inline suppressions, the baseline.

============  ==================================================================
check         rules
============  ==================================================================
pre-commit    style (on the staged hunks), maintainers (not ACK001: acks come
              from the list, never from a commit), Xen/Arm semantics and any
              other tree or diff rule, on HEAD -> index; model rules only with
              ``whole_tree``.  Not the commit message (``commit`` family), not
              the series rules.
commit-msg    the ``commit`` family: subject grammar, body, trailers, against
              the staged diff (the area of the subject, an empty body on a
              non-trivial change) and the repository's history (``Fixes:``).
b4            every rule that needs no tree and is not about a whole series: one
              message out of its series, not applied anywhere.
============  ==================================================================
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING

from xenreview.errors import InputError
from xenreview.ingest.model import Series, Severity
from xenreview.integrations.gitrepo import HookRepo
from xenreview.integrations.staged import (
    StagedTree,
    maintainers_reminder,
    message_series,
    only_paths,
    staged_facts,
    staged_series,
)
from xenreview.pipeline import RuleStage, prepare_rules
from xenreview.rules.api import Finding, LoadedRule, Scope, TreeReader
from xenreview.rules.outcome import RuleSkip, ToolError, ToolNote
from xenreview.settings import Settings

if TYPE_CHECKING:
    from xenreview.rules.finder import Catalogue
    from xenreview.rules.runner import FactsFor

__all__ = [
    "HookResult",
    "b4_rules",
    "check_mail",
    "check_message",
    "check_staged",
    "commit_msg_rules",
    "pre_commit_rules",
]

# Families whose rules judge what a hook does not have yet (or ever).
COMMIT_FAMILY = "commit"
SERIES_FAMILY = "series"
# Acks are collected on the list after posting: a commit never carries them.
NOT_IN_A_COMMIT = frozenset({"ACK001"})


@dataclass(frozen=True, slots=True)
class HookResult:
    """What one hook check found.

    ``findings`` are sorted, suppressed ones included and marked;
    ``reminders`` are remarks that are not findings (update MAINTAINERS);
    ``errors`` rules that failed to load or crashed (exit code 3).
    ``series`` is the one-patch series that was checked (``None`` when
    there was nothing to check: nothing staged, an empty message).
    """

    series: Series | None
    findings: tuple[Finding, ...] = ()
    reminders: tuple[str, ...] = ()
    skipped: tuple[RuleSkip, ...] = ()
    errors: tuple[ToolError, ...] = ()
    notes: tuple[ToolNote, ...] = ()
    rules: tuple[LoadedRule, ...] = ()

    def failing(self, threshold: str) -> list[Finding]:
        """Unsuppressed findings at or above ``threshold`` (``--fail-on``)."""
        from xenreview.rules.selection import failing

        return failing(self.findings, threshold)

    def shown(self, minimum: str = "note") -> list[Finding]:
        """Unsuppressed findings at or above ``minimum`` severity."""
        from xenreview.rules.selection import at_or_above

        return [
            f for f in self.findings if f.suppressed is None and at_or_above(f.severity, minimum)
        ]


# -- which rules ---------------------------------------------------------------------


def pre_commit_rules(
    rules: Sequence[LoadedRule], *, whole_tree: bool = False
) -> tuple[LoadedRule, ...]:
    """The rules the pre-commit hook runs, out of the selected ``rules``."""
    out = []
    for loaded in rules:
        rule = loaded.rule
        if rule.family in (COMMIT_FAMILY, SERIES_FAMILY) or rule.scope is Scope.SERIES:
            continue
        if rule.code in NOT_IN_A_COMMIT or rule.needs_build:
            continue
        if rule.scope is Scope.MODEL and not whole_tree:
            continue  # the model needs the facts of the whole tree
        out.append(loaded)
    return tuple(out)


def commit_msg_rules(rules: Sequence[LoadedRule]) -> tuple[LoadedRule, ...]:
    """The rules the commit-msg hook runs: the commit message family."""
    return tuple(
        loaded
        for loaded in rules
        if loaded.rule.family == COMMIT_FAMILY and loaded.rule.scope is not Scope.SERIES
    )


def b4_rules(rules: Sequence[LoadedRule]) -> tuple[LoadedRule, ...]:
    """The rules ``b4-check`` runs on one message: no tree, no whole series."""
    from xenreview.rules.runner import needs_tree

    return tuple(
        loaded
        for loaded in rules
        if loaded.rule.family != SERIES_FAMILY
        and loaded.rule.scope is not Scope.SERIES
        and not needs_tree(loaded)
        and not loaded.rule.needs_build
    )


def _prepare(settings: Settings, catalogue: Catalogue | None) -> RuleStage:
    """The user's selection (config and options) of the catalogue; fails fast on a typo."""
    return prepare_rules(settings, catalogue)


def _run(
    prepared: RuleStage,
    rules: tuple[LoadedRule, ...],
    series: Series,
    settings: Settings,
    *,
    tree: TreeReader | None = None,
    facts_for: FactsFor | None = None,
    data: dict[str, object] | None = None,
    reminders: tuple[str, ...] = (),
) -> HookResult:
    from xenreview.rules.baseline import apply_baseline
    from xenreview.rules.runner import CachedReader, run_rules
    from xenreview.rules.selection import apply_policy
    from xenreview.rules.suppress import apply_suppressions

    reader = None if tree is None else CachedReader(tree)
    run = run_rules(
        rules,
        series,
        tree=reader,
        no_tree_reason="a single message is checked without a tree",
        facts_for=facts_for,
        settings=settings,
        data=data or {},
    )
    findings = apply_policy(run.findings, rules, prepared.selection)
    findings, notes = apply_suppressions(findings, series, reader)
    if prepared.baseline is not None:
        findings = apply_baseline(findings, prepared.baseline)
    return HookResult(
        series=series,
        findings=findings,
        reminders=reminders,
        skipped=run.skipped,
        errors=(*prepared.load_errors, *run.errors),
        notes=notes,
        rules=rules,
    )


# -- the checks ------------------------------------------------------------------------


def check_staged(
    repo: HookRepo,
    settings: Settings,
    *,
    files: Collection[str] | None = None,
    whole_tree: bool = False,
    catalogue: Catalogue | None = None,
) -> HookResult:
    """The pre-commit check of the change staged in ``repo``.

    ``files`` (the names the pre-commit framework passes, relative to the
    top of the work tree) limits the check to the staged changes of those
    files; ``None`` checks the whole staged change.
    """
    prepared = _prepare(settings, catalogue)
    rules = pre_commit_rules(prepared.rules, whole_tree=whole_tree)
    series = staged_series(repo.staged_diff(settings.max_bytes), repo.author())
    if files is not None:
        series = only_paths(series, files)
    if not series.patches[0].diff.files:
        return HookResult(series=None, errors=prepared.load_errors)
    tree = StagedTree(repo)
    reminder = maintainers_reminder(series, tree)
    from xenreview.rules.runner import needs_tree

    facts = None
    if any(needs_tree(loaded) for loaded in rules):
        facts = staged_facts(repo, series, whole_tree=whole_tree)
    return _run(
        prepared,
        rules,
        series,
        settings,
        tree=tree,
        facts_for=facts,
        reminders=(reminder,) if reminder else (),
    )


def check_message(
    repo: HookRepo,
    message: str,
    settings: Settings,
    *,
    source: str = "commit message",
    catalogue: Catalogue | None = None,
) -> HookResult:
    """The commit-msg check of ``message`` (already cleaned up) with the staged diff."""
    prepared = _prepare(settings, catalogue)
    rules = commit_msg_rules(prepared.rules)
    if not message.strip():
        return HookResult(series=None, errors=prepared.load_errors)
    series = message_series(
        message, repo.staged_diff(settings.max_bytes), repo.author(), source=source
    )
    return _run(
        prepared,
        rules,
        series,
        settings,
        tree=StagedTree(repo),
        data={"commit_lookup": repo.commit_subject},
    )


def check_mail(
    data: bytes,
    settings: Settings,
    *,
    source: str = "<stdin>",
    catalogue: Catalogue | None = None,
) -> HookResult:
    """The b4 check of one patch mail (``data``: the message as b4 feeds it)."""
    from xenreview.ingest import ingest

    prepared = _prepare(settings, catalogue)
    rules = b4_rules(prepared.rules)
    ingested = ingest(["-"], settings, stdin=BytesIO(data))
    problems = [*ingested.problems]
    for series in ingested.series:
        problems += series.problems
        for patch in series.patches:
            problems += patch.problems
    for problem in problems:
        if problem.severity is Severity.ERROR:
            raise InputError(problem.message, source=problem.source or source, where=problem.where)
    with_patches = [s for s in ingested.series if s.patches]
    if not with_patches:
        return HookResult(series=None, errors=prepared.load_errors)
    return _run(prepared, rules, with_patches[0], settings)
