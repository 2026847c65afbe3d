"""Trees for the extraction tests: the bundled series after each patch, and edited mini trees."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path

from xenreview.code.facts import TreeFacts, facts_for_files, facts_for_tree
from xenreview.code.parse import FactCache
from xenreview.model.facts import SuspendFacts
from xenreview.rules.testing import minitree_texts

REPO = Path(__file__).resolve().parents[3]
PATCHES = REPO / "patches"
V1 = PATCHES / "xen-arm-suspend-v1" / "series.mbox"
V2 = PATCHES / "xen-arm-suspend-v2" / "series.mbox"
SUSPEND_C = "xen/arch/arm/suspend.c"
VPSCI_C = "xen/arch/arm/vpsci.c"
DOMAIN_C = "xen/common/domain.c"
CACHE = FactCache()  # every blob parsed once for the whole session

Edit = str | Callable[[str], str]


@functools.cache
def _minitree() -> dict[str, str]:
    return minitree_texts()


def edited_tree(edits: Mapping[str, Edit]) -> TreeFacts:
    """The mini tree's C facts with files replaced (text) or edited (a function)."""
    files = dict(_minitree())
    for path, edit in edits.items():
        files[path] = edit(files[path]) if callable(edit) else edit
    return facts_for_files(
        ((p, t.encode()) for p, t in files.items() if p.endswith((".c", ".h"))), CACHE
    )


def replace_once(old: str, new: str) -> Callable[[str], str]:
    """An edit replacing ``old`` (which must occur exactly once) by ``new``."""

    def edit(text: str) -> str:
        assert text.count(old) == 1, old
        return text.replace(old, new)

    return edit


def chain(*edits: Callable[[str], str]) -> Callable[[str], str]:
    def edit(text: str) -> str:
        for one in edits:
            text = one(text)
        return text

    return edit


@functools.cache
def series_trees(mbox: Path) -> tuple[str, dict[int, TreeFacts]]:
    """The series' title and its C facts after every patch (0: the base), applied once."""
    from xenreview.apply import apply_series
    from xenreview.ingest import ingest
    from xenreview.settings import Settings

    series = ingest([str(mbox)], Settings()).series[0]
    with apply_series(series) as applied:
        trees = {n: facts_for_tree(applied, n, cache=CACHE) for n in range(len(series.patches) + 1)}
    return series.title, trees


def series_facts(mbox: Path, after: int) -> SuspendFacts:
    from xenreview.model.extract import extract_suspend_facts

    return extract_suspend_facts(series_trees(mbox)[1][after])
