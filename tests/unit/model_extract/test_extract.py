"""Each fact on edited mini trees: what is found, where, and when it stays unknown."""

from __future__ import annotations

import pytest

from tests.unit.model_extract.helpers import (
    DOMAIN_C,
    VPSCI_C,
    chain,
    edited_tree,
    replace_once,
)
from xenreview.model.extract import (
    describe_value,
    extract_suspend_facts,
    fact_data,
    facts_data,
    host_suspend_absent,
)
from xenreview.model.facts import (
    Fact,
    HwdomSuspend,
    Mechanism,
    Op,
    SuspendFacts,
    Trigger,
    WakeAction,
)

REFUSAL = """    /*
     * Not for the hardware domain: domain_shutdown() hands its shutdowns
     * to hwdom_shutdown(), which reboots or halts the machine.
     */
    if ( is_hardware_domain(d) )
        return PSCI_DENIED;

"""
AFTER_PARKING = """            "\\n", epoint, cid);

    return PSCI_SUCCESS;
}
"""
HOST = """
static struct tasklet host_suspend_tasklet;

static long host_suspend(void)
{
    int status;

    system_state = SYS_STATE_suspend;
    freeze_domains();

    status = disable_nonboot_cpus();
    if ( status )
        goto resume_nonboot_cpus;

    status = call_psci_system_suspend(0);

 resume_nonboot_cpus:
    enable_nonboot_cpus();
    thaw_domains();
    system_state = SYS_STATE_active;

    return status;
}

static void host_suspend_fn(void *data)
{
    (void)data;
    host_suspend();
}

/*
 * SYSTEM_SUSPEND from a guest: the domain is parked in SHUTDOWN_suspend"""
TASKLET_ON_0 = """    if ( is_hardware_domain(d) )
    {
        tasklet_init(&host_suspend_tasklet, host_suspend_fn, NULL);
        tasklet_schedule_on_cpu(&host_suspend_tasklet, 0);
    }
"""
SUSPEND_PARKS = replace_once(
    """    if ( is_hardware_domain(d) )
        hwdom_shutdown(reason);""",
    """    if ( is_hardware_domain(d) && reason != SHUTDOWN_suspend )
        hwdom_shutdown(reason);""",
)


def host_tree(
    trigger: str = TASKLET_ON_0,
    host: str = HOST,
    *,
    refusal: str = "",
    parks: bool = True,
    more: dict[str, object] | None = None,
) -> SuspendFacts:
    """The mini tree with a host suspend started from the hardware domain's SYSTEM_SUSPEND."""
    vpsci = chain(
        replace_once(REFUSAL, refusal),
        replace_once(
            AFTER_PARKING, AFTER_PARKING.replace("\n    return", "\n" + trigger + "\n    return")
        ),
        replace_once(
            "\n/*\n * SYSTEM_SUSPEND from a guest: the domain is parked in SHUTDOWN_suspend", host
        ),
    )
    edits: dict[str, object] = {VPSCI_C: vpsci}
    if parks:
        edits[DOMAIN_C] = SUSPEND_PARKS
    edits.update(more or {})
    return extract_suspend_facts(edited_tree(edits))  # type: ignore[arg-type]


def test_tasklet_on_pcpu0_and_the_ladder() -> None:
    facts = host_tree()
    assert facts.missing() == ()
    assert facts.hwdom_suspend.value is HwdomSuspend.PARK
    assert facts.hwdom_shutdown_halts.value is False
    assert facts.trigger.value is Trigger.HARDWARE_DOMAIN
    assert facts.mechanism.value is Mechanism.TASKLET
    assert facts.mechanism.note == "runs host_suspend()"  # through host_suspend_fn()
    assert facts.suspend_cpu.value == 0
    assert facts.suspend_steps.value == (
        Op.SET_SUSPEND_STATE,
        Op.FREEZE_DOMAINS,
        Op.DISABLE_NONBOOT_CPUS,
        Op.FIRMWARE,
    )
    tail = (Op.ENABLE_NONBOOT_CPUS, Op.THAW_DOMAINS, Op.SET_ACTIVE_STATE)
    assert facts.resume_path.value == tail
    assert facts.error_paths.value == ((Op.DISABLE_NONBOOT_CPUS, tail),)
    assert host_suspend_absent(facts) is None


