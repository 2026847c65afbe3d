"""Selecting rules, per-path ignores, severity overrides, --fail-on thresholds."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from xenreview.errors import ConfigError, UsageError
from xenreview.ingest.model import Severity
from xenreview.rules.api import Finding, Location
from xenreview.rules.finder import Catalogue
from xenreview.rules.selection import (
    Selection,
    apply_policy,
    at_or_above,
    check_selectors,
    failing,
    select_rules,
    specificity,
)
from xenreview.settings import Settings, load_settings


def _codes(catalogue: Catalogue, selection: Selection) -> list[str]:
    return [r.rule.code for r in select_rules(catalogue.rules, selection)]


def test_by_default_every_stable_rule(demo: Catalogue) -> None:
    assert _codes(demo, Selection()) == ["TST001", "TST002", "TST003"]


@pytest.mark.parametrize(
    ("select", "expected"),
    [
        (("TST001",), ["TST001"]),
        (("tst001",), ["TST001"]),
        (("todo-comment",), ["TST001"]),
        (("TST",), ["TST001", "TST002", "TST003"]),
        (("TST00",), ["TST001", "TST002", "TST003"]),
        (("demo",), ["TST001", "TST002", "TST003"]),
        (("ALL",), ["TST001", "TST002", "TST003"]),
        (("TST002", "short-commit-body"), ["TST002", "TST003"]),
    ],
)
def test_select_forms(demo: Catalogue, select: tuple[str, ...], expected: list[str]) -> None:
    assert _codes(demo, Selection(select=select)) == expected


def test_the_more_specific_selector_wins(demo: Catalogue) -> None:
    assert _codes(demo, Selection(ignore=("TST",), select=("TST001",))) == ["TST001"]
    assert _codes(demo, Selection(select=("TST",), ignore=("TST001",))) == ["TST002", "TST003"]
    assert _codes(demo, Selection(ignore=("demo",))) == []
    # a tie goes to ignore
    assert _codes(demo, Selection(select=("TST001",), ignore=("todo-comment",))) == []


def test_preview_rules_need_an_explicit_select_or_preview(demo: Catalogue) -> None:
    assert "TST004" not in _codes(demo, Selection(select=("TST",)))
    assert "TST004" not in _codes(demo, Selection(select=("ALL",)))
    assert "TST004" in _codes(demo, Selection(select=("TST004",)))
    assert "TST004" in _codes(demo, Selection(select=("preview-marker",)))
    assert "TST004" in _codes(demo, Selection(preview=True))
    assert "TST004" in _codes(demo, Selection(select=("TST",), preview=True))


def test_specificity_order(demo: Catalogue) -> None:
    rule = demo.rules[0].rule
    found = [specificity(s, rule) for s in ("ALL", "demo", "TST", "TST0", "TST001")]
    scores = [s for s in found if s is not None]
    assert len(scores) == 5 and scores == sorted(scores)
    assert specificity("STY", rule) is None
    assert specificity("tst-001", rule) is None


def test_a_selector_that_names_no_rule_is_an_error(demo: Catalogue) -> None:
    with pytest.raises(UsageError) as error:
        check_selectors(Selection(select=("TST001", "TSX")), demo.rules)
    assert "'TSX' names no rule" in str(error.value)
    assert error.value.source == "select"
    with pytest.raises(UsageError, match="per-path-ignores"):
        check_selectors(Selection(per_path_ignores=(("*.c", ("nope",)),)), demo.rules)
    with pytest.raises(UsageError, match="severity"):
        check_selectors(Selection(severity=(("XYZ999", "error"),)), demo.rules)
    # a rule that exists but failed to load is not a typo
    check_selectors(Selection(ignore=("ABC123",)), demo.rules, known=["ABC123"])
    check_selectors(Selection(select=("ALL",)), demo.rules)


def _finding(code: str, name: str, path: str | None, severity: Severity) -> Finding:
    return Finding(code, name, severity, "m", Location(patch=1, path=path, line=3), "fp" + code)


def test_per_path_ignores_drop_findings(demo: Catalogue) -> None:
    findings = [
        _finding("TST001", "todo-comment", "xen/arch/arm/vpsci.c", Severity.WARNING),
        _finding("TST001", "todo-comment", "xen/common/domain.c", Severity.WARNING),
        _finding("TST003", "short-commit-body", None, Severity.NOTE),
    ]
    selection = Selection(per_path_ignores=(("xen/arch/arm/*", ("TST001",)),))
    kept = apply_policy(findings, demo.rules, selection)
    assert [f.location.path for f in kept] == ["xen/common/domain.c", None]
    by_family = Selection(per_path_ignores=(("xen/*", ("demo",)),))
    assert [f.code for f in apply_policy(findings, demo.rules, by_family)] == ["TST003"]


def test_severity_overrides_most_specific_wins(demo: Catalogue) -> None:
    findings = [
        _finding("TST001", "todo-comment", "a.c", Severity.WARNING),
        _finding("TST003", "short-commit-body", None, Severity.NOTE),
    ]
    selection = Selection(severity=(("TST001", "note"), ("TST", "error")))
    out = apply_policy(findings, demo.rules, selection)
    assert [f.severity for f in out] == [Severity.NOTE, Severity.ERROR]


def test_fail_on_thresholds() -> None:
    assert at_or_above(Severity.ERROR, "warning")
    assert at_or_above(Severity.WARNING, "warning")
    assert not at_or_above(Severity.NOTE, "warning")
    assert at_or_above(Severity.NOTE, "note")
    assert not at_or_above(Severity.WARNING, "error")
    assert not at_or_above(Severity.ERROR, "never")
    warn = _finding("TST001", "todo-comment", "a.c", Severity.WARNING)
    suppressed = replace(warn, suppressed="baseline")
    assert failing([warn, suppressed], "warning") == [warn]
    assert failing([warn], "error") == []


def _config(tmp_path: Path, text: str) -> Settings:
    (tmp_path / ".xenreview.toml").write_text(text)
    return load_settings(tmp_path)


def test_config_keys(tmp_path: Path) -> None:
    settings = _config(
        tmp_path,
        'select = ["STY", "MSG001"]\nignore = ["STY008"]\npreview = true\nfail-on = "error"\n'
        '[per-path-ignores]\n"xen/include/public/*" = ["STY"]\n'
        '[severity]\nSTY007 = "error"\n',
    )
    assert settings.select == ("STY", "MSG001")
    assert settings.ignore == ("STY008",)
    assert settings.preview is True
    assert settings.fail_on == "error"
    assert settings.per_path_ignores == (("xen/include/public/*", ("STY",)),)
    assert settings.severity == (("STY007", "error"),)
    assert Selection.from_settings(settings).select == ("STY", "MSG001")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('select = "STY"\n', "'select' must be a list"),
        ("ignore = [1]\n", "'ignore' must be a list"),
        ('preview = "yes"\n', "'preview' must be true or false"),
        ('fail-on = "always"\n', "'fail-on' must be one of error, warning, note, never"),
        ('per-path-ignores = ["x"]\n', "'per-path-ignores' must be a table"),
        ('[per-path-ignores]\n"*.h" = "STY"\n', "'per-path-ignores.*.h' must be a list"),
        ('[severity]\nSTY001 = "fatal"\n', "'severity.STY001' must be one of error, warning"),
        ('severity = "error"\n', "'severity' must be a table"),
        ("selects = []\n", "unknown key 'selects'"),
    ],
)
def test_config_errors_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        _config(tmp_path, text)
    assert message in str(error.value)
    assert str(tmp_path / ".xenreview.toml") in str(error.value)
