"""The bundled series reviewed once per test session, for the report tests.

``bundled_review("xen-arm-suspend-v1")`` runs the whole pipeline (ingest,
apply onto the mini tree, every stable rule) on ``series.mbox`` in ``patches/<name>/``
the first time it is asked for, with the default settings, and returns the
same :class:`~xenreview.pipeline.Review` afterwards: the reports render it
at leisure (the pipeline's trees are closed, its results are plain data).
"""

from __future__ import annotations

import os
from functools import cache

from tests.conftest import REPO_ROOT
from xenreview.pipeline import ApplyOptions, Review, review
from xenreview.settings import Settings

PATCHES = REPO_ROOT / "patches"
BUNDLED = tuple(sorted(p.name for p in PATCHES.iterdir() if (p / "series.mbox").is_file()))


@cache
def bundled_review(name: str) -> Review:
    """The review of ``patches/<name>/series.mbox`` (cached for the session)."""
    # Run from the series folder, as the golden CLI tests do, so that the
    # sources read "series.mbox" wherever the checkout lives.
    here = os.getcwd()
    os.chdir(PATCHES / name)
    try:
        return review(["series.mbox"], Settings(), ApplyOptions())
    finally:
        os.chdir(here)
