"""The inline review reply: goldens, threading, quoting, wrapping, header safety, mbox.

Regenerate the goldens (``patches/*/expected.review.email``) with
``python -m pytest tests/unit/report_reply --update-golden`` and review the diff.
"""

from __future__ import annotations

import email
import email.header
import email.policy
import mailbox
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.reviews import BUNDLED, PATCHES, bundled_review
from xenreview.errors import UsageError
from xenreview.ingest.model import Patch, Person, Severity
from xenreview.maintainers import bundled_maintainers
from xenreview.pipeline import Review
from xenreview.report.reply import (
    FROM_PLACEHOLDER,
    LIST_ADDRESS,
    build_replies,
    build_reply,
    date_from_environ,
    render_reply,
    reply_mbox,
    reply_message,
)
from xenreview.rules.api import Finding, Location

# The golden date: what ``SOURCE_DATE_EPOCH=1775044800`` asks for (2026-04-01 12:00 UTC).
EPOCH = "1775044800"
DATE = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
V1 = "xen-arm-suspend-v1"
P5_ID = "20260310120000.05.suspend-v1@example.org"
P5_LINE = "> +        status = continue_hypercall_on_cpu(0, system_suspend, NULL);"


def _v1() -> Review:
    return bundled_review(V1)


def _body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content


def _reparse(message: EmailMessage) -> EmailMessage:
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _addresses(message: EmailMessage, name: str) -> list[str]:
    header = message[name]
    if header is None:
        return []
    return [a.addr_spec for a in header.addresses]


def _is_quote(line: str) -> bool:
    return line == ">" or line.startswith("> ")


def _patch(review: Review, number: int) -> Patch:
    return next(p for p in review.series[0].series.patches if p.number == number)


def _with_patch(review: Review, patch: Patch) -> Review:
    item = review.series[0]
    patches = tuple(patch if p.number == patch.number else p for p in item.series.patches)
    series = replace(item.series, patches=patches)
    return replace(review, series=(replace(item, series=series), *review.series[1:]))


def _with_findings(review: Review, findings: tuple[Finding, ...]) -> Review:
    item = review.series[0]
    return replace(review, series=(replace(item, findings=findings), *review.series[1:]))


def _finding(
    code: str,
    message: str,
    *,
    patch: int | None = 5,
    path: str | None = None,
    line: int | None = None,
    excerpt: str | None = None,
    severity: Severity = Severity.WARNING,
    suppressed: str | None = None,
    fix: str | None = None,
) -> Finding:
    review = _v1()
    msgid = _patch(review, patch).message_id if patch is not None else None
    return Finding(
        code=code,
        name="test-rule",
        severity=severity,
        message=message,
        location=Location(patch=patch, total=18, message_id=msgid, path=path, line=line),
        fingerprint=f"{code}-{line}",
        excerpt=excerpt,
        suppressed=suppressed,
        fix=fix,
    )


# -- goldens ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BUNDLED)
def test_golden_mbox(name: str, update_golden: bool) -> None:
    data = reply_mbox(bundled_review(name), date=date_from_environ({"SOURCE_DATE_EPOCH": EPOCH}))
    golden = PATCHES / name / "expected.review.email"
    if update_golden:
        golden.write_bytes(data)
    assert golden.is_file(), f"missing golden file {golden}: run with --update-golden"
    assert data == golden.read_bytes()


def test_goldens_cover_both_outcomes() -> None:
    """Some bundled series have findings (a non-empty mbox), some have none (empty)."""
    sizes = {name: len(reply_mbox(bundled_review(name), date=DATE)) for name in BUNDLED}
    assert sizes[V1] > 0
    assert any(size == 0 for size in sizes.values())


def test_same_date_same_bytes_and_text_matches() -> None:
    first = reply_mbox(_v1(), date=DATE)
    assert first == reply_mbox(_v1(), date=DATE)
    assert render_reply(_v1(), date=DATE) == first.decode("utf-8")


def test_without_date_the_headers_are_real() -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    one, two = reply_message(_v1(), 5), reply_message(_v1(), 5)
    assert one["Message-ID"] != two["Message-ID"]
    assert before <= one["Date"].datetime <= datetime.now(UTC) + timedelta(seconds=5)


