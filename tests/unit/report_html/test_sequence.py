"""The sequence diagram of a model counterexample (xenreview/report/sequence.py)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from tests.reviews import bundled_review
from xenreview.ingest.model import Severity
from xenreview.model.trace import FactRef, Step
from xenreview.report.sequence import (
    finding_trace,
    lifelines,
    sequence_svg,
    steps_from_json,
    steps_from_related,
    visible,
)
from xenreview.rules.api import Finding, Location, Related


class _Svg(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []  # of <text> elements
        self.titles: list[str] = []  # of <title> elements
        self._into: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("text", "title"):
            self._into = self.texts if tag == "text" else self.titles
            self._into.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("text", "title"):
            self._into = None

    def handle_data(self, data: str) -> None:
        if self._into is not None:
            self._into[-1] += data


def _svg(text: str) -> _Svg:
    parser = _Svg()
    parser.feed(text)
    return parser


STEPS = (
    Step("guest1", "SYSTEM_SUSPEND (virtual PSCI): parked"),
    Step("Dom0", "SYSTEM_SUSPEND", ("system_suspend() scheduled on pCPU 0",)),
    Step("Xen on pCPU 0", "system_suspend() starts", (), FactRef("xen/a.c", 12, "go()")),
    Step("environment", "device interrupt for guest1 wakes the host"),
    Step("Xen (resume tasklet)", "resumes guest1"),
    Step("toolstack in Dom0", "xl resume guest2"),
    Step("guest2", "runs"),
)


def test_lifelines_in_role_order() -> None:
    assert lifelines(STEPS) == (
        "Xen on pCPU 0",
        "Xen (resume tasklet)",
        "Dom0",
        "toolstack in Dom0",
        "guest1",
        "guest2",
        "environment",
    )
    more = (Step("guest10", "a"), Step("guest2", "b"), Step("Xen on pCPU 1", "c"))
    assert lifelines(more + STEPS[:3]) == (
        "Xen on pCPU 0",
        "Xen on pCPU 1",
        "Dom0",
        "guest1",
        "guest2",
        "guest10",
    )


def test_one_lifeline_per_actor_and_one_box_per_step() -> None:
    svg = _svg(sequence_svg(STEPS, final="host active"))
    lanes = [a for tag, a in svg.tags if tag == "g" and a.get("class") == "seq-lane"]
    assert len(lanes) == len(lifelines(STEPS))
    assert list(lifelines(STEPS)) == [t for t in svg.titles if t in lifelines(STEPS)]
    assert "Xen (resume" in svg.texts and "tasklet)" in svg.texts  # a long name wraps
    dashed = [a for tag, a in svg.tags if tag == "line" and a.get("stroke-dasharray") == "5 4"]
    assert len(dashed) == len(lifelines(STEPS))
    groups = [a for tag, a in svg.tags if tag == "g" and a.get("class") == "seq-step"]
    assert len(groups) == len(STEPS)
    assert [t for t in svg.texts if re.fullmatch(r"\d+", t)] == [str(k) for k in range(1, 8)]
    assert "then: host active" in svg.texts
    assert "at xen/a.c:12: go()" in svg.texts


def test_arrows_go_to_the_actor_a_step_names() -> None:
    svg = _svg(sequence_svg(STEPS))
    arrows = [a for tag, a in svg.tags if tag == "polygon"]
    # Dom0 -> pCPU 0 (its changes name it), environment -> guest1, tasklet -> guest1,
    # toolstack -> guest2; guest1's and Xen's own steps and guest2's "runs" are boxes.
    assert len(arrows) == 4
    centre = {lane: 16 + 132 // 2 + k * 132 for k, lane in enumerate(lifelines(STEPS))}
    tips = sorted(int((a.get("points") or "").split(",")[0]) for a in arrows)
    expected = sorted(
        centre[t] + 3 * (1 if centre[s] > centre[t] else -1)
        for s, t in (
            ("Dom0", "Xen on pCPU 0"),
            ("environment", "guest1"),
            ("Xen (resume tasklet)", "guest1"),
            ("toolstack in Dom0", "guest2"),
        )
    )
    assert tips == expected


def test_numbers_and_deterministic_output() -> None:
    one = sequence_svg(STEPS, numbers=["1", "2", "3.1", "3.2", "4", "5", "6"])
    assert one == sequence_svg(STEPS, numbers=["1", "2", "3.1", "3.2", "4", "5", "6"])
    assert "3.2" in _svg(one).texts
    assert sequence_svg(()) == ""


def test_text_is_escaped_and_invisible_characters_marked() -> None:
    steps = (Step("<script>alert(1)</script>", '"><img src=x onerror=alert(2)>\u202e\r\n'),)
    out = sequence_svg(steps, final="]]> & </svg>", title="<b>")
    svg = _svg(out)
    assert [tag for tag, _ in svg.tags if tag in ("script", "img", "b")] == []
    assert not [n for _, a in svg.tags for n in a if n.startswith("on")]
    assert any("<script>alert(1)</script>" in t for t in svg.texts)
    assert any(
        '"><img src=x onerror=alert(2)>\u27e8U+202E\u27e9\u27e8U+000D\u27e9\u27e8U+000A\u27e9' in t
        for t in svg.texts
    )
    assert "then: ]]> & </svg>" in svg.texts
    assert out.count("</svg>") == 1


def test_visible() -> None:
    assert visible("plain\ttext\n") == "plain\ttext\n"
    assert visible("a\r\nb") == "a\u27e8U+000D\u27e9\nb"
    assert visible("a\r\nb", keep_newlines=False) == "a\u27e8U+000D\u27e9\u27e8U+000A\u27e9b"
    assert visible("x\x00\x1b\x7f") == "x\u27e8U+0000\u27e9\u27e8U+001B\u27e9\u27e8U+007F\u27e9"
    assert visible("\u202eabc\u2066\u200b\ufeff") == (
        "\u27e8U+202E\u27e9abc\u27e8U+2066\u27e9\u27e8U+200B\u27e9\u27e8U+FEFF\u27e9"
    )
    assert visible("\x85\udc80") == "\u27e8U+0085\u27e9\u27e8U+DC80\u27e9"
    assert visible("caf\u00e9 \u00fc \u4e2d") == "caf\u00e9 \u00fc \u4e2d"


def test_steps_from_the_json_trace() -> None:
    text = json.dumps(
        [
            {"actor": "Dom0", "action": "a", "changes": ["c"], "fact": None},
            {
                "actor": "Xen on pCPU 0",
                "action": "b",
                "changes": [],
                "fact": {"path": "p.c", "line": 3, "text": "t"},
            },
        ]
    )
    assert steps_from_json(text) == (
        Step("Dom0", "a", ("c",)),
        Step("Xen on pCPU 0", "b", (), FactRef("p.c", 3, "t")),
    )
    for bad in ("not json", "{}", "[]", '[{"actor": 1, "action": "a"}]', '["x"]'):
        assert steps_from_json(bad) is None, bad


def test_steps_from_related_messages() -> None:
    related = (
        Related("see this first", Location(patch=5)),
        Related("step 1: guest1: suspends", Location(patch=5)),
        Related("step 2: Xen on pCPU 0: starts", Location(patch=5, path="a.c", line=9), "go()"),
        Related("then: the end", Location(patch=5)),
    )
    assert steps_from_related(related) == (
        ("1", Step("guest1", "suspends")),
        ("2", Step("Xen on pCPU 0", "starts", (), FactRef("a.c", 9, "go()"))),
    )
    finding = Finding("X001", "x", Severity.ERROR, "m", Location(), "f", related=related)
    trace = finding_trace(finding)
    assert trace is not None
    assert trace.numbers == ("1", "2") and trace.final == "the end"


def test_bundled_traces_number_steps_as_the_text_report_does() -> None:
    findings = {f.code: f for f in bundled_review("xen-arm-suspend-v1").findings}
    mod001 = finding_trace(findings["MOD001"])
    assert mod001 is not None
    related = [r.message for r in findings["MOD001"].related if r.message.startswith("step ")]
    # The text report's step 4 is Xen's whole suspend sequence: 4.1, 4.2... here.
    tops = list(dict.fromkeys(n.split(".")[0] for n in mod001.numbers))
    assert tops == [str(k) for k in range(1, len(related) + 1)]
    assert "4.1" in mod001.numbers and "4" not in mod001.numbers
    arm001 = finding_trace(findings["ARM001"])
    assert arm001 is not None and arm001.numbers == ("1", "2", "3", "4", "5", "6")
    assert arm001.final is not None and arm001.final.startswith("host active")
    assert finding_trace(findings["ARM002"]) is None
