"""MIME built to exhaust the parser: deep nesting, huge encoded parts, thousands of parts.

Each gives an answer (the patch, or a recorded problem) in bounded time and
memory, never a traceback.  Measured on the 2-core CI machine: nesting 1,000
deep about 0.6 s (deeper is cut by Python's recursion limit and recorded);
a 4 MB base64 part about 0.3 s and 8 times its size in memory; 10,000 parts
about 0.5 s.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

from tests.hostile.conftest import ALICE, measured, time_limit
from tests.integration.runner import run_cli
from xenreview.settings import MIB

HEAD = (
    f"From: {ALICE}\nSubject: [PATCH] xen/arm: sample\nMessage-ID: <mime@example.org>\n"
    "Date: Mon, 2 Mar 2026 10:00:00 +0000\nMIME-Version: 1.0\n"
)
PATCH = (
    f"A change.\n\nSigned-off-by: {ALICE}\n---\n"
    "diff --git a/xen/a.c b/xen/a.c\n--- a/xen/a.c\n+++ b/xen/a.c\n"
    "@@ -1,2 +1,3 @@\n a\n+b\n c\n"
)


def _nested(depth: int) -> str:
    opening = "".join(
        f'Content-Type: multipart/mixed; boundary="b{d}"\n\n--b{d}\n' for d in range(depth)
    )
    closing = "".join(f"\n--b{d}--\n" for d in reversed(range(depth)))
    return HEAD + opening + "Content-Type: text/plain\n\n" + PATCH + closing


def _show(
    tmp_path: Path, text: str, limit: float, *, memory: bool = False
) -> tuple[dict[str, object], float, int]:
    """``show --format json`` of ``text``, its time and (with ``memory``) its peak memory.

    tracemalloc slows the email package's deep generator chains tenfold: it is
    on only where memory is the point.
    """
    source = tmp_path / "mime.eml"
    source.write_text(text)
    run_cli(["--version"])  # imports and start-up out of the measure
    if memory:
        with measured(limit) as cost:
            result = run_cli(["show", "--format", "json", str(source)])
        seconds, peak = cost.seconds, cost.peak_bytes
    else:
        start = time.perf_counter()
        with time_limit(limit):
            result = run_cli(["show", "--format", "json", str(source)])
        seconds, peak = time.perf_counter() - start, 0
    assert "Traceback" not in result.stderr
    assert result.code in (0, 2), result.stderr
    return json.loads(result.stdout), seconds, peak


def _codes(document: dict[str, object]) -> list[str]:
    codes = [p["code"] for p in document["problems"]]  # type: ignore[index]
    for series in document["series"]:  # type: ignore[attr-defined]
        codes += [p["code"] for p in series["problems"]]
        for patch in series["patches"]:
            codes += [p["code"] for p in patch["problems"]]
    return codes


def test_nesting_within_the_limit_is_read(tmp_path: Path) -> None:
    document, _, _ = _show(tmp_path, _nested(5), 5.0)
    (patch,) = document["series"][0]["patches"]  # type: ignore[index]
    assert patch["files"][0]["path"] == "xen/a.c"


def test_multipart_nested_a_thousand_deep_is_bounded_and_recorded(tmp_path: Path) -> None:
    document, seconds, _ = _show(tmp_path, _nested(1000), 10.0)
    assert seconds < 5.0
    assert document["series"] == []
    assert "not-a-patch" in _codes(document)  # the text 1,000 parts down is not read


def test_message_rfc822_nested_a_thousand_deep(tmp_path: Path) -> None:
    text = HEAD + "Content-Type: message/rfc822\n\n" * 1000 + "Content-Type: text/plain\n\n" + PATCH
    document, seconds, _ = _show(tmp_path, text, 10.0)
    assert seconds < 3.0
    assert document["series"] == []


def test_a_huge_base64_part_is_decoded_in_bounded_memory(tmp_path: Path) -> None:
    filler = "".join(f"+int filler_{i};\n" for i in range(200_000))  # about 3.5 MB
    diff = (
        "diff --git a/xen/big.c b/xen/big.c\nnew file mode 100644\n--- /dev/null\n"
        f"+++ b/xen/big.c\n@@ -0,0 +1,{200_000} @@\n{filler}"
    )
    body = f"A change.\n\nSigned-off-by: {ALICE}\n---\n{diff}"
    encoded = base64.encodebytes(body.encode()).decode()
    text = HEAD + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
    document, seconds, peak = _show(tmp_path, text + encoded, 20.0, memory=True)
    assert seconds < 10.0
    assert peak < 20 * len(encoded) + 20 * MIB
    # Decoded, then refused by the diff size limit (200,000 lines), recorded on the patch.
    assert "malformed-diff" in _codes(document)


def test_a_huge_base64_attachment_that_is_not_text_is_skipped(tmp_path: Path) -> None:
    blob = base64.encodebytes(bytes(range(256)) * 16_384).decode()  # 4 MB of binary
    text = (
        HEAD
        + 'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\n'
        + PATCH
        + "\n--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
        + blob
        + "--b--\n"
    )
    document, seconds, _ = _show(tmp_path, text, 10.0)
    assert seconds < 5.0
    (patch,) = document["series"][0]["patches"]  # type: ignore[index]
    assert patch["files"][0]["path"] == "xen/a.c"


def test_damaged_base64_is_recorded(tmp_path: Path) -> None:
    encoded = base64.b64encode((PATCH + "\n").encode()).decode().rstrip("=")
    assert len(encoded) % 4  # the padding is missing: binascii refuses it
    text = HEAD + "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n" + encoded
    document, _, _ = _show(tmp_path, text, 5.0)
    assert "bad-base64" in _codes(document)


def test_ten_thousand_parts(tmp_path: Path) -> None:
    parts = "".join(f"--b\nContent-Type: text/plain\n\npart {i}\n" for i in range(10_000))
    text = HEAD + 'Content-Type: multipart/mixed; boundary="b"\n\n' + parts + "--b--\n"
    _, seconds, _ = _show(tmp_path, text, 10.0)
    assert seconds < 5.0


def test_a_boundary_that_never_comes(tmp_path: Path) -> None:
    text = HEAD + 'Content-Type: multipart/mixed; boundary="never"\n\n' + PATCH
    document, _, _ = _show(tmp_path, text, 5.0)
    (patch,) = document["series"][0]["patches"]  # type: ignore[index]
    assert patch["files"][0]["path"] == "xen/a.c"  # read as text
