"""The shared analyses of the Xen/Arm rules (xenreview/rules/lib_arm.py)."""

from __future__ import annotations

from xenreview.code.model import Call
from xenreview.rules.api import TreeView
from xenreview.rules.lib_arm import (
    arm_tree,
    describe_path,
    exits_holding,
    imbalanced,
    mentions,
    paired_steps,
    root_names,
    strip_calls,
    undo_name,
)
from xenreview.rules.testing import DirectoryReader

from .helpers import c_tree, tree_of


def test_root_names_are_the_variables_read() -> None:
    assert root_names("a->b[i].c + f(x) - MAX_LEN") == ("a", "i", "x")
    assert root_names('printk("%u", n)') == ("n",)
    assert root_names("current->domain == d") == ("d",)


def test_mentions_matches_whole_names_and_expressions() -> None:
    assert mentions("if ( rc )", "rc")
    assert not mentions("if ( rcu )", "rc")
    assert not mentions("p->rc", "rc")  # a member, not the variable
    assert mentions("d->vcpu == NULL", "d->vcpu")
    assert not mentions('"rc"', "rc")


def test_strip_calls_drops_function_results_only() -> None:
    def is_function(name: str) -> bool:
        return name != "min"

    assert strip_calls("lookup(d, x) + y", is_function) == "0 + y"
    assert strip_calls("min(x, 4)", is_function) == "min(x, 4)"


def test_undo_names() -> None:
    assert undo_name("gic_suspend") == "gic_resume"
    assert undo_name("disable_nonboot_cpus") == "enable_nonboot_cpus"
    assert undo_name("freeze_domains") == "thaw_domains"
    assert undo_name("local_irq_save") == "local_irq_restore"
    assert undo_name("domain_pause") is None


def test_describe_path_elides_the_middle() -> None:
    assert describe_path(["a", "b"]) == "a() -> b()"
    long = describe_path([f"f{i}" for i in range(10)])
    assert long.startswith("f0() -> f1() -> ...") and long.endswith("f9()")


LADDER = """
int step(int x)
{
    int rc;

    freeze_domains();
    rc = disable_nonboot_cpus();
    if ( rc )
        goto thaw;

    rc = iommu_suspend();
    if ( rc )
        goto enable;

    if ( x )
        return -EBUSY;

    iommu_resume();
 enable:
    enable_nonboot_cpus();
 thaw:
    thaw_domains();
    return rc;
}
"""


def _pairs_walk(text: str) -> tuple[list[tuple[int, str]], dict[str, str]]:
    facts, _ = c_tree(text)
    (function,) = facts.all_functions()
    pairs = paired_steps(function)
    undoes = {u: s for s, u in pairs.items()}

    def acquire(call: Call) -> str | None:
        return call.callee if call.callee in pairs else None

    def release(call: Call) -> str | None:
        return undoes.get(call.callee)

    exits = exits_holding(function, acquire, release)
    return sorted((leaving.line, key) for leaving, key, _ in imbalanced(exits)), dict(pairs)


def test_paired_steps_and_the_failing_step() -> None:
    found, pairs = _pairs_walk(LADDER)
    assert pairs == {
        "disable_nonboot_cpus": "enable_nonboot_cpus",
        "freeze_domains": "thaw_domains",
        "iommu_suspend": "iommu_resume",
    }
    # the early return at line 16 leaves all three steps taken; the gotos that test
    # the step just taken are its failure, and the ladder undoes the rest.  (A later
    # test of rc would count as that step failing too: the analysis errs towards
    # silence.)
    assert found == [
        (16, "disable_nonboot_cpus"),
        (16, "freeze_domains"),
        (16, "iommu_suspend"),
    ]


def test_a_balanced_ladder_is_clean() -> None:
    found, _ = _pairs_walk(LADDER.replace("    if ( x )\n        return -EBUSY;\n\n", ""))
    assert found == []


def test_one_exit_reached_by_two_paths_is_not_an_imbalance() -> None:
    text = """
int f(int x)
{
    freeze_domains();
    if ( x )
        thaw_domains();
    return x;
}
"""
    assert _pairs_walk(text)[0] == []


TASKLETS = """
static struct tasklet t;

static void handler(void *data)
{
    (void)data;
}

void setup(struct domain *d)
{
    tasklet_init(&d->arch.wake, handler, d);
    tasklet_init(&t, handler, NULL);
}

void kick(struct domain *d)
{
    tasklet_schedule(&d->arch.wake);
    tasklet_schedule_on_cpu(&t, 0);
    tasklet_schedule(&other);
}
"""


