"""Follow-up replies: collected trailers and review comments tied to the diff."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from xenreview.diff.model import Diff, FileDiff, FileStatus, Hunk, Line, LineKind
from xenreview.ingest.body import split_patch_body
from xenreview.ingest.followup import parse_followup
from xenreview.ingest.model import Mail, Message, Person
from xenreview.ingest.subject import parse_subject

FIXTURES = Path(__file__).parent / "fixtures" / "grammar"
BOB = Person("Bob Example", "bob@example.org")
MID = "<reply-1@example.org>"
HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)")


def mini_diff(text: str) -> Diff:
    """A small, strict unified-diff reader for the tests (git-style files only)."""
    files: list[FileDiff] = []
    lines = text.rstrip("\n").split("\n")
    i = 0
    while i < len(lines):
        assert lines[i].startswith("diff --git "), lines[i]
        header = [lines[i]]
        i += 1
        while not lines[i].startswith("@@"):
            header.append(lines[i])
            i += 1
        path = header[-1][len("+++ b/") :]
        hunks: list[Hunk] = []
        while i < len(lines) and lines[i].startswith("@@"):
            m = HUNK.fullmatch(lines[i])
            assert m is not None
            src, tgt = int(m.group(1)), int(m.group(3))
            src_len, tgt_len = int(m.group(2) or 1), int(m.group(4) or 1)
            head_no = i + 1
            head = lines[i]
            i += 1
            body: list[Line] = []
            s, t = src, tgt
            while i < len(lines) and lines[i][:1] in ("+", "-", " "):
                kind = LineKind(lines[i][0])
                value = lines[i][1:]
                sn = s if kind is not LineKind.ADDED else None
                tn = t if kind is not LineKind.REMOVED else None
                body.append(Line(kind, value, sn, tn, i + 1))
                s += kind is not LineKind.ADDED
                t += kind is not LineKind.REMOVED
                i += 1
            assert (s - src, t - tgt) == (src_len, tgt_len), head
            hunks.append(Hunk(src, src_len, tgt, tgt_len, m.group(5), head, tuple(body), head_no))
        files.append(
            FileDiff(
                path,
                path,
                FileStatus.MODIFIED,
                None,
                None,
                None,
                None,
                False,
                None,
                tuple(hunks),
                tuple(header),
            )
        )
    return Diff(files=tuple(files))


def make_mail(text: str, message_id: str = MID) -> Mail:
    message = Message(
        message_id=message_id,
        in_reply_to="<patch-1@example.org>",
        references=("<patch-1@example.org>",),
        author=BOB,
        author_recovered=False,
        date="Mon, 3 Feb 2025 11:00:00 +0000",
        timestamp=None,
        subject=parse_subject("Re: [PATCH v2 1/2] xen/arm: freeze domains on suspend"),
    )
    return Mail(message=message, text=text)


def patch_diff() -> Diff:
    parts = split_patch_body((FIXTURES / "followup_patch.txt").read_text())
    diff = mini_diff(parts.diff_text)
    assert diff.text() == parts.diff_text  # the test's own reader is faithful
    return diff


def reply() -> Mail:
    return make_mail((FIXTURES / "followup_reply.txt").read_text())


def test_trailers_are_collected_from_own_text_only() -> None:
    trailers, _ = parse_followup(reply(), patch_diff())
    assert [(t.name, t.person, t.scope) for t in trailers] == [
        ("Reviewed-by", BOB, None),
        ("Acked-by", BOB, "arm"),
    ]
    assert all(t.origin == MID for t in trailers)
    assert trailers[0].line == "Reviewed-by: Bob Example <bob@example.org>"


def test_comments_and_their_quotes() -> None:
    _, comments = parse_followup(reply(), patch_diff())
    texts = [c.text for c in comments]
    # The greeting, the collected trailers and the closing are no comments.
    assert texts == [
        "Please say why the order matters.",
        "What if freezing fails half way? The domains frozen so far stay paused.",
        "Fine.",
        "Style nit: blank line after the continue is not needed here.",
        "With the above addressed:",
    ]
    assert all(c.author == BOB and c.message_id == MID for c in comments)
    assert comments[0].date == "Mon, 3 Feb 2025 11:00:00 +0000"

    # Quoted commit message: kept, not tied to the diff.
    q = comments[0].quoted
    assert q[0].text.startswith("Freeze all domains") and q[-1].text.startswith("Signed-off-by")
    assert all(line.path is None for line in q)


def test_quoted_diff_lines_are_tied_to_the_diff() -> None:
    _, comments = parse_followup(reply(), patch_diff())
    mapped = [(q.text, q.path, q.source_no, q.target_no) for q in comments[1].quoted]
    suspend = "xen/arch/arm/suspend.c"
    assert mapped[0] == ("---", None, None, None)
    assert mapped[2][1] == suspend  # diff --git
    assert mapped[4:] == [
        ("--- a/xen/arch/arm/suspend.c", suspend, None, None),
        ("+++ b/xen/arch/arm/suspend.c", suspend, None, None),
        ("@@ -20,7 +20,11 @@ static int host_suspend(void)", suspend, 20, 20),
        (" {", suspend, 20, 20),
        ("     int rc;", suspend, 21, 21),
        (" ", suspend, 22, 22),
        ("-    rc = save_gic_state();", suspend, 23, None),
        ("+    rc = freeze_domains();", suspend, None, 23),
        ("+    if ( rc )", suspend, None, 24),
        ("+        return rc;", suspend, None, 25),
    ]


def test_trimmed_quotes_and_nested_quotes() -> None:
    _, comments = parse_followup(reply(), patch_diff())
    fine = comments[2]
    got = [(q.text, q.path, q.target_no) for q in fine.quoted]
    suspend = "xen/arch/arm/suspend.c"
    assert got == [
        ("+", suspend, 26),
        ("+    rc = save_gic_state();", suspend, 27),
        ("     if ( rc )", suspend, 28),
        ("         return rc;", suspend, 29),
        ("+    thaw_domains();", suspend, 65),  # after a "[...]" snip, in the next hunk
        ("Bob suggested this in v1.", None, None),  # "> >": an older reply
        ("Indeed.", None, None),
    ]
    nit = comments[3]
    assert [(q.path, q.target_no) for q in nit.quoted] == [
        ("xen/common/domain.c", 103),
        ("xen/common/domain.c", 104),
    ]
    # A quoted trailer is someone else's: kept as a quote, not collected.
    assert [q.text for q in comments[4].quoted] == ["Reviewed-by: Someone Else <else@example.org>"]


def test_without_a_diff_nothing_is_tied() -> None:
    trailers, comments = parse_followup(reply(), None)
    assert len(trailers) == 2
    assert len(comments) == 5
    assert all(q.path is None and q.target_no is None for c in comments for q in c.quoted)


def test_mailer_quoting_without_space_and_lost_blank_lines() -> None:
    text = (
        "On Mon, Alice Example\n"
        "wrote:\n"
        ">@@ -100,6 +100,9 @@ int freeze_domains(void)\n"
        ">     struct domain *d;\n"
        ">\n"
        ">     for_each_domain ( d )\n"
        ">+        if ( d->is_dying )\n"
        "\n"
        "Why?\n"
    )
    _, comments = parse_followup(make_mail(text), patch_diff())
    assert len(comments) == 1 and comments[0].text == "Why?"
    got = [(q.path, q.source_no, q.target_no) for q in comments[0].quoted]
    assert got == [
        ("xen/common/domain.c", 100, 100),
        # ">     struct" lost the diff's context space: found loosely, in the hunk
        ("xen/common/domain.c", 100, 100),
        ("xen/common/domain.c", 101, 101),
        ("xen/common/domain.c", 102, 102),
        ("xen/common/domain.c", None, 103),
    ]


def test_top_posting_and_original_message() -> None:
    text = (
        "Acked-by: Bob Example <bob@example.org>\n"
        "\n"
        "-----Original Message-----\n"
        "From: Alice Example\n"
        "Reviewed-by: Not Mine <x@example.org>\n"
    )
    trailers, comments = parse_followup(make_mail(text), None)
    assert [t.name for t in trailers] == ["Acked-by"]
    assert comments == ()  # an ack alone is a trailer, not a review comment


def test_mailman_footer_is_dropped() -> None:
    text = (
        "> +foo\n\nOk.\n\n"
        "_______________________________________________\n"
        "Xen-devel mailing list\nReviewed-by: Footer <f@example.org>\n"
    )
    trailers, comments = parse_followup(make_mail(text), None)
    assert trailers == () and [c.text for c in comments] == ["Ok."]


def test_trailer_without_address_is_not_collected() -> None:
    trailers, _ = parse_followup(make_mail("Reviewed-by: Bob\nAcked-by: me\n"), None)
    assert trailers == ()


def test_out_of_order_unique_line_is_still_found() -> None:
    text = "> +    thaw_domains();\n\nA.\n\n> +        if ( d->is_dying )\n\nB.\n"
    text += "> -    rc = save_gic_state();\n\nC.\n"
    _, comments = parse_followup(make_mail(text), patch_diff())
    assert [c.quoted[0].target_no or c.quoted[0].source_no for c in comments] == [65, 103, 23]


@settings(max_examples=100)
@given(st.text())
def test_never_raises(text: str) -> None:
    trailers, comments = parse_followup(make_mail(text), patch_diff())
    assert all(t.origin == MID for t in trailers)
    assert all(c.text == c.text.strip("\n") and c.text for c in comments)


@settings(max_examples=100)
@given(
    st.lists(
        st.sampled_from(
            [
                "> +",
                "> -",
                ">  ",
                "> @@ -20,7 +20,11 @@",
                "> > x",
                ">",
                "",
                "ok",
                "-- ",
                "> diff --git a/x b/x",
                "> +++ b/xen/common/domain.c",
                "Reviewed-by: A <a@b.org>",
                "> +    thaw_domains();",
                "[...]",
                "On x, y wrote:",
            ]
        ),
        max_size=40,
    ).map("\n".join)
)
def test_never_raises_on_reply_shapes(text: str) -> None:
    parse_followup(make_mail(text), patch_diff())
