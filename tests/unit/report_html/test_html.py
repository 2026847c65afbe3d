"""The HTML report: structure, placement of findings, self-containment, escaping.

The pages are parsed with the standard library's HTML parser (tests/unit/report_html/page.py),
as a browser would read them; the real browser runs in tests/browser/.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from tests.reviews import BUNDLED, bundled_review
from tests.unit.report_html.page import Page, parse
from xenreview.ingest.model import Severity
from xenreview.pipeline import ApplyOptions, Review, review
from xenreview.report.html import render_html
from xenreview.rules.api import Finding, Location, Related
from xenreview.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
BIDI = "\u202e"


@pytest.fixture(scope="module")
def suspend() -> tuple[str, Page]:
    html = render_html(bundled_review("xen-arm-suspend-v1"))
    return html, parse(html)


# -- structure ------------------------------------------------------------------------------


def test_each_finding_once_with_its_anchor_and_self_link(suspend: tuple[str, Page]) -> None:
    html, page = suspend
    findings = bundled_review("xen-arm-suspend-v1").findings
    assert len(page.findings) == len(findings) == 7
    assert [f.id for f in page.findings] == [f"finding-{n}" for n in range(1, 8)]
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"
    hrefs = page.attrs("href")
    for placed in page.findings:
        assert f"#{placed.id}" in hrefs
        assert html.count(f'id="{placed.id}"') == 1
    assert sorted(f.rule for f in page.findings) == sorted(f.code for f in findings)


def test_arm001_sits_under_line_150_of_suspend_c_in_patch_5(suspend: tuple[str, Page]) -> None:
    _, page = suspend
    for code in ("ARM001", "ARM002", "MOD002"):
        placed = page.finding(code)
        assert (placed.patch, placed.path, placed.line) == (
            "patch-5",
            "xen/arch/arm/suspend.c",
            150,
        ), code


def test_model_findings_of_patch_3_sit_under_their_lines(suspend: tuple[str, Page]) -> None:
    _, page = suspend
    assert (page.finding("MOD001").patch, page.finding("MOD001").line) == ("patch-3", 44)
    assert (page.finding("MOD006").path, page.finding("MOD006").line) == (
        "xen/arch/arm/suspend.c",
        101,
    )


def test_findings_outside_the_diff_go_on_top_of_their_patch() -> None:
    page = parse(render_html(bundled_review("sample-vtimer-v2")))
    assert [(f.rule, f.patch, f.path) for f in page.findings] == [
        ("SER007", "patch-1", None),
        ("SER007", "patch-2", None),
        ("SER007", "patch-3", None),
    ]


def test_a_line_not_in_the_diff_is_said_so() -> None:
    result = bundled_review("xen-arm-suspend-v1")
    item = result.series[0]
    arm001 = item.findings[4]
    assert arm001.code == "ARM001"
    moved = replace(arm001, location=replace(arm001.location, line=9999))
    findings = tuple(moved if f is arm001 else f for f in item.findings)
    page = parse(render_html(replace(result, series=(replace(item, findings=findings),))))
    placed = page.finding("ARM001")
    assert (placed.patch, placed.path) == ("patch-5", None)
    assert "line 9999 of xen/arch/arm/suspend.c is not in this patch's diff" in page.text


def test_every_file_and_hunk_with_line_numbers(suspend: tuple[str, Page]) -> None:
    html, page = suspend
    series = bundled_review("xen-arm-suspend-v1").series[0].series
    files = [f for p in series.patches for f in p.diff.files]
    hunks = [h for f in files for h in f.hunks]
    assert page.attrs("data-path") == [f.path for f in files]
    assert html.count('<tr class="hunk">') == len(hunks)
    assert html.count('<td class="nn">150</td>') >= 1
    first = series.patches[0].diff.files[0].hunks[0]
    assert f"{first.header}" in page.text


def test_summary_apply_outcomes_and_counts() -> None:
    page = parse(render_html(bundled_review("sample-vtimer-v2")))
    text = re.sub(r"\s+", " ", page.text)
    assert "xen/arm: vtimer: small clean-ups v2" in text
    assert "base-missing" in text and "not-attempted" in text
    assert "3 errors" in text and "0 warnings" in text
    assert "line 49 reads" in text  # the failing hunk's explanation
    assert "Alice Arm, Bruno Board" in text  # the ack table


def test_model_verdicts_are_drawn_as_sequence_diagrams(suspend: tuple[str, Page]) -> None:
    _, page = suspend
    svgs = [a for tag, a in page.tags if tag == "svg"]
    traced = [f for f in bundled_review("xen-arm-suspend-v1").findings if f.code != "ARM002"]
    assert len(svgs) == len(traced) == 6
    for placed in page.findings:
        number = placed.id.removeprefix("finding-")
        assert (f"model-{number}" in page.ids) == (placed.rule != "ARM002")
    assert "Xen on pCPU 0" in page.text and "guest1" in page.text
    assert "at xen/arch/arm/suspend.c:267: continue_hypercall_on_cpu(0, system_suspend, NULL)" in (
        page.text
    )


def test_filters_list_the_rules_and_severities(suspend: tuple[str, Page]) -> None:
    _, page = suspend
    options = [a.get("value") for tag, a in page.tags if tag == "option"]
    assert options == ["", "ARM001", "ARM002", "MOD001", "MOD002", "MOD006", "MOD008", "MOD010"]
    boxes = [
        a.get("value") for tag, a in page.tags if tag == "input" and a.get("name") == "severity"
    ]
    assert boxes == ["error", "warning", "note"]
    form = next(a for tag, a in page.tags if tag == "form")
    assert "hidden" in form  # shown by the script only: the page reads the same without it


def test_rule_documentation_for_the_rules_that_fired(suspend: tuple[str, Page]) -> None:
    _, page = suspend
    assert {i for i in page.ids if i.startswith("rule-")} == {
        f"rule-{c}" for c in ("ARM001", "ARM002", "MOD001", "MOD002", "MOD006", "MOD008", "MOD010")
    }
    assert "Why it matters for Xen" in page.text


def test_rendering_is_deterministic() -> None:
    result = bundled_review("xen-arm-suspend-v2")
    assert render_html(result) == render_html(result)


# -- self-contained -------------------------------------------------------------------------


@pytest.mark.parametrize("name", BUNDLED)
def test_nothing_is_fetched(name: str) -> None:
    html = render_html(bundled_review(name))
    page = parse(html)
    assert page.attrs("src") == []
    assert all((href or "").startswith("#") for href in page.attrs("href"))
    assert not [v for _, a in page.tags for v in a.values() if v and "://" in v]
    assert "url(" not in page.style and "@import" not in page.style
    assert not any(tag in ("link", "img", "iframe", "object", "embed") for tag, _ in page.tags)
    assert "://" not in page.style and "://" not in page.scripts[0]


def test_the_csp_allows_only_the_inline_style_and_script(suspend: tuple[str, Page]) -> None:
    _, page = suspend
    csp = next(
        a["content"] or ""
        for tag, a in page.tags
        if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in csp
    assert len(page.scripts) == 1

    def digest(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    assert f"script-src 'sha256-{digest(page.scripts[0])}'" in csp
    assert f"style-src 'sha256-{digest(page.style)}'" in csp


# -- hostile input --------------------------------------------------------------------------


def _with_findings(result: Review, extra: tuple[Finding, ...]) -> Review:
    item = result.series[0]
    return replace(result, series=(replace(item, findings=item.findings + extra),))


def _hostile_review() -> Review:
    """The handwritten hostile mail, with findings that carry markup everywhere."""
    result = review([str(FIXTURES / "hostile.eml")], Settings(), ApplyOptions(enabled=False))
    patch = result.series[0].series.patches[0]
    path = patch.diff.files[0].path
    trace = [
        {"actor": SCRIPT, "action": IMG, "changes": ["]]>\r\n"], "fact": None},
        {"actor": "Xen on pCPU 0", "action": f"resumes {SCRIPT}", "changes": [], "fact": None},
        {
            "actor": "guest1",
            "action": "runs",
            "changes": [],
            "fact": {"path": path, "line": 2, "text": f"{IMG}{BIDI}"},
        },
    ]
    hostile = Finding(
        code="XSS001",
        name=f"name-{SCRIPT}",
        severity=Severity.ERROR,
        message=f"message {SCRIPT} {IMG} ]]> </style> &amp; \r\nline two {BIDI}",
        location=Location(patch=1, total=1, message_id=patch.message_id, path=path, line=2),
        fingerprint=f'fp"{IMG}',
        fix=f"fix {SCRIPT}",
        excerpt=f"excerpt {IMG}",
        related=(
            Related(f"related {SCRIPT}", Location(patch=1, path=path, line=3), f"{IMG}"),
            Related(f"step 1: {SCRIPT}: {IMG}", Location(patch=1)),
        ),
        suppressed=None,
        extra=(("trace", json.dumps(trace)), ("property", SCRIPT), ("final_state", IMG)),
    )
    on_top = replace(hostile, location=replace(hostile.location, line=None), excerpt=IMG)
    return _with_findings(result, (hostile, on_top))


@pytest.fixture(scope="module")
def hostile() -> tuple[str, Page]:
    html = render_html(_hostile_review())
    return html, parse(html)


def test_no_element_or_attribute_comes_from_the_input(hostile: tuple[str, Page]) -> None:
    _, page = hostile
    tags = [tag for tag, _ in page.tags]
    assert tags.count("script") == 1  # our own
    assert "img" not in tags
    assert not [name for _, a in page.tags for name in a if name.startswith("on")]
    assert page.attrs("src") == []
    assert all((href or "").startswith("#") for href in page.attrs("href"))
    # The attribute values that carry input are quoted and escaped whole.
    assert f'fp"{IMG}' in page.attrs("data-fingerprint")


def test_markup_from_the_input_shows_as_text(hostile: tuple[str, Page]) -> None:
    html, page = hostile
    text = page.text
    for shown in (
        "<script>alert(1)</script>",  # subject
        '"><img src=x onerror=alert(2)> ]]> &',  # subject
        "Eve <script>alert(3)</script>",  # author
        "<script>alert(4)</script>",  # commit message
        "xen/<script>alert(6)</script>.c",  # path
        "<script>alert(7)</script>",  # hunk section
        "/* <script>alert(8)</script> */",  # diff line
        '"><img src=x onerror=alert(9)>]]></style>&amp;',  # diff line, &amp; as written
        f"message {SCRIPT} {IMG} ]]> </style> &amp;",  # finding message
        f"fix {SCRIPT}",
        f"related {SCRIPT}",
        f"resumes {SCRIPT}",  # a step of the sequence diagram
    ):
        assert shown in text, shown
    assert "&lt;script&gt;alert(8)&lt;/script&gt;" in html


def test_control_and_bidi_characters_are_marked(hostile: tuple[str, Page]) -> None:
    html, page = hostile
    assert BIDI not in html and "\r" not in html and "\x07" not in html
    assert "\u27e8U+202E\u27e9evil" in page.text  # the subject's override, visible
    assert "int \u27e8U+202E\u27e9b;\u27e8U+0007\u27e9" in page.text  # the diff line's, and BEL
    assert "\u27e8U+000D\u27e9\nX-Injected: yes" in page.text  # the CR of the subject's CRLF
    assert "X-Injected: yes" in page.text  # shown as text, in the subject


def test_the_hostile_finding_sits_under_its_line(hostile: tuple[str, Page]) -> None:
    _, page = hostile
    placed = [f for f in page.findings if f.rule == "XSS001"]
    assert [(f.path, f.line) for f in placed] == [
        (None, None),
        ("xen/<script>alert(6)</script>.c", 2),
    ]


def test_the_sequence_diagram_escapes_its_text(hostile: tuple[str, Page]) -> None:
    html, _ = hostile
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "<script" not in svg and "<img" not in svg


# -- several series, no rules ----------------------------------------------------------------


def test_several_series_in_one_report() -> None:
    one, two = bundled_review("xen-arm-suspend-v1"), bundled_review("sample-vtimer-v2")
    html = render_html(replace(one, series=one.series + two.series))
    page = parse(html)
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"
    assert {"s1-series", "s2-series", "s1-patch-5", "s2-patch-1"} <= set(page.ids)
    assert [f.id for f in page.findings] == [f"finding-{n}" for n in range(1, 11)]
    assert page.finding("ARM001").patch == "s1-patch-5"
    assert [f.patch for f in page.findings if f.rule == "SER007"] == [
        "s2-patch-1",
        "s2-patch-2",
        "s2-patch-3",
    ]
    assert "2 series" in page.text


def test_a_review_without_the_rule_stage() -> None:
    result = review([str(FIXTURES / "hostile.eml")], Settings(), ApplyOptions(), rules=False)
    page = parse(render_html(result))
    assert page.findings == []
    assert "the rules did not run" in page.text
    assert page.attrs("data-path") == ["xen/<script>alert(6)</script>.c"]


def test_a_finding_about_a_whole_file_goes_on_top() -> None:
    result = bundled_review("xen-arm-suspend-v1")
    item = result.series[0]
    mod001 = item.findings[0]
    assert mod001.code == "MOD001" and mod001.location.patch == 3
    # Patch 3 removes lines of vpsci.c: a finding without a line must not land under one.
    location = replace(mod001.location, path="xen/arch/arm/vpsci.c", line=None, diff_line=None)
    findings = tuple(replace(f, location=location) if f is mod001 else f for f in item.findings)
    page = parse(render_html(replace(result, series=(replace(item, findings=findings),))))
    assert (page.finding("MOD001").patch, page.finding("MOD001").path) == ("patch-3", None)
