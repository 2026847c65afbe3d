"""SARIF 2.1.0: valid against the official OASIS schema, faithful to the findings, hostile-proof.

Regenerate the golden files with
``python -m pytest tests/unit/report_sarif --update-golden`` and review the diff.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from tests.reviews import BUNDLED, bundled_review
from tests.unit.report_sarif.helpers import (
    PATCHES,
    SARIF_SCHEMA,
    check_golden,
    errors,
    sarif_validator,
    v1,
    v1_finding,
    with_findings,
)
from xenreview import __version__
from xenreview.ingest.model import Series, Severity
from xenreview.pipeline import ApplyOptions, Review, review
from xenreview.report.sarif import (
    FINGERPRINT_KEY,
    SARIF_SCHEMA_URI,
    message_text,
    render_sarif,
    sarif_document,
)
from xenreview.rules.api import Context, Finding, Location, Related, parse_doc
from xenreview.rules.outcome import RuleSkip, ToolError, ToolNote
from xenreview.settings import Settings

OASIS_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def _run(document: dict[str, Any]) -> dict[str, Any]:
    runs = document["runs"]
    assert len(runs) == 1
    run: dict[str, Any] = runs[0]
    return run


def _results(document: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [r for r in _run(document)["results"] if r["ruleId"] == code]


def _one(document: dict[str, Any], code: str) -> dict[str, Any]:
    found = _results(document, code)
    assert len(found) == 1, code
    return found[0]


# -- the schema itself -----------------------------------------------------------------


def test_schema_fixture_is_the_oasis_schema() -> None:
    data = SARIF_SCHEMA.read_bytes()
    assert hashlib.sha256(data).hexdigest() == OASIS_SHA256
    schema = json.loads(data)
    assert schema["id"] == SARIF_SCHEMA_URI
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"


def test_the_validator_rejects_what_the_schema_forbids() -> None:
    """The validation below can fail: a broken log is caught."""
    good = sarif_document(v1())
    assert errors(sarif_validator(), good) == []
    bad_level = json.loads(json.dumps(good))
    bad_level["runs"][0]["results"][0]["level"] = "fatal"
    assert errors(sarif_validator(), bad_level)
    no_message = json.loads(json.dumps(good))
    del no_message["runs"][0]["results"][0]["message"]
    assert errors(sarif_validator(), no_message)
    unknown_key = json.loads(json.dumps(good))
    unknown_key["runs"][0]["results"][0]["severity"] = "error"
    assert errors(sarif_validator(), unknown_key)


# -- every bundled series ----------------------------------------------------------------


@pytest.mark.parametrize("name", BUNDLED)
def test_golden_sarif_is_valid(name: str, update_golden: bool) -> None:
    output = render_sarif(bundled_review(name))
    assert output.endswith("}\n") and output.startswith("{\n  ")
    assert output.isascii()
    document = json.loads(output)
    assert errors(sarif_validator(), document) == []
    check_golden(PATCHES / name / "expected.review.sarif", output, update_golden)


@pytest.mark.parametrize("name", BUNDLED)
def test_results_match_the_findings(name: str) -> None:
    result = bundled_review(name)
    document = sarif_document(result)
    run = _run(document)
    rules = run["tool"]["driver"]["rules"]
    assert [r["ruleId"] for r in run["results"]] == [f.code for f in result.findings]
    for finding, res in zip(result.findings, run["results"], strict=True):
        assert rules[res["ruleIndex"]]["id"] == finding.code
        assert res["partialFingerprints"] == {FINGERPRINT_KEY: finding.fingerprint}
        assert res["level"] == finding.severity.value
    assert run["invocations"][0]["executionSuccessful"] is True


def test_render_is_deterministic() -> None:
    assert render_sarif(v1()) == render_sarif(v1())


# -- the driver ------------------------------------------------------------------------


def test_rules_are_described_from_their_documentation() -> None:
    result = v1()
    driver = _run(sarif_document(result))["tool"]["driver"]
    assert driver["name"] == "xenreview"
    assert driver["version"] == __version__
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) == {loaded.rule.code for loaded in result.rules}
    assert [r["id"] for r in driver["rules"]] == sorted(rules)
    levels = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
    for loaded in result.rules:
        descriptor = rules[loaded.rule.code]
        assert descriptor["name"] == loaded.rule.name
        assert descriptor["defaultConfiguration"]["level"] == levels[loaded.rule.severity]
        assert descriptor["properties"]["family"] == loaded.rule.family
        assert descriptor["properties"]["status"] == loaded.rule.status.value
        assert descriptor["properties"]["origin"] == loaded.origin
    arm001 = next(x for x in result.rules if x.rule.code == "ARM001")
    sections = parse_doc(arm001.doc)
    descriptor = rules["ARM001"]
    summary = arm001.doc.strip().splitlines()[0]
    assert descriptor["shortDescription"]["text"] == summary
    assert descriptor["fullDescription"]["text"] == " ".join(sections["What it flags"].split())
    help_md = descriptor["help"]["markdown"]
    for heading in ("What it flags", "Why it matters for Xen", "Example", "Suggested fix"):
        assert f"## {heading}\n" in help_md
        assert sections[heading].splitlines()[-1].strip() in descriptor["help"]["text"]
    # The example keeps the indentation of its lines (a code block).
    example = help_md.split("## Example\n\n```\n", 1)[1].split("\n```", 1)[0]
    assert example.splitlines()[0] == "if ( is_hardware_domain(d) )"
    assert "\n    status = continue_hypercall_on_cpu(" in example


def test_a_finding_of_an_unknown_rule_gets_a_descriptor() -> None:
    odd = replace(v1_finding("ARM002"), code="ZZZ999", name="not-a-rule")
    document = sarif_document(with_findings(v1(), (odd,)))
    rules = _run(document)["tool"]["driver"]["rules"]
    res = _one(document, "ZZZ999")
    assert rules[res["ruleIndex"]]["id"] == "ZZZ999"
    assert errors(sarif_validator(), document) == []


# -- locations -------------------------------------------------------------------------


def test_arm001_points_into_the_patched_tree_and_names_its_patch() -> None:
    finding = v1_finding("ARM001")
    res = _one(sarif_document(v1()), "ARM001")
    (location,) = res["locations"]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "xen/arch/arm/suspend.c", "uriBaseId": "SRCROOT"}
    assert physical["region"]["startLine"] == 150
    assert physical["region"]["snippet"]["text"] == finding.excerpt
    assert physical["properties"]["afterPatch"] == 5
    (logical,) = location["logicalLocations"]
    assert logical["name"] == "patch 5/18"
    assert logical["kind"] == "patch"
    assert "<20260310120000.05.suspend-v1@example.org>" in logical["fullyQualifiedName"]
    assert res["message"]["text"] == message_text(finding.message)
    # The related places that are not model steps, with their own locations.
    related = res["relatedLocations"]
    expected = [r for r in finding.related if not re.match(r"step \d+: |then: ", r.message)]
    assert [r["message"]["text"] for r in related] == [message_text(r.message) for r in expected]
    assert related[0]["physicalLocation"]["region"]["startLine"] == 52
    assert "physicalLocation" not in related[2]  # "the suspend model confirms it": no file
    assert len({r["id"] for r in related}) == len(related)


def test_run_logical_locations_are_stored_once_and_referenced() -> None:
    run = _run(sarif_document(v1()))
    stored = run["logicalLocations"]
    names = [x["fullyQualifiedName"] for x in stored]
    assert len(names) == len(set(names))
    for res in run["results"]:
        for location in res["locations"]:
            for ref in location["logicalLocations"]:
                assert stored[ref["index"]]["fullyQualifiedName"] == ref["fullyQualifiedName"]


def test_series_and_commit_message_findings_have_only_a_logical_location() -> None:
    base = v1_finding("ARM002")
    on_series = replace(base, location=Location(patch=None, total=18))
    on_message = replace(
        base,
        location=Location(patch=2, total=18, message_id="20260310120000.02.suspend-v1@example.org"),
    )
    document = sarif_document(with_findings(v1(), (on_series, on_message)))
    assert errors(sarif_validator(), document) == []
    first, second = _run(document)["results"]
    assert "physicalLocation" not in first["locations"][0]
    assert first["locations"][0]["logicalLocations"][0]["kind"] == "series"
    assert first["locations"][0]["logicalLocations"][0]["name"] == "series v1"
    assert "physicalLocation" not in second["locations"][0]
    assert second["locations"][0]["logicalLocations"][0]["name"] == "patch 2/18"


# -- fingerprints ----------------------------------------------------------------------


def _v3_mbox(tmp_path: Path) -> Path:
    """v1 re-rolled as v3: new message-ids, and suspend.c three lines longer from patch 3 on."""
    text = (PATCHES / "xen-arm-suspend-v1" / "series.mbox").read_bytes().decode("utf-8")
    text = re.sub(r"\[PATCH (\d\d/18)\]", r"[PATCH v3 \1]", text)
    text = text.replace("suspend-v1@example.org", "suspend-v3@example.org")
    header = "@@ -0,0 +1,126 @@\n"
    assert text.count(header) == 1  # patch 3 creates xen/arch/arm/suspend.c
    text = text.replace(header, "@@ -0,0 +1,129 @@\n+/*\n+ * Three more lines in v3.\n+ */\n")
    path = tmp_path / "v3.mbox"
    path.write_bytes(text.encode("utf-8"))
    return path


def test_the_same_finding_in_another_version_has_the_same_partial_fingerprint(
    tmp_path: Path,
) -> None:
    selected = Settings(select=("ARM001", "ARM002", "MOD001", "MOD002"))
    v3 = review([str(_v3_mbox(tmp_path))], selected, ApplyOptions())
    assert v3.series[0].series.version == "3"
    old = _one(sarif_document(v1()), "ARM001")
    new = _one(sarif_document(v3), "ARM001")
    # Moved down three lines, another message-id, another version ...
    old_region = old["locations"][0]["physicalLocation"]["region"]
    new_region = new["locations"][0]["physicalLocation"]["region"]
    assert (old_region["startLine"], new_region["startLine"]) == (150, 153)
    old_name = old["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
    new_name = new["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
    assert old_name != new_name
    # ... and still the same finding.
    assert new["partialFingerprints"] == old["partialFingerprints"]
    for code in ("MOD001", "MOD002", "ARM002"):
        assert (
            _one(sarif_document(v3), code)["partialFingerprints"]
            == _one(sarif_document(v1()), code)["partialFingerprints"]
        )
    # Different findings at one place keep different fingerprints.
    at_150 = {
        json.dumps(r["partialFingerprints"]) for r in _results(sarif_document(v1()), "ARM001")
    }
    at_150 |= {
        json.dumps(_one(sarif_document(v1()), c)["partialFingerprints"])
        for c in ("ARM002", "MOD002")
    }
    assert len(at_150) == 3


def _hunk_findings() -> tuple[Finding, Finding, Finding]:
    """ARM001 raised on a hunk of patch 5, on the same hunk 40 lines lower, and on another hunk."""
    series: Series = v1().series[0].series
    patch = series.patches[4]
    file = next(f for f in patch.diff.files if f.path == "xen/arch/arm/suspend.c")
    hunk, other = file.hunks[-1], file.hunks[1]
    moved = replace(
        hunk,
        source_start=hunk.source_start + 40,
        target_start=hunk.target_start + 40,
        header=hunk.header.replace(str(hunk.target_start), str(hunk.target_start + 40)),
        lines=tuple(
            replace(
                line,
                source_no=None if line.source_no is None else line.source_no + 40,
                target_no=None if line.target_no is None else line.target_no + 40,
                diff_no=line.diff_no + 7,
            )
            for line in hunk.lines
        ),
    )
    rule = next(x.rule for x in v1().rules if x.rule.code == "ARM001")

    def raise_on(h: Any) -> Finding:
        ctx = Context(series=series, patch=patch, file=file, hunk=h)
        added = next(line for line in h.lines if line.kind.value == "+")
        return ctx.finding(rule, "same words", line=added)

    return raise_on(hunk), raise_on(moved), raise_on(other)


def test_partial_fingerprints_follow_hunk_content_not_line_numbers() -> None:
    first, moved, other = _hunk_findings()
    assert first.location.line != moved.location.line
    document = sarif_document(with_findings(v1(), (first, moved, other)))
    a, b, c = (r["partialFingerprints"][FINGERPRINT_KEY] for r in _run(document)["results"])
    assert a == b
    assert a != c


# -- model counterexamples ---------------------------------------------------------------


@pytest.mark.parametrize("code", ["MOD001", "MOD002", "MOD006", "MOD008", "MOD010"])
def test_code_flow_has_one_location_per_trace_step(code: str) -> None:
    finding = v1_finding(code)
    trace = json.loads(dict(finding.extra)["trace"])
    res = _one(sarif_document(v1()), code)
    (flow,) = res["codeFlows"]
    (thread,) = flow["threadFlows"]
    steps = thread["locations"]
    assert len(steps) == len(trace)
    assert [s["executionOrder"] for s in steps] == list(range(1, len(trace) + 1))
    for step, raw in zip(steps, trace, strict=True):
        assert step["location"]["message"]["text"] == message_text(
            f"{raw['actor']}: {raw['action']}"
        )
        assert step["properties"]["changes"] == raw["changes"]
        if raw["fact"] is None:
            assert "physicalLocation" not in step["location"]
        else:
            physical = step["location"]["physicalLocation"]
            assert unquote(physical["artifactLocation"]["uri"]) == raw["fact"]["path"]
            assert physical["region"]["startLine"] == raw["fact"]["line"]
            assert physical["region"]["snippet"]["text"] == raw["fact"]["text"]
            assert physical["properties"]["afterPatch"] == int(
                dict(finding.extra)["trace_after_patch"]
            )
    assert flow["message"]["text"].startswith(message_text("then: "))
    # The steps are in the code flow, not repeated as related locations.
    assert "relatedLocations" not in res


def test_arm001_code_flow_comes_from_its_step_entries() -> None:
    finding = v1_finding("ARM001")
    steps = [r for r in finding.related if re.match(r"step \d+: ", r.message)]
    assert len(steps) == 6
    (flow,) = _one(sarif_document(v1()), "ARM001")["codeFlows"]
    locations = flow["threadFlows"][0]["locations"]
    assert len(locations) == len(steps)
    third = locations[2]["location"]
    assert third["message"]["text"].startswith("Dom0: SYSTEM_SUSPEND")
    assert third["physicalLocation"]["region"]["startLine"] == 150


def test_a_broken_trace_falls_back_to_the_step_entries() -> None:
    finding = v1_finding("MOD010")
    broken = replace(
        finding, extra=tuple((k, "not json" if k == "trace" else v) for k, v in finding.extra)
    )
    steps = [r for r in finding.related if re.match(r"step \d+: ", r.message)]
    document = sarif_document(with_findings(v1(), (broken,)))
    (flow,) = _one(document, "MOD010")["codeFlows"]
    assert len(flow["threadFlows"][0]["locations"]) == len(steps)
    assert errors(sarif_validator(), document) == []


# -- suppressions, fixes, notifications --------------------------------------------------


def test_suppressions_say_where_they_come_from() -> None:
    base = v1_finding("ARM002")
    cases = [
        ("inline: the caller is a hypercall", "inSource", "the caller is a hypercall", "inline"),
        ("commit message (no reason given)", "inSource", None, "commit message"),
        ("cover letter: fixed in 7/18", "inSource", "fixed in 7/18", "cover letter"),
        ("baseline", "external", None, "baseline"),
    ]
    findings = tuple(replace(base, suppressed=text) for text, *_ in cases)
    document = sarif_document(with_findings(v1(), (*findings, base)))
    assert errors(sarif_validator(), document) == []
    results = _run(document)["results"]
    for res, (text, kind, why, source) in zip(results, cases, strict=False):
        (suppression,) = res["suppressions"]
        assert suppression["kind"] == kind
        assert suppression["status"] == "accepted"
        assert suppression.get("justification") == why
        assert suppression["properties"]["source"] == source
        assert res["properties"]["suppressed"] == text
    assert "suppressions" not in results[-1]


def test_a_fix_replaces_the_flagged_line() -> None:
    base = v1_finding("ARM002")
    fixed = replace(base, fix="status = 0; /* {0} */")
    no_file = replace(
        base, fix="Signed-off-by: A <a@example.org>", location=Location(patch=5, total=18)
    )
    document = sarif_document(with_findings(v1(), (fixed, no_file)))
    assert errors(sarif_validator(), document) == []
    first, second = _run(document)["results"]
    (fix,) = first["fixes"]
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "xen/arch/arm/suspend.c"
    (replacement,) = change["replacements"]
    assert replacement["deletedRegion"] == {"startLine": 150}
    assert replacement["insertedContent"]["text"] == "status = 0; /* {0} */"
    assert "fixes" not in second
    assert second["properties"]["fix"] == "Signed-off-by: A <a@example.org>"


def test_tool_errors_notes_and_skips_are_notifications() -> None:
    result = v1()
    item = replace(
        result.series[0],
        apply_skipped="not applied (--no-apply)",
        rules_skipped=(RuleSkip("ARM001", "pv-backend-wakeup", "needs the patched tree"),),
    )
    broken = replace(
        result,
        series=(item,),
        tool_errors=(
            ToolError("ZeroDivisionError: boom", "bundled", code="ARM002", where="patch 5/18, a.c"),
            ToolError("SyntaxError: bad (line 3)", "folder:rules-extra"),
        ),
        notes=(ToolNote("a suppression gives no reason", "cover letter, line 9"),),
    )
    document = sarif_document(broken)
    assert errors(sarif_validator(), document) == []
    run = _run(document)
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    kinds = [n["descriptor"]["id"] for n in notes]
    assert kinds == ["tool-error", "tool-error", "series-not-applied", "rule-skipped", "tool-note"]
    descriptors = run["tool"]["driver"]["notifications"]
    for n in notes:
        assert descriptors[n["descriptor"]["index"]]["id"] == n["descriptor"]["id"]
    crash = notes[0]
    assert crash["level"] == "error"
    assert crash["associatedRule"]["id"] == "ARM002"
    rules = run["tool"]["driver"]["rules"]
    assert rules[crash["associatedRule"]["index"]]["id"] == "ARM002"
    assert "boom" in crash["message"]["text"]
    assert crash["properties"] == {"origin": "bundled", "where": "patch 5/18, a.c"}
    assert "associatedRule" not in notes[1]
    assert notes[2]["level"] == "warning"
    assert notes[3]["associatedRule"]["id"] == "ARM001"
    assert notes[4]["level"] == "note"


# -- hostile text --------------------------------------------------------------------------

HOSTILE = (
    "<script>alert(1)</script> {0} {{1}} [click](https://evil.example.org) a\\](2) "
    "NUL\x00 ESC\x1b[31m CR LF\r\nnext \u202egnp.exe\u202c \ud800 end"
)
HOSTILE_PATH = "xen/a b/%41:c\u202e[1].c"


def _unescape(text: str) -> str:
    """The inverse of message_text (what a SARIF viewer shows)."""
    text = re.sub(r"(\\+)\]\(", lambda m: "\\" * ((len(m.group(1)) - 1) // 2) + "](", text)
    return text.replace("{{", "{").replace("}}", "}")


def _links(text: str) -> int:
    """Embedded links in a plain-text SARIF message: ``[...](...)`` with an unescaped ``](``."""
    count = 0
    for match in re.finditer(r"(\\*)\]\(", text):
        if len(match.group(1)) % 2 == 0:
            count += 1
    return count


def _hostile_review() -> Review:
    base = v1_finding("ARM002")
    finding = replace(
        base,
        message=HOSTILE,
        location=replace(base.location, path=HOSTILE_PATH, line=3, column=2),
        excerpt="\x00\tx = 1; /* \u202e */ <b>",
        fix="y\r\nz",
        related=(
            Related(
                HOSTILE,
                Location(patch=5, total=18, path=HOSTILE_PATH, line=4),
                excerpt="<i>",
            ),
        ),
        extra=(("k", HOSTILE), ("k", "again")),
    )
    return with_findings(v1(), (finding,))


def test_markup_and_control_characters_survive_as_json_strings() -> None:
    output = render_sarif(_hostile_review())
    assert output.isascii()  # bidi and control characters as \u escapes
    assert "\x1b" not in output and "\u202e" not in output
    document = json.loads(output)
    assert errors(sarif_validator(), document) == []
    res = _run(document)["results"][0]
    text = res["message"]["text"]
    assert _links(text) == 0  # no embedded link can be forged
    assert "{0}" not in text.replace("{{", "")  # no placeholder either
    assert _unescape(text) == HOSTILE.replace("\ud800", "\ufffd")
    for part in ("<script>", "\x00", "\x1b[31m", "\r\n", "\u202egnp.exe"):
        assert part in text
    physical = res["locations"][0]["physicalLocation"]
    uri = physical["artifactLocation"]["uri"]
    assert re.fullmatch(r"[A-Za-z0-9/%._~-]+", uri)
    assert unquote(uri) == HOSTILE_PATH
    assert physical["region"]["snippet"]["text"] == "\x00\tx = 1; /* \u202e */ <b>"
    assert physical["region"]["startColumn"] == 2
    related = res["relatedLocations"][0]
    assert _unescape(related["message"]["text"]) == HOSTILE.replace("\ud800", "\ufffd")
    (change,) = res["fixes"][0]["artifactChanges"]
    assert change["replacements"][0]["insertedContent"]["text"] == "y\r\nz"
    assert res["properties"]["extra"] == [
        {"key": "k", "value": HOSTILE.replace("\ud800", "\ufffd")},
        {"key": "k", "value": "again"},
    ]


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("plain", "plain"),
        ("{0}", "{{0}}"),
        ("[a](1)", "[a\\](1)"),
        ("[a\\](1)", "[a\\\\\\](1)"),
        ("[a] (1)", "[a] (1)"),
        ("x[0] = y[1](z)", "x[0] = y[1\\](z)"),
    ],
)
def test_message_text_escaping(raw: str, escaped: str) -> None:
    assert message_text(raw) == escaped
    assert _unescape(escaped) == raw
    assert _links(escaped) == 0
