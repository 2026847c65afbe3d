"""Running rules over a series, each at its declared scope.

==========  ==================================================================
scope       runs on
==========  ==================================================================
series      the series, once
patch       each patch
file        each file of each patch that ``rule.applies_to(path)``
hunk        each hunk of those files
added-line  each added line of those hunks
tree        for each applied patch that touches files: the tree after it; a
            finding is kept only when the same rule does not give the same
            fingerprint on the tree before the patch, so the patch that
            *introduces* a problem is named, not every later one
model       once, on the tree after the last patch
==========  ==================================================================

Rules that need the tree (``needs_tree``, or scope tree/model) are skipped
without one (``--no-apply``, a series that could not be applied) and the
result says so.  A rule that raises, or yields something that is not its
own :class:`~xenreview.rules.api.Finding`, becomes a tool error naming the
rule and the place; it is not run again on that series, and the other rules
go on.  Findings come back deduplicated (fingerprint and location) and
sorted by patch, file, line, code and message.

Tree rules read the tree through their subject (``view.read(path)``,
``view.facts``): for the before/after comparison the same rule runs twice
with the same context and two views.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xenreview.diff.model import FileDiff, LineKind
from xenreview.ingest.model import Patch, Series
from xenreview.rules.api import Context, Finding, LoadedRule, Scope, TreeReader, TreeView
from xenreview.rules.outcome import RuleSkip, RuleUndecided, ToolError, one_line

if TYPE_CHECKING:
    from xenreview.code.facts import TreeFacts
    from xenreview.code.parse import FactCache
    from xenreview.settings import Settings

FactsFor = Callable[[int], "TreeFacts | None"]
TREE_SCOPES = frozenset({Scope.TREE, Scope.MODEL})


@dataclass(frozen=True, slots=True)
class RuleRun:
    """What the rules gave on one series."""

    findings: tuple[Finding, ...]
    errors: tuple[ToolError, ...] = ()
    skipped: tuple[RuleSkip, ...] = ()


def facts_source(reader: TreeReader, cache: FactCache | None = None) -> FactsFor:
    """The C facts of ``reader``'s tree states (``xenreview.code.facts.facts_for_tree``).

    ``reader`` is an :class:`~xenreview.apply.model.AppliedSeries` or a
    reader that can list its files (``paths(after_patch)``); ``cache`` is
    shared by every tree of a run so each blob is parsed once.
    """
    from xenreview.code.facts import facts_for_tree
    from xenreview.code.parse import FactCache

    shared = cache if cache is not None else FactCache()

    def facts_for(after_patch: int) -> TreeFacts | None:
        return facts_for_tree(reader, after_patch, cache=shared)

    return facts_for


def needs_tree(loaded: LoadedRule) -> bool:
    return loaded.rule.needs_tree or loaded.rule.scope in TREE_SCOPES


class CachedReader:
    """A :class:`TreeReader` that reads each (path, state) once."""

    def __init__(self, reader: TreeReader) -> None:
        self._reader = reader
        self._cache: dict[tuple[str, int], str | None] = {}

    def read(self, path: str, after_patch: int) -> str | None:
        key = (path, after_patch)
        try:
            return self._cache[key]
        except KeyError:
            text = self._cache[key] = self._reader.read(path, after_patch)
            return text


def sort_key(finding: Finding) -> tuple[int, str, int, str, str]:
    loc = finding.location
    return (
        -1 if loc.patch is None else loc.patch,
        loc.path or "",
        loc.line or 0,
        finding.code,
        finding.message,
    )


def finalize(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Deduplicated by fingerprint and location, sorted (patch, file, line, code, message)."""
    unique: dict[tuple[str, Any], Finding] = {}
    for finding in findings:
        unique.setdefault((finding.fingerprint, finding.location), finding)
    return tuple(sorted(unique.values(), key=sort_key))


def _patch_label(patch: Patch) -> str:
    return f"patch {patch.number}/{patch.total}"


