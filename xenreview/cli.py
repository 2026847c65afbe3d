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
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from xenreview import __version__
from xenreview.errors import UsageError, XenreviewError

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console

    from xenreview.ingest.model import Ingested, Problem
    from xenreview.model.checker import Progress
    from xenreview.model.run import Target
    from xenreview.pipeline import ApplyOptions, Review
    from xenreview.rules.finder import Catalogue
    from xenreview.rules.outcome import ToolError
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


class ReviewFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    codequality = "codequality"
    html = "html"
    email = "email"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    note = "note"
    never = "never"


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
ReviewFormatsOpt = Annotated[
    list[ReviewFormat] | None,
    typer.Option(
        "--format",
        "-f",
        help="Report format; repeat for several, each with its own --output.",
    ),
]
OutputsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--output",
        "-o",
        help="Write the report of the matching --format here (- for standard output).",
    ),
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="Text report: print only the summary line.")
]
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
SelectOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        help="Run only these rules: codes, code prefixes (STY), names or families; "
        "comma-separated, repeatable (replaces the config's select).",
    ),
]
IgnoreOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        help="Do not run these rules (same forms as --select; added to the config's ignore).",
    ),
]
RulesDirOpt = Annotated[
    list[Path] | None,
    typer.Option("--rules-dir", help="Also load rules from this folder (<family>/<rule>.py)."),
]
FailOnOpt = Annotated[
    FailOn | None,
    typer.Option("--fail-on", help="Exit 1 from this severity on (default: warning)."),
]
PreviewOpt = Annotated[bool, typer.Option("--preview", help="Also run the rules still in preview.")]
BaselineOpt = Annotated[
    Path | None,
    typer.Option("--baseline", help="Suppress the findings whose fingerprints are in FILE."),
]
WriteBaselineOpt = Annotated[
    Path | None,
    typer.Option(
        "--write-baseline", help="Write the fingerprints of the findings to FILE (then exit 0)."
    ),
]


@dataclass(frozen=True, slots=True)
class _RuleOptions:
    """The rule stage's command-line options, merged into the settings."""

    select: tuple[str, ...] | None = None  # replaces the config's select
    ignore: tuple[str, ...] = ()  # added to the config's ignore
    rules_dirs: tuple[Path, ...] = ()
    fail_on: str | None = None
    preview: bool = False
    baseline: Path | None = None
    write_baseline: Path | None = None

    def apply_to(self, settings: Settings) -> Settings:
        return settings.with_options(
            select=self.select,
            ignore=(settings.ignore + self.ignore) if self.ignore else None,
            rules_dirs=(settings.rules_dirs + self.rules_dirs) if self.rules_dirs else None,
            fail_on=self.fail_on,
            preview=True if self.preview else None,
            baseline=self.baseline,
            write_baseline=self.write_baseline,
        )


def _selectors(values: list[str] | None) -> tuple[str, ...] | None:
    from xenreview.rules.selection import parse_selectors

    return parse_selectors(values)


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
    from xenreview.ingest.model import Ingested as ShownErrors
    from xenreview.ingest.stream import open_show

    settings = _ingest_settings(ctx, sources, git_range, output_format, max_bytes, max_patches)
    # Streamed: an index in memory, each patch built again only while it is
    # printed (memory does not grow with the input; see docs/performance.md).
    with open_show(sources or [], settings, git_range=git_range, repo=repo) as shown:
        if settings.formats[0] == "json":
            from xenreview.report.json_report import write_show

            # The same text as _write_json(show_document(...)), one patch at a time.
            write_show(sys.stdout.write, shown, indent=2 if sys.stdout.isatty() else None)
            sys.stdout.write("\n")
        else:
            from xenreview.report.show_text import render_show_source

            render_show_source(shown, _console())
        errors = shown.errors()
    _input_errors(ShownErrors(series=(), problems=errors))


