"""The headline rules on the bundled suspend series: v1 (the seed's defect) and v2 (fixed)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from xenreview.apply import apply_series
from xenreview.ingest import ingest
from xenreview.rules.api import Finding, LoadedRule
from xenreview.rules.runner import facts_source, run_on_tree
from xenreview.rules.testing import FixtureRunner, minitree_findings
from xenreview.settings import Settings

from .helpers import V1, V2, arm_rules

RULES = arm_rules()
BY_CODE = {r.rule.code: r for r in RULES}


@pytest.fixture(scope="module")
def runner() -> Iterator[FixtureRunner]:
    with FixtureRunner() as shared:
        yield shared


@pytest.fixture(scope="module")
def v1_findings(runner: FixtureRunner) -> list[Finding]:
    result = runner.run(V1, RULES, apply=True)
    assert not result.errors, result.errors
    return list(result.findings)


@pytest.fixture(scope="module")
def v2_findings(runner: FixtureRunner) -> list[Finding]:
    result = runner.run(V2, RULES, apply=True)
    assert not result.errors, result.errors
    return list(result.findings)


def _only(findings: list[Finding], code: str) -> Finding:
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, [f.message for f in found]
    return found[0]


def test_the_catalogue_has_the_arm_family() -> None:
    assert {"ARM001", "ARM002", "ARM003"} <= set(BY_CODE)
    assert len(RULES) >= 13
    assert BY_CODE["ARM001"].rule.name == "pv-backend-wakeup"
    assert BY_CODE["ARM002"].rule.name == "hypercall-continuation-outside-hypercall"
    assert BY_CODE["ARM003"].rule.name == "guest-reachable-bug-on"


def test_pv_backend_wakeup_fires_on_v1_patch_5_at_the_continuation(
    v1_findings: list[Finding],
) -> None:
    finding = _only(v1_findings, "ARM001")
    assert finding.name == "pv-backend-wakeup"
    assert finding.location.patch == 5
    assert finding.location.path == "xen/arch/arm/suspend.c"
    assert finding.excerpt is not None
    assert "continue_hypercall_on_cpu(0, system_suspend, NULL)" in finding.excerpt
    assert finding.location.message_id is not None
    assert "resume path lets guests run before the hardware domain" in finding.message
    assert "Dom0" in finding.message and "backends" in finding.message


def test_pv_backend_wakeup_points_at_the_resume_code(v1_findings: list[Finding]) -> None:
    finding = _only(v1_findings, "ARM001")
    places = {(r.location.path, r.excerpt) for r in finding.related}
    assert ("xen/arch/arm/suspend.c", "resume_suspended_domain(d);") in places
    messages = " ".join(r.message for r in finding.related)
    assert "domain_resume_tasklet()" in messages
    assert "do_IRQ()" in messages  # the wake-up comes from a device interrupt
    assert "system_suspend() returns without resuming the hardware domain" in messages
    assert all(r.location.patch == 5 for r in finding.related)


def test_continuation_rule_fires_on_v1_patch_5_at_the_same_line(
    v1_findings: list[Finding],
) -> None:
    headline = _only(v1_findings, "ARM001")
    finding = _only(v1_findings, "ARM002")
    assert finding.location.patch == 5
    assert finding.location.line == headline.location.line
    assert "not a hypercall" in finding.message
    assert "do_vpsci_0_2_call()" in finding.message
    assert "only says whether the continuation was scheduled" in finding.message
    related = " ".join(r.message for r in finding.related)
    assert "arch_hypercall_tasklet_result()" in related
    assert any(r.excerpt == "if ( status )" for r in finding.related)


def test_v1_gives_only_the_two_headline_findings(v1_findings: list[Finding]) -> None:
    assert sorted(f.code for f in v1_findings) == ["ARM001", "ARM002"]


def test_no_arm_rule_fires_on_v2(v2_findings: list[Finding]) -> None:
    assert v2_findings == []


def test_no_arm_rule_fires_on_the_mini_tree() -> None:
    result = minitree_findings(RULES)
    assert not result.errors, result.errors
    assert result.findings == ()


def test_the_headline_fingerprint_survives_the_later_patches(runner: FixtureRunner) -> None:
    """The finding of patch 5 is the same finding on every later tree: reported once."""
    (series,) = ingest([str(V1)], Settings()).series
    rule: LoadedRule = BY_CODE["ARM001"]
    prints = set()
    with apply_series(series) as applied:
        facts_for = facts_source(applied, runner.fact_cache)
        for after in (4, 5, 6, 12, 18):
            patch = series.patches[after - 1]
            result = run_on_tree([rule], series, applied, after, patch=patch, facts_for=facts_for)
            assert not result.errors
            if after == 4:
                assert result.findings == ()
                continue
            (finding,) = result.findings
            prints.add(finding.fingerprint)
            if after >= 6:
                # the thaw added by patch 6 joins the related places
                assert any("thaw_domains()" in r.message for r in finding.related)
    assert len(prints) == 1
