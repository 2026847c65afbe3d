"""Properties: generated well-formed diffs round-trip with the right numbers; any
text either parses or raises DiffError, nothing else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xenreview.diff.model import Diff, LineKind
from xenreview.diff.parse import parse_diff, parse_diff_lines
from xenreview.errors import DiffError

# Line contents: anything but the line end and NUL, CRs and look-alike text included.
CONTENT = st.one_of(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_characters="\n\x00"),
        max_size=12,
    ),
    st.sampled_from(["", "-- ", "-- x", "++ y", "@@ -1 +1 @@", "diff --git a/q b/q", "\r", "x\r"]),
)
KIND = st.sampled_from([" ", "+", "-"])


@dataclass(frozen=True)
class GenHunk:
    ops: list[tuple[str, str]]  # (marker, content)
    gap: int  # unchanged lines before the hunk
    section: str
    short: bool  # write ",1" lengths the short git way
    no_newline: bool  # last line is followed by "\ No newline at end of file"


HUNK = st.builds(
    GenHunk,
    ops=st.lists(st.tuples(KIND, CONTENT), min_size=1, max_size=12),
    gap=st.integers(0, 50),
    section=st.sampled_from(["", " int f(void)", " struct vcpu *v"]),
    short=st.booleans(),
    no_newline=st.booleans(),
)


def count(length: int, short: bool) -> str:
    return "" if short and length == 1 else f",{length}"


def render(hunks: list[GenHunk]) -> tuple[list[str], list[tuple[int, int, int, int]]]:
    """A file diff in git's shape and each hunk's (old start, old len, new start, new len)."""
    out = ["diff --git a/xen/gen.c b/xen/gen.c", "--- a/xen/gen.c", "+++ b/xen/gen.c"]
    ranges = []
    old = new = 1
    for hunk in hunks:
        old += hunk.gap
        new += hunk.gap
        old_len = sum(marker != "+" for marker, _ in hunk.ops)
        new_len = sum(marker != "-" for marker, _ in hunk.ops)
        ranges.append((old, old_len, new, new_len))
        out.append(
            f"@@ -{old}{count(old_len, hunk.short)} +{new}{count(new_len, hunk.short)} @@"
            f"{hunk.section}"
        )
        out.extend(marker + content for marker, content in hunk.ops)
        old += old_len
        new += new_len
    if hunks[-1].no_newline:
        out.append("\\ No newline at end of file")
    return out, ranges


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    hunks=st.lists(HUNK, min_size=1, max_size=4),
    first_line=st.integers(1, 500),
    final_newline=st.booleans(),
    signature=st.booleans(),
)
def test_generated_hunks_round_trip_with_right_numbers(
    hunks: list[GenHunk], first_line: int, final_newline: bool, signature: bool
) -> None:
    body, ranges = render(hunks)
    if signature:
        body += ["-- ", "2.39.5"]
    text = "\n".join(body) + ("\n" if final_newline else "")
    diff = parse_diff(text, first_line=first_line)
    assert diff.text() == text
    (file,) = diff.files
    assert file.path == "xen/gen.c"
    assert diff.epilogue == (("-- ", "2.39.5") if signature else ())
    assert len(file.hunks) == len(hunks)
    row = 3  # index into body of the next line
    for got, want, (old, old_len, new, new_len) in zip(file.hunks, hunks, ranges, strict=True):
        assert (got.source_start, got.source_length) == (old, old_len)
        assert (got.target_start, got.target_length) == (new, new_len)
        assert got.header_diff_no == first_line + row
        assert got.section == want.section.removeprefix(" ")
        assert got.added == sum(marker == "+" for marker, _ in want.ops)
        assert got.removed == sum(marker == "-" for marker, _ in want.ops)
        row += 1
        for line in got.lines:
            assert line.diff_no == first_line + row
            row += 1
        body_lines = [line for line in got.lines if line.kind is not LineKind.NO_NEWLINE]
        assert [(line.kind.value, line.value) for line in body_lines] == want.ops
        olds = [line.source_no for line in body_lines if line.kind is not LineKind.ADDED]
        news = [line.target_no for line in body_lines if line.kind is not LineKind.REMOVED]
        assert olds == list(range(old, old + old_len))
        assert news == list(range(new, new + new_len))
        assert all(line.source_no is None for line in body_lines if line.kind is LineKind.ADDED)
        assert all(line.target_no is None for line in body_lines if line.kind is LineKind.REMOVED)
    last = file.hunks[-1].lines[-1]
    assert (last.kind is LineKind.NO_NEWLINE) == hunks[-1].no_newline


# Pieces of diffs, to reach deep states more often than plain random text would.
FRAGMENTS = st.sampled_from(
    [
        "diff --git a/x.c b/x.c",
        'diff --git "a/q\\tx" "b/q\\tx"',
        'diff --git a/x "b/\\303\\251"',
        "diff --git a/../x b/x",
        "index 1111111..2222222 100644",
        "new file mode 100644",
        "deleted file mode 100644",
        "old mode 100644",
        "new mode 100755",
        "similarity index 90%",
        "rename from x.c",
        "rename to y.c",
        "copy to ../y.c",
        "--- a/x.c",
        "--- /dev/null",
        '--- "a/x',
        "+++ b/x.c",
        "+++ /dev/null",
        "@@ -1 +1 @@",
        "@@ -1,2 +1,3 @@ f",
        "@@ -0,0 +1 @@",
        "@@ -1",
        " context",
        "+added",
        "-removed",
        "\\ No newline at end of file",
        "GIT binary patch",
        "literal 3",
        "delta 2",
        "Hcmb=x",
        "Binary files a/x and b/x differ",
        "Index: x.c",
        "=" * 20,
        "-- ",
        "2.39.5",
        "",
        "\r",
        "plain words",
    ]
)
ANY_LINE = st.one_of(FRAGMENTS, CONTENT)


@settings(max_examples=400, deadline=None)
@given(st.lists(ANY_LINE, max_size=25), st.booleans())
def test_diff_like_text_parses_or_raises_diff_error(pieces: list[str], final: bool) -> None:
    text = "\n".join(pieces) + ("\n" if final and pieces else "")
    try:
        diff = parse_diff(text)
    except DiffError:
        return
    assert parse_diff(diff.text()) == diff
    if "" not in pieces and "\r" not in pieces:
        assert diff.text() == text  # bare empty lines are the one thing that may not round-trip


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_parses_or_raises_diff_error(text: str) -> None:
    try:
        diff = parse_diff(text)
    except DiffError:
        return
    assert parse_diff(diff.text()) == diff
    if "\n\n" not in text and "\n\r\n" not in text and not text.endswith("\n\r"):
        assert diff.text() == text


def _outcome(parse: Callable[[], Diff]) -> Diff | tuple[str, str | None]:
    try:
        return parse()
    except DiffError as error:
        return error.message, error.where


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(ANY_LINE, st.just("a\x00b")), max_size=25), st.booleans())
def test_parse_diff_lines_is_parse_diff_of_the_joined_text(pieces: list[str], final: bool) -> None:
    text = "\n".join(pieces) + ("\n" if final else "")
    final = text.endswith("\n")
    lines = text.split("\n")
    if final:
        lines.pop()
    expected = _outcome(partial(parse_diff, text, where="message 2", first_line=5))
    for split in (lines, tuple(lines)):
        got = partial(parse_diff_lines, split, final_newline=final, where="message 2", first_line=5)
        assert _outcome(got) == expected
