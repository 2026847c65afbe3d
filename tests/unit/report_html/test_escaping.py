"""Any text, printed by the report's templates or drawn in a diagram, stays text."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from xenreview.model.trace import Step
from xenreview.report.html import _environment
from xenreview.report.sequence import sequence_svg, visible

TOKENS = ["<", ">", "&", '"', "'", "/", "=", "<script>", "</svg>", "]]>", "&amp;", "\r\n", "\u202e"]
HOSTILE = st.lists(st.one_of(st.sampled_from(TOKENS), st.characters()), max_size=30).map("".join)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def _parse(html: str) -> _Collect:
    parser = _Collect()
    parser.feed(html)
    parser.close()
    return parser


@settings(max_examples=150, deadline=None)
@given(HOSTILE)
def test_a_template_value_is_one_text_node_and_one_attribute(text: str) -> None:
    html = _environment().from_string('<p title="{{ x }}">{{ x }}</p>').render(x=text)
    parsed = _parse(html)
    assert parsed.tags == [("p", [("title", visible(text))])]
    assert "".join(parsed.data) == visible(text)


@settings(max_examples=60, deadline=None)
@given(HOSTILE, HOSTILE, HOSTILE)
def test_a_diagram_draws_any_text_as_text(actor: str, action: str, final: str) -> None:
    svg = sequence_svg((Step(actor or "x", action), Step("Dom0", action)), final=final or None)
    parsed = _parse(svg)
    allowed = {"svg", "title", "g", "rect", "line", "polygon", "text"}
    assert {tag for tag, _ in parsed.tags} <= allowed
    assert not [name for _, attrs in parsed.tags for name, _ in attrs if name.startswith("on")]
