"""Which rules run, and what becomes of their findings: the style guide's half.

The runner finds; this module decides (select/ignore, preview, per-path
ignores, severity overrides); suppressions and the baseline live in
:mod:`~xenreview.rules.suppress` and :mod:`~xenreview.rules.baseline`.

Selectors
    A selector names rules by code (``STY001``), code prefix (``STY``,
    ``STY0``), name (``trailing-whitespace``), family (``style``), or ``ALL``.
    A rule is selected when the most specific selector in ``select`` that
    matches it is more specific than the most specific one in ``ignore``
    (so ``ignore = ["STY"]`` with ``select = ["STY001"]`` keeps STY001, and
    ``select = ["STY"]`` with ``ignore = ["STY001"]`` drops it).  Without
    ``select``, every stable rule is selected.  A selector that matches no
    rule is an error: a typo must not silently turn a rule off.

Preview
    Preview rules run only when selected explicitly (by code or name) or
    with ``preview = true``.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from xenreview.errors import UsageError
from xenreview.ingest.model import Severity
from xenreview.rules.api import Finding, LoadedRule, Rule, Scope, Status
from xenreview.settings import Settings

ALL = "ALL"
_EXACT = 1000  # specificity of a full code or a name
_ORDER = {Severity.NOTE: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True)
class Selection:
    """The selection part of the settings, as plain values."""

    select: tuple[str, ...] | None = None  # None: every stable rule
    ignore: tuple[str, ...] = ()
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    preview: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> Selection:
        return cls(
            select=settings.select,
            ignore=settings.ignore,
            per_path_ignores=settings.per_path_ignores,
            severity=settings.severity,
            preview=settings.preview,
        )


def specificity(selector: str, rule: Rule) -> int | None:
    """How precisely ``selector`` names ``rule`` (higher: more), None if it does not."""
    if selector == ALL:
        return 0
    if selector.upper() == rule.code or selector.lower() == rule.name:
        return _EXACT
    upper = selector.upper()
    if upper.isalnum() and rule.code.startswith(upper):
        return len(upper)
    if selector.lower() == rule.family.lower():
        return 1
    return None


def _best(selectors: Iterable[str], rule: Rule) -> int | None:
    scores = [s for s in (specificity(sel, rule) for sel in selectors) if s is not None]
    return max(scores) if scores else None


def matches(selectors: Iterable[str], rule: Rule) -> bool:
    return _best(selectors, rule) is not None


def unknown_selectors(selectors: Iterable[str], rules: Sequence[LoadedRule]) -> list[str]:
    """The selectors that name no rule of the catalogue."""
    return [
        sel
        for sel in selectors
        if sel != ALL and not any(specificity(sel, r.rule) is not None for r in rules)
    ]


def check_selectors(
    selection: Selection, rules: Sequence[LoadedRule], known: Iterable[str] = ()
) -> None:
    """Raise a :class:`UsageError` for a selector that matches no rule.

    ``known`` are codes of rules that exist but failed to load (already
    reported as tool errors): naming them is not a typo.
    """
    known_codes = {k.upper() for k in known}
    places: list[tuple[str, Iterable[str]]] = [
        ("select", selection.select or ()),
        ("ignore", selection.ignore),
        ("per-path-ignores", [c for _, codes in selection.per_path_ignores for c in codes]),
        ("severity", [s for s, _ in selection.severity]),
    ]
    for key, selectors in places:
        for sel in unknown_selectors(selectors, rules):
            if sel.upper() in known_codes:
                continue
            raise UsageError(
                f"'{sel}' names no rule (give a code, a code prefix, a rule name or a family)",
                source=key,
            )


def is_selected(rule: Rule, selection: Selection) -> bool:
    chosen = 0 if selection.select is None else _best(selection.select, rule)
    if chosen is None:
        return False
    if rule.status is Status.PREVIEW and not selection.preview and chosen < _EXACT:
        return False  # preview rules need an explicit code or name, or preview = true
    dropped = _best(selection.ignore, rule)
    return dropped is None or chosen > dropped


def select_rules(rules: Sequence[LoadedRule], selection: Selection) -> tuple[LoadedRule, ...]:
    """The rules to run, in catalogue order."""
    return tuple(loaded for loaded in rules if is_selected(loaded.rule, selection))


def _rule_of(finding: Finding, rules: dict[str, Rule]) -> Rule:
    rule = rules.get(finding.code)
    if rule is None:  # a finding of a rule not in the list: judge it by its own fields
        rule = Rule(finding.code, finding.name, "", Scope.PATCH, finding.severity)
    return rule


def path_ignored(finding: Finding, rule: Rule, selection: Selection) -> bool:
    path = finding.location.path
    if path is None:
        return False
    return any(
        fnmatch.fnmatchcase(path, pattern) and matches(codes, rule)
        for pattern, codes in selection.per_path_ignores
    )


def severity_for(rule: Rule, selection: Selection) -> Severity | None:
    """The overridden severity of ``rule`` (most specific selector wins), else None."""
    best: tuple[int, Severity] | None = None
    for sel, level in selection.severity:
        score = specificity(sel, rule)
        if score is not None and (best is None or score >= best[0]):
            best = (score, Severity(level))
    return None if best is None else best[1]


def apply_policy(
    findings: Sequence[Finding], rules: Sequence[LoadedRule], selection: Selection
) -> tuple[Finding, ...]:
    """Per-path ignores (the finding is dropped) and severity overrides."""
    by_code = {loaded.rule.code: loaded.rule for loaded in rules}
    out: list[Finding] = []
    for finding in findings:
        rule = _rule_of(finding, by_code)
        if path_ignored(finding, rule, selection):
            continue
        level = severity_for(rule, selection)
        if level is not None and level is not finding.severity:
            finding = replace(finding, severity=level)
        out.append(finding)
    return tuple(out)


def at_or_above(severity: Severity, threshold: str) -> bool:
    """Whether ``severity`` reaches ``--fail-on threshold`` (``never``: nothing does)."""
    if threshold == "never":
        return False
    return _ORDER[severity] >= _ORDER[Severity(threshold)]


def failing(findings: Iterable[Finding], threshold: str) -> list[Finding]:
    """The unsuppressed findings at or above ``threshold``."""
    return [f for f in findings if f.suppressed is None and at_or_above(f.severity, threshold)]


def parse_selectors(values: Iterable[str] | None) -> tuple[str, ...] | None:
    """``--select A,B --select C`` as ``("A", "B", "C")``; None when not given."""
    if not values:
        return None
    out = tuple(item.strip() for value in values for item in value.split(",") if item.strip())
    if not out:
        raise UsageError("--select and --ignore need rule codes, prefixes, names or families")
    return out
