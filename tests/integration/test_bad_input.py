"""Bad input through the whole CLI: one line naming the input and the place,
exit code 2 (or a recorded problem when the rest can be read), never a
traceback, and nothing on standard output for a fatal error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.integration.runner import Result, run_cli

SAMPLE = REPO_ROOT / "patches" / "sample-vtimer-v2" / "series.mbox"

PATCH_HEAD = (
    "From: Alice Example <alice@example.org>\n"
    "Subject: [PATCH] xen/arm: sample\n"
    "Message-ID: <bad-input@example.org>\n"
    "Date: Mon, 2 Mar 2026 10:00:00 +0000\n"
    "\n"
    "Body.\n\nSigned-off-by: Alice Example <alice@example.org>\n---\n"
)


def _fatal(result: Result, *needles: str) -> None:
    assert result.code == 2, (result.code, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    for needle in needles:
        assert needle in lines[0]
    assert result.stdout == ""


def _diff(path_a: str, path_b: str, hunk: str = "@@ -1,2 +1,3 @@\n a\n+b\n c\n") -> str:
    return f"diff --git a/{path_a} b/{path_b}\n--- a/{path_a}\n+++ b/{path_b}\n{hunk}"


def test_empty_file(tmp_path: Path) -> None:
    f = tmp_path / "empty.mbox"
    f.write_bytes(b"")
    _fatal(run_cli(["show", str(f)]), str(f), "empty")


def test_not_mail(tmp_path: Path) -> None:
    f = tmp_path / "notes.txt"
    f.write_text("just some notes\nwith no headers and no diff\n")
    _fatal(run_cli(["show", str(f)]), str(f), "line 1")


def test_nul_bytes(tmp_path: Path) -> None:
    f = tmp_path / "nul.eml"
    f.write_bytes(PATCH_HEAD.encode() + b"x\x00y\n")
    _fatal(run_cli(["show", str(f)]), str(f), "NUL")


def test_size_limit_200_mb(tmp_path: Path) -> None:
    """A 200 MB mbox is refused before it is read (a sparse file: no disk used)."""
    f = tmp_path / "huge.mbox"
    with f.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    _fatal(run_cli(["show", str(f)]), str(f), "--max-bytes")


def test_size_limit_option(tmp_path: Path) -> None:
    _fatal(run_cli(["show", "--max-bytes", "100", str(SAMPLE)]), str(SAMPLE), "--max-bytes")


def test_patch_limit_option() -> None:
    _fatal(run_cli(["show", "--max-patches", "2", str(SAMPLE)]), "--max-patches")


@pytest.mark.parametrize(
    ("diff", "needle"),
    [
        (_diff("../x", "../x"), "leaves the tree"),
        (_diff("xen/a.c", "xen/a.c", "@@ -1,5 +1,6 @@\n a\n+b\n c\n"), "line"),
        (
            "diff --git a//etc/passwd b//etc/passwd\n--- a//etc/passwd\n+++ b//etc/passwd\n"
            "@@ -1 +1 @@\n-a\n+b\n",
            "absolute",
        ),
        (_diff("xen/.git/config", "xen/.git/config"), ".git"),
    ],
    ids=["dotdot", "lying-counts", "absolute", "dot-git"],
)
def test_unreadable_diff_is_recorded_and_exits_2(tmp_path: Path, diff: str, needle: str) -> None:
    f = tmp_path / "bad.patch"
    f.write_text(PATCH_HEAD + diff)
    result = run_cli(["show", "--format", "json", str(f)])
    assert result.code == 2
    assert "Traceback" not in result.stderr
    # The rest of the series is still shown, with the problem recorded.
    document = json.loads(result.stdout)
    (patch,) = document["series"][0]["patches"]
    codes = [p["code"] for p in patch["problems"]]
    assert codes == ["malformed-diff"]
    assert needle in patch["problems"][0]["message"] + str(patch["problems"][0]["where"])
    error_lines = result.stderr.strip().splitlines()
    assert len(error_lines) == 1 and str(f) in error_lines[0]


def test_truncated_mbox_keeps_the_complete_messages(tmp_path: Path) -> None:
    data = SAMPLE.read_bytes()
    cut = data.index(b"+unsigned int vtimer_live(void)")
    f = tmp_path / "truncated.mbox"
    f.write_bytes(data[:cut])
    result = run_cli(["show", "--format", "json", str(f)])
    assert result.code == 2
    document = json.loads(result.stdout)
    patches = document["series"][0]["patches"]
    assert [p["number"] for p in patches] == [1, 2, 3]
    assert [p["problems"][0]["code"] for p in patches if p["problems"]] == ["malformed-diff"]
    assert "message 4" in result.stderr  # the cut message is named


def test_ten_thousand_recipients_is_a_recorded_problem(tmp_path: Path) -> None:
    cc = ", ".join(f"user{i} <user{i}@example.org>" for i in range(10_000))
    f = tmp_path / "many.eml"
    f.write_text(PATCH_HEAD.replace("Date:", f"Cc: {cc}\nDate:", 1) + _diff("xen/a.c", "xen/a.c"))
    result = run_cli(["show", "--format", "json", str(f)])
    assert result.code == 0, result.stderr
    (patch,) = json.loads(result.stdout)["series"][0]["patches"]
    assert "too-many-recipients" in [p["code"] for p in patch["problems"]]


def test_latin1_subject_and_undecodable_body(tmp_path: Path) -> None:
    head = PATCH_HEAD.replace(
        "Subject: [PATCH] xen/arm: sample",
        "Subject: =?iso-8859-1?q?=5BPATCH=5D_xen/arm:_caf=E9?=\n"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit",
    )
    f = tmp_path / "enc.eml"
    f.write_bytes(head.encode() + b"caf\xe9 \xff\n" + _diff("xen/a.c", "xen/a.c").encode())
    result = run_cli(["show", "--format", "json", str(f)])
    assert result.code == 0, result.stderr
    (patch,) = json.loads(result.stdout)["series"][0]["patches"]
    assert patch["subject"] == "xen/arm: café"
    assert "undecodable-bytes" in [p["code"] for p in patch["problems"]]


def test_directory_without_mail(tmp_path: Path) -> None:
    (tmp_path / "README").write_text("nothing here\n")
    _fatal(run_cli(["show", str(tmp_path)]), str(tmp_path))


def test_git_range_outside_a_repository(tmp_path: Path) -> None:
    result = run_cli(["show", "--git-range", "HEAD~1..HEAD", "--repo", str(tmp_path)])
    _fatal(result, "git:HEAD~1..HEAD")
