"""Decoding one message: headers, authors, MIME, transfer encodings, charsets."""

from __future__ import annotations

import base64
import time
from email.utils import getaddresses
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xenreview.ingest.mail import (
    _first_headers,
    _header_message,
    _parse_head,
    decode_words,
    has_header_block,
    is_bare_diff,
    parse_mail,
    parse_people,
    unflow,
)
from xenreview.ingest.model import Mail, Person, RawMail, Severity
from xenreview.ingest.sources import iter_source
from xenreview.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "mail"
SETTINGS = Settings()
ALICE = Person("Alice Example", "alice@example.org")


def mail_of(name: str, settings: Settings = SETTINGS) -> Mail:
    (raw,) = iter_source(str(FIXTURES / name), settings)
    return parse_mail(raw, settings)


def mail_from(data: bytes, settings: Settings = SETTINGS, where: str = "") -> Mail:
    return parse_mail(RawMail(data, "test.eml", where), settings)


def codes(mail: Mail) -> list[str]:
    return [problem.code for problem in mail.problems]


# --------------------------------------------------------------------------
# Headers


def test_plain_patch_mail() -> None:
    mail = mail_of("single.eml")
    message = mail.message
    assert message.message_id == "20240108100000.2-alice@example.org"
    assert message.in_reply_to == "20240108100000.0-alice@example.org"
    assert message.references == (
        "20240108100000.0-alice@example.org",
        "20240108100000.1-alice@example.org",
    )
    assert message.author == ALICE
    assert message.author_recovered is False
    assert message.date == "Mon, 8 Jan 2024 10:00:00 +0000"
    assert message.timestamp == 1704708000.0
    assert message.subject.title == "xen/arm: check the system state before parking CPUs"
    assert (message.subject.version, message.subject.counter, message.subject.total) == ("2", 2, 3)
    assert message.to == (Person("", "xen-devel@lists.xenproject.org"),)
    assert message.cc == (
        Person("Bob Reviewer", "bob@example.org"),
        Person("Carol Maintainer", "carol@example.org"),
    )
    assert message.source == str(FIXTURES / "single.eml")
    assert message.where == ""
    assert mail.text.startswith("Parking the secondary CPUs")
    assert "\n+    if ( system_state != SYS_STATE_suspend )\n" in mail.text
    assert mail.problems == ()


def test_source_and_where_are_copied_to_message_and_problems() -> None:
    (raw,) = list(iter_source(str(FIXTURES / "mboxrd.mbox"), SETTINGS))[1:2]
    mail = parse_mail(
        RawMail(raw.data.replace(b"Message-ID", b"X-Id"), raw.source, raw.where), SETTINGS
    )
    assert (mail.message.source, mail.message.where) == (raw.source, "message 2 (line 14)")
    assert [(p.source, p.where) for p in mail.problems] == [(raw.source, "message 2 (line 14)")]


def test_missing_message_id_is_synthesised_deterministically() -> None:
    mail = mail_of("no-message-id.eml")
    assert codes(mail) == ["missing-message-id"]
    assert mail.message.message_id.startswith("xenreview-")
    assert mail.message.message_id.endswith("@invalid")
    assert len(mail.message.message_id) == len("xenreview-") + 16 + len("@invalid")
    assert mail_of("no-message-id.eml").message.message_id == mail.message.message_id
    data = (FIXTURES / "no-message-id.eml").read_bytes()
    other = mail_from(data.replace(b"no id", b"no id either"))
    assert other.message.message_id != mail.message.message_id


def test_ids_with_comments_and_junk() -> None:
    mail = mail_from(
        b"From: a@example.org\nMessage-ID:   <one@example.org>  \n"
        b"In-Reply-To: <two@example.org> (Alice's message of Monday)\n"
        b"References: <r1@example.org>\n\t<r2@example.org> <r3@example.org>\n\nx\n"
    )
    assert mail.message.message_id == "one@example.org"
    assert mail.message.in_reply_to == "two@example.org"
    assert mail.message.references == ("r1@example.org", "r2@example.org", "r3@example.org")


