"""Golden files for whole pipelines: every bundled series, every format.

Regenerate with ``python -m pytest tests/integration/test_golden.py --update-golden``
and review the diff before committing it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.integration.runner import run_cli

SERIES = sorted(p for p in (REPO_ROOT / "patches").iterdir() if (p / "series.mbox").is_file())


@pytest.mark.parametrize("series", SERIES, ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_show_golden(series: Path, fmt: str, update_golden: bool) -> None:
    result = run_cli(["show", "--format", fmt, "series.mbox"], cwd=series)
    assert result.code in (0, 2), result.stderr
    golden = series / f"expected.show.{fmt}"
    if update_golden:
        golden.write_text(result.stdout)
    assert golden.is_file(), f"missing golden file {golden}: run with --update-golden"
    assert result.stdout == golden.read_text()
    if fmt == "json":
        document = json.loads(result.stdout)
        assert document["schema_version"] == 1
