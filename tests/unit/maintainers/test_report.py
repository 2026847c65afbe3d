"""The ack table: data, terminal rendering, JSON."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from xenreview.ingest import ingest
from xenreview.ingest.model import Series
from xenreview.maintainers import BUNDLED_SOURCE, Verdict, bundled_maintainers
from xenreview.report.acks import ack_table, ack_table_json, render_ack_table
from xenreview.settings import Settings

FIXTURES = Path(__file__).resolve().parents[3] / "rules" / "maintainers"
PARTIAL = FIXTURES / "missing_maintainer_ack" / "bad_partial_acks.mbox"
ACKED = FIXTURES / "missing_maintainer_ack" / "ok_acked.mbox"


def load(path: Path) -> Series:
    return ingest([str(path)], Settings()).series[0]


def rendered(series: Series) -> str:
    console = Console(record=True, width=160, color_system=None)
    render_ack_table(ack_table(series, bundled_maintainers()), console)
    return console.export_text()


def test_rows_per_patch_and_file() -> None:
    table = ack_table(load(PARTIAL), bundled_maintainers())
    assert table.maintainers == BUNDLED_SOURCE
    assert [(r.patch, r.path, r.entries, r.verdict) for r in table.rows] == [
        (1, "xen/drivers/char/console.c", ("CONSOLE",), Verdict.ACKED),
        (2, "xen/arch/arm/time.c", ("ARM ARCHITECTURE",), Verdict.MISSING),
    ]
    assert table.rows[0].acks[0].origin == "reply-1.tomas@example.org"
    assert [i.person.name for i in table.rows[1].ignored] == ["Julia Example"]
    assert not table.committable
    assert (
        table.verdict == "missing acks from Alice Arm or Bruno Board for xen/arch/arm/time.c (2/2)"
    )


def test_terminal_table_and_missing_list() -> None:
    text = rendered(load(PARTIAL))
    assert "Acks (maintainers from MAINTAINERS (mini tree))" in text
    console_row = next(line for line in text.splitlines() if "console.c" in line)
    assert "CONSOLE" in console_row and "A-b Tomas Tty" in console_row
    assert "acked" in console_row
    time_row = next(line for line in text.splitlines() if "time.c" in line and "│" in line)
    assert "Alice Arm, Bruno Board" in time_row and "missing" in time_row
    assert text.rstrip().endswith("2/2 xen/arch/arm/time.c: Alice Arm or Bruno Board")
    assert "missing acks from:" in text


def test_terminal_committable_and_scoped_ack() -> None:
    text = rendered(load(ACKED))
    assert "A-b Alice Arm (# arm)" in text
    assert "committable: every file has a maintainer's ack" in text
    assert "missing acks" not in text


def test_terminal_marks_acks_through_a_broader_entry_and_own_patches() -> None:
    own = load(FIXTURES / "missing_maintainer_ack" / "bad_own_patch.patch")
    text = rendered(own)
    assert "A-b Bruno Board" in text
    assert "Tomas Tty (author maintains it)" in text
    assert "1/1 xen/drivers/char/console.c: one of Alice Arm, Olaf Overall or Ruth Rest" in text


def test_json_document() -> None:
    document = ack_table_json(ack_table(load(PARTIAL), bundled_maintainers()))
    json.dumps(document)  # JSON-ready
    assert list(document) == ["maintainers", "committable", "verdict", "files", "missing"]
    first, second = document["files"]
    assert first["path"] == "xen/drivers/char/console.c"
    assert first["acks"] == [
        {
            "person": {"name": "Tomas Tty", "email": "tomas@example.org"},
            "trailer": "Acked-by",
            "scope": None,
            "origin": "reply-1.tomas@example.org",
            "from_cover": False,
            "entry": "CONSOLE",
            "primary": True,
        }
    ]
    assert second["verdict"] == "missing"
    assert second["ignored"][0]["reason"] == "not a maintainer"
    assert document["missing"] == [
        {
            "patch": 2,
            "total": 2,
            "path": "xen/arch/arm/time.c",
            "people": [
                {"name": "Alice Arm", "email": "alice@example.org"},
                {"name": "Bruno Board", "email": "bruno@example.org"},
            ],
        }
    ]


def test_a_series_without_files_prints_nothing() -> None:
    series = load(PARTIAL)
    empty = Series(
        version=series.version,
        version_stated=False,
        total=0,
        cover=None,
        patches=(),
        title="empty",
    )
    assert rendered(empty) == ""
    table = ack_table(empty, bundled_maintainers())
    assert table.committable and ack_table_json(table)["files"] == []
