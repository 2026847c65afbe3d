"""The bundled mini Xen tree: it compiles, follows its own coding style, has a
well-formed MAINTAINERS file and holds the functions later rules rely on."""

from __future__ import annotations

import fnmatch
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from xenreview.errors import InputError
from xenreview.minitree import SyntaxProblem, syntax_check, syntax_check_command, tree_root

TREE = tree_root()
C_FILES = sorted(TREE.glob("xen/**/*.c"))
C_SOURCES = sorted([*C_FILES, *TREE.glob("xen/**/*.h")])
HAVE_GCC = shutil.which("gcc") is not None

needs_gcc = pytest.mark.skipif(not HAVE_GCC, reason="gcc is not installed")


def rel(path: Path) -> str:
    return path.relative_to(TREE).as_posix()


# --- the tree itself -----------------------------------------------------------


def test_tree_root_holds_xen_maintainers_and_coding_style() -> None:
    assert (TREE / "xen" / "arch" / "arm").is_dir()
    assert (TREE / "xen" / "common").is_dir()
    assert (TREE / "MAINTAINERS").is_file()
    assert (TREE / "CODING_STYLE").is_file()


def test_size_stays_small_but_complete() -> None:
    c_lines = sum(len(p.read_text().splitlines()) for p in C_FILES)
    assert 3000 <= c_lines <= 5000
    assert len(C_FILES) >= 20


def test_suspend_c_is_left_for_the_series() -> None:
    assert not (TREE / "xen/arch/arm/suspend.c").exists()
    assert not (TREE / "xen/arch/arm/include/asm/suspend.h").exists()


def test_every_directory_with_c_files_has_a_makefile_listing_them() -> None:
    for folder in sorted({p.parent for p in C_FILES}):
        makefile = (folder / "Makefile").read_text()
        for c_file in folder.glob("*.c"):
            assert f"obj-y += {c_file.stem}.o" in makefile, rel(c_file)


# --- syntax check -------------------------------------------------------------


def test_syntax_check_command_is_the_documented_gcc_line() -> None:
    command = syntax_check_command(TREE, TREE / "xen/arch/arm/vpsci.c")
    assert command == [
        "gcc",
        "-fsyntax-only",
        "-std=gnu11",
        "-Wall",
        "-Werror",
        "-ffreestanding",
        "-nostdinc",
        "-I",
        "xen/include",
        "-I",
        "xen/arch/arm/include",
        "xen/arch/arm/vpsci.c",
    ]
    assert syntax_check_command(TREE, Path("xen/common/cpu.c"), "clang")[0] == "clang"
    assert syntax_check_command(TREE, Path("xen/common/cpu.c"))[-1] == "xen/common/cpu.c"


@needs_gcc
def test_every_c_file_passes_the_syntax_check() -> None:
    assert syntax_check(TREE) == []


@needs_gcc
def test_syntax_check_reports_file_and_line(tmp_path: Path) -> None:
    shutil.copytree(TREE / "xen" / "include", tmp_path / "xen" / "include")
    shutil.copytree(TREE / "xen/arch/arm/include", tmp_path / "xen/arch/arm/include")
    bad = tmp_path / "xen" / "common" / "bad.c"
    bad.parent.mkdir(parents=True)
    bad.write_text("#include <xen/lib.h>\n\nint f(void)\n{\n    return nowhere;\n}\n")
    (tmp_path / "xen" / "common" / "good.c").write_text("#include <xen/sched.h>\n")

    problems = syntax_check(tmp_path)

    assert len(problems) == 1
    assert problems[0].file == Path("xen/common/bad.c")
    assert problems[0].line == 5
    assert "nowhere" in problems[0].message


@needs_gcc
def test_syntax_check_turns_warnings_into_problems(tmp_path: Path) -> None:
    (tmp_path / "xen").mkdir()
    (tmp_path / "xen" / "w.c").write_text("int f(int x)\n{\n    int unused;\n    return x;\n}\n")
    problems = syntax_check(tmp_path)
    assert [(p.file, p.line) for p in problems] == [(Path("xen/w.c"), 3)]
    assert "unused" in problems[0].message


def test_syntax_check_without_compiler_is_an_input_error() -> None:
    with pytest.raises(InputError, match="not found"):
        syntax_check(TREE, compiler="no-such-compiler-xenreview")


@needs_gcc
def test_syntax_check_outside_a_tree_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no xen/ folder"):
        syntax_check(tmp_path)


