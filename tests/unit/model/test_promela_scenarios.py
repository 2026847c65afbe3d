"""SPIN against the Python engine on every scenario, for v1-like and v2-like facts (slow)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.unit.model.fixtures.suspend_facts import v1_like, v2_like
from xenreview.model import SuspendFacts, scenario, scenario_names
from xenreview.model.promela import cross_check, spin_available


@pytest.mark.skipif(not spin_available(), reason="spin or cc not installed")
@pytest.mark.slow
@pytest.mark.parametrize("name", scenario_names())
@pytest.mark.parametrize("facts", [v1_like, v2_like], ids=["v1", "v2"])
def test_spin_agrees_on_every_scenario(name: str, facts: Callable[[], SuspendFacts]) -> None:
    chosen = scenario(name)
    check = cross_check(chosen.config, chosen.facts(facts()), cflags=("-O0",))
    assert check.same_states, (check.python.states, check.spin.states)
    assert check.agree, check.verdicts