def test_unparsable_and_zone_less_dates() -> None:
    bad = mail_from(b"From: a@example.org\nDate: the day after tomorrow\n\nx\n")
    assert (bad.message.date, bad.message.timestamp) == ("the day after tomorrow", None)
    none = mail_from(b"From: a@example.org\n\nx\n")
    assert (none.message.date, none.message.timestamp) == (None, None)
    # "-0000" (no zone information) is read as UTC, whatever the local zone.
    zoneless = mail_from(b"From: a@example.org\nDate: Mon, 8 Jan 2024 10:00:00 -0000\n\nx\n")
    assert zoneless.message.timestamp == 1704708000.0


def test_encoded_words_in_from_and_a_folded_subject() -> None:
    mail = mail_of("latin1.eml")
    assert mail.message.author == Person("José Example", "jose@example.org")
    assert mail.message.subject.title == "xen/arm: résumé path"
    folded = mail_from(
        b"From: a@example.org\nSubject: [PATCH v3 1/4] xen/arm: a title that\n"
        b" =?utf-8?q?continues_caf=C3=A9?=\n =?utf-8?q?_au_lait?=\n\nx\n"
    )
    assert folded.message.subject.title == "xen/arm: a title that continues café au lait"
    assert folded.message.subject.version == "3"


def test_raw_8bit_utf8_in_headers() -> None:
    mail = mail_from("From: José Example <jose@example.org>\nSubject: café\n\nx\n".encode())
    assert mail.message.author == Person("José Example", "jose@example.org")
    assert mail.message.subject.title == "café"


# --------------------------------------------------------------------------
# Recipients


def test_ten_thousand_recipients_are_cut_to_the_limit_quickly() -> None:
    to = ",\n ".join(f'"User {i}" <user{i}@example.org>' for i in range(6000))
    cc = ",\n ".join(f"user{i}@example.org" for i in range(6000, 10000))
    data = f"From: {ALICE}\nTo: {to}\nCc: {cc}\nSubject: x\nMessage-ID: <big@x>\n\nbody\n"
    started = time.perf_counter()
    mail = mail_from(data.encode())
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0
    assert len(mail.message.to) == 1000
    assert mail.message.cc == ()
    assert mail.message.to[999] == Person("User 999", "user999@example.org")
    assert codes(mail) == ["too-many-recipients"]
    assert "10000" in mail.problems[0].message
    wide = mail_from(data.encode(), Settings(max_recipients=7000))
    assert len(wide.message.to) == 6000
    assert len(wide.message.cc) == 1000
    assert wide.message.cc[0] == Person("", "user6000@example.org")
    everyone = mail_from(data.encode(), Settings(max_recipients=20000))
    assert len(everyone.message.to) + len(everyone.message.cc) == 10000
    assert everyone.problems == ()


@pytest.mark.parametrize(
    "value",
    [
        "Al (comment) <a@example.org>",
        "team: a@example.org, b@example.org;",
        "undisclosed-recipients:;",
        '"Example, Alice" <a@example.org>, <b@example.org>',
        'Alice  "the" Example <a@example.org>',
        "a@example.org,, b@example.org",
    ],
)
def test_unusual_address_lists_agree_with_the_standard_library(value: str) -> None:
    expected = [Person(name, email) for name, email in getaddresses([value]) if name or email]
    assert parse_people(value) == expected


_NAME = st.text(alphabet="abcXYZ .'-", max_size=12)
_LOCAL = st.text(alphabet="abcxyz0123.+-_", min_size=1, max_size=8)


@given(
    st.lists(
        st.tuples(_NAME, _LOCAL, st.sampled_from(["plain", "quoted", "bare", "angle"])),
        min_size=1,
        max_size=6,
    )
)
def test_address_lists_agree_with_the_standard_library(
    items: list[tuple[str, str, str]],
) -> None:
    rendered = []
    for name, local, style in items:
        address = f"{local}@example.org"
        if style == "plain" and name.strip(" .'-"):
            rendered.append(f"{name} <{address}>")
        elif style == "quoted":
            rendered.append(f'"{name}" <{address}>')
        elif style == "angle":
            rendered.append(f"<{address}>")
        else:
            rendered.append(address)
    value = ",\n ".join(rendered).replace("\n", "")
    expected = [Person(name, email) for name, email in getaddresses([value]) if name or email]
    assert parse_people(value) == expected