def test_syntax_problem_is_frozen() -> None:
    problem = SyntaxProblem(Path("xen/a.c"), 1, "boom")
    with pytest.raises(AttributeError):
        problem.line = 2  # type: ignore[misc]


# --- coding style -------------------------------------------------------------

EMACS_BLOCK = """/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
"""
SPDX = re.compile(r"/\* SPDX-License-Identifier: [\w.+-]+ \*/")
STRING_OR_CHAR = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'')
KEYWORD_PAREN = re.compile(r"\b(if|while|for|switch)\s*\(")
BRACE_AFTER_CONTROL = re.compile(r"^\s*(?:\}\s*)?(?:if|else|for|while|switch)\b.*\{\s*$")
CLOSE_THEN_ELSE = re.compile(r"\}\s*else\b")
ITERATOR = re.compile(r"\bfor_each_\w+(?:\(| \((?! ))")


def style_problems(text: str) -> list[str]:
    """Our own small checker for the rules of the tree's CODING_STYLE."""
    problems: list[str] = []
    lines = text.split("\n")
    if not SPDX.fullmatch(lines[0]):
        problems.append("line 1: no SPDX tag")
    if not text.endswith(EMACS_BLOCK):
        problems.append("end: no emacs block")
    in_comment = False
    for number, line in enumerate(lines, start=1):
        where = f"line {number}"
        if "\t" in line:
            problems.append(f"{where}: tab")
        if len(line) > 80:
            problems.append(f"{where}: longer than 80 columns")
        if line != line.rstrip():
            problems.append(f"{where}: trailing white space")
        code = STRING_OR_CHAR.sub('""', line)
        if in_comment:
            if "*/" not in code:
                continue
            text, code = code.split("*/", 1)
            in_comment = False
            if text.strip():
                problems.append(f"{where}: text before the */ of a multi-line comment")
        code = re.sub(r"/\*.*?\*/", "", code)
        if "/*" in code:
            code, opened = code.split("/*", 1)
            in_comment = True
            if opened.strip():
                problems.append(f"{where}: text after the /* of a multi-line comment")
        if "//" in code:
            problems.append(f"{where}: // comment")
        for match in KEYWORD_PAREN.finditer(code):
            problems.extend(_paren_problems(code, match, where))
        if ITERATOR.search(code) and not code.lstrip().startswith("#define"):
            problems.append(f"{where}: want 'for_each_... ( '")
        if BRACE_AFTER_CONTROL.match(code) and not code.strip().startswith("do"):
            problems.append(f"{where}: brace not on its own line")
        if CLOSE_THEN_ELSE.search(code):
            problems.append(f"{where}: else on the closing brace's line")
    return problems


def _paren_problems(code: str, match: re.Match[str], where: str) -> list[str]:
    keyword = match.group(1)
    if match.group(0) != f"{keyword} (":
        return [f"{where}: want '{keyword} ( '"]
    start = match.end()
    if start < len(code) and code[start] != " ":
        return [f"{where}: no space inside '{keyword} ('"]
    depth = 1
    for index in range(start, len(code)):
        depth += {"(": 1, ")": -1}.get(code[index], 0)
        if depth == 0:
            if code[index - 1] != " ":
                return [f"{where}: no space before ')' of '{keyword}'"]
            return []
    return []  # the condition continues on the next line


@pytest.mark.parametrize("path", C_SOURCES, ids=rel)
def test_c_file_follows_the_coding_style(path: Path) -> None:
    assert style_problems(path.read_text()) == []