def test_literal_message_id_and_template() -> None:
    assert reply_message(_v1(), 5, date=DATE, message_id="<r1@example.org>")["Message-ID"] == (
        "<r1@example.org>"
    )
    ids = [r.message["Message-ID"] for r in build_replies(_v1(), message_id="<r@example.org>")]
    assert ids == ["<r.0.3@example.org>", "<r.0.5@example.org>"]
    templated = build_replies(_v1(), message_id="<x-{series}-{patch}@example.org>")
    assert [r.message["Message-ID"] for r in templated][1] == "<x-0-5@example.org>"


def test_date_from_environ() -> None:
    assert date_from_environ({}) is None
    assert date_from_environ({"SOURCE_DATE_EPOCH": EPOCH}) == DATE
    with pytest.raises(UsageError) as caught:
        date_from_environ({"SOURCE_DATE_EPOCH": "yesterday"})
    assert caught.value.source == "SOURCE_DATE_EPOCH"


# -- the v1 reply to patch 5 --------------------------------------------------------------


def test_v1_patch5_threading_and_subject() -> None:
    message = reply_message(_v1(), 5, date=DATE)
    assert message["Subject"] == (
        "Re: [PATCH 05/18] xen/arm: Trigger Xen suspend when Dom0 completes suspend"
    )
    assert message["In-Reply-To"] == f"<{P5_ID}>"
    references = str(message["References"]).split()
    assert references == ["<20260310120000.00.suspend-v1@example.org>", f"<{P5_ID}>"]
    assert _addresses(message, "To") == ["mira@example.org"]
    assert str(message["From"]) == FROM_PLACEHOLDER
    assert message["Content-Type"].content_type == "text/plain"
    assert message["Content-Type"].params["charset"] == "utf-8"
    assert message["Content-Transfer-Encoding"] == "8bit"
    assert message["MIME-Version"] == "1.0"
    assert message["Date"].datetime == DATE


def test_v1_patch5_cc_list_and_arm_maintainers() -> None:
    cc = [a.casefold() for a in _addresses(reply_message(_v1(), 5, date=DATE), "Cc")]
    maintainers = bundled_maintainers()
    arm: list[str] = []
    for name in ("ARM ARCHITECTURE", "ARM SUSPEND TO RAM"):
        entry = maintainers.entry(name)
        assert entry is not None
        arm += [p.email for p in entry.maintainers]
    assert len(arm) == 3
    assert cc[0] == LIST_ADDRESS
    for address in arm:
        assert address in cc
    assert "mira@example.org" not in cc  # the author is in To, not twice
    assert len(cc) == len(set(cc))


def test_cc_comes_from_the_ack_table_without_the_original_cc() -> None:
    """Stripped of its own To/Cc, the patch still gets the maintainer who must ack."""
    review = _v1()
    patch = _patch(review, 5)
    bare = replace(patch, message=replace(patch.message, to=(), cc=()))
    cc = _addresses(reply_message(_with_patch(review, bare), 5, date=DATE), "Cc")
    assert cc == [LIST_ADDRESS, "dora@example.org"]
    stripped = _with_patch(review, bare)
    lone = replace(stripped, series=(replace(stripped.series[0], acks=None),))
    assert _addresses(reply_message(lone, 5, date=DATE), "Cc") == [LIST_ADDRESS]


def test_cc_dedupes_case_insensitively_and_drops_the_sender() -> None:
    review = _v1()
    patch = _patch(review, 5)
    shouting = replace(
        patch,
        message=replace(
            patch.message,
            cc=(
                Person("DORA", "DORA@EXAMPLE.ORG"),
                Person("Mira again", "MIRA@example.org"),
                Person("Me", "me@example.org"),
            ),
        ),
    )
    message = reply_message(
        _with_patch(review, shouting), 5, date=DATE, from_address="Me Reviewer <me@example.org>"
    )
    assert _addresses(message, "Cc") == [LIST_ADDRESS, "dora@example.org"]
    assert _addresses(message, "From") == ["me@example.org"]
    assert _body(message).rstrip().endswith("Thanks,\nMe Reviewer")