# Header blocks of every shape: the quick reader of the usual ones must read
# each as the email package does, and leave the others to it.
_HEADER_LINES = st.sampled_from(
    [
        b"From: Alice Example <alice@example.org>",
        b"Subject: [PATCH v2 1/3] xen/arm: x",
        b"subject: again, lower case",
        b"Message-ID: <1@example.org>",
        b"X-Empty:",
        b"X-Blanks:  \t ",
        b"X-Tab:\tvalue",
        b" continued",
        b"\tcontinued",
        b"  ",
        b"From alice@example.org Mon Jan  8 10:00:00 2024",
        b":no name",
        b"No colon here",
        b"Bad Name: x",
        b"X-8bit: caf\xc3\xa9",
        b"caf\xc3\xa9: x",
        b"H\xc3\xa4llo",
        b"x\rY: z",
        b"",
    ]
)


@given(
    st.lists(_HEADER_LINES, max_size=10),
    st.sampled_from([b"\n", b"\r\n"]),
    st.sampled_from([b"", b"\n", b"\nbody\n", b"\r\nbody\r\n", b"tail"]),
)
def test_header_blocks_are_read_as_the_email_package_reads_them(
    lines: list[bytes], eol: bytes, rest: bytes
) -> None:
    data = eol.join(lines) + rest
    message, body = _header_message(data)
    fields, _, got_body = _parse_head(data)
    assert (fields, got_body) == (_first_headers(message), body)


@pytest.mark.parametrize(
    "data",
    [
        b"From a@example.org Mon Jan  8 10:00:00 2024\nSubject: x\n\nbody\n",  # the envelope
        b"Subject: x\nFrom a@example.org Mon Jan  8 10:00:00 2024\n\nbody\n",  # body, then
        b"Subject: x\nFrom a@example.org Mon Jan  8 10:00:00 2024\nTo: y\n\nbody\n",  # dropped
        b"Subject: x\nFrom a@example.org Mon Jan  8 10:00:00 2024",
    ],
)
def test_from_lines_in_a_header_block(data: bytes) -> None:
    message, body = _header_message(data)
    fields, _, got_body = _parse_head(data)
    assert (fields, got_body) == (_first_headers(message), body)


def test_the_usual_header_block_is_read_without_the_email_package() -> None:
    data = b"From: A <a@example.org>\nSubject: x\n y\nsubject: z\nX-E:\n\nbody\n"
    fields, message, body = _parse_head(data)
    assert message is None  # read by the quick reader
    assert fields == {"from": "A <a@example.org>", "subject": "x\n y", "x-e": ""}
    assert body == b"body\n"
    assert _parse_head(data.replace(b"\n", b"\r\n"))[1] is not None  # CRLF: the email package


def test_a_header_block_ended_by_an_8bit_line_is_body_not_a_crash() -> None:
    mail = mail_from(b"From: A <a@example.org>\nSubject: [PATCH] x\nH\xc3\xa4llo\n\nbody\n")
    assert mail.message.subject.title == "x"
    assert mail.text.endswith("llo\n\nbody\n")


# --------------------------------------------------------------------------
# Authors: Mailman rewrites and in-body headers


def test_mailman_rewrite_recovered_from_x_original_from() -> None:
    mail = mail_of("via-original-from.eml")
    assert mail.message.author == ALICE
    assert mail.message.author_recovered is True
    assert mail.problems == ()


def test_mailman_rewrite_recovered_from_reply_to() -> None:
    mail = mail_of("via-reply-to.eml")
    assert mail.message.author == ALICE
    assert mail.message.author_recovered is True
    assert mail.problems == ()


