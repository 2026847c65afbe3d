"""The Promela export: the same model, checked by SPIN, gives the same verdicts and counts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.unit.model.fixtures.suspend_facts import v1_like, v2_like
from xenreview.model import Fact, Op, SuspendConfig, Verdict, build_model, scenario_config
from xenreview.model.promela import (
    SpinUnavailable,
    cross_check,
    emit_promela,
    promela_text,
    run_spin,
    spin_available,
)

needs_spin = pytest.mark.skipif(not spin_available(), reason="spin or cc not installed")
FAST = ("-O0",)  # compile time dominates on these small models


def test_emitted_text_is_deterministic_and_one_d_step_per_action() -> None:
    config = SuspendConfig(guests=2)
    text = emit_promela(config, v1_like())
    assert text == emit_promela(config, v1_like())
    model = build_model(config, v1_like())
    assert text.count(":: d_step {") == len(model.actions) + 1  # + the halted self-loop
    assert "bit guest1_parked = 0;" in text
    assert "byte pc = 0;" in text
    assert "hidden" not in text  # SPIN's breadth-first mode refuses hidden variables
    assert "assert(" in text and "P_backend_before_frontend" in text
    # Only the chosen properties are asserted.
    only = promela_text(model, ["registers-written-by-own-handler"])
    assert "P_registers_written_by_own_handler" in only
    assert "P_backend_before_frontend" not in only


def test_missing_spin_is_a_clean_error() -> None:
    with pytest.raises(SpinUnavailable, match="no-such-spin"):
        run_spin("active proctype p() { skip }", spin="no-such-spin")


CASES = {
    "default-v1": (SuspendConfig(guests=2), v1_like),
    "default-v2": (SuspendConfig(guests=2), v2_like),
    "failures-v2": (scenario_config("failures"), v2_like),
    "unlocked-race": (
        SuspendConfig(guests=1, sibling_vcpus=True),
        lambda: replace(v2_like(), offline_check_locked=Fact(False)),
    ),
    "offline-route": (SuspendConfig(guests=1, pcpus=3, wake_irq_cpu=2), v2_like),
    "broken-ladder": (
        SuspendConfig(guests=1, fail_steps=(Op.CONSOLE_SUSPEND,)),
        lambda: replace(v2_like(), error_paths=Fact(((Op.CONSOLE_SUSPEND, ()),))),
    ),
}


@needs_spin
@pytest.mark.parametrize("case", sorted(CASES))
def test_spin_agrees(case: str) -> None:
    config, facts = CASES[case]
    check = cross_check(config, facts(), cflags=FAST)
    assert check.python.states == check.spin.states
    assert check.agree, check.verdicts
    # Something is at stake in each case: at least one property SPIN checks
    # is violated, except on v2's own configurations.
    violated = {name for name, py, _ in check.verdicts if py is Verdict.VIOLATED}
    if case in ("default-v2", "failures-v2"):
        assert violated == set()
    else:
        assert violated


@needs_spin
def test_spin_finds_the_seed_violation_breadth_first_and_depth_first() -> None:
    text = emit_promela(SuspendConfig(guests=1), v1_like())
    for bfs in (True, False):
        result = run_spin(text, bfs=bfs, cflags=FAST)
        assert "backend-before-frontend" in result.violated
        assert "registers-written-by-own-handler" in result.violated
        assert "suspend-resume-possible" in result.reached
        assert result.states == 45
        assert result.compile_seconds > 0
