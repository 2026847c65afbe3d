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
@pytest.mark.parametrize("command", ["show", "review"])
def test_golden(series: Path, command: str, fmt: str, update_golden: bool) -> None:
    result = run_cli([command, "--format", fmt, "series.mbox"], cwd=series)
    assert result.code in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr
    output = result.stdout
    if fmt == "json":
        # Programs get compact JSON; the golden file is kept indented to be diffable.
        assert output.count("\n") == 1
        document = json.loads(output)
        assert document["schema_version"] == 1
        output = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    golden = series / f"expected.{command}.{fmt}"
    if update_golden:
        golden.write_text(output)
    assert golden.is_file(), f"missing golden file {golden}: run with --update-golden"
    assert output == golden.read_text()
