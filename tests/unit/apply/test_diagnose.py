"""Reading git apply's output; finding the nearest lines and saying why."""

from __future__ import annotations

from xenreview.apply.diagnose import explain, failure, nearest_match, parse_apply, unquote
from xenreview.diff.model import FileDiff, FileStatus, Hunk, Line, LineKind

GIT_OUTPUT = """\
Checking patch xen/arch/arm/vtimer.c...
Hunk #1 succeeded at 12 (offset 3 lines).
Hunk #2 succeeded at 40 (offset -1 line).
Hunk #3 succeeded at 50.
Checking patch "xen/arch/arm/caf\\303\\251.c"...
Hunk #1 succeeded at 7 with fuzz 1.
Checking patch xen/old.c => xen/new.c...
error: while searching for:
int a;
error: patch failed: xen/new.c:17
error: xen/new.c: patch does not apply
Checking patch xen/gone.c...
error: xen/gone.c: does not exist in index
error: corrupt patch at line 30
"""


def test_parse_apply() -> None:
    report = parse_apply(GIT_OUTPUT)
    assert report.offsets == [
        ("xen/arch/arm/vtimer.c", 1, 12, 3, 0),
        ("xen/arch/arm/vtimer.c", 2, 40, -1, 0),
        ("xen/arch/arm/vtimer.c", 3, 50, 0, 0),
        ("xen/arch/arm/café.c", 1, 7, 0, 1),
    ]
    assert report.failed == [("xen/new.c", 17)]
    assert report.file_errors == [("xen/gone.c", "does not exist in index")]
    assert report.errors == ["corrupt patch at line 30"]


def test_unquote() -> None:
    assert unquote('"a\\tb\\"c\\\\d"') == 'a\tb"c\\d'
    assert unquote('"caf\\303\\251"') == "café"
    assert unquote("plain path") == "plain path"


def _hunk(start: int, lines: list[tuple[str, str]]) -> Hunk:
    kinds = {" ": LineKind.CONTEXT, "-": LineKind.REMOVED, "+": LineKind.ADDED}
    return Hunk(
        source_start=start,
        source_length=sum(1 for k, _ in lines if k != "+"),
        target_start=start,
        target_length=sum(1 for k, _ in lines if k != "-"),
        section="",
        header=f"@@ -{start} +{start} @@",
        lines=tuple(Line(kinds[k], v, None, None, i) for i, (k, v) in enumerate(lines, 1)),
        header_diff_no=0,
    )


FILE = [
    "int a;",
    "int b;",
    "",
    "static int count;",
    "",
    "int init(void)",
    "{",
    "    count++;",
    "    return 0;",
    "}",
    "",
    "static int count2;",
    "",
    "int init(void)",
    "{",
]
HUNK = _hunk(
    4,
    [
        (" ", "static int count;"),
        (" ", ""),
        (" ", "int init(void)"),
        (" ", "{"),
        ("-", "    count += 1;"),
        ("+", "    count += 2;"),
        (" ", "    return 0;"),
    ],
)


def test_nearest_prefers_the_best_then_the_closest_window() -> None:
    near = nearest_match(FILE, ["static int count;", "", "int init(void)", "{"], hint=9)
    assert near is not None and (near.line, near.similarity) == (4, 1.0)
    near = nearest_match(FILE, ["", "int init(void)", "{"], hint=12)
    assert near is not None and near.line == 13  # both match fully: the one nearer the hint
    assert nearest_match(FILE, ["nothing", "like", "this"], hint=0) is None
    assert nearest_match([], ["x"], hint=0) is None


def test_explain_names_the_first_differing_line() -> None:
    near = nearest_match(FILE, [line.value for line in HUNK.lines if line.kind != "+"], 3)
    assert near is not None and near.line == 4
    assert explain(FILE, HUNK, near) == (
        "line 8 reads 'count++;' where the hunk expects 'count += 1;'"
    )


def test_explain_whitespace_already_applied_and_absent() -> None:
    spaced = [line.replace("    ", "\t") for line in FILE]
    spaced[7] = "\tcount += 1;"
    near = nearest_match(spaced, [x.value for x in HUNK.lines if x.kind != "+"], 3)
    assert explain(spaced, HUNK, near) == "the lines at 4 match only if whitespace is ignored"
    done = FILE.copy()
    done[7] = "    count += 2;"
    near = nearest_match(done, [x.value for x in HUNK.lines if x.kind != "+"], 3)
    assert explain(done, HUNK, near) == (
        "the change is already in the file at line 4: applied before?"
    )
    assert explain(["unrelated"], HUNK, None) == (
        "the lines the hunk changes are not in the file (moved, rewritten or removed)"
    )


def test_failure_of_a_missing_file_and_an_existing_new_file() -> None:
    f = FileDiff(
        "xen/a.c",
        "xen/a.c",
        FileStatus.MODIFIED,
        None,
        None,
        "1234567",
        "89abcde",
        False,
        None,
        (HUNK,),
        (),
    )
    gone = failure(f, "xen/a.c", None, "does not exist in index", None)
    assert (gone.hunk, gone.explanation) == (None, "the file does not exist in the tree")
    there = failure(f, "xen/a.c", None, "already exists in index", b"int a;\n")
    assert there.explanation == "the patch creates this file but the tree already has it"
    hunk = failure(f, "xen/a.c", 4, "patch does not apply", "\n".join(FILE).encode() + b"\n")
    assert (hunk.hunk, hunk.header, hunk.expected[0]) == (1, "@@ -4 +4 @@", "static int count;")
    assert hunk.nearest is not None and hunk.nearest.lines[0] == "static int count;"
