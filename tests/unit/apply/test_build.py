"""The build check after each applied patch (bisectability)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.unit.apply.helpers import SCHED, TREE, VTIMER, Lab
from xenreview.apply import Outcome, apply_series, engine
from xenreview.apply.build import first_errors
from xenreview.errors import InputError
from xenreview.ingest.model import Series

needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")
GCC = ["gcc", "-fsyntax-only", "-Ixen/include", VTIMER, SCHED]


def _broken_second(lab: Lab, tmp_path: Path) -> Series:
    lab.edit(VTIMER, "static int vtimer_count;", "static unsigned int vtimer_count;")
    lab.commit("xen/arm: vtimer: make the counter unsigned")
    lab.edit(SCHED, "    sched_runs++;", "    sched_runs++")  # missing semicolon
    lab.commit("xen/sched: break the build")
    lab.edit(SCHED, "sched_runs;\n", "sched_runs;\nstatic int unused_too;\n")
    tip = lab.commit("xen/sched: a third change")
    return lab.series(lab.base, tip, tmp_path / "s.mbox")


@needs_gcc
def test_the_first_patch_breaking_the_build_is_named(lab: Lab, tmp_path: Path) -> None:
    series = _broken_second(lab, tmp_path)
    with apply_series(series, tree=lab.path, build=True, build_command=GCC) as applied:
        assert [r.outcome for r in applied.results] == [Outcome.APPLIED] * 3
        assert [(b.patch, b.ok) for b in applied.builds] == [
            (0, True),
            (1, True),
            (2, False),
            (3, False),
        ]
        assert applied.first_broken == 2
        broken = applied.builds[2]
        assert broken.command == tuple(GCC)
        assert broken.errors and "error" in broken.errors[0]
        assert SCHED in broken.errors[0]


def test_a_missing_build_command_is_an_input_error(lab: Lab, tmp_path: Path) -> None:
    series = _broken_second(lab, tmp_path)
    with pytest.raises(InputError) as error:
        apply_series(series, tree=lab.path, build=True, build_command=["no-such-build-tool"])
    assert str(error.value) == "--build: build command not found: no-such-build-tool"


def test_the_mini_tree_uses_its_syntax_check(
    lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import xenreview.minitree

    checked: list[str] = []

    def fake_check(tree: Path, compiler: str = "gcc") -> list[object]:
        text = (tree / SCHED).read_text()
        checked.append(text)
        if "sched_runs++\n" in text:
            return [xenreview.minitree.SyntaxProblem(Path(SCHED), 18, "expected ';'")]
        return []

    monkeypatch.setattr(xenreview.minitree, "syntax_check", fake_check)
    monkeypatch.setattr(engine, "minitree_root", lambda: TREE)
    series = _broken_second(lab, tmp_path)
    with apply_series(series, build=True) as applied:
        assert [(b.patch, b.ok) for b in applied.builds] == [
            (0, True),
            (1, True),
            (2, False),
            (3, False),
        ]
        assert applied.builds[2].errors == (f"{SCHED}:18: expected ';'",)
        assert applied.builds[0].command[:2] == ("gcc", "-fsyntax-only")
        assert applied.first_broken == 2
    assert len(checked) == 4


@needs_gcc
def test_the_bundled_mini_tree_passes_its_own_check(tmp_path: Path) -> None:
    from xenreview.apply.tree import minitree_root

    try:
        minitree_root()
    except InputError:
        pytest.skip("the bundled mini tree is not written yet")
    lab = Lab(tmp_path / "empty", files=None)
    lab.write("README", "x\n")
    lab.base = lab.commit("base")
    lab.write("README", "y\n")
    series = lab.series(lab.base, lab.commit("change"), tmp_path / "s.mbox")
    # The README does not exist in the mini tree: the patch fails, the base builds.
    with apply_series(series, build=True) as applied:
        assert applied.results[0].outcome in (Outcome.CONFLICT, Outcome.BASE_MISSING)
        assert [(b.patch, b.ok) for b in applied.builds] == [(0, True)]


def test_first_errors() -> None:
    output = "make: entering\nfoo.c:3:1: error: expected ';'\nnote: here\nfoo.c:9: Error 2\n"
    assert first_errors(output) == ("foo.c:3:1: error: expected ';'", "foo.c:9: Error 2")
    assert first_errors("a\nb\n\nc\n", limit=2) == ("b", "c")
    assert first_errors("") == ()
