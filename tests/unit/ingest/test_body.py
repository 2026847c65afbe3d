"""split_patch_body over the shapes patch mail comes in."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from xenreview.ingest.body import PatchBody, split_patch_body

FIXTURES = Path(__file__).parent / "fixtures" / "grammar"
BASE = "0123456789abcdef0123456789abcdef01234567"
STAT = " xen/arch/arm/suspend.c | 1 +\n 1 file changed, 1 insertion(+)"


def load(name: str) -> tuple[str, PatchBody]:
    text = (FIXTURES / name).read_text()
    return text, split_patch_body(text)


def assert_diff_in_place(text: str, parts: PatchBody) -> None:
    """The diff text is exactly the input's lines from diff_first_line on, and so are diff_lines."""
    lines = text.split("\n")
    tail = "\n".join(lines[parts.diff_first_line - 1 :])
    assert tail.startswith(parts.diff_text)
    split = parts.diff_text.split("\n")
    if parts.diff_text.endswith("\n"):
        split.pop()
    assert parts.diff_lines == tuple(split)


def names(parts: PatchBody) -> list[str]:
    return [t.name for t in parts.trailers]


def test_plain_format_patch() -> None:
    text, parts = load("body_plain.txt")
    assert parts.body.startswith("Freeze the domains") and parts.body.endswith("saved.")
    assert names(parts) == ["Signed-off-by"]
    assert parts.notes == STAT
    assert parts.diff_text.startswith("diff --git a/xen/arch/arm/suspend.c")
    assert parts.diff_text.endswith("         return rc;\n \n")
    assert parts.diff_first_line == 9
    assert text.split("\n")[8].startswith("diff --git")
    assert parts.signature == "2.39.5"
    assert parts.base_commit is None and parts.prerequisite_patch_ids == ()
    assert_diff_in_place(text, parts)


def test_changelog_between_two_separators() -> None:
    text, parts = load("body_changelog_two_separators.txt")
    assert parts.body == "Do the thing."
    assert names(parts) == ["Signed-off-by", "Reviewed-by"]
    assert parts.notes.startswith("Changes in v3:\n - rebase\nChanges in v2:")
    assert parts.notes.endswith("---\n" + STAT)
    assert_diff_in_place(text, parts)


def test_divider_inside_the_commit_message() -> None:
    text, parts = load("body_divider_in_message.txt")
    assert parts.body == "Before the change:\n---\n some table text\nmore explanation."
    assert names(parts) == ["Signed-off-by"]
    assert parts.notes == STAT
    assert_diff_in_place(text, parts)


def test_divider_and_no_separator() -> None:
    text, parts = load("body_divider_no_separator.txt")
    assert parts.body == "Table of results:\n---\n old: 10 ms\n new: 2 ms"
    assert names(parts) == ["Signed-off-by"]
    assert parts.notes == ""
    assert parts.diff_first_line == 7
    assert_diff_in_place(text, parts)


def test_no_separator_at_all() -> None:
    text, parts = load("body_no_separator.txt")
    assert parts.body == "Directly followed by the diff."
    assert names(parts) == ["Signed-off-by"]
    assert parts.notes == ""
    assert parts.diff_first_line == 4
    assert parts.diff_text == "\n".join(text.split("\n")[3:])
    assert parts.signature == ""


def test_base_commit_and_prerequisites_after_the_diff() -> None:
    text, parts = load("body_base_commit.txt")
    assert parts.base_commit == BASE
    assert parts.prerequisite_patch_ids == ("1" * 40, "2" * 40)
    # git's blank line before base-commit is not part of the diff.
    assert parts.diff_text.endswith("         return rc;\n \n")
    assert "base-commit" not in parts.diff_text and "\n-- \n" not in parts.diff_text
    assert parts.signature == "2.39.5"
    assert_diff_in_place(text, parts)


def test_git_cover_letter() -> None:
    _, parts = load("cover_git.txt")
    assert parts.diff_text == "" and parts.diff_first_line == 0
    assert parts.base_commit == BASE
    assert parts.signature == "2.39.5"
    assert parts.body.startswith("This series freezes domains")
    assert parts.body.endswith("1 file changed, 1 insertion(+)")
    assert "base-commit" not in parts.body
    assert parts.trailers == ()


def test_b4_cover_letter() -> None:
    _, parts = load("cover_b4.txt")
    assert parts.body == "Suspend to RAM for Arm, part 2."
    assert parts.notes.startswith("Alice Example (2):")
    assert "base-commit" not in parts.notes and "change-id" not in parts.notes
    assert parts.base_commit == BASE
    assert parts.signature == "Alice Example <alice@example.org>"


def test_index_style_diff() -> None:
    text, parts = load("body_index_style.txt")
    assert names(parts) == ["Signed-off-by"]
    assert parts.diff_text.startswith("Index: xen/common/sched.c\n====")
    assert parts.diff_text.endswith(" d\n")
    assert_diff_in_place(text, parts)


