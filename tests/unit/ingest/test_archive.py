"""Recovering a patch and its review from mangled web-archive copies.

The seed (a real xen-devel review as saved from the list archive) is read
from the shared seeds folder when it is there; our own fixtures in
``fixtures/archive/`` follow the same mangling pattern with invented patches.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xenreview.diff.model import Diff, LineKind
from xenreview.errors import InputError
from xenreview.ingest.archive import (
    _BLANK_LINE,
    Recovered,
    _has_header_block,
    _text_lines,
    looks_like_archive,
    recover,
)
from xenreview.ingest.model import Patch, RawMail

FIXTURES = Path(__file__).parent / "fixtures" / "archive"
SEEDS = Path(__file__).parents[3] / ".." / "shared" / "seeds"
SEED = SEEDS / "000_0e5a8554135a6e84.txt"

ARCHIVE_FIXTURES = ("gic_save_restore.txt", "vtimer_two_files.txt", "psci_orphan_hunk.txt")
# Text of the archive page around the message: must never reach the patch.
PAGE_NOISE = (
    "Date Prev",
    "Thread Index",
    "Xen-devel mailing list",
    "RackSpace",
    "listinfo",
    "Prev in Thread",
    "Current Thread",
    "____",
)


def _read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _recover(data: bytes, source: str = "page.txt", where: str = "") -> Recovered:
    return recover(RawMail(data=data, source=source, where=where))


def _seed() -> bytes:
    if not SEED.is_file():
        pytest.skip(f"the shared seeds folder is not here ({SEEDS})")
    return SEED.read_bytes()


def _everything_said(patch: Patch) -> str:
    """All the text recovered into the patch: body, notes, diff and comments."""
    parts = [patch.body, patch.notes, patch.diff.text()]
    for comment in patch.review_comments:
        parts.append(comment.text)
        parts.extend(q.text for q in comment.quoted)
    return "\n".join(parts)


def _assert_diff_numbers(diff: Diff) -> None:
    """Every ``diff_no`` points at its own line in the rebuilt diff text."""
    text = diff.lines()
    for f in diff.files:
        for hunk in f.hunks:
            assert text[hunk.header_diff_no - 1] == hunk.header
            for line in hunk.lines:
                assert text[line.diff_no - 1] == line.kind.value + line.value


# -- the seed ------------------------------------------------------------------------


def test_seed_is_recognised_as_an_archive_copy() -> None:
    assert looks_like_archive(_seed())


def test_seed_subject_author_and_date() -> None:
    patch = _recover(_seed(), source=str(SEED)).patch
    assert patch.reconstructed
    assert (patch.number, patch.total) == (5, 18)
    assert patch.subject.title == "xen/arm: Trigger Xen suspend when Dom0 completes suspend"
    assert patch.subject.raw == "[PATCH 05/18] " + patch.subject.title
    assert not patch.subject.is_reply
    assert patch.author.name == "Mirela Simonovic"
    assert patch.author.email == "mirela.simonovic@xxxxxxxxxx"  # kept as written
    assert patch.message.date == "11/12/18 11:30 AM"
    assert patch.message.timestamp is None  # month and day order is unknown
    assert patch.message.source == str(SEED)
    assert "author e-mail (obfuscated by the archive)" in patch.missing


def test_seed_message_id_is_synthesised_deterministically() -> None:
    data = _seed()
    first, second = _recover(data).patch, _recover(data).patch
    digest = hashlib.sha1(data).hexdigest()[:16]
    assert first.message_id == f"archive-{digest}@xenreview.invalid"
    assert first == second
    assert any(item.startswith("message-id") for item in first.missing)


def test_seed_body_trailers_and_notes() -> None:
    patch = _recover(_seed()).patch
    assert patch.body.startswith("When Dom0 finalizes its suspend procedure")
    assert patch.body.endswith("purposes and function prototype compatibility.")
    assert "Signed-off-by" not in patch.body
    assert [(t.name, t.person.name if t.person else None) for t in patch.trailers] == [
        ("Signed-off-by", "Mirela Simonovic"),
        ("Signed-off-by", "Saeed Nowshadi"),
    ]
    assert all(t.origin is None for t in patch.trailers)
    # The diffstat, with the archive's extra space taken off as git writes it.
    assert patch.notes.splitlines() == [
        " xen/arch/arm/suspend.c | 34 ++++++++++++++++++++++++++++++++++",
        " 1 file changed, 34 insertions(+)",
    ]


def test_seed_diff_files_and_hunks() -> None:
    patch = _recover(_seed()).patch
    (f,) = patch.diff.files
    assert f.path == "xen/arch/arm/suspend.c"
    assert (f.index_source, f.index_target) == ("f2338e41db", "21b45f8248")
    first, second = f.hunks
    assert (first.source_start, first.source_length) == (112, 11)
    assert (first.target_start, first.target_length) == (112, 20)
    assert (second.source_start, second.source_length) == (156, 6)
    assert (second.target_start, second.target_length) == (165, 31)
    # The cut header is kept verbatim; its section is what survived of it.
    assert first.header == (
        "@@ -112,11 +112,20 @@ static void vcpu_suspend(register_t epoint, register_t "
    )
    assert first.section == "static void vcpu_suspend(register_t epoint, register_t"
    assert second.section == "int32_t domain_suspend(register_t epoint, register_t cid)"
    assert "hunk 1 header (cut)" in patch.missing
    assert "hunk 2 header (cut)" not in patch.missing
    assert (first.added, first.removed, second.added, second.removed) == (5, 0, 24, 0)
    assert any(item.startswith("lines lost in the archive copy") for item in patch.missing)
    assert any(item.startswith("exact line numbers") for item in patch.missing)
    _assert_diff_numbers(patch.diff)


def test_seed_context_lines_lose_the_archive_shift() -> None:
    first = _recover(_seed()).patch.diff.files[0].hunks[0]
    context = [
        (line.value, line.source_no, line.target_no)
        for line in first.lines
        if line.kind is LineKind.CONTEXT
    ]
    assert context[0] == ("    _arch_set_info_guest(v, &ctxt);", 112, 112)
    assert context[1] == ("int32_t domain_suspend(register_t epoint, register_t cid)", 113, 117)
    assert context[2][0] == "    struct vcpu *v;"
    # Added lines are kept exactly as found, odd indentation included.
    second = _recover(_seed()).patch.diff.files[0].hunks[1]
    assert second.lines[0].value.startswith(" /* If this was dom0")
    assert second.lines[-1].value == "    }"
    assert second.lines[-1].target_no == 165 + 23


def test_seed_review_comment() -> None:
    patch = _recover(_seed()).patch
    (comment,) = patch.review_comments
    assert "the host may resume because of an event targeting a guest" in comment.text
    assert comment.text.startswith("After discussing we Stefano today")
    assert comment.text.endswith("when the PV frontend probe the backend?")
    assert comment.author is not None and comment.author.name == "Julien Grall"
    assert "Julien Grall" not in comment.text
    assert comment.message_id is not None and comment.message_id != patch.message_id
    assert [q.text for q in comment.quoted][-1] == "+    }"
    assert all(q.path == "xen/arch/arm/suspend.c" for q in comment.quoted)
    assert comment.quoted[-1].target_no == 165 + 23


def test_seed_page_text_stays_out() -> None:
    patch = _recover(_seed()).patch
    said = _everything_said(patch)
    for noise in PAGE_NOISE:
        assert noise not in said
    assert "Hi Mirela" not in said
    assert "wrote:" not in said


# -- our own archive fixtures ----------------------------------------------------------

# name -> (counter, total, version, title, author, files with hunk starts, comments, reviewer)
EXPECTED = {
    "gic_save_restore.txt": (
        2,
        7,
        "3",
        "xen/arm: gic: save and restore GICD state",
        "Alice Example <alice@xxxxxxxxxxx>",
        {"xen/arch/arm/gic-v2.c": [(88, 6, 88, 14), (1290, 6, 1298, 36)]},
        3,
        "Bob Reviewer",
    ),
    "vtimer_two_files.txt": (
        3,
        4,
        "2",
        "xen/arm: vtimer: stop the guest timers before suspend",
        "Frank Example <frank@xxxxxxxxxxx>",
        {
            "xen/arch/arm/vtimer.c": [(310, 7, 310, 23)],
            "xen/include/asm-arm/vtimer.h": [(27, 6, 27, 8)],
        },
        2,
        "Carol Example",
    ),
    "psci_orphan_hunk.txt": (
        1,
        1,
        "1",
        "xen/arm: psci: reject SYSTEM_SUSPEND from a guest other than dom0",
        "Grace Example <grace@xxxxxxxxxxx>",
        {"xen/arch/arm/vpsci.c": [(190, 6, 190, 11)]},
        1,
        "Henry",
    ),
}


@pytest.mark.parametrize("name", ARCHIVE_FIXTURES)
def test_fixture_is_recognised(name: str) -> None:
    assert looks_like_archive(_read(name))


@pytest.mark.parametrize("name", ARCHIVE_FIXTURES)
def test_fixture_recovers_as_expected(name: str) -> None:
    counter, total, version, title, author, files, comments, reviewer = EXPECTED[name]
    recovered = _recover(_read(name), source=name)
    patch = recovered.patch
    assert patch.reconstructed
    assert (patch.number, patch.total, patch.subject.version) == (counter, total, version)
    assert patch.subject.title == title
    assert str(patch.author) == author
    got = {
        f.path: [
            (h.source_start, h.source_length, h.target_start, h.target_length) for h in f.hunks
        ]
        for f in patch.diff.files
    }
    assert got == files
    assert len(patch.review_comments) == comments
    assert {c.author.name if c.author else None for c in patch.review_comments} == {reviewer}
    assert recovered.problems == patch.problems
    assert all(p.source == name for p in recovered.problems)
    _assert_diff_numbers(patch.diff)
    said = _everything_said(patch)
    for noise in PAGE_NOISE:
        assert noise not in said


def test_gic_inline_comments_sit_under_their_quoted_lines() -> None:
    patch = _recover(_read("gic_save_restore.txt")).patch
    first, second, third = patch.review_comments
    assert first.text.startswith("Who allocates those arrays?")
    assert [q.text for q in first.quoted] == [
        " static inline void writeb_gicd(uint8_t val, unsigned int offset)",
        " {",
        "     writeb_relaxed(val, GICD + offset);",
    ]
    assert [(q.source_no, q.target_no) for q in first.quoted] == [(90, 97), (91, 98), (92, 99)]
    assert second.text.startswith("The ICFGR registers are not saved")
    assert second.quoted[-1].text == "+    }"
    assert third.text.endswith("and enabled again afterwards?")
    assert third.quoted[-1].text == "+}"
    assert "Bob Reviewer" not in third.text
    # The comments split the quote but not the hunks: hunk 2 goes on after them.
    hunk = patch.diff.files[0].hunks[1]
    assert [line.value for line in hunk.lines[-3:]] == [
        "    for ( i = 0; i < DIV_ROUND_UP(gicv2_info.nr_lines, 32); i++ )",
        "        writel_gicd(gicd_ctx.isenabler[i], GICD_ISENABLER + i * 4);",
        "}",
    ]
    assert "[...]" not in _everything_said(patch)
    assert "the quoted lines the reviewer cut ([...])" in patch.missing
    assert "hunk 2 header (cut)" in patch.missing
    assert "hunk 1 header (cut)" not in patch.missing
    assert {p.code for p in patch.problems} >= {"hunk-header-cut", "lines-lost"}


def test_vtimer_page_fields_name_the_reviewer_and_the_reply() -> None:
    patch = _recover(_read("vtimer_two_files.txt")).patch
    comment = patch.review_comments[0]
    assert comment.author is not None
    assert (comment.author.name, comment.author.email) == ("Carol Example", "carol@xxxxxxxxxxx")
    assert comment.message_id == "20250311091244.GA1234@carol.example.org"
    assert comment.date == "Tue, 11 Mar 2025 09:12:44 +0000"
    (reviewed,) = patch.followup_trailers
    assert reviewed.name == "Reviewed-by"
    assert reviewed.origin == "20250311091244.GA1234@carol.example.org"
    assert reviewed.person is not None and reviewed.person.name == "Carol Example"
    # The in-body From: names the author, not the sender of the attribution.
    assert patch.author.name == "Frank Example"
    assert patch.message.date == "Mon, 10 Mar 2025"
    assert not patch.body.startswith("From:")


def test_vtimer_removed_lines_notes_and_bullets() -> None:
    patch = _recover(_read("vtimer_two_files.txt")).patch
    source, header = patch.diff.files
    removed = [line for line in source.hunks[0].lines if line.kind is LineKind.REMOVED]
    assert [(line.value, line.source_no) for line in removed] == [
        ("/* TODO: save the timers on suspend */", 312)
    ]
    # A reviewer's "- point" list after the quote is prose, not removed lines.
    assert header.removed == 0
    last = patch.review_comments[-1]
    assert "- please keep the prototypes in the order of the definitions" in last.text
    assert last.quoted[-1].text == " #endif"
    assert last.quoted[-1].path == "xen/include/asm-arm/vtimer.h"
    assert "Cheers" not in last.text and "Carol\n" not in last.text
    assert patch.notes.startswith("Changes in v2:\n- also stop the physical timer\n")
    assert " xen/include/asm-arm/vtimer.h |  2 ++" in patch.notes.splitlines()
    assert not any("'---'" in item for item in patch.missing)
    assert any("xen/include/asm-arm/vtimer.h hunk 1" in item for item in patch.missing)


def test_psci_hunk_without_file_header_takes_the_diffstat_path() -> None:
    patch = _recover(_read("psci_orphan_hunk.txt")).patch
    (f,) = patch.diff.files
    assert f.path == "xen/arch/arm/vpsci.c"
    assert f.header == ()
    assert any(item.startswith("file header of xen/arch/arm/vpsci.c") for item in patch.missing)
    last = f.hunks[0].lines[-1]
    assert (last.kind, last.value) == (LineKind.CONTEXT, "}")
    assert any("context marker of 1 line" in item for item in patch.missing)
    assert "date" in patch.missing  # "Name wrote:" gives no date
    (comment,) = patch.review_comments
    assert comment.text == "Why the warning? A guest that probes the call would fill the console."
    assert comment.author is not None and comment.author.name == "Henry"


# -- robustness to the archive's other habits ------------------------------------------------


def test_crlf_and_no_break_spaces_change_nothing() -> None:
    data = _read("gic_save_restore.txt")
    plain = _recover(data).patch
    crlf = _recover(data.replace(b"\n", b"\r\n")).patch
    nbsp = _recover(re.sub(rb"(?m)^  ", "\u00a0\u00a0".encode(), data)).patch
    for other in (crlf, nbsp):
        assert other.diff == plain.diff
        assert other.body == plain.body
        assert [c.text for c in other.review_comments] == [c.text for c in plain.review_comments]


def test_without_a_diffstat_the_shift_is_guessed_from_indentation() -> None:
    data = _read("gic_save_restore.txt")
    kept = [
        line for line in data.split(b"\n") if b"| 38 " not in line and b"1 file changed" not in line
    ]
    guessed = _recover(b"\n".join(kept)).patch
    measured = _recover(data).patch
    assert guessed.diff == measured.diff
    assert any("guessed from the four-space indentation" in item for item in guessed.missing)
    assert any("measured from the diffstat" in item for item in measured.missing)


def test_undecodable_bytes_are_replaced_and_reported() -> None:
    data = _read("gic_save_restore.txt").replace(b"GIC distributor", b"GIC distrib\xffutor")
    recovered = _recover(data)
    assert "distrib\ufffdutor" in recovered.patch.body
    assert "undecodable-bytes" in {p.code for p in recovered.problems}


def test_where_is_carried_into_problems() -> None:
    recovered = _recover(_read("gic_save_restore.txt"), source="box.mbox", where="message 3")
    cut = next(p for p in recovered.problems if p.code == "hunk-header-cut")
    assert cut.source == "box.mbox"
    assert cut.where == "message 3, line 41"
    assert recovered.patch.message.where == "message 3"


# -- what is not an archive copy ----------------------------------------------------------------


def test_a_page_without_navigation_whose_heading_tops_the_fields_is_an_archive_copy() -> None:
    data = _read("vtimer_two_files.txt")
    lines = data.split(b"\n")
    assert lines[0].startswith(b"[Date Prev]") and lines[3] == b""
    trimmed = b"\n".join(lines[2:3] + lines[4:])  # "Re: [...]" then "To: ..." at the top
    assert looks_like_archive(trimmed)
    patch = _recover(trimmed).patch
    assert patch.subject.counter == 3
    assert patch.review_comments[0].author == _recover(data).patch.review_comments[0].author


def test_a_mail_is_not_an_archive_copy() -> None:
    data = _read("plain_mail.eml")
    assert not looks_like_archive(data)
    assert not looks_like_archive(b"From alice@example.org Tue Mar  4 10:15:00 2025\n" + data)


def test_a_bare_patch_is_not_an_archive_copy() -> None:
    text = (
        "diff --git a/xen/common/domain.c b/xen/common/domain.c\n"
        "--- a/xen/common/domain.c\n+++ b/xen/common/domain.c\n"
        "@@ -1,3 +1,4 @@\n int a;\n+int b;\n int c;\n"
    )
    assert not looks_like_archive(text.encode())
    assert not looks_like_archive(b"")


def test_a_page_without_a_patch_is_an_input_error_naming_the_source() -> None:
    data = _read("cover_no_patch.txt")
    assert looks_like_archive(data)
    with pytest.raises(InputError) as info:
        _recover(data, source="cover_no_patch.txt", where="message 2")
    assert info.value.source == "cover_no_patch.txt"
    assert info.value.where == "message 2"
    assert "cover_no_patch.txt" in str(info.value)
    assert "no quoted patch" in str(info.value)


def test_empty_input_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no quoted patch"):
        _recover(b"", source="<stdin>")


# -- any text --------------------------------------------------------------------------------------

_SOUP = st.sampled_from(
    [
        "",
        " ",
        "[Date Prev][Date Next][Thread Index]",
        "Re: [Xen-devel] [PATCH v2 1/3] xen/arm: x",
        "From: Bob <bob@xxxxxxx>",
        "Message-id: <x@y>",
        "On 1/2/03 1:00 PM, Alice Example wrote:",
        "Alice wrote:",
        "Hi Alice,",
        "From: Alice <alice@xxxxxxx>",
        "Signed-off-by: Alice <alice@xxxxxxx>",
        "Reviewed-by: Bob <bob@xxxxxxx>",
        "---",
        "  a/b.c | 3 ++-",
        "  1 file changed, 2 insertions(+)",
        "diff --git a/b.c b/b.c",
        "diff --git a/b.c",
        "index 0123abcd..4567ef01 100644",
        "similarity index 99%",
        "rename from x",
        "Binary files a/x and b/x differ",
        "--- a/b.c",
        "+++ b/b.c",
        "--- /dev/null",
        "@@ -1,3 +1,4 @@ int f(int a, ",
        "@@ -1 +1 @@",
        "@@ -7",
        "@@ -999999999,999999999 +0,0 @@",
        "+    x = 1;",
        "+",
        "-    y = 2;",
        "- a point",
        "      z();",
        "}",
        "\\ No newline at end of file",
        "[...]",
        "Why this?",
        "-- ",
        "Cheers,",
        "Bob Reviewer",
        "Xen-devel mailing list",
        "\u00a0\u00a0w();",
        "\ufeff",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_SOUP, st.text(max_size=30)), max_size=40))
def test_any_text_recovers_or_is_an_input_error(lines: list[str]) -> None:
    data = "\n".join(lines).encode("utf-8", errors="surrogatepass")
    looks_like_archive(data)
    try:
        recovered = _recover(data)
    except InputError as error:
        assert error.source == "page.txt"
        return
    patch = recovered.patch
    assert patch.reconstructed and patch.diff.files
    _assert_diff_numbers(patch.diff)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_recover_or_are_an_input_error(data: bytes) -> None:
    looks_like_archive(data)
    try:
        recovered = _recover(data)
    except InputError as error:
        assert error.source == "page.txt"
        return
    assert recovered.patch.reconstructed


# looks_like_archive reads a mail's header block alone first: the lines it
# decodes up to the first blank line are the first lines of the whole, and a
# block found complete among them is one in the whole text.
_HEAD_SOUP = st.sampled_from(
    [
        b"From: Alice Example <alice@example.org>",
        b"Subject: [PATCH] x",
        b"Date: Mon, 8 Jan 2024 10:00:00 +0000",
        b"X-Other: y",
        b"  folded",
        b"Re: [Xen-devel] [PATCH 05/18] xen/arm: x",
        b"[Date Prev][Date Next][Thread Prev][Thread Next]",
        b"On 11/12/18, Alice Example wrote:",
        b"diff --git a/x b/x",
        b"caf\xc3\xa9 \xc3",
        b"\xc2\xa0",
        b"\xef\xbb\xbfFrom: x@example.org",
        b"\r",
        b" ",
        b"",
    ]
)


@given(st.lists(_HEAD_SOUP, max_size=20), st.sampled_from([b"\n", b"\r\n"]))
def test_the_header_prefix_is_the_first_lines_of_the_whole(lines: list[bytes], eol: bytes) -> None:
    data = eol.join(lines)
    blank = _BLANK_LINE.search(data)
    if blank is None:
        return
    head = _text_lines(data[: blank.end()].decode("utf-8", errors="replace"))
    whole = _text_lines(data.decode("utf-8", errors="replace"))
    assert head[-1] == ""
    assert head[:-1] == whole[: len(head) - 1]


@given(st.lists(st.sampled_from(["From: a@example.org", "X-Y: z", " z", "Subject: s", "", "w"])))
def test_a_header_block_complete_in_part_is_one_in_the_whole(lines: list[str]) -> None:
    for cut in range(len(lines) + 1):
        if _has_header_block(lines[:cut], whole=False):
            assert _has_header_block(lines)
    assert _has_header_block(lines, whole=False) <= _has_header_block(lines)


def test_a_mail_whose_body_reads_like_an_archive_page_is_a_mail() -> None:
    page = _read("vtimer_two_files.txt")
    assert looks_like_archive(page)
    assert not looks_like_archive(b"From: Alice <alice@example.org>\nSubject: x\n\n" + page)
    # a header-like first line, then the page: still a page
    assert looks_like_archive(b"Hello: x\n" + page) == looks_like_archive(page)
