"""One test per configuration of SUSPEND-MODEL.md ("Configurations worth checking" 1-6)."""

from __future__ import annotations

import pytest

from tests.unit.model.fixtures.suspend_facts import v1_like, v2_like
from xenreview.errors import ConfigError
from xenreview.model import (
    DEADLOCK,
    SCENARIOS,
    Verdict,
    WakeAction,
    run_scenario,
    scenario,
    scenario_config,
    scenario_names,
)
from xenreview.model.checker import CheckResult
from xenreview.model.facts import Fact, Op

V1_SEED_BAD = {
    "backend-before-frontend",
    "requests-served",
    "registers-written-by-own-handler",
    "control-domain-can-run",
    "domains-run-again",
    "io-after-resume",
    DEADLOCK,
}


def bad(result: CheckResult) -> set[str]:
    return {r.name for r in result.results if r.verdict is not Verdict.HOLDS}


def both(name: str, facts_name: str) -> CheckResult:
    facts = v1_like() if facts_name == "v1" else v2_like()
    with_sym = run_scenario(name, facts)
    without = run_scenario(name, facts, symmetry=False)
    assert with_sym.verdicts() == without.verdicts()
    return with_sym


def test_scenario_names_and_numbers() -> None:
    assert scenario_names() == (
        "default",
        "seed",
        "x86-freeze-thaw",
        "split-driver-domain",
        "failures",
        "vcpu-race",
        "two-control-domains",
    )
    assert [s.number for s in SCENARIOS] == [None, 1, 2, 3, 4, 5, 6]
    with pytest.raises(ConfigError, match="no scenario 'nope'; known: default, seed"):
        scenario("nope")


def test_overrides_are_validated() -> None:
    assert scenario_config("seed", guests=3, pcpus=4).guests == 3
    with pytest.raises(ConfigError):
        scenario_config("seed", guests=12)


def test_1_seed() -> None:
    v1 = both("seed", "v1")
    assert bad(v1) == V1_SEED_BAD
    assert v1.states == 45
    v2 = both("seed", "v2")
    assert bad(v2) == set()
    assert v2.states == 47


def test_2_x86_freeze_thaw_holds_whatever_the_tree() -> None:
    # The x86 design replaces the tree's facts: Dom0 is never parked.
    for facts_name in ("v1", "v2"):
        result = both("x86-freeze-thaw", facts_name)
        assert bad(result) == set()
        assert result.states == 90
        trace = result.result("suspend-resume-possible").trace
        assert trace[0].action == "asks Xen to suspend the host (platform hypercall)"


def test_3_split_control_with_driver_domain() -> None:
    assert bad(both("split-driver-domain", "v1")) == V1_SEED_BAD
    v2 = both("split-driver-domain", "v2")
    # v2 resumes the hardware domain, not the driver domain holding the backend;
    # and nobody resumes the separate control domain.
    assert bad(v2) == {
        "backend-before-frontend",
        "requests-served",
        "control-domain-can-run",
        "domains-run-again",
        "io-after-resume",
        DEADLOCK,
    }
    trace = v2.result("backend-before-frontend").trace
    assert trace[-1].action == "resumes Dom0 if suspended, then guest1"
    assert "driver domain (backends) suspended" in v2.result("backend-before-frontend").final


def test_3_resuming_the_backends_first_fixes_the_order() -> None:
    from dataclasses import replace

    facts = v2_like()
    path = tuple(
        Op.RESUME_BACKENDS if op is Op.RESUME_HWDOM else op for op in facts.resume_path.get()
    )
    fixed = replace(
        facts,
        wake_action=Fact(WakeAction.RESUME_BACKENDS_FIRST),
        resume_path=Fact(path),
    )
    result = run_scenario("split-driver-domain", fixed)
    assert "backend-before-frontend" not in bad(result)
    assert "control-domain-can-run" in bad(result)


def test_4_failures_at_each_step() -> None:
    v1 = both("failures", "v1")
    assert bad(v1) == V1_SEED_BAD
    v2 = both("failures", "v2")
    assert bad(v2) == set()
    assert (v1.states, v2.states) == (109, 135)
    # Every failable step's failure is explored (a witness for one of them).
    witness = [s.action for s in v2.result("io-after-resume").trace]
    assert "call_psci_system_suspend(): the host sleeps" in witness


def test_5_vcpu_race() -> None:
    assert bad(both("vcpu-race", "v1")) == V1_SEED_BAD - {DEADLOCK}
    v2 = both("vcpu-race", "v2")
    assert bad(v2) == set()
    assert v2.states == 63


def test_6_two_control_domains() -> None:
    v1 = both("two-control-domains", "v1")
    assert bad(v1) == V1_SEED_BAD - {"io-after-resume"}
    v2 = both("two-control-domains", "v2")
    assert bad(v2) == set()
    assert (v1.states, v2.states) == (1012, 512)


def test_6_a_careless_toolstack_resumes_a_guest_under_a_suspended_dom0() -> None:
    from dataclasses import replace

    from xenreview.model import check_suspend

    config = replace(scenario_config("two-control-domains"), careful_toolstack=False)
    result = check_suspend(config, v2_like())
    assert bad(result) == {"backend-before-frontend"}
    assert result.result("backend-before-frontend").trace[-1].action == "xl resume guest1"
