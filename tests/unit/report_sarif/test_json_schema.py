"""docs/schema/*.schema.json describe the JSON documents, and reject what they do not allow."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.reviews import BUNDLED, bundled_review
from tests.unit.report_sarif.helpers import PATCHES, SCHEMA_DIR, errors, our_validator
from xenreview.ingest import ingest
from xenreview.pipeline import ApplyOptions, review
from xenreview.report.json_report import show_document
from xenreview.report.review import review_document
from xenreview.settings import Settings


def _golden(name: str, kind: str) -> Any:
    return json.loads((PATCHES / name / f"expected.{kind}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", ["show", "review"])
def test_schemas_are_draft_2020_12_and_closed(kind: str) -> None:
    schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    our_validator(kind)  # check_schema

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                assert node.get("additionalProperties") is False, where
                assert sorted(node["required"]) == sorted(node["properties"]), where
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for k, value in enumerate(node):
                walk(value, f"{where}/{k}")

    walk(schema, "#")


@pytest.mark.parametrize("name", BUNDLED)
@pytest.mark.parametrize("kind", ["show", "review"])
def test_every_golden_document_validates(name: str, kind: str) -> None:
    assert errors(our_validator(kind), _golden(name, kind)) == []


def test_live_review_documents_validate() -> None:
    result = bundled_review("xen-arm-suspend-v1")
    assert errors(our_validator("review"), review_document(result)) == []
    assert errors(our_validator("show"), show_document(result.ingested)) == []


def test_documents_without_apply_or_rules_validate() -> None:
    here = PATCHES / "sample-vtimer-v2" / "series.mbox"
    no_apply = review([str(here)], Settings(), ApplyOptions(enabled=False))
    document = review_document(no_apply)
    assert document["series"][0]["apply"] is None
    assert document["series"][0]["patches"][0]["apply"] is None
    assert document["series"][0]["acks"] is None
    assert errors(our_validator("review"), document) == []
    apply_only = review([str(here)], Settings(), ApplyOptions(), rules=False)
    document = review_document(apply_only)
    assert document["series"][0]["findings"] is None
    assert errors(our_validator("review"), document) == []


def test_a_document_with_problems_validates(tmp_path: Path) -> None:
    """A series with a patch missing: problems at the series level."""
    text = (PATCHES / "sample-vtimer-v2" / "series.mbox").read_text(encoding="utf-8")
    mails = text.split("\nFrom ")
    assert len(mails) >= 3
    kept = "\nFrom ".join(m for k, m in enumerate(mails) if k != 2)
    path = tmp_path / "gap.mbox"
    path.write_text(kept, encoding="utf-8")
    document = show_document(ingest([str(path)], Settings()))
    problems = document["series"][0]["problems"]
    assert problems, "the cut mbox should miss a patch"
    assert errors(our_validator("show"), document) == []


# -- negative: the schemas can fail --------------------------------------------------------


def _broken(kind: str, change: Any) -> list[str]:
    document = copy.deepcopy(_golden("xen-arm-suspend-v1", kind))
    change(document)
    return errors(our_validator(kind), document)


@pytest.mark.parametrize("kind", ["show", "review"])
def test_missing_required_fields_fail(kind: str) -> None:
    assert _broken(kind, lambda d: d.pop("schema_version"))
    assert _broken(kind, lambda d: d["series"][0].pop("title"))
    assert _broken(kind, lambda d: d["series"][0]["patches"][0].pop("message_id"))
    assert _broken(
        kind, lambda d: d["series"][0]["patches"][0]["files"][0]["hunks"][0].pop("added")
    )


@pytest.mark.parametrize("kind", ["show", "review"])
def test_wrong_types_and_unknown_keys_fail(kind: str) -> None:
    assert _broken(kind, lambda d: d.update(schema_version="1"))
    assert _broken(kind, lambda d: d.update(schema="other"))
    assert _broken(kind, lambda d: d["series"][0].update(total="18"))
    assert _broken(kind, lambda d: d["series"][0]["patches"][0].update(author=None))
    assert _broken(kind, lambda d: d["series"][0]["patches"][0]["files"][0].update(status="moved"))
    assert _broken(kind, lambda d: d["series"][0].update(surprise=True))
    assert _broken(kind, lambda d: d["problems"].append({"code": "x", "severity": "fatal"}))


def _finding(d: dict[str, Any]) -> dict[str, Any]:
    finding: dict[str, Any] = d["series"][0]["findings"][0]
    return finding


def test_review_findings_are_checked() -> None:
    assert _broken("review", lambda d: _finding(d).update(severity="fatal"))
    assert _broken("review", lambda d: _finding(d).update(fingerprint="xyz"))
    assert _broken("review", lambda d: _finding(d)["location"].update(line="150"))
    assert _broken("review", lambda d: _finding(d)["extra"].update(states=81))
    assert _broken("review", lambda d: _finding(d).pop("suppressed"))
    assert _broken("review", lambda d: d["series"][0]["patches"][0]["apply"].update(outcome="ok"))
    assert _broken("review", lambda d: d["series"][0]["acks"]["files"][0].update(verdict="maybe"))
    assert _broken("review", lambda d: d.pop("tool_errors"))
    # The show schema knows nothing of the review's additions.
    assert errors(our_validator("show"), _golden("xen-arm-suspend-v1", "review"))
