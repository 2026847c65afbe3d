"""The model's state bound: --max-states stops the search and says so."""

from __future__ import annotations

import json

from tests.conftest import REPO_ROOT
from tests.integration.runner import run_cli

V2 = REPO_ROOT / "patches" / "xen-arm-suspend-v2"


def test_max_states_makes_undecided_properties_unknown_with_the_reason() -> None:
    result = run_cli(["model", "--max-states", "50", "series.mbox"], cwd=V2)
    assert result.code == 0, result.stderr
    assert "unknown         search incomplete: max states 50 reached" in result.stdout
    assert "incomplete: max states 50 reached" in result.stdout.splitlines()[-2]
    document = json.loads(
        run_cli(["model", "--max-states", "50", "-f", "json", "series.mbox"], cwd=V2).stdout
    )
    text = json.dumps(document)
    assert "max states 50 reached" in text


def test_the_default_bound_is_enough_for_the_default_scenario() -> None:
    result = run_cli(["model", "series.mbox"], cwd=V2)
    assert result.code == 0, result.stderr
    assert "unknown" not in result.stdout
    assert "incomplete" not in result.stdout


def test_a_bound_below_one_is_a_usage_error() -> None:
    result = run_cli(["model", "--max-states", "0", "series.mbox"], cwd=V2)
    assert result.code == 2
    assert "--max-states" in result.stderr