def _run_review(
    ctx: typer.Context,
    sources: list[str] | None,
    formats: list[str],
    git_range: str | None,
    repo: Path | None,
    max_bytes: int | None,
    max_patches: int | None,
    options: ApplyOptions,
    rule_options: _RuleOptions | None = None,
    outputs: list[str] | None = None,
    quiet: bool = False,
) -> None:
    """``review`` (with ``rule_options``: the rule stage runs) and ``apply`` (without)."""
    from xenreview.pipeline import review
    from xenreview.report.outputs import RenderOptions, pair_outputs, render, write_outputs

    settings = _ingest_settings(ctx, sources, git_range, None, max_bytes, max_patches)
    if rule_options is not None:
        settings = rule_options.apply_to(settings)
    if not formats:
        configured = settings.formats[0]
        # ``apply`` writes text or JSON; a review format from the config means text there.
        formats = [configured if rule_options is not None or configured == "json" else "text"]
    pairs = pair_outputs(formats, outputs or [])
    result = review(
        sources or [],
        settings,
        options,
        git_range=git_range,
        repo=repo,
        rules=rule_options is not None,
    )
    render_options = RenderOptions(
        fail_on=settings.fail_on if rule_options is not None else None,
        quiet=quiet,
        list_address=settings.list_address,
    )
    # Every report is rendered before any is written: nothing half-written on an error.
    terminal = sys.stdout.isatty()
    rendered = [
        render(p.format, result, render_options, color=terminal and p.path is None) for p in pairs
    ]
    write_outputs(pairs, rendered)
    _input_errors(result.ingested)
    _tool_errors(result.tool_errors)
    if rule_options is None:
        if _apply_failed(result):
            raise typer.Exit(EXIT_FINDINGS)
        return
    if result.baseline_written is not None and settings.write_baseline is not None:
        sys.stderr.write(
            f"xenreview: wrote {result.baseline_written} fingerprint(s) to "
            f"{settings.write_baseline}\n"
        )
        return
    if result.failing(settings.fail_on):
        raise typer.Exit(EXIT_FINDINGS)


def _apply_failed(result: Review) -> bool:
    """A patch did not apply or broke the build check (``xenreview apply``'s exit 1)."""
    for item in result.series:
        applied = item.applied
        if applied is not None and (not applied.all_applied or applied.first_broken is not None):
            return True
    return False


def _tool_errors(errors: tuple[ToolError, ...]) -> None:
    """Name every rule that failed to load or crashed; exit 3 if any."""
    if errors:
        for e in errors:
            _error(str(e))
        raise typer.Exit(EXIT_INTERNAL)


@app.command()
def review(
    ctx: typer.Context,
    sources: SourcesArg = None,
    output_format: ReviewFormatsOpt = None,
    output: OutputsOpt = None,
    quiet: QuietOpt = False,
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
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    rules_dir: RulesDirOpt = None,
    fail_on: FailOnOpt = None,
    preview: PreviewOpt = False,
    baseline: BaselineOpt = None,
    write_baseline: WriteBaselineOpt = None,
    max_bytes: MaxBytesOpt = None,
    max_patches: MaxPatchesOpt = None,
) -> None:
    """Review the series read from SOURCES: read, apply to the tree, run the rules, report.

    Exit code 1 when an unsuppressed finding is at or above --fail-on
    (default: warning); 3 when a rule failed to load or crashed.
    """
    from xenreview.pipeline import ApplyOptions

    options = ApplyOptions(not no_apply, tree, base, find_base, build, keep)
    rule_options = _RuleOptions(
        select=_selectors(select),
        ignore=_selectors(ignore) or (),
        rules_dirs=tuple(rules_dir or ()),
        fail_on=fail_on.value if fail_on else None,
        preview=preview,
        baseline=baseline,
        write_baseline=write_baseline,
    )
    _run_review(
        ctx,
        sources,
        [f.value for f in output_format or []],
        git_range,
        repo,
        max_bytes,
        max_patches,
        options,
        rule_options,
        outputs=output,
        quiet=quiet,
    )


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
    formats = [output_format.value] if output_format else []
    _run_review(ctx, sources, formats, git_range, repo, max_bytes, max_patches, options)