def test_mailman_rewrite_not_recoverable() -> None:
    mail = mail_of("via-nothing.eml")
    assert mail.message.author == Person("Alice Example", "xen-devel@lists.xenproject.org")
    assert mail.message.author_recovered is True  # From was a rewrite (the name is undone)
    assert codes(mail) == ["author-not-recovered"]


def test_only_the_last_via_is_the_lists() -> None:
    data = (FIXTURES / "via-nothing.eml").read_bytes()
    mail = mail_from(data.replace(b'"Alice Example via', b'"Alice via Bob via'))
    assert mail.message.author.name == "Alice via Bob"


def test_via_in_a_name_with_a_real_address_is_not_a_rewrite() -> None:
    mail = mail_from(b"From: Alice via Bob <alice@example.org>\nMessage-ID: <v@x>\n\nx\n")
    assert mail.message.author == Person("Alice via Bob", "alice@example.org")
    assert mail.message.author_recovered is False


def test_mailman_rewrite_through_a_list_post_address() -> None:
    mail = mail_from(
        b'From: "Alice Example via Other-list" <other@lists.example.org>\n'
        b"List-Post: <mailto:other@lists.example.org>\n"
        b"Reply-To: other@lists.example.org, Alice Example <alice@example.org>\n"
        b"Message-ID: <v@x>\n\nx\n"
    )
    assert mail.message.author == ALICE
    assert mail.message.author_recovered is True


def test_in_body_headers_override_and_are_removed() -> None:
    mail = mail_of("in-body-from.eml")
    assert mail.message.author == ALICE
    assert mail.message.subject.title == (
        "xen/arm: written by Alice, with a title folded over two lines"
    )
    assert mail.message.subject.counter == 3
    assert mail.message.date == "Sun, 7 Jan 2024 09:00:00 +0100"
    assert mail.message.timestamp == 1704614400.0
    assert mail.text.startswith("Parking the secondary CPUs")
    assert "From: Alice" not in mail.text


def test_in_body_headers_must_end_with_a_blank_line() -> None:
    body = b"From: Alice Example <alice@example.org>\nand then prose at once.\n"
    mail = mail_from(b"From: Bob <bob@example.org>\nMessage-ID: <i@x>\n\n" + body)
    assert mail.message.author == Person("Bob", "bob@example.org")
    assert mail.text == body.decode()


def test_in_body_from_fixes_an_unrecoverable_rewrite() -> None:
    data = (
        (FIXTURES / "via-nothing.eml")
        .read_bytes()
        .replace(b"\n\nBody.", b"\n\nFrom: Alice Example <alice@example.org>\n\nBody.")
    )
    mail = mail_from(data)
    assert mail.message.author == ALICE
    assert mail.problems == ()
    assert mail.text == "Body.\n"


# --------------------------------------------------------------------------
# Bodies: transfer encodings, charsets, line ends


def test_quoted_printable() -> None:
    mail = mail_of("qp.eml")
    assert mail.text == (
        "José wrote a very long line that the mailer had to wrap with a soft break.\n+    x = 1;\n"
    )


def test_base64() -> None:
    mail = mail_of("base64.eml")
    assert mail.text.startswith("Café in the body.\n\ndiff --git a/xen/arch/arm/suspend.c")
    assert mail.problems == ()


def test_damaged_base64_is_decoded_as_far_as_possible() -> None:
    encoded = base64.b64encode(b"hello world, patch here").decode()[:-3]
    mail = mail_from(
        b"From: a@example.org\nMessage-ID: <b@x>\nContent-Transfer-Encoding: base64\n\n"
        + encoded.encode()
        + b"\n"
    )
    assert mail.text.startswith("hello world")
    assert codes(mail) == ["bad-base64"]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("latin1.eml", "Résumé of the change.\n"),
        ("windows1252.eml", "“Quoted” costs 5 €.\n"),
    ],
)
def test_declared_charsets(name: str, text: str) -> None:
    mail = mail_of(name)
    assert mail.text == text
    assert mail.problems == ()


