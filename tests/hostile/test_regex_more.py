"""The later stages' regular expressions (``maintainers``, ``model``, ``rules``, ``report``,
``integrations``), fed input built to make them backtrack, and ``ArmTree.reach`` on a long chain.

Same shape as :mod:`tests.hostile.test_regex`: each case calls the pattern
(or the function around it) the way the code does, on about 50,000
characters shaped for the worst case it had; before the rewrite they took
from seconds to hours, now milliseconds.  A case is named after the pattern.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.hostile.conftest import measured, time_limit
from xenreview import maintainers
from xenreview.code.facts import EdgeKind, facts_for_files
from xenreview.integrations import gitrepo
from xenreview.model import extract
from xenreview.report import reply, sarif
from xenreview.rules import lib_arm, lib_commit, lib_style
from xenreview.rules.lib_arm import ArmTree

LIMIT = 2.0
N = 50_000
H = N // 2
S = " " * N
T = "\t" * N

Case = tuple[str, Callable[[], object]]

CASES: list[Case] = [
    # a value with a long blank run, on a line that cannot match (10 s before)
    ("maintainers._FIELD", lambda: maintainers._is_field("W:x" + T + "y\n")),
    # blanks on both sides of the number (cubic: hours before)
    ("model.extract._INT", lambda: extract._INT.match(" " * H + "1" + " " * H + "x")),
    ("model.extract._IS_HWDOM", lambda: extract._IS_HWDOM.search(T + "x")),
    ("model.extract._IS_CONTROL", lambda: extract._IS_CONTROL.search(T + "x")),
    # pointer stars shared by two quantifiers, then an initialiser with no ";"
    (
        "rules.lib_arm._DECLARATION",
        lambda: lib_arm._DECLARATION.match("int " + "*" * H + "x = " + "a" * H),
    ),
    ("rules.lib_commit._VIA blanks", lambda: lib_commit._norm_name("Eve" + T + "x")),
    # every "via" would read to the line break (100,000 characters)
    (
        "rules.lib_commit._VIA lines",
        lambda: lib_commit._norm_name("Eve" + " via x" * (N // 3) + "\nx"),
    ),
    # "+" and "/" both join words and belong to them: exponential, 2-3 s a segment of 48 (the
    # most one may have), once per patch and rule
    (
        "rules.lib_commit._SEGMENT",
        lambda: [lib_commit.area_chain(("a/+" * 16)[:47] + "!: x") for _ in range(20)],
    ),
    ("rules.lib_style._STAR_TEXT", lambda: lib_style._STAR_TEXT.match("*" + T + "x;")),
    ("rules.lib_style._WORD_BEFORE", lambda: lib_style.word_before("1" * N + "+", N + 1)),
    ("report.reply._MSGID", lambda: reply._msgid("@" * N + " ", [], "Message-ID")),
    ("report.sarif._LINK_END", lambda: sarif.message_text("\\" * N + "(")),
    ("integrations.gitrepo._IDENT", lambda: gitrepo.parse_ident("Eve" + T + "x")),
]


@pytest.mark.parametrize(("name", "call"), CASES, ids=[name for name, _ in CASES])
def test_no_pattern_backtracks_catastrophically(name: str, call: Callable[[], object]) -> None:
    with time_limit(LIMIT):
        call()


def test_the_rewritten_patterns_still_read_normal_input() -> None:
    field = maintainers._is_field("M:\tAlice Example <alice@example.org>  ")
    assert field is not None
    assert field.groups() == ("M", "Alice Example <alice@example.org>")
    assert maintainers._is_field("M: a\nb") is None
    assert [extract._INT.match(t) is not None for t in (" ( 2u ) ", "3\n", "x1")] == [
        True,
        True,
        False,
    ]
    assert extract._IS_HWDOM.search("if ( is_hardware_domain (d) )")
    assert not extract._IS_HWDOM.search("!is_hardware_domain(d)")
    assert not extract._IS_CONTROL.search("my_is_control_domain(d)")
    declaration = lib_arm._DECLARATION.match("unsigned int * const p[2] = NULL;")
    assert declaration is not None and declaration.group(1, 2) == ("p", " NULL")
    assert lib_commit._norm_name("Alice  Example via Xen-devel") == "alice example"
    assert lib_commit._norm_name("Alice via\nXen-devel\n") == "alice"
    assert lib_commit._norm_name("Alice via X\nY") == "alice via x y"
    assert lib_commit.area_chain("xen/arm, x86 & ppc: vgic: fix") == ("xen/arm, x86 & ppc", "vgic")
    assert lib_commit.area_chain("a+ b: a ++ b: x") == ("a+ b",)
    assert lib_style._STAR_TEXT.match(" * some text")
    assert not lib_style._STAR_TEXT.match(" * f(x);")
    assert lib_style.word_before("if ( foo  (", 10) == "foo"
    assert lib_style.word_before("(", 1) is None
    assert reply._msgid("<a@b.example.org>", [], "x") == "<a@b.example.org>"
    assert reply._msgid("<@b>", [], "x") is None
    assert reply._msgid("<a@b\n>", [], "x") is None  # "$" let it through, then ValueError
    assert sarif.message_text("[x]\\](y)") == "[x]\\\\\\](y)"
    eve = gitrepo.parse_ident("Eve Example  <eve@example.org> 1700000000 +0000")
    assert (eve.name, eve.email) == ("Eve Example", "eve@example.org")


def test_reach_builds_paths_on_demand() -> None:
    """A call chain of 2,000 functions: every path built up front is 2 million names."""
    count = 2_000
    source = "".join(f"void f{i}(void) {{ f{i + 1}(); }}\n" for i in range(count))
    source += f"void f{count}(void) {{ }}\n"
    facts = facts_for_files([("xen/arch/arm/chain.c", source.encode())])
    files: dict[str, str] = {}
    tree = ArmTree(facts, files.get)
    tree.adjacency(frozenset(EdgeKind), False)  # the graph is not what is measured
    with measured(LIMIT) as cost:
        paths = tree.reach(["f0"], kinds=tuple(EdgeKind))
    assert len(paths) == count + 1
    assert paths[f"f{count}"] == tuple(f"f{i}" for i in range(count + 1))
    assert list(paths)[:3] == ["f0", "f1", "f2"]
    assert cost.peak_bytes < 2_000_000, cost.peak_bytes  # 16 MB before
