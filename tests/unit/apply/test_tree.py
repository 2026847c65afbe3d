"""The mini tree's reproducible base commit, and applying onto it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.unit.apply.helpers import TREE, VTIMER, Lab
from xenreview.apply import Outcome, apply_series, engine, tree
from xenreview.apply.git import Git, isolated_env
from xenreview.apply.model import BaseSource
from xenreview.errors import InputError


def _write_base(root: Path, files: Path) -> str:
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    git = Git("git", root, isolated_env(), "test")
    return tree.write_base(git, tree.tree_files(files))


def test_two_builds_give_the_same_commit_id(tmp_path: Path) -> None:
    first = _write_base(tmp_path / "one", TREE)
    copy = tmp_path / "copy"
    shutil.copytree(TREE, copy)
    (copy / VTIMER).chmod(0o755)  # permission bits and times do not matter
    os.utime(copy / VTIMER, (0, 0))
    (copy / "xen" / "__pycache__").mkdir()
    (copy / "xen" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    second = _write_base(tmp_path / "two", copy)
    assert first == second == tree.tree_base_id(TREE) == tree.tree_base_id(copy)
    fsck = subprocess.run(
        ["git", "fsck", "--strict"],
        cwd=tmp_path / "two",
        capture_output=True,
        text=True,
        check=False,
    )
    assert fsck.returncode == 0, fsck.stderr
    show = subprocess.run(
        ["git", "log", "-1", "--format=%an <%ae> %aI|%cn <%ce> %cI|%s", first],
        cwd=tmp_path / "one",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert show == (
        "xenreview <tree@example.org> 2026-01-01T00:00:00+00:00|"
        "xenreview <tree@example.org> 2026-01-01T00:00:00+00:00|xenreview mini tree"
    )


def test_the_id_changes_with_the_content(tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(TREE, copy)
    (copy / VTIMER).write_text((copy / VTIMER).read_text() + "\n")
    assert tree.tree_base_id(copy) != tree.tree_base_id(TREE)
    (copy / VTIMER).write_text((TREE / VTIMER).read_text())
    (copy / "xen" / "extra").mkdir()
    (copy / "xen" / "extra" / "a.h").write_text("")
    assert tree.tree_base_id(copy) != tree.tree_base_id(TREE)


def test_the_bundled_mini_tree_id_is_stable(tmp_path: Path) -> None:
    try:
        root = tree.minitree_root()
    except InputError:
        pytest.skip("the bundled mini tree is not written yet")
    first = tree.minitree_base_id()
    assert first == tree.minitree_base_id() == _write_base(tmp_path / "one", root)


@pytest.fixture
def mini(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Use the fixture tree as the bundled mini tree."""
    monkeypatch.setattr(engine, "minitree_root", lambda: TREE)
    return TREE


def _mini_lab(tmp_path: Path) -> Lab:
    """A contributor's clone of the mini tree: the same base commit."""
    lab = Lab(tmp_path / "contrib", files=None)
    git = Git("git", lab.path, isolated_env(), "test")
    lab.base = tree.write_base(git, tree.tree_files(TREE))
    lab.git("checkout", "-q", "-f", lab.base)
    return lab


def test_apply_onto_the_mini_tree_by_default(mini: Path, tmp_path: Path) -> None:
    lab = _mini_lab(tmp_path)
    assert lab.base == tree.tree_base_id(mini)
    lab.edit(VTIMER, "static int vtimer_count;", "static unsigned int vtimer_count;")
    tip = lab.commit("xen/arm: vtimer: make the counter unsigned")
    series = lab.series(lab.base, tip, tmp_path / "s.mbox")
    with apply_series(series) as applied:
        assert applied.tree == "mini tree"
        assert (applied.base, applied.base_source) == (lab.base, BaseSource.BASE_COMMIT)
        assert applied.base_matches
        assert [r.outcome for r in applied.results] == [Outcome.APPLIED]
        assert applied.read(VTIMER, 1) == lab.read(VTIMER)
    with apply_series(series, base="HEAD") as applied:
        assert (applied.base, applied.base_source) == (lab.base, BaseSource.OPTION)
    with pytest.raises(InputError, match="unknown revision 'main'"):
        apply_series(series, base="main")


def test_another_base_commit_falls_back_to_the_mini_tree(mini: Path, tmp_path: Path) -> None:
    lab = Lab(tmp_path / "other")
    lab.base = lab.commit("Initial import")  # same files, another commit id
    lab.edit(VTIMER, "static int vtimer_count;", "static unsigned int vtimer_count;")
    tip = lab.commit("xen/arm: vtimer: make the counter unsigned")
    series = lab.series(lab.base, tip, tmp_path / "s.mbox")
    with apply_series(series, find_base=True) as applied:
        assert applied.base_source is BaseSource.MINI_TREE
        assert applied.base == tree.tree_base_id(mini)
        assert applied.notes == (
            f"base-commit {lab.base[:12]} is not the mini tree's base: "
            "applying to the mini tree instead",
        )  # the blobs match, so --find-base has nothing to look for
        assert applied.base_matches  # same content, so the blobs match
        assert [r.outcome for r in applied.results] == [Outcome.APPLIED]


def test_a_missing_mini_tree_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import xenreview.minitree

    monkeypatch.setattr(xenreview.minitree, "tree_root", lambda: tmp_path / "gone", raising=False)
    with pytest.raises(InputError, match="the mini tree is missing"):
        tree.minitree_root()


def test_the_mini_tree_is_cached_and_the_cache_is_optional(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab = _mini_lab(tmp_path)
    lab.edit(VTIMER, "static int vtimer_count;", "static unsigned int vtimer_count;")
    tip = lab.commit("xen/arm: vtimer: make the counter unsigned")
    series = lab.series(lab.base, tip, tmp_path / "s.mbox")
    cached = tree.cache_root() / lab.base
    assert not cached.exists()
    with apply_series(series) as first:
        commits = [r.commit for r in first.results]
    assert (cached / "complete").is_file()
    assert [p.name for p in cached.parent.iterdir()] == [lab.base]  # no half-built leftovers

    def no_import(*args: object, **kwargs: object) -> str:
        raise AssertionError("the cache should have been used")

    monkeypatch.setattr(engine, "write_base", no_import)
    with apply_series(series) as second:
        assert [r.commit for r in second.results] == commits
    monkeypatch.undo()
    monkeypatch.setattr(engine, "minitree_root", lambda: TREE)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    with apply_series(series) as third:  # no usable cache: imported into the run's repository
        assert third.base == lab.base
        assert [r.commit for r in third.results] == commits
    assert blocker.read_text() == ""


def test_find_base_on_the_mini_tree_has_nowhere_else_to_look(mini: Path, tmp_path: Path) -> None:
    lab = Lab(tmp_path / "other")
    lab.edit(VTIMER, "static int vtimer_count;", "static int vtimer_count; /* other */")
    lab.base = lab.commit("Another history")
    lab.edit(VTIMER, "/* other */", "/* mine */")
    series = lab.series(lab.base, lab.commit("xen/arm: vtimer: comment"), tmp_path / "s.mbox")
    with apply_series(series, find_base=True) as applied:
        assert applied.base_source is BaseSource.MINI_TREE
        assert applied.notes[-1] == (
            "--find-base: no commit in the tree has every blob the series expects"
        )
        assert [r.outcome for r in applied.results] == [Outcome.BASE_MISSING]