@pytest.mark.parametrize(
    ("trigger", "mechanism", "cpu"),
    [
        (
            """    if ( is_hardware_domain(d) )
    {
        tasklet_init(&host_suspend_tasklet, host_suspend_fn, NULL);
        tasklet_schedule(&host_suspend_tasklet);
    }
""",
            Mechanism.TASKLET,
            None,
        ),
        (
            """    if ( is_hardware_domain(d) )
        host_suspend();
""",
            Mechanism.DIRECT,
            None,
        ),
        (
            """    if ( is_hardware_domain(d) )
        continue_hypercall_on_cpu(1, host_suspend_fn, NULL);
""",
            Mechanism.CONTINUATION,
            1,
        ),
    ],
)
def test_mechanisms(trigger: str, mechanism: Mechanism, cpu: int | None) -> None:
    facts = host_tree(trigger)
    assert facts.mechanism.value is mechanism
    assert facts.suspend_cpu.value == cpu
    source = facts.mechanism.source
    assert source is not None and source.path == VPSCI_C


@pytest.mark.parametrize(
    ("trigger", "fact", "note"),
    [
        (
            """    if ( is_hardware_domain(d) )
        continue_hypercall_on_cpu(d->domain_id, host_suspend_fn, NULL);
""",
            "suspend_cpu",
            "on pCPU d->domain_id: not a constant",
        ),
        (
            """    if ( is_hardware_domain(d) )
        on_selected_cpus(cpumask_of(0), host_suspend_fn, NULL, 1);
""",
            "mechanism",
            "on_selected_cpus() runs host_suspend() on other pCPUs: not in the model's vocabulary",
        ),
        (
            """    host_suspend();
""",
            "trigger",
            "host_suspend() is started by every domain's SYSTEM_SUSPEND: not in the model's "
            "vocabulary",
        ),
        (
            """    if ( is_control_domain(d) )
        host_suspend();
""",
            "trigger",
            "host_suspend() is started by a control domain's suspend, without a check that it is "
            "the last control domain awake: not in the model's vocabulary",
        ),
    ],
)
def test_what_the_model_cannot_say_stays_unknown(trigger: str, fact: str, note: str) -> None:
    facts = host_tree(trigger)
    assert facts.missing() == (fact,)
    assert facts.fact(fact).note == note
    assert facts.fact(fact).source is None


def test_an_early_exit_for_other_domains_makes_the_hardware_domain_the_trigger() -> None:
    facts = host_tree(
        """    if ( !is_hardware_domain(d) )
        return PSCI_SUCCESS;

    host_suspend();
"""
    )
    assert facts.trigger.value is Trigger.HARDWARE_DOMAIN
    assert facts.trigger.source is not None
    assert facts.trigger.source.text == "if ( !is_hardware_domain(d) )"
    assert facts.mechanism.value is Mechanism.DIRECT


def test_a_conditional_refusal_is_unknown() -> None:
    facts = host_tree(
        refusal="""    if ( is_hardware_domain(d) && !opt_host_suspend )
        return PSCI_DENIED;

"""
    )
    assert facts.hwdom_suspend.known is False
    assert "refused under a condition" in facts.hwdom_suspend.note
    assert host_suspend_absent(facts) is None  # unknown: nothing to say


def test_refused_hardware_domain_means_no_host_suspend() -> None:
    facts = host_tree(refusal=REFUSAL)
    assert facts.hwdom_suspend.value is HwdomSuspend.REFUSED
    assert facts.trigger.value is Trigger.HARDWARE_DOMAIN  # the code is there, unreachable
    absent = host_suspend_absent(facts)
    assert absent is not None and absent.startswith(
        "the hardware domain's SYSTEM_SUSPEND is refused"
    )


