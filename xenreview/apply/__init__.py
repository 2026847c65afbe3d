"""Applying a series to a tree: Series + tree -> AppliedSeries.

``apply_series()`` (:mod:`xenreview.apply.engine`) applies a series patch by
patch in a temporary repository and returns an
:class:`~xenreview.apply.model.AppliedSeries`: the base and how it was
chosen, the blob-id check of the base, one outcome per patch, the build
checks, and a way to read any file before and after any patch.
:mod:`xenreview.apply.render` writes it as text or JSON;
:mod:`xenreview.apply.tree` makes the mini tree's reproducible base commit.
"""

from __future__ import annotations

from xenreview.apply.engine import apply_series
from xenreview.apply.model import (
    AppliedSeries,
    BaseCheck,
    BaseSource,
    BuildResult,
    HunkFailure,
    HunkOffset,
    NearestMatch,
    Outcome,
    PatchResult,
)
from xenreview.apply.tree import minitree_base_id

__all__ = [
    "AppliedSeries",
    "BaseCheck",
    "BaseSource",
    "BuildResult",
    "HunkFailure",
    "HunkOffset",
    "NearestMatch",
    "Outcome",
    "PatchResult",
    "apply_series",
    "minitree_base_id",
]
