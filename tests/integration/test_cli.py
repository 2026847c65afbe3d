"""The CLI's contract: exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.integration.runner import run_cli

SAMPLE = REPO_ROOT / "patches" / "sample-vtimer-v2" / "series.mbox"


def test_version() -> None:
    result = run_cli(["--version"])
    assert result.code == 0
    assert result.stdout.startswith("xenreview ")


def test_no_arguments_prints_usage_and_exits_2() -> None:
    result = run_cli([])
    assert result.code == 2
    assert "Usage" in result.stderr


def test_unknown_option_is_one_line_exit_2() -> None:
    result = run_cli(["show", "--frobnicate", str(SAMPLE)])
    assert result.code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "--frobnicate" in result.stderr


def test_bad_format_value_exit_2() -> None:
    result = run_cli(["show", "--format", "xml", str(SAMPLE)])
    assert result.code == 2
    assert "Traceback" not in result.stderr


def test_show_without_source_is_usage_error() -> None:
    result = run_cli(["show"])
    assert result.code == 2
    assert "SOURCE" in result.stderr


def test_missing_file_names_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.mbox"
    result = run_cli(["show", str(missing)])
    assert result.code == 2
    assert str(missing) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_empty_file_is_input_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mbox"
    empty.write_bytes(b"")
    result = run_cli(["show", str(empty)])
    assert result.code == 2
    assert str(empty) in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_config_key_exit_2(tmp_path: Path) -> None:
    (tmp_path / ".xenreview.toml").write_text("colour = true\n")
    result = run_cli(["show", str(SAMPLE)], cwd=tmp_path)
    assert result.code == 2
    assert "colour" in result.stderr
    assert ".xenreview.toml" in result.stderr


def test_config_option_names_a_file(tmp_path: Path) -> None:
    config = tmp_path / "custom.toml"
    config.write_text('format = "json"\n')
    result = run_cli(["--config", str(config), "show", str(SAMPLE)])
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["schema_version"] == 1


def test_internal_error_is_exit_3_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import xenreview.ingest.stream as stream_module

    def boom(*args: object, **kwargs: object) -> object:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(stream_module, "open_show", boom)
    result = run_cli(["show", str(SAMPLE)])
    assert result.code == 3
    assert "internal error" in result.stderr
    assert "simulated bug" in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import xenreview.ingest.stream as stream_module

    def boom(*args: object, **kwargs: object) -> object:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(stream_module, "open_show", boom)
    with pytest.raises(RuntimeError, match="simulated bug"):
        from xenreview.cli import main

        main(["--debug", "show", str(SAMPLE)])


def test_keyboard_interrupt_is_130(monkeypatch: pytest.MonkeyPatch) -> None:
    import xenreview.ingest.stream as stream_module

    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(stream_module, "open_show", interrupted)
    result = run_cli(["show", str(SAMPLE)])
    assert result.code == 130


def test_stdin_source() -> None:
    result = run_cli(["show", "--format", "json", "-"], stdin=SAMPLE.read_bytes())
    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)
    assert [p["number"] for p in document["series"][0]["patches"]] == [1, 2, 3]


def test_console_script_runs() -> None:
    """The installed entry point works end to end in a real process."""
    proc = subprocess.run(
        [sys.executable, "-m", "xenreview", "show", "--format", "json", str(SAMPLE)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO_ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["series"][0]["version"] == "2"


def test_seed_archive_copy_is_recovered() -> None:
    """The origin mail, as saved from the web archive (read from shared/, never copied)."""
    from tests.conftest import SHARED_SEEDS

    seed = SHARED_SEEDS / "000_0e5a8554135a6e84.txt"
    if not seed.is_file():
        pytest.skip("shared/seeds is not present")
    result = run_cli(["show", "--format", "json", str(seed)])
    assert result.code == 0, result.stderr
    (series,) = json.loads(result.stdout)["series"]
    (patch,) = series["patches"]
    assert (patch["number"], patch["total"]) == (5, 18)
    assert patch["subject"] == "xen/arm: Trigger Xen suspend when Dom0 completes suspend"
    assert patch["reconstructed"] is True
    assert [f["path"] for f in patch["files"]] == ["xen/arch/arm/suspend.c"]
    assert len(patch["files"][0]["hunks"]) == 2
    (comment,) = patch["review_comments"]
    assert "event targeting a guest" in comment["text"]
    assert patch["missing"]
