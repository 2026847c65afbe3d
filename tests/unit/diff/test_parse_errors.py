"""parse_diff refuses what it cannot trust: each error, its message and its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from xenreview.diff.parse import parse_diff, parse_diff_lines
from xenreview.errors import DiffError, InputError

FIXTURES = Path(__file__).parent / "fixtures"
MODIFY = (FIXTURES / "git_modify.diff").read_bytes().decode("utf-8")
MODIFY_LINES = MODIFY.splitlines()  # line N of the fixture is MODIFY_LINES[N - 1]


def fail(text: str, **kwargs: object) -> DiffError:
    with pytest.raises(DiffError) as info:
        parse_diff(text, source="series.mbox", **kwargs)  # type: ignore[arg-type]
    error = info.value
    assert isinstance(error, InputError)
    assert error.source == "series.mbox"
    assert "\n" not in str(error)
    return error


def lines(*numbered: str) -> str:
    return "\n".join(numbered) + "\n"


GIT_HEAD = ("diff --git a/x.c b/x.c", "index 1111111..2222222 100644", "--- a/x.c", "+++ b/x.c")


# -- hunks whose counts lie --------------------------------------------------------


def test_truncated_mail_cuts_the_last_hunk_short() -> None:
    error = fail("\n".join(MODIFY_LINES[:19]) + "\n")  # lines 1-19: the hunk wants up to 21
    assert error.where == "line 19"
    assert error.message == (
        "hunk at line 5 is cut short: the text ends after 11 old and 13 new lines "
        "of the 13 and 15 its header @@ -3,13 +3,15 @@ announces"
    )
    assert str(error).startswith("series.mbox (line 19): hunk at line 5 is cut short")


def test_line_numbers_count_from_first_line_and_where_names_the_message() -> None:
    error = fail("\n".join(MODIFY_LINES[:19]), first_line=101, where="message 3")
    assert error.where == "message 3, line 119"
    assert error.message.startswith("hunk at line 105 is cut short")


def test_a_non_hunk_line_inside_a_hunk() -> None:
    text = "\n".join([*MODIFY_LINES[:19], "this is prose, not a hunk line", *MODIFY_LINES[20:]])
    error = fail(text)
    assert error.where == "line 20"
    assert error.message == (
        "hunk at line 5 is shorter than its header @@ -3,13 +3,15 @@ says: this line is not in it"
    )


def test_stray_line_after_a_complete_hunk() -> None:
    text = "\n".join([*MODIFY_LINES[:21], "+    one line too many;", *MODIFY_LINES[21:]])
    error = fail(text)
    assert error.where == "line 22"
    assert error.message == "hunk at line 5 is longer than its header @@ -3,13 +3,15 @@ says"


def test_stray_context_line_at_the_end() -> None:
    error = fail(MODIFY + " trailing context\n")
    assert error.where == "line 29"
    assert error.message == "hunk at line 22 is longer than its header @@ -36,5 +38,6 @@ says"


def test_second_no_newline_marker_is_stray() -> None:
    text = lines(*GIT_HEAD, "@@ -1 +1 @@", "-a", "+b", "\\ No newline at end of file", "\\ again")
    assert fail(text).where == "line 9"


def test_more_old_lines_than_announced() -> None:
    text = lines(*GIT_HEAD, "@@ -1,1 +1,2 @@", "-a", "-b", "+c", "+d")
    error = fail(text)
    assert error.where == "line 7"
    assert error.message == "hunk at line 5 has more lines than its header @@ -1,1 +1,2 @@ says"


def test_text_between_hunks() -> None:
    text = lines(*GIT_HEAD, "@@ -1 +1 @@", "-a", "+b", "some words", "@@ -9 +9 @@", "-c", "+d")
    error = fail(text)
    assert error.where == "line 9"
    assert error.message == "hunk header cut off from its file by the text at line 8"


def test_hunk_before_any_file() -> None:
    error = fail(lines("@@ -1 +1 @@", "-a", "+b"), first_line=7)
    assert (error.where, error.message) == ("line 7", "hunk header before any file header")


def test_hunk_after_a_binary_patch() -> None:
    text = lines(
        "diff --git a/x.bin b/x.bin",
        "index 1111111..2222222 100644",
        "GIT binary patch",
        "literal 1",
        "IcmZ?d00001",
        "",
        "@@ -1 +1 @@",
        "-a",
        "+b",
    )
    error = fail(text)
    assert (error.where, error.message) == ("line 7", "hunk header outside a file")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("@@ -1,2 +1,2", "malformed hunk header '@@ -1,2 +1,2'"),
        ("@@ -a,1 +b,1 @@", "malformed hunk header '@@ -a,1 +b,1 @@'"),
        ("@@@ -1 -1 +1 @@@", "malformed hunk header '@@@ -1 -1 +1 @@@'"),
        ("@@ -0,0 +0,0 @@", "malformed hunk header '@@ -0,0 +0,0 @@': it announces no lines"),
        ("@@ -0,2 +1,2 @@", "malformed hunk header '@@ -0,2 +1,2 @@': lines start at 0"),
        ("@@ -1,2 +0,2 @@", "malformed hunk header '@@ -1,2 +0,2 @@': lines start at 0"),
        (
            f"@@ -{'9' * 5000} +1 @@",
            f"malformed hunk header '@@ -{'9' * 53}...'",
        ),
        ("@@ -\u0661 +1 @@", "malformed hunk header '@@ -\u0661 +1 @@'"),
    ],
)
def test_malformed_hunk_header(header: str, message: str) -> None:
    error = fail(lines(*GIT_HEAD, header, " a", " b"))
    assert (error.where, error.message) == ("line 5", message)


def test_malformed_second_hunk_header() -> None:
    error = fail(lines(*GIT_HEAD, "@@ -1 +1 @@", "-a", "+b", "@@ -5 +5"))
    assert (error.where, error.message) == ("line 8", "malformed hunk header '@@ -5 +5'")


def test_file_header_without_hunks() -> None:
    error = fail(lines(*GIT_HEAD, "-- ", "2.39.5"))
    assert (error.where, error.message) == (
        "line 4",
        "file header has '---'/'+++' lines but no hunk",
    )
    error = fail(lines("--- a/x.c", "+++ b/x.c", "words"))
    assert (error.where, error.message) == (
        "line 2",
        "file header has '---'/'+++' lines but no hunk",
    )


# -- paths outside the tree ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            lines("diff --git a/../x b/../x", "old mode 100644", "new mode 100755"),
            1,
            "path '../x' leaves the tree",
        ),
        (
            lines(
                "diff --git a/x b/x", "--- a/../../etc/passwd", "+++ b/x", "@@ -1 +1 @@", "-a", "+b"
            ),
            2,
            "path '../../etc/passwd' leaves the tree",
        ),
        (
            lines("diff --git a//etc/passwd b//etc/passwd", "deleted file mode 100644"),
            1,
            "absolute path '/etc/passwd'",
        ),
        (
            lines("diff --git a/.git/config b/.git/config", "new mode 100755", "old mode 100644"),
            1,
            "path '.git/config' is inside a .git directory",
        ),
        (
            lines(
                "diff --git a/x b/x",
                "similarity index 90%",
                "rename from x",
                "rename to sub/.GIT/hooks/x",
            ),
            4,
            "path 'sub/.GIT/hooks/x' is inside a .git directory",
        ),
        (
            lines('diff --git "a/\\056\\056/x" "b/\\056\\056/x"', "new file mode 100644"),
            1,
            "path '../x' leaves the tree",
        ),
        (
            lines("--- a/../x", "+++ b/x", "@@ -1 +1 @@", "-a", "+b"),
            1,
            "path '../x' leaves the tree",
        ),
        (
            lines("--- a/x", "+++ b//root/x", "@@ -1 +1 @@", "-a", "+b"),
            2,
            "absolute path '/root/x'",
        ),
        (
            lines("Binary files a/x and b/.git/x differ"),
            1,
            "path '.git/x' is inside a .git directory",
        ),
        (lines("diff --git a/ b/", "new mode 100755"), 1, "empty path"),
        (
            lines("diff --git a/x/../../y b/x/../../y", "new mode 100755"),
            1,
            "path 'x/../../y' leaves the tree",
        ),
        (lines("diff --git a/x/.. b/x/..", "new mode 100755"), 1, "path 'x/..' leaves the tree"),
        (
            lines("diff --git a/x/.Git b/x/.Git", "new mode 100755"),
            1,
            "path 'x/.Git' is inside a .git directory",
        ),
    ],
)
def test_paths_that_escape_the_tree(text: str, line: int, message: str) -> None:
    error = fail(text, first_line=10)
    assert (error.where, error.message) == (f"line {line + 9}", message)


@pytest.mark.parametrize(
    "path", [".gitignore", "x/.github/ci.yml", "a/..b/c", "x..y/z", ".../x", "docs/.git-blame"]
)
def test_dotted_names_inside_the_tree_are_fine(path: str) -> None:
    (file,) = parse_diff(lines(f"diff --git a/{path} b/{path}", "new mode 100755")).files
    assert file.path == path


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ('"a/x', "unterminated quoted path '\"a/x'"),
        ('"a/\\q"', "bad escape in quoted path '\"a/\\\\q\"'"),
        ('"a/\\777"', "bad escape in quoted path '\"a/\\\\777\"'"),
        ('"a/\\377"', "quoted path is not UTF-8"),
        ('"a/\\000"', "NUL character in a path"),
    ],
)
def test_bad_quoted_paths(name: str, message: str) -> None:
    text = lines("diff --git a/x b/x", f"--- {name}", "+++ b/x", "@@ -1 +1 @@", "-a", "+b")
    error = fail(text)
    assert (error.where, error.message) == ("line 2", message)


def test_odd_similarity_is_no_similarity() -> None:
    for odd in ("\u00b2", "9" * 5000, "x"):
        text = lines(
            "diff --git a/x b/y", f"similarity index {odd}%", "rename from x", "rename to y"
        )
        assert parse_diff(text).files[0].similarity is None


def test_unreadable_git_names() -> None:
    error = fail(lines("diff --git nospace", "new mode 100755"))
    assert error.message == "cannot read the file names of the 'diff --git' line"


# -- NUL characters ---------------------------------------------------------------------


def test_nul_character() -> None:
    text = MODIFY.replace("static bool", "static\x00bool")
    error = fail(text, first_line=3)
    assert (error.where, error.message) == ("line 11", "NUL character in the diff")


def test_nul_character_in_lines() -> None:
    lines = MODIFY.replace("static bool", "static\x00bool").split("\n")[:-1]
    with pytest.raises(DiffError) as info:
        parse_diff_lines(lines, source="series.mbox", first_line=3)
    assert (info.value.where, info.value.message) == ("line 11", "NUL character in the diff")


def test_file_naming_no_file() -> None:
    error = fail(lines("--- /dev/null", "+++ /dev/null", "@@ -1 +1 @@", "-a", "+b"))
    assert (error.where, error.message) == ("line 1", "file header names no file")
