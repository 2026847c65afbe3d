"""parse_diff over the fixture zoo: round trip, summaries, hand-checked details."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest

from xenreview.diff.model import EMPTY_DIFF, Diff, FileDiff, FileStatus, Line, LineKind
from xenreview.diff.parse import parse_diff

FIXTURES = Path(__file__).parent / "fixtures"
DIFFS = sorted(FIXTURES.glob("*.diff"))


def read(name: str) -> str:
    # bytes, not read_text(): universal newlines would eat the CRs under test
    return (FIXTURES / name).read_bytes().decode("utf-8")


def one(name: str) -> FileDiff:
    (file,) = parse_diff(read(name)).files
    return file


def test_the_zoo_is_there() -> None:
    assert len(DIFFS) >= 30


# -- round trip and summaries over every fixture ------------------------------


@pytest.mark.parametrize("path", DIFFS, ids=lambda p: p.name)
def test_round_trip(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    diff = parse_diff(text, source=path.name)
    assert diff.text() == text
    assert not any("\n" in line for line in diff.lines())


def summary(diff: Diff) -> str:
    """Everything parse_diff decided, one fact per line, for the golden files."""
    out = [f"preamble: {len(diff.preamble)} lines"]
    for f in diff.files:
        out.append(f"file {f.status.value} {f.source_path!r} -> {f.target_path!r}")
        out.append(
            f"  modes {f.old_mode} -> {f.new_mode}, index {f.index_source}..{f.index_target}, "
            f"similarity {f.similarity}, binary {f.binary} ({len(f.binary_lines)} data lines)"
        )
        out.append(f"  header {len(f.header)} lines, +{f.added} -{f.removed}")
        for h in f.hunks:
            old = [line.source_no for line in h.lines if line.source_no is not None]
            new = [line.target_no for line in h.lines if line.target_no is not None]
            span = (
                f"old {old[0] if old else '-'}..{old[-1] if old else '-'} "
                f"new {new[0] if new else '-'}..{new[-1] if new else '-'}"
            )
            out.append(
                f"  hunk at {h.header_diff_no} -{h.source_start},{h.source_length} "
                f"+{h.target_start},{h.target_length} {h.section!r}: +{h.added} -{h.removed}, "
                f"{span}, diff lines {h.lines[0].diff_no}..{h.lines[-1].diff_no}, "
                f"kinds {''.join(line.kind.value for line in h.lines)!r}"
            )
    out.append(f"epilogue: {len(diff.epilogue)} lines, final newline {diff.final_newline}")
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("path", DIFFS, ids=lambda p: p.name)
def test_summary_golden(path: Path, update_golden: bool) -> None:
    got = summary(parse_diff(path.read_bytes().decode("utf-8")))
    golden = path.with_suffix(".expected")
    if update_golden:
        golden.write_text(got)
    assert got == golden.read_text()


# git itself is the oracle for the counts of the git-made fixtures.
NUMSTAT = [p for p in DIFFS if p.name not in {"no_final_newline.diff", "plain_diff_urn.diff"}]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.parametrize("path", NUMSTAT, ids=lambda p: p.name)
def test_counts_agree_with_git_apply_numstat(path: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        ["git", "apply", "--numstat", str(path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    expected = [tuple(row.split("\t")[:2]) for row in result.stdout.splitlines()]
    files = parse_diff(path.read_bytes().decode("utf-8")).files
    got = [("-", "-") if f.binary else (str(f.added), str(f.removed)) for f in files]
    assert got == expected


# -- line numbers, checked by hand ----------------------------------------------


def test_line_numbers_of_a_modification() -> None:
    file = one("git_modify.diff")
    first, second = file.hunks
    assert (first.source_start, first.source_length, first.target_start, first.target_length) == (
        3,
        13,
        3,
        15,
    )
    assert first.header == "@@ -3,13 +3,15 @@"
    assert first.section == ""
    assert first.header_diff_no == 5
    assert first.lines[0] == Line(LineKind.CONTEXT, "#include <xen/sched.h>", 3, 3, 6)
    assert first.lines[3] == Line(LineKind.ADDED, "static bool suspend_in_progress;", None, 6, 9)
    assert first.lines[4] == Line(LineKind.CONTEXT, "", 6, 7, 10)
    assert first.lines[10] == Line(LineKind.REMOVED, "        park_cpu(cpu);", 12, None, 16)
    assert first.lines[11] == Line(LineKind.ADDED, "        if ( park_cpu(cpu) )", None, 13, 17)
    assert first.lines[-1] == Line(LineKind.CONTEXT, "}", 15, 17, 21)
    assert (first.added, first.removed) == (3, 1)
    assert second.section == "int host_suspend(void)"
    assert second.header_diff_no == 22
    assert second.lines[3] == Line(LineKind.ADDED, "    suspend_in_progress = false;", None, 41, 26)
    assert second.lines[-1] == Line(LineKind.CONTEXT, "}", 40, 43, 28)
    assert [line.value for line in second.added_lines()] == ["    suspend_in_progress = false;"]
    assert (file.added, file.removed) == (4, 1)


def test_first_line_shifts_every_diff_number_but_no_file_number() -> None:
    base = parse_diff(read("git_modify.diff"))
    shifted = parse_diff(read("git_modify.diff"), first_line=40)
    for old_hunk, new_hunk in zip(base.files[0].hunks, shifted.files[0].hunks, strict=True):
        assert new_hunk.header_diff_no == old_hunk.header_diff_no + 39
        for old, new in zip(old_hunk.lines, new_hunk.lines, strict=True):
            assert new == dataclasses.replace(old, diff_no=old.diff_no + 39)


def test_single_line_ranges_default_to_one() -> None:
    (hunk,) = one("git_single_line_ranges.diff").hunks
    assert hunk.header.startswith("@@ -9 +9 @@")
    assert (hunk.source_start, hunk.source_length, hunk.target_start, hunk.target_length) == (
        9,
        1,
        9,
        1,
    )
    assert [(line.source_no, line.target_no) for line in hunk.lines] == [(9, None), (None, 9)]


def test_lines_are_real_frozen_lines() -> None:
    line = one("git_modify.diff").hunks[0].lines[0]
    assert type(line) is Line
    assert hash(line) == hash(Line(LineKind.CONTEXT, "#include <xen/sched.h>", 3, 3, 6))
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.value = "changed"  # type: ignore[misc]


# -- statuses, paths, modes ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status", "source", "target"),
    [
        (
            "git_modify.diff",
            FileStatus.MODIFIED,
            "xen/arch/arm/suspend.c",
            "xen/arch/arm/suspend.c",
        ),
        ("git_new_file.diff", FileStatus.ADDED, None, "xen/common/new_demo.c"),
        ("git_new_empty_file.diff", FileStatus.ADDED, None, "xen/common/empty.c"),
        ("git_deleted_file.diff", FileStatus.DELETED, "xen/include/xen/demo.h", None),
        (
            "git_rename_pure.diff",
            FileStatus.RENAMED,
            "xen/common/shutdown_demo.c",
            "xen/common/shutdown_reasons.c",
        ),
        (
            "git_rename_edit.diff",
            FileStatus.RENAMED,
            "xen/arch/arm/suspend.c",
            "xen/arch/arm/host_suspend.c",
        ),
        (
            "git_copy_pure.diff",
            FileStatus.COPIED,
            "xen/include/xen/demo.h",
            "xen/include/xen/demo2.h",
        ),
        (
            "git_copy_edit.diff",
            FileStatus.COPIED,
            "xen/arch/arm/suspend.c",
            "xen/arch/arm/suspend32.c",
        ),
        ("git_mode_only.diff", FileStatus.MODIFIED, "tools/misc/run.sh", "tools/misc/run.sh"),
        ("git_binary_deleted.diff", FileStatus.DELETED, "docs/blob.bin", None),
        ("git_symlink.diff", FileStatus.ADDED, None, "docs/demo-link.h"),
        (
            "git_no_prefix.diff",
            FileStatus.MODIFIED,
            "xen/common/shutdown_demo.c",
            "xen/common/shutdown_demo.c",
        ),
    ],
)
def test_status_and_paths(
    name: str, status: FileStatus, source: str | None, target: str | None
) -> None:
    file = one(name)
    assert file.status is status
    assert file.source_path == source
    assert file.target_path == target
    assert file.path == (target or source)


def test_rename_and_copy_similarity() -> None:
    assert one("git_rename_pure.diff").similarity == 100
    assert one("git_rename_pure.diff").hunks == ()
    assert one("git_rename_edit.diff").similarity == 95
    assert one("git_copy_edit.diff").similarity == 89
    dissimilar = one("git_dissimilarity.diff")
    assert dissimilar.similarity is None
    assert dissimilar.header[1] == "dissimilarity index 92%"


def test_modes_and_index() -> None:
    mode_only = one("git_mode_only.diff")
    assert (mode_only.old_mode, mode_only.new_mode, mode_only.hunks) == ("100644", "100755", ())
    assert mode_only.header == (
        "diff --git a/tools/misc/run.sh b/tools/misc/run.sh",
        "old mode 100644",
        "new mode 100755",
    )
    modified = one("git_modify.diff")
    assert (modified.old_mode, modified.new_mode) == ("100644", "100644")
    assert (modified.index_source, modified.index_target) == ("98f5b41", "0ab24be")
    new = one("git_new_file.diff")
    assert (new.old_mode, new.new_mode, new.index_source) == (None, "100644", "0000000")
    deleted = one("git_deleted_file.diff")
    assert (deleted.old_mode, deleted.new_mode, deleted.index_target) == ("100644", None, "0000000")
    assert one("git_symlink.diff").new_mode == "120000"


def test_quoted_paths_are_decoded() -> None:
    files = parse_diff(read("git_quoted_paths.diff")).files
    assert [f.path for f in files] == ["docs/café.txt", "docs/tab\tname.txt", "docs/with space.txt"]
    assert all(f.source_path == f.target_path for f in files)


def test_paths_with_spaces_keep_the_git_trailing_tab_in_the_header_only() -> None:
    spaced = parse_diff(read("git_quoted_paths.diff")).files[2]
    assert spaced.header[2] == "--- a/docs/with space.txt\t"
    assert spaced.source_path == "docs/with space.txt"


# -- binary ---------------------------------------------------------------------


def test_git_binary_literal_is_kept_verbatim_not_parsed() -> None:
    file = one("git_binary_literal.diff")
    assert file.binary
    assert file.status is FileStatus.ADDED
    assert file.hunks == ()
    assert file.header[-1].startswith("index 0000000000000000000000000000000000000000..e03985d")
    assert file.binary_lines[0] == "GIT binary patch"
    assert file.binary_lines[1] == "literal 200"
    assert file.binary_lines[-3:] == ("literal 0", "HcmV?d00001", "")
    assert len(file.binary_lines) == 11  # lines 4-14 of the fixture


def test_git_binary_delta() -> None:
    file = one("git_binary_delta.diff")
    assert (file.binary, file.status, file.hunks) == (True, FileStatus.MODIFIED, ())
    assert [line for line in file.binary_lines if line.startswith("delta")] == [
        "delta 18",
        "delta 19",
    ]


def test_binary_files_differ() -> None:
    file = one("git_binary_differ.diff")
    assert file.binary
    assert file.binary_lines == ()
    assert file.header[-1] == "Binary files /dev/null and b/docs/new.bin differ"


# -- no newline at end of file ----------------------------------------------------


def test_no_newline_markers_on_both_sides() -> None:
    (hunk,) = parse_diff(read("git_no_newline_both.diff")).files[0].hunks
    assert [line.kind for line in hunk.lines] == [
        LineKind.REMOVED,
        LineKind.NO_NEWLINE,
        LineKind.ADDED,
        LineKind.NO_NEWLINE,
    ]
    assert hunk.lines[1] == Line(LineKind.NO_NEWLINE, " No newline at end of file", None, None, 7)
    assert hunk.lines[3] == Line(LineKind.NO_NEWLINE, " No newline at end of file", None, None, 9)
    assert (hunk.added, hunk.removed) == (1, 1)


@pytest.mark.parametrize(
    ("name", "kinds"),
    [
        ("git_no_newline_old.diff", "-\\+"),
        ("git_no_newline_new.diff", " -+\\"),
        ("git_symlink.diff", "+\\"),
    ],
)
def test_no_newline_marker_position(name: str, kinds: str) -> None:
    (hunk,) = one(name).hunks
    assert "".join(line.kind.value for line in hunk.lines) == kinds


# -- headerless diffs -------------------------------------------------------------


def test_diff_urn_with_timestamps() -> None:
    diff = parse_diff(read("plain_diff_urn.diff"))
    assert diff.preamble == ()
    fresh, gone, picture, changed = diff.files
    assert (fresh.status, fresh.source_path, fresh.target_path) == (
        FileStatus.ADDED,
        None,
        "docs/fresh.txt",
    )
    assert fresh.header == (
        "diff -urN a/docs/fresh.txt b/docs/fresh.txt",
        "--- a/docs/fresh.txt\t1970-01-01 00:00:00.000000000 +0000",
        "+++ b/docs/fresh.txt\t2024-03-02 11:30:00.000000000 +0000",
    )
    assert (gone.status, gone.source_path, gone.target_path) == (
        FileStatus.DELETED,
        "docs/gone.txt",
        None,
    )
    assert (picture.binary, picture.status, picture.path) == (
        True,
        FileStatus.MODIFIED,
        "docs/pic.bin",
    )
    assert changed.path == "xen/common/shutdown_demo.c"
    assert changed.header[0].startswith("diff -urN ")
    assert (changed.old_mode, changed.index_source, changed.similarity) == (None, None, None)


def test_quilt_index_lines_belong_to_the_file_and_p1_strips_any_first_part() -> None:
    diff = parse_diff(read("quilt_index.diff"))
    assert diff.preamble == ()
    first, second = diff.files
    assert first.header[0] == "Index: demo/xen/common/shutdown_demo.c"
    assert first.header[1].startswith("=====")
    assert (first.source_path, first.target_path) == (
        "xen/common/shutdown_demo.c",
        "xen/common/shutdown_demo.c",
    )
    assert second.path == "xen/include/xen/demo.h"
    assert (second.added, second.removed) == (1, 0)


def test_headerless_without_timestamps_and_dev_null() -> None:
    first, second = parse_diff(read("plain_no_timestamps.diff")).files
    assert first.path == "arch/arm/vpsci_demo.c"  # -p1, as `patch -p1` would read it
    assert (second.status, second.source_path, second.path) == (
        FileStatus.ADDED,
        None,
        "xen/arch/arm/vpsci_new.c",
    )


# -- text around the files, CRLF, final newline -----------------------------------


def test_preamble_and_epilogue() -> None:
    diff = parse_diff(read("git_diffstat_preamble.diff"))
    assert diff.preamble[0] == "---"
    assert diff.preamble[-1] == ""
    assert len(diff.preamble) == 5
    assert diff.epilogue == ("-- ", "2.39.5", "")
    assert [f.path for f in diff.files] == ["xen/arch/arm/suspend.c", "xen/common/shutdown_demo.c"]


def test_epilogue_after_a_file_without_hunks() -> None:
    diff = parse_diff(read("hunkless_then_signature.diff"))
    assert diff.epilogue == ("-- ", "2.39.5", "")
    assert len(diff.files[0].header) == 3


def test_crlf_mail_keeps_the_cr_in_values_not_in_paths() -> None:
    diff = parse_diff(read("crlf_mail.diff"))
    first = diff.files[0]
    assert first.path == "xen/arch/arm/suspend.c"
    assert (first.index_source, first.old_mode) == ("98f5b41", "100644")
    hunk = first.hunks[0]
    assert hunk.header.endswith("\r")
    assert hunk.section == "static void restore_cpus(void)"
    assert hunk.added_lines()[0].value == "    suspend_depth = 0;\r"
    assert hunk.lines[0] == Line(LineKind.CONTEXT, "\r", 20, 20, 6)
    assert diff.epilogue == ("-- \r", "2.39.5\r", "\r")


def test_crlf_file_content() -> None:
    (hunk,) = one("git_crlf_content.diff").hunks
    assert [line.value for line in hunk.lines] == [
        "line one\r",
        "line two\r",
        "line 2\r",
        "line three\r",
    ]


def test_text_without_final_newline() -> None:
    diff = parse_diff(read("no_final_newline.diff"))
    assert not diff.final_newline
    assert diff.files[0].hunks[-1].lines[-1].value == "}"


def test_hunk_lines_that_look_like_headers_stay_hunk_lines() -> None:
    diff = parse_diff(read("git_header_lookalikes.diff"))
    (file,) = diff.files
    (hunk,) = file.hunks
    assert [(line.kind.value, line.value) for line in hunk.lines[3:]] == [
        ("-", "-- a line with two dashes"),
        ("-", "++ a line with two pluses"),
        ("+", "-- a line with two dashes, edited"),
        ("+", "++ a line with two pluses, edited"),
        (" ", "@@ not a hunk header"),
        ("-", "diff --git a/inside b/inside"),
        ("+", "diff --git a/inside b/elsewhere"),
    ]
    assert diff.epilogue == ()


@pytest.mark.parametrize(
    ("text", "preamble"),
    [("\n", ("",)), ("just words\n", ("just words",)), ("no end", ("no end",))],
)
def test_text_without_any_file(text: str, preamble: tuple[str, ...]) -> None:
    diff = parse_diff(text)
    assert (diff.files, diff.preamble, diff.epilogue) == ((), preamble, ())
    assert diff.text() == text


def test_empty_input() -> None:
    assert parse_diff("") == EMPTY_DIFF
    assert parse_diff("").text() == ""


def test_empty_line_inside_a_hunk_is_read_as_empty_context() -> None:
    # A mailer dropped the space of an empty context line.  git apply accepts
    # it; so do we, but the model has no way to say "no marker", so this is
    # the one text that does not round-trip (the line comes back as " ").
    text = read("git_modify.diff").replace("\n \n", "\n\n", 1)
    hunk = parse_diff(text).files[0].hunks[0]
    assert hunk.lines[1] == Line(LineKind.CONTEXT, "", 4, 4, 7)
    assert parse_diff(text).text() == read("git_modify.diff")
