"""Running style rules directly: load a rule by path, feed it synthetic diffs."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType

from xenreview.diff.model import FileDiff, FileStatus, Hunk, Line, LineKind
from xenreview.diff.parse import parse_diff
from xenreview.ingest.model import Series
from xenreview.rules.api import Context, Finding, Rule, Scope

REPO = Path(__file__).resolve().parents[3]
STYLE_DIR = REPO / "rules" / "style"
SERIES = Series(version="1", version_stated=False, total=1, cover=None, patches=())


def load(name: str) -> ModuleType:
    """The rule module ``rules/style/<name>.py``, loaded by path like the finder does."""
    path = STYLE_DIR / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"xenreview_test_style_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def all_rules() -> list[ModuleType]:
    return [load(p.stem) for p in sorted(STYLE_DIR.glob("*.py"))]


def new_file(path: str, text: str) -> FileDiff:
    """A diff creating ``path`` with ``text``: every line added."""
    values = text.split("\n")
    if values and values[-1] == "":
        values.pop()
    lines = tuple(
        Line(LineKind.ADDED, value, None, number, number + 1)
        for number, value in enumerate(values, 1)
    )
    hunk = Hunk(0, 0, 1, len(lines), "", f"@@ -0,0 +1,{len(lines)} @@", lines, 1)
    return FileDiff(
        source_path=None,
        target_path=path,
        status=FileStatus.ADDED,
        old_mode=None,
        new_mode="100644",
        index_source=None,
        index_target=None,
        binary=False,
        similarity=None,
        hunks=(hunk,),
        header=(),
    )


def changed_file(path: str, body: str, start: int = 10) -> FileDiff:
    """A diff of ``path`` from hunk lines written with their markers (`+`, `-`, ` `)."""
    rows = body.split("\n")
    if rows and rows[-1] == "":
        rows.pop()
    old = sum(1 for r in rows if not r.startswith("+"))
    new = sum(1 for r in rows if not r.startswith("-"))
    text = (
        f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
        f"@@ -{start},{old} +{start},{new} @@\n" + "\n".join(rows) + "\n"
    )
    (file,) = parse_diff(text).files
    return file


def run(module: ModuleType, file: FileDiff) -> list[Finding]:
    """Every finding of one rule over one file's diff, as the engine would run it."""
    rule: Rule = module.RULE
    if not rule.applies_to(file.path):
        return []
    file_ctx = Context(series=SERIES, file=file)
    found: list[Finding] = []
    if rule.scope is Scope.FILE:
        found.extend(module.check(file, file_ctx))
    for hunk in file.hunks:
        ctx = Context(series=SERIES, file=file, hunk=hunk)
        if rule.scope is Scope.HUNK:
            found.extend(module.check(hunk, ctx))
        elif rule.scope is Scope.ADDED_LINE:
            for line in hunk.lines:
                if line.kind is LineKind.ADDED:
                    found.extend(module.check(line, ctx))
    return found


def run_all(modules: Iterable[ModuleType], file: FileDiff) -> Iterator[Finding]:
    for module in modules:
        yield from run(module, file)