def test_unknown_charset_falls_back_to_utf8_then_latin1() -> None:
    mail = mail_of("unknown-charset.eml")
    assert mail.text == "naïve\n"
    assert codes(mail) == ["unknown-charset"]
    assert "x-made-up" in mail.problems[0].message
    latin = mail_from(
        b"From: a@example.org\nMessage-ID: <c@x>\nContent-Type: text/plain; charset=base64\n\n"
        b"na\xefve\n"
    )
    assert latin.text == "naïve\n"
    assert codes(latin) == ["unknown-charset"]


def test_undecodable_bytes_are_replaced_and_reported() -> None:
    mail = mail_of("undecodable.eml")
    assert mail.text == "Good line.\nBad \ufffd\ufffd byte.\n"
    assert codes(mail) == ["undecodable-bytes"]
    assert "utf-8" in mail.problems[0].message


def test_crlf_becomes_lf() -> None:
    mail = mail_of("crlf.eml")
    assert "\r" not in mail.text
    assert mail.text.startswith("Parking the secondary CPUs while no host suspend is in progress")
    assert mail.message.cc == (Person("Bob Reviewer", "bob@example.org"),)
    assert mail.message.subject.title == "xen/arm: sent with CRLF"


def test_format_flowed_is_undone_and_reported() -> None:
    mail = mail_of("flowed.eml")
    assert mail.text == (
        "> This quoted paragraph was wrapped by the mailer.\n"
        "\n"
        "My reply is also wrapped here.\n"
        " Stuffed line.\n"
        "-- \n"
        "Bob\n"
    )
    assert codes(mail) == ["format-flowed"]
    assert mail.problems[0].severity is Severity.WARNING


def test_unflow_with_and_without_delsp() -> None:
    text = "one \ntwo\n>> deep \n>> quote\n> other\n"
    assert unflow(text, delsp=False) == "one two\n>> deep quote\n> other\n"
    assert unflow(text, delsp=True) == "onetwo\n>> deepquote\n> other\n"


# --------------------------------------------------------------------------
# MIME trees


def test_nested_multipart_with_patch_attachments() -> None:
    mail = mail_of("nested-multipart.eml")
    diff = (FIXTURES / "bare.diff").read_text()
    assert mail.text == "The plain text part.\n" + diff + diff
    assert "HTML" not in mail.text
    assert "PGP" not in mail.text
    assert mail.problems == ()


def test_html_only_body_is_stripped_and_noted() -> None:
    mail = mail_of("html-only.eml")
    assert mail.text == "Looks good & applies.\n\nThanks\n"
    assert codes(mail) == ["html-only"]


def test_no_text_part_is_reported() -> None:
    mail = mail_of("attachment-only.eml")
    assert mail.text == ""
    assert codes(mail) == ["no-text-body"]


def _nested(depth: int) -> bytes:
    head = (
        b"From: a@example.org\nMessage-ID: <deep@x>\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="b0"\n\n'
        b"--b0\nContent-Type: text/plain\n\nshallow\n"
    )
    opening = b"".join(
        b'--b%d\nContent-Type: multipart/mixed; boundary="b%d"\n\n' % (level, level + 1)
        for level in range(depth)
    )
    inner = b"--b%d\nContent-Type: text/plain\n\ndeep\n--b%d--\n" % (depth, depth)
    closing = b"".join(b"--b%d--\n" % level for level in reversed(range(depth)))
    return head + opening + inner + closing


def test_mime_deeper_than_the_limit_is_ignored() -> None:
    shallow = mail_from(_nested(15))
    assert "deep" in shallow.text.split()
    assert shallow.problems == ()
    deep = mail_from(_nested(25))
    assert deep.text.split() == ["shallow"]
    assert codes(deep) == ["mime-too-deep"]


def test_absurdly_deep_mime_does_not_crash() -> None:
    mail = mail_from(_nested(2000))
    assert "mime-too-deep" in codes(mail)


# --------------------------------------------------------------------------
# Bare diffs and odd inputs


