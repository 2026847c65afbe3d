"""The apply stage as text and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from tests.unit.apply.helpers import SCHED, VTIMER, Lab
from xenreview.apply import apply_series
from xenreview.apply.model import AppliedSeries
from xenreview.apply.render import patch_json, render_text, to_json


@pytest.fixture
def applied(lab: Lab, tmp_path: Path) -> AppliedSeries:
    lab.edit(VTIMER, "static int vtimer_count;", "static unsigned int vtimer_count;")
    lab.commit("xen/arm: vtimer: make the counter [bold]unsigned[/bold]")
    lab.edit(VTIMER, "    return 0;\n}", "    return 1;\n}")
    lab.commit("xen/arm: vtimer: return 1")
    lab.edit(SCHED, "    sched_runs++;", "    sched_runs += 1;")
    tip = lab.commit("xen/sched: count by addition")
    series = lab.series(lab.base, tip, tmp_path / "s.mbox", base_commit=False)
    lab.git("checkout", "-q", "-b", "moved", lab.base)
    lab.edit(VTIMER, "static int vtimer_count;", "static long vtimer_count; /* [red]x[/red] */")
    lab.edit(SCHED, "#include <xen/sched.h>\n", "#include <xen/sched.h>\n#include <xen/lib.h>\n")
    lab.commit("Move things")
    result = apply_series(series, tree=lab.path)
    yield result  # type: ignore[misc]
    result.close()


def test_text(applied: AppliedSeries) -> None:
    console = Console(record=True, width=200, color_system=None)
    render_text(applied, console)
    text = console.export_text()
    lines = text.splitlines()
    assert lines[0].startswith(f"Apply onto {applied.tree}, base {applied.base[:12]} (HEAD)")
    assert "  base check: 2 of 2 file(s) differ:" in lines
    assert lines[lines.index("  base check: 2 of 2 file(s) differ:") + 1].startswith(
        f"    {VTIMER} (patch 1): expected blob "
    )
    first = next(line for line in lines if line.startswith("  1/3 "))
    assert first.split()[1:3] == ["conflict", "-"]
    assert first.endswith("xen/arm: vtimer: make the counter [bold]unsigned[/bold]")  # no markup
    assert f"      {VTIMER} hunk #1 @@ -5,7 +5,7 @@: patch does not apply" in lines
    why = (
        "        why: line 8 reads 'static long vtimer_count; /* [red]x[/red] */' "
        "where the hunk expects 'static int vtimer_count;'"
    )
    assert why in lines
    assert any(line.startswith("        nearest lines (line 5, ") for line in lines)
    assert "           8 | static long vtimer_count; /* [red]x[/red] */" in lines
    second = next(line for line in lines if line.startswith("  2/3 "))
    assert second.split()[1] == "not-attempted"
    assert f"      depends on patch 1 (touches {VTIMER})" in lines
    third = next(line for line in lines if line.startswith("  3/3 "))
    assert third.split()[1:3] == ["applied-offset", (applied.results[2].commit or "")[:12]]
    assert f"      {SCHED} hunk #1 applied at line 15 (offset +1)" in lines


def test_json(applied: AppliedSeries) -> None:
    doc = to_json(applied)
    assert json.loads(json.dumps(doc)) == doc
    assert list(doc) == ["tree", "base", "patches", "build"]
    assert doc["base"]["source"] == "HEAD" and doc["base"]["commit"] == applied.base
    assert doc["base"]["matches"] is False
    assert [c["path"] for c in doc["base"]["check"]] == [VTIMER, SCHED]
    assert doc["build"] is None
    first, second, third = (p["apply"] for p in doc["patches"])
    assert [p["number"] for p in doc["patches"]] == [1, 2, 3]
    assert first["outcome"] == "conflict" and first["commit"] is None
    [fail] = first["failures"]
    assert fail["hunk"] == 1 and fail["nearest"]["line"] == 5
    assert fail["expected"][3] == "static int vtimer_count;"
    assert second == {**patch_json(applied.results[1]), "outcome": "not-attempted"}
    assert second["depends_on"] == [1]
    assert third["outcome"] == "applied-offset"
    assert third["offsets"] == [
        {
            "path": SCHED,
            "hunk": 1,
            "header": third["offsets"][0]["header"],
            "line": 15,
            "offset": 1,
            "fuzz": 0,
        }
    ]
