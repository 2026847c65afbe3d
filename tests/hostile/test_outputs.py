"""Markup and control characters in every field that reaches a terminal, HTML or e-mail.

One mail carries them in its subject (RFC 2047), author name, trailers,
commit message, a file name (git-quoted ``\\033``) and a reviewer's reply.
Whatever the output:

- the terminal never receives a control character (an escape sequence could
  recolour, retitle or rewrite the screen; a bidi override reorder it), and
  rich markup (``[bold]``, ``[/]``, ``[link=...]``) stays text;
- the HTML report gains no element, attribute or comment from the input;
- a reply mail gains no header, and reads back as one message;
- JSON keeps every value exactly (escaped the JSON way).
"""

from __future__ import annotations

import email
import json
from email import policy
from pathlib import Path

import pytest

from tests.fuzz.targets import CANARY, _markup, _no_controls
from tests.hostile.conftest import ALICE
from tests.integration.runner import Result, run_cli

ESC = "\x1b[31mred\x1b[0m\x1b]0;owned\x07\u202eevil\x9b2J\x08\r"
MARKUP = "[bold]b[/bold] [/] [link=https://example.org/x]l[/link] <b>h</b> <!--c--> {{ 7*7 }}"
# Through RFC 2047 (Q encoding): the control characters arrive decoded in the header.
SUBJECT_WORD = "=?utf-8?q?xen=3A_=1B[31mred=1B[0m_=E2=80=AE_[bold]b[/bold]_[/]_<b>h</b>?="
AUTHOR_WORD = "=?utf-8?q?Eve_=1B=5D0=3Bpwned=07_=5Bbold=5Dx=5B/=5D?= <eve@example.org>"


def _hostile_mail() -> str:
    path = '"a/xen/\\033[1mbold.c"'
    new_path = '"b/xen/\\033[1mbold.c"'
    patch = (
        f"From: {AUTHOR_WORD}\n"
        f"Subject: [PATCH 1/1] {SUBJECT_WORD}\n"
        "Message-ID: <out-1@example.org>\nDate: Mon, 2 Mar 2026 10:00:00 +0000\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        f"Body {ESC} {MARKUP}\n\n"
        f"Reviewed-by: Mallory {ESC} <mallory@example.org>\n"
        f"Signed-off-by: {ALICE}\n---\n"
        f"diff --git {path} {new_path}\nnew file mode 100644\nindex 0000000..1111111\n"
        f"--- /dev/null\n+++ {new_path}\n@@ -0,0 +1,2 @@\n+int x; /* {ESC} {MARKUP} */\n+\n"
    )
    reply = (
        "From: Bob Example <bob@example.org>\n"
        "Subject: Re: [PATCH 1/1] xen: sample\n"
        "Message-ID: <out-2@example.org>\nIn-Reply-To: <out-1@example.org>\n"
        "References: <out-1@example.org>\nDate: Mon, 2 Mar 2026 11:00:00 +0000\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "On Mon, Alice wrote:\n"
        f"> +int x; /* {ESC} {MARKUP} */\n\n"
        f"Why {ESC} {MARKUP}?\n\n"
        f"Acked-by: Bob {ESC} <bob@example.org>\n"
    )
    sep = "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
    return sep + patch + "\n" + sep + reply


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.mbox"
    path.write_text(_hostile_mail(), encoding="utf-8")
    return path


def _ok(result: Result) -> None:
    assert result.code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_json_keeps_every_value_exactly(source: Path) -> None:
    result = run_cli(["show", "--format", "json", str(source)])
    _ok(result)
    (patch,) = json.loads(result.stdout)["series"][0]["patches"]
    assert "\x1b[31mred" in patch["subject"] and "[bold]b[/bold]" in patch["subject"]
    assert patch["author"]["name"].startswith("Eve \x1b]0;pwned\x07")
    assert patch["files"][0]["path"] == "xen/\x1b[1mbold.c"


def test_show_text_sends_no_control_character(source: Path) -> None:
    result = run_cli(["show", str(source)])
    _ok(result)
    _no_controls(result.stdout, "show")


def test_show_text_keeps_markup_as_text(source: Path) -> None:
    result = run_cli(["show", str(source)])
    _ok(result)
    assert "[bold]" in result.stdout  # shown, not interpreted (nor a MarkupError for "[/]")


def test_review_text_sends_no_control_character(source: Path) -> None:
    result = run_cli(["review", "--no-apply", "--fail-on", "never", str(source)])
    _ok(result)
    _no_controls(result.stdout, "review")


def test_review_text_keeps_markup_as_text(source: Path) -> None:
    result = run_cli(["review", "--no-apply", "--fail-on", "never", str(source)])
    _ok(result)
    assert "[bold]" in result.stdout


def test_html_gains_no_markup_and_no_control_character(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = run_cli(
        ["review", "--no-apply", "--fail-on", "never", "-f", "html", "-o", str(out), str(source)]
    )
    _ok(result)
    page = _markup(out.read_text(encoding="utf-8"))
    assert page.tags.get("b", 0) == 0 and page.tags.get("i", 0) == 0  # from the input
    assert "script" not in page.tags or page.tags["script"] == 1  # the report's own, once
    assert page.other.count("comment") == 0
    _no_controls("".join(page.text), "html")
    assert any("[bold]b[/bold]" in text for text in page.text)  # shown as text


def test_a_reply_mail_gains_no_header(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "replies.mbox"
    result = run_cli(["reply", "--all", "-o", str(out), str(source)])
    _ok(result)
    import mailbox

    box = mailbox.mbox(str(out), create=False)
    assert len(box) >= 1
    for message in box:
        parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
        names = {name.lower() for name in parsed}
        assert names <= {
            "from",
            "to",
            "cc",
            "subject",
            "date",
            "message-id",
            "in-reply-to",
            "references",
            "mime-version",
            "content-type",
            "content-transfer-encoding",
        }, names
        for name in parsed:
            value = str(parsed[name])
            assert "\x1b" not in value and "\n" not in value.strip(), (name, value)
        body = parsed.get_content()
        assert "\x1b" not in body and "\u202e" not in body


def test_the_fuzz_canary_covers_these_characters() -> None:
    """The renderer fuzz targets append CANARY to every field: it must hold the same threats."""
    for threat in ("<xcanary", "\x1b[", "\u202e", "[/]", "\r\nBcc:", "\nFrom "):
        assert threat in CANARY