@pytest.mark.parametrize(
    ("name", "title"),
    [("bare.diff", "bare"), ("0005-xen-arm-foo.patch", "0005-xen-arm-foo")],
)
def test_bare_diff(name: str, title: str) -> None:
    mail = mail_of(name)
    assert mail.message.subject.title == title
    assert mail.message.author == Person("", "")
    assert mail.message.message_id.endswith("@invalid")
    assert codes(mail) == ["bare-diff"]
    assert mail.problems[0].severity is Severity.NOTE
    assert mail.text == (FIXTURES / "bare.diff").read_text()


def test_headerless_git_patch_is_a_bare_diff() -> None:
    mail = mail_of("git-headerless.patch")
    assert mail.message.subject.title == "git-headerless"
    assert mail.text == (FIXTURES / "bare.diff").read_text()
    assert codes(mail) == ["bare-diff"]


def test_bare_diff_title_from_a_directory_member() -> None:
    raw = RawMail((FIXTURES / "bare.diff").read_bytes(), "/tmp/series", "0003-xen-fix.patch")
    assert parse_mail(raw, SETTINGS).message.subject.title == "0003-xen-fix"
    stdin = RawMail((FIXTURES / "bare.diff").read_bytes(), "<stdin>", "")
    assert parse_mail(stdin, SETTINGS).message.subject.title == ""


GIT_FROM = b"From " + b"a" * 40 + b" Mon Sep 17 00:00:00 2001\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"diff --git a/x b/x\n", True),
        (b"\n\nIndex: xen/common/sched.c\n=====\n", True),
        (b"--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n", True),
        (b"diff -urN a/x b/x\n", True),
        (GIT_FROM + b"diff --git a/x b/x\n", True),
        (GIT_FROM + b"Subject: x\n\ndiff --git a/x b/x\n", False),
        (b"--- a/x.c\nnot a diff\n", False),
        (b"From: a@example.org\n\ndiff --git a/x b/x\n", False),
        (b"Shopping list\n", False),
        (b"", False),
    ],
)
def test_is_bare_diff(data: bytes, expected: bool) -> None:
    assert is_bare_diff(data) is expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"From: a@example.org\n\nx\n", True),
        (b"From x@y Mon Jan  8 10:00:00 2024\nReceived: by x\nSubject: y\n\n", True),
        (b"X-Custom: 1\nX-Other:\n  folded\nmessage-id: <a@b>\n\n", True),
        (b"Note: only a note\n\nbody\n", False),
        (b"Shopping list\n", False),
        (b" indented: no\nFrom: a@b\n", False),
    ],
)
def test_has_header_block(data: bytes, expected: bool) -> None:
    assert has_header_block(data) is expected


def test_a_message_with_no_headers_says_so() -> None:
    mail = mail_from(b"just some words\n")
    assert set(codes(mail)) == {"no-headers", "missing-message-id", "missing-from"}
    assert mail.text == "just some words\n"


def test_empty_message_is_not_silently_empty() -> None:
    mail = mail_from(b"From: a@example.org\nMessage-ID: <e@x>\n\n")
    assert codes(mail) == ["no-text-body"]


def test_quoted_encoded_word_names_are_decoded() -> None:
    people = parse_people(
        '"=?utf-8?q?Jos=C3=A9?=" <jose@example.org>, =?utf-8?q?Ren=C3=A9?= <r@x.org>'
    )
    assert people == [Person("José", "jose@example.org"), Person("René", "r@x.org")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # a character split over two words, then a word in another charset
        ("=?utf-8?q?Caf=C3?= =?utf-8?q?=A9_au?=  =?iso-8859-1?q?_lait=E9?=", "Café au laité"),
        ("plain \\u1234 =?utf-8?q?na=C3=AFve?=", "plain \\u1234 naïve"),
        ("=?UTF-8*en?B?Q2Fmw6k=?= and =?utf-8?b?Q2Fmw6k?=", "Café and Café"),
        ("=?x-unknown?q?abc?= text", "abc text"),
        ("not =? an encoded word", "not =? an encoded word"),
        ("a =?utf-8?q?b?=\n c", "a b c"),
    ],
)
def test_decode_words(value: str, expected: str) -> None:
    assert decode_words(value) == expected
