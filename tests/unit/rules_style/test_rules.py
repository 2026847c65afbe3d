"""Each style rule on small hunks: where it fires, the fix it offers, where it must not."""

from __future__ import annotations

import pytest

from .helpers import changed_file, load, new_file, run

C = "xen/arch/arm/sample.c"


def fired(rule: str, body: str, path: str = C) -> list[tuple[int | None, str | None]]:
    """(target line, fix) of each finding of ``rule`` on a hunk written with markers."""
    return [(f.location.line, f.fix) for f in run(load(rule), changed_file(path, body))]


def lines_of(rule: str, body: str, path: str = C) -> list[int | None]:
    return [line for line, _ in fired(rule, body, path)]


# -- STY001 tab-indentation ---------------------------------------------------------


def test_tab_indentation_fires_and_expands_to_the_editor_column() -> None:
    body = " void f(void)\n {\n+\tfoo();\n+    x =\t1;\n+    y = 2;\t\n }\n"
    assert fired("tab_indentation", body) == [(12, "        foo();"), (13, "    x = 1;")]


def test_tab_inside_a_string_gets_no_fix() -> None:
    assert fired("tab_indentation", '+\tprintk("a\tb");\n') == [(10, None)]


def test_tab_indentation_ignores_other_files_and_context() -> None:
    assert fired("tab_indentation", "+\tfoo\n", "xen/arch/arm/Makefile") == []
    assert fired("tab_indentation", " \tfoo();\n+    bar();\n") == []


# -- STY002 indentation-not-multiple-of-four ----------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "+    if ( x )\n+       return;\n",
        "+    foo();\n+      bar();\n",
        "+    if ( x )\n+    {\n+      y();\n+    }\n",
        "+    default:\n+        foo();\n+      break;\n",
        "+    else\n+      y();\n",
    ],
)
def test_misindented_statements_fire(body: str) -> None:
    assert len(lines_of("indentation_not_multiple_of_four", body)) == 1


@pytest.mark.parametrize(
    "body",
    [
        "+    rc = foo(a,\n+             b);\n",  # aligned with the parenthesis
        "+    return a +\n+           b;\n",  # an unfinished expression
        "+    x = cond ? a\n+             : b;\n",
        "+    unsigned int a = 0,\n+                 b = 1;\n",
        "+ out:\n+    return rc;\n",  # a goto label
        "+    /*\n+     * text\n+     */\n",
        "+     * the body of a comment opened before the hunk\n",
        "+#ifdef CONFIG_ARM_64\n+#endif\n",
        "      b,\n+       c);\n",  # continues a call opened before the hunk
        "+      odd();\n",  # nothing before it in the hunk: cannot tell
    ],
)
def test_continuations_labels_and_comments_are_fine(body: str) -> None:
    assert lines_of("indentation_not_multiple_of_four", body) == []


# -- STY003 missing-space-in-control-parentheses ------------------------------------


@pytest.mark.parametrize(
    ("line", "fix"),
    [
        ("    if(x)", "    if ( x )"),
        ("    if (x)", "    if ( x )"),
        ("    if ( x)", "    if ( x )"),
        ("    while (!done) {", "    while ( !done ) {"),
        ("    for (;;)", "    for ( ;; )"),
        ("    switch(rc)", "    switch ( rc )"),
        ("    for_each_vcpu(d, v)", "    for_each_vcpu ( d, v )"),
        ("    list_for_each_entry(p, &head, list)", "    list_for_each_entry ( p, &head, list )"),
        ("    } while(0);", "    } while ( 0 );"),
        ("    if ( a ) /* then */ if(b)", "    if ( a ) /* then */ if ( b )"),
    ],
)
def test_control_parentheses_fire_with_a_fix(line: str, fix: str) -> None:
    assert fired("missing_space_in_control_parentheses", f"+{line}\n") == [(10, fix)]


def test_a_multi_line_condition_is_fixed_on_its_first_line() -> None:
    body = "+    if (a &&\n+        b)\n+        c();\n"
    assert fired("missing_space_in_control_parentheses", body) == [(10, "    if ( a &&")]


