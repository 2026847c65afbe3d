"""Reports of ``xenreview review`` and ``xenreview apply``.

The JSON document is the ``show`` document (docs/json.md) extended, not
replaced: each series gains ``apply`` (tree, base, base check, build) and
each patch gains ``apply`` (its outcome), ``null`` where the series was not
applied, with ``apply_skipped`` saying why.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from xenreview.pipeline import Review
from xenreview.report.json_report import show_document
from xenreview.report.show_text import render_show


def review_document(result: Review) -> dict[str, Any]:
    from xenreview.apply.render import to_json

    document = show_document(result.ingested)
    for item, series_doc in zip(result.series, document["series"], strict=True):
        series_doc["apply_skipped"] = item.apply_skipped
        if item.applied is None:
            series_doc["apply"] = None
            for patch_doc in series_doc["patches"]:
                patch_doc["apply"] = None
            continue
        applied = to_json(item.applied)
        per_patch = {p["number"]: p["apply"] for p in applied.pop("patches")}
        series_doc["apply"] = applied
        for patch_doc in series_doc["patches"]:
            patch_doc["apply"] = per_patch.get(patch_doc["number"])
    return document


def render_review(result: Review, console: Console) -> None:
    from xenreview.apply.render import render_text

    render_show(result.ingested, console)
    for item in result.series:
        console.print()
        if item.applied is None:
            console.print(Text(f"{item.series.title}: {item.apply_skipped}", style="dim"))
        else:
            render_text(item.applied, console)
