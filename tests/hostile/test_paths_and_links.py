"""Diffs that try to write outside the temporary repository: refused, nothing written.

``tests/integration/test_bad_input.py`` checks that ``show`` records the
plain ``../x``, ``/etc/passwd`` and ``.git/`` paths as malformed diffs; here
the spellings that could slip past a naive check go through ``apply`` (the
stage that writes), and symbolic links try to lead a later write outside.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.hostile.conftest import VTIMER, mail, mbox, modify, new_file
from tests.integration.runner import Result, run_cli
from xenreview.apply import Outcome, apply_series, engine
from xenreview.ingest import ingest
from xenreview.settings import Settings


def _refused(result: Result, source: Path, *needles: str) -> None:
    assert result.code == 2, (result.code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("xenreview: error")]
    assert len(errors) == 1, result.stderr
    assert str(source) in errors[0]
    for needle in needles:
        assert needle in errors[0], errors[0]


def _nothing_left(tmp: Path, outside: Path) -> None:
    assert list(tmp.iterdir()) == [], "a temporary directory was left behind"
    assert list(outside.iterdir()) == [], "something was written outside the tree"


QUOTED_DOTDOT = (
    'diff --git "a/\\056\\056/outside.c" "b/\\056\\056/outside.c"\n'
    '--- "a/\\056\\056/outside.c"\n+++ "b/\\056\\056/outside.c"\n'
    "@@ -1,2 +1,3 @@\n a\n+b\n c\n"
)
RENAME_OUT = (
    "diff --git a/xen/a.c b/xen/b.c\nsimilarity index 100%\n"
    "rename from xen/a.c\nrename to xen/../../b.c\n"
)
COPY_INTO_GIT = (
    "diff --git a/xen/a.c b/xen/c.c\nsimilarity index 100%\n"
    "copy from xen/a.c\ncopy to .git/config\n"
)
PLUS_LINE_OUT = (
    "diff --git a/xen/a.c b/xen/a.c\n--- a/xen/a.c\n+++ b/../a.c\n@@ -1,2 +1,3 @@\n a\n+b\n c\n"
)
ABSOLUTE = "diff --git a//tmp/x b//tmp/x\n--- a//tmp/x\n+++ b//tmp/x\n@@ -1 +1 @@\n-a\n+b\n"


@pytest.mark.parametrize(
    ("diff", "needle"),
    [
        (modify("xen/../../outside.c"), "leaves the tree"),
        (QUOTED_DOTDOT, "leaves the tree"),
        (ABSOLUTE, "absolute path"),
        (modify(".git/hooks/post-applypatch"), ".git"),
        (modify("xen/.GIT/config"), ".git"),
        (RENAME_OUT, "leaves the tree"),
        (COPY_INTO_GIT, ".git"),
        (PLUS_LINE_OUT, "leaves the tree"),
        (modify("xen/./arch/arm/vtimer.c"), "unsafe path"),
    ],
    ids=[
        "dotdot",
        "quoted-dotdot",
        "absolute",
        "dot-git-hook",
        "dot-git-upper-case",
        "rename-out",
        "copy-into-git",
        "plus-line-out",
        "dot-component",
    ],
)
def test_paths_outside_the_tree_are_refused_by_apply(
    tmp_path: Path, private_tmp: Path, diff: str, needle: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    source = tmp_path / "evil.patch"
    source.write_text(mail(diff))
    _refused(run_cli(["apply", str(source)], cwd=outside), source, needle)
    _nothing_left(private_tmp, outside)


def _link_series(tmp_path: Path, *diffs: str) -> Path:
    source = tmp_path / "links.mbox"
    total = len(diffs)
    source.write_text(
        mbox(
            *(
                mail(d, number=(n, total), message_id=f"link-{n}@example.org")
                for n, d in enumerate(diffs, start=1)
            )
        )
    )
    return source


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("{outside}", "absolute"),
        ("../../../../../../../../../../{outside}", "relative"),
        ("../.git/hooks", "into-dot-git"),
        ("", "empty"),
    ],
    ids=lambda value: value if value in ("absolute", "relative", "into-dot-git", "empty") else "",
)
def test_a_symbolic_link_pointing_outside_the_tree_is_refused(
    tmp_path: Path, private_tmp: Path, target: str, why: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    link_target = target.format(outside=str(outside).lstrip("/") if why == "relative" else outside)
    source = _link_series(tmp_path, new_file("xen/evil", [link_target], mode="120000"))
    _refused(run_cli(["apply", str(source)]), source, "'xen/evil' points outside the tree")
    _nothing_left(private_tmp, outside)


@pytest.mark.parametrize("same_patch", [True, False], ids=["same-patch", "later-patch"])
def test_a_write_through_a_symbolic_link_is_refused(
    tmp_path: Path, private_tmp: Path, same_patch: bool
) -> None:
    """Even a link that stays inside the tree may not be written through."""
    link = new_file("xen/inner", ["arch/arm"], mode="120000")
    write = new_file("xen/inner/new.c", ["int x;"])
    diffs = (link + write,) if same_patch else (link, write)
    source = _link_series(tmp_path, *diffs)
    result = run_cli(["apply", str(source)])
    _refused(result, source, "'xen/inner/new.c' is written through the symbolic link 'xen/inner'")
    assert list(private_tmp.iterdir()) == []


def test_a_symbolic_link_inside_the_tree_applies(tmp_path: Path, private_tmp: Path) -> None:
    source = _link_series(tmp_path, new_file("xen/arch/arm/alias.c", ["vtimer.c"], mode="120000"))
    result = run_cli(["apply", str(source)])
    assert result.code == 0, result.stderr
    assert "applied" in result.stdout
    assert list(private_tmp.iterdir()) == []


def test_a_deleted_link_may_become_a_directory(tmp_path: Path, private_tmp: Path) -> None:
    """Once the series removes its link, writing under that name is no longer through it."""
    link = new_file("xen/thing", ["arch"], mode="120000")
    gone = (
        "diff --git a/xen/thing b/xen/thing\ndeleted file mode 120000\nindex 1111111..0000000\n"
        "--- a/xen/thing\n+++ /dev/null\n@@ -1 +0,0 @@\n-arch\n\\ No newline at end of file\n"
    )
    again = new_file("xen/thing/file.c", ["int y;"])
    source = _link_series(tmp_path, link, gone, again)
    result = run_cli(["apply", str(source)])
    assert result.code == 0, result.stderr


def test_git_itself_contains_a_write_through_a_link(
    tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: without xenreview's check, git refuses and nothing leaves the tree."""
    outside = tmp_path / "outside"
    outside.mkdir()
    link = new_file("xen/evil", [str(outside)], mode="120000")
    write = new_file("xen/evil/file", ["pwned"])
    source = _link_series(tmp_path, link, write)
    (series,) = ingest([str(source)], Settings()).series
    monkeypatch.setattr(engine, "check_paths", lambda series: None)
    with apply_series(series) as applied:
        outcomes = [r.outcome for r in applied.results]
        assert outcomes[0] is Outcome.APPLIED
        assert outcomes[1] not in (Outcome.APPLIED, Outcome.APPLIED_OFFSET)
        assert "beyond a symbolic link" in (applied.results[1].reason or "")
    assert list(outside.iterdir()) == []
    assert list(private_tmp.iterdir()) == []


def test_model_level_links_are_checked_too(tmp_path: Path) -> None:
    """check_paths sees the records, whatever the mail said: a link turned outward is refused."""
    source = _link_series(tmp_path, new_file("xen/ok", ["arch"], mode="120000"))
    (series,) = ingest([str(source)], Settings()).series
    patch = series.patches[0]
    f = patch.diff.files[0]
    hunk = f.hunks[0]
    line = dataclasses.replace(hunk.lines[0], value="/etc")
    evil = dataclasses.replace(f, hunks=(dataclasses.replace(hunk, lines=(line, *hunk.lines[1:])),))
    patch = dataclasses.replace(patch, diff=dataclasses.replace(patch.diff, files=(evil,)))
    from xenreview.errors import DiffError

    with pytest.raises(DiffError, match="points outside the tree"):
        engine.check_paths(dataclasses.replace(series, patches=(patch,)))
    assert VTIMER  # the mini tree file the other tests modify
