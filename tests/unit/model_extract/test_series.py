"""Facts of the bundled suspend series, after each patch, against the hand-written ones."""

from __future__ import annotations

import pytest

from tests.unit.model.fixtures.suspend_facts import v1_like, v2_like
from tests.unit.model_extract.helpers import (
    SUSPEND_C,
    V1,
    V2,
    VPSCI_C,
    edited_tree,
    series_facts,
)
from xenreview.model.extract import extract_suspend_facts, host_suspend_absent
from xenreview.model.facts import (
    HwdomSuspend,
    Mechanism,
    Op,
    SuspendFacts,
    Trigger,
    WakeAction,
)

ALL_STEPS = (
    Op.SET_SUSPEND_STATE,
    Op.FREEZE_DOMAINS,
    Op.SCHEDULER_DISABLE,
    Op.DISABLE_NONBOOT_CPUS,
    Op.TIME_SUSPEND,
    Op.IOMMU_SUSPEND,
    Op.CONSOLE_SUSPEND,
    Op.IRQS_OFF,
    Op.GIC_SUSPEND,
    Op.PREPARE_RESUME_CTX,
    Op.FIRMWARE,
)


def values(facts: SuspendFacts) -> dict[str, object]:
    return {name: facts.fact(name).value for name in SuspendFacts.names()}


def where(facts: SuspendFacts, name: str) -> tuple[str, int, str]:
    source = facts.fact(name).source
    assert source is not None, name
    return source.path, source.line, source.text


def test_v1_after_the_series_is_what_the_hand_written_facts_say() -> None:
    facts = series_facts(V1, 18)
    assert facts.missing() == ()
    assert values(facts) == values(v1_like())
    assert where(facts, "mechanism") == (
        SUSPEND_C,
        267,
        "continue_hypercall_on_cpu(0, system_suspend, NULL)",
    )
    assert where(facts, "trigger") == (SUSPEND_C, 265, "if ( is_hardware_domain(d) )")
    assert where(facts, "wake_action") == (SUSPEND_C, 61, "resume_suspended_domain(d)")
    assert where(facts, "hwdom_suspend") == (SUSPEND_C, 240, "domain_shutdown(d, SHUTDOWN_suspend)")
    assert where(facts, "offline_check_locked") == (SUSPEND_C, 220, "domain_lock(d)")
    assert where(facts, "hwdom_shutdown_halts")[2] == (
        "if ( is_hardware_domain(d) && reason != SHUTDOWN_suspend ) hwdom_shutdown(reason)"
    )
    # Every operation of the paths points at its own line.
    located = dict(facts.op_locations)
    assert located[Op.FIRMWARE].line == 166
    assert located[Op.FIRMWARE].text == "call_psci_system_suspend(__pa(hyp_resume))"
    assert located[Op.SET_SUSPEND_STATE].text == "system_state = SYS_STATE_suspend"
    assert located[Op.THAW_DOMAINS].line == 196
    assert host_suspend_absent(facts) is None


def test_v2_after_the_series_is_what_the_hand_written_facts_say() -> None:
    facts = series_facts(V2, 18)
    assert facts.missing() == ()
    assert values(facts) == values(v2_like())
    assert where(facts, "mechanism") == (
        SUSPEND_C,
        298,
        "tasklet_schedule_on_cpu(&system_suspend_tasklet, 0)",
    )
    assert where(facts, "wake_action") == (
        SUSPEND_C,
        64,
        "resume_suspended_domain(hardware_domain)",
    )
    assert dict(facts.op_locations)[Op.RESUME_HWDOM].line == 207


def test_the_mini_tree_has_no_host_suspend() -> None:
    facts = series_facts(V1, 0)
    assert facts.missing() == ()
    assert facts.hwdom_suspend.value is HwdomSuspend.REFUSED
    assert where(facts, "hwdom_suspend") == (
        VPSCI_C,
        211,
        "if ( is_hardware_domain(d) ) return PSCI_DENIED;",
    )
    assert facts.trigger.value is Trigger.NONE
    assert facts.mechanism.value is Mechanism.NONE
    assert facts.suspend_steps.value == ()
    assert facts.wake_action.value is WakeAction.UNBLOCK_ONLY
    assert facts.hwdom_shutdown_halts.value is True
    assert host_suspend_absent(facts) == (
        f"the hardware domain's SYSTEM_SUSPEND is refused ({VPSCI_C}:211)"
    )
    # The same tree read from files gives the same facts.
    assert values(extract_suspend_facts(edited_tree({}))) == values(facts)