def test_v1_patch5_comment_under_the_line() -> None:
    lines = _body(reply_message(_v1(), 5, date=DATE)).split("\n")
    assert lines[0] == "On Tue, 10 Mar 2026 12:00:05 +0000, Mira Example wrote:"
    at = lines.index(P5_LINE)
    assert lines[at + 1] == ""
    assert lines[at + 2].startswith("This needs fixing [ARM001]: ")
    # The file and hunk headers are quoted above it, so the reader sees where.
    above = lines[:at]
    assert "> diff --git a/xen/arch/arm/suspend.c b/xen/arch/arm/suspend.c" in above
    assert "> +++ b/xen/arch/arm/suspend.c" in above
    assert any(line.startswith("> @@ -125,6 +140,23 @@") for line in above)
    # Every finding on the line comes under it, then quoting continues.
    rest = lines[at:]
    codes = [c for c in ("[ARM001]", "[ARM002]", "[MOD002]") if any(c in x for x in rest)]
    assert codes == ["[ARM001]", "[ARM002]", "[MOD002]"]
    next_quote = next(i for i, line in enumerate(rest[1:], 1) if _is_quote(line))
    assert rest[next_quote - 1] == ""
    assert rest[next_quote] == "> +        /*"


def test_v1_patch5_quotes_only_commented_hunks() -> None:
    body = _body(reply_message(_v1(), 5, date=DATE))
    assert "> +#include <xen/domain.h>" not in body  # hunk 1 has no comment
    assert "> +static long system_suspend(void *data)" not in body
    assert "[...]" in body
    patch = _patch(_v1(), 5)
    diff_lines = set(patch.diff.lines())
    for line in body.split("\n"):
        if line.startswith("> ") and not line.startswith("> Subject: "):
            assert line[2:] in diff_lines, line  # verbatim, never reflowed


def test_model_counterexample_is_a_numbered_list() -> None:
    body = _body(reply_message(_v1(), 5, date=DATE))
    arm001 = body[body.index("[ARM001]") : body.index("[ARM002]")]
    assert "\n  1. guest1: SYSTEM_SUSPEND (virtual PSCI): parked in SHUTDOWN_suspend\n" in arm001
    assert "\n  6. Xen (resume tasklet): resumes guest1, at xen/arch/arm/suspend.c:52\n" in arm001
    assert "\nOutcome: host active;" in arm001


def test_repeated_traces_refer_back() -> None:
    body = _body(reply_message(_v1(), 3, date=DATE))
    assert body.count("  1. guest1: SYSTEM_SUSPEND") == 1
    assert "The steps under [MOD001] above, then:" in body
    assert "  8. guest1: sends a block request" in body
    assert "Steps 1-6 of those under [MOD001] above." in body


def test_long_hunk_is_trimmed_around_the_comments() -> None:
    patch = _patch(_v1(), 3)
    body = _body(reply_message(_v1(), 3, date=DATE))
    quoted = [line for line in body.split("\n") if line.startswith("> +")]
    suspend = next(f for f in patch.diff.files if f.path == "xen/arch/arm/suspend.c")
    assert len(suspend.hunks[0].lines) > 100
    assert len(quoted) < 40
    assert "> +    resume_suspended_domain(d);" in body
    assert "> +    if ( domain_shutdown(d, SHUTDOWN_suspend) )" in body


def test_severity_in_words_with_the_code() -> None:
    body = _body(reply_message(_v1(), 3, date=DATE))
    assert "This needs fixing [MOD001]: " in body
    assert "This is worth a second look [MOD010]: " in body
    assert "error" not in body.split("\n")[0]
    assert "`xenreview explain MOD001`" in body


# -- layout: wrapping, whitespace ------------------------------------------------------


def _all_replies() -> list[EmailMessage]:
    return [r.message for name in BUNDLED for r in build_replies(bundled_review(name), date=DATE)]


def test_prose_is_wrapped_at_72_and_clean() -> None:
    replies = _all_replies()
    assert len(replies) >= 5
    for message in replies:
        for line in _body(message).split("\n"):
            if _is_quote(line):
                continue
            assert len(line) <= 72, line
            assert line == line.rstrip(), line
            assert "\t" not in line


def test_tabs_stay_in_quoted_code_and_controls_show() -> None:
    review = _v1()
    patch = _patch(review, 5)
    f = patch.diff.files[0]
    hunk = f.hunks[3]
    target = next(i for i, x in enumerate(hunk.lines) if "continue_hypercall_on_cpu" in x.value)
    odd = replace(hunk.lines[target], value="\tstatus = x;\x00\u202e // \x1b[31m")
    lines = (*hunk.lines[:target], odd, *hunk.lines[target + 1 :])
    hunks = (*f.hunks[:3], replace(hunk, lines=lines))
    diff = replace(patch.diff, files=(replace(f, hunks=hunks),))
    body = _body(reply_message(_with_patch(review, replace(patch, diff=diff)), 5, date=DATE))
    assert "> +\tstatus = x;<U+0000><U+202E> // <U+001B>[31m" in body.split("\n")
    assert "\x00" not in body and "\u202e" not in body and "\x1b" not in body