def test_headerless_diff_after_separator() -> None:
    text, parts = load("body_headerless_diff.txt")
    assert parts.notes == ""
    assert parts.diff_text.startswith("--- a/xen/common/sched.c\n+++ b/")
    assert parts.diff_first_line == 5
    assert_diff_in_place(text, parts)


def test_changelog_without_trailers() -> None:
    text, parts = load("body_no_trailers_v2.txt")
    assert parts.body == "Forgot the sign-off."
    assert parts.trailers == ()
    assert parts.notes.startswith("v2:\n - fix the loop")
    assert_diff_in_place(text, parts)


def test_cc_lines_after_separator_and_maintainer_note() -> None:
    _, parts = load("body_cc_after_separator.txt")
    assert names(parts) == ["Signed-off-by", "Acked-by"]
    assert parts.trailers[1].scope == "arm"
    assert parts.maintainer_notes == ("[ jb: adjust comment style ]",)
    assert parts.notes.startswith("Cc: Carol Example <carol@example.org>\nCc: Dave")


def test_no_final_newline() -> None:
    text, parts = load("body_no_final_newline.txt")
    assert not text.endswith("\n")
    assert parts.diff_text.endswith("         return rc;\n ")
    assert_diff_in_place(text, parts)


def test_removed_dash_line_is_not_a_signature() -> None:
    _, parts = load("body_removed_dash_line.txt")
    assert parts.signature == ""
    assert parts.diff_text.endswith(" - one\n-- \n")


def test_b4_single_patch_tail() -> None:
    text, parts = load("body_b4_single.txt")
    assert parts.base_commit == BASE
    assert parts.signature == "Alice Example <alice@example.org>"
    assert parts.diff_text.endswith("         return rc;\n \n")
    assert "Best regards" not in parts.diff_text
    assert_diff_in_place(text, parts)


def test_prose_divider_in_a_cover_letter_is_kept() -> None:
    _, parts = load("cover_prose_divider.txt")
    assert parts.body.startswith("Part one of the story.\n---\nPart two")
    assert parts.notes == ""


def test_empty_and_degenerate() -> None:
    assert split_patch_body("") == PatchBody("", (), "", "", 0, None, (), "")
    parts = split_patch_body("---\n")
    assert (parts.body, parts.notes, parts.diff_text) == ("", "", "")
    parts = split_patch_body("Signed-off-by: Alice Example <alice@example.org>\n")
    assert parts.body == "" and names(parts) == ["Signed-off-by"]


def test_trailers_glued_to_prose() -> None:
    parts = split_patch_body("Prose.\nSigned-off-by: A <a@example.org>\n---\n x | 1 +\n")
    assert parts.body == "Prose." and not parts.trailers_separated
    assert parts.notes == " x | 1 +"


def test_first_of_two_separators_after_trailers_wins() -> None:
    parts = split_patch_body(
        "Body.\n\nSigned-off-by: A <a@example.org>\n---\nplain words\n---\n x | 1 +\n"
        "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"
    )
    assert parts.body == "Body."
    assert parts.notes == "plain words\n---\n x | 1 +"
    assert parts.diff_first_line == 8


_PIECES = [
    "a",
    " ",
    "-",
    "+",
    "@",
    "\n",
    "---\n",
    "-- \n",
    "diff --git a/x b/x\n",
    "--- a/x\n+++ b/x\n",
    "Signed-off-by: A <a@example.org>\n",
    "base-commit: abc1234\n",
    "2.39.5\n",
    "[",
]


@settings(max_examples=200)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_never_raises_and_diff_stays_in_place(text: str) -> None:
    parts = split_patch_body(text)
    if parts.diff_text:
        assert parts.diff_first_line >= 1
        assert_diff_in_place(text, parts)
    else:
        assert parts.diff_first_line == 0


@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    split_patch_body(text)


_prose = st.lists(
    st.from_regex(r"[A-Za-z][A-Za-z ,.()]{0,30}[a-z.]", fullmatch=True), min_size=1, max_size=4
).map("\n".join)


@settings(max_examples=100)
@given(
    _prose,
    st.lists(st.sampled_from(["Alice", "Bob", "Carol"]), min_size=1, max_size=3),
    st.booleans(),
    st.booleans(),
)
def test_composed_bodies_come_apart(
    body: str, signers: list[str], with_notes: bool, with_base: bool
) -> None:
    trailers = "\n".join(f"Signed-off-by: {n} Example <{n.lower()}@example.org>" for n in signers)
    notes = "Changes in v2:\n - something\n\n" if with_notes else ""
    diff = "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"
    base = f"\nbase-commit: {BASE}\n" if with_base else ""
    text = f"{body}\n\n{trailers}\n---\n{notes} x | 2 +-\n\n{diff}{base}-- \n2.39.5\n"
    parts = split_patch_body(text)
    assert parts.body == body
    assert [t.person.name for t in parts.trailers if t.person] == [f"{n} Example" for n in signers]
    assert parts.notes == f"{notes} x | 2 +-"
    assert parts.diff_text == diff
    assert parts.diff_lines == tuple(diff.split("\n")[:-1])
    assert parts.base_commit == (BASE if with_base else None)
    assert parts.signature == "2.39.5"
