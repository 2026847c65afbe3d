"""Baselines: the fingerprints of known findings, so CI reports only new ones.

``--write-baseline FILE`` writes the fingerprints of the run's findings
(those not suppressed in the source or the commit message); ``--baseline
FILE`` marks every finding whose fingerprint is in FILE as suppressed with
the reason ``baseline``.  Fingerprints come from the rule and the hunk's
content, not line numbers, so a baseline survives rebases and re-rolls
that do not touch the flagged code.

The file is JSON, versioned, sorted and indented, so it diffs well::

    {
      "schema": "xenreview-baseline",
      "version": 1,
      "findings": [{"code": "STY001", "fingerprint": "..."}, ...]
    }
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from xenreview.errors import InputError
from xenreview.rules.api import Finding

SCHEMA = "xenreview-baseline"
VERSION = 1
BASELINE_REASON = "baseline"


def baseline_document(findings: Iterable[Finding]) -> dict[str, Any]:
    """The baseline of ``findings``: unsuppressed (or baselined) ones, sorted, unique."""
    entries = sorted(
        {
            (f.code, f.fingerprint)
            for f in findings
            if f.suppressed is None or f.suppressed == BASELINE_REASON
        }
    )
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "findings": [{"code": code, "fingerprint": fp} for code, fp in entries],
    }


def write_baseline(path: Path, findings: Iterable[Finding]) -> frozenset[str]:
    """Write the baseline file; the fingerprints written."""
    document = baseline_document(findings)
    try:
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the baseline: {exc.strerror}", source=str(path)) from None
    return frozenset(entry["fingerprint"] for entry in document["findings"])


def read_baseline(path: Path) -> frozenset[str]:
    """The fingerprints of a baseline file (errors name the file)."""
    source = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the baseline: {exc.strerror}", source=source) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"the baseline is not JSON: {exc}", source=source) from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise InputError(f'not a xenreview baseline (no "schema": "{SCHEMA}")', source=source)
    if data.get("version") != VERSION:
        raise InputError(
            f"baseline version {data.get('version')!r} is not supported (expected {VERSION})",
            source=source,
        )
    entries = data.get("findings")
    if not isinstance(entries, list):
        raise InputError('"findings" must be a list', source=source)
    fingerprints: set[str] = set()
    for index, entry in enumerate(entries):
        fp = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(fp, str) or not fp:
            raise InputError(
                'a baseline entry needs a "fingerprint" string',
                source=source,
                where=f"findings[{index}]",
            )
        fingerprints.add(fp)
    return frozenset(fingerprints)


def apply_baseline(
    findings: Sequence[Finding], fingerprints: frozenset[str]
) -> tuple[Finding, ...]:
    """Mark the unsuppressed findings whose fingerprint is in the baseline."""
    return tuple(
        replace(f, suppressed=BASELINE_REASON)
        if f.suppressed is None and f.fingerprint in fingerprints
        else f
        for f in findings
    )
