"""The rule stage from the command line: exit codes, reports, baselines, rules, explain.

The bundled catalogue is hidden (``no_bundled``): these tests run the
test-only rules of ``fixtures/rules_*`` and nothing else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.integration.runner import Result, run_cli
from tests.unit.rules.conftest import BROKEN, CRASH, DEMO, FIXTURES, HOOKS, NOTES

pytestmark = pytest.mark.usefixtures("no_bundled")


def review(*args: str) -> Result:
    return run_cli(["review", "--rules-dir", str(DEMO), *args])


def _json(result: Result) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_an_unsuppressed_warning_exits_1_and_is_shown_with_its_line() -> None:
    result = review("--no-apply", str(NOTES))
    assert result.code == 1, result.stderr
    out = result.stdout
    assert "Findings: 1 finding (1 warning), 3 suppressed" in out
    assert "xen/common/tasklet.c:31: warning TST001 todo-comment" in out
    assert "   31 |     /* TODO: check that the pCPU is online */" in out
    assert "fix:      /* NOTE: check that the pCPU is online */" in out
    assert "TST001 todo-comment at patch 1, xen/common/tasklet.c:33: inline: tracked" in out
    assert "rules skipped (needs the patched tree: not applied (--no-apply)): TST002" in out
    assert "tasklet.c:34: a xenreview: ignore[...] suppression gives no reason" in out
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--fail-on", "error"], 0),
        (["--fail-on", "never"], 0),
        (["--fail-on", "note"], 1),
        (["--ignore", "TST001"], 0),
        (["--select", "TST003,TST002", "--fail-on", "note"], 0),  # TST003 is suppressed
        (["--select", "TST004"], 0),  # a preview rule, by its code: a note
        (["--select", "TST004", "--fail-on", "note"], 1),
        (["--preview", "--fail-on", "note"], 1),
    ],
)
def test_fail_on_and_selection_drive_the_exit_code(args: list[str], code: int) -> None:
    result = review("--no-apply", *args, str(NOTES))
    assert result.code == code, result.stdout + result.stderr


def test_config_file_selection_and_overrides(tmp_path: Path) -> None:
    config = tmp_path / "x.toml"
    config.write_text(
        'fail-on = "error"\n[severity]\ntodo-comment = "error"\n'
        '[per-path-ignores]\n"xen/common/*" = ["TST001"]\n'
    )
    result = run_cli(
        ["--config", str(config), "review", "--rules-dir", str(DEMO), "--no-apply", str(NOTES)]
    )
    assert result.code == 0, result.stdout  # the error is ignored in xen/common/
    config.write_text('fail-on = "error"\n[severity]\ntodo-comment = "error"\n')
    result = run_cli(
        ["--config", str(config), "review", "--rules-dir", str(DEMO), "--no-apply", str(NOTES)]
    )
    assert result.code == 1
    assert "error TST001" in result.stdout


def test_json_findings_tool_errors_and_skipped_rules() -> None:
    result = review("--no-apply", "--format", "json", str(NOTES))
    assert result.code == 1
    document = _json(result)
    (series,) = document["series"]
    assert document["tool_errors"] == []
    assert document["rules_skipped"] == [
        {
            "code": "TST002",
            "name": "forbidden-call",
            "reason": "needs the patched tree: not applied (--no-apply)",
            "series": "xen/tasklet: leave notes for later work",
            "version": "1",
        }
    ]
    assert series["rules_skipped"] == [
        {k: v for k, v in document["rules_skipped"][0].items() if k in ("code", "name", "reason")}
    ]
    (note,) = document["tool_notes"]
    assert note["where"] == "xen/common/tasklet.c:34"
    first = series["findings"][0]
    assert list(first) == [
        "code",
        "name",
        "severity",
        "message",
        "location",
        "fingerprint",
        "fix",
        "excerpt",
        "related",
        "suppressed",
        "extra",
    ]
    assert first["code"] == "TST003" and first["suppressed"].startswith("commit message:")
    todo = series["findings"][1]
    assert todo["location"] == {
        "patch": 1,
        "total": 1,
        "message_id": "notes-1@example.org",
        "path": "xen/common/tasklet.c",
        "line": 31,
        "column": None,
        "diff_line": todo["location"]["diff_line"],
    }
    assert isinstance(todo["location"]["diff_line"], int)
    assert todo["severity"] == "warning" and todo["suppressed"] is None
    assert len(todo["fingerprint"]) == 32


def test_apply_reports_no_findings_key_value() -> None:
    result = run_cli(["apply", "--format", "json", str(NOTES)])
    assert result.code == 0, result.stderr
    (series,) = _json(result)["series"]
    assert series["findings"] is None


def test_tree_rules_run_on_the_applied_series() -> None:
    result = review("--select", "TST002", "--format", "json", str(HOOKS))
    assert result.code == 1, result.stderr
    (series,) = _json(result)["series"]
    assert [(f["location"]["patch"], f["location"]["line"]) for f in series["findings"]] == [
        (1, 40),
        (3, 53),
    ]
    assert [f["excerpt"] for f in series["findings"]] == [
        "    forbidden_call(1);",
        "    forbidden_call(3);",
    ]


def test_a_crashing_rule_exits_3_and_is_named() -> None:
    result = run_cli(["review", "--rules-dir", str(CRASH), "--no-apply", str(NOTES)])
    assert result.code == 3
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"xenreview: error: rule TST901 (folder:{CRASH}) at series")
    assert "TypeError: check() yielded a str, not a Finding" in lines[0]
    assert "rule TST900" in lines[1] and "ValueError: boom" in lines[1]
    assert "Traceback" not in result.stderr


def test_a_rule_that_fails_to_load_exits_3_and_the_others_run() -> None:
    result = run_cli(
        ["review", "--rules-dir", str(BROKEN), "--format", "json", "--no-apply", str(NOTES)]
    )
    assert result.code == 3
    errors = _json(result)["tool_errors"]
    assert len(errors) == 9
    assert "demo/no_rule.py: no RULE record" in result.stderr
    (series,) = _json(result)["series"]
    assert series["findings"] == []  # TST205 ran and found nothing


def test_an_unknown_selector_is_a_usage_error() -> None:
    result = review("--no-apply", "--select", "TST001,NOPE", str(NOTES))
    assert result.code == 2
    assert result.stderr == (
        "xenreview: error: select: 'NOPE' names no rule "
        "(give a code, a code prefix, a rule name or a family)\n"
    )


def test_write_then_use_a_baseline(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    written = review("--no-apply", "--write-baseline", str(baseline), str(NOTES))
    assert written.code == 0
    assert f"wrote 1 fingerprint(s) to {baseline}" in written.stderr
    entries = json.loads(baseline.read_text())["findings"]
    assert [e["code"] for e in entries] == ["TST001"]
    again = review("--no-apply", "--baseline", str(baseline), "--format", "json", str(NOTES))
    assert again.code == 0, again.stdout
    (series,) = _json(again)["series"]
    assert [f["suppressed"] for f in series["findings"] if f["code"] == "TST001"] == [
        "baseline",
        "inline: tracked as issue 12",
        "inline (no reason given)",
    ]
    # a finding that is not in the baseline still fails
    more = review("--no-apply", "--baseline", str(baseline), "--preview", "--fail-on", "note")
    assert more.code == 2  # no source given
    more = review(
        "--no-apply", "--baseline", str(baseline), "--preview", "--fail-on", "note", str(NOTES)
    )
    assert more.code == 1


def test_a_bad_baseline_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "b.json"
    bad.write_text("{}")
    result = review("--no-apply", "--baseline", str(bad), str(NOTES))
    assert result.code == 2
    assert str(bad) in result.stderr and "not a xenreview baseline" in result.stderr


def test_rules_lists_the_catalogue() -> None:
    text = run_cli(["rules", "--rules-dir", str(DEMO)])
    assert text.code == 0, text.stderr
    assert "TST001" in text.stdout and "todo-comment" in text.stdout
    assert "folder:" in text.stdout
    listed = run_cli(["rules", "--rules-dir", str(DEMO), "--format", "json"])
    rows = _json(listed)["rules"]
    assert [r["code"] for r in rows] == ["TST001", "TST002", "TST003", "TST004"]
    assert rows[1] == {
        "code": "TST002",
        "name": "forbidden-call",
        "family": "demo",
        "scope": "tree",
        "severity": "error",
        "status": "stable",
        "since": "0.1.0",
        "needs_tree": True,
        "origin": f"folder:{DEMO}",
    }
    assert rows[3]["status"] == "preview"
    broken = run_cli(["rules", "--rules-dir", str(BROKEN)])
    assert broken.code == 3
    assert "TST205" in broken.stdout


@pytest.mark.parametrize("name", ["TST001", "tst001", "todo-comment"])
def test_explain_prints_the_documentation(name: str) -> None:
    result = run_cli(["explain", name, "--rules-dir", str(DEMO)])
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "TST001 todo-comment"
    assert lines[1].startswith(
        "family demo, scope added-line, severity warning, stable since 0.1.0"
    )
    assert "**What it flags**" in result.stdout
    assert "**References**" in result.stdout


def test_explain_json_and_unknown_codes() -> None:
    result = run_cli(["explain", "TST002", "--rules-dir", str(DEMO), "--format", "json"])
    document = _json(result)
    assert document["code"] == "TST002" and document["needs_tree"] is True
    assert list(document["sections"]) == [
        "What it flags",
        "Why it matters for Xen",
        "Example",
        "Suggested fix",
        "References",
    ]
    unknown = run_cli(["explain", "XYZ123", "--rules-dir", str(DEMO)])
    assert unknown.code == 2
    assert unknown.stderr == (
        "xenreview: error: no rule 'XYZ123' (list them with: xenreview rules)\n"
    )
    failed = run_cli(["explain", "TST201", "--rules-dir", str(BROKEN)])
    assert failed.code == 3  # it exists but did not load: say why
    assert "demo/bad_doc.py" in failed.stderr


def test_an_undecided_rule_is_listed_as_skipped_not_as_an_error() -> None:
    undecided = FIXTURES / "rules_undecided"
    result = run_cli(
        ["review", "--rules-dir", str(undecided), "--format", "json", "--no-apply", str(NOTES)]
    )
    assert result.code in (0, 1), result.stderr
    document = _json(result)
    assert document["tool_errors"] == []
    (series,) = document["series"]
    assert {
        "code": "TST950",
        "name": "cannot-decide",
        "reason": "undecided: fact wake_action not found",
    } in series["rules_skipped"]
    assert not [f for f in series["findings"] if f["code"] == "TST950"]
