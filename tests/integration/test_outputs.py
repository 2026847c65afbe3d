"""Several formats in one run, the terminal report's header, --quiet, and safe printing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.text import Text

from tests.conftest import REPO_ROOT
from tests.integration.runner import run_cli
from xenreview.errors import UsageError
from xenreview.report.outputs import Output, pair_outputs, write_atomically, write_outputs
from xenreview.report.review import _excerpt_lines, _wrapped
from xenreview.report.safe import printable, safe_console
from xenreview.rules.api import Location

V1 = REPO_ROOT / "patches" / "xen-arm-suspend-v1"
V2 = REPO_ROOT / "patches" / "xen-arm-suspend-v2"

# -- pairing formats and outputs -------------------------------------------------------


def test_one_format_without_output_goes_to_stdout() -> None:
    assert pair_outputs(["json"], []) == (Output("json", None),)


def test_formats_pair_with_outputs_in_order(tmp_path: Path) -> None:
    pairs = pair_outputs(["text", "sarif", "html"], ["-", str(tmp_path / "a"), str(tmp_path / "b")])
    assert pairs == (
        Output("text", None),
        Output("sarif", tmp_path / "a"),
        Output("html", tmp_path / "b"),
    )


@pytest.mark.parametrize(
    ("formats", "outputs", "message"),
    [
        (["text", "json"], [], "2 formats need one --output each"),
        (["text", "json"], ["x.json"], "2 --format and 1 --output"),
        (["text", "json"], ["-", "-"], "only one format can go to standard output"),
        (["json", "json"], ["a", "b"], "--format json is given twice"),
        (["json", "sarif"], ["same", "same"], "same --output file"),
    ],
)
def test_impossible_pairings_are_usage_errors(
    formats: list[str], outputs: list[str], message: str, tmp_path: Path
) -> None:
    outputs = [o if o == "-" else str(tmp_path / o) for o in outputs]
    with pytest.raises(UsageError, match=message):
        pair_outputs(formats, outputs)


def test_an_output_that_is_a_directory_or_has_no_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a directory"):
        pair_outputs(["json"], [str(tmp_path)])
    with pytest.raises(UsageError, match="no directory"):
        pair_outputs(["json"], [str(tmp_path / "missing" / "x.json")])


def test_atomic_write_replaces_whole_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    write_atomically(target, "new report\n")
    assert target.read_text() == "new report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_a_failed_write_keeps_the_previous_report(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")

    with pytest.raises(TypeError):
        write_atomically(target, 42)  # type: ignore[arg-type]
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_files_are_written_before_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pairs = (Output("text", None), Output("json", tmp_path / "r.json"))
    write_outputs(pairs, ["TEXT\n", "{}\n"])
    assert capsys.readouterr().out == "TEXT\n"
    assert (tmp_path / "r.json").read_text() == "{}\n"


# -- the CLI ---------------------------------------------------------------------------


def test_review_writes_two_formats_and_exits_by_fail_on(tmp_path: Path) -> None:
    out = tmp_path / "review.json"
    result = run_cli(
        ["review", "series.mbox", "-f", "text", "-o", "-", "-f", "json", "-o", str(out)], cwd=V1
    )
    assert result.code == 1, result.stderr
    assert result.stdout.startswith("xen/arm: Suspend to RAM support  v1")
    document = json.loads(out.read_text())
    assert len(document["series"][0]["findings"]) == 7
    # The same run with --fail-on never: same reports, exit 0.
    again = run_cli(
        ["review", "series.mbox", "--fail-on", "never", "-f", "json", "-o", str(out)], cwd=V1
    )
    assert again.code == 0, again.stderr
    assert again.stdout == ""
    assert json.loads(out.read_text()) == document


def test_review_usage_error_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "review.json"
    result = run_cli(["review", "series.mbox", "-f", "text", "-f", "json", "-o", str(out)], cwd=V1)
    assert result.code == 2
    assert "2 --format and 1 --output" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_quiet_prints_the_summary_line_only() -> None:
    result = run_cli(["review", "-q", "series.mbox"], cwd=V1)
    assert result.code == 1
    assert result.stdout == (
        "xenreview: 7 findings (6 errors, 1 warning); 18/18 patches applied; 1 series; "
        "7 at or above --fail-on warning\n"
    )


def test_the_header_counts_findings_per_patch_and_the_model_verdicts() -> None:
    text = run_cli(["review", "series.mbox"], cwd=V1).stdout
    header = text.split("\nFindings:")[0]
    rows = {line.split()[0]: line for line in header.splitlines() if " applied " in line}
    assert "3E 1W" in rows["3/18"]
    assert "3E" in rows["5/18"] and "applied" in rows["5/18"]
    assert "  -  " in rows["4/18"]
    assert "violated     MOD002 continuation-writes-guest-registers (from patch 5/18" in text
    assert "no violation MOD003" in text
    v2 = run_cli(["review", "series.mbox"], cwd=V2).stdout
    assert "0 of 9 properties violated" in v2


# -- safe printing ---------------------------------------------------------------------


def test_printable_escapes_controls_and_bidi_but_keeps_text() -> None:
    assert printable("a\x1b[31mred\x07") == "a\\x1b[31mred\\x07"
    assert printable("x\u202ey") == "x\\u202ey"
    assert printable("tab\tand [bold]markup[/bold] é") == "tab\tand [bold]markup[/bold] é"


def test_a_column_gets_a_marker_under_it() -> None:
    lines = _excerpt_lines(Location(path="a.c", line=7, column=5), "    x = 1; // c", "  ")
    assert [t.plain for t in lines] == ["      7 |     x = 1; // c", "        |     ^"]
    # No marker without a column, or for a column outside the line.
    assert len(_excerpt_lines(Location(path="a.c", line=7), "x", "")) == 1
    assert len(_excerpt_lines(Location(path="a.c", line=7, column=40), "x", "")) == 1


def test_long_lines_wrap_with_a_hanging_indent_and_code_does_not() -> None:
    words = " ".join(["word"] * 40)
    parts = [t.plain for t in _wrapped(Text("      " + words), 60)]
    assert len(parts) > 2
    assert all(len(p) <= 60 for p in parts)
    assert all(p.startswith("        word") for p in parts[1:])
    code = Text("      150 | " + "x" * 200)
    assert _wrapped(code, 60) == [code]


# -- reply -----------------------------------------------------------------------------


def test_reply_to_patch_5_is_a_mail_in_reply_to_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import email
    from email import policy

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1775044800")
    result = run_cli(["reply", "series.mbox", "--patch", "5"], cwd=V1)
    assert result.code == 0, result.stderr
    message = email.message_from_string(result.stdout, policy=policy.default)
    assert message["In-Reply-To"] == "<20260310120000.05.suspend-v1@example.org>"
    assert str(message["Subject"]).startswith("Re: [PATCH 05/18] xen/arm: Trigger Xen suspend")
    assert "xen-devel@lists.xenproject.org" in str(message["Cc"])
    body = message.get_body().get_content()  # type: ignore[union-attr]
    quoted = "> +        status = continue_hypercall_on_cpu(0, system_suspend, NULL);"
    assert quoted in body
    assert body.index("[ARM001]") > body.index(quoted)


def test_review_format_email_matches_the_golden_mbox(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1775044800")
    out = tmp_path / "replies.mbox"
    result = run_cli(["review", "series.mbox", "-f", "email", "-o", str(out)], cwd=V1)
    assert result.code == 1, result.stderr
    assert out.read_bytes() == (V1 / "expected.review.email").read_bytes()
    again = run_cli(["reply", "series.mbox", "--all", "-o", str(out)], cwd=V1)
    assert again.code == 0, again.stderr
    assert out.read_bytes() == (V1 / "expected.review.email").read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give --patch N"),
        (["--patch", "99"], "patches 1-18"),
        (["--patch", "5", "--all"], "exclude each other"),
    ],
)
def test_reply_usage_errors(args: list[str], message: str) -> None:
    result = run_cli(["reply", "series.mbox", *args], cwd=V1)
    assert result.code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_the_safe_console_escapes_what_is_printed_raw_but_keeps_its_colours() -> None:
    import io

    buffer = io.StringIO()
    console = safe_console(file=buffer, force_terminal=True, color_system="standard", width=80)
    console.print(Text("x\x1b]0;title\x07 y\u202e", style="red"), "[bold]z[/bold]")
    out = buffer.getvalue()
    assert "\\x1b]0;title" in out and "\\u202e" in out
    assert "\x1b[31m" in out  # rich's own colour code still goes out
    assert "\x1b]" not in out and "\u202e" not in out
