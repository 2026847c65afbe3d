"""The limits that keep hostile input bounded: defaults, and a clear message when hit.

``tests/integration/test_bad_input.py`` covers ``--max-bytes`` on a file (and
a 200 MB sparse one), ``--max-patches`` on an mbox and the recipients
limit; these add the other ways in (standard input, directories, several
sources), the size of one patch's diff and the model checker's state bound.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile.conftest import mail, mbox, measured, modify, new_file
from tests.integration.runner import Result, run_cli
from xenreview.diff.parse import MAX_DIFF_LINES
from xenreview.model import checker
from xenreview.settings import MIB, Settings


def _one_error(result: Result, *needles: str) -> str:
    assert result.code == 2, (result.code, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_the_defaults_are_bounded_and_documented() -> None:
    settings = Settings()
    assert settings.max_bytes == 100 * MIB
    assert settings.max_patches == 5000
    assert settings.max_recipients == 1000
    assert MAX_DIFF_LINES == 100_000
    assert checker.DEFAULT_MAX_STATES == 2_000_000
    doc = (Path(__file__).parents[2] / "docs" / "robustness.md").read_text()
    for figure in ("100 MiB", "5,000", "1,000", "100,000", "2,000,000"):
        assert figure in doc, figure


def test_max_bytes_on_standard_input() -> None:
    """A stream has no size to check first: it is counted as it is read."""
    data = mbox(*(mail(modify("xen/a.c"), message_id=f"m{i}@example.org") for i in range(40)))
    result = run_cli(["show", "--max-bytes", "2000", "-"], stdin=data.encode())
    _one_error(result, "<stdin>", "--max-bytes")


def test_max_bytes_names_the_file_of_a_directory(tmp_path: Path) -> None:
    (tmp_path / "0001-small.patch").write_text(mail(modify("xen/a.c")))
    big = tmp_path / "0002-big.patch"
    big.write_text(mail(modify("xen/b.c", "@@ -1,2 +1,3 @@\n a\n+" + "x" * 5000 + "\n c\n")))
    result = run_cli(["show", "--max-bytes", "4000", str(tmp_path)])
    _one_error(result, str(tmp_path), "0002-big.patch", "--max-bytes")


def test_max_patches_counts_every_source(tmp_path: Path) -> None:
    first, second = tmp_path / "a.mbox", tmp_path / "b.mbox"
    first.write_text(mbox(mail(modify("xen/a.c"), message_id="a@example.org")))
    second.write_text(
        mbox(*(mail(modify("xen/b.c"), message_id=f"b{i}@example.org") for i in range(2)))
    )
    ok = run_cli(["show", "--max-patches", "3", str(first), str(second)])
    assert ok.code == 0, ok.stderr
    line = _one_error(
        run_cli(["show", "--max-patches", "2", str(first), str(second)]), "--max-patches"
    )
    assert str(second) in line and "message 2" in line


def _hunks(count: int) -> str:
    body = "".join(f"@@ -{i * 10 + 1},2 +{i * 11 + 1},3 @@\n a\n+b\n c\n" for i in range(count))
    return f"diff --git a/xen/a.c b/xen/a.c\n--- a/xen/a.c\n+++ b/xen/a.c\n{body}"


@pytest.mark.parametrize(
    "diff",
    [_hunks(100_000), new_file("xen/huge.c", [f"int filler_{i};" for i in range(150_000)])],
    ids=["100000-hunks", "huge-added-file"],
)
def test_a_diff_over_the_limit_fails_fast_and_is_recorded(tmp_path: Path, diff: str) -> None:
    source = tmp_path / "huge.patch"
    source.write_text(mail(diff))
    with measured(10.0) as cost:
        result = run_cli(["show", "--format", "json", str(source)])
    assert cost.seconds < 5.0, cost
    assert cost.peak_bytes < 200 * MIB, cost  # the input is 2 to 4 MB
    line = _one_error(result, str(source), "more than the 100,000 one patch may have")
    assert "line 1000" in line  # where the limit was crossed
    (patch,) = json.loads(result.stdout)["series"][0]["patches"]
    assert [p["code"] for p in patch["problems"]] == ["malformed-diff"]


def test_a_diff_just_under_the_limit_is_read_in_bounded_time(tmp_path: Path) -> None:
    source = tmp_path / "big.patch"
    source.write_text(mail(_hunks(16_000)))  # 64,003 diff lines
    with measured(20.0) as cost:
        result = run_cli(["show", "--format", "json", str(source)])
    assert result.code == 0, result.stderr
    (patch,) = json.loads(result.stdout)["series"][0]["patches"]
    assert len(patch["files"][0]["hunks"]) == 16_000
    assert cost.seconds < 10.0, cost
    assert cost.peak_bytes < 400 * MIB, cost


def test_the_model_search_stops_at_the_default_state_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given no bounds, a search stops at DEFAULT_MAX_STATES and says "unknown", and why."""
    from tests.unit.model.fixtures.suspend_facts import v1_like
    from xenreview.model.suspend import SuspendConfig, check_suspend

    monkeypatch.setattr(checker, "DEFAULT_MAX_STATES", 300)
    result = check_suspend(SuspendConfig(guests=3), v1_like(), symmetry=False)
    reasons = {r.reason for r in result.results if r.verdict is checker.Verdict.UNKNOWN}
    assert reasons == {"search incomplete: max states 300 reached"}
    assert result.bound == "max states 300 reached" and result.states <= 301
    # An explicit Bounds() is no bound at all.
    free = check_suspend(SuspendConfig(guests=1), v1_like(), bounds=checker.Bounds())
    assert free.states > 0 and not free.bound


def test_the_model_command_says_the_bound_was_hit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checker, "DEFAULT_MAX_STATES", 500)
    series = Path(__file__).parents[2] / "patches" / "xen-arm-suspend-v1" / "series.mbox"
    result = run_cli(
        [
            "model",
            str(series),
            "--no-symmetry",
            "--guests",
            "4",
            "--scenario",
            "two-control-domains",
        ]
    )
    assert "Traceback" not in result.stderr
    assert "incomplete: max states 500 reached" in result.stdout
    assert "unknown" in result.stdout
