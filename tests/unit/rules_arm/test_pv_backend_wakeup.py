"""pv-backend-wakeup (ARM001) on variants of a host suspend written into the mini tree."""

from __future__ import annotations

from .helpers import edited_tree, load, run_check

RULE = load("pv_backend_wakeup")

VPSCI = "xen/arch/arm/vpsci.c"
DOMAIN = "xen/common/domain.c"

REFUSAL = """    if ( is_hardware_domain(d) )
        return PSCI_DENIED;

    domain_lock(d);
"""
PARKS = (
    DOMAIN,
    """    if ( is_hardware_domain(d) )
        hwdom_shutdown(reason);
""",
    """    if ( is_hardware_domain(d) && reason != SHUTDOWN_suspend )
        hwdom_shutdown(reason);
""",
)
END = """    return PSCI_SUCCESS;
}

bool do_vpsci_0_2_call"""
ANCHOR = "static int32_t do_psci_0_2_version(void)\n"

HOST = """static struct tasklet host_tasklet;

static void host_suspend(void *data)
{
    (void)data;
%s}

static long host_suspend_on_cpu0(void *data)
{
    host_suspend(data);

    return 0;
}

"""

IRQ_C = """#include <xen/sched.h>
#include <xen/tasklet.h>

static struct tasklet wake_tasklet;

static void wake_tasklet_fn(void *data)
{
    struct domain *d = data;
%s
    domain_resume(d);
}

void do_IRQ(struct cpu_user_regs *regs, unsigned int irq, int is_fiq)
{
    struct domain *d = irq_to_domain(irq);

    tasklet_init(&wake_tasklet, wake_tasklet_fn, d);
    tasklet_schedule(&wake_tasklet);
}
"""

HWDOM_FIRST = """
    if ( hardware_domain->is_shut_down )
        domain_resume(hardware_domain);
"""

TASKLET_TRIGGER = """    if ( is_hardware_domain(d) )
    {
        tasklet_init(&host_tasklet, host_suspend, NULL);
        tasklet_schedule_on_cpu(&host_tasklet, 0);
    }

"""


def _tree(
    host_body: str = "",
    trigger: str = TASKLET_TRIGGER,
    wake: str | None = "",
    parks: bool = True,
) -> dict[str, str]:
    edits = [
        (VPSCI, REFUSAL, "    domain_lock(d);\n"),
        (VPSCI, ANCHOR, HOST % host_body + ANCHOR),
        (VPSCI, END, trigger + END),
    ]
    if parks:
        edits.append(PARKS)
    else:
        edits.append((VPSCI, "    if ( domain_shutdown(d, SHUTDOWN_suspend) )", "    if ( 0 )"))
    new = {} if wake is None else {"xen/arch/arm/irq.c": IRQ_C % wake}
    return edited_tree(edits, new)


def test_a_guest_woken_before_the_hardware_domain_is_flagged() -> None:
    (finding,) = run_check(RULE, _tree())
    assert finding.location.path == VPSCI
    assert finding.excerpt == "tasklet_schedule_on_cpu(&host_tasklet, 0);"
    assert "tasklet_schedule_on_cpu() runs host_suspend()" in finding.message
    assert "device interrupt" in finding.message
    wake, host, *model = finding.related
    # The suspend model, run on the same tree, confirms it with a trace.
    assert model and "confirms it: property backend-before-frontend is violated" in model[0].message
    assert any("resumes guest1" in r.message for r in model)
    assert wake.location.path == "xen/arch/arm/irq.c"
    assert wake.excerpt == "domain_resume(d);"
    assert "do_IRQ() -> wake_tasklet_fn()" in wake.message
    assert "host_suspend() returns without resuming the hardware domain" in host.message


def test_a_wake_up_that_resumes_the_hardware_domain_first_is_fine() -> None:
    assert run_check(RULE, _tree(wake=HWDOM_FIRST)) == []


def test_a_thaw_before_the_hardware_domain_is_flagged() -> None:
    (finding,) = run_check(RULE, _tree("\n    freeze_domains();\n    thaw_domains();\n", wake=None))
    assert "the domains are thawed" in finding.message
    assert any(r.excerpt == "thaw_domains();" for r in finding.related)


def test_the_hardware_domain_resumed_before_the_thaw_is_fine() -> None:
    body = "\n    freeze_domains();\n" + HWDOM_FIRST + "    thaw_domains();\n"
    assert run_check(RULE, _tree(body, wake=None)) == []


def test_resuming_every_domain_counts_as_resuming_the_hardware_domain() -> None:
    body = """
    struct domain *d;

    freeze_domains();
    for_each_domain ( d )
        domain_resume(d);
    thaw_domains();
"""
    assert run_check(RULE, _tree(body, wake=None)) == []


def test_the_thaw_is_fine_when_the_hardware_domain_resumed_in_a_callee() -> None:
    body = "\n    freeze_domains();\n    bring_back_hwdom();\n    thaw_domains();\n"
    files = _tree(body, wake=None)
    files[VPSCI] = files[VPSCI].replace(
        "static struct tasklet host_tasklet;\n",
        "static struct tasklet host_tasklet;\n\nstatic void bring_back_hwdom(void)\n{\n"
        "    domain_resume(hardware_domain);\n}\n",
    )
    assert run_check(RULE, files) == []


def test_a_continuation_trigger_is_flagged_at_its_line() -> None:
    trigger = """    if ( is_hardware_domain(d) )
        continue_hypercall_on_cpu(0, host_suspend_on_cpu0, NULL);

"""
    (finding,) = run_check(RULE, _tree(trigger=trigger))
    assert finding.excerpt == "continue_hypercall_on_cpu(0, host_suspend_on_cpu0, NULL);"
    assert "continue_hypercall_on_cpu() runs host_suspend_on_cpu0()" in finding.message


def test_a_direct_call_is_a_trigger_too() -> None:
    trigger = """    if ( is_hardware_domain(d) )
        host_suspend(NULL);

"""
    (finding,) = run_check(RULE, _tree(trigger=trigger))
    assert "it calls host_suspend()" in finding.message


def test_no_finding_without_a_hardware_domain_test() -> None:
    trigger = TASKLET_TRIGGER.replace("is_hardware_domain(d)", "d->domain_id == 7")
    assert run_check(RULE, _tree(trigger=trigger)) == []


def test_no_finding_for_a_negated_hardware_domain_test() -> None:
    trigger = TASKLET_TRIGGER.replace("is_hardware_domain(d)", "!is_hardware_domain(d)")
    assert run_check(RULE, _tree(trigger=trigger)) == []


def test_no_finding_when_the_domain_is_not_parked_first() -> None:
    """x86's way: the hardware domain asks, nothing parks it, thawing brings it back."""
    assert run_check(RULE, _tree(parks=False)) == []


def test_no_finding_without_a_resume_path_that_lets_guests_run() -> None:
    assert run_check(RULE, _tree(wake=None)) == []


def test_the_fingerprint_does_not_depend_on_line_numbers() -> None:
    (before,) = run_check(RULE, _tree())
    moved = _tree()
    moved[VPSCI] = moved[VPSCI].replace(ANCHOR, "/* A comment\n * moving lines. */\n" + ANCHOR)
    (after,) = run_check(RULE, moved)
    assert before.location.line is not None
    assert after.location.line == before.location.line + 2
    assert after.fingerprint == before.fingerprint
