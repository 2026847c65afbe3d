"""The command line: the only place that knows about exit codes.

Exit codes (documented in README.md):

- 0: done, nothing at or above the failure threshold
- 1: findings at or above the threshold (later stages)
- 2: usage, input or configuration error
- 3: internal error (a bug in xenreview or in a rule plugin)
- 130: interrupted (Ctrl-C)

Library code raises :class:`~xenreview.errors.XenreviewError`; ``main()``
turns it into one line on standard error.  No traceback reaches the user
unless ``--debug`` is given.  Heavy modules (the ingest stack, rich
tables) are imported inside the commands so ``xenreview --version`` stays
fast.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from xenreview import __version__
from xenreview.errors import UsageError, XenreviewError

if TYPE_CHECKING:
    from rich.console import Console

    from xenreview.ingest.model import Ingested, Problem
    from xenreview.pipeline import ApplyOptions
    from xenreview.settings import Settings

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

app = typer.Typer(
    name="xenreview",
    help="Review Xen patch series the way xen-devel reviewers do, mechanically.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def _version_callback(value: bool) -> None:
    if value:
        print(f"xenreview {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Print the version."
        ),
    ] = False,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Config file (default: .xenreview.toml or pyproject.toml)."),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
) -> None:
    ctx.obj = {"config": config, "debug": debug}


def _settings(ctx: typer.Context, **options: object) -> Settings:
    from xenreview.settings import load_settings

    obj = ctx.find_root().obj or {}
    settings = load_settings(Path.cwd(), obj.get("config"))
    return settings.with_options(debug=obj.get("debug") or None, **options)


SourcesArg = Annotated[
    list[str] | None,
    typer.Argument(
        help="mbox, maildir, .eml/.patch file, format-patch directory, or - for stdin.",
        show_default=False,
    ),
]
FormatOpt = Annotated[OutputFormat | None, typer.Option("--format", "-f", help="Output format.")]
GitRangeOpt = Annotated[
    str | None, typer.Option("--git-range", help="Read the commits A..B of a git repository.")
]
RepoOpt = Annotated[
    Path | None, typer.Option("--repo", help="The repository for --git-range (default: .).")
]
MaxBytesOpt = Annotated[
    int | None, typer.Option("--max-bytes", min=1, help="Largest input accepted, in bytes.")
]
MaxPatchesOpt = Annotated[
    int | None, typer.Option("--max-patches", min=1, help="Most messages accepted in one run.")
]
TreeOpt = Annotated[
    Path | None,
    typer.Option("--tree", help="A Xen git checkout to apply to (default: the bundled mini tree)."),
]
BaseOpt = Annotated[
    str | None,
    typer.Option("--base", help="Base revision (default: base-commit: of the series, else HEAD)."),
]
FindBaseOpt = Annotated[
    bool,
    typer.Option("--find-base", help="Search recent history for a base where all blobs match."),
]
BuildOpt = Annotated[
    bool,
    typer.Option("--build", help="Run the build check after each patch (bisectability)."),
]
KeepOpt = Annotated[
    Path | None, typer.Option("--keep", help="Copy the patched tree to this (new) directory.")
]


def _ingest_settings(
    ctx: typer.Context,
    sources: list[str] | None,
    git_range: str | None,
    output_format: OutputFormat | None,
    max_bytes: int | None,
    max_patches: int | None,
) -> Settings:
    if not sources and git_range is None:
        raise UsageError("give at least one SOURCE or --git-range A..B")
    return _settings(
        ctx,
        formats=(output_format.value,) if output_format else None,
        max_bytes=max_bytes,
        max_patches=max_patches,
    )


def _write_json(document: object) -> None:
    import json

    # Indented for a person at a terminal; compact (and several times faster
    # to write: the C encoder) for programs.
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(document, indent=indent, ensure_ascii=False))
    sys.stdout.write("\n")


def _input_errors(ingested: Ingested) -> None:
    """Name every part of the input that could not be read; exit 2 if any."""
    from xenreview.ingest.model import Severity

    errors = [p for p in _all_problems(ingested) if p.severity is Severity.ERROR]
    if errors:
        for p in errors:
            where = f" ({p.where})" if p.where else ""
            _error(f"{p.source or '<input>'}{where}: {p.message}")
        raise typer.Exit(EXIT_USAGE)


@app.command()
def show(
    ctx: typer.Context,
    sources: SourcesArg = None,
    output_format: FormatOpt = None,
    git_range: GitRangeOpt = None,
    repo: RepoOpt = None,
    max_bytes: MaxBytesOpt = None,
    max_patches: MaxPatchesOpt = None,
) -> None:
    """Show the series read from SOURCES: patches, authors, trailers, files, problems."""
    from xenreview.ingest import ingest

    settings = _ingest_settings(ctx, sources, git_range, output_format, max_bytes, max_patches)
    ingested = ingest(sources or [], settings, git_range=git_range, repo=repo)
    if settings.formats[0] == "json":
        from xenreview.report.json_report import show_document

        _write_json(show_document(ingested))
    else:
        from xenreview.report.show_text import render_show

        render_show(ingested, _console())
    _input_errors(ingested)


def _run_review(
    ctx: typer.Context,
    sources: list[str] | None,
    output_format: OutputFormat | None,
    git_range: str | None,
    repo: Path | None,
    max_bytes: int | None,
    max_patches: int | None,
    options: ApplyOptions,
) -> None:
    from xenreview.pipeline import review
    from xenreview.report.review import render_review, review_document

    settings = _ingest_settings(ctx, sources, git_range, output_format, max_bytes, max_patches)
    result = review(sources or [], settings, options, git_range=git_range, repo=repo)
    if settings.formats[0] == "json":
        _write_json(review_document(result))
    else:
        render_review(result, _console())
    _input_errors(result.ingested)
    if result.apply_failed:
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def review(
    ctx: typer.Context,
    sources: SourcesArg = None,
    output_format: FormatOpt = None,
    git_range: GitRangeOpt = None,
    repo: RepoOpt = None,
    tree: TreeOpt = None,
    base: BaseOpt = None,
    find_base: FindBaseOpt = False,
    build: BuildOpt = False,
    keep: KeepOpt = None,
    no_apply: Annotated[
        bool, typer.Option("--no-apply", help="Do not apply: only the stages that need no tree.")
    ] = False,
    max_bytes: MaxBytesOpt = None,
    max_patches: MaxPatchesOpt = None,
) -> None:
    """Review the series read from SOURCES: read, apply to the tree, report.

    Exit code 1 when a patch does not apply or breaks the build check.
    """
    from xenreview.pipeline import ApplyOptions

    options = ApplyOptions(not no_apply, tree, base, find_base, build, keep)
    _run_review(ctx, sources, output_format, git_range, repo, max_bytes, max_patches, options)


@app.command()
def apply(
    ctx: typer.Context,
    sources: SourcesArg = None,
    output_format: FormatOpt = None,
    git_range: GitRangeOpt = None,
    repo: RepoOpt = None,
    tree: TreeOpt = None,
    base: BaseOpt = None,
    find_base: FindBaseOpt = False,
    build: BuildOpt = False,
    keep: KeepOpt = None,
    max_bytes: MaxBytesOpt = None,
    max_patches: MaxPatchesOpt = None,
) -> None:
    """Apply the series read from SOURCES to a tree, patch by patch, and say how it went.

    The tree is never modified: the work happens in a temporary repository.
    Exit code 1 when a patch does not apply or breaks the build check.
    """
    from xenreview.pipeline import ApplyOptions

    options = ApplyOptions(True, tree, base, find_base, build, keep)
    _run_review(ctx, sources, output_format, git_range, repo, max_bytes, max_patches, options)


def _all_problems(ingested: Ingested) -> list[Problem]:
    out: list[Problem] = list(ingested.problems)
    for s in ingested.series:
        out.extend(s.problems)
        for p in s.patches:
            out.extend(p.problems)
    return out


def _console() -> Console:
    from rich.console import Console

    if sys.stdout.isatty():
        return Console()
    # Piped: plain text, no colour, a fixed width so output is diffable.
    return Console(width=120, no_color=True, highlight=False, force_terminal=False)


def _error(message: str) -> None:
    sys.stderr.write(f"xenreview: error: {message}\n")


def _debug_requested(argv: list[str]) -> bool:
    args = argv[: argv.index("--")] if "--" in argv else argv
    return "--debug" in args


def main(argv: list[str] | None = None) -> NoReturn:
    """Run the CLI and exit with the documented code."""
    args = sys.argv[1:] if argv is None else argv
    debug = _debug_requested(args)
    try:
        code = app(args=args, prog_name="xenreview", standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:  # typer's usage errors (bad option, missing argument)
        message = exc.format_message()
        if type(exc).__name__ == "NoArgsIsHelpError":
            sys.stderr.write(message + "\n")
        else:
            _error(message.splitlines()[0] if message else type(exc).__name__)
        sys.exit(EXIT_USAGE)
    except (KeyboardInterrupt, typer.Abort):
        _error("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except XenreviewError as exc:
        if debug:
            raise
        _error(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(EXIT_OK)
    except Exception as exc:  # the error boundary: a bug, never a traceback
        if debug:
            raise
        _error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else EXIT_OK)