def test_long_quoted_line_switches_to_quoted_printable() -> None:
    review = _v1()
    patch = _patch(review, 5)
    f = patch.diff.files[0]
    hunk = f.hunks[3]
    target = next(i for i, x in enumerate(hunk.lines) if "continue_hypercall_on_cpu" in x.value)
    long_value = "    status = f(" + "é" * 1200 + ");"
    odd = replace(hunk.lines[target], value=long_value)
    lines = (*hunk.lines[:target], odd, *hunk.lines[target + 1 :])
    diff = replace(
        patch.diff, files=(replace(f, hunks=(*f.hunks[:3], replace(hunk, lines=lines))),)
    )
    message = reply_message(_with_patch(review, replace(patch, diff=diff)), 5, date=DATE)
    assert message["Content-Transfer-Encoding"] == "quoted-printable"
    assert max(len(x) for x in message.as_bytes().split(b"\n")) <= 78
    assert f"> +{long_value}" in _body(_reparse(message)).split("\n")


# -- where comments go ------------------------------------------------------------------


def test_commit_message_comment_under_its_line() -> None:
    patch = _patch(_v1(), 5)
    body_line = patch.body.split("\n")[2]
    findings = (
        _finding("MSG999", "Say why here.", excerpt=body_line, severity=Severity.NOTE),
        _finding("MSG998", "Shorten the subject.", excerpt=patch.subject.title),
    )
    body = _body(reply_message(_with_findings(_v1(), findings), 5, date=DATE))
    lines = body.split("\n")
    assert lines[1] == f"> Subject: {patch.subject.raw}"
    assert lines[3].startswith("This is worth a second look [MSG998]: Shorten")
    at = lines.index(f"> {body_line}")
    assert lines[at + 2] == "Minor [MSG999]: Say why here."
    assert f"> {patch.body.split(chr(10))[0]}" in lines  # short message: quoted whole
    assert "> diff --git" not in body


def test_general_and_outside_the_diff_comments_at_the_top() -> None:
    findings = (
        _finding("SER999", "This patch does not build.", severity=Severity.ERROR),
        _finding("ARM999", "Unrelated.", path="xen/common/domain.c", line=12),
    )
    lines = _body(reply_message(_with_findings(_v1(), findings), 5, date=DATE)).split("\n")
    assert lines[1].startswith("> Subject: [PATCH 05/18]")
    assert lines[3] == "This needs fixing [SER999]: This patch does not build."
    assert " ".join(lines[5:7]) == (
        "This is worth a second look [ARM999] (xen/common/domain.c:12): Unrelated."
    )


def test_file_level_comment_under_the_file_header() -> None:
    findings = (_finding("STY999", "Whole file.", path="xen/arch/arm/suspend.c"),)
    lines = _body(reply_message(_with_findings(_v1(), findings), 5, date=DATE)).split("\n")
    at = lines.index("> +++ b/xen/arch/arm/suspend.c")
    assert lines[at + 2].startswith("This is worth a second look [STY999]")


def test_suggested_fix_is_not_wrapped() -> None:
    fix = "    status = tasklet_schedule_on_cpu(&system_suspend_tasklet, 0); /* long */"
    findings = (
        _finding(
            "ARM998",
            "Use a tasklet.",
            path="xen/arch/arm/suspend.c",
            line=150,
            fix=fix,
        ),
    )
    body = _body(reply_message(_with_findings(_v1(), findings), 5, date=DATE))
    assert "Suggested replacement:\n\n    " + fix + "\n" in body


def test_suppressed_findings_are_not_mentioned() -> None:
    review = _v1()
    findings = tuple(
        replace(f, suppressed="baseline") if f.code == "ARM002" else f
        for f in review.series[0].findings
    )
    body = _body(reply_message(_with_findings(review, findings), 5, date=DATE))
    assert "ARM002" not in body and "[ARM001]" in body
    only_suppressed = tuple(
        replace(f, suppressed="inline") if f.location.patch == 3 else f for f in findings
    )
    replies = build_replies(_with_findings(review, only_suppressed), date=DATE)
    assert [r.patch for r in replies] == [5]


def test_patch_without_findings_still_gets_a_reply() -> None:
    reply = build_reply(_v1(), 7, date=DATE)
    assert reply.findings == ()
    assert "xenreview found nothing to comment on" in _body(reply.message)


