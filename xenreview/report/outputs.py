"""Several report formats from one run, each to its own destination.

``xenreview review -f text -f sarif -o out.sarif -f html -o report.html``:
the formats and the outputs pair up in order; ``-`` (or no ``--output`` at
all, for a single format) is standard output, and at most one format may
go there.  Every report is rendered from the same :class:`Review` before
any file is written, and each file is written to a temporary file beside
it and renamed into place: a failure leaves no half-written report, and a
report that was there before stays whole until the new one replaces it.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from xenreview.errors import UsageError
from xenreview.pipeline import Review

REVIEW_FORMATS = ("text", "json", "sarif", "codequality", "html", "email")
STDOUT = "-"


@dataclass(frozen=True, slots=True)
class Output:
    """One report of the run: its format and where it goes (``None``: standard output)."""

    format: str
    path: Path | None


@dataclass(frozen=True, slots=True)
class RenderOptions:
    fail_on: str | None = None  # for the text summary line
    quiet: bool = False  # text: the summary line only
    list_address: str = "xen-devel@lists.xenproject.org"  # email: Cc
    from_address: str | None = None  # email: From


def pair_outputs(formats: Sequence[str], outputs: Sequence[str]) -> tuple[Output, ...]:
    """Pair ``--format`` and ``--output`` values in order; check the pairing makes sense."""
    if not formats:
        raise UsageError("give at least one --format", source="--format")
    if len(set(formats)) != len(formats):
        twice = sorted({f for f in formats if formats.count(f) > 1})
        raise UsageError(f"--format {twice[0]} is given twice", source="--format")
    if not outputs:
        if len(formats) > 1:
            raise UsageError(
                f"{len(formats)} formats need one --output each (use - for standard output)",
                source="--output",
            )
        return (Output(formats[0], None),)
    if len(outputs) != len(formats):
        raise UsageError(
            f"{len(formats)} --format and {len(outputs)} --output: give one --output per "
            "--format, in the same order (- for standard output)",
            source="--output",
        )
    pairs = tuple(
        Output(fmt, None if out == STDOUT else Path(out))
        for fmt, out in zip(formats, outputs, strict=True)
    )
    if sum(1 for p in pairs if p.path is None) > 1:
        raise UsageError("only one format can go to standard output (-)", source="--output")
    paths = [p.path.resolve() for p in pairs if p.path is not None]
    if len(set(paths)) != len(paths):
        raise UsageError("two formats are written to the same --output file", source="--output")
    for path in paths:
        if path.is_dir():
            raise UsageError(f"{path} is a directory", source="--output")
        if not path.parent.is_dir():
            raise UsageError(f"no directory {path.parent} for this report", source="--output")
    return pairs


def render(fmt: str, result: Review, options: RenderOptions, *, color: bool = False) -> str:
    """The report of ``result`` in ``fmt``, as text (every format is text)."""
    if fmt == "text":
        from xenreview.report.safe import safe_console
        from xenreview.report.terminal import render_terminal

        buffer = io.StringIO()
        console = safe_console(
            file=buffer,
            width=120,
            no_color=not color,
            highlight=False,
            force_terminal=color,
            color_system="standard" if color else None,
        )
        render_terminal(result, console, fail_on=options.fail_on, quiet=options.quiet)
        return buffer.getvalue()
    if fmt == "json":
        import json

        from xenreview.report.review import review_document

        # Indented for a person at a terminal; compact for programs.
        indent = 2 if color else None
        return json.dumps(review_document(result), indent=indent, ensure_ascii=False) + "\n"
    if fmt == "sarif":
        from xenreview.report.sarif import render_sarif

        return render_sarif(result)
    if fmt == "codequality":
        from xenreview.report.codequality import render_codequality

        return render_codequality(result)
    if fmt == "html":
        from xenreview.report.html import render_html

        return render_html(result)
    if fmt == "email":
        from xenreview.report.reply import date_from_environ, render_reply

        # SOURCE_DATE_EPOCH fixes Date and Message-ID (reproducible output).
        return render_reply(
            result,
            list_address=options.list_address,
            from_address=options.from_address,
            date=date_from_environ(os.environ),
        )
    raise UsageError(f"unknown format {fmt!r}", source="--format")


def write_atomically(path: Path, text: str | bytes) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory and a rename."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_outputs(pairs: Sequence[Output], rendered: Sequence[str]) -> None:
    """Write every rendered report: the files first, standard output last."""
    for pair, text in zip(pairs, rendered, strict=True):
        if pair.path is not None:
            try:
                write_atomically(pair.path, text)
            except OSError as exc:
                raise UsageError(
                    f"cannot write the {pair.format} report: {exc.strerror or exc}",
                    source=str(pair.path),
                ) from exc
    for pair, text in zip(pairs, rendered, strict=True):
        if pair.path is None:
            sys.stdout.write(text)
            sys.stdout.flush()
