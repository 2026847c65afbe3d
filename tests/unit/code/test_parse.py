"""One C file -> CFile: functions, calls, switch arms, initialisers, masking, the cache."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from xenreview.apply.tree import minitree_root
from xenreview.code.model import CallKind, GuardKind
from xenreview.code.parse import FactCache, blob_id, mask_source, parse_c, split_args

VPSCI = "xen/arch/arm/vpsci.c"
TRAPS = "xen/arch/arm/traps.c"


def parse_tree_file(path: str):  # type: ignore[no-untyped-def]
    return parse_c((minitree_root() / path).read_bytes(), path)


# -- masking ---------------------------------------------------------------------


def test_mask_keeps_every_offset_and_blanks_attributes() -> None:
    source = (
        b"static bool __read_mostly opt_x;\n"
        b"void __init f(void)\n{\n"
        b"    for_each_vcpu ( d, v )\n        g(v);\n}\n"
        b"void __printf(1, 2) printk(const char *fmt, ...);\n"
        b'#define __init __section(".init.text")\n'
        b"#define dprintk(lvl, fmt, args...) printk(fmt, ## args)\n"
    )
    masked = mask_source(source)
    assert len(masked) == len(source)
    assert masked.count(b"\n") == source.count(b"\n")
    lines = masked.split(b"\n")
    assert lines[0] == b"static bool               opt_x;"
    assert lines[1] == b"void        f(void)"
    assert lines[3] == b"    while         ( d, v )"
    assert lines[6] == b"void                printk(const char *fmt, ...);"
    # Preprocessor lines are left alone, except GNU named variadic parameters.
    assert lines[7] == source.split(b"\n")[7]
    assert lines[8] == b"#define dprintk(lvl, fmt, args   ) printk(fmt, ## args)"


def test_mask_leaves_an_iterator_named_function_at_column_zero() -> None:
    source = b"static int\nfor_each_thing(int x)\n{\n    return x;\n}\n"
    assert mask_source(source) == source
    cfile = parse_c(source, "t.c")
    assert [f.name for f in cfile.functions] == ["for_each_thing"]


# -- the whole mini tree ---------------------------------------------------------

# Every part of the mini tree tree-sitter cannot parse, and why; anything else
# is a regression (of the masking, or of the grammar).
EXPLAINED_ERRORS = {
    # DEFINE_PER_CPU(type, name) / DECLARE_PER_CPU: a type given to a macro at file scope.
    ("xen/arch/arm/domain.c", 29, "macro_type_specifier"),
    ("xen/arch/arm/include/asm/current.h", 17, "macro_type_specifier"),
    ("xen/common/rcupdate.c", 19, "macro_type_specifier"),
    ("xen/common/rcupdate.c", 19, "declaration"),
    ("xen/common/softirq.c", 16, "macro_type_specifier"),
    ("xen/common/tasklet.c", 22, "macro_type_specifier"),
    ("xen/common/tasklet.c", 22, "declaration"),
    ("xen/common/timer.c", 24, "macro_type_specifier"),
    ("xen/common/timer.c", 24, "declaration"),
    ("xen/include/xen/softirq.h", 18, "macro_type_specifier"),
    # DECLARE_BITMAP(bits, NR_CPUS) declaring a structure member.
    ("xen/include/xen/cpumask.h", 9, "macro_type_specifier"),
    # A type given to an allocation or list macro inside a function:
    # xzalloc(struct cpu_info), xzalloc(struct vcpu), xzalloc(struct domain),
    # xzalloc_array(struct vcpu *, n), list_entry(p, struct tasklet, list).
    ("xen/arch/arm/domain.c", 50, "argument_list"),
    ("xen/common/domain.c", 41, "argument_list"),
    ("xen/common/domain.c", 93, "argument_list"),
    ("xen/common/domain.c", 106, "binary_expression"),
    ("xen/common/tasklet.c", 81, "argument_list"),
}


@pytest.fixture(scope="module")
def tree_files() -> dict[str, bytes]:
    root = minitree_root()
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "xen").rglob("*"))
        if p.suffix in (".c", ".h")
    }


def test_every_mini_tree_file_parses_with_only_explained_errors(
    tree_files: dict[str, bytes],
) -> None:
    found = set()
    for path, data in tree_files.items():
        for error in parse_c(data, path).errors:
            found.add((error.path, error.line, error.context))
    assert found == EXPLAINED_ERRORS


def test_errors_inside_functions_do_not_lose_the_call(tree_files: dict[str, bytes]) -> None:
    cfile = parse_c(tree_files["xen/common/domain.c"], "xen/common/domain.c")
    create = next(f for f in cfile.functions if f.name == "vcpu_create")
    alloc = next(c for c in create.calls if c.callee == "xzalloc")
    assert alloc.args == ("struct vcpu",)
    assert alloc.assigned_to == "v"
    array = next(c for c in cfile.calls if c.callee == "xzalloc_array")
    assert array.args == ("struct vcpu *", "max_vcpus")


# -- vpsci.c -----------------------------------------------------------------------


def test_function_list_of_vpsci() -> None:
    cfile = parse_tree_file(VPSCI)
    assert [(f.name, f.static) for f in cfile.functions] == [
        ("vaffinity_to_vcpuid", True),
        ("vcpuid_to_vaffinity", True),
        ("vpsci_build_context", True),
        ("do_psci_0_2_version", True),
        ("do_psci_0_2_cpu_on", True),
        ("do_psci_0_2_cpu_off", True),
        ("do_psci_0_2_affinity_info", True),
        ("do_psci_0_2_migrate_info_type", True),
        ("do_psci_0_2_system_off", True),
        ("do_psci_0_2_system_reset", True),
        ("do_psci_1_0_features", True),
        ("do_psci_1_0_system_suspend", True),
        ("do_vpsci_0_2_call", False),
    ]
    call = cfile.functions[-1]
    assert (call.line, call.end_line, call.body_line, call.body_end_line) == (251, 326, 252, 326)
    assert call.return_type == "bool"
    assert [(p.name, p.type) for p in call.params] == [
        ("regs", "struct cpu_user_regs *"),
        ("fid", "uint32_t"),
    ]
    build = cfile.functions[2]
    assert build.return_type == "int32_t"
    assert build.name_line == 44 and build.line == 44
    assert [p.type for p in build.params][:2] == [
        "const struct domain *",
        "struct vcpu_guest_context *",
    ]


def test_calls_inside_do_vpsci_0_2_call() -> None:
    cfile = parse_tree_file(VPSCI)
    function = next(f for f in cfile.functions if f.name == "do_vpsci_0_2_call")
    direct = [c.callee for c in function.calls if c.kind is CallKind.FUNCTION]
    assert direct == [
        "do_psci_0_2_version",
        "do_psci_0_2_cpu_off",
        "do_psci_0_2_cpu_on",
        "do_psci_0_2_cpu_on",
        "do_psci_0_2_affinity_info",
        "do_psci_0_2_affinity_info",
        "do_psci_0_2_migrate_info_type",
        "do_psci_0_2_system_off",
        "do_psci_0_2_system_reset",
        "do_psci_1_0_features",
        "do_psci_1_0_system_suspend",
    ]
    first = function.calls[0]
    assert (first.callee, first.kind, first.args, first.line, first.column) == (
        "PSCI_SET_RESULT",
        CallKind.MACRO,
        ("regs", "do_psci_0_2_version()"),
        256,
        9,
    )
    version = function.calls[1]
    assert version.outer_call == "PSCI_SET_RESULT"
    assert version.guards[0].kind is GuardKind.CASE
    assert version.guards[0].text == "PSCI_0_2_FN32_PSCI_VERSION"
    assert version.guards[0].subject == "fid"
    cpu_on = next(c for c in function.calls if c.callee == "do_psci_0_2_cpu_on")
    assert cpu_on.args == ("PSCI_ARG32(regs, 1)", "PSCI_ARG32(regs, 2)", "PSCI_ARG32(regs, 3)")

    suspend = next(c for c in function.calls if c.callee == "do_psci_1_0_system_suspend")
    assert suspend.assigned_to == "ret"
    assert suspend.location == f"{VPSCI}:317"
    assert [(g.kind, g.text) for g in suspend.guards] == [
        (GuardKind.CASE, "PSCI_1_0_FN32_SYSTEM_SUSPEND, PSCI_1_0_FN64_SYSTEM_SUSPEND")
    ]
    result = function.calls[-1]
    assert result.callee == "PSCI_SET_RESULT" and result.args == ("regs", "ret")
    assert [(g.kind, g.text) for g in result.guards][1:] == [(GuardKind.IF, "ret != PSCI_SUCCESS")]


def test_switch_arms_say_which_case_calls_what() -> None:
    cfile = parse_tree_file(VPSCI)
    arms = {
        arm.labels: [c.callee for c in arm.calls if c.kind is CallKind.FUNCTION]
        for arm in cfile.cases
        if arm.function == "do_vpsci_0_2_call"
    }
    assert arms[("PSCI_0_2_FN32_SYSTEM_OFF",)] == ["do_psci_0_2_system_off"]
    assert arms[("PSCI_1_0_FN32_SYSTEM_SUSPEND", "PSCI_1_0_FN64_SYSTEM_SUSPEND")] == [
        "do_psci_1_0_system_suspend"
    ]
    assert arms[("default",)] == []
    features = next(a for a in cfile.cases if a.function == "do_psci_1_0_features")
    assert len(features.labels) == 12 and features.calls == ()


def test_strings_comments_and_locals_of_vpsci() -> None:
    cfile = parse_tree_file(VPSCI)
    assert any(s.value == "SYSTEM_SUSPEND: resume at 0x%" and s.line == 245 for s in cfile.strings)
    spdx = cfile.comments[0]
    assert spdx.text == "/* SPDX-License-Identifier: GPL-2.0-only */"
    assert (spdx.line, spdx.function) == (1, None)
    inside = [c for c in cfile.comments if c.function == "do_psci_1_0_system_suspend"]
    assert [c.line for c in inside] == [207, 216, 239]
    suspend = next(f for f in cfile.functions if f.name == "do_psci_1_0_system_suspend")
    assert suspend.locals == ("cid", "ctxt", "curr", "d", "epoint", "ret", "v")


# -- traps.c -------------------------------------------------------------------------


def test_hypercall_table_initialiser_and_its_macro() -> None:
    cfile = parse_tree_file(TRAPS)
    table = next(i for i in cfile.initializers if i.name == "arm_hypercall_table")
    assert (table.type, table.static, table.function, table.line) == (
        "arm_hypercall_t",
        True,
        None,
        39,
    )
    assert [(e.macro, e.macro_args) for e in table.entries] == [
        ("HYPERCALL", ("xen_version", "2")),
        ("HYPERCALL", ("console_io", "3")),
        ("HYPERCALL", ("sched_op", "2")),
        ("HYPERCALL", ("event_channel_op", "2")),
        ("HYPERCALL", ("domctl", "1")),
    ]
    macro = next(m for m in cfile.macros if m.name == "HYPERCALL")
    assert macro.params == ("name", "nr")
    assert macro.body.startswith("[ __HYPERVISOR_ ## name ] = {")


def test_assignments_through_pointers() -> None:
    cfile = parse_tree_file(TRAPS)
    result = next(a for a in cfile.assignments if a.function == "arch_hypercall_tasklet_result")
    assert (result.target, result.op, result.value) == ("regs->x0", "=", "res")
    assert (result.base, result.member, result.through_pointer) == ("regs", "x0", True)
    pc = next(a for a in cfile.assignments if a.function == "advance_pc")
    assert (pc.target, pc.op) == ("regs->pc", "+=")
    local = next(a for a in cfile.assignments if a.target == "call")
    assert local.through_pointer is False and local.value == "arm_hypercall_table[*nr].fn"


def test_indirect_calls() -> None:
    cfile = parse_tree_file(TRAPS)
    through_table = next(c for c in cfile.calls if c.callee == "call")
    assert through_table.kind is CallKind.INDIRECT
    assert through_table.assigned_to == "regs->x0"
    mmio = parse_tree_file("xen/arch/arm/mmio.c")
    read = next(c for c in mmio.calls if c.callee == "handler->ops->read")
    assert (read.kind, read.member, read.in_condition) == (CallKind.INDIRECT, "read", True)


def test_prototypes_and_macro_typed_parameters() -> None:
    cfile = parse_tree_file("xen/include/xen/hypercall.h")
    assert "do_sched_op" in [p.name for p in cfile.prototypes]
    core = parse_tree_file("xen/common/sched/core.c")
    sched_op = next(f for f in core.functions if f.name == "do_sched_op")
    assert [p.name for p in sched_op.params] == ["cmd", "arg"]
    assert sched_op.params[1].type == "XEN_GUEST_HANDLE_PARAM(void)"
    init = next(f for f in core.functions if f.name == "scheduler_init")
    assert init.return_type == "void"  # __init masked
    panic = next(c for c in init.calls if c.callee == "panic")
    assert [g.text for g in panic.guards] == ["idle == NULL"]


def test_iterator_macros_become_loops() -> None:
    cfile = parse_tree_file("xen/common/domain.c")
    freeze = next(f for f in cfile.functions if f.name == "freeze_domains")
    pause = next(c for c in freeze.calls if c.callee == "domain_pause")
    assert [(g.kind, g.text) for g in pause.guards] == [(GuardKind.LOOP, "for_each_domain ( d )")]


# -- robustness ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        b"",
        b"int f(void) {",
        b"}}}{{{ ))) (((",
        b"void f(void) { if ( x ) else { y(); } }",
        b"\xff\xfe garbage \x00 bytes",
        b"#define X(a, ...) a(__VA_ARGS__)\nvoid f(void) { X(g, 1, 2); }",
        'void f(void) { g("é"); h(); }'.encode(),
    ],
)
def test_bad_c_never_raises(source: bytes) -> None:
    cfile = parse_c(source, "bad.c")
    assert cfile.path == "bad.c"


def test_columns_count_characters_not_bytes() -> None:
    cfile = parse_c('void f(void) { g("é"); h(); }'.encode(), "u.c")
    assert [(c.callee, c.column) for c in cfile.calls] == [("g", 16), ("h", 24)]


def test_split_args() -> None:
    assert split_args("(a, f(b, c), \"x,y\", '\\,', {1, 2})") == (
        "a",
        "f(b, c)",
        '"x,y"',
        "'\\,'",
        "{1, 2}",
    )
    assert split_args("()") == ()
    assert split_args("(a,\n      b)") == ("a", "b")


# -- the cache ---------------------------------------------------------------------


def test_blob_id_is_gits() -> None:
    assert blob_id(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"
    data = b"int x;\n"
    assert blob_id(data) == hashlib.sha1(b"blob 7\0" + data).hexdigest()


def test_cache_parses_each_blob_once(tree_files: dict[str, bytes]) -> None:
    cache = FactCache()
    first = [cache.get(data, path) for path, data in tree_files.items()]
    assert (cache.hits, cache.misses) == (0, len(tree_files))
    second = [cache.get(data, path) for path, data in tree_files.items()]
    assert all(a is b for a, b in zip(first, second, strict=True))
    assert (cache.hits, cache.misses) == (len(tree_files), len(tree_files))
    assert cache.hit_rate == pytest.approx(0.5)


def test_cache_is_bounded() -> None:
    cache = FactCache(max_files=2)
    for n in range(3):
        cache.get(f"int x{n};\n".encode(), "a.c")
    cache.get(b"int x0;\n", "a.c")
    assert (cache.hits, cache.misses) == (0, 4)


def test_every_record_is_frozen() -> None:
    cfile = parse_c(b"void f(void) { g(1); }", "f.c")
    with pytest.raises(AttributeError):
        cfile.calls[0].callee = "h"  # type: ignore[misc]
    assert isinstance(cfile.functions, tuple) and isinstance(cfile.calls[0].args, tuple)


def test_mini_tree_root_exists() -> None:
    assert isinstance(minitree_root(), Path)


def test_a_grammar_that_cannot_load_is_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from xenreview.code import parse
    from xenreview.errors import InternalError

    def refuse(_capsule: object) -> None:
        raise ValueError("Incompatible Language version 99")

    parse._parser.cache_clear()
    monkeypatch.setattr(parse, "Language", refuse)
    try:
        with pytest.raises(InternalError, match="cannot load the C grammar"):
            parse_c(b"int x;", "x.c")
    finally:
        monkeypatch.undo()
        parse._parser.cache_clear()
    assert parse_c(b"int f(void) { return 0; }", "x.c").functions[0].name == "f"
