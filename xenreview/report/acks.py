"""The ack table: per patch and file, who must ack, who did, the verdict.

:func:`ack_table` computes it (with the check-in policy of
:mod:`xenreview.maintainers`), :func:`render_ack_table` prints it with rich
under a series, :func:`ack_table_json` gives the JSON-ready form (keys in a
fixed order, people as ``{"name", "email"}`` as in the rest of the JSON
document).  Pass the MAINTAINERS of the tree after the series, the state a
committer would commit to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from xenreview.ingest.model import Person, Series
from xenreview.maintainers import (
    Ack,
    AckPolicy,
    IgnoredAck,
    Maintainers,
    MissingAcks,
    Verdict,
    people_text,
    series_acks,
)
from xenreview.report.json_report import person as person_json
from xenreview.report.safe import printable

__all__ = ["AckRow", "AckTable", "ack_table", "ack_table_json", "render_ack_table"]

_SHORT = {"Acked-by": "A-b", "Reviewed-by": "R-b"}
_VERDICT_STYLE = {
    Verdict.ACKED: "green",
    Verdict.MISSING: "yellow",
    Verdict.NO_MAINTAINER: "red",
}
_VERDICT_TEXT = {
    Verdict.ACKED: "acked",
    Verdict.MISSING: "missing",
    Verdict.NO_MAINTAINER: "no maintainer",
}


@dataclass(frozen=True, slots=True)
class AckRow:
    """One file of one patch."""

    patch: int
    total: int
    title: str
    message_id: str
    path: str
    entries: tuple[str, ...]  # the most specific MAINTAINERS entries
    required: tuple[Person, ...]  # their maintainers
    may_also_ack: tuple[Person, ...]  # maintainers of broader entries and THE REST
    acks: tuple[Ack, ...]
    ignored: tuple[IgnoredAck, ...]
    author_is_maintainer: bool
    verdict: Verdict
    missing_from: tuple[Person, ...]


@dataclass(frozen=True, slots=True)
class AckTable:
    title: str
    version: str
    maintainers: str  # where the MAINTAINERS file came from
    rows: tuple[AckRow, ...]
    committable: bool
    verdict: str  # "committable" or "missing acks from ..."
    missing: tuple[MissingAcks, ...]


def ack_table(
    series: Series, maintainers: Maintainers, *, policy: AckPolicy | None = None
) -> AckTable:
    """The ack table of ``series`` against ``maintainers`` (default policy: Xen's)."""
    result = series_acks(series, maintainers, policy=policy or AckPolicy())
    rows = tuple(
        AckRow(
            patch=p.number,
            total=p.total,
            title=p.title,
            message_id=p.message_id,
            path=f.path,
            entries=f.entries,
            required=f.required,
            may_also_ack=f.may_also_ack,
            acks=f.acks,
            ignored=f.ignored,
            author_is_maintainer=f.author_is_maintainer,
            verdict=f.verdict,
            missing_from=f.missing_from,
        )
        for p in result.patches
        for f in p.files
    )
    return AckTable(
        title=series.title,
        version=series.version,
        maintainers=maintainers.source,
        rows=rows,
        committable=result.committable,
        verdict=result.verdict,
        missing=result.missing(),
    )


# -- terminal ---------------------------------------------------------------------


def _name(p: Person) -> str:
    return p.name or p.email


def _ack_text(ack: Ack) -> str:
    text = f"{_SHORT.get(ack.trailer, ack.trailer)} {_name(ack.person)}"
    notes = []
    if ack.scope:
        notes.append(f"# {ack.scope}")
    if not ack.primary:
        notes.append(f"via {ack.entry}")
    return text + (f" ({', '.join(notes)})" if notes else "")


def _cell(text: str) -> Text:
    """A table cell of text from mail or MAINTAINERS: never markup, no control character."""
    return Text(printable(text))


def render_ack_table(table: AckTable, console: Console) -> None:
    """Print the table and the verdict (nothing for a series without files)."""
    if not table.rows:
        return
    grid = Table(
        title=Text(printable(f"Acks (maintainers from {table.maintainers})")),
        title_justify="left",
        show_lines=False,
    )
    grid.add_column("patch", justify="right", no_wrap=True)
    grid.add_column("file")
    grid.add_column("entry")
    grid.add_column("must ack")
    grid.add_column("acks")
    grid.add_column("status", no_wrap=True)
    for row in table.rows:
        must = ", ".join(_name(p) for p in row.required) or "-"
        if row.author_is_maintainer:
            must += " (author maintains it)"
        acks = "\n".join(_ack_text(a) for a in row.acks) or "-"
        status = Text(_VERDICT_TEXT[row.verdict], style=_VERDICT_STYLE[row.verdict])
        grid.add_row(
            f"{row.patch}/{row.total}",
            _cell(row.path),
            _cell(", ".join(row.entries) or "-"),
            _cell(must),
            _cell(acks),
            status,
        )
    console.print(grid)
    if table.committable:
        console.print(Text("committable: every file has a maintainer's ack", style="green"))
        return
    console.print(Text("missing acks from:", style="yellow"))
    for item in table.missing:
        who = people_text(item.people) if item.people else "nobody: no maintainer is listed"
        line = Text("  ")
        line.append(printable(f"{item.patch}/{item.total} {item.path}: "), style="bold")
        line.append(printable(who))
        console.print(line)


# -- JSON -------------------------------------------------------------------------


def _people(people: tuple[Person, ...]) -> list[dict[str, str] | None]:
    return [person_json(p) for p in people]


def _ack_json(ack: Ack) -> dict[str, Any]:
    return {
        "person": person_json(ack.person),
        "trailer": ack.trailer,
        "scope": ack.scope,
        "origin": ack.origin,
        "from_cover": ack.from_cover,
        "entry": ack.entry,
        "primary": ack.primary,
    }


def _ignored_json(item: IgnoredAck) -> dict[str, Any]:
    return {
        "person": person_json(item.person),
        "trailer": item.trailer,
        "scope": item.scope,
        "origin": item.origin,
        "reason": item.reason,
    }


def ack_table_json(table: AckTable) -> dict[str, Any]:
    """The table as JSON-ready data (fixed key order)."""
    return {
        "maintainers": table.maintainers,
        "committable": table.committable,
        "verdict": table.verdict,
        "files": [
            {
                "patch": row.patch,
                "total": row.total,
                "message_id": row.message_id,
                "path": row.path,
                "entries": list(row.entries),
                "required": _people(row.required),
                "may_also_ack": _people(row.may_also_ack),
                "author_is_maintainer": row.author_is_maintainer,
                "acks": [_ack_json(a) for a in row.acks],
                "ignored": [_ignored_json(i) for i in row.ignored],
                "verdict": row.verdict.value,
                "missing_from": _people(row.missing_from),
            }
            for row in table.rows
        ],
        "missing": [
            {
                "patch": item.patch,
                "total": item.total,
                "path": item.path,
                "people": _people(item.people),
            }
            for item in table.missing
        ],
    }
