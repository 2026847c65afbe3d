"""The whole mini tree, every line treated as added, gives no style finding."""

from __future__ import annotations

from pathlib import Path

from xenreview.apply.tree import minitree_root
from xenreview.diff.model import FileDiff, FileStatus, Hunk, Line, LineKind
from xenreview.rules.api import Finding, Scope

from .helpers import all_rules, new_file, run_all


def test_minitree_is_clean() -> None:
    root = minitree_root()
    modules = all_rules()
    assert len(modules) >= 1
    files = sorted(p for p in root.rglob("*") if p.suffix in (".c", ".h"))
    assert len(files) > 50
    found: list[Finding] = []
    for path in files:
        rel = path.relative_to(root).as_posix()
        found.extend(run_all(modules, new_file(rel, path.read_text())))
    report = [f"{f.location.path}:{f.location.line}: {f.code} {f.excerpt!r}" for f in found]
    assert report == []


FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = (
    "xen/arch/arm/vpsci.c",
    "xen/arch/arm/gic-v2.c",
    "xen/common/domain.c",
    "xen/include/xen/sched.h",
    "xen/arch/arm/include/asm/psci.h",
)


def _window(path: str, values: list[str], index: int) -> FileDiff:
    """A hunk adding line ``index`` with three lines of context around it."""
    low, high = max(0, index - 3), min(len(values), index + 4)
    lines = tuple(
        Line(
            LineKind.ADDED if k == index else LineKind.CONTEXT,
            values[k],
            None if k == index else k + 1,
            k + 1,
            k + 10,
        )
        for k in range(low, high)
    )
    hunk = Hunk(low + 1, high - low - 1, low + 1, high - low, "", "@@", lines, 1)
    return FileDiff(
        path, path, FileStatus.MODIFIED, None, None, None, None, False, None, (hunk,), ()
    )


def test_correct_code_is_clean_one_line_at_a_time() -> None:
    """Each line added alone, with only its context around: no finding either.

    This is how patches show code: hunks start in the middle of comments,
    calls and conditions, and the rules must not mistake those for errors.
    """
    modules = [m for m in all_rules() if m.RULE.scope in (Scope.HUNK, Scope.ADDED_LINE)]
    root = minitree_root()
    sources = {"xen/arch/arm/sample.c": (FIXTURES / "xen_style_ok.c").read_text()}
    sources.update({rel: (root / rel).read_text() for rel in SAMPLES})
    found: list[str] = []
    for path, text in sources.items():
        values = text.split("\n")[:-1]
        for index in range(len(values)):
            for f in run_all(modules, _window(path, values, index)):
                found.append(f"{path}:{index + 1}: {f.code} {f.excerpt!r}")
    assert found == []


def test_the_sample_of_correct_code_is_clean_as_a_new_file() -> None:
    text = (FIXTURES / "xen_style_ok.c").read_text()
    found = list(run_all(all_rules(), new_file("xen/arch/arm/sample.c", text)))
    assert [f"{f.location.line}: {f.code}" for f in found] == []
