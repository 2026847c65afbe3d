"""Running rules over their fixtures: what the catalogue test and rule authors use.

A rule ``rules/<family>/<rule_name>.py`` keeps its fixtures in the folder
``rules/<family>/<rule_name>/``: ``bad_<case>.patch`` / ``.mbox`` must make
it fire and ``bad_<case>.expected`` is the snapshot of its findings
(:func:`format_findings`); ``ok_<case>.patch`` / ``.mbox`` must give no
finding from any rule.

A fixture is applied to the bundled mini tree only when the rule it belongs
to needs the tree (``needs_tree``, or scope tree/model), with the build
check when the rule reads it (``needs_build``); otherwise the rules that
need a tree (or the build check) are skipped on it, as under ``--no-apply``.

:class:`FixtureRunner` ingests and applies each fixture once and keeps the
applied trees open until it is closed, so one session can run many rules
over the same fixture; :func:`run_fixture` is the one-shot form.
:func:`minitree_findings` runs the catalogue over the mini tree itself:
file, hunk and added-line rules over every line of every file as if one
patch added them all, tree rules over the base tree.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from xenreview.diff.model import Diff, FileDiff, FileStatus, Hunk, Line, LineKind
from xenreview.ingest.model import Ingested, Message, Patch, Person, Series, Subject
from xenreview.rules.api import Finding, LoadedRule, Scope
from xenreview.rules.finder import Catalogue, find_rules
from xenreview.rules.outcome import ToolError
from xenreview.rules.runner import (
    CachedReader,
    facts_source,
    finalize,
    needs_tree,
    run_on_tree,
    run_rules,
)
from xenreview.rules.suppress import apply_suppressions
from xenreview.settings import Settings

if TYPE_CHECKING:
    from xenreview.apply.model import AppliedSeries
    from xenreview.code.parse import FactCache

FIXTURE_SUFFIXES = (".patch", ".mbox")


class FixtureError(AssertionError):
    """A rule's fixtures are unusable (missing, crashing): a test failure."""


# -- where fixtures are -----------------------------------------------------------------


def fixture_dir(loaded: LoadedRule) -> Path | None:
    """``rules/<family>/<rule_name>/`` beside the rule's file (None for a module without one)."""
    if loaded.module_path is None:
        return None
    return Path(loaded.module_path).with_suffix("")


def fixtures(loaded: LoadedRule, kind: str) -> list[Path]:
    """The rule's ``bad`` or ``ok`` fixtures, sorted."""
    folder = fixture_dir(loaded)
    if folder is None or not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.name.startswith(f"{kind}_") and p.suffix in FIXTURE_SUFFIXES
    )


def expected_path(fixture: Path) -> Path:
    return fixture.with_suffix(".expected")


# -- snapshots ------------------------------------------------------------------------------


def _where(finding: Finding) -> str:
    loc = finding.location
    patch = "series" if loc.patch is None else f"patch:{loc.patch}"
    if loc.path is None:
        place = "-"
    elif loc.line is None:
        place = loc.path
    else:
        place = f"{loc.path}:{loc.line}"
    return f"{patch} {place}"


def format_findings(findings: Sequence[Finding]) -> str:
    """One line per finding (``CODE name patch:N path:line message``) and its details.

    Under it, indented: ``fix:`` (continuation lines indented further),
    ``related:`` places and ``suppressed:`` reasons.  Ends with a newline
    unless there is nothing to show.
    """
    out: list[str] = []
    for f in findings:
        out.append(f"{f.code} {f.name} {_where(f)} {f.message}")
        if f.fix is not None:
            first, *rest = f.fix.splitlines() or [""]
            out.append(f"  fix: {first}")
            out.extend(f"       {line}" for line in rest)
        for related in f.related:
            loc = related.location
            place = f"{loc.path}:{loc.line}" if loc.path and loc.line else (loc.path or "-")
            patch = "" if loc.patch is None else f"patch:{loc.patch} "
            out.append(f"  related: {patch}{place} {related.message}")
        if f.suppressed is not None:
            out.append(f"  suppressed: {f.suppressed}")
    return "".join(line + "\n" for line in out)


# -- running rules over fixtures -----------------------------------------------------------


@dataclass(slots=True)
class _Prepared:
    ingested: Ingested
    applied: dict[int, AppliedSeries] = field(default_factory=dict)  # index -> applied series
    readers: dict[int, CachedReader] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FixtureRun:
    findings: tuple[Finding, ...]
    errors: tuple[ToolError, ...]


