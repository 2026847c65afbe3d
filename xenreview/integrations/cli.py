"""The integration commands of the CLI (hooks, b4), registered on the main app.

``pre-commit`` and ``commit-msg`` are the entry points of the hooks (the
pre-commit framework's, see ``.pre-commit-hooks.yaml``, and the plain git
hooks ``hook install`` writes); ``b4-check`` is b4's per-patch check
command.  Everything heavy is imported inside the commands: a hook starts
on every commit.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xenreview.errors import InternalError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from xenreview.integrations.check import HookResult
    from xenreview.integrations.githooks import HookAction
    from xenreview.settings import Settings

EXIT_FINDINGS = 1


class _FailOn(StrEnum):
    error = "error"
    warning = "warning"
    note = "note"
    never = "never"


class _Severity(StrEnum):
    error = "error"
    warning = "warning"
    note = "note"


class _Format(StrEnum):
    text = "text"
    json = "json"


FailOnOpt = Annotated[
    _FailOn | None,
    typer.Option("--fail-on", help="Exit 1 from this severity on (default: warning)."),
]
FormatOpt = Annotated[_Format, typer.Option("--format", "-f", help="Output format.")]
RepoOpt = Annotated[
    Path | None,
    typer.Option("--repo", help="The git work tree (default: the one holding the current folder)."),
]
SelectOpt = Annotated[
    list[str] | None,
    typer.Option("--select", help="Run only these rules (codes, prefixes, names, families)."),
]
IgnoreOpt = Annotated[
    list[str] | None, typer.Option("--ignore", help="Do not run these rules (same forms).")
]
RulesDirOpt = Annotated[
    list[Path] | None,
    typer.Option("--rules-dir", help="Also load rules from this folder (<family>/<rule>.py)."),
]


def _selectors(values: list[str] | None) -> tuple[str, ...] | None:
    from xenreview.rules.selection import parse_selectors

    return parse_selectors(values)


def _settings(
    ctx: typer.Context,
    where: Path,
    fail_on: _FailOn | None,
    select: list[str] | None,
    ignore: list[str] | None,
    rules_dirs: list[Path] | None,
) -> Settings:
    from xenreview.settings import load_settings

    obj = ctx.find_root().obj or {}
    settings = load_settings(where, obj.get("config"))
    extra_ignore = _selectors(ignore)
    return settings.with_options(
        debug=obj.get("debug") or None,
        fail_on=fail_on.value if fail_on else None,
        select=_selectors(select),
        ignore=(settings.ignore + extra_ignore) if extra_ignore else None,
        rules_dirs=(settings.rules_dirs + tuple(rules_dirs)) if rules_dirs else None,
    )


def _console() -> Console:
    from xenreview.report.safe import safe_console

    if sys.stdout.isatty():
        return safe_console(highlight=False)
    return safe_console(width=120, no_color=True, highlight=False, force_terminal=False)


def _write_json(document: object) -> None:
    import json

    sys.stdout.write(json.dumps(document, indent=2 if sys.stdout.isatty() else None))
    sys.stdout.write("\n")


def _document(check: str, result: HookResult, fail_on: str) -> dict[str, object]:
    from xenreview.report.review import finding_json

    return {
        "check": check,
        "title": result.series.title if result.series is not None else None,
        "findings": [finding_json(f) for f in result.findings],
        "failing": len(result.failing(fail_on)),
        "fail_on": fail_on,
        "reminders": list(result.reminders),
        "rules_run": [loaded.rule.code for loaded in result.rules],
        "rules_skipped": [
            {"code": s.code, "name": s.name, "reason": s.reason} for s in result.skipped
        ],
        "tool_errors": [
            {"code": e.code, "origin": e.origin, "where": e.where, "message": e.message}
            for e in result.errors
        ],
        "tool_notes": [{"where": n.where, "message": n.message} for n in result.notes],
    }


def _render_text(result: HookResult, fail_on: str, blocked: str) -> None:
    """Findings as ``xenreview review`` prints them, then reminders and the verdict.

    Nothing at all when there is nothing to say (a hook that passes is quiet).
    """
    if result.series is None:
        return
    # Suppressed findings are the author's decision: a hook does not repeat them.
    active = tuple(f for f in result.findings if f.suppressed is None)
    if not (active or result.reminders or result.notes):
        return
    from rich.text import Text

    from xenreview.pipeline import SeriesReview
    from xenreview.report.review import render_findings
    from xenreview.report.safe import printable

    console = _console()
    if active:
        render_findings(SeriesReview(result.series, None, findings=active), console)
    for reminder in result.reminders:
        console.print(Text(printable(f"reminder: {reminder}"), style="cyan"), highlight=False)
    for note in result.notes:
        console.print(Text(printable(f"note: {note}"), style="cyan"), highlight=False)
    failing = result.failing(fail_on)
    if failing:
        count = f"{len(failing)} finding{'s' if len(failing) != 1 else ''}"
        console.print(
            Text(f"xenreview: {count} at or above {fail_on}: {blocked}", style="bold"),
            highlight=False,
            soft_wrap=True,
        )


def _finish(check: str, result: HookResult, output: _Format, fail_on: str, blocked: str) -> None:
    if output is _Format.json:
        _write_json(_document(check, result, fail_on))
    else:
        _render_text(result, fail_on, blocked)
    if result.errors:
        for error in result.errors:
            sys.stderr.write(f"xenreview: error: {error}\n")
        raise InternalError(f"{len(result.errors)} rule(s) failed to load or crashed (see above)")
    if result.failing(fail_on):
        raise typer.Exit(EXIT_FINDINGS)


def _relative_files(files: list[str] | None, root: Path) -> list[str] | None:
    """FILES as paths from the top of the work tree (absolute ones made relative)."""
    if not files:
        return None
    out: list[str] = []
    for name in files:
        path = Path(name)
        if path.is_absolute():
            try:
                path = path.resolve().relative_to(root.resolve())
            except ValueError:
                raise UsageError("not inside the work tree", source=name) from None
        out.append(path.as_posix().removeprefix("./"))
    return out


def pre_commit(
    ctx: typer.Context,
    files: Annotated[
        list[str] | None,
        typer.Argument(
            help="Limit the check to the staged changes of these files (what the pre-commit"
            " framework passes); default: the whole staged change.",
            show_default=False,
        ),
    ] = None,
    repo: RepoOpt = None,
    fail_on: FailOnOpt = None,
    output: FormatOpt = _Format.text,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    rules_dir: RulesDirOpt = None,
    whole_tree: Annotated[
        bool,
        typer.Option(
            "--whole-tree",
            help="Parse every C file of the staged tree (slower: follows calls across files,"
            " runs the model rules); default: only the changed C files.",
        ),
    ] = False,
) -> None:
    """Check the staged change (git's pre-commit hook): style on the staged lines, the
    Xen/Arm rules on the staged tree, a MAINTAINERS reminder.

    Reads the index, never the work tree, and writes nothing.  Exit code 1
    when a finding is at or above --fail-on (default: warning).
    """
    from xenreview.integrations.check import check_staged
    from xenreview.integrations.gitrepo import HookRepo

    with HookRepo.open(repo) as hook_repo:
        settings = _settings(ctx, hook_repo.root, fail_on, select, ignore, rules_dir)
        result = check_staged(
            hook_repo,
            settings,
            files=_relative_files(files, hook_repo.root),
            whole_tree=whole_tree,
        )
    _finish(
        "pre-commit",
        result,
        output,
        settings.fail_on,
        "commit blocked (fix them, suppress one with /* xenreview: ignore[CODE] reason */,"
        " or skip the check with git commit --no-verify)",
    )


def commit_msg(
    ctx: typer.Context,
    message_file: Annotated[
        Path, typer.Argument(help="The commit message file git passes to the commit-msg hook.")
    ],
    repo: RepoOpt = None,
    cleanup: Annotated[
        str | None,
        typer.Option(
            "--cleanup",
            help="How git cleans the message up: strip, whitespace, verbatim or scissors"
            " (default: commit.cleanup, else strip).",
        ),
    ] = None,
    fail_on: FailOnOpt = None,
    output: FormatOpt = _Format.text,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    rules_dir: RulesDirOpt = None,
) -> None:
    """Check a commit message (git's commit-msg hook): subject, body, trailers.

    Comment lines and everything below the scissors line (the diff of
    git commit --verbose) are dropped as git drops them.  Exit code 1 when
    a finding is at or above --fail-on (default: warning).
    """
    from xenreview.errors import InputError
    from xenreview.integrations.check import check_message
    from xenreview.integrations.gitrepo import HookRepo
    from xenreview.integrations.message import clean_message, comment_string

    try:
        raw = message_file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(message_file)) from None
    with HookRepo.open(repo) as hook_repo:
        settings = _settings(ctx, hook_repo.root, fail_on, select, ignore, rules_dir)
        mode = cleanup or hook_repo.config("commit.cleanup") or "strip"
        comment = comment_string(
            hook_repo.config("core.commentString"), hook_repo.config("core.commentChar")
        )
        message = clean_message(raw.decode("utf-8", "replace"), comment=comment, mode=mode)
        result = check_message(hook_repo, message, settings, source=str(message_file))
    _finish(
        "commit-msg",
        result,
        output,
        settings.fail_on,
        "commit blocked (your message is kept in .git/COMMIT_EDITMSG; fix it, suppress a rule"
        " with a line 'xenreview: ignore[CODE] reason', or commit with --no-verify)",
    )


def b4_check(
    ctx: typer.Context,
    output: Annotated[
        _Format,
        typer.Option(
            "--format",
            "-f",
            help="text: b4.am-perpatch-check-cmd / b4.prep-perpatch-check-cmd (one line per"
            " finding); json: b4.review-perpatch-check-cmd.",
        ),
    ] = _Format.text,
    min_severity: Annotated[
        _Severity,
        typer.Option("--min-severity", help="Report findings from this severity on."),
    ] = _Severity.warning,
    fail_on: FailOnOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    rules_dir: RulesDirOpt = None,
) -> None:
    """Check one patch mail read from standard input, as b4's per-patch check command.

    Runs the rules that need no tree (style on the added lines, the commit
    message and trailers).  Prints nothing and exits 0 when there is
    nothing to report; exit code 1 when a reported finding is at or above
    --fail-on (default: warning).
    """
    from xenreview.integrations.b4 import json_results, text_lines
    from xenreview.integrations.check import check_mail

    settings = _settings(ctx, Path.cwd(), fail_on, select, ignore, rules_dir)
    data = sys.stdin.buffer.read()
    result = check_mail(data, settings)
    if output is _Format.json:
        results = json_results(result, min_severity.value)
        _write_json(results)
    else:
        from xenreview.report.safe import printable

        for line in text_lines(result, min_severity.value):
            sys.stdout.write(printable(line) + "\n")
    if result.errors:
        for error in result.errors:
            sys.stderr.write(f"xenreview: error: {error}\n")
        raise InternalError(f"{len(result.errors)} rule(s) failed to load or crashed (see above)")
    from xenreview.rules.selection import at_or_above

    shown = result.shown(min_severity.value)
    if any(at_or_above(f.severity, settings.fail_on) for f in shown):
        raise typer.Exit(EXIT_FINDINGS)


def _print_actions(actions: tuple[HookAction, ...]) -> None:
    for action in actions:
        line = f"{action.name}: {action.action} {action.path}"
        if action.backup is not None:
            verb = "kept as" if action.action == "replaced" else "from"
            line += f" ({'the existing hook ' if action.action == 'replaced' else ''}"
            line += f"{verb} {action.backup})"
        if action.reason:
            line += f" ({action.reason})"
        sys.stdout.write(line + "\n")


def hook_install(
    repo: RepoOpt = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace hooks that are not xenreview's (kept as <name>.pre-xenreview)."
        ),
    ] = False,
) -> None:
    """Install xenreview's pre-commit and commit-msg hooks into a repository.

    The hooks run this Python (the one running xenreview now).  Exit code 2,
    without writing anything, when a hook that is not xenreview's is in the
    way and --force is not given.
    """
    from xenreview.integrations.githooks import install_hooks
    from xenreview.integrations.gitrepo import HookRepo

    with HookRepo.open(repo) as hook_repo:
        actions = install_hooks(hook_repo, force=force)
    _print_actions(actions)


def hook_uninstall(repo: RepoOpt = None) -> None:
    """Remove xenreview's hooks from a repository (never a hook that is not xenreview's)."""
    from xenreview.integrations.githooks import uninstall_hooks
    from xenreview.integrations.gitrepo import HookRepo

    with HookRepo.open(repo) as hook_repo:
        actions = uninstall_hooks(hook_repo)
    _print_actions(actions)


def register(app: typer.Typer) -> None:
    """Add the integration commands to ``app``."""
    app.command("pre-commit")(pre_commit)
    app.command("commit-msg")(commit_msg)
    app.command("b4-check")(b4_check)
    hook = typer.Typer(
        name="hook",
        help="Install or remove xenreview's plain git hooks (pre-commit, commit-msg).",
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode=None,
    )
    hook.command("install")(hook_install)
    hook.command("uninstall")(hook_uninstall)
    app.add_typer(hook)
