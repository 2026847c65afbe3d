"""GitLab Code Quality: the fields GitLab reads, unique fingerprints, honest locations."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from tests.reviews import BUNDLED, bundled_review
from tests.unit.report_sarif.helpers import PATCHES, check_golden, v1, v1_finding, with_findings
from xenreview.ingest.model import Severity
from xenreview.report.codequality import (
    SEVERITY,
    codequality_report,
    patch_file_name,
    render_codequality,
)
from xenreview.rules.api import Location

GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def _check_issue(issue: dict[str, Any]) -> None:
    """What GitLab's documentation asks of each issue of a custom tool."""
    for key in ("description", "check_name", "fingerprint", "severity"):
        assert isinstance(issue[key], str) and issue[key], key
    assert issue["severity"] in GITLAB_SEVERITIES
    path = issue["location"]["path"]
    assert isinstance(path, str) and path and not path.startswith("/")
    begin = issue["location"]["lines"]["begin"]
    assert isinstance(begin, int) and begin >= 1


@pytest.mark.parametrize("name", BUNDLED)
def test_golden_codequality(name: str, update_golden: bool) -> None:
    result = bundled_review(name)
    output = render_codequality(result)
    assert output.isascii() and output.endswith("\n")
    assert not output.startswith("\ufeff")
    issues = json.loads(output)
    assert isinstance(issues, list)
    assert len(issues) == sum(1 for f in result.findings if f.suppressed is None)
    for issue in issues:
        _check_issue(issue)
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    check_golden(PATCHES / name / "expected.review.codequality.json", output, update_golden)


def test_severity_mapping() -> None:
    assert SEVERITY == {
        Severity.NOTE: "info",
        Severity.WARNING: "minor",
        Severity.ERROR: "critical",
    }
    issues = codequality_report(v1())
    assert [i["severity"] for i in issues] == [SEVERITY[f.severity] for f in v1().findings]


def test_a_finding_in_a_file_points_at_its_line() -> None:
    finding = v1_finding("ARM001")
    (issue,) = codequality_report(with_findings(v1(), (finding,)))
    assert issue["location"] == {"path": "xen/arch/arm/suspend.c", "lines": {"begin": 150}}
    assert issue["check_name"] == "ARM001 pv-backend-wakeup"
    assert issue["description"] == f"ARM001 pv-backend-wakeup: {finding.message}"
    assert issue["fingerprint"] == finding.fingerprint
    assert issue["categories"] == ["Bug Risk"]


def test_findings_without_a_file_name_the_mail() -> None:
    base = v1_finding("ARM002")
    on_message = replace(base, location=Location(patch=5, total=18))
    on_series = replace(base, location=Location(patch=None, total=18))
    in_file_no_line = replace(base, location=replace(base.location, line=None))
    issues = codequality_report(with_findings(v1(), (on_message, on_series, in_file_no_line)))
    paths = [(i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues]
    assert paths == [
        ("0005-xen-arm-Trigger-Xen-suspend-when-Dom0-completes-susp.patch", 1),
        ("0000-cover-letter.patch", 1),
        ("xen/arch/arm/suspend.c", 1),
    ]


def test_patch_file_names_follow_format_patch() -> None:
    v2 = bundled_review("xen-arm-suspend-v2").series[0].series
    assert patch_file_name(v2, None) == "v2-0000-cover-letter.patch"
    name = patch_file_name(v2, 1)
    assert name.startswith("v2-0001-xen-arm-Make-vpsci_build_context")
    assert len(name.removeprefix("v2-0001-").removesuffix(".patch")) <= 52
    hostile = replace(
        v2,
        patches=(
            replace(
                v2.patches[0],
                message=replace(
                    v2.patches[0].message,
                    subject=replace(v2.patches[0].subject, title="../../etc/passwd\r\n<b>\x00"),
                ),
            ),
        ),
    )
    assert patch_file_name(hostile, 1) == "v2-0001-etc-passwd-b.patch"


def test_repeated_fingerprints_are_made_unique() -> None:
    result = bundled_review("xen-arm-suspend-v2")
    fingerprints = [f.fingerprint for f in result.findings]
    repeated = {fp for fp in fingerprints if fingerprints.count(fp) > 1}
    assert repeated  # ACK001 says the same thing on several patches
    issues = codequality_report(result)
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    for fp in repeated:
        # The first keeps the finding's fingerprint (stable across versions); the others differ.
        assert [i["fingerprint"] for i in issues].count(fp) == 1
    again = codequality_report(result)
    assert [i["fingerprint"] for i in again] == [i["fingerprint"] for i in issues]


def test_suppressed_findings_are_left_out() -> None:
    base = v1_finding("ARM002")
    findings = (
        replace(base, suppressed="inline: fine"),
        replace(base, suppressed="baseline"),
        base,
    )
    issues = codequality_report(with_findings(v1(), findings))
    assert len(issues) == 1
    assert issues[0]["fingerprint"] == base.fingerprint


def test_hostile_text_survives_as_json_strings() -> None:
    base = v1_finding("ARM002")
    message = "<img src=x onerror=alert(1)> `code` **bold** \x00\x1b[2J\r\n\u202eevil \ud800"
    path = "xen/a b/<c>&\u202e.c"
    finding = replace(base, message=message, location=replace(base.location, path=path))
    output = render_codequality(with_findings(v1(), (finding,)))
    assert output.isascii()
    (issue,) = json.loads(output)
    assert issue["description"] == f"ARM002 {base.name}: " + message.replace("\ud800", "\ufffd")
    assert issue["location"]["path"] == path