@pytest.mark.parametrize(
    "line",
    [
        "    if ( (a & b) == c )",
        "    for ( ; ; )",
        "    if ( a &&",
        "#define for_each_thing(t) for ( (t) = 0; (t) < 4; (t)++ )",
        "#define for_each_online_cpu(cpu) for_each_cpu(cpu, &cpu_online_map)",
        "#if (NR_CPUS > 1)",
        "    rc = for_each_child(node, visit);",
        '    printk("if(x) while(y)\\n");',
        "    /* if(x) is not code */",
        "    verify(x); // while(y)",
    ],
)
def test_control_parentheses_leave_these_alone(line: str) -> None:
    assert fired("missing_space_in_control_parentheses", f"+{line}\n") == []


def test_a_comment_continued_from_before_the_hunk_is_not_code() -> None:
    body = "  * the loop in while(x) spins;\n+ * so if(y) we give up\n  */\n"
    assert fired("missing_space_in_control_parentheses", body) == []


# -- STY004 opening-brace-on-statement-line / STY005 else-after-closing-brace -------


def test_brace_on_statement_lines_fires_with_a_split_fix() -> None:
    body = (
        "+static int f(int a,\n+             int b) {\n"
        "+    if ( a ) {\n+        b++;\n+        a--;\n+    }\n"
        "+    for_each_vcpu ( d, v ) {\n+        x();\n+        y();\n+    }\n"
        "+    else {\n"
    )
    assert fired("opening_brace_on_statement_line", body) == [
        (11, "             int b)\n{"),
        (12, "    if ( a )\n    {"),
        (16, "    for_each_vcpu ( d, v )\n    {"),
        (20, "    else\n    {"),
    ]


@pytest.mark.parametrize(
    "body",
    [
        "+struct foo {\n",
        "+static const struct foo bar[] = {\n",
        "+    do {\n",
        "+typedef union {\n",
        "+enum state {\n",
        "+    case 1: {\n",
        "+#define X(a) ({ \\\n",
        "+    x = (struct foo){\n",
        "+    } else {\n",  # left to else-after-closing-brace
        "+    foo(bar(x)) {\n",  # not at file level: not a function
        "+    if ( a ) { /* kept */\n",  # still flagged, but without a fix
    ],
)
def test_brace_exceptions(body: str) -> None:
    found = fired("opening_brace_on_statement_line", body)
    if "kept" in body:
        assert found == [(10, None)]
    else:
        assert found == []


def test_cuddled_else_is_split() -> None:
    body = "+    } else if ( x ) {\n+    } else\n+    } while ( 0 );\n"
    assert fired("else_after_closing_brace", body) == [
        (10, "    }\n    else if ( x )\n    {"),
        (11, "    }\n    else"),
    ]


# -- STY006 braces-around-single-statement ----------------------------------------


def test_braces_around_a_lone_statement_fire() -> None:
    body = "+    if ( !d )\n+    {\n+        return -ESRCH;\n+    }\n+    x();\n"
    assert lines_of("braces_around_single_statement", body) == [11]


def test_braces_in_a_chain_of_single_statements_fire_once() -> None:
    body = (
        "+    if ( a )\n+    {\n+        x();\n+    }\n"
        "+    else\n+    {\n+        y();\n+    }\n+    z();\n"
    )
    assert lines_of("braces_around_single_statement", body) == [11]


@pytest.mark.parametrize(
    "body",
    [
        # another branch needs them
        "+    if ( a )\n+    {\n+        x();\n+    }\n+    else\n+    {\n+        y();\n"
        "+        z();\n+    }\n+    w();\n",
        # a statement over several lines
        '+    if ( a )\n+    {\n+        printk("%d\\n",\n+               a);\n+    }\n+    w();\n',
        # a nested if
        "+    if ( a )\n+    {\n+        if ( b )\n+            x();\n+    }\n+    w();\n",
        # a comment inside
        "+    if ( a )\n+    {\n+        /* Why. */\n+        x();\n+    }\n+    w();\n",
        # a declaration
        "+    if ( a )\n+    {\n+        int y = 2;\n+    }\n+    w();\n",
        # an else may follow after the hunk
        "+    if ( a )\n+    {\n+        x();\n+    }\n",
        # the braces were there before
        "     if ( a )\n     {\n-        x();\n+        y();\n     }\n     w();\n",
        # a switch
        "+    switch ( a )\n+    {\n+        x();\n+    }\n+    w();\n",
    ],
)
def test_braces_that_may_stay(body: str) -> None:
    assert lines_of("braces_around_single_statement", body) == []