@app.command()
def reply(
    ctx: typer.Context,
    sources: SourcesArg = None,
    patch: Annotated[
        int | None,
        typer.Option("--patch", "-p", help="Reply to patch N (0: the cover letter)."),
    ] = None,
    series: Annotated[
        int,
        typer.Option("--series", min=0, help="Which series of the sources (0: the first)."),
    ] = 0,
    all_patches: Annotated[
        bool,
        typer.Option("--all", help="One reply per patch with findings, as an mbox."),
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default: standard output).")
    ] = None,
    from_address: Annotated[
        str | None,
        typer.Option("--from", help="Your name and address (default: a placeholder to edit)."),
    ] = None,
    git_range: GitRangeOpt = None,
    repo: RepoOpt = None,
    tree: TreeOpt = None,
    base: BaseOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    rules_dir: RulesDirOpt = None,
    preview: PreviewOpt = False,
    max_bytes: MaxBytesOpt = None,
    max_patches: MaxPatchesOpt = None,
) -> None:
    """Write the review of SOURCES as an inline reply to patch N, ready to send (RFC 5322).

    The reply quotes only the commented hunks with "> ", puts each comment
    under the line it concerns, is addressed To the author and Cc the list
    and the maintainers of the touched files. --all writes one reply per
    patch with findings, as an mbox a mail client can import.
    """
    import os

    from xenreview.pipeline import ApplyOptions, review
    from xenreview.report.outputs import write_atomically
    from xenreview.report.reply import build_reply, date_from_environ, reply_mbox

    if patch is None and not all_patches:
        raise UsageError("give --patch N (0 for the cover letter) or --all", source="--patch")
    if patch is not None and all_patches:
        raise UsageError("--patch and --all exclude each other", source="--patch")
    if output is not None and (output.is_dir() or not output.parent.is_dir()):
        raise UsageError("not a file in an existing directory", source=str(output))
    settings = _ingest_settings(ctx, sources, git_range, None, max_bytes, max_patches)
    settings = _RuleOptions(
        select=_selectors(select),
        ignore=_selectors(ignore) or (),
        rules_dirs=tuple(rules_dir or ()),
        preview=preview,
    ).apply_to(settings)
    result = review(
        sources or [], settings, ApplyOptions(True, tree, base), git_range=git_range, repo=repo
    )
    _input_errors(result.ingested)
    _tool_errors(result.tool_errors)
    date = date_from_environ(os.environ)
    if all_patches:
        data = reply_mbox(
            result, list_address=settings.list_address, from_address=from_address, date=date
        )
        if not data:
            sys.stderr.write("xenreview: no patch has findings: no reply written\n")
            return
    else:
        assert patch is not None
        built = build_reply(
            result,
            patch,
            series=series,
            list_address=settings.list_address,
            from_address=from_address,
            date=date,
        )
        for note in built.notes:
            sys.stderr.write(f"xenreview: note: {note}\n")
        data = built.message.as_bytes()
    if output is None:
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is not None:
            buffer.write(data)
            buffer.flush()
        else:  # a text-only stream (tests capturing output)
            sys.stdout.write(data.decode("utf-8", "replace"))
    else:
        write_atomically(output, data)


class Engine(StrEnum):
    python = "python"
    spin = "spin"