def test_tasklets_are_matched_by_name() -> None:
    facts, tree = c_tree(TASKLETS)
    assert tree.tasklet_handlers() == {"wake": ("handler",), "t": ("handler",)}
    kick = facts.function("kick")
    assert kick is not None
    assert [tree.scheduled_handlers(c) for c in kick.calls] == [("handler",), ("handler",), ()]
    assert "handler" in tree.reach(["kick"], tasklets=True)
    assert "handler" not in tree.reach(["kick"])


GUEST = """
#define PSCI_ARG(regs, n) get_user_reg(regs, n)
#define LOOKUP(d, i) (&(d)->table[i])

static const arm_hypercall_t arm_hypercall_table[] = {
    [__HYPERVISOR_op] = { .fn = (arm_hypercall_fn_t)&do_op },
};

static long helper(unsigned int index, unsigned int plain)
{
    return index + plain;
}

long do_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct thing t;
    struct domain *d = lookup_domain(cmd);
    unsigned int copy = cmd + 1;

    if ( copy_from_guest(&t, arg, 1) )
        return -EFAULT;

    return helper(t.index, d->domain_id);
}

bool do_vpsci_0_2_call(struct cpu_user_regs *regs, uint32_t fid)
{
    register_t a = PSCI_ARG(regs, 1);
    struct entry *e = LOOKUP(current->domain, a);

    return handle(regs, fid, a, e);
}
"""


def test_guest_values_are_followed() -> None:
    facts, tree = c_tree(GUEST)
    taint = tree.taint()
    do_op = facts.function("do_op")
    helper = facts.function("helper")
    vpsci = facts.function("do_vpsci_0_2_call")
    assert do_op is not None and helper is not None and vpsci is not None
    op_vars = taint.variables(do_op)
    assert op_vars["cmd"] == "argument cmd of the do_op hypercall"
    assert op_vars["t"] == "memory copied from the guest"
    assert "copy" in op_vars  # cmd + 1
    assert "d" not in op_vars  # a lookup's result is Xen's
    assert set(taint.variables(helper)) == {"index"}  # d->domain_id is not the guest's
    assert taint.registers(vpsci) == frozenset({"regs"})
    assert set(taint.variables(vpsci)) == {"fid", "a"}  # e is an address of Xen's table
    assert taint.tainted_in(vpsci, "table[a]") == ("a", "the guest's registers")
    assert taint.tainted_in(vpsci, "regs->x3 + 1") is not None
    assert taint.tainted_in(vpsci, "regs->pc") is None


def test_validation_by_a_test_that_leaves() -> None:
    text = """
int f(unsigned int i)
{
    if ( i >= 4 )
        return -EINVAL;

    return g(i);
}
"""
    facts, tree = c_tree(text)
    function = facts.function("f")
    assert function is not None
    assert tree.validated(function, "i", 7)
    assert not tree.validated(function, "i", 2)
    assert tree.validated(function, "j", 7, ("j < 3",))


def test_privileged_calls() -> None:
    text = """
long f(struct domain *d, int cmd)
{
    open_to_all();
    if ( is_hardware_domain(d) )
        only_hwdom();
    if ( !is_control_domain(current->domain) )
        return -EPERM;
    only_control();
    return 0;
}
"""
    facts, tree = c_tree(text)
    function = facts.function("f")
    assert function is not None
    closed = tree.privileged_calls(function)
    names = {c.callee for c in function.calls if (c.line, c.column) in closed}
    assert names == {"only_hwdom", "only_control"}


def test_macros_expand() -> None:
    _, tree = c_tree("#define TWICE(x) ((x) + (x))\nint f(void) { return TWICE(y); }\n")
    assert tree.expand_macros("TWICE(a) + 1") == "(((a) + (a))) + 1"


def test_arm_tree_is_memoised_by_facts_and_rebound() -> None:
    files = {"xen/a.c": "int f(void)\n{\n    return 0;\n}\n"}
    reader = DirectoryReader({0: files})
    facts, _ = tree_of(files)
    first = arm_tree(TreeView(0, reader, facts))
    second = arm_tree(TreeView(0, DirectoryReader({0: files}), facts))
    assert first is not None and first is second
    assert second.line_text("xen/a.c", 3) == "    return 0;"
    assert arm_tree(TreeView(0, reader, None)) is None