def test_cover_letter_takes_series_wide_findings() -> None:
    findings = (_finding("SER998", "The series has no changelog.", patch=None),)
    review = _with_findings(_v1(), findings)
    replies = build_replies(review, date=DATE)
    assert [r.patch for r in replies] == [0]
    message = replies[0].message
    assert message["In-Reply-To"] == "<20260310120000.00.suspend-v1@example.org>"
    assert message["Subject"].startswith("Re: [PATCH 00/18]")
    assert "[SER998]" in _body(message)
    # Without a cover letter they go to the first patch.
    item = review.series[0]
    bare = replace(review, series=(replace(item, series=replace(item.series, cover=None)),))
    assert [r.patch for r in build_replies(bare, date=DATE)] == [1]


def test_re_is_not_stacked() -> None:
    review = _v1()
    patch = _patch(review, 5)
    subject = replace(patch.message.subject, raw="RE: Re:[PATCH 05/18] xen/arm: x")
    stacked = replace(patch, message=replace(patch.message, subject=subject))
    message = reply_message(_with_patch(review, stacked), 5, date=DATE)
    assert message["Subject"] == "Re: [PATCH 05/18] xen/arm: x"


# -- header safety -----------------------------------------------------------------------


EVIL = "\r\nBcc: evil@example.org"


def _hostile() -> Review:
    review = _v1()
    patch = _patch(review, 5)
    subject = replace(patch.message.subject, raw=f"[PATCH 05/18] xen/arm: x{EVIL}\x00\u202e")
    message = replace(
        patch.message,
        subject=subject,
        author=Person(f"Mira{EVIL}", "mira@example.org"),
        date=f"Tue, 10 Mar 2026{EVIL}",
        cc=(
            Person("Ok", "ok@example.org"),
            Person("Bad", f"bad@example.org{EVIL}"),
            Person("Worse", "no-at-sign"),
            Person("Ünïcode Zoë", "zoe@example.org"),
        ),
        references=(f"x@y>{EVIL}", "20260310120000.00.suspend-v1@example.org"),
    )
    return _with_patch(review, replace(patch, message=message))


def test_injection_adds_no_header() -> None:
    reply = build_reply(_hostile(), 5, date=DATE)
    parsed = _reparse(reply.message)
    assert parsed["Bcc"] is None
    names = sorted(k.lower() for k in parsed)
    assert names == sorted(
        [
            "from",
            "to",
            "cc",
            "subject",
            "date",
            "message-id",
            "in-reply-to",
            "references",
            "content-type",
            "content-transfer-encoding",
            "mime-version",
        ]
    )
    every = [a for k in ("From", "To", "Cc") for a in _addresses(parsed, k)]
    assert "evil@example.org" not in every
    assert _addresses(parsed, "To") == ["mira@example.org"]
    assert parsed["Subject"] == "Re: [PATCH 05/18] xen/arm: x  Bcc: evil@example.org"
    raw = reply.message.as_bytes()
    assert b"\nBcc" not in raw and b"\x00" not in raw and b"\r" not in raw
    # The body cannot be reached through the headers either.
    header_block = raw.split(b"\n\n", 1)[0]
    assert all(line[:1] in (b" ", b"\t") or b":" in line for line in header_block.split(b"\n"))


def test_unparseable_addresses_are_dropped_with_a_note() -> None:
    reply = build_reply(_hostile(), 5, date=DATE)
    cc = _addresses(reply.message, "Cc")
    assert "ok@example.org" in cc and "zoe@example.org" in cc
    assert not any("bad" in a or "no-at-sign" in a for a in cc)
    assert any("Bad" in note and "does not parse" in note for note in reply.notes)
    assert any("no-at-sign" in note for note in reply.notes)
    assert any("reference" in note for note in reply.notes)
    assert str(reply.message["References"]).split() == [
        "<20260310120000.00.suspend-v1@example.org>",
        f"<{P5_ID}>",
    ]


def test_author_without_usable_address_gets_the_list_in_to() -> None:
    review = _v1()
    patch = _patch(review, 5)
    nobody = replace(patch, message=replace(patch.message, author=Person("X", "x y@z")))
    reply = build_reply(_with_patch(review, nobody), 5, date=DATE)
    assert _addresses(reply.message, "To") == [LIST_ADDRESS]
    assert LIST_ADDRESS not in _addresses(reply.message, "Cc")
    assert any(note.startswith("author") for note in reply.notes)