@pytest.mark.parametrize(
    ("after", "hwdom", "trigger", "mechanism", "wake", "steps"),
    [
        (1, HwdomSuspend.REFUSED, Trigger.NONE, Mechanism.NONE, WakeAction.UNBLOCK_ONLY, ()),
        (2, HwdomSuspend.REFUSED, Trigger.NONE, Mechanism.NONE, WakeAction.UNBLOCK_ONLY, ()),
        (3, HwdomSuspend.PARK, Trigger.NONE, Mechanism.NONE, WakeAction.RESUME_DOMAIN, ()),
        (4, HwdomSuspend.PARK, Trigger.NONE, Mechanism.NONE, WakeAction.RESUME_DOMAIN, ()),
        (
            5,
            HwdomSuspend.PARK,
            Trigger.HARDWARE_DOMAIN,
            Mechanism.CONTINUATION,
            WakeAction.RESUME_DOMAIN,
            (),
        ),
        (
            6,
            HwdomSuspend.PARK,
            Trigger.HARDWARE_DOMAIN,
            Mechanism.CONTINUATION,
            None,
            ALL_STEPS[:2],
        ),
        (
            7,
            HwdomSuspend.PARK,
            Trigger.HARDWARE_DOMAIN,
            Mechanism.CONTINUATION,
            None,
            ALL_STEPS[:3],
        ),
        (
            8,
            HwdomSuspend.PARK,
            Trigger.HARDWARE_DOMAIN,
            Mechanism.CONTINUATION,
            None,
            ALL_STEPS[:4],
        ),
        (
            11,
            HwdomSuspend.PARK,
            Trigger.HARDWARE_DOMAIN,
            Mechanism.CONTINUATION,
            None,
            (*ALL_STEPS[:4], Op.IRQS_OFF, Op.GIC_SUSPEND),
        ),
        (
            17,
            HwdomSuspend.PARK,
            Trigger.HARDWARE_DOMAIN,
            Mechanism.CONTINUATION,
            None,
            ALL_STEPS[:-1],
        ),
        (18, HwdomSuspend.PARK, Trigger.HARDWARE_DOMAIN, Mechanism.CONTINUATION, None, ALL_STEPS),
    ],
)
def test_v1_patch_by_patch(
    after: int,
    hwdom: HwdomSuspend,
    trigger: Trigger,
    mechanism: Mechanism,
    wake: WakeAction | None,
    steps: tuple[Op, ...],
) -> None:
    facts = series_facts(V1, after)
    assert facts.missing() == ()
    assert facts.hwdom_suspend.value is hwdom
    assert facts.trigger.value is trigger
    assert facts.mechanism.value is mechanism
    if wake is not None:
        assert facts.wake_action.value is wake
    assert facts.suspend_steps.value == steps
    assert (host_suspend_absent(facts) is None) == (after >= 5)


def test_v1_resume_paths_grow_with_the_series() -> None:
    # Patch 6: freeze and thaw; patch 8: the non-boot pCPUs and their error label.
    six = series_facts(V1, 6)
    assert six.resume_path.value == (Op.THAW_DOMAINS, Op.SET_ACTIVE_STATE)
    assert six.error_paths.value == ()
    eight = series_facts(V1, 8)
    assert eight.resume_path.value == (
        Op.ENABLE_NONBOOT_CPUS,
        Op.SCHEDULER_ENABLE,
        Op.THAW_DOMAINS,
        Op.SET_ACTIVE_STATE,
    )
    assert eight.error_paths.value == (
        (
            Op.DISABLE_NONBOOT_CPUS,
            (Op.ENABLE_NONBOOT_CPUS, Op.SCHEDULER_ENABLE, Op.THAW_DOMAINS, Op.SET_ACTIVE_STATE),
        ),
    )
    # Patch 11: the GIC is restored before any firmware call exists.
    eleven = series_facts(V1, 11)
    assert eleven.resume_path.get()[:2] == (Op.GIC_RESUME, Op.IRQS_ON)
    assert dict(eleven.error_paths.get())[Op.GIC_SUSPEND][0] == Op.IRQS_ON


def test_v2_patch_by_patch() -> None:
    three = series_facts(V2, 3)
    assert three.wake_action.value is WakeAction.RESUME_HWDOM_FIRST
    assert three.trigger.value is Trigger.NONE
    five = series_facts(V2, 5)
    assert five.mechanism.value is Mechanism.TASKLET
    assert five.suspend_cpu.value == 0
    # Before freeze_domains() exists, system_suspend() only resumes the hardware domain.
    assert five.suspend_steps.value == ()
    assert five.resume_path.value == (Op.RESUME_HWDOM,)
    six = series_facts(V2, 6)
    assert six.resume_path.value == (Op.RESUME_HWDOM, Op.THAW_DOMAINS, Op.SET_ACTIVE_STATE)