# -- STY007 trailing-whitespace / STY008 line-too-long ------------------------------


def test_trailing_whitespace() -> None:
    body = "+    x();  \n+    y();\t\n+    z();\n+    w();\r\n"
    assert fired("trailing_whitespace", body) == [(10, "    x();"), (11, "    y();")]
    assert fired("trailing_whitespace", "+all: \n", "xen/Makefile") == [(10, "all:")]


def test_long_lines() -> None:
    long_call = "    rc = " + "f" * 40 + "(argument_number_one, argument_two, arg3);"
    assert lines_of("line_too_long", f"+{long_call}\n+{'x' * 80}\n") == [10]


@pytest.mark.parametrize(
    "line",
    [
        '    printk(XENLOG_ERR "d%d: a message that is too long to fit, but it stays whole\\n",',
        '        gprintk(XENLOG_WARNING, "%pv: bad address %"PRIpaddr" in the table at %p\\n",',
        '    panic("the quick brown fox jumps over the lazy dog, and keeps on running\\n");',
        '    panic("' + "x" * 66 + '\\n");',  # only the closing of the call runs over
        "     * https://xenbits.xen.org/gitweb/?p=xen.git;a=blob;f=docs/misc/arm/device-tree.txt",
    ],
)
def test_long_lines_that_are_allowed(line: str) -> None:
    assert len(line) > 80
    assert lines_of("line_too_long", f"+{line}\n") == []


def test_a_string_starting_past_the_limit_is_no_excuse() -> None:
    line = "    " + "x" * 78 + ' = "s";'
    assert lines_of("line_too_long", f"+{line}\n") == [10]


# -- STY009 cpp-style-comment --------------------------------------------------------


def test_double_slash_comments() -> None:
    body = '+    x(); // why\n+    // alone\n+    y = "//";\n+    z(); // has */ in it\n'
    assert fired("cpp_style_comment", body) == [
        (10, "    x(); /* why */"),
        (11, "    /* alone */"),
        (13, None),
    ]


def test_urls_in_block_comments_are_not_double_slash_comments() -> None:
    body = "+    /*\n+     * See https://example.org/a//b for the details.\n+     */\n"
    assert fired("cpp_style_comment", body) == []


# -- STY010 multi-line-comment-layout -----------------------------------------------


def test_comment_layout_problems() -> None:
    body = (
        "+    /* Text on the opening line\n"
        "+       no star here\n"
        "+      * misaligned star\n"
        "+     * text before the close */\n"
    )
    assert fired("multi_line_comment_layout", body) == [
        (10, "    /*\n     * Text on the opening line"),
        (11, "     * no star here"),
        (12, "     * misaligned star"),
        (13, "     * text before the close\n     */"),
    ]


@pytest.mark.parametrize(
    "body",
    [
        "+    /* Single line. */\n",
        "+    /*\n+     * Boxed.\n+     *\n+     * Two paragraphs.\n+     */\n",
        "+/**\n+ * doc_comment - kernel-doc style.\n+ */\n",
        "+/*****************\n+ * Banner.\n+ *****************/\n",
        "+    x = 1; /* a trailing comment\n+              over two lines */\n",
        "+#define X \\\n+    /* a comment \\\n+     * in a macro */ \\\n+    1\n".replace(
            "/* a comment \\\n+     * in a macro */", "/* a comment */"
        ),
        # an old comment without stars: new lines may follow it
        "  /*\n     old style\n+    new line\n  */\n",
    ],
)
def test_comment_layouts_that_are_fine(body: str) -> None:
    assert fired("multi_line_comment_layout", body) == []


# -- STY011 missing-spdx-line / STY012 header-guard-name / STY013 local variables ----

