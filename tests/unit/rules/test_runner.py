"""Running rules at their scopes: tree rules name the patch that introduced a problem,
crashing rules become tool errors, rules that need a tree are skipped without one."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest

from tests.unit.rules.conftest import CRASH, HOOKS, NOTES
from xenreview.ingest import ingest
from xenreview.ingest.model import Series, Severity
from xenreview.rules.api import Finding, LoadedRule, Location
from xenreview.rules.finder import Catalogue, find_rules
from xenreview.rules.runner import CachedReader, finalize, run_on_tree, run_rules
from xenreview.rules.testing import DirectoryReader
from xenreview.settings import Settings

SOFTIRQ = "xen/common/softirq.c"


@cache
def _series(path: str) -> Series:
    (series,) = ingest([path], Settings()).series
    return series


def _hooks() -> Series:
    return _series(str(HOOKS))


def _notes() -> Series:
    return _series(str(NOTES))


def _states() -> dict[int, dict[str, str]]:
    """The tree after each patch of hooks.mbox, in small."""
    return {
        0: {SOFTIRQ: "void do_softirq(void)\n{\n}\n"},
        1: {SOFTIRQ: "void do_softirq(void)\n{\n    forbidden_call(1);\n}\n"},
        2: {SOFTIRQ: "void do_softirq(void)\n{\n    /* reworded */\n    forbidden_call(1);\n}\n"},
        3: {
            SOFTIRQ: "void do_softirq(void)\n{\n    /* reworded */\n    forbidden_call(1);\n"
            "    forbidden_call(3);\n}\n"
        },
    }


def _rule(catalogue: Catalogue, code: str) -> LoadedRule:
    found = catalogue.lookup(code)
    assert found is not None
    return found


def _codes(findings: tuple[Finding, ...]) -> list[str]:
    return [f.code for f in findings]


def test_tree_findings_name_the_patch_that_introduced_them(demo: Catalogue) -> None:
    tree_rule = [_rule(demo, "TST002")]
    run = run_rules(tree_rule, _hooks(), tree=DirectoryReader(_states()))
    assert run.errors == ()
    assert [(f.location.patch, f.location.line, f.excerpt) for f in run.findings] == [
        (1, 3, "    forbidden_call(1);"),
        (3, 5, "    forbidden_call(3);"),
    ]
    first = run.findings[0]
    assert first.location.path == SOFTIRQ
    assert first.location.message_id == "hooks-1@example.org"
    assert first.location.total == 3


def test_a_patch_that_did_not_apply_introduces_nothing(demo: Catalogue) -> None:
    states = _states()
    states[3] = states[2]  # patch 3 left the tree as it was
    tree_rule = [demo.rules[1]]
    run = run_rules(tree_rule, _hooks(), tree=DirectoryReader(states), applied={1, 2})
    assert [f.location.patch for f in run.findings] == [1]


def test_the_whole_tree_state_without_before_after(demo: Catalogue) -> None:
    run = run_on_tree([demo.rules[1]], _hooks(), DirectoryReader(_states()), 3)
    assert [f.location.line for f in run.findings] == [4, 5]


def test_rules_that_need_the_tree_are_skipped_without_one(demo: Catalogue) -> None:
    run = run_rules(demo.rules, _hooks(), no_tree_reason="not applied (--no-apply)")
    assert [(s.code, s.reason) for s in run.skipped] == [
        ("TST002", "needs the patched tree: not applied (--no-apply)")
    ]
    assert "TST002" not in _codes(run.findings)


def test_added_line_rules_see_added_lines_of_their_paths(demo: Catalogue) -> None:
    run = run_rules([demo.rules[0]], _notes())
    assert [(f.location.line, f.location.path) for f in run.findings] == [
        (31, "xen/common/tasklet.c"),
        (33, "xen/common/tasklet.c"),
        (34, "xen/common/tasklet.c"),
    ]
    first = run.findings[0]
    assert first.excerpt == "    /* TODO: check that the pCPU is online */"
    assert first.fix == "    /* NOTE: check that the pCPU is online */"
    assert first.location.diff_line is not None
    assert first.severity is Severity.WARNING
    limited = replace(demo.rules[0], rule=replace(demo.rules[0].rule, paths=("*.h",)))
    assert run_rules([limited], _notes()).findings == ()


def test_patch_rules_run_once_per_patch(demo: Catalogue) -> None:
    run = run_rules([_rule(demo, "TST004")], _hooks())
    assert [f.location.patch for f in run.findings] == [1, 2, 3]
    short = run_rules([_rule(demo, "TST003")], _hooks())
    assert [f.location.patch for f in short.findings] == [2, 3]  # patch 1 says enough


def test_a_crashing_rule_is_a_tool_error_and_the_others_go_on(demo: Catalogue) -> None:
    crash = find_rules([CRASH], bundled=False, entry_points=False)
    run = run_rules([*crash.rules, *demo.rules], _hooks(), tree=DirectoryReader(_states()))
    by_code = {e.code: e for e in run.errors}
    assert set(by_code) == {"TST900", "TST901"}
    boom = by_code["TST900"]
    assert boom.origin == f"folder:{CRASH}"
    assert boom.where is not None and boom.where.startswith(f"patch 1/3, {SOFTIRQ} @@")
    assert boom.message.startswith("ValueError: boom in @@")
    assert "second line" not in boom.message
    assert "not run on the rest of this series" in boom.message
    assert by_code["TST901"].message.startswith("TypeError: check() yielded a str, not a Finding")
    assert set(_codes(run.findings)) == {"TST002", "TST003", "TST004"}


def test_a_finding_of_another_rule_is_refused(demo: Catalogue) -> None:
    loaded = demo.rules[2]
    other = demo.rules[0].rule

    def check(patch: object, ctx: object) -> object:
        yield ctx.finding(other, "not mine")  # type: ignore[attr-defined]

    thief = replace(loaded, check=check)  # type: ignore[arg-type]
    run = run_rules([thief], _notes())
    (error,) = run.errors
    assert "yielded a finding of TST001, not TST003" in error.message


def test_facts_are_computed_once_per_tree_state_and_failures_reported(demo: Catalogue) -> None:
    asked: list[int] = []

    def facts_for(after: int) -> None:
        asked.append(after)
        if after == 3:
            raise RuntimeError("parser exploded")

    run = run_rules([demo.rules[1]], _hooks(), tree=DirectoryReader(_states()), facts_for=facts_for)
    assert sorted(asked) == [0, 1, 2, 3]
    (error,) = run.errors
    assert error.origin == "xenreview.code"
    assert error.code is None
    assert "RuntimeError: parser exploded" in error.message


def test_findings_are_sorted_and_deduplicated() -> None:
    def f(patch: int | None, path: str | None, line: int | None, code: str, fp: str) -> Finding:
        return Finding(code, "n", Severity.NOTE, "m", Location(patch, 3, None, path, line), fp)

    a = f(2, "b.c", 1, "TST001", "1")
    b = f(1, "z.c", 9, "TST002", "2")
    c = f(None, None, None, "TST003", "3")
    d = f(1, "a.c", 10, "TST001", "4")
    e = f(1, "a.c", 2, "TST009", "5")
    assert finalize([a, b, c, d, e, a, replace(a, message="other")]) == (c, e, d, b, a)


def test_the_cached_reader_reads_once() -> None:
    reads: list[tuple[str, int]] = []

    class Reader:
        def read(self, path: str, after_patch: int) -> str | None:
            reads.append((path, after_patch))
            return None

    cached = CachedReader(Reader())
    for _ in range(3):
        assert cached.read("x", 1) is None
    assert reads == [("x", 1)]


@pytest.mark.parametrize("scope_code", ["TST001", "TST003"])
def test_contexts_carry_other_versions_and_settings(demo: Catalogue, scope_code: str) -> None:
    seen: list[object] = []
    loaded = demo.lookup(scope_code)
    assert loaded is not None

    def check(subject: object, ctx: object) -> object:
        seen.append((ctx.other_versions, ctx.settings, ctx.data))  # type: ignore[attr-defined]
        return iter(())

    settings = Settings(fail_on="error")
    spy = replace(loaded, check=check)  # type: ignore[arg-type]
    run_rules([spy], _notes(), other_versions=[_hooks()], settings=settings, data={"k": 1})
    assert seen
    assert all(s == ((_hooks(),), settings, {"k": 1}) for s in seen)
