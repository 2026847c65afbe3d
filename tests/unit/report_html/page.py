"""A parsed HTML report, with the standard library's parser, for the report tests.

:func:`parse` reads a page and records what the tests look at: every start
tag with its attributes, the text outside ``<script>``/``<style>`` (with the
character references decoded, as a browser shows it), and each finding with
the place it sits at: the patch section, the diff table's file and the new
line number of the diff row right above it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

_DIFF_ROWS = {"add", "del", "ctx", "nonl"}


@dataclass
class Placed:
    """Where one finding (an ``article.finding``) was found in the page."""

    id: str
    rule: str
    severity: str
    hidden: bool
    patch: str | None  # id of the enclosing patch section
    path: str | None  # data-path of the enclosing diff table
    line: int | None  # new line number of the diff row above it (None: not in a diff)


@dataclass
class Page:
    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    text: str = ""
    findings: list[Placed] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    style: str = ""
    scripts: list[str] = field(default_factory=list)

    def attrs(self, name: str) -> list[str | None]:
        """Every value of attribute ``name``, in any tag."""
        return [attrs[name] for _, attrs in self.tags if name in attrs]

    def finding(self, rule: str) -> Placed:
        matches = [f for f in self.findings if f.rule == rule]
        assert len(matches) == 1, f"{rule}: {len(matches)} findings"
        return matches[0]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.sections: list[str | None] = []  # ids of the open patch sections (None: other)
        self.table: str | None = None
        self.line: int | None = None
        self.in_nn = False
        self.raw: str | None = None  # "script" or "style" while inside one
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.page.tags.append((tag, a))
        if a.get("id"):
            self.page.ids.append(a["id"] or "")
        classes = (a.get("class") or "").split()
        if tag in ("script", "style"):
            self.raw = tag
            if tag == "script":
                self.page.scripts.append("")
        elif tag == "section":
            self.sections.append(a.get("id") if "patch" in classes else None)
        elif tag == "table" and "diff" in classes:
            self.table, self.line = a.get("data-path"), None
        elif tag == "tr" and ("hunk" in classes or _DIFF_ROWS & set(classes)):
            self.line = None
        elif tag == "td" and "nn" in classes:
            self.in_nn = True
        elif tag == "article" and "finding" in classes:
            patch = next((s for s in reversed(self.sections) if s is not None), None)
            self.page.findings.append(
                Placed(
                    id=a.get("id") or "",
                    rule=a.get("data-rule") or "",
                    severity=a.get("data-severity") or "",
                    hidden="hidden" in a,
                    patch=patch,
                    path=self.table,
                    line=self.line if self.table is not None else None,
                )
            )

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.raw = None
        elif tag == "section" and self.sections:
            self.sections.pop()
        elif tag == "table":
            self.table, self.line = None, None
        elif tag == "td":
            self.in_nn = False

    def handle_data(self, data: str) -> None:
        if self.raw == "script":
            self.page.scripts[-1] += data
        elif self.raw == "style":
            self.page.style += data
        else:
            self.text.append(data)
            if self.in_nn and data.strip().isdigit():
                self.line = int(data.strip())


def parse(html: str) -> Page:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    parser.page.text = "".join(parser.text)
    return parser.page
