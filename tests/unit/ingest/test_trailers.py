"""Trailer lines and trailer blocks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xenreview.ingest.model import Person
from xenreview.ingest.trailers import (
    PERSON_TRAILERS,
    TRAILER_NAMES,
    find_trailer_block,
    format_trailer,
    normalise_trailer_name,
    parse_person,
    parse_trailer,
    split_trailers,
)

ALICE = Person("Alice Example", "alice@example.org")


@pytest.mark.parametrize(
    ("line", "name", "person", "scope", "extinfo", "value"),
    [
        (
            "Signed-off-by: Alice Example <alice@example.org>",
            "Signed-off-by",
            ALICE,
            None,
            None,
            "Alice Example <alice@example.org>",
        ),
        (
            "Signed-Off-By: Alice Example <alice@example.org>",
            "Signed-off-by",
            ALICE,
            None,
            None,
            "Alice Example <alice@example.org>",
        ),
        (
            "release-acked-by: Alice Example <alice@example.org>",
            "Release-Acked-by",
            ALICE,
            None,
            None,
            "Alice Example <alice@example.org>",
        ),
        (
            "Acked-by: Alice Example <alice@example.org> # arm",
            "Acked-by",
            ALICE,
            "arm",
            None,
            "Alice Example <alice@example.org> # arm",
        ),
        (
            "Acked-by: Alice Example <alice@example.org> [for the x86 part]",
            "Acked-by",
            ALICE,
            None,
            "[for the x86 part]",
            "Alice Example <alice@example.org> [for the x86 part]",
        ),
        (
            'Reviewed-by: "Example, Alice" <alice@example.org>',
            "Reviewed-by",
            Person("Example, Alice", "alice@example.org"),
            None,
            None,
            '"Example, Alice" <alice@example.org>',
        ),
        (
            "Reported-by: alice@example.org",
            "Reported-by",
            Person("", "alice@example.org"),
            None,
            None,
            "alice@example.org",
        ),
        (
            "Cc: <bob@example.org>",
            "Cc",
            Person("", "bob@example.org"),
            None,
            None,
            "<bob@example.org>",
        ),
        (
            'Fixes: 0123456789ab ("xen/arm: subject <with> brackets")',
            "Fixes",
            None,
            None,
            None,
            '0123456789ab ("xen/arm: subject <with> brackets")',
        ),
        (
            'Amends: 0123456789ab ("x86: thing")',
            "Amends",
            None,
            None,
            None,
            '0123456789ab ("x86: thing")',
        ),
        (
            "Link: https://example.org/xen-devel/1234@example.org/",
            "Link",
            None,
            None,
            None,
            "https://example.org/xen-devel/1234@example.org/",
        ),
        ("Tested-by: Alice Example", "Tested-by", None, None, None, "Alice Example"),
        (
            "Bug-reported-by: Alice Example <alice@example.org>",
            "Bug-reported-by",
            ALICE,
            None,
            None,
            "Alice Example <alice@example.org>",
        ),
        ("Signed-off-by:", "Signed-off-by", None, None, None, ""),
        (
            "CC: Bob <bob@example.org>  ",
            "Cc",
            Person("Bob", "bob@example.org"),
            None,
            None,
            "Bob <bob@example.org>",
        ),
    ],
)
def test_parse_trailer_table(
    line: str,
    name: str,
    person: Person | None,
    scope: str | None,
    extinfo: str | None,
    value: str,
) -> None:
    t = parse_trailer(line, origin="<m@example.org>")
    assert t is not None
    assert (t.name, t.person, t.scope, t.extinfo, t.value) == (name, person, scope, extinfo, value)
    assert t.line == line
    assert t.origin == "<m@example.org>"


@pytest.mark.parametrize(
    "line",
    [
        "",
        "plain prose",
        "Note:",
        "https://example.org/x",
        "The fix: do it",
        "  Signed-off-by: indented <a@example.org>",
        "Signed-off-by:Alice <a@example.org>",
        "12:30 meeting",
        "-dash: no",
        "> Reviewed-by: Alice <alice@example.org>",
    ],
)
def test_not_trailers(line: str) -> None:
    assert parse_trailer(line) is None


def test_names() -> None:
    assert len(TRAILER_NAMES) == 16
    assert normalise_trailer_name("CO-DEVELOPED-BY") == "Co-developed-by"
    assert normalise_trailer_name("X-Custom") == "X-Custom"
    assert "Reviewed-by" in PERSON_TRAILERS and "Fixes" not in PERSON_TRAILERS


def test_parse_person_unquotes() -> None:
    assert parse_person('"A \\"B\\" C" <c@example.org> x') == (
        Person('A "B" C', "c@example.org"),
        "x",
    )
    assert parse_person("nobody") == (None, "nobody")
    assert parse_person("Broken <>") == (None, "Broken <>")


@given(st.text())
def test_parse_trailer_never_raises(line: str) -> None:
    t = parse_trailer(line)
    if t is not None:
        assert t.line == line
        assert t.value == t.value.strip()


@given(st.lists(st.text(max_size=40), max_size=12))
def test_find_block_never_raises(lines: list[str]) -> None:
    block = find_trailer_block(lines)
    if block is not None:
        assert 0 <= block.start < block.end <= len(lines)
        assert block.trailers


_name_chars = st.characters(
    exclude_characters='<>"\r\n\\', exclude_categories=["Cs", "Zl", "Zp", "Cc"]
)
_person_name = st.text(_name_chars, max_size=20).map(str.strip)
_email = st.from_regex(r"[a-z0-9._+-]{1,10}@[a-z0-9-]{1,10}\.(org|net)", fullmatch=True)
_scope = st.one_of(st.none(), st.from_regex(r"[a-z0-9/._-]{1,10}", fullmatch=True))
_case = st.sampled_from([str, str.lower, str.upper, str.title])


@settings(max_examples=200)
@given(st.sampled_from(sorted(PERSON_TRAILERS)), _case, _person_name, _email, _scope)
def test_person_round_trip(
    name: str, case: object, who: str, email: str, scope: str | None
) -> None:
    assert callable(case)
    person = Person(who, email)
    value = str(person) + (f" # {scope}" if scope else "")
    t = parse_trailer(f"{case(name)}: {value}")
    assert t is not None
    assert t.name == name
    assert t.person == person
    assert t.scope == scope
    assert t.extinfo is None
    assert format_trailer(t) == f"{name}: {value}"


@given(st.sampled_from(["Fixes", "Amends"]), st.text(_name_chars, min_size=1).map(str.strip))
def test_fixes_value_kept_whole(name: str, value: str) -> None:
    if not value:
        return
    t = parse_trailer(f"{name}: {value}")
    assert t is not None
    assert (t.value, t.person) == (value, None)


# --- trailer blocks ----------------------------------------------------------

MESSAGE = """\
Do the thing for the reason.  Note: this is prose.

