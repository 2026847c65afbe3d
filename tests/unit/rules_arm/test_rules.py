"""The other Xen/Arm rules on small edits of the mini tree: what fires, and what must not."""

from __future__ import annotations

import pytest

from xenreview.rules.api import Finding
from xenreview.rules.testing import minitree_texts

from .helpers import ARM_DIR, edited_tree, load, run_check

VPSCI = "xen/arch/arm/vpsci.c"
SCHED = "xen/common/sched/core.c"
DOMAIN = "xen/common/domain.c"

AFFINITY_LEVEL = """    /* Only the level of a single vCPU is described. */
    if ( lowest_affinity_level > 0 )
        return PSCI_INVALID_PARAMETERS;
"""
WATCHDOG_LOCK = """    long rc = 0;

    spin_lock(&d->watchdog_lock);
"""


def _findings(
    rule: str, *edits: tuple[str, str, str], new: dict[str, str] | None = None
) -> list[Finding]:
    return run_check(load(rule), edited_tree(list(edits), new))


@pytest.mark.parametrize(
    "rule",
    sorted(p.stem for p in ARM_DIR.glob("*.py")),
)
def test_every_rule_is_quiet_on_the_mini_tree(rule: str) -> None:
    assert run_check(load(rule), minitree_texts()) == []


# -- ARM003 guest-reachable-bug-on -------------------------------------------------------------


def test_bug_on_a_guest_argument_is_flagged() -> None:
    edit = (VPSCI, AFFINITY_LEVEL, "    BUG_ON(lowest_affinity_level > 3);\n" + AFFINITY_LEVEL)
    (finding,) = _findings("guest_reachable_bug_on", edit)
    assert "lowest_affinity_level > 3" in finding.message
    assert "the guest's registers" in finding.message


def test_bug_on_after_validation_is_fine() -> None:
    edit = (VPSCI, AFFINITY_LEVEL, AFFINITY_LEVEL + "    BUG_ON(lowest_affinity_level > 3);\n")
    assert _findings("guest_reachable_bug_on", edit) == []


def test_panic_under_a_guest_condition_is_flagged() -> None:
    edit = (
        VPSCI,
        AFFINITY_LEVEL,
        '    if ( target_affinity == 0xdead )\n        panic("bad\\n");\n\n' + AFFINITY_LEVEL,
    )
    (finding,) = _findings("guest_reachable_bug_on", edit)
    assert finding.message.startswith("panic() in do_psci_0_2_affinity_info() crashes the host")


def test_assert_on_host_state_is_not_flagged() -> None:
    edit = (
        VPSCI,
        AFFINITY_LEVEL,
        "    ASSERT(system_state == SYS_STATE_active);\n" + AFFINITY_LEVEL,
    )
    assert _findings("guest_reachable_bug_on", edit) == []


# -- ARM004 lock-held-on-return ----------------------------------------------------------------


def test_lock_held_on_an_early_return() -> None:
    edit = (
        SCHED,
        WATCHDOG_LOCK,
        WATCHDOG_LOCK + "    if ( timeout > 100 )\n        return -EINVAL;\n",
    )
    (finding,) = _findings("lock_held_on_return", edit)
    assert "d->watchdog_lock still held" in finding.message
    assert finding.excerpt == "return -EINVAL;"


def test_a_function_named_for_its_lock_may_return_holding_it() -> None:
    edit = (
        SCHED,
        "static long domain_watchdog(",
        "static long domain_watchdog_locked(",
    )
    edit2 = (
        SCHED,
        WATCHDOG_LOCK,
        WATCHDOG_LOCK + "    if ( timeout > 100 )\n        return -EINVAL;\n",
    )
    assert _findings("lock_held_on_return", edit, edit2) == []


# -- ARM005 domain-pause-on-current ------------------------------------------------------------


def test_pause_of_current_domain_direct_and_guarded() -> None:
    code = "        domain_pause(current->domain);\n"
    anchor = "        ret = domain_watchdog(current->domain, sched_watchdog.id,\n"
    (finding,) = _findings("domain_pause_on_current", (SCHED, anchor, code + anchor))
    assert "on current->domain" in finding.message
    guarded = "        if ( d != current->domain )\n    " + code
    assert _findings("domain_pause_on_current", (SCHED, anchor, guarded + anchor)) == []
    nosync = "        domain_pause_nosync(current->domain);\n"
    assert _findings("domain_pause_on_current", (SCHED, anchor, nosync + anchor)) == []


