"""The whole rule catalogue, checked generically: adding a rule adds files, not tests.

For every rule of the bundled ``rules/`` folder:

* it loads (the finder validated its ``RULE``, ``check`` and docstring);
* its code is well formed and unique, its name kebab case and unique,
  its docstring has the five headings in order, none empty;
* its fixture folder has at least one ``bad_*`` and one ``ok_*`` fixture;
* every ``bad_*`` fixture makes it fire, and its findings equal the
  ``bad_*.expected`` snapshot (``--update-golden`` rewrites snapshots);
* every ``ok_*`` fixture (of any rule) gives no unsuppressed finding from
  ANY rule of the catalogue;
* the mini tree gives no finding (file, hunk and added-line rules over every
  line of every file as if added; tree rules over the base tree).

Fixtures are ingested and applied once per session (:class:`FixtureRunner`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from xenreview.rules.api import HEADINGS, LoadedRule, parse_doc
from xenreview.rules.finder import CODE_PATTERN, NAME_PATTERN, catalogue_root, find_rules
from xenreview.rules.runner import needs_tree
from xenreview.rules.testing import (
    FixtureRunner,
    expected_path,
    fixture_dir,
    fixtures,
    format_findings,
    minitree_findings,
)

ROOT = catalogue_root()
CATALOGUE = find_rules(bundled=True, entry_points=False)
RULES = CATALOGUE.rules
BY_CODE = {loaded.rule.code: loaded for loaded in RULES}

BAD = [(loaded.rule.code, path) for loaded in RULES for path in fixtures(loaded, "bad")]
OK = [(loaded.rule.code, path) for loaded in RULES for path in fixtures(loaded, "ok")]


def _id(item: object) -> str:
    if isinstance(item, Path):
        return item.name
    return str(item)


@pytest.fixture(scope="module")
def runner() -> Iterator[FixtureRunner]:
    with FixtureRunner() as shared:
        yield shared


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT)) if ROOT is not None else str(path)


def test_the_catalogue_is_there() -> None:
    assert ROOT is not None, "no bundled rules/ folder found"


def test_every_rule_loads() -> None:
    assert not CATALOGUE.errors, "\n".join(str(e) for e in CATALOGUE.errors)


def test_codes_and_names_are_unique_and_well_formed() -> None:
    codes = [loaded.rule.code for loaded in RULES]
    names = [loaded.rule.name for loaded in RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    assert all(CODE_PATTERN.match(code) for code in codes)
    assert all(NAME_PATTERN.match(name) for name in names)


@pytest.mark.parametrize("loaded", RULES, ids=lambda r: f"{r.rule.code}-{r.rule.name}")
def test_rule_shape(loaded: LoadedRule) -> None:
    rule = loaded.rule
    sections = parse_doc(loaded.doc)
    assert tuple(sections) == HEADINGS
    assert all(sections[h] for h in HEADINGS)
    assert loaded.module_path is not None
    assert Path(loaded.module_path).parent.name == rule.family
    folder = fixture_dir(loaded)
    assert folder is not None and folder.is_dir(), f"no fixture folder {folder}"
    assert fixtures(loaded, "bad"), f"{rule.code}: no bad_* fixture in {folder}"
    assert fixtures(loaded, "ok"), f"{rule.code}: no ok_* fixture in {folder}"


def test_every_snapshot_has_its_bad_fixture() -> None:
    orphans = [
        _relative(snapshot)
        for loaded in RULES
        if (folder := fixture_dir(loaded)) is not None and folder.is_dir()
        for snapshot in sorted(folder.glob("*.expected"))
        if not any(snapshot.with_suffix(s).is_file() for s in (".patch", ".mbox"))
    ]
    assert not orphans, f"snapshots without a bad_ fixture: {orphans}"


@pytest.mark.parametrize(("code", "fixture"), BAD, ids=_id)
def test_bad_fixture_fires(
    code: str, fixture: Path, runner: FixtureRunner, update_golden: bool
) -> None:
    loaded = BY_CODE[code]
    result = runner.run(fixture, [loaded], apply=needs_tree(loaded), build=loaded.rule.needs_build)
    assert not result.errors, "\n".join(str(e) for e in result.errors)
    active = [f for f in result.findings if f.suppressed is None]
    assert active, f"{code} does not fire on {_relative(fixture)}"
    text = format_findings(result.findings)
    golden = expected_path(fixture)
    if update_golden:
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"missing snapshot {_relative(golden)}: run with --update-golden"
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(("code", "fixture"), OK, ids=_id)
def test_ok_fixture_is_clean_for_every_rule(
    code: str, fixture: Path, runner: FixtureRunner
) -> None:
    own = BY_CODE[code].rule
    result = runner.run(fixture, RULES, apply=needs_tree(BY_CODE[code]), build=own.needs_build)
    assert not result.errors, "\n".join(str(e) for e in result.errors)
    active = [f for f in result.findings if f.suppressed is None]
    assert not active, f"{_relative(fixture)} is not clean:\n" + format_findings(active)


def test_the_mini_tree_is_clean(runner: FixtureRunner) -> None:
    result = minitree_findings(RULES, runner.fact_cache)
    assert not result.errors, "\n".join(str(e) for e in result.errors)
    active = [f for f in result.findings if f.suppressed is None]
    assert not active, "the mini tree is not clean:\n" + format_findings(active[:50])