def test_hwdom_shutdown_reached_for_suspend() -> None:
    facts = host_tree(parks=False)
    assert facts.hwdom_shutdown_halts.value is True
    assert facts.hwdom_shutdown_halts.source is not None
    assert facts.hwdom_shutdown_halts.source.text == (
        "if ( is_hardware_domain(d) ) hwdom_shutdown(reason)"
    )


def test_hwdom_shutdown_that_ignores_suspend_does_not_halt() -> None:
    shutdown = replace_once(
        """    switch ( reason )
    {
""",
        """    switch ( reason )
    {
    case SHUTDOWN_suspend:
        printk("Hardware domain %u suspended\\n", domid);
        break;

""",
    )
    facts = host_tree(parks=False, more={"xen/common/shutdown.c": shutdown})
    assert facts.hwdom_shutdown_halts.value is False


def test_an_error_path_that_returns_undoes_nothing() -> None:
    host = HOST.replace("        goto resume_nonboot_cpus;", "        return status;")
    facts = host_tree(host=host)
    assert facts.error_paths.value == ((Op.DISABLE_NONBOOT_CPUS, ()),)


def test_an_error_check_in_the_condition() -> None:
    host = HOST.replace(
        """    status = disable_nonboot_cpus();
    if ( status )
        goto resume_nonboot_cpus;""",
        """    if ( disable_nonboot_cpus() )
    {
        thaw_domains();
        return -EBUSY;
    }""",
    )
    facts = host_tree(host=host)
    assert facts.error_paths.value == ((Op.DISABLE_NONBOOT_CPUS, (Op.THAW_DOMAINS,)),)


@pytest.mark.parametrize(
    ("old", "new", "note"),
    [
        (
            "    status = call_psci_system_suspend(0);\n",
            "    status = call_psci_system_suspend(0);\n" * 2,
            "host_suspend(): the firmware called twice",
        ),
        (
            "    thaw_domains();\n",
            "    for_each_domain ( d )\n        domain_resume(d);\n    thaw_domains();\n",
            f"host_suspend(): resumes domains in a loop: which ones is not known at {VPSCI_C}:",
        ),
        (
            "    thaw_domains();\n",
            "    domain_resume(current->domain);\n    thaw_domains();\n",
            "host_suspend(): domain_resume() resumes current->domain: which domain that is is not "
            f"known at {VPSCI_C}:",
        ),
        (
            "    freeze_domains();\n",
            "    freeze_domains();\n    thaw_domains();\n",
            "host_suspend(): thaw-domains before the firmware call",
        ),
    ],
)
def test_sequences_outside_the_vocabulary_are_unknown(old: str, new: str, note: str) -> None:
    facts = host_tree(host=HOST.replace(old, new))
    assert set(facts.missing()) == {"suspend_steps", "resume_path", "error_paths"}
    assert facts.suspend_steps.note.startswith(note)


def test_no_firmware_call_yet() -> None:
    host = HOST.replace("    status = call_psci_system_suspend(0);\n\n", "")
    facts = host_tree(host=host)
    assert facts.suspend_steps.value == (
        Op.SET_SUSPEND_STATE,
        Op.FREEZE_DOMAINS,
        Op.DISABLE_NONBOOT_CPUS,
    )
    assert facts.resume_path.value == (Op.ENABLE_NONBOOT_CPUS, Op.THAW_DOMAINS, Op.SET_ACTIVE_STATE)


def test_offline_check_outside_the_lock() -> None:
    vpsci = replace_once(
        """    domain_lock(d);

    /* PSCI: the caller must be the last vCPU still online. */
    for_each_vcpu ( d, v )
    {
        if ( v != curr && !test_bit(_VPF_down, &v->pause_flags) )
        {
            domain_unlock(d);
            return PSCI_DENIED;
        }
    }
""",
        """    /* PSCI: the caller must be the last vCPU still online. */
    for_each_vcpu ( d, v )
    {
        if ( v != curr && !test_bit(_VPF_down, &v->pause_flags) )
            return PSCI_DENIED;
    }

    domain_lock(d);
""",
    )
    facts = extract_suspend_facts(edited_tree({VPSCI_C: vpsci}))
    assert facts.offline_check_locked.value is False
    assert facts.offline_check_locked.source is not None
    assert facts.offline_check_locked.source.text == "for_each_vcpu ( d, v )"