EMACS = (
    '\n/*\n * Local variables:\n * mode: C\n * c-file-style: "BSD"\n'
    " * c-basic-offset: 4\n * indent-tabs-mode: nil\n * End:\n */\n"
)
SPDX = "/* SPDX-License-Identifier: GPL-2.0-only */\n"


def new(rule: str, path: str, text: str) -> list[tuple[int | None, str | None]]:
    return [(f.location.line, f.fix) for f in run(load(rule), new_file(path, text))]


def test_spdx_line() -> None:
    assert new("missing_spdx_line", C, SPDX + "int x;\n") == []
    assert new("missing_spdx_line", C, "int x;\n") == [
        (1, "/* SPDX-License-Identifier: GPL-2.0-only */\nint x;")
    ]
    public = "xen/include/public/foo.h"
    assert new("missing_spdx_line", public, "#ifndef X\n") == [
        (1, "/* SPDX-License-Identifier: MIT */\n#ifndef X")
    ]
    assert new("missing_spdx_line", C, "// SPDX-License-Identifier: GPL-2.0-only\n") == [
        (1, "/* SPDX-License-Identifier: GPL-2.0-only */")
    ]
    assert new("missing_spdx_line", C, "/*\n * x\n */\n" + SPDX) == [(4, None)]
    # a changed file is not a new file
    assert fired("missing_spdx_line", "+int x;\n") == []


def header(guard: str, define: str | None = None, endif: str | None = None) -> str:
    define = guard if define is None else define
    endif = f"#endif /* {guard} */" if endif is None else endif
    return f"{SPDX}#ifndef {guard}\n#define {define}\n\nint x;\n\n{endif}\n{EMACS}"


@pytest.mark.parametrize(
    ("path", "guard"),
    [
        ("xen/arch/arm/include/asm/suspend.h", "__ASM_ARM_SUSPEND_H__"),
        ("xen/arch/arm/include/asm/suspend.h", "ASM__ARM__SUSPEND_H"),
        ("xen/arch/arm/include/asm/suspend.h", "__ASM_SUSPEND_H__"),
        ("xen/arch/arm/include/asm/arm64/sve.h", "__ASM_ARM_ARM64_SVE_H__"),
        ("xen/include/xen/host-suspend.h", "__XEN_HOST_SUSPEND_H__"),
        ("xen/include/public/io/ring.h", "__XEN_PUBLIC_IO_RING_H__"),
        ("xen/include/asm-generic/bug.h", "__ASM_GENERIC_BUG_H__"),
        ("xen/common/sched/private.h", "__XEN_SCHED_PRIVATE_H__"),
        ("xen/arch/arm/vgic/vgic.h", "__XEN_ARM_VGIC_VGIC_H__"),
    ],
)
def test_guards_that_fit_their_path(path: str, guard: str) -> None:
    assert new("header_guard_name", path, header(guard)) == []


def test_guard_problems() -> None:
    path = "xen/arch/arm/include/asm/suspend.h"
    # the #endif repeats the (wrong) name: one finding, on the name
    assert new("header_guard_name", path, header("__ASM_ARM_PSCI_H__")) == [
        (2, "#ifndef __ASM_ARM_SUSPEND_H__")
    ]
    assert new(
        "header_guard_name", path, header("__ASM_ARM_SUSPEND_H__", "__ASM_ARM_SUSPND_H__")
    ) == [(3, "#define __ASM_ARM_SUSPEND_H__")]
    assert new("header_guard_name", path, header("__ASM_ARM_SUSPEND_H__", endif="#endif")) == [
        (7, "#endif /* __ASM_ARM_SUSPEND_H__ */")
    ]
    assert new("header_guard_name", path, SPDX + "int x;\n") == [(2, None)]
    assert new("header_guard_name", "xen/common/private.h", header("__FOO_H__")) == [(2, None)]


def test_local_variables_block() -> None:
    assert new("missing_local_variables_block", C, SPDX + "int x;\n" + EMACS + "\n") == []
    assert new("missing_local_variables_block", C, SPDX + "int x;\n") == [
        (2, "int x;\n" + EMACS.rstrip("\n"))
    ]
    # the block is there but code follows it
    assert [
        line for line, _ in new("missing_local_variables_block", C, SPDX + EMACS + "int x;\n")
    ] == [11]
