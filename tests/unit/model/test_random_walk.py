"""Random walks of the model (hypothesis, stateful) stay inside what the checker explored.

Each walk starts in the initial state and takes enabled actions chosen by
hypothesis.  Every state it reaches must be in the checker's visited set
(without symmetry), and its representative in the visited set with
symmetry; the fast successor function must agree with actions/next_state;
and on v2-like facts, where every invariant holds, no walk may break one.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tests.unit.model.fixtures.suspend_facts import v1_like, v2_like
from xenreview.model import Fact, Kind, Op, SuspendConfig, SuspendModel, build_model
from xenreview.model.checker import reachable

CASES: dict[str, tuple[SuspendConfig, bool]] = {
    "v1-default": (SuspendConfig(guests=3, pcpus=2), False),
    "v2-default": (SuspendConfig(guests=3, pcpus=2), True),
    "v2-failures": (
        SuspendConfig(guests=2, pcpus=3, fail_steps=(Op.IOMMU_SUSPEND, Op.FIRMWARE)),
        True,
    ),
    "v2-unlocked-siblings": (SuspendConfig(guests=2, sibling_vcpus=True), False),
    "v2-two-controls": (
        SuspendConfig(guests=2, second_control=True, waking_guests=1, waking_domains=("dom0",)),
        True,
    ),
}


@cache
def explored(case: str) -> tuple[SuspendModel, frozenset[int], frozenset[int]]:
    config, _ = CASES[case]
    facts = v2_like() if case.startswith("v2") else v1_like()
    if case == "v2-unlocked-siblings":
        facts = replace(facts, offline_check_locked=Fact(False))
    plain = frozenset(reachable(build_model(config, facts).engine, symmetry=False))
    canon = frozenset(reachable(build_model(config, facts).engine, symmetry=True))
    return build_model(config, facts), plain, canon


class Walk(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.case = "v1-default"
        self.state = 0

    @initialize(case=st.sampled_from(sorted(CASES)))
    def start(self, case: str) -> None:
        self.case = case
        model, _, _ = explored(case)
        self.state = model.engine.init_states()[0]

    @rule(choice=st.integers(min_value=0, max_value=10_000))
    def step(self, choice: int) -> None:
        model, plain, canon = explored(self.case)
        engine = model.engine
        actions = engine.actions(self.state)
        if not actions:
            return
        after = engine.next_state(self.state, actions[choice % len(actions)])
        assert after in plain, "a walk reached a state the checker did not find"
        assert engine.canonical(after) in canon
        self.state = after

    @invariant()
    def successors_agree(self) -> None:
        model, _, _ = explored(self.case)
        engine = model.engine
        expected = [engine.next_state(self.state, a) for a in engine.actions(self.state)]
        assert engine.successors(self.state) == expected

    @invariant()
    def invariants_hold_where_the_checker_says_so(self) -> None:
        model, _, _ = explored(self.case)
        if not CASES[self.case][1]:
            return
        for prop in model.properties():
            if prop.kind is Kind.ALWAYS:
                assert prop.predicate(self.state), prop.name


TestWalk = Walk.TestCase
TestWalk.settings = settings(max_examples=60, stateful_step_count=80, deadline=None)


def test_walks_find_nothing_new_exhaustively_on_a_small_model() -> None:
    # Every state is reached by a walk of the visited graph: the explored set
    # is closed under the actions (no state outside it is one step away).
    model, plain, _ = explored("v2-failures")
    engine = model.engine
    for state in plain:
        for action in engine.actions(state):
            assert engine.next_state(state, action) in plain
