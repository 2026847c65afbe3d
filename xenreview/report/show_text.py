"""The terminal rendering of ``xenreview show``: one table per series.

:func:`render_show` renders a whole model; :func:`render_show_source` the
same text from a :class:`~xenreview.ingest.stream.ShowSource`, whose patches
are built one at a time: a table keeps only its rows' text.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from xenreview.ingest.model import Ingested, Patch, Problem, Series, Severity
from xenreview.report.safe import printable

if TYPE_CHECKING:
    from xenreview.ingest.stream import ShowSource

# Short forms reviewers use when counting tags.
_TAG_SHORT = {
    "Signed-off-by": "SoB",
    "Reviewed-by": "R-b",
    "Acked-by": "A-b",
    "Tested-by": "T-b",
    "Reported-by": "Rep-b",
    "Suggested-by": "Sug-b",
    "Release-Acked-by": "Rel-A-b",
}

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}


def _trailer_summary(patch: Patch) -> str:
    counts = Counter(_TAG_SHORT.get(t.name, t.name) for t in patch.all_trailers)
    return ", ".join(f"{name} {n}" if n > 1 else name for name, n in sorted(counts.items()))


def _files(patch: Patch) -> str:
    paths = [f.path + (" (binary)" if f.binary else "") for f in patch.diff.files]
    if len(paths) > 3:
        return "\n".join([*paths[:3], f"... {len(paths) - 3} more"])
    return "\n".join(paths)


def _problem_line(p: Problem) -> Text:
    place = ""
    if p.source:
        place = p.source + (f" ({p.where})" if p.where else "") + ": "
    text = Text()
    text.append(f"{p.severity.value}: ", style=_STYLE[p.severity])
    text.append(printable(f"{place}{p.message} [{p.code}]"))
    return text


def _series_heading(s: Series) -> Text:
    tags = "RFC " if any(p.subject.is_rfc for p in s.patches) else ""
    heading = Text()
    heading.append(printable(s.title or "(untitled)"), style="bold")
    heading.append(printable(f"  {tags}v{s.version}{'' if s.version_stated else ' (inferred)'}"))
    heading.append(f", {len(s.patches)}/{s.total} patches")
    heading.append(", cover letter" if s.cover is not None else ", no cover letter")
    if s.base_commit:
        heading.append(printable(f", base {s.base_commit[:12]}"))
    if s.reconstructed:
        heading.append("  [reconstructed from an archive copy]", style="magenta")
    return heading


def render_show(ingested: Ingested, console: Console) -> None:
    from xenreview.ingest.stream import Whole

    render_show_source(Whole(ingested), console)


def render_show_source(source: ShowSource, console: Console) -> None:
    """:func:`render_show` for series read through a :class:`ShowSource`."""
    ingested = source.index
    if not ingested.series:
        console.print("no series found")
    for position, s in enumerate(ingested.series):
        console.print(_series_heading(s))
        table = Table(show_lines=False, header_style="bold")
        table.add_column("n/m", justify="right", no_wrap=True)
        table.add_column("subject")
        table.add_column("author")
        table.add_column("trailers")
        table.add_column("files")
        table.add_column("+/-", justify="right", no_wrap=True)
        table.add_column("problems")
        patch_problems: list[Problem] = []
        for patch in source.patches(position):
            patch_problems.extend(patch.problems)
            number = f"{patch.number}/{patch.total}"
            if not patch.subject.counter_stated:
                number += "*"
            problems = [p.code for p in patch.problems]
            if patch.review_comments:
                problems.append(f"{len(patch.review_comments)} review comment(s)")
            table.add_row(
                number,
                escape(printable(patch.subject.title)),
                escape(printable(patch.author.name or patch.author.email or "?")),
                escape(printable(_trailer_summary(patch))),
                escape(printable(_files(patch))),
                f"+{patch.diff.added}/-{patch.diff.removed}",
                escape(printable("\n".join(problems))),
            )
        console.print(table)
        cover = source.cover(position)
        if cover is not None and cover.followup_trailers:
            given = "; ".join(f"{t.name}: {t.value}" for t in cover.followup_trailers)
            console.print(
                Text(printable(f"for the whole series (replies to the cover letter): {given}"))
            )
        for p in (*s.problems, *patch_problems):
            console.print(_problem_line(p))
    for p in ingested.problems:
        console.print(_problem_line(p))
