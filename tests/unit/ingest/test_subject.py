"""Subjects as xen-devel carries them: table tests, properties, speed."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xenreview.ingest.subject import LIST_TAGS, format_subject, parse_subject

# raw subject -> (tags, version, version_stated, counter, total, counter_stated, is_reply, title)
CASES: list[tuple[str, tuple[tuple[str, ...], str, bool, int, int, bool, bool, str]]] = [
    ("[PATCH] xen/arm: fix foo", (("PATCH",), "1", False, 1, 1, False, False, "xen/arm: fix foo")),
    ("[PATCH 3/7] x86/mm: bar", (("PATCH",), "1", False, 3, 7, True, False, "x86/mm: bar")),
    (
        "[PATCH v5 03/18] xen/arm: suspend",
        (("PATCH",), "5", True, 3, 18, True, False, "xen/arm: suspend"),
    ),
    ("[PATCH v5.1 3/7] tools: baz", (("PATCH",), "5.1", True, 3, 7, True, False, "tools: baz")),
    (
        "[PATCH RFC v2 0/4] Arm suspend to RAM",
        (("PATCH", "RFC"), "2", True, 0, 4, True, False, "Arm suspend to RAM"),
    ),
    ("[RFC PATCH] xen: idea", (("RFC", "PATCH"), "1", False, 1, 1, False, False, "xen: idea")),
    (
        "[RESEND PATCH v3 2/2] xen/sched: qux",
        (("RESEND", "PATCH"), "3", True, 2, 2, True, False, "xen/sched: qux"),
    ),
    (
        "[PATCH for-4.21 v2 1/3] xen/arm: late fix",
        (("PATCH", "for-4.21"), "2", True, 1, 3, True, False, "xen/arm: late fix"),
    ),
    (
        "[XEN PATCH v2] docs: typo",
        (("XEN", "PATCH"), "2", True, 1, 1, False, False, "docs: typo"),
    ),
    ("[PATCH 05/18] a: b", (("PATCH",), "1", False, 5, 18, True, False, "a: b")),
    (
        "[Xen-devel] [PATCH 05/18] xen/arm: gic",
        (("PATCH",), "1", False, 5, 18, True, False, "xen/arm: gic"),
    ),
    (
        "Re: [PATCH v5 03/18] xen/arm: suspend",
        (("PATCH",), "5", True, 3, 18, True, True, "xen/arm: suspend"),
    ),
    (
        "RE: Re: Aw: [PATCH v2] x",
        (("PATCH",), "2", True, 1, 1, False, True, "x"),
    ),
    ("Fwd: [PATCH] y", (("PATCH",), "1", False, 1, 1, False, True, "y")),
    (
        "[Xen-devel] Re: [PATCH V2 1/2] xen: z",
        (("PATCH",), "2", True, 1, 2, True, True, "xen: z"),
    ),
    (
        "  [PATCH   v3\n\t 002/010]   xen/arm:\n  folded   title  ",
        (("PATCH",), "3", True, 2, 10, True, False, "xen/arm: folded   title"),
    ),
    ("[PATCHv4 1/5] x86: w", (("PATCH",), "4", True, 1, 5, True, False, "x86: w")),
    ("[PATCH 2/3 v7] order", (("PATCH",), "7", True, 2, 3, True, False, "order")),
    ("[PATCH][v2] adjacent", (("PATCH",), "2", True, 1, 1, False, False, "adjacent")),
    ("xen: no brackets", ((), "1", False, 1, 1, False, False, "xen: no brackets")),
    ("Re: xen: no brackets", ((), "1", False, 1, 1, False, True, "xen: no brackets")),
    (
        '[PATCH] Revert "xen: thing"',
        (("PATCH",), "1", False, 1, 1, False, False, 'Revert "xen: thing"'),
    ),
    (
        "[PATCH] Re: title that starts with Re",
        (("PATCH",), "1", False, 1, 1, False, False, "Re: title that starts with Re"),
    ),
    ("[PATCH unclosed", ((), "1", False, 1, 1, False, False, "[PATCH unclosed")),
    ("", ((), "1", False, 1, 1, False, False, "")),
    ("[PATCH v2 3/7]", (("PATCH",), "2", True, 3, 7, True, False, "")),
    ("Re[2]: [patch] lower", (("PATCH",), "1", False, 1, 1, False, True, "lower")),
    (
        "[ANNOUNCE] Xen 4.20 released",
        (("ANNOUNCE",), "1", False, 1, 1, False, False, "Xen 4.20 released"),
    ),
]


@pytest.mark.parametrize(("raw", "expected"), CASES, ids=[c[0][:40] or "empty" for c in CASES])
def test_table(
    raw: str, expected: tuple[tuple[str, ...], str, bool, int, int, bool, bool, str]
) -> None:
    s = parse_subject(raw)
    got = (
        s.tags,
        s.version,
        s.version_stated,
        s.counter,
        s.total,
        s.counter_stated,
        s.is_reply,
        s.title,
    )
    assert got == expected
    assert s.raw == raw


def test_properties_of_model() -> None:
    s = parse_subject("[RFC PATCH v2 1/3] xen/arm: gic: rework")
    assert s.is_rfc and s.is_patch and not s.is_resend
    assert s.area == "xen/arm"
    assert parse_subject("[Xen-devel] hello").tags == ()
    assert not parse_subject("[Xen-devel] hello").is_patch


def test_huge_digit_runs_do_not_raise() -> None:
    digits = "9" * 5000
    s = parse_subject(f"[PATCH v{digits} {digits}/{digits}] x")
    assert not s.version_stated and not s.counter_stated
    assert s.tags[0] == "PATCH"


def test_first_version_and_counter_win() -> None:
    s = parse_subject("[PATCH v2 1/3] [v9 8/9] title")
    assert (s.version, s.counter, s.total) == ("2", 1, 3)


@given(st.text())
def test_never_raises(raw: str) -> None:
    s = parse_subject(raw)
    assert s.raw == raw
    assert s.title == s.title.strip()


_TAG_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._+"


def _is_plain_tag(tag: str) -> bool:
    low = tag.lower()
    if low in LIST_TAGS or low in {"patch", "rfc", "resend"}:
        return False
    parsed = parse_subject(f"[{tag}] t")
    return parsed.tags == (tag,) and not parsed.version_stated and not parsed.counter_stated


_tag = st.one_of(
    st.sampled_from(["PATCH", "RFC", "RESEND", "XEN", "for-4.21", "OSSTEST", "v2-foo"]),
    st.text(alphabet=_TAG_ALPHABET, min_size=1, max_size=12).filter(_is_plain_tag),
)
_version = st.one_of(
    st.none(),
    st.integers(0, 999).map(str),
    st.tuples(st.integers(0, 99), st.integers(0, 99)).map(lambda t: f"{t[0]}.{t[1]}"),
)
_counter = st.one_of(st.none(), st.tuples(st.integers(0, 9999), st.integers(0, 9999)))
_title = (
    st.text(st.characters(exclude_characters="\r\n", exclude_categories=["Cs"]))
    .map(str.strip)
    .filter(lambda t: not t.startswith("["))
)


@settings(max_examples=300)
@given(
    st.lists(_tag, max_size=4),
    _version,
    _counter,
    _title,
    st.integers(0, 4),
    st.sampled_from(["", "Re: ", "RE: Re: ", "[Xen-devel] ", "Aw: [Xen-devel] ", "Fwd: "]),
)
def test_round_trip(
    tags: list[str],
    version: str | None,
    counter: tuple[int, int] | None,
    title: str,
    width: int,
    prefix: str,
) -> None:
    if not tags and version is None and counter is None:
        tags = ["PATCH"]  # a title alone could itself start with "Re:"
    raw = prefix + format_subject(title, tuple(tags), version, counter, width=width)
    s = parse_subject(raw)
    assert s.tags == tuple(tags)
    assert s.version == (version or "1")
    assert s.version_stated is (version is not None)
    assert (s.counter, s.total) == (counter or (1, 1))
    assert s.counter_stated is (counter is not None)
    assert s.title == title
    assert s.is_reply is any(p in prefix for p in ("Re", "RE", "Aw", "Fwd"))


def test_format_pads_like_git() -> None:
    assert format_subject("x", ("PATCH",), "5", (3, 18)) == "[PATCH v5 03/18] x"
    assert format_subject("x", (), None, None) == "x"


def test_fast_enough_for_a_big_mbox() -> None:
    subjects = [
        f"Re: [Xen-devel] [PATCH for-4.21 v{i % 9}.1 {i % 50:02d}/50] xen/arm: change {i}"
        for i in range(6000)
    ]
    start = time.perf_counter()
    for raw in subjects:
        parse_subject(raw)
    assert time.perf_counter() - start < 1.0