def _changed_paths(patches: Iterable[Patch]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for patch in patches:
        for f in patch.diff.files:
            for path in (f.source_path, f.target_path):
                if path is not None:
                    seen[path] = None
    return tuple(seen)


class _Run:
    def __init__(
        self,
        series: Series,
        tree: TreeReader | None,
        facts_for: FactsFor | None,
        other_versions: tuple[Series, ...],
        settings: Settings | None,
        data: Mapping[str, Any],
    ) -> None:
        self.series = series
        self.tree = tree
        self.other_versions = other_versions
        self.settings = settings
        self.data = dict(data)
        self.errors: list[ToolError] = []
        self.findings: list[Finding] = []
        self.undecided: list[RuleSkip] = []
        self._crashed: set[str] = set()
        self._facts_source = facts_for
        self._facts: dict[int, TreeFacts | None] = {}

    # -- plumbing ----------------------------------------------------------------

    def facts(self, after_patch: int) -> TreeFacts | None:
        """C facts of a tree state, computed once; a failure is a tool error."""
        if self._facts_source is None:
            return None
        if after_patch not in self._facts:
            try:
                self._facts[after_patch] = self._facts_source(after_patch)
            except Exception as exc:
                self._facts[after_patch] = None
                self.errors.append(
                    ToolError(
                        f"C facts failed: {one_line(exc)}",
                        origin="xenreview.code",
                        where=f"tree after patch {after_patch}",
                    )
                )
        return self._facts[after_patch]

    def context(self, patch: Patch | None = None, **parts: Any) -> Context:
        return Context(
            series=self.series,
            patch=patch,
            tree=self.tree,
            facts_for=self.facts if self._facts_source is not None else None,
            other_versions=self.other_versions,
            settings=self.settings,
            data=self.data,
            **parts,
        )

    def call(self, loaded: LoadedRule, subject: Any, ctx: Context, where: str) -> list[Finding]:
        code = loaded.rule.code
        if code in self._crashed:
            return []
        found: list[Finding] = []
        try:
            for finding in loaded.check(subject, ctx):
                if not isinstance(finding, Finding):
                    raise TypeError(f"check() yielded a {type(finding).__name__}, not a Finding")
                if finding.code != code:
                    raise ValueError(f"check() yielded a finding of {finding.code}, not {code}")
                found.append(finding)
        except RuleUndecided as exc:
            skip = RuleSkip(code, loaded.rule.name, f"undecided: {exc}")
            if skip not in self.undecided:
                self.undecided.append(skip)
            return []
        except Exception as exc:
            self._crashed.add(code)
            self.errors.append(
                ToolError(
                    f"{one_line(exc)} (not run on the rest of this series)",
                    loaded.origin,
                    code,
                    where,
                )
            )
            return []
        return found

    # -- scopes ------------------------------------------------------------------

    def run_series(self, rules: Sequence[LoadedRule]) -> None:
        if not rules:
            return
        ctx = self.context()
        where = f"series {self.series.title!r}"
        for loaded in rules:
            self.findings += self.call(loaded, self.series, ctx, where)

    def run_patches(
        self,
        patch_rules: Sequence[LoadedRule],
        file_rules: Sequence[LoadedRule],
        hunk_rules: Sequence[LoadedRule],
        line_rules: Sequence[LoadedRule],
    ) -> None:
        diff_rules = bool(file_rules or hunk_rules or line_rules)
        for patch in self.series.patches:
            label = _patch_label(patch)
            if patch_rules:
                ctx = self.context(patch)
                for loaded in patch_rules:
                    self.findings += self.call(loaded, patch, ctx, label)
            if diff_rules:
                for f in patch.diff.files:
                    self.run_file(patch, f, label, file_rules, hunk_rules, line_rules)

    def run_file(
        self,
        patch: Patch,
        f: FileDiff,
        label: str,
        file_rules: Sequence[LoadedRule],
        hunk_rules: Sequence[LoadedRule],
        line_rules: Sequence[LoadedRule],
    ) -> None:
        path = f.path
        on_file = [r for r in file_rules if r.rule.applies_to(path)]
        on_hunk = [r for r in hunk_rules if r.rule.applies_to(path)]
        on_line = [r for r in line_rules if r.rule.applies_to(path)]
        if not (on_file or on_hunk or on_line):
            return
        where = f"{label}, {path}"
        if on_file:
            ctx = self.context(patch, file=f)
            for loaded in on_file:
                self.findings += self.call(loaded, f, ctx, where)
        if not (on_hunk or on_line):
            return
        call = self.call
        added = LineKind.ADDED
        for hunk in f.hunks:
            ctx = self.context(patch, file=f, hunk=hunk)
            for loaded in on_hunk:
                self.findings += call(loaded, hunk, ctx, f"{where} {hunk.header}")
            if not on_line:
                continue
            for line in hunk.lines:
                if line.kind is not added:
                    continue
                for loaded in on_line:
                    found = call(loaded, line, ctx, f"{where}:{line.target_no}")
                    if found:
                        self.findings += found

    def run_tree(self, rules: Sequence[LoadedRule], applied: Collection[int] | None) -> None:
        """Tree rules on the tree after each applied patch, keeping what the patch introduced."""
        if not rules or self.tree is None:
            return
        tree = self.tree
        before = 0
        for patch in self.series.patches:
            touched = bool(patch.diff.files) and (applied is None or patch.number in applied)
            if touched:
                changed = _changed_paths([patch])
                ctx = self.context(patch)
                after_view: TreeView | None = None
                before_view: TreeView | None = None
                where = f"tree after {_patch_label(patch)}"
                for loaded in rules:
                    if after_view is None:
                        after_view = TreeView(patch.number, tree, self.facts(patch.number), changed)
                    found = self.call(loaded, after_view, ctx, where)
                    if not found:
                        continue
                    if before_view is None:
                        before_view = TreeView(before, tree, self.facts(before), changed)
                    old = self.call(loaded, before_view, ctx, f"tree before {_patch_label(patch)}")
                    known = {f.fingerprint for f in old}
                    self.findings += [f for f in found if f.fingerprint not in known]
            before = patch.number

    def run_model(self, rules: Sequence[LoadedRule]) -> None:
        if not rules or self.tree is None or not self.series.patches:
            return
        last = self.series.patches[-1].number
        view = TreeView(last, self.tree, self.facts(last), _changed_paths(self.series.patches))
        ctx = self.context()
        for loaded in rules:
            self.findings += self.call(loaded, view, ctx, "tree after the series")


def run_rules(
    rules: Sequence[LoadedRule],
    series: Series,
    *,
    tree: TreeReader | None = None,
    applied: Collection[int] | None = None,
    no_tree_reason: str = "the series was not applied",
    built: bool = False,
    facts_for: FactsFor | None = None,
    other_versions: Sequence[Series] = (),
    settings: Settings | None = None,
    data: Mapping[str, Any] | None = None,
) -> RuleRun:
    """Run ``rules`` over ``series``; the findings, tool errors and skipped rules.

    ``built`` says the series was applied with the build check (rules with
    ``needs_build`` are skipped without it).  ``tree`` reads the tree after any patch (an
    :class:`~xenreview.apply.model.AppliedSeries`), ``applied`` the numbers
    of the patches that applied (None: all of them); ``facts_for`` gives
    the C facts of a tree state (memoised here); ``data`` shared read-only
    extras for the rules' contexts.
    """
    reader = tree if tree is None or isinstance(tree, CachedReader) else CachedReader(tree)
    skipped: list[RuleSkip] = []
    runnable: list[LoadedRule] = []
    for loaded in rules:
        if reader is None and needs_tree(loaded):
            reason = f"needs the patched tree: {no_tree_reason}"
            skipped.append(RuleSkip(loaded.rule.code, loaded.rule.name, reason))
        elif loaded.rule.needs_build and not built:
            reason = "needs the build check: apply with --build"
            skipped.append(RuleSkip(loaded.rule.code, loaded.rule.name, reason))
        else:
            runnable.append(loaded)
    by_scope: dict[Scope, list[LoadedRule]] = {scope: [] for scope in Scope}
    for loaded in runnable:
        by_scope[loaded.rule.scope].append(loaded)
    run = _Run(series, reader, facts_for, tuple(other_versions), settings, data or {})
    run.run_series(by_scope[Scope.SERIES])
    run.run_patches(
        by_scope[Scope.PATCH],
        by_scope[Scope.FILE],
        by_scope[Scope.HUNK],
        by_scope[Scope.ADDED_LINE],
    )
    run.run_tree(by_scope[Scope.TREE], applied)
    run.run_model(by_scope[Scope.MODEL])
    return RuleRun(finalize(run.findings), tuple(run.errors), (*skipped, *run.undecided))


def run_on_tree(
    rules: Sequence[LoadedRule],
    series: Series,
    tree: TreeReader,
    after_patch: int,
    *,
    patch: Patch | None = None,
    facts_for: FactsFor | None = None,
    settings: Settings | None = None,
    data: Mapping[str, Any] | None = None,
) -> RuleRun:
    """Tree and model ``rules`` on one tree state, every finding kept (no before/after).

    What the catalogue test uses to check that the base mini tree is clean.
    """
    reader = tree if isinstance(tree, CachedReader) else CachedReader(tree)
    run = _Run(series, reader, facts_for, (), settings, data or {})
    paths = _changed_paths([patch] if patch is not None else series.patches)
    view = TreeView(after_patch, reader, run.facts(after_patch), paths)
    ctx = run.context(patch)
    for loaded in rules:
        if loaded.rule.scope in TREE_SCOPES:
            run.findings += run.call(loaded, view, ctx, f"tree after patch {after_patch}")
    return RuleRun(finalize(run.findings), tuple(run.errors))
