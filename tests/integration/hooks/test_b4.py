"""`xenreview b4-check`: b4's per-patch check command, called by b4 itself (offline)."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.integration.hooks.conftest import FIXTURES, Repo
from tests.integration.runner import run_cli

SERIES = FIXTURES / "b4_series.mbox"
# b4 labels each result line with the command's file name: the installed script, as a
# user would configure it, when it is beside this Python (else python -m xenreview).
_SCRIPT = Path(sys.executable).parent / "xenreview"
_PROGRAM = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "xenreview"]
LABEL = Path(_PROGRAM[0]).name
CHECK_CMD = shlex.join([*_PROGRAM, "b4-check"])


def _messages() -> list[bytes]:
    """The three messages of the fixture mbox (cover letter, patch 1, patch 2)."""
    data = SERIES.read_bytes()
    parts = data.split(b"\nFrom ")
    return [parts[0] + b"\n"] + [b"From " + part + b"\n" for part in parts[1:]]


def b4(repo: Repo, *args: str) -> subprocess.CompletedProcess[str]:
    """b4's own command line (``b4 ARGS``) in ``repo``."""
    program = "import sys; from b4.command import cmd; sys.argv[0] = 'b4'; cmd()"
    return subprocess.run(
        [sys.executable, "-c", program, *args],
        cwd=repo.root,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_b4_am_shows_our_results(xen_repo: Repo, tmp_path: Path) -> None:
    xen_repo.git("config", "b4.am-perpatch-check-cmd", CHECK_CMD)
    done = b4(xen_repo, "--offline-mode", "am", "-m", str(SERIES), "--check", "-o", str(tmp_path))
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    first, second = output.split("[PATCH 2/2]")
    assert f"{LABEL}: passed all checks" in first
    assert f"{LABEL}: xen/arch/arm/vpsci.c:31: WARNING: STY001 tab-indentation:" in second, output
    assert (
        f"{LABEL}: commit message: ERROR: MSG006 missing-signed-off-by: The author Ines Example"
        " <ines@example.org> has not signed off" in second
    )
    assert "(fix: Signed-off-by: Ines Example <ines@example.org>)" in second


def test_b4_prep_check_shows_our_results(xen_repo: Repo) -> None:
    """The contributor's side: ``b4 prep --check`` over the commits of a prep branch."""
    xen_repo.git("config", "b4.prep-perpatch-check-cmd", CHECK_CMD)
    created = b4(xen_repo, "--offline-mode", "prep", "-n", "vpsci")
    assert created.returncode == 0, created.stderr
    patches = xen_repo.root.parent / "patches.mbox"
    patches.write_bytes(b"".join(_messages()[1:]))
    xen_repo.git("am", "-q", str(patches))
    done = b4(xen_repo, "--offline-mode", "prep", "--check")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Compute the vCPU id in one place" in output
    assert f"{LABEL}: xen/arch/arm/vpsci.c:31: WARNING: STY001 tab-indentation:" in output
    assert f"{LABEL}: commit message: ERROR: MSG006 missing-signed-off-by:" in output
    assert "Success: 1, Warning: 1, Error: 1" in output


def test_b4_review_reads_our_json(xen_repo: Repo) -> None:
    """b4 review's runner (``b4.review.checks``) parses the JSON dialect."""
    program = textwrap.dedent(
        f"""
        import email, email.policy, json, sys
        from b4.review import checks
        msgs = [email.message_from_bytes(open(p, 'rb').read(), policy=email.policy.default)
                for p in sys.argv[1:]]
        patches = [(m['Message-Id'], m) for m in msgs]
        out = checks.run_perpatch_checks(patches, [{CHECK_CMD + " --format json"!r}], '.')
        print(json.dumps(out))
        """
    )
    files = []
    for number, data in enumerate(_messages()[1:], start=1):
        path = xen_repo.root.parent / f"patch{number}.eml"
        path.write_bytes(data)
        files.append(str(path))
    done = subprocess.run(
        [sys.executable, "-c", program, *files],
        cwd=xen_repo.root,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    first = results["<20260302100000.vpsci-1@example.org>"]
    second = results["<20260302100000.vpsci-2@example.org>"]
    assert first == [
        {
            "tool": "xenreview",
            "status": "pass",
            "summary": "passed all checks",
            "url": "",
            "details": "",
        }
    ]
    assert [r["status"] for r in second] == ["fail"]
    assert second[0]["summary"] == "1 error, 1 warning"
    details = json.loads(second[0]["details"])
    assert [d["status"] for d in details] == ["fail", "warn"]
    assert details[1]["description"].startswith("xen/arch/arm/vpsci.c:31: WARNING: STY001")


@pytest.mark.parametrize(
    ("args", "code", "lines"),
    [
        ((), 1, 2),
        (("--min-severity", "error"), 1, 1),
        (("--fail-on", "never"), 0, 2),
        (("--ignore", "MSG006,STY001"), 0, 0),
    ],
)
def test_the_text_dialect(args: tuple[str, ...], code: int, lines: int) -> None:
    result = run_cli(["b4-check", *args], stdin=_messages()[2])
    assert result.code == code, result
    assert len(result.stdout.splitlines()) == lines
    assert result.stderr == ""


def test_a_clean_patch_prints_nothing() -> None:
    result = run_cli(["b4-check"], stdin=_messages()[1])
    assert (result.code, result.stdout, result.stderr) == (0, "", "")


def test_not_a_patch_is_an_error_b4_shows() -> None:
    result = run_cli(["b4-check"], stdin=b"")
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("xenreview: error:")
