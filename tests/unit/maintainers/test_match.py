"""Matching paths to entries: patterns, X: exclusions, specificity, THE REST."""

from __future__ import annotations

from pathlib import Path

import pytest

from xenreview.maintainers import (
    Pattern,
    bundled_maintainers,
    parse_maintainers,
    recipients,
)

FIXTURES = Path(__file__).parent / "fixtures"
CRAFTED = parse_maintainers((FIXTURES / "crafted_MAINTAINERS").read_text(), "crafted")
EQUAL = parse_maintainers((FIXTURES / "equal_MAINTAINERS").read_text(), "equal")
MINI = bundled_maintainers()


def names(entries: object) -> list[str]:
    return [e.name for e in entries]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("xen/arch/arm/", "xen/arch/arm/gic.c", (3, 3)),
        ("xen/arch/arm/", "xen/arch/arm/include/asm/gic.h", (3, 3)),
        ("xen/arch/arm/", "xen/arch/arm64.c", None),
        ("xen/arch/arm/", "xen/arch/arm", None),
        ("xen/arch/arm", "xen/arch/arm/gic.c", (3, 3)),  # a literal folder without "/"
        ("xen/arch/arm/gic.c", "xen/arch/arm/gic.c", (4, 4)),
        ("xen/arch/arm/gic.c", "xen/arch/arm/gic.h", None),
        ("xen/arch/*/gic.c", "xen/arch/arm/gic.c", (4, 3)),
        ("xen/arch/*/gic.c", "xen/arch/arm/sub/gic.c", None),
        ("xen/arch/arm/*.c", "xen/arch/arm/gic.c", (4, 3)),
        ("xen/arch/arm/*.c", "xen/arch/arm/sub/gic.c", None),  # "*" never crosses "/"
        ("xen/arch/arm/gic-v?.c", "xen/arch/arm/gic-v2.c", (4, 3)),
        ("xen/arch/arm/gic-v?.c", "xen/arch/arm/gic-v10.c", None),
        ("xen/*/", "xen/common/sched/core.c", (2, 1)),
        ("*", "README", (1, 0)),
        ("*", "xen/README", None),
        ("*/", "xen/README", (1, 0)),
        ("*/", "README", None),
    ],
)
def test_pattern_match(pattern: str, path: str, expected: tuple[int, int] | None) -> None:
    assert Pattern.parse(pattern, 1).match(path) == expected


def test_exclusions_remove_files_from_an_entry() -> None:
    smmu = "xen/drivers/passthrough/arm/smmu.c"
    assert names(MINI.covering(smmu)) == ["ARM ARCHITECTURE"]
    assert names(MINI.covering("xen/drivers/passthrough/iommu.c")) == [
        "IOMMU VENDOR INDEPENDENT CODE"
    ]
    legacy = "xen/drivers/alpha/legacy/old.c"
    assert names(CRAFTED.covering(legacy)) == ["ORPHANED ALPHA LEGACY CODE"]


def test_most_specific_entry_wins() -> None:
    assert names(MINI.most_specific("xen/arch/arm/suspend.c")) == ["ARM SUSPEND TO RAM"]
    assert names(MINI.covering("xen/arch/arm/suspend.c")) == [
        "ARM SUSPEND TO RAM",
        "ARM ARCHITECTURE",
    ]
    assert names(MINI.most_specific("xen/arch/arm/gic.c")) == ["ARM ARCHITECTURE"]
    assert names(MINI.most_specific("xen/common/sched/core.c")) == ["SCHEDULING"]


def test_the_rest_applies_only_when_nothing_else_matches() -> None:
    assert names(MINI.most_specific("xen/common/domain.c")) == ["THE REST"]
    assert names(MINI.most_specific("README")) == ["THE REST"]
    assert MINI.matches("xen/common/domain.c") == ()
    assert "THE REST" not in names(MINI.covering("xen/arch/arm/gic.c"))


def test_equally_specific_entries_all_apply() -> None:
    assert names(EQUAL.most_specific("xen/shared/core.c")) == ["SHARED ONE", "SHARED TWO"]


def test_a_literal_beats_a_glob_of_the_same_depth() -> None:
    assert names(EQUAL.most_specific("xen/shared/api.h")) == ["SHARED HEADER"]
    assert names(EQUAL.most_specific("xen/shared/other.h")) == ["SHARED GLOB"]


def test_an_entry_without_maintainers_passes_to_the_next_level() -> None:
    assert names(EQUAL.covering("xen/shared/old.c"))[0] == "SHARED ORPHAN FILE"
    assert names(EQUAL.most_specific("xen/shared/old.c")) == ["SHARED ONE", "SHARED TWO"]
    # The orphaned legacy folder is excluded from ALPHA: THE REST takes it.
    assert names(CRAFTED.most_specific("xen/drivers/alpha/legacy/old.c")) == ["THE REST"]


def test_no_entry_and_no_rest() -> None:
    assert EQUAL.rest is None
    assert EQUAL.most_specific("xen/common/domain.c") == ()
    assert EQUAL.covering("xen/common/domain.c") == ()


def test_crafted_patterns() -> None:
    assert names(CRAFTED.most_specific("xen/include/xen/alpha_regs.h")) == ["ALPHA DRIVERS"]
    assert names(CRAFTED.most_specific("xen/drivers/alpha-v3.c")) == ["ALPHA DRIVERS"]
    assert names(CRAFTED.most_specific("xen/common/zeta/zeta.c")) == ["ZETA TIMERS"]
    assert names(CRAFTED.most_specific("xen/common/timer.c")) == ["ZETA TIMERS"]
    assert names(CRAFTED.most_specific("xen/common/timers.c")) == ["THE REST"]


def test_recipients_follow_paths_and_keywords() -> None:
    people = recipients(MINI, ["xen/arch/arm/gic.c"])
    assert [p.name for p in people.maintainers] == ["Alice Arm", "Bruno Board"]
    assert [p.name for p in people.reviewers] == ["Carla Cortex"]
    assert people.lists == ("xen-devel@lists.xenproject.org",)
    keyword = recipients(MINI, ["xen/common/domain.c"], "+    system_suspend();\n")
    assert [p.name for p in keyword.maintainers] == [
        "Alice Arm",
        "Olaf Overall",
        "Ruth Rest",
        "Dora Deepsleep",
    ]
    # Alice is a maintainer already: not repeated among the reviewers.
    assert [p.name for p in keyword.reviewers] == ["Pavel Power"]