GOOD = (
    "/* SPDX-License-Identifier: GPL-2.0-only */\n"
    "static int f(int x)\n"
    "{\n"
    '    const char *s = "if(x) // not code";\n'
    "\n"
    "    if ( x && (x > 1) )\n"
    "        return 1;\n"
    "    do {\n"
    "        x--;\n"
    "    } while ( x );\n"
    "    return s != 0; /* if(x) is fine in a comment */\n"
    "}\n" + "\n" + EMACS_BLOCK
)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("    if ( x && (x > 1) )", "\tif ( x && (x > 1) )", "tab"),
        ("    return 1;", "    return 1; // one", "// comment"),
        ("    if ( x && (x > 1) )", "    if( x && (x > 1) )", "want 'if ( '"),
        ("    if ( x && (x > 1) )", "    if (x && (x > 1) )", "no space inside"),
        ("    if ( x && (x > 1) )", "    if ( x && (x > 1))", "no space before ')'"),
        ("    } while ( x );", "    } while (x);", "no space inside"),
        ("    if ( x && (x > 1) )", "    if ( x && (x > 1) ) {", "brace not on its own line"),
        ("    return 1;", "    return 1;" + " " * 70, "longer than 80 columns"),
        ("/* SPDX-License-Identifier: GPL-2.0-only */", "/* GPL */", "no SPDX tag"),
        (" * End:\n */\n", " * End:\n */\nint x;\n", "no emacs block"),
        ("    return 1;\n", "    /* one\n     * two */\n    return 1;\n", "text after the /*"),
        ("    return 1;\n", "    /*\n     * two */\n    return 1;\n", "text before the */"),
        ("    do {", "    for_each_vcpu(d, v)\n        x++;\n    do {", "for_each_"),
        ("    do {", "    for_each_vcpu (d, v)\n        x++;\n    do {", "for_each_"),
        ("    if ( x && (x > 1) )", "    } else if ( x && (x > 1) )", "else on the closing"),
    ],
)
def test_style_checker_catches_breakage(before: str, after: str, expected: str) -> None:
    assert style_problems(GOOD) == []
    broken = GOOD.replace(before, after, 1)
    assert broken != GOOD
    assert any(expected in problem for problem in style_problems(broken))


# --- MAINTAINERS --------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    title: str
    fields: tuple[tuple[str, str], ...]

    def values(self, letter: str) -> list[str]:
        return [value for key, value in self.fields if key == letter]


FIELD = re.compile(r"^([A-Z]):\t(\S.*)$")
IDENTITY = re.compile(r"^[A-Z][\w.' -]+ <[\w.+-]+@example\.org>$")


def parse_maintainers(text: str) -> list[Entry]:
    """Entries after the dashed separator: a title line, then X:<tab>value lines."""
    _, _, body = text.partition("-----------------------------------\n")
    entries: list[Entry] = []
    for block in body.strip("\n").split("\n\n"):
        title, *rest = block.split("\n")
        fields = []
        for line in rest:
            match = FIELD.match(line)
            assert match, f"{title}: bad line {line!r}"
            fields.append((match[1], match[2]))
        entries.append(Entry(title, tuple(fields)))
    return entries


def _pattern_matches(pattern: str, path: str) -> bool:
    want, have = pattern.rstrip("/").split("/"), path.split("/")
    if pattern.endswith("/"):
        return len(have) > len(want) and all(map(fnmatch.fnmatchcase, have, want))
    return len(have) == len(want) and all(map(fnmatch.fnmatchcase, have, want))


def sections_for(entries: list[Entry], path: str) -> list[str]:
    return [
        e.title
        for e in entries
        if any(_pattern_matches(p, path) for p in e.values("F"))
        and not any(_pattern_matches(p, path) for p in e.values("X"))
    ]


ENTRIES = parse_maintainers((TREE / "MAINTAINERS").read_text())


def test_maintainers_entries_are_well_formed() -> None:
    titles = [e.title for e in ENTRIES]
    assert titles[-1] == "THE REST"
    assert titles[:-1] == sorted(titles[:-1])
    for entry in ENTRIES:
        assert entry.title == entry.title.upper(), entry.title
        assert entry.values("M"), entry.title
        assert entry.values("F"), entry.title
        assert entry.values("L") == ["xen-devel@lists.xenproject.org"], entry.title
        assert len(entry.values("S")) == 1, entry.title
        for person in entry.values("M") + entry.values("R"):
            assert IDENTITY.match(person), person
        for pattern in entry.values("F") + entry.values("X"):
            assert not pattern.startswith("/") and " " not in pattern, pattern


def test_maintainers_has_the_sections_the_product_needs() -> None:
    titles = {e.title for e in ENTRIES}
    assert {
        "ARM ARCHITECTURE",
        "ARM SUSPEND TO RAM",
        "CONSOLE",
        "EVENT CHANNELS",
        "IOMMU VENDOR INDEPENDENT CODE",
        "SCHEDULING",
        "X86 ARCHITECTURE",
        "THE REST",
    } <= titles
    suspend = next(e for e in ENTRIES if e.title == "ARM SUSPEND TO RAM")
    assert suspend.values("K")
    assert any(e.values("X") for e in ENTRIES)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("xen/arch/arm/vpsci.c", ["ARM ARCHITECTURE", "THE REST"]),
        ("xen/arch/arm/suspend.c", ["ARM ARCHITECTURE", "ARM SUSPEND TO RAM", "THE REST"]),
        ("xen/common/sched/core.c", ["SCHEDULING", "THE REST"]),
        ("xen/common/event_channel.c", ["EVENT CHANNELS", "THE REST"]),
        ("xen/drivers/passthrough/iommu.c", ["IOMMU VENDOR INDEPENDENT CODE", "THE REST"]),
        ("xen/drivers/passthrough/arm/smmu.c", ["ARM ARCHITECTURE", "THE REST"]),
        ("xen/drivers/char/console.c", ["CONSOLE", "THE REST"]),
        ("xen/arch/x86/acpi/power.c", ["THE REST", "X86 ARCHITECTURE"]),
        ("xen/common/domain.c", ["THE REST"]),
        ("MAINTAINERS", ["THE REST"]),
    ],
)
def test_maintainers_sections_cover_the_expected_files(path: str, expected: list[str]) -> None:
    assert sorted(sections_for(ENTRIES, path)) == expected