@app.command()
def model(
    ctx: typer.Context,
    sources: SourcesArg = None,
    output_format: FormatOpt = None,
    tree: Annotated[
        Path | None,
        typer.Option(
            "--tree",
            help="With SOURCES: the Xen checkout to apply them to (default: the mini tree); "
            "without: the checked-out tree to model.",
        ),
    ] = None,
    base: BaseOpt = None,
    guests: Annotated[
        int | None, typer.Option("--guests", help="Guests with PV frontends (1 to 8).")
    ] = None,
    pcpus: Annotated[int | None, typer.Option("--pcpus", help="Physical CPUs (1 to 4).")] = None,
    scenario_name: Annotated[
        str,
        typer.Option(
            "--scenario",
            help="default, seed, x86-freeze-thaw, split-driver-domain, failures, vcpu-race or "
            "two-control-domains.",
        ),
    ] = "default",
    no_symmetry: Annotated[
        bool, typer.Option("--no-symmetry", help="Do not merge states of interchangeable guests.")
    ] = False,
    trace: Annotated[
        bool, typer.Option("--trace", help="Print the counterexample of each violated property.")
    ] = False,
    engine: Annotated[
        Engine, typer.Option("--engine", help="Check with the Python engine or with SPIN.")
    ] = Engine.python,
    emit_promela: Annotated[
        Path | None,
        typer.Option("--emit-promela", help="Also write the configured model in Promela to FILE."),
    ] = None,
    max_states: Annotated[
        int | None,
        typer.Option(
            "--max-states",
            min=1,
            help="Stop the search after N states (default 2,000,000): undecided properties "
            "are reported unknown.",
        ),
    ] = None,
    max_bytes: MaxBytesOpt = None,
    max_patches: MaxPatchesOpt = None,
) -> None:
    """Check the suspend model on the tree after SOURCES (or --tree, or the mini tree).

    Prints the facts read from the tree, each property's verdict, the number
    of states and transitions and the time.  Exit code 1 when a property is
    violated; unknown and not-applicable verdicts do not fail.
    """
    from xenreview.model.run import (
        emit,
        model_document,
        render_runs,
        run_model,
        target_from_directory,
    )

    settings = _settings(
        ctx,
        formats=(output_format.value,) if output_format else None,
        max_bytes=max_bytes,
        max_patches=max_patches,
    )
    from xenreview.model.scenarios import scenario_config

    scenario_config(scenario_name, guests=guests, pcpus=pcpus)  # fail fast on a bad choice
    ingested = None
    if sources:
        from xenreview.ingest import ingest

        ingested = ingest(sources, settings)
        targets = _model_targets(ingested, tree, base)
    else:
        if base is not None:
            raise UsageError("--base needs a SOURCE to apply", source="--base")
        targets = [target_from_directory(tree)]
    if emit_promela is not None:
        if len(targets) != 1:
            raise UsageError(
                f"--emit-promela takes one series, and the sources hold {len(targets)}",
                source="--emit-promela",
            )
        emit(targets[0], emit_promela, scenario_name=scenario_name, guests=guests, pcpus=pcpus)
    text = settings.formats[0] != "json"
    progress = _model_progress() if text and sys.stderr.isatty() else None
    runs = []
    for target in targets:
        runs.append(
            run_model(
                target,
                scenario_name=scenario_name,
                guests=guests,
                pcpus=pcpus,
                symmetry=not no_symmetry,
                engine=engine.value,
                progress=progress,
                max_states=max_states,
            )
        )
    if progress is not None:
        sys.stderr.write("\r\x1b[K")
    if text:
        render_runs(runs, _console(), traces=trace)
    else:
        _write_json(model_document(runs))
    if ingested is not None:
        _input_errors(ingested)
    if any(run.violated for run in runs):
        raise typer.Exit(EXIT_FINDINGS)


def _model_targets(ingested: Ingested, tree: Path | None, base: str | None) -> list[Target]:
    """The tree after each series of the sources (applied to ``tree``, or the mini tree)."""
    from xenreview.apply import apply_series
    from xenreview.model.run import target_from_series

    targets = []
    for series in ingested.series:
        if series.reconstructed or not series.patches:
            why = "reconstructed from an archive copy" if series.reconstructed else "no patch"
            _error(f"{series.title or 'series'}: not modelled: {why}")
            continue
        with apply_series(series, tree=tree, base=base) as applied:
            targets.append(target_from_series(applied))
    if not targets:
        raise UsageError("no series to model in the sources", source="model")
    return targets


def _model_progress() -> Callable[[Progress], None]:
    """A one-line progress report on standard error (a terminal only)."""

    def report(done: Progress) -> None:
        sys.stderr.write(
            f"\r\x1b[K  {done.states:,} states, {done.transitions:,} transitions, "
            f"depth {done.depth}, {done.seconds:.1f} s"
        )
        sys.stderr.flush()

    return report


def _catalogue(ctx: typer.Context, rules_dir: list[Path] | None) -> tuple[Settings, Catalogue]:
    from xenreview.rules.finder import find_rules

    settings = _settings(ctx)
    dirs = settings.rules_dirs + tuple(rules_dir or ())
    return settings, find_rules(dirs)


@app.command("rules")
def rules_command(
    ctx: typer.Context,
    output_format: FormatOpt = None,
    rules_dir: RulesDirOpt = None,
) -> None:
    """List the rule catalogue: code, name, family, scope, severity, status, origin.

    Exit code 3 when a rule failed to load (each is named on standard error).
    """
    settings, catalogue = _catalogue(ctx, rules_dir)
    fmt = output_format.value if output_format else settings.formats[0]
    rows = [
        {
            "code": r.rule.code,
            "name": r.rule.name,
            "family": r.rule.family,
            "scope": r.rule.scope.value,
            "severity": r.rule.severity.value,
            "status": r.rule.status.value,
            "since": r.rule.since,
            "needs_tree": r.rule.needs_tree,
            "origin": r.origin,
        }
        for r in catalogue.rules
    ]
    if fmt == "json":
        _write_json(
            {
                "rules": rows,
                "tool_errors": [
                    {"code": e.code, "origin": e.origin, "where": e.where, "message": e.message}
                    for e in catalogue.errors
                ],
            }
        )
    else:
        from rich.table import Table

        console = _console()
        if not rows:
            console.print("no rules found")
        else:
            table = Table(header_style="bold")
            for column in ("code", "name", "family", "scope", "severity", "status", "origin"):
                table.add_column(column, no_wrap=column != "origin")
            for row in rows:
                table.add_row(
                    *(str(row[c]) for c in ("code", "name", "family", "scope", "severity")),
                    str(row["status"]),
                    str(row["origin"]),
                )
            console.print(table)
    _tool_errors(catalogue.errors)


