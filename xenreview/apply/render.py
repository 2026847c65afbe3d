"""The apply stage as text (rich) and as JSON-ready dictionaries.

Text: a header naming the tree and the base, the base check, then one line
per patch (``n/m``, outcome, short commit id, title) with the details of
anything that is not a clean apply under it: hunk offsets, the failing
hunk with git's reason, our explanation and the nearest lines of the file.
Everything from the input is printed as plain text (no rich markup).

JSON (:func:`to_json`), keys in this order::

    {"tree": str,
     "base": {"commit": str, "source": "--base"|"base-commit"|"HEAD"|"mini tree"|"--find-base",
              "matches": bool, "check": [base check], "notes": [str]},
     "patches": [{"number": int, "apply": patch apply}],
     "build": null | {"first_broken": int|null, "results": [build]}}

    base check:  {"path", "patch", "expected": str|null, "found": str|null, "matches"}
    patch apply: {"outcome", "commit": str|null, "reason": str,
                  "offsets": [{"path", "hunk", "header", "line", "offset", "fuzz"}],
                  "failures": [{"path", "hunk": int|null, "header": str|null, "reason",
                                "explanation", "expected": [str],
                                "nearest": null | {"line", "lines": [str], "similarity"}}],
                  "conflicts": [str], "missing_blobs": [str], "depends_on": [int],
                  "build": null | build}
    build:       {"patch", "ok", "command": [str], "errors": [str]}

:func:`patch_json` gives one patch's ``apply`` object, for merging into the
report's patch records.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from xenreview.apply.model import (
    AppliedSeries,
    BaseCheck,
    BuildResult,
    HunkFailure,
    Outcome,
    PatchResult,
)

_STYLE = {
    Outcome.APPLIED: "green",
    Outcome.APPLIED_OFFSET: "yellow",
    Outcome.APPLIED_3WAY: "yellow",
    Outcome.CONFLICT: "bold red",
    Outcome.BASE_MISSING: "bold red",
    Outcome.NOT_ATTEMPTED: "dim",
}
_WIDTH = max(len(o.value) for o in Outcome)
_INDENT = "      "


# -- JSON ----------------------------------------------------------------------------


def _check(check: BaseCheck) -> dict[str, Any]:
    return {
        "path": check.path,
        "patch": check.patch,
        "expected": check.expected,
        "found": check.found,
        "matches": check.matches,
    }


def _build(build: BuildResult) -> dict[str, Any]:
    return {
        "patch": build.patch,
        "ok": build.ok,
        "command": list(build.command),
        "errors": list(build.errors),
    }


def _failure(f: HunkFailure) -> dict[str, Any]:
    nearest = f.nearest
    return {
        "path": f.path,
        "hunk": f.hunk,
        "header": f.header,
        "reason": f.reason,
        "explanation": f.explanation,
        "expected": list(f.expected),
        "nearest": None
        if nearest is None
        else {"line": nearest.line, "lines": list(nearest.lines), "similarity": nearest.similarity},
    }


def patch_json(result: PatchResult, build: BuildResult | None = None) -> dict[str, Any]:
    """The ``apply`` object of one patch."""
    return {
        "outcome": result.outcome.value,
        "commit": result.commit,
        "reason": result.reason,
        "offsets": [
            {
                "path": o.path,
                "hunk": o.hunk,
                "header": o.header,
                "line": o.line,
                "offset": o.offset,
                "fuzz": o.fuzz,
            }
            for o in result.offsets
        ],
        "failures": [_failure(f) for f in result.failures],
        "conflicts": list(result.conflicts),
        "missing_blobs": list(result.missing_blobs),
        "depends_on": list(result.depends_on),
        "build": None if build is None else _build(build),
    }


def to_json(applied: AppliedSeries) -> dict[str, Any]:
    """The whole apply stage of one series (schema in this module's docstring)."""
    builds = {b.patch: b for b in applied.builds}
    return {
        "tree": applied.tree,
        "base": {
            "commit": applied.base,
            "source": applied.base_source.value,
            "matches": applied.base_matches,
            "check": [_check(c) for c in applied.checks],
            "notes": list(applied.notes),
        },
        "patches": [
            {"number": r.number, "apply": patch_json(r, builds.get(r.number))}
            for r in applied.results
        ],
        "build": None
        if not applied.builds
        else {
            "first_broken": applied.first_broken,
            "results": [_build(b) for b in applied.builds],
        },
    }


# -- text ----------------------------------------------------------------------------


def _short(commit: str | None) -> str:
    return commit[:12] if commit else "-"


def apply_header(applied: AppliedSeries) -> list[Text]:
    lines = [
        Text.assemble(
            ("Apply", "bold"),
            f" onto {applied.tree}, base {_short(applied.base)} ({applied.base_source.value})",
        )
    ]
    lines.extend(Text(f"  note: {note}", style="yellow") for note in applied.notes)
    differ = [c for c in applied.checks if not c.matches]
    if not applied.checks:
        lines.append(Text("  base check: no index lines to check", style="dim"))
    elif not differ:
        lines.append(Text(f"  base check: all {len(applied.checks)} file(s) match", style="green"))
    else:
        lines.append(
            Text(f"  base check: {len(differ)} of {len(applied.checks)} file(s) differ:", "yellow")
        )
        for c in differ:
            if c.expected is None:
                detail = "created by the series but already in the base"
            elif c.found is None:
                detail = f"expected blob {c.expected}, not in the base"
            else:
                detail = f"expected blob {c.expected}, found {c.found[: len(c.expected)]}"
            lines.append(Text(f"    {c.path} (patch {c.patch}): {detail}"))
    return lines


def _failure_lines(f: HunkFailure) -> list[Text]:
    where = f.path
    if f.hunk is not None:
        where += f" hunk #{f.hunk} {f.header or ''}".rstrip()
    lines = [Text(f"{_INDENT}{where}: {f.reason}", style="red")]
    lines.append(Text(f"{_INDENT}  why: {f.explanation}"))
    if f.nearest is not None and f.nearest.lines:
        percent = round(f.nearest.similarity * 100)
        lines.append(Text(f"{_INDENT}  nearest lines (line {f.nearest.line}, {percent}% similar):"))
        width = len(str(f.nearest.line + len(f.nearest.lines)))
        for k, content in enumerate(f.nearest.lines):
            lines.append(Text(f"{_INDENT}    {f.nearest.line + k:>{width}} | {content}", "dim"))
    return lines


def patch_details(result: PatchResult) -> list[Text]:
    lines: list[Text] = []
    for o in result.offsets:
        fuzz = f", fuzz {o.fuzz}" if o.fuzz else ""
        lines.append(
            Text(
                f"{_INDENT}{o.path} hunk #{o.hunk} applied at line {o.line} "
                f"(offset {o.offset:+d}{fuzz})",
                style="dim",
            )
        )
    if result.reason and not (result.outcome is Outcome.CONFLICT and result.failures):
        lines.append(Text(f"{_INDENT}{result.reason}"))
    for f in result.failures:
        lines.extend(_failure_lines(f))
    lines.extend(Text(f"{_INDENT}{c}", style="red") for c in result.conflicts)
    return lines


def build_lines(applied: AppliedSeries, total: int) -> list[Text]:
    if not applied.builds:
        return []
    broken = applied.first_broken
    base = applied.builds[0] if applied.builds[0].patch == 0 else None
    if broken is not None:
        head = Text(f"  build: patch {broken}/{total} breaks it", style="bold red")
    elif base is not None and not base.ok:
        head = Text("  build: the base does not build", style="bold red")
    elif all(b.ok for b in applied.builds):
        head = Text(
            f"  build: ok after every applied patch ({len(applied.builds)} builds)", "green"
        )
    else:
        head = Text("  build: failures (see below)", style="red")
    lines = [head]
    for b in applied.builds:
        if not b.ok:
            label = "base" if b.patch == 0 else f"{b.patch}/{total}"
            lines.append(Text(f"    {label}: {' '.join(b.command)} failed", style="red"))
            lines.extend(Text(f"{_INDENT}{e}", style="dim") for e in b.errors)
    return lines


def render_text(applied: AppliedSeries, console: Console) -> None:
    """Print the apply stage of one series."""
    total = max(applied.series.total, len(applied.results))
    for line in apply_header(applied):
        console.print(line, highlight=False)
    width = len(f"{total}/{total}")
    for r in applied.results:
        row = Text(f"  {f'{r.number}/{total}':>{width}} ")
        row.append(f"{r.outcome.value:<{_WIDTH}}", style=_STYLE[r.outcome])
        row.append(f"  {_short(r.commit):<12}  {r.title}")
        console.print(row, highlight=False)
        for line in patch_details(r):
            console.print(line, highlight=False)
    for line in build_lines(applied, total):
        console.print(line, highlight=False)