Fixes: 0123456789ab ("xen/arm: older change that
       wrapped")
Signed-off-by: Alice Example <alice@example.org>
[ jb: fixed typo in the description ]
Acked-by: Bob Example <bob@example.org> # arm
Release-Acked-by: Carol Example <carol@example.org>
"""


def test_block_with_notes_and_continuations() -> None:
    body, block = split_trailers(MESSAGE)
    assert body == "Do the thing for the reason.  Note: this is prose."
    assert block is not None
    assert [t.name for t in block.trailers] == [
        "Fixes",
        "Signed-off-by",
        "Acked-by",
        "Release-Acked-by",
    ]
    assert block.trailers[0].value == '0123456789ab ("xen/arm: older change that wrapped")'
    assert block.trailers[0].line.count("\n") == 1
    assert block.trailers[2].scope == "arm"
    assert block.notes == ("[ jb: fixed typo in the description ]",)
    assert block.separated


def test_multi_line_note() -> None:
    lines = [
        "Body.",
        "",
        "Signed-off-by: Alice Example <alice@example.org>",
        "[ jb: rewrote the loop and",
        "  fixed the description ]",
        "Acked-by: Bob Example <bob@example.org>",
    ]
    block = find_trailer_block(lines)
    assert block is not None
    assert [t.name for t in block.trailers] == ["Signed-off-by", "Acked-by"]
    assert block.notes == ("[ jb: rewrote the loop and\n  fixed the description ]",)


def test_prose_paragraph_is_not_a_block() -> None:
    text = "First paragraph.\n\nThis paragraph mentions\nReviewed-by: in prose only\nand more."
    body, block = split_trailers(text)
    assert block is None
    assert body == text


def test_unknown_names_only_inside_a_block() -> None:
    body, block = split_trailers("Body.\n\nTicket: XEN-123\nSigned-off-by: A <a@example.org>\n")
    assert block is not None and [t.name for t in block.trailers] == ["Ticket", "Signed-off-by"]
    # A last paragraph of unknown names only is prose.
    body, block = split_trailers("Body.\n\nNote: keep this in mind\n")
    assert block is None and body.endswith("Note: keep this in mind")


def test_trailers_glued_to_prose_are_found_but_not_separated() -> None:
    body, block = split_trailers("Body text.\nSigned-off-by: Alice Example <alice@example.org>\n")
    assert block is not None and not block.separated
    assert body == "Body text."
    assert [t.name for t in block.trailers] == ["Signed-off-by"]


def test_only_trailers() -> None:
    body, block = split_trailers("Signed-off-by: Alice Example <alice@example.org>")
    assert body == "" and block is not None and block.separated and block.start == 0


def test_unclosed_note_is_prose() -> None:
    body, block = split_trailers(
        "Body.\n\n[1] https://example.org/a\nSigned-off-by: Alice <alice@example.org>"
    )
    assert block is not None and not block.separated
    assert body == "Body.\n\n[1] https://example.org/a"


def test_empty() -> None:
    assert split_trailers("") == ("", None)
    assert find_trailer_block([]) is None