def test_no_offline_check_is_unknown() -> None:
    vpsci = replace_once(
        """    /* PSCI: the caller must be the last vCPU still online. */
    for_each_vcpu ( d, v )
    {
        if ( v != curr && !test_bit(_VPF_down, &v->pause_flags) )
        {
            domain_unlock(d);
            return PSCI_DENIED;
        }
    }
""",
        "",
    )
    facts = extract_suspend_facts(edited_tree({VPSCI_C: vpsci}))
    assert facts.offline_check_locked.known is False
    assert facts.missing() == ("offline_check_locked",)


def test_interrupts_moved_off_a_pcpu_going_down() -> None:
    cpu = replace_once(
        "        error = cpu_down(cpu);\n",
        "        irq_migrate_to_cpu0(cpu);\n        error = cpu_down(cpu);\n",
    )
    facts = extract_suspend_facts(edited_tree({"xen/common/cpu.c": cpu}))
    assert facts.irqs_follow_cpu_down.value is True
    assert facts.irqs_follow_cpu_down.source is not None
    assert facts.irqs_follow_cpu_down.source.text == "irq_migrate_to_cpu0(cpu)"


def test_no_system_suspend_case_leaves_the_suspend_facts_unknown() -> None:
    vpsci = replace_once(
        "        ret = do_psci_1_0_system_suspend(epoint, cid);\n",
        "        ret = PSCI_NOT_SUPPORTED;\n",
    )
    facts = extract_suspend_facts(edited_tree({VPSCI_C: vpsci}))
    assert set(facts.missing()) == {
        "hwdom_suspend",
        "hwdom_shutdown_halts",
        "trigger",
        "mechanism",
        "suspend_cpu",
        "suspend_steps",
        "resume_path",
        "error_paths",
        "offline_check_locked",
    }
    assert facts.wake_action.value is WakeAction.UNBLOCK_ONLY
    assert host_suspend_absent(facts) is None


def test_no_interrupt_entry_leaves_the_wake_action_unknown() -> None:
    edits = {
        "xen/arch/arm/gic.c": replace_once("void gic_interrupt(", "void gic_handle_interrupts("),
        "xen/arch/arm/traps.c": replace_once("void do_trap_irq(", "void trap_irq("),
    }
    facts = extract_suspend_facts(edited_tree(edits))
    assert facts.missing() == ("wake_action",)


def test_extraction_is_memoised_per_tree() -> None:
    tree = edited_tree({})
    assert extract_suspend_facts(tree) is extract_suspend_facts(tree)


def test_fact_data_and_descriptions() -> None:
    facts = host_tree()
    data = facts_data(facts)
    assert list(data) == list(SuspendFacts.names())
    mechanism = data["mechanism"]
    assert mechanism == {
        "known": True,
        "value": "tasklet",
        "source": {
            "path": VPSCI_C,
            "line": mechanism["source"]["line"],  # type: ignore[index]
            "text": "tasklet_schedule_on_cpu(&host_suspend_tasklet, 0)",
        },
        "note": "runs host_suspend()",
    }
    assert data["error_paths"]["value"] == [  # type: ignore[index]
        ["disable-nonboot-cpus", ["enable-nonboot-cpus", "thaw-domains", "set-active-state"]]
    ]
    assert fact_data(Fact.unknown("gone")) == {
        "known": False,
        "value": None,
        "source": None,
        "note": "gone",
    }
    assert describe_value(facts.suspend_steps) == (
        "set-suspend-state, freeze-domains, disable-nonboot-cpus, firmware"
    )
    assert describe_value(facts.error_paths) == (
        "disable-nonboot-cpus: enable-nonboot-cpus, thaw-domains, set-active-state"
    )
    assert describe_value(Fact(())) == "(none)"
    assert describe_value(Fact(None)) == "-"
    assert describe_value(Fact.unknown()) == "unknown"
    assert describe_value(Fact(True)) == "True"