class FixtureRunner:
    """Ingests (and applies) each fixture once; close it to remove the applied trees.

    At most ``max_open`` applied fixtures are kept (each holds a temporary
    repository and a ``git cat-file`` process); the least recently used is
    closed first.
    """

    def __init__(self, max_open: int = 8) -> None:
        self._plain: dict[tuple[Path, bool], _Prepared] = {}
        self._applied: OrderedDict[tuple[Path, bool], _Prepared] = OrderedDict()
        self._max_open = max_open
        self._settings = Settings()
        self._cache: FactCache | None = None

    @property
    def open_trees(self) -> int:
        """How many applied fixtures are open."""
        return len(self._applied)

    @property
    def fact_cache(self) -> FactCache:
        """The parse cache shared by every fixture's trees (each blob parsed once)."""
        if self._cache is None:
            from xenreview.code.parse import FactCache

            self._cache = FactCache()
        return self._cache

    def _prepare(self, path: Path, apply: bool, build: bool) -> _Prepared:
        cache = self._applied if apply else self._plain
        key = (path.resolve(), build and apply)
        prepared = cache.get(key)
        if prepared is not None:
            if apply:
                self._applied.move_to_end(key)
            return prepared
        other = next(
            (
                p
                for (path_key, _), p in [*self._plain.items(), *self._applied.items()]
                if path_key == key[0]
            ),
            None,
        )
        if other is not None:
            prepared = _Prepared(other.ingested)
        else:
            from xenreview.ingest import ingest

            prepared = _Prepared(ingest([str(path)], self._settings))
        if apply:
            from xenreview.apply import apply_series

            while len(self._applied) >= self._max_open:
                _, oldest = self._applied.popitem(last=False)
                _close(oldest)
            try:
                for index, series in enumerate(prepared.ingested.series):
                    applied = apply_series(series, build=build)
                    prepared.applied[index] = applied
                    prepared.readers[index] = CachedReader(applied)
            except BaseException:
                _close(prepared)
                raise
        cache[key] = prepared
        return prepared

    def run(
        self, path: Path, rules: Sequence[LoadedRule], *, apply: bool, build: bool = False
    ) -> FixtureRun:
        """``rules`` over every series of the fixture, with inline suppressions applied.

        ``apply``: apply it to the mini tree (``build``: with the build check).
        """
        prepared = self._prepare(path, apply, build)
        findings: list[Finding] = []
        errors: list[ToolError] = []
        all_series = prepared.ingested.series
        for index, series in enumerate(all_series):
            applied = prepared.applied.get(index)
            reader = prepared.readers.get(index)
            data: dict[str, object] = {"apply_skipped": None if apply else "not applied"}
            if applied is not None:
                data["applied"] = applied
            run = run_rules(
                rules,
                series,
                tree=reader,
                applied=(
                    None
                    if applied is None
                    else frozenset(r.number for r in applied.results if r.outcome.applied)
                ),
                no_tree_reason="the fixture is not applied",
                built=applied is not None and bool(applied.builds),
                facts_for=None if applied is None else facts_source(applied, self.fact_cache),
                other_versions=tuple(s for s in all_series if s is not series),
                settings=self._settings,
                data=data,
            )
            marked, _ = apply_suppressions(run.findings, series, reader)
            findings += marked
            errors += run.errors
        return FixtureRun(finalize(findings), tuple(errors))

    def close(self) -> None:
        for prepared in self._applied.values():
            _close(prepared)
        self._applied.clear()
        self._plain.clear()

    def __enter__(self) -> FixtureRunner:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _close(prepared: _Prepared) -> None:
    for applied in prepared.applied.values():
        applied.close()


def _rule(code: str, catalogue: Catalogue | None) -> LoadedRule:
    found = (catalogue or find_rules(entry_points=False)).lookup(code)
    if found is None:
        raise FixtureError(f"no rule {code} in the catalogue")
    return found