# -- ARM006 unchecked-allocation ---------------------------------------------------------------


def test_allocation_never_checked_and_returned() -> None:
    new = {
        "xen/arch/arm/alloc.c": """
struct thing *make(void)
{
    struct thing *t = xzalloc(struct thing);

    t->count = 1;
    return t;
}

struct thing *make_plain(void)
{
    return xzalloc(struct thing);
}

struct thing *make_checked(void)
{
    struct thing *t = xzalloc(struct thing);

    if ( !t )
        return NULL;
    t->count = 1;
    return t;
}
"""
    }
    (finding,) = _findings("unchecked_allocation", new=new)
    assert finding.message.startswith("make() uses t from xzalloc()")


# -- ARM007/ARM008 ladders ---------------------------------------------------------------------


def test_ladder_order_only_counts_steps_with_both_halves() -> None:
    new = {
        "xen/arch/arm/ladder.c": """
int f(void)
{
    int rc;

    freeze_domains();
    rc = prepare();
    if ( rc )
        goto thaw;
    scheduler_disable();
    rc = go();
    scheduler_enable();
 thaw:
    thaw_domains();
    return rc;
}
"""
    }
    assert _findings("error_ladder_out_of_order", new=new) == []
    assert _findings("error_path_skips_undo", new=new) == []


# -- ARM009 guest-triggerable-printk -----------------------------------------------------------


def test_printk_levels() -> None:
    def edit(line: str) -> tuple[str, str, str]:
        return (VPSCI, AFFINITY_LEVEL, line + AFFINITY_LEVEL)

    flagged = _findings("guest_triggerable_printk", edit('    printk(XENLOG_INFO "x\\n");\n'))
    assert len(flagged) == 1
    for fine in (
        '    printk(XENLOG_G_INFO "x\\n");\n',
        '    gprintk(XENLOG_INFO, "x\\n");\n',
        '    if ( is_hardware_domain(d) )\n        printk(XENLOG_INFO "x\\n");\n',
    ):
        assert _findings("guest_triggerable_printk", edit(fine)) == [], fine


# -- ARM012, ARM016: switches ------------------------------------------------------------------


def test_switch_on_host_state_needs_no_default() -> None:
    code = "    switch ( system_state )\n    {\n    case 0:\n        break;\n    }\n\n"
    assert (
        _findings("guest_switch_without_default", (VPSCI, AFFINITY_LEVEL, code + AFFINITY_LEVEL))
        == []
    )


@pytest.mark.parametrize(
    ("ending", "fires"),
    [
        ("", True),
        ("        fallthrough;\n", False),
        ("        /* Fall through. */\n", False),
        ("        break;\n", False),
        ('        panic("no\\n");\n', False),
    ],
)
def test_fallthrough_annotations(ending: str, fires: bool) -> None:
    old = """    case SCHEDOP_yield:
        raise_softirq(SCHEDULE_SOFTIRQ);
        break;
"""
    new = "    case SCHEDOP_yield:\n        raise_softirq(SCHEDULE_SOFTIRQ);\n" + ending
    found = _findings("switch_case_fallthrough", (SCHED, old, new))
    assert len(found) == (1 if fires else 0)


# -- ARM013 guest-pointer-without-copy ---------------------------------------------------------


def test_register_cast_to_pointer() -> None:
    code = "    const uint32_t *p = (const uint32_t *)target_affinity;\n\n"
    (finding,) = _findings(
        "guest_pointer_without_copy", (VPSCI, AFFINITY_LEVEL, code + AFFINITY_LEVEL)
    )
    assert "casts target_affinity" in finding.message


# -- ARM018 unchecked-guest-index --------------------------------------------------------------


def test_index_clamped_with_nospec_is_fine() -> None:
    code = "    v = d->vcpu[array_index_nospec(target_affinity, d->max_vcpus)];\n"
    assert _findings("unchecked_guest_index", (VPSCI, AFFINITY_LEVEL, code + AFFINITY_LEVEL)) == []
    raw = "    v = d->vcpu[target_affinity];\n"
    assert (
        len(_findings("unchecked_guest_index", (VPSCI, AFFINITY_LEVEL, raw + AFFINITY_LEVEL))) == 1
    )
