"""Baseline files: written sorted and versioned, read back strictly, applied by fingerprint."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from xenreview.errors import InputError
from xenreview.ingest.model import Severity
from xenreview.rules.api import Finding, Location
from xenreview.rules.baseline import (
    BASELINE_REASON,
    apply_baseline,
    baseline_document,
    read_baseline,
    write_baseline,
)


def _finding(code: str, fp: str, suppressed: str | None = None) -> Finding:
    return Finding(code, "n", Severity.WARNING, "m", Location(1, 1), fp, suppressed=suppressed)


def test_round_trip_sorted_unique_versioned(tmp_path: Path) -> None:
    findings = [
        _finding("TST002", "bbb"),
        _finding("TST001", "ccc"),
        _finding("TST001", "aaa"),
        _finding("TST001", "aaa"),
        _finding("TST001", "ddd", suppressed="inline: legacy"),  # not a baseline matter
        _finding("TST003", "eee", suppressed=BASELINE_REASON),  # still known: kept
    ]
    path = tmp_path / "baseline.json"
    written = write_baseline(path, findings)
    assert written == {"aaa", "bbb", "ccc", "eee"}
    document = json.loads(path.read_text())
    assert document == baseline_document(findings)
    assert document["schema"] == "xenreview-baseline"
    assert document["version"] == 1
    assert [(e["code"], e["fingerprint"]) for e in document["findings"]] == [
        ("TST001", "aaa"),
        ("TST001", "ccc"),
        ("TST002", "bbb"),
        ("TST003", "eee"),
    ]
    assert path.read_text().endswith("}\n")
    assert read_baseline(path) == written


def test_applying_marks_known_fingerprints_only() -> None:
    known = _finding("TST001", "aaa")
    new = _finding("TST001", "zzz")
    inline = _finding("TST001", "aaa", suppressed="inline: why")
    out = apply_baseline([known, new, inline], frozenset({"aaa"}))
    assert out == (replace(known, suppressed=BASELINE_REASON), new, inline)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "the baseline is not JSON"),
        ("[]", "not a xenreview baseline"),
        ('{"schema": "xenreview-baseline", "version": 2, "findings": []}', "version 2"),
        ('{"schema": "xenreview-baseline", "version": 1, "findings": {}}', "must be a list"),
        ('{"schema": "xenreview-baseline", "version": 1, "findings": [{}]}', "findings[0]"),
    ],
)
def test_a_bad_baseline_is_an_input_error_naming_the_file(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "b.json"
    path.write_text(content)
    with pytest.raises(InputError) as error:
        read_baseline(path)
    assert message in str(error.value)
    assert str(path) in str(error.value)


def test_a_missing_baseline(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the baseline"):
        read_baseline(tmp_path / "missing.json")


def test_an_unwritable_baseline(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot write the baseline"):
        write_baseline(tmp_path / "no" / "such" / "dir.json", [_finding("TST001", "a")])