def test_the_rest_covers_every_file_of_the_tree() -> None:
    for path in sorted(TREE.rglob("*")):
        if path.is_file():
            assert "THE REST" in sections_for(ENTRIES, rel(path)), rel(path)


# --- what later rules and the series rely on ----------------------------------


def _all_c_text() -> dict[str, str]:
    return {rel(p): p.read_text() for p in C_SOURCES}


def _definitions(name: str) -> list[str]:
    """Files defining function `name`: return type, name, parameters, then '{' alone."""
    definition = re.compile(
        rf"^[A-Za-z_][\w \t*]*\b{re.escape(name)}\([^;{{}}]*\)\n\{{", re.MULTILINE
    )
    return [path for path, text in _all_c_text().items() if definition.search(text)]


FUNCTIONS = {
    "xen/arch/arm/vpsci.c": [
        "do_vpsci_0_2_call",
        "do_psci_0_2_cpu_on",
        "do_psci_0_2_cpu_off",
        "do_psci_0_2_affinity_info",
        "do_psci_0_2_system_off",
        "do_psci_0_2_system_reset",
        "do_psci_1_0_system_suspend",
    ],
    "xen/arch/arm/psci.c": ["call_psci_cpu_off", "call_psci_system_suspend", "psci_init"],
    "xen/arch/arm/traps.c": [
        "do_trap_guest_sync",
        "do_trap_hvc",
        "do_trap_smc",
        "do_trap_stage2_abort_guest",
        "arch_hypercall_tasklet_result",
    ],
    "xen/arch/arm/domain.c": [
        "arch_set_info_guest",
        "_arch_set_info_guest",
        "context_switch",
        "idle_loop",
        "vcpu_kick",
        "vcpu_mark_events_pending",
    ],
    "xen/arch/arm/smpboot.c": ["__cpu_up", "__cpu_disable", "__cpu_die", "stop_cpu"],
    "xen/arch/arm/gic.c": ["gic_save_state", "gic_restore_state", "register_gic_ops"],
    "xen/arch/arm/gic-v2.c": ["gicv2_suspend", "gicv2_resume"],
    "xen/arch/arm/time.c": ["init_timer_interrupt", "reprogram_timer"],
    "xen/arch/arm/mmio.c": ["try_handle_mmio"],
    "xen/arch/arm/shutdown.c": ["machine_restart", "machine_halt"],
    "xen/common/domain.c": [
        "domain_pause",
        "domain_unpause",
        "domain_pause_by_systemcontroller",
        "domain_unpause_by_systemcontroller",
        "domain_shutdown",
        "domain_resume",
        "vcpu_pause",
        "vcpu_unpause",
        "freeze_domains",
        "thaw_domains",
        "continue_hypercall_on_cpu",
    ],
    "xen/common/cpu.c": ["cpu_up", "cpu_down", "disable_nonboot_cpus", "enable_nonboot_cpus"],
    "xen/common/sched/core.c": [
        "vcpu_block",
        "vcpu_unblock",
        "vcpu_wake",
        "scheduler_disable",
        "scheduler_enable",
        "do_sched_op",
        "domain_watchdog_timeout",
    ],
    "xen/common/event_channel.c": [
        "evtchn_send",
        "evtchn_port_set_pending",
        "do_event_channel_op",
    ],
    "xen/common/domctl.c": ["do_domctl"],
    "xen/common/shutdown.c": ["hwdom_shutdown"],
    "xen/common/tasklet.c": ["tasklet_init", "tasklet_schedule_on_cpu", "do_tasklet"],
    "xen/common/rcupdate.c": ["rcu_barrier"],
    "xen/common/timer.c": ["init_timer", "set_timer", "stop_timer"],
    "xen/drivers/char/console.c": ["printk", "console_init", "panic"],
    "xen/drivers/passthrough/iommu.c": ["iommu_setup", "iommu_get_ops"],
    "xen/include/xen/sched.h": ["is_hardware_domain", "is_control_domain"],
}


