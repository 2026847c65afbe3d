"""Bytes that are not UTF-8 in file names, subjects, author names and message-ids.

Whatever the bytes, every output is valid UTF-8 (no lone surrogate from
``surrogateescape`` ever reaches it), the text is decoded as well as it can
be, and what had to be replaced is recorded.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile.conftest import mail, modify, new_file
from tests.integration.runner import Result, run_cli


def _write(tmp_path: Path, data: bytes) -> Path:
    source = tmp_path / "enc.eml"
    source.write_bytes(data)
    return source


def _valid(result: Result) -> None:
    assert "Traceback" not in result.stderr
    result.stdout.encode("utf-8")  # raises on a lone surrogate
    result.stderr.encode("utf-8")


def _patch(result: Result) -> dict[str, object]:
    _valid(result)
    (patch,) = json.loads(result.stdout)["series"][0]["patches"]
    return patch  # type: ignore[no-any-return]


def _with_header(name: str, value: bytes) -> bytes:
    text = mail(modify("xen/a.c")).encode()
    start = text.index(f"{name}: ".encode())
    end = text.index(b"\n", start)
    return text[:start] + f"{name}: ".encode() + value + text[end:]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (b"[PATCH] xen: caf\xe9 \xff\xfe", "xen: café ÿþ"),  # not UTF-8: read as latin-1
        (b"[PATCH] xen: caf\xc3\xa9", "xen: café"),  # raw UTF-8
        (b"[PATCH] =?utf-8?q?xen=3A_=FF=FEbad?=", "xen: \ufffd\ufffdbad"),
        (b"[PATCH] =?x-unknown?q?xen=3A_ok?=", "xen: ok"),
    ],
    ids=["latin-1", "raw-utf-8", "encoded-invalid", "unknown-charset"],
)
def test_subjects(tmp_path: Path, value: bytes, expected: str) -> None:
    source = _write(tmp_path, _with_header("Subject", value))
    patch = _patch(run_cli(["show", "--format", "json", str(source)]))
    assert patch["subject"] == expected


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (b"Ren\xe9 \xff <rene@example.org>", "René ÿ"),
        (b"=?utf-8?b?/w==?= <rene@example.org>", "\ufffd"),
        (b'"Ren\xc3\xa9 \\" Example" <rene@example.org>', 'René " Example'),
    ],
    ids=["latin-1", "encoded-invalid", "quoted-utf-8"],
)
def test_author_names(tmp_path: Path, value: bytes, name: str) -> None:
    source = _write(tmp_path, _with_header("From", value))
    patch = _patch(run_cli(["show", "--format", "json", str(source)]))
    assert patch["author"] == {"name": name, "email": "rene@example.org"}


def test_message_ids_with_eight_bit_bytes(tmp_path: Path) -> None:
    data = _with_header("Message-ID", b"<caf\xe9@example.org>")
    data = data.replace(b"Date:", b"In-Reply-To: <r\xff@example.org>\nDate:", 1)
    patch = _patch(run_cli(["show", "--format", "json", str(_write(tmp_path, data))]))
    assert patch["message_id"] == "café@example.org"


def test_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    """Raw bytes in a diff's path: replaced (U+FFFD), recorded, still reviewed and applied."""
    data = mail(new_file("xen/caf\udce9.c", ["int x;"])).encode("utf-8", "surrogateescape")
    data = data.replace(b"Date:", b"Content-Type: text/plain; charset=utf-8\nDate:", 1)
    source = _write(tmp_path, data)
    patch = _patch(run_cli(["show", "--format", "json", str(source)]))
    assert patch["files"][0]["path"] == "xen/caf\ufffd.c"
    assert "undecodable-bytes" in [p["code"] for p in patch["problems"]]  # type: ignore[index]
    for command in (["review", "--format", "json"], ["apply"]):
        result = run_cli([*command, str(source)])
        _valid(result)
        assert result.code in (0, 1), result.stderr


def test_a_quoted_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    """git quotes the bytes (``"a/caf\\351.c"``): not UTF-8 once unquoted, so refused."""
    diff = (
        'diff --git "a/xen/caf\\351.c" "b/xen/caf\\351.c"\n'
        '--- "a/xen/caf\\351.c"\n+++ "b/xen/caf\\351.c"\n@@ -1,2 +1,3 @@\n a\n+b\n c\n'
    )
    source = _write(tmp_path, mail(diff).encode())
    result = run_cli(["show", "--format", "json", str(source)])
    assert result.code == 2
    patch = _patch(result)
    problems = patch["problems"]
    assert [p["code"] for p in problems] == ["malformed-diff"]  # type: ignore[index]
    assert "quoted path is not UTF-8" in problems[0]["message"]  # type: ignore[index]
    assert str(source) in result.stderr and "line" in result.stderr


def test_a_quoted_file_name_in_utf8_is_read(tmp_path: Path) -> None:
    diff = (
        'diff --git "a/xen/caf\\303\\251.c" "b/xen/caf\\303\\251.c"\n'
        '--- "a/xen/caf\\303\\251.c"\n+++ "b/xen/caf\\303\\251.c"\n@@ -1,2 +1,3 @@\n a\n+b\n c\n'
    )
    patch = _patch(
        run_cli(["show", "--format", "json", str(_write(tmp_path, mail(diff).encode()))])
    )
    assert patch["files"][0]["path"] == "xen/café.c"  # type: ignore[index]


def test_text_outputs_are_valid_utf8(tmp_path: Path) -> None:
    data = _with_header("Subject", b"[PATCH] xen: caf\xe9 \xff")
    data = data.replace(b"From: Alice Example", b"From: Ren\xe9 \xff", 1)
    data = data.replace(b"Message-ID: <hostile", b"Message-ID: <\xfe", 1)
    source = _write(tmp_path, data)
    for command in (["show"], ["review", "--no-apply"], ["review", "--format", "json"]):
        result = run_cli([*command, str(source)])
        _valid(result)
        assert result.code in (0, 1), (command, result.stderr)
