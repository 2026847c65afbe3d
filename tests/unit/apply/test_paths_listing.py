"""AppliedSeries.paths(): the file list of the tree after any patch."""

from __future__ import annotations

from tests.conftest import REPO_ROOT
from xenreview.apply import apply_series
from xenreview.ingest import ingest
from xenreview.settings import Settings


def test_paths_grow_with_the_patches_that_add_files() -> None:
    (series,) = ingest([str(REPO_ROOT / "patches" / "xen-arm-suspend-v1")], Settings()).series
    with apply_series(series) as applied:
        base = applied.paths(0)
        after = applied.paths(len(series.patches))
        assert "xen/arch/arm/vpsci.c" in base
        assert "xen/arch/arm/suspend.c" not in base
        assert "xen/arch/arm/suspend.c" in after
        assert list(base) == sorted(base)
        # The paths match what can be read.
        assert applied.read("xen/arch/arm/suspend.c", len(series.patches)) is not None
