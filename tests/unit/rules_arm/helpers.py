"""Running the Xen/Arm rules directly: on the bundled series and on edited mini trees."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from xenreview.code.facts import TreeFacts, facts_for_files
from xenreview.code.parse import FactCache
from xenreview.ingest.model import Series
from xenreview.rules.api import Context, Finding, LoadedRule, TreeView
from xenreview.rules.finder import find_rules
from xenreview.rules.lib_arm import ArmTree
from xenreview.rules.runner import facts_source, run_on_tree
from xenreview.rules.testing import DirectoryReader, minitree_series, minitree_texts

REPO = Path(__file__).resolve().parents[3]
ARM_DIR = REPO / "rules" / "arm"
PATCHES = REPO / "patches"
V1 = PATCHES / "xen-arm-suspend-v1" / "series.mbox"
V2 = PATCHES / "xen-arm-suspend-v2" / "series.mbox"
CACHE = FactCache()  # the mini tree's blobs are parsed once for every test
SERIES = Series(version="1", version_stated=False, total=1, cover=None, patches=())


def load(name: str) -> ModuleType:
    """The rule module ``rules/arm/<name>.py``, loaded by path like the finder does."""
    path = ARM_DIR / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"xenreview_test_arm_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def arm_rules() -> list[LoadedRule]:
    catalogue = find_rules(catalogue=REPO / "rules", entry_points=False)
    return [r for r in catalogue.rules if r.rule.code.startswith("ARM")]


def edited_tree(
    edits: list[tuple[str, str, str]] | None = None, new: dict[str, str] | None = None
) -> dict[str, str]:
    """The mini tree's files with ``edits`` ((path, old, new), old occurring once) and
    ``new`` files."""
    files = minitree_texts()
    for path, old, replacement in edits or []:
        assert files[path].count(old) == 1, (path, old)
        files[path] = files[path].replace(old, replacement)
    files.update(new or {})
    return files


def run_tree_rules(rules: list[LoadedRule], files: dict[str, str]) -> list[Finding]:
    """Every finding of tree ``rules`` on the tree made of ``files`` (nothing filtered)."""
    series = minitree_series({})
    reader = DirectoryReader({0: files})
    result = run_on_tree(rules, series, reader, 0, facts_for=facts_source(reader, CACHE))
    assert not result.errors, result.errors
    return list(result.findings)


def run_check(module: ModuleType, files: dict[str, str]) -> list[Finding]:
    """One rule module's check() on the tree made of ``files``."""
    reader = DirectoryReader({0: files})
    facts = facts_source(reader, CACHE)(0)
    view = TreeView(0, reader, facts, ())
    return list(module.check(view, Context(series=SERIES)))


def tree_of(files: dict[str, str]) -> tuple[TreeFacts, ArmTree]:
    facts = facts_for_files((p, t.encode()) for p, t in files.items() if p.endswith((".c", ".h")))
    return facts, ArmTree(facts, files.get)


def c_tree(text: str, path: str = "xen/arch/arm/test.c") -> tuple[TreeFacts, ArmTree]:
    """Facts and analyses of one C file."""
    return tree_of({path: text})
