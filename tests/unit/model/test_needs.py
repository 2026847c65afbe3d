"""The facts each property declares it needs: varying any other fact keeps its verdict.

This is what lets check_suspend decide a property while a fact it does not
need is unknown (replaced by a placeholder).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from tests.unit.model.fixtures.suspend_facts import v1_like, v2_like
from xenreview.model import (
    DEADLOCK,
    PROPERTIES,
    Fact,
    HwdomSuspend,
    Mechanism,
    Op,
    SuspendConfig,
    SuspendFacts,
    Trigger,
    WakeAction,
    check_suspend,
    needed_facts,
)


def alternatives(base: SuspendFacts) -> Iterator[tuple[str, list[Fact[object]]]]:
    steps = base.suspend_steps.get()
    resume = base.resume_path.get()
    errors = base.error_paths.get()
    yield "hwdom_suspend", [Fact(v) for v in HwdomSuspend]
    yield "hwdom_shutdown_halts", [Fact(True), Fact(False)]
    yield "trigger", [Fact(v) for v in Trigger]
    yield "mechanism", [Fact(v) for v in Mechanism]
    yield "suspend_cpu", [Fact(0), Fact(None), Fact(1)]
    yield (
        "suspend_steps",
        [
            Fact(steps),
            Fact(steps[:-1]),
            Fact(tuple(op for op in steps if op is not Op.GIC_SUSPEND)),
            Fact((Op.CHECK_PARKED, *steps)),
        ],
    )
    yield "resume_path", [Fact(resume), Fact(resume[1:]), Fact(tuple(reversed(resume)))]
    yield (
        "error_paths",
        [
            Fact(errors),
            Fact(()),
            Fact(tuple((op, path[1:]) for op, path in errors)),
        ],
    )
    yield "wake_action", [Fact(v) for v in WakeAction]
    yield "offline_check_locked", [Fact(True), Fact(False)]
    yield "irqs_follow_cpu_down", [Fact(True), Fact(False)]


CONFIGS = [
    SuspendConfig(guests=1, pcpus=2),
    SuspendConfig(
        guests=1,
        pcpus=2,
        sibling_vcpus=True,
        wake_irq_cpu=1,
        fail_steps=(Op.IOMMU_SUSPEND, Op.FIRMWARE),
    ),
]


@pytest.mark.parametrize("config", CONFIGS, ids=["plain", "siblings-route-failures"])
@pytest.mark.parametrize("base", [v1_like, v2_like], ids=["v1", "v2"])
def test_verdicts_do_not_depend_on_facts_not_needed(config: SuspendConfig, base: object) -> None:
    facts = base()  # type: ignore[operator]
    names = [spec.name for spec in PROPERTIES] + [DEADLOCK]
    for fact, values in alternatives(facts):
        verdicts = [check_suspend(config, replace(facts, **{fact: v})).verdicts() for v in values]
        for name in names:
            if fact in needed_facts(name, config):
                continue
            seen = {v[name] for v in verdicts}
            assert len(seen) == 1, f"{name} changes with {fact}: {seen}"


def test_the_narrow_declarations() -> None:
    plain = SuspendConfig(guests=1)
    assert needed_facts("hwdom-suspend-never-halts", plain) == (
        "hwdom_suspend",
        "hwdom_shutdown_halts",
    )
    assert needed_facts("suspend-vcpus-offline", plain) == ()
    assert needed_facts("wake-targets-online-pcpu", plain) == ()
    routed = SuspendConfig(guests=1, pcpus=2, wake_irq_cpu=1)
    assert "irqs_follow_cpu_down" in needed_facts("wake-targets-online-pcpu", routed)
    assert "irqs_follow_cpu_down" in needed_facts("backend-before-frontend", routed)
    assert "irqs_follow_cpu_down" not in needed_facts("backend-before-frontend", plain)
    with pytest.raises(KeyError):
        needed_facts("nope", plain)
