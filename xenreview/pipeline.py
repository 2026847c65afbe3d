"""The review pipeline: stages threaded as values.

``review()`` runs ingest, then applies each series to its tree.  Each
applied series owns a temporary repository; the pipeline closes every one
of them before it returns (also on errors and Ctrl-C), so what it returns
is plain data that reporters can render at leisure.  Later stages (rules,
model) run inside :func:`review` while the trees are still readable.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from xenreview.errors import UsageError
from xenreview.ingest.model import Ingested, Series
from xenreview.settings import Settings

if TYPE_CHECKING:
    from xenreview.apply.model import AppliedSeries


@dataclass(frozen=True, slots=True)
class ApplyOptions:
    """How and where to apply (the CLI's --tree, --base, ... options)."""

    enabled: bool = True
    tree: Path | None = None
    base: str | None = None
    find_base: bool = False
    build: bool = False
    keep: Path | None = None


@dataclass(frozen=True, slots=True)
class SeriesReview:
    series: Series
    applied: AppliedSeries | None  # closed: results only, files no longer readable
    apply_skipped: str | None = None  # why the series was not applied


@dataclass(frozen=True, slots=True)
class Review:
    ingested: Ingested
    series: tuple[SeriesReview, ...]

    @property
    def apply_failed(self) -> bool:
        """A patch did not apply or broke the build check."""
        for item in self.series:
            applied = item.applied
            if applied is None:
                continue
            if not applied.all_applied or applied.first_broken is not None:
                return True
        return False


def review(
    specs: list[str],
    settings: Settings,
    options: ApplyOptions,
    *,
    git_range: str | None = None,
    repo: Path | None = None,
    stdin: BinaryIO | None = None,
) -> Review:
    from xenreview.ingest import ingest

    ingested = ingest(specs, settings, git_range=git_range, repo=repo, stdin=stdin)
    if not options.enabled:
        skipped = tuple(SeriesReview(s, None, "not applied (--no-apply)") for s in ingested.series)
        return Review(ingested, skipped)
    if options.keep is not None and len(ingested.series) > 1:
        raise UsageError(
            f"--keep takes one series, and the sources hold {len(ingested.series)}",
            source="--keep",
        )

    from xenreview.apply import apply_series

    results: list[SeriesReview] = []
    with ExitStack() as stack:
        for series in ingested.series:
            if series.reconstructed:
                results.append(
                    SeriesReview(series, None, "not applied: reconstructed from an archive copy")
                )
                continue
            applied = apply_series(
                series,
                tree=options.tree,
                base=options.base,
                find_base=options.find_base,
                build=options.build,
                build_command=settings.build_command,
                keep=options.keep,
            )
            stack.callback(applied.close)
            results.append(SeriesReview(series, applied))
    return Review(ingested, tuple(results))
