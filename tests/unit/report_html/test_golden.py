"""The HTML report of every bundled series against its golden file.

Regenerate with ``python -m pytest tests/unit/report_html --update-golden``
and look at the diff (or open the pages) before committing them.
"""

from __future__ import annotations

import pytest

from tests.reviews import BUNDLED, PATCHES, bundled_review
from xenreview.report.html import render_html


@pytest.mark.parametrize("name", BUNDLED)
def test_golden(name: str, update_golden: bool) -> None:
    html = render_html(bundled_review(name))
    golden = PATCHES / name / "expected.review.html"
    if update_golden:
        golden.write_text(html, encoding="utf-8")
    assert golden.is_file(), f"missing golden file {golden}: run with --update-golden"
    assert html == golden.read_text(encoding="utf-8")
