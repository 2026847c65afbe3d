"""Facts of a whole tree: the mini tree, a small MMIO tree, and the bundled suspend series."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from xenreview.apply import apply_series
from xenreview.apply.model import AppliedSeries
from xenreview.apply.tree import minitree_root
from xenreview.code.facts import (
    EdgeKind,
    EntryKind,
    TreeFacts,
    expand_macro,
    facts_for_directory,
    facts_for_files,
    facts_for_tree,
)
from xenreview.code.model import MacroDef
from xenreview.code.parse import FactCache
from xenreview.errors import InputError
from xenreview.ingest import ingest
from xenreview.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def mini() -> TreeFacts:
    return facts_for_directory(minitree_root())


# -- functions ---------------------------------------------------------------------


def test_mini_tree_size(mini: TreeFacts) -> None:
    assert len(mini.files) == 81
    assert all(path.startswith("xen/") for path in mini.files)
    assert len(mini.all_functions()) == 270
    assert len(mini.functions("do_vpsci_0_2_call")) == 1


def test_function_at_a_line_inside_and_between_functions(mini: TreeFacts) -> None:
    vpsci = "xen/arch/arm/vpsci.c"
    inside = mini.function_at(vpsci, 317)
    assert inside is not None and inside.name == "do_vpsci_0_2_call"
    assert mini.function_at(vpsci, 251) is inside  # the signature line
    assert mini.function_at(vpsci, 326) is inside  # the closing brace
    assert mini.function_at(vpsci, 250) is None  # the blank line before it
    assert mini.function_at(vpsci, 5) is None
    assert mini.function_at("xen/no/such/file.c", 10) is None
    hunk = mini.functions_in_range(vpsci, 240, 260)
    assert [f.name for f in hunk] == ["do_psci_1_0_system_suspend", "do_vpsci_0_2_call"]


def test_callers_of(mini: TreeFacts) -> None:
    sites = [(c.function, c.location) for c in mini.callers_of("domain_shutdown")]
    assert sites == [
        ("do_psci_0_2_system_off", "xen/arch/arm/vpsci.c:161"),
        ("do_psci_0_2_system_reset", "xen/arch/arm/vpsci.c:166"),
        ("do_psci_1_0_system_suspend", "xen/arch/arm/vpsci.c:233"),
        ("domain_watchdog_timeout", "xen/common/sched/core.c:164"),
        ("do_sched_op", "xen/common/sched/core.c:242"),
        ("do_sched_op", "xen/common/sched/core.c:284"),
    ]
    assert mini.callers_of("no_such_function") == ()


def test_calls_in_and_cases_in(mini: TreeFacts) -> None:
    function = mini.function("vsmccc_handle_call")
    assert function is not None
    assert [c.callee for c in mini.calls_in(function)] == [
        "get_user_reg",
        "smccc_is_fast_call",
        "psr_mode_is_32bit",
        "smccc_is_conv_64",
        "set_user_reg",
        "smccc_get_owner",
        "do_vpsci_0_2_call",
        "set_user_reg",
    ]
    arms = mini.cases_in(function)
    assert [(a.subject, a.labels) for a in arms] == [
        ("smccc_get_owner(funcid)", ("ARM_SMCCC_OWNER_STANDARD",)),
        ("smccc_get_owner(funcid)", ("default",)),
    ]


# -- tables, entry points, the call graph ------------------------------------------------


def test_hypercall_table_entries(mini: TreeFacts) -> None:
    assert mini.hypercall_tables() == ("arm_hypercall_table",)
    entries = [
        (e.index, e.member, e.function, e.line, e.via_macro)
        for e in mini.table_entries()
        if e.table == "arm_hypercall_table"
    ]
    assert entries == [
        ("__HYPERVISOR_xen_version", "fn", "do_xen_version", 40, "HYPERCALL"),
        ("__HYPERVISOR_console_io", "fn", "do_console_io", 41, "HYPERCALL"),
        ("__HYPERVISOR_sched_op", "fn", "do_sched_op", 42, "HYPERCALL"),
        ("__HYPERVISOR_event_channel_op", "fn", "do_event_channel_op", 43, "HYPERCALL"),
        ("__HYPERVISOR_domctl", "fn", "do_domctl", 44, "HYPERCALL"),
    ]


def test_guest_entry_points_of_the_mini_tree(mini: TreeFacts) -> None:
    found = [(e.kind, e.name, e.location) for e in mini.entry_points()]
    assert found == [
        (EntryKind.TRAP, "do_trap_hypercall", "xen/arch/arm/traps.c:63"),
        (EntryKind.TRAP, "do_trap_hvc", "xen/arch/arm/traps.c:110"),
        (EntryKind.TRAP, "do_trap_smc", "xen/arch/arm/traps.c:119"),
        (EntryKind.TRAP, "do_trap_stage2_abort_guest", "xen/arch/arm/traps.c:136"),
        (EntryKind.TRAP, "do_trap_guest_sync", "xen/arch/arm/traps.c:167"),
        (EntryKind.SMCCC, "do_vpsci_0_2_call", "xen/arch/arm/vpsci.c:251"),
        (EntryKind.HYPERCALL, "do_xen_version", "xen/arch/arm/traps.c:40"),
        (EntryKind.HYPERCALL, "do_console_io", "xen/arch/arm/traps.c:41"),
        (EntryKind.HYPERCALL, "do_sched_op", "xen/arch/arm/traps.c:42"),
        (EntryKind.HYPERCALL, "do_event_channel_op", "xen/arch/arm/traps.c:43"),
        (EntryKind.HYPERCALL, "do_domctl", "xen/arch/arm/traps.c:44"),
    ]
    sched = next(e for e in mini.entry_points() if e.name == "do_sched_op")
    assert sched.evidence == "entry [__HYPERVISOR_sched_op] of arm_hypercall_table"
    assert sched.function is not None and sched.function.path == "xen/common/sched/core.c"
    functions = [f.name for f in mini.guest_entry_points()]
    assert functions[0] == "do_trap_hypercall" and "do_domctl" in functions
    assert "do_trap_irq" not in functions  # an interrupt is not a guest request


def test_call_graph_edges_through_tables_and_calls(mini: TreeFacts) -> None:
    graph = mini.call_graph()
    assert set(graph) >= mini.function_names()
    assert graph["do_trap_hypercall"] == frozenset(
        {"do_xen_version", "do_console_io", "do_sched_op", "do_event_channel_op", "do_domctl"}
    )
    assert "do_vpsci_0_2_call" in graph["vsmccc_handle_call"]
    assert "BUG_ON" not in graph["vcpu_create"]  # macros are not followed
    table = next(e for e in mini.edges_from("do_trap_hypercall") if e.callee == "do_sched_op")
    assert (table.kind, table.location) == (EdgeKind.TABLE, "xen/arch/arm/traps.c:67")
    # tasklet_init(&..., continue_hypercall_tasklet_handler, curr): a callback.
    callback = next(
        e
        for e in mini.edges_from("continue_hypercall_on_cpu")
        if e.callee == "continue_hypercall_tasklet_handler"
    )
    assert callback.kind is EdgeKind.POINTER


def test_domain_shutdown_reachable_from_a_trap_entry_via_vpsci(mini: TreeFacts) -> None:
    calls_only = mini.reachable_from(["do_trap_guest_sync"], kinds=[EdgeKind.CALL])
    assert calls_only["domain_shutdown"] == (
        "do_trap_guest_sync",
        "do_trap_hvc",
        "vsmccc_handle_call",
        "do_vpsci_0_2_call",
        "do_psci_0_2_system_off",
        "domain_shutdown",
    )
    everything = mini.reachable_from(["do_trap_guest_sync"])
    assert everything["domain_shutdown"] == (
        "do_trap_guest_sync",
        "do_trap_hvc",
        "do_trap_hypercall",
        "do_sched_op",
        "domain_shutdown",
    )
    steps = mini.path_edges(everything["domain_shutdown"])
    assert [(e.kind, e.location) for e in steps] == [
        (EdgeKind.CALL, "xen/arch/arm/traps.c:175"),
        (EdgeKind.CALL, "xen/arch/arm/traps.c:114"),
        (EdgeKind.TABLE, "xen/arch/arm/traps.c:67"),
        (EdgeKind.CALL, "xen/common/sched/core.c:242"),
    ]


def test_guest_reachable(mini: TreeFacts) -> None:
    reachable = mini.guest_reachable()
    assert reachable["hwdom_shutdown"][0] in {
        "do_trap_hvc",
        "do_trap_guest_sync",
        "do_trap_hypercall",
    }
    assert reachable["hwdom_shutdown"][-2:] == ("domain_shutdown", "hwdom_shutdown")
    assert "scheduler_init" not in reachable  # boot only
    assert "gic_interrupt" not in reachable  # the IRQ path
    assert reachable is mini.guest_reachable()  # memoised
    assert list(reachable) == list(facts_for_directory(minitree_root()).guest_reachable())


def test_mmio_handlers_are_entry_points(tmp_path: Path) -> None:
    facts = facts_for_directory(FIXTURES / "mmio_tree")
    found = {(e.kind, e.name, e.evidence) for e in facts.entry_points()}
    assert found == {
        (EntryKind.TRAP, "do_trap_stage2_abort_guest", "architectural trap entry"),
        (
            EntryKind.MMIO,
            "vgic_distr_read",
            "vgic_distr_ops.read registered with register_mmio_handler()",
        ),
        (
            EntryKind.MMIO,
            "vgic_distr_write",
            "vgic_distr_ops.write registered with register_mmio_handler()",
        ),
        (EntryKind.MMIO, "vuart_read", "vuart_mmio_ops.read: MMIO handler operations"),
        (EntryKind.MMIO, "vuart_write", "vuart_mmio_ops.write: MMIO handler operations"),
    }
    reachable = facts.guest_reachable()
    assert reachable["vgic_distr_write"] == (
        "do_trap_stage2_abort_guest",
        "try_handle_mmio",
        "vgic_distr_write",
    )
    member = facts.path_edges(reachable["vgic_distr_write"])[-1]
    assert (member.kind, member.location) == (EdgeKind.MEMBER, "xen/arch/arm/mmio.c:25")
    assert "ns16550_getc" not in reachable and "serial_init" not in reachable


def test_expand_macro() -> None:
    macro = MacroDef(
        "M",
        ("name", "nr"),
        "[ X_ ## name ] = { .fn = do_ ## name, .s = #name, .n = (nr) }",
        "m.h",
        1,
    )
    assert expand_macro(macro, ["sched_op", "2"]) == (
        '[ X_sched_op ] = { .fn = do_sched_op, .s = "sched_op", .n = (2) }'
    )
    variadic = MacroDef("V", ("f", "..."), "f(__VA_ARGS__)", "m.h", 2)
    assert expand_macro(variadic, ["g", "1", "2"]) == "g(1, 2)"


# -- building from a series ------------------------------------------------------------


class ListingReader:
    def __init__(self, files: dict[str, str]) -> None:
        self.files = files
        self.reads: list[str] = []

    def read(self, path: str, after_patch: int) -> str | None:
        self.reads.append(path)
        return self.files.get(path)

    def paths(self, after_patch: int) -> Sequence[str]:
        return sorted(self.files)


class PlainReader:
    def read(self, path: str, after_patch: int) -> str | None:
        return None


def test_facts_for_tree_with_a_listing_reader() -> None:
    reader = ListingReader(
        {
            "xen/a.c": "int f(void) { return g(); }\n",
            "xen/b.h": "static inline int g(void) { return 0; }\n",
            "docs/c.c": "int h(void) { return 0; }\n",
            "xen/Makefile": "obj-y += a.o\n",
        }
    )
    facts = facts_for_tree(reader, 0)
    assert list(facts.files) == ["xen/a.c", "xen/b.h"]
    assert facts.call_graph()["f"] == frozenset({"g"})
    explicit = facts_for_tree(reader, 0, paths=["xen/a.c", "xen/missing.c"])
    assert list(explicit.files) == ["xen/a.c"]


def test_facts_for_tree_needs_a_file_list() -> None:
    with pytest.raises(InputError, match="list of the tree's files"):
        facts_for_tree(PlainReader(), 0)


def test_facts_for_directory_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        facts_for_directory(tmp_path / "missing")
    (tmp_path / "x.c").write_text("void f(void) { g(); }\n")
    assert list(facts_for_directory(tmp_path).files) == ["x.c"]


@pytest.fixture(scope="module")
def suspend_v1() -> Iterator[AppliedSeries]:
    ingested = ingest([str(REPO / "patches" / "xen-arm-suspend-v1" / "series.mbox")], Settings())
    with apply_series(ingested.series[0]) as applied:
        yield applied


def test_facts_after_each_patch_of_the_suspend_series(suspend_v1: AppliedSeries) -> None:
    cache = FactCache()
    base = facts_for_tree(suspend_v1, 0, cache=cache)
    assert len(base.files) == 81 and not base.functions("system_suspend")
    after5 = facts_for_tree(suspend_v1, 5, cache=cache)
    suspend = after5.function("domain_suspend")
    assert suspend is not None and suspend.path == "xen/arch/arm/suspend.c"
    continuation = next(c for c in suspend.calls if c.callee == "continue_hypercall_on_cpu")
    assert continuation.args == ("0", "system_suspend", "NULL")
    assert continuation.assigned_to == "status"
    assert [g.text for g in continuation.guards] == ["is_hardware_domain(d)"]
    assert after5.guest_reachable()["system_suspend"] == (
        "do_trap_hvc",
        "vsmccc_handle_call",
        "do_vpsci_0_2_call",
        "do_psci_1_0_system_suspend",
        "domain_suspend",
        "system_suspend",
    )
    # Trees are read incrementally: every later tree re-reads only what its patch touches.
    parsed = cache.misses
    last = facts_for_tree(suspend_v1, 18, cache=cache)
    assert len(last.files) == 84
    assert cache.misses - parsed < 40
    assert facts_for_tree(suspend_v1, 18, cache=cache) is last
    with pytest.raises(InputError):
        facts_for_tree(suspend_v1, 19, cache=cache)


def test_system_suspend_order_and_ladder(suspend_v1: AppliedSeries) -> None:
    facts = facts_for_tree(suspend_v1, 18)
    function = facts.function("system_suspend")
    assert function is not None
    order = [c.callee for c in facts.call_order(function)]
    assert order[:4] == ["BUG_ON", "freeze_domains", "scheduler_disable", "disable_nonboot_cpus"]
    assert order[-4:] == ["rcu_barrier", "enable_nonboot_cpus", "scheduler_enable", "thaw_domains"]
    ladder = facts.error_ladder(function)
    assert [s.label for s in ladder] == [
        "resume_irqs",
        "resume_iommu",
        "resume_time",
        "resume_nonboot_cpus",
    ]
    assert [c.callee for c in ladder[-1].calls] == [
        "rcu_barrier",
        "enable_nonboot_cpus",
        "scheduler_enable",
        "thaw_domains",
    ]
    assert all(len(s.gotos) == 1 for s in ladder)
    other_vcpus = next(c for c in facts.function("domain_suspend").calls if c.callee == "test_bit")  # type: ignore[union-attr]
    assert facts.is_under_lock(other_vcpus)
    assert [c.callee for c in facts.locks_held_at(other_vcpus)] == ["domain_lock"]


# -- the cache over whole trees --------------------------------------------------------


def test_parsing_the_same_tree_twice_hits_the_cache() -> None:
    root = minitree_root()
    files = [
        (p.relative_to(root).as_posix(), p.read_bytes())
        for p in sorted((root / "xen").rglob("*"))
        if p.suffix in (".c", ".h")
    ]
    cache = FactCache()
    first = facts_for_files(files, cache)
    assert (cache.hits, cache.misses, cache.tree_hits) == (0, 81, 0)
    assert facts_for_files(files, cache) is first
    assert cache.tree_hits == 1
    changed = [(p, d + b"\n/* changed */\n" if p.endswith("vpsci.c") else d) for p, d in files]
    second = facts_for_files(changed, cache)
    assert second is not first
    assert (cache.hits, cache.misses) == (80, 82)
    assert cache.hit_rate == pytest.approx(80 / 162)


def test_parsing_the_mini_tree_cold_is_fast() -> None:
    start = time.perf_counter()
    facts = facts_for_directory(minitree_root(), FactCache())
    facts.guest_reachable()
    elapsed = time.perf_counter() - start
    assert elapsed < 1.5, f"{elapsed:.2f} s"