def run_fixture(
    code: str,
    path: Path | str,
    *,
    catalogue: Catalogue | None = None,
    runner: FixtureRunner | None = None,
) -> list[Finding]:
    """The findings of rule ``code`` on the fixture at ``path`` (suppressed ones marked).

    The fixture is applied to the mini tree when the rule needs a tree.  A
    rule that crashes raises :class:`FixtureError` with the tool error.
    """
    loaded = _rule(code, catalogue)
    own = runner or FixtureRunner()
    try:
        result = own.run(
            Path(path), [loaded], apply=needs_tree(loaded), build=loaded.rule.needs_build
        )
    finally:
        if runner is None:
            own.close()
    if result.errors:
        raise FixtureError("; ".join(str(e) for e in result.errors))
    return list(result.findings)


# -- the mini tree ------------------------------------------------------------------------


class DirectoryReader:
    """A :class:`~xenreview.rules.api.TreeReader` over files in memory.

    ``states[n]`` is the tree after patch ``n``; a state that is not given
    is the last one given before it.
    """

    def __init__(self, states: dict[int, dict[str, str]]) -> None:
        self._states = states

    def _state(self, after_patch: int) -> dict[str, str]:
        known = [n for n in self._states if n <= after_patch]
        return self._states[max(known)] if known else {}

    def read(self, path: str, after_patch: int) -> str | None:
        return self._state(after_patch).get(path)

    def paths(self, after_patch: int) -> list[str]:
        """The files of the tree after ``after_patch`` (the C facts list them)."""
        return sorted(self._state(after_patch))


def minitree_texts() -> dict[str, str]:
    """Every file of the bundled mini tree as text, by repository path."""
    from xenreview.apply.tree import minitree_root, tree_files

    return {f.path: f.data.decode("utf-8", "replace") for f in tree_files(minitree_root())}


def _added_file(path: str, text: str, first_diff_no: int) -> tuple[FileDiff, int]:
    values = text.split("\n")
    if values and values[-1] == "":
        values.pop()
    header = (
        f"diff --git a/{path} b/{path}",
        "new file mode 100644",
        "--- /dev/null",
        f"+++ b/{path}",
    )
    diff_no = first_diff_no + len(header)
    hunks: tuple[Hunk, ...] = ()
    if values:
        lines = tuple(
            Line(LineKind.ADDED, value, None, number, diff_no + number)
            for number, value in enumerate(values, 1)
        )
        hunk_header = f"@@ -0,0 +1,{len(values)} @@"
        hunks = (Hunk(0, 0, 1, len(values), "", hunk_header, lines, diff_no),)
        diff_no += len(values) + 1
    f = FileDiff(
        None, path, FileStatus.ADDED, None, "100644", None, None, False, None, hunks, header
    )
    return f, diff_no


def minitree_series(files: dict[str, str]) -> Series:
    """One patch adding every file of ``files`` (sorted by path): the whole tree as new code."""
    diff_files: list[FileDiff] = []
    diff_no = 1
    for path in sorted(files):
        f, diff_no = _added_file(path, files[path], diff_no)
        diff_files.append(f)
    title = "xen: add the mini tree"
    subject = Subject(f"[PATCH] {title}", title, ("PATCH",), "1", False, 1, 1, False)
    author = Person("Alice Example", "alice@example.org")
    message = Message(
        "minitree@example.org", None, (), author, False, None, None, subject, source="mini tree"
    )
    patch = Patch(message, "", (), "", None, (), Diff(tuple(diff_files)))
    return Series("1", False, 1, None, (patch,), title=title)


_DIFF_SCOPES = frozenset({Scope.FILE, Scope.HUNK, Scope.ADDED_LINE})


def minitree_findings(rules: Sequence[LoadedRule], cache: FactCache | None = None) -> FixtureRun:
    """What ``rules`` find on the mini tree itself (it must be nothing).

    File, hunk and added-line rules see every line of every file as added by
    one patch (the tree after it is the mini tree, before it nothing); tree
    rules see the base tree.  Series, patch and model rules are not run.
    """
    files = minitree_texts()
    series = minitree_series(files)
    added = DirectoryReader({0: {}, 1: files})
    diff_rules = [r for r in rules if r.rule.scope in _DIFF_SCOPES]
    on_diff = run_rules(diff_rules, series, tree=added, facts_for=facts_source(added, cache))
    base = DirectoryReader({0: files})
    tree_rules = [r for r in rules if r.rule.scope is Scope.TREE]
    on_tree = run_on_tree(
        tree_rules, series, base, 1, patch=series.patches[0], facts_for=facts_source(base, cache)
    )
    return FixtureRun(
        finalize([*on_diff.findings, *on_tree.findings]), on_diff.errors + on_tree.errors
    )