@app.command()
def explain(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="A rule code (STY001) or name.")],
    output_format: FormatOpt = None,
    rules_dir: RulesDirOpt = None,
) -> None:
    """Print a rule's documentation: what it flags, why, an example, the fix, references."""
    import inspect

    from xenreview.rules.api import parse_doc

    settings, catalogue = _catalogue(ctx, rules_dir)
    loaded = catalogue.lookup(code)
    if loaded is None:
        failed = [e for e in catalogue.errors if e.code is not None and e.code == code.upper()]
        if failed:
            _tool_errors(tuple(failed))
        raise UsageError(f"no rule '{code}' (list them with: xenreview rules)")
    rule = loaded.rule
    doc = inspect.cleandoc(loaded.doc)
    fmt = output_format.value if output_format else settings.formats[0]
    if fmt == "json":
        _write_json(
            {
                "code": rule.code,
                "name": rule.name,
                "family": rule.family,
                "scope": rule.scope.value,
                "severity": rule.severity.value,
                "status": rule.status.value,
                "since": rule.since,
                "needs_tree": rule.needs_tree,
                "paths": list(rule.paths),
                "origin": loaded.origin,
                "documentation": doc,
                "sections": parse_doc(doc),
            }
        )
        return
    tree = ", needs the patched tree" if rule.needs_tree else ""
    paths = f", files {' '.join(rule.paths)}" if rule.paths else ""
    sys.stdout.write(
        f"{rule.code} {rule.name}\n"
        f"family {rule.family}, scope {rule.scope.value}, severity {rule.severity.value}, "
        f"{rule.status.value} since {rule.since}, {loaded.origin}{tree}{paths}\n\n"
        f"{doc}\n"
    )


def _all_problems(ingested: Ingested) -> list[Problem]:
    out: list[Problem] = list(ingested.problems)
    for s in ingested.series:
        out.extend(s.problems)
        for p in s.patches:
            out.extend(p.problems)
    return out


def _console() -> Console:
    from xenreview.report.safe import safe_console

    if sys.stdout.isatty():
        return safe_console()
    # Piped: plain text, no colour, a fixed width so output is diffable.
    return safe_console(width=120, no_color=True, highlight=False, force_terminal=False)


def _error(message: str) -> None:
    sys.stderr.write(f"xenreview: error: {message}\n")


def _register_integrations() -> None:
    from xenreview.integrations.cli import register

    register(app)


_register_integrations()


def _debug_requested(argv: list[str]) -> bool:
    args = argv[: argv.index("--")] if "--" in argv else argv
    return "--debug" in args


def main(argv: list[str] | None = None) -> NoReturn:
    """Run the CLI and exit with the documented code."""
    args = sys.argv[1:] if argv is None else argv
    debug = _debug_requested(args)
    # A short-lived process that builds large acyclic models (mail, diffs,
    # model-checker states): the cyclic collector would only walk them again
    # and again (measured: 0.3 s of 1.8 s on a 3,000-patch mbox).  Reference
    # counting still frees what is dropped.
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        _main(args, debug)
    finally:
        if argv is None:
            # A process of its own (the console script): the run is over, and a
            # Ctrl-C from now on must not turn the exit into a traceback.
            import signal

            signal.signal(signal.SIGINT, signal.SIG_IGN)
        if collecting:  # in-process callers (tests) get their collector back
            gc.enable()


def _main(args: list[str], debug: bool) -> NoReturn:
    try:
        code = app(args=args, prog_name="xenreview", standalone_mode=False)
    except typer.Exit as exc:
        if exc.exit_code == EXIT_INTERRUPTED:  # Ctrl-C while typer parses the command line
            _error("interrupted")
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
    if code == EXIT_INTERRUPTED:  # typer turns Ctrl-C in a command into this return value
        _error("interrupted")
    sys.exit(code if isinstance(code, int) else EXIT_OK)