@pytest.mark.parametrize(
    ("path", "name"), [(path, name) for path, names in FUNCTIONS.items() for name in names]
)
def test_function_is_defined_where_expected(path: str, name: str) -> None:
    assert _definitions(name) == [path]


def test_definition_finder_ignores_prototypes_and_calls() -> None:
    assert _definitions("no_such_function") == []
    # Declared in a header and called from vpsci.c, defined only in domain.c.
    assert _definitions("domain_shutdown") == ["xen/common/domain.c"]


@pytest.mark.parametrize(
    "pattern",
    [
        r"#define current\b",
        r"#define dprintk\(",
        r"#define gprintk\(",
        r"#define BUG_ON\(",
        r"#define XENLOG_ERR\b",
        r"#define PRIregister\b",
        r"typedef uint64_t register_t;",
        r"#define PSCI_SET_RESULT\(",
        r"#define for_each_domain\(",
        r"#define for_each_vcpu\(",
        r"\bSYS_STATE_active,",
        r"\bSYS_STATE_suspend,",
        r"\} system_state;",
        r"^enum system_state system_state = ",
        r"#define SHUTDOWN_suspend 2\b",
        r"#define SCHEDOP_shutdown 2\b",
        r"#define _VPF_down\b",
        r"arm_hypercall_table\[\] = \{",
        r"void arm_smccc_smc\(",
        r"int \(\*suspend\)\(void\);",
    ],
)
def test_symbol_the_series_uses_is_there(pattern: str) -> None:
    regex = re.compile(pattern, re.MULTILINE)
    assert any(regex.search(text) for text in _all_c_text().values()), pattern


def _body(path: str, name: str) -> str:
    text = (TREE / path).read_text()
    start = re.search(rf"^[A-Za-z_][\w \t*]*\b{name}\(", text, re.MULTILINE)
    assert start, name
    end = text.index("\n}\n", start.end())
    return text[start.start() : end]


def _in_order(body: str, *needles: str) -> bool:
    """Each needle occurs somewhere after the previous one."""
    position = 0
    for needle in needles:
        position = body.find(needle, position)
        if position < 0:
            return False
        position += len(needle)
    return True


def test_guest_system_suspend_follows_the_landed_order() -> None:
    body = _body("xen/arch/arm/vpsci.c", "do_psci_1_0_system_suspend")
    assert _in_order(
        body,
        "is_hardware_domain(d)",
        "return PSCI_DENIED;",
        "domain_lock(d);",
        "test_bit(_VPF_down, &v->pause_flags)",
        "vpsci_build_context(",
        "domain_shutdown(d, SHUTDOWN_suspend)",
        "_arch_set_info_guest(curr, &ctxt);",
        "domain_unlock(d);",
    )
    dispatch = _body("xen/arch/arm/vpsci.c", "do_vpsci_0_2_call")
    assert "if ( ret != PSCI_SUCCESS )\n            PSCI_SET_RESULT(regs, ret);" in dispatch


def test_the_defects_later_rules_point_at_are_present() -> None:
    handler = _body("xen/common/domain.c", "continue_hypercall_tasklet_handler")
    assert _in_order(handler, "ret = v->continue_func(", "arch_hypercall_tasklet_result(v, ret);")
    assert "regs->x0 = res;" in _body("xen/arch/arm/traps.c", "arch_hypercall_tasklet_result")
    shutdown = _body("xen/common/domain.c", "domain_shutdown")
    assert _in_order(shutdown, "is_hardware_domain(d)", "hwdom_shutdown(reason);")
    hwdom = _body("xen/common/shutdown.c", "hwdom_shutdown")
    assert "SHUTDOWN_suspend" not in hwdom
    assert _in_order(hwdom, "default:", "machine_restart(0);")


def test_freeze_and_thaw_walk_every_domain() -> None:
    assert "for_each_domain ( d )\n        domain_pause(d);" in _body(
        "xen/common/domain.c", "freeze_domains"
    )
    assert "for_each_domain ( d )\n        domain_unpause(d);" in _body(
        "xen/common/domain.c", "thaw_domains"
    )
    assert "call_psci_cpu_off();" in _body("xen/arch/arm/smpboot.c", "stop_cpu")
    assert "BUG_ON(smp_processor_id() != 0);" in _body("xen/common/cpu.c", "disable_nonboot_cpus")