def test_non_ascii_names_are_rfc2047_encoded() -> None:
    raw = reply_message(_hostile(), 5, date=DATE).as_bytes()
    header_block = raw.split(b"\n\n", 1)[0]
    assert header_block.isascii()
    assert b"=?utf-8?" in header_block
    parsed = _reparse(reply_message(_hostile(), 5, date=DATE))
    names = [a.display_name for a in parsed["Cc"].addresses]
    assert "Ünïcode Zoë" in names


def test_hostile_attribution_stays_one_line() -> None:
    body = _body(reply_message(_hostile(), 5, date=DATE))
    lines = body.split("\n")
    assert lines[0].startswith("On Tue, 10 Mar 2026  Bcc: evil@example.org, Mira")
    assert lines[1].endswith("wrote:")
    assert "\nBcc:" not in body


def test_bad_message_id_of_the_patch_leaves_out_in_reply_to() -> None:
    review = _v1()
    patch = _patch(review, 5)
    odd = replace(patch, message=replace(patch.message, message_id=f"a@b{EVIL}"))
    findings = tuple(
        replace(f, location=replace(f.location, message_id=None)) for f in review.series[0].findings
    )
    reply = build_reply(_with_findings(_with_patch(review, odd), findings), 5, date=DATE)
    assert reply.message["In-Reply-To"] is None
    assert reply.notes


@pytest.mark.parametrize(
    "sender", ["not an address", "a@b\r\nBcc: evil@example.org", "Ünï <zoë@example.org>"]
)
def test_bad_from_address_is_a_usage_error(sender: str) -> None:
    with pytest.raises(UsageError) as caught:
        reply_message(_v1(), 5, from_address=sender)
    assert caught.value.source == "--from"


def test_round_trip_keeps_to_cc_subject() -> None:
    for review in (_v1(), _hostile()):
        message = reply_message(review, 5, date=DATE, from_address="Zoë R <zr@example.org>")
        parsed = _reparse(message)
        for name in ("To", "Cc", "Subject", "From", "In-Reply-To", "References"):
            assert str(parsed[name]) == str(message[name]), name
        assert _body(parsed) == _body(message)
        # A parser without a policy (compat32) gives the same values once unfolded.
        legacy = email.message_from_bytes(message.as_bytes())
        for name in ("To", "Cc", "Subject"):
            value = str(email.header.make_header(email.header.decode_header(str(legacy[name]))))
            assert " ".join(value.split()) == " ".join(str(message[name]).split()), name


# -- patch and series numbers ----------------------------------------------------------


def test_unknown_patch_is_a_usage_error_with_the_range() -> None:
    with pytest.raises(UsageError) as caught:
        reply_message(_v1(), 19)
    assert caught.value.source == "--patch"
    assert "1-18" in caught.value.message and "0 (the cover letter)" in caught.value.message


def test_unknown_series_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        reply_message(_v1(), 5, series=1)
    assert caught.value.source == "--series"
    assert "0" in caught.value.message


# -- the mbox ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BUNDLED)
def test_mbox_parses_back_one_message_per_patch(name: str, tmp_path: Path) -> None:
    review = bundled_review(name)
    data = reply_mbox(review, date=DATE)
    expected = {
        f.location.message_id
        for item in review.series
        for f in item.findings
        if f.suppressed is None
    }
    path = tmp_path / "replies.mbox"
    path.write_bytes(data)
    box = mailbox.mbox(path)
    try:
        messages = list(box)
    finally:
        box.close()
    assert len(messages) == len(expected)
    assert {str(m["In-Reply-To"]).strip("<>") for m in messages} == expected
    for message in messages:
        assert str(message["Subject"]).startswith("Re: ")
        assert message.get_from().startswith("xenreview@xenreview.invalid ")
    if not expected:
        assert data == b"" and render_reply(review, date=DATE) == ""


def test_mbox_escapes_from_lines() -> None:
    findings = (
        _finding(
            "MOD999",
            "x" * 60 + "\nFrom here on, and\n> not a quote.",
            path="xen/arch/arm/suspend.c",
            line=150,
        ),
    )
    data = reply_mbox(_with_findings(_v1(), findings), date=DATE)
    assert b"\n>From here on, and\n" in data
    assert b"\n > not a quote.\n" in data
    assert data.count(b"\nFrom ") + data.startswith(b"From ") == 1
    assert (
        b"\nFrom here on, and\n"
        in _body(_reparse(reply_message(_with_findings(_v1(), findings), 5, date=DATE))).encode()
    )
