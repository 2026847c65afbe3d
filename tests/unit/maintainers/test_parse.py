"""parse_maintainers: the mini tree's file, crafted files, malformed lines."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from xenreview.apply.tree import minitree_root
from xenreview.errors import InputError
from xenreview.ingest.model import Person
from xenreview.maintainers import (
    BUNDLED_SOURCE,
    bundled_maintainers,
    load_maintainers,
    parse_maintainers,
)

FIXTURES = Path(__file__).parent / "fixtures"
CRAFTED = (FIXTURES / "crafted_MAINTAINERS").read_text()


def test_mini_tree_entries_in_file_order() -> None:
    text = (minitree_root() / "MAINTAINERS").read_text()
    m = parse_maintainers(text, "MAINTAINERS")
    assert [e.name for e in m.entries] == [
        "ARM ARCHITECTURE",
        "ARM SUSPEND TO RAM",
        "CONSOLE",
        "EVENT CHANNELS",
        "IOMMU VENDOR INDEPENDENT CODE",
        "SCHEDULING",
        "X86 ARCHITECTURE",
        "THE REST",
    ]
    arm = m.entries[0]
    assert arm.maintainers == (
        Person("Alice Arm", "alice@example.org"),
        Person("Bruno Board", "bruno@example.org"),
    )
    assert arm.reviewers == (Person("Carla Cortex", "carla@example.org"),)
    assert arm.status == "Supported"
    assert arm.list == "xen-devel@lists.xenproject.org"
    assert [p.text for p in arm.files] == [
        "xen/arch/arm/",
        "xen/drivers/passthrough/arm/",
        "xen/include/public/arch-arm.h",
    ]
    suspend = m.entries[1]
    assert suspend.keywords == (r"\bsystem_suspend\b",)
    assert suspend.keyword_in("call system_suspend() here")
    assert not suspend.keyword_in("call system_suspended() here")
    iommu = m.entry("IOMMU VENDOR INDEPENDENT CODE")
    assert iommu is not None
    assert [p.text for p in iommu.exclusions] == ["xen/drivers/passthrough/arm/"]
    rest = m.rest
    assert rest is not None and rest.is_rest
    assert [p.text for p in rest.files] == ["*", "*/"]
    assert len(rest.maintainers) == 3
    # Line numbers point into the file.
    lines = text.splitlines()
    assert lines[arm.line - 1] == "ARM ARCHITECTURE"
    assert lines[arm.files[0].line - 1] == "F:\txen/arch/arm/"


def test_bundled_maintainers_has_a_stable_source() -> None:
    m = bundled_maintainers()
    assert m.source == BUNDLED_SOURCE
    assert len(m.entries) == 8


def test_crafted_file_preamble_tabs_spaces_and_kept_fields() -> None:
    m = parse_maintainers(CRAFTED, "crafted")
    assert [e.name for e in m.entries] == [
        "ALPHA DRIVERS",
        "ORPHANED ALPHA LEGACY CODE",
        "THE REST",
        "ZETA TIMERS",
    ]
    alpha = m.entries[0]
    # Tabs or spaces after the field letter.
    assert alpha.maintainers[1] == Person("Ben Beta", "ben@example.org")
    assert alpha.files[1].text == "xen/include/xen/alpha*.h"
    # A quoted display name.
    assert alpha.reviewers == (Person("Cook, Cid", "cid@example.org"),)
    assert alpha.lists == ("xen-devel@lists.xenproject.org", "alpha@lists.example.org")
    assert alpha.other == (
        ("W", "https://alpha.example.org/"),
        ("T", "git https://git.example.org/alpha.git"),
    )
    assert alpha.status == "Odd Fixes"
    orphan = m.entries[1]
    assert orphan.maintainers == () and orphan.status == "Orphan"
    # THE REST is found by its title wherever it sits.
    assert m.rest is m.entries[2]
    assert m.entries[2].other == (("V", "xen-maintainers-1"),)


def test_crlf_text_parses_the_same() -> None:
    assert parse_maintainers(CRAFTED.replace("\n", "\r\n"), "x") == parse_maintainers(CRAFTED, "x")


def test_records_are_frozen() -> None:
    m = parse_maintainers(CRAFTED, "crafted")
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.entries[0].name = "other"  # type: ignore[misc]
    assert isinstance(m.entries, tuple) and isinstance(m.entries[0].files, tuple)


_GOOD = "TITLE\nM:\tAnn <ann@example.org>\nF:\txen/\n"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("intro\n\n" + _GOOD + "\nF:\txen/other/\n", 7, "outside an entry"),
        (_GOOD + "\nLONELY TITLE\n\n" + _GOOD, 5, "has no field lines"),
        (_GOOD + "Z:\tsomething\n", 4, "unknown field Z:"),
        (_GOOD + "this is prose\n", 4, "malformed line"),
        ("TITLE\nM:\tAnn Example\n", 2, "Full Name <address>"),
        ("TITLE\nR:\tann@example.org trailing words\n", 2, "Full Name <address>"),
        ("TITLE\nK:\t(unclosed\n", 2, "regular expression"),
        ("TITLE\nF:\txen/with blank.c\n", 2, "path pattern"),
        ("TITLE\nF:\t/xen/arch/\n", 2, "path pattern"),
        ("TITLE\nX:\txen/../etc/\n", 2, "path pattern"),
        ("TITLE\nM:\n", 2, "empty M:"),
        ("TITLE\nS:\tSupported\nS:\tOrphan\n", 3, "second S:"),
        (_GOOD + "\n\tindented prose\n", 5, "indented line"),
    ],
)
def test_malformed_lines_raise_with_the_line_number(text: str, line: int, words: str) -> None:
    with pytest.raises(InputError) as info:
        parse_maintainers(text, "broken")
    assert info.value.source == "broken"
    assert info.value.where == f"line {line}"
    assert words in info.value.message


def test_a_file_without_entries_is_an_error() -> None:
    with pytest.raises(InputError, match="no maintainer entry"):
        parse_maintainers("just prose\n\nand more prose\n", "empty")


def test_a_bare_address_is_a_person() -> None:
    m = parse_maintainers("TITLE\nM:\tann@example.org\n", "x")
    assert m.entries[0].maintainers == (Person("", "ann@example.org"),)


def test_load_maintainers_reads_through_the_callback() -> None:
    seen: list[str] = []

    def read(path: str) -> str | None:
        seen.append(path)
        return _GOOD

    m = load_maintainers(read, "tree")
    assert seen == ["MAINTAINERS"]
    assert m is not None and m.source == "tree" and m.entries[0].name == "TITLE"
    assert load_maintainers(lambda path: None, "tree") is None
