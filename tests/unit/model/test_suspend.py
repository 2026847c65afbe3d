"""The suspend model: the seed's counterexample on v1, v2 holding, and each property's failure."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.unit.model.fixtures.suspend_facts import SUSPEND_C, v1_like, v2_like
from xenreview.errors import ConfigError, InternalError
from xenreview.model import (
    DEADLOCK,
    PROPERTIES,
    Bounds,
    Fact,
    FactRef,
    HwdomSuspend,
    Mechanism,
    Op,
    SuspendConfig,
    SuspendFacts,
    Verdict,
    WakeAction,
    build_model,
    check_suspend,
)
from xenreview.model.checker import reachable
from xenreview.model.facts import op_for_call
from xenreview.model.report import format_result, result_data

ALL = [spec.name for spec in PROPERTIES] + [DEADLOCK]

HOST_SUSPEND = [
    ("Xen on pCPU 0", "system_suspend() starts"),
    ("Xen on pCPU 0", "system_state = SYS_STATE_suspend"),
    ("Xen on pCPU 0", "freeze_domains()"),
    ("Xen on pCPU 0", "scheduler_disable()"),
    ("Xen on pCPU 0", "disable_nonboot_cpus()"),
    ("Xen on pCPU 0", "time_suspend()"),
    ("Xen on pCPU 0", "iommu_suspend()"),
    ("Xen on pCPU 0", "console_suspend()"),
    ("Xen on pCPU 0", "local_irq_save()"),
    ("Xen on pCPU 0", "gic_suspend()"),
    ("Xen on pCPU 0", "prepare_resume_ctx()"),
    ("Xen on pCPU 0", "call_psci_system_suspend(): the host sleeps"),
]
HOST_RESUME = [
    ("Xen on pCPU 0", "hyp_resume(): the firmware re-enters Xen"),
    ("Xen on pCPU 0", "gic_resume()"),
    ("Xen on pCPU 0", "local_irq_restore()"),
    ("Xen on pCPU 0", "console_resume()"),
    ("Xen on pCPU 0", "iommu_resume()"),
    ("Xen on pCPU 0", "time_resume()"),
    ("Xen on pCPU 0", "rcu_barrier()"),
    ("Xen on pCPU 0", "enable_nonboot_cpus()"),
    ("Xen on pCPU 0", "scheduler_enable()"),
    ("Xen on pCPU 0", "thaw_domains()"),
    ("Xen on pCPU 0", "system_state = SYS_STATE_active"),
]
PARK = "SYSTEM_SUSPEND (virtual PSCI): parked in SHUTDOWN_suspend"
SEED_V1 = [
    ("guest1", PARK),
    ("Dom0", f"{PARK}; host suspend via continue_hypercall_on_cpu()"),
    *HOST_SUSPEND,
    ("environment", "device interrupt for guest1 wakes the host"),
    *HOST_RESUME,
    ("Xen (resume tasklet)", "resumes guest1"),
]


def steps(trace: object) -> list[tuple[str, str]]:
    return [(step.actor, step.action) for step in trace]  # type: ignore[attr-defined]


def bad(result: object) -> set[str]:
    return {r.name for r in result.results if r.verdict is not Verdict.HOLDS}  # type: ignore[attr-defined]


# --------------------------------------------------------------------------
# The seed: v1 breaks backend-before-frontend, v2 holds everything


def test_v1_backend_before_frontend_shortest_counterexample() -> None:
    result = check_suspend(SuspendConfig(guests=1, scenario="seed"), v1_like())
    res = result.result("backend-before-frontend")
    assert res.verdict is Verdict.VIOLATED
    assert steps(res.trace) == SEED_V1
    assert res.final == (
        "host active; Dom0 (hardware, control, backends, xenstored) suspended; guest1 running; "
        "a continuation overwrote x0"
    )
    # Each step is tied to the fact that enabled it.
    trigger = res.trace[1]
    assert trigger.fact is not None
    assert (trigger.fact.path, trigger.fact.line) == (SUSPEND_C, 267)
    assert "continue_hypercall_on_cpu" in trigger.fact.text
    assert "system_suspend() scheduled on pCPU 0" in trigger.changes
    assert res.trace[-1].changes == ("guest1 resumed",)


def test_v1_request_never_served() -> None:
    res = check_suspend(SuspendConfig(guests=1), v1_like()).result("requests-served")
    assert res.verdict is Verdict.VIOLATED
    assert steps(res.trace) == [*SEED_V1, ("guest1", "sends a block request")]
    assert res.reason == "from the last state on, the block request is never served"
    assert "Dom0 (hardware, control, backends, xenstored) suspended" in res.final
    assert "guest1 running with a block request outstanding" in res.final


def test_v1_continuation_writes_dom0_x0() -> None:
    res = check_suspend(SuspendConfig(guests=1), v1_like()).result(
        "registers-written-by-own-handler"
    )
    assert res.verdict is Verdict.VIOLATED
    assert steps(res.trace) == SEED_V1[:-1]
    assert any("x0" in change for change in res.trace[-1].changes)


def test_v1_default_scenario_two_guests() -> None:
    result = check_suspend(SuspendConfig(guests=2), v1_like())
    assert bad(result) == {
        "backend-before-frontend",
        "requests-served",
        "registers-written-by-own-handler",
        "control-domain-can-run",
        "domains-run-again",
        "io-after-resume",
        DEADLOCK,
    }
    trace = steps(result.result("backend-before-frontend").trace)
    assert trace[:3] == [
        ("guest1", PARK),
        ("guest2", PARK),
        ("Dom0", f"{PARK}; host suspend via continue_hypercall_on_cpu()"),
    ]
    assert trace[-1] == ("Xen (resume tasklet)", "resumes guest1")
    assert len(trace) == 28
    # Dom0 never runs again: found as soon as Dom0 parks.
    assert len(result.result("domains-run-again").trace) == 3


@pytest.mark.parametrize("guests", [1, 2, 3])
@pytest.mark.parametrize("symmetry", [True, False])
def test_v2_every_property_holds(guests: int, symmetry: bool) -> None:
    result = check_suspend(SuspendConfig(guests=guests), v2_like(), symmetry=symmetry)
    assert result.complete
    assert bad(result) == set()
    # The vacuity checks have witnesses.
    witness = steps(result.result("io-after-resume").trace)
    assert ("environment", "device interrupt for guest1 wakes the host") in witness
    assert witness[-1][1] == "sends a block request"


# --------------------------------------------------------------------------
# Pinned state counts


@pytest.mark.parametrize(
    ("guests", "v1_sym", "v1_plain", "v2_sym", "v2_plain"),
    [
        (1, 45, 45, 47, 47),
        (2, 81, 117, 84, 121),
        (3, 125, 309, 129, 317),
        (4, 179, 885, 184, 901),
    ],
)
def test_pinned_state_counts(
    guests: int, v1_sym: int, v1_plain: int, v2_sym: int, v2_plain: int
) -> None:
    config = SuspendConfig(guests=guests, pcpus=2)
    got = (
        check_suspend(config, v1_like()).states,
        check_suspend(config, v1_like(), symmetry=False).states,
        check_suspend(config, v2_like()).states,
        check_suspend(config, v2_like(), symmetry=False).states,
    )
    assert got == (v1_sym, v1_plain, v2_sym, v2_plain)


def test_symmetry_orbits_add_up_to_the_plain_count() -> None:
    # Every canonical state stands for the distinct permutations of its guest
    # slots: their number, summed, is the count without symmetry.
    from math import factorial

    config = SuspendConfig(guests=3, pcpus=2)
    model = build_model(config, v2_like())
    canon = reachable(model.engine, symmetry=True)
    width = model.layout.slot_width
    orbit_total = 0
    for state in canon:
        slots = [(state >> (g * width)) & ((1 << width) - 1) for g in range(3)]
        count = factorial(3)
        for value in set(slots):
            count //= factorial(slots.count(value))
        orbit_total += count
    assert orbit_total == len(reachable(build_model(config, v2_like()).engine, symmetry=False))


def test_default_scenario_is_fast() -> None:
    result = check_suspend(SuspendConfig(guests=2, pcpus=2), v2_like())
    assert result.seconds < 0.5


# --------------------------------------------------------------------------
# Each property can fail (the checks are not vacuous)


def _v2(**changes: object) -> SuspendFacts:
    return replace(v2_like(), **changes)  # type: ignore[arg-type]


def test_unlocked_vcpu_check_lets_a_sibling_come_online() -> None:
    config = SuspendConfig(guests=1, sibling_vcpus=True)
    assert bad(check_suspend(config, v2_like())) == set()
    result = check_suspend(config, _v2(offline_check_locked=Fact(False)))
    assert bad(result) == {"suspend-vcpus-offline"}
    trace = steps(result.result("suspend-vcpus-offline").trace)
    assert trace[0][1] == "SYSTEM_SUSPEND: other vCPUs found offline (no lock)"
    assert trace[1] == ("toolstack in Dom0", "xl vcpu-set: guest1's vCPU1 online")
    assert trace[2][1] == "SYSTEM_SUSPEND: parked in SHUTDOWN_suspend"


def test_wake_interrupt_routed_to_an_offline_pcpu() -> None:
    config = SuspendConfig(guests=1, pcpus=2, wake_irq_cpu=1)
    result = check_suspend(config, v2_like())  # v2-like: no interrupt migration
    assert {"wake-targets-online-pcpu", "wake-resumes-host", "host-suspend-ends"} <= bad(result)
    lost = result.result("wake-resumes-host").trace[-1]
    assert lost.action == "device interrupt for guest1 goes to offline pCPU 1"
    assert bad(check_suspend(config, _v2(irqs_follow_cpu_down=Fact(True)))) == set()


def test_error_ladder_that_forgets_a_step() -> None:
    errors = dict(v2_like().error_paths.get())
    errors[Op.IOMMU_SUSPEND] = errors[Op.IOMMU_SUSPEND][1:]  # no time_resume()
    facts = _v2(error_paths=Fact(tuple(errors.items())))
    config = SuspendConfig(guests=1, fail_steps=(Op.IOMMU_SUSPEND,))
    result = check_suspend(config, facts)
    assert bad(result) == {"resume-undoes-completed-steps"}
    trace = steps(result.result("resume-undoes-completed-steps").trace)
    assert ("Xen on pCPU 0", "iommu_suspend() fails") in trace
    # Caught at the first undo that is not of the last step done (the timer's).
    assert trace[-1] == ("Xen on pCPU 0", "enable_nonboot_cpus()")
    # The exact ladder is fine with the same failure.
    assert bad(check_suspend(config, v2_like())) == set()


def test_error_ladder_out_of_order() -> None:
    resume = list(v2_like().resume_path.get())
    i, j = resume.index(Op.CONSOLE_RESUME), resume.index(Op.IOMMU_RESUME)
    resume[i], resume[j] = resume[j], resume[i]
    result = check_suspend(SuspendConfig(guests=1), _v2(resume_path=Fact(tuple(resume))))
    assert "resume-undoes-completed-steps" in bad(result)
    trace = result.result("resume-undoes-completed-steps").trace
    assert trace[-1].action == "iommu_resume()"


def test_direct_call_may_run_the_firmware_call_off_pcpu0() -> None:
    result = check_suspend(SuspendConfig(guests=1, pcpus=2), _v2(mechanism=Fact(Mechanism.DIRECT)))
    assert bad(result) == {"firmware-preconditions"}
    trace = result.result("firmware-preconditions").trace
    assert trace[1].action.endswith("(the calling vCPU runs on pCPU 1)")
    assert trace[-1].actor == "Xen on pCPU 1"


def test_missing_save_step_breaks_firmware_preconditions() -> None:
    steps_ = tuple(op for op in v2_like().suspend_steps.get() if op is not Op.GIC_SUSPEND)
    result = check_suspend(SuspendConfig(guests=1), _v2(suspend_steps=Fact(steps_)))
    assert "firmware-preconditions" in bad(result)
    # gic_resume() now undoes a step never done.
    assert "resume-undoes-completed-steps" in bad(result)


def test_hwdom_shutdown_halts() -> None:
    ref = FactRef("xen/common/domain.c", 347, "if ( is_hardware_domain(d) )")
    result = check_suspend(SuspendConfig(guests=1), _v2(hwdom_shutdown_halts=Fact(True, ref)))
    assert {"hwdom-suspend-never-halts", "suspend-resume-possible"} <= bad(result)
    assert DEADLOCK not in bad(result)  # a halted host is an accepted end
    last = result.result("hwdom-suspend-never-halts").trace[-1]
    assert last.action == "SYSTEM_SUSPEND: domain_shutdown() calls hwdom_shutdown()"
    assert last.fact == ref


def test_refused_hwdom_suspend_is_caught_as_vacuous() -> None:
    result = check_suspend(SuspendConfig(guests=1), _v2(hwdom_suspend=Fact(HwdomSuspend.REFUSED)))
    assert bad(result) == {"suspend-resume-possible", "io-after-resume"}
    assert "impossible" in result.result("suspend-resume-possible").reason


@pytest.mark.parametrize(
    ("wake", "expected"),
    [
        (WakeAction.RESUME_DOMAIN, set()),
        (WakeAction.UNBLOCK_ONLY, set()),
        (WakeAction.RESUME_BACKENDS_FIRST, set()),
    ],
)
def test_other_wake_actions_with_v2_resume_path(wake: WakeAction, expected: set[str]) -> None:
    # With Dom0 resumed before the thaw, the wake-up action alone does not break the order.
    assert bad(check_suspend(SuspendConfig(guests=2), _v2(wake_action=Fact(wake)))) == expected


def test_v1_resume_path_with_v2_wake_action_still_breaks() -> None:
    # v2's tasklet fix alone is not enough: after the thaw, Dom0 stays suspended
    # unless a guest's own interrupt comes after the host is active.
    facts = replace(v1_like(), wake_action=v2_like().wake_action)
    result = check_suspend(SuspendConfig(guests=1), facts)
    assert "control-domain-can-run" in bad(result)
    assert "backend-before-frontend" not in bad(result)


# --------------------------------------------------------------------------
# Unknown facts: never guessed


def test_unknown_fact_makes_the_properties_needing_it_unknown() -> None:
    result = check_suspend(SuspendConfig(guests=1), _v2(wake_action=Fact.unknown("not found")))
    unknown = {r.name: r.reason for r in result.results if r.verdict is Verdict.UNKNOWN}
    assert unknown["backend-before-frontend"] == "fact wake_action not found"
    assert "hwdom-suspend-never-halts" not in unknown
    assert "registers-written-by-own-handler" not in unknown
    assert "firmware-preconditions" not in unknown
    assert result.result("firmware-preconditions").verdict is Verdict.HOLDS


def test_all_facts_unknown() -> None:
    result = check_suspend(SuspendConfig(guests=1), SuspendFacts.all_unknown())
    verdicts = {r.name: r.verdict for r in result.results}
    assert set(verdicts.values()) == {Verdict.UNKNOWN, Verdict.HOLDS}
    # Properties that need no fact in this configuration are still decided.
    assert {n for n, v in verdicts.items() if v is Verdict.HOLDS} == {
        "wake-targets-online-pcpu",
        "wake-resumes-host",
        "suspend-vcpus-offline",
    }
    assert result.result("hwdom-suspend-never-halts").reason == (
        "fact hwdom_suspend, hwdom_shutdown_halts not found"
    )


def test_v1_v2_facts_verdicts_on_registers_only_need_four_facts() -> None:
    facts = replace(
        SuspendFacts.all_unknown(),
        hwdom_suspend=v1_like().hwdom_suspend,
        hwdom_shutdown_halts=v1_like().hwdom_shutdown_halts,
        trigger=v1_like().trigger,
        mechanism=v1_like().mechanism,
    )
    result = check_suspend(SuspendConfig(guests=1), facts)
    assert result.result("registers-written-by-own-handler").verdict is Verdict.VIOLATED
    assert result.result("hwdom-suspend-never-halts").verdict is Verdict.HOLDS


# --------------------------------------------------------------------------
# Bounds, selection, configuration and fact errors


def test_bound_gives_unknown_with_figures() -> None:
    result = check_suspend(SuspendConfig(guests=3), v2_like(), bounds=Bounds(max_states=20))
    assert not result.complete
    for res in result.results:
        assert res.verdict is Verdict.UNKNOWN or res.name == "suspend-resume-possible"
        assert res.states >= 20
    assert "max states 20" in result.result("backend-before-frontend").reason


def test_property_selection() -> None:
    result = check_suspend(
        SuspendConfig(guests=1), v1_like(), properties=["backend-before-frontend"]
    )
    assert [r.name for r in result.results] == ["backend-before-frontend", DEADLOCK]
    with pytest.raises(ConfigError, match="no property 'nope'"):
        check_suspend(SuspendConfig(guests=1), v1_like(), properties=["nope"])


@pytest.mark.parametrize(
    ("config", "where"),
    [
        (SuspendConfig(guests=0), "guests"),
        (SuspendConfig(guests=9), "guests"),
        (SuspendConfig(pcpus=5), "pcpus"),
        (SuspendConfig(pcpus=2, wake_irq_cpu=2), "wake_irq_cpu"),
        (SuspendConfig(waking_domains=("driver",)), "waking_domains"),
        (SuspendConfig(waking_guests=0), "waking_domains"),
        (SuspendConfig(fail_steps=(Op.TIME_SUSPEND,)), "fail_steps"),
        (SuspendConfig(xenstore=SuspendConfig().xenstore.__class__("control-domain")), "xenstore"),
    ],
)
def test_bad_configurations(config: SuspendConfig, where: str) -> None:
    with pytest.raises(ConfigError) as info:
        check_suspend(config, v2_like())
    assert info.value.where == where
    assert info.value.source == "model configuration"


def test_malformed_facts_are_an_internal_error() -> None:
    with pytest.raises(InternalError, match="firmware call must be the last"):
        build_model(
            SuspendConfig(guests=1),
            _v2(suspend_steps=Fact((Op.FIRMWARE, Op.FREEZE_DOMAINS))),
        )
    with pytest.raises(InternalError, match="cannot fail"):
        build_model(
            SuspendConfig(guests=1),
            _v2(error_paths=Fact(((Op.TIME_SUSPEND, ()),))),
        )


def test_op_for_call() -> None:
    assert op_for_call("local_irq_save") is Op.IRQS_OFF
    assert op_for_call("call_psci_system_suspend") is Op.FIRMWARE
    assert op_for_call("printk") is None


def test_report_helpers() -> None:
    result = check_suspend(SuspendConfig(guests=1), v1_like())
    text = format_result(result, traces=True, condensed=True)
    assert text.splitlines()[0].startswith("backend-before-frontend")
    assert "violated  the last state breaks it" in text.splitlines()[0]
    assert "45 states" in text
    assert "last state: host active; Dom0" in text
    data = result_data(result)
    props = data["properties"]
    assert isinstance(props, list)
    first = props[0]
    assert first["verdict"] == "violated"
    assert first["trace"][1]["fact"] == {
        "path": SUSPEND_C,
        "line": 267,
        "text": "continue_hypercall_on_cpu(0, system_suspend, NULL)",
    }
    assert [p["name"] for p in props] == ALL


@pytest.mark.parametrize(
    "changes",
    [
        # After patch 05 of either series: system_suspend() does nothing yet.
        {"suspend_steps": (), "resume_path": (), "error_paths": ()},
        # After patch 06: freeze and thaw only.
        {
            "suspend_steps": (Op.SET_SUSPEND_STATE, Op.FREEZE_DOMAINS),
            "resume_path": (Op.THAW_DOMAINS, Op.SET_ACTIVE_STATE),
            "error_paths": (),
        },
    ],
    ids=["patch05", "patch06"],
)
def test_facts_of_a_series_prefix(changes: dict[str, object]) -> None:
    # Prefixes of a series give partial sequences: the model runs, and the
    # vacuity check says the host never reaches the firmware.
    facts = replace(v1_like(), **{k: Fact(v) for k, v in changes.items()})
    result = check_suspend(SuspendConfig(guests=1), facts)
    assert result.result("suspend-resume-possible").verdict is Verdict.VIOLATED
    # Already with nothing in system_suspend(), the continuation writes Dom0's x0.
    assert result.result("registers-written-by-own-handler").verdict is Verdict.VIOLATED
    assert result.result("resume-undoes-completed-steps").verdict is Verdict.HOLDS
