"""Shared by the SARIF, Code Quality and JSON Schema tests: schemas, goldens, edited reviews."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, Draft202012Validator

from tests.conftest import REPO_ROOT
from tests.reviews import bundled_review
from xenreview.pipeline import Review
from xenreview.rules.api import Finding

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
PATCHES = REPO_ROOT / "patches"
SCHEMA_DIR = REPO_ROOT / "docs" / "schema"
SARIF_SCHEMA = FIXTURES / "sarif-schema-2.1.0.json"


@cache
def sarif_validator() -> Draft4Validator:
    """The official SARIF 2.1.0 schema (draft-04, as it declares) as a validator."""
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return Draft4Validator(schema)


@cache
def our_validator(kind: str) -> Draft202012Validator:
    """``docs/schema/<kind>.schema.json`` (Draft 2020-12) as a validator."""
    schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(validator: Draft4Validator | Draft202012Validator, document: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:300]}"
        for e in validator.iter_errors(document)
    ]


def check_golden(path: Path, output: str, update: bool) -> None:
    """Compare ``output`` with the golden file, or rewrite it under ``--update-golden``."""
    if update:
        path.write_text(output, encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}: run with --update-golden"
    assert output == path.read_text(encoding="utf-8"), (
        f"{path} differs: review the change, then run with --update-golden"
    )


def with_findings(result: Review, findings: tuple[Finding, ...], series: int = 0) -> Review:
    """``result`` with the findings of its ``series``-th series replaced."""
    items = list(result.series)
    items[series] = replace(items[series], findings=findings)
    return replace(result, series=tuple(items))


def v1() -> Review:
    return bundled_review("xen-arm-suspend-v1")


def v1_finding(code: str) -> Finding:
    found = [f for f in v1().findings if f.code == code]
    assert len(found) == 1, code
    return found[0]
