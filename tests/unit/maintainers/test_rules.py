"""The ACK rules on their fixtures, applied to the mini tree, and without a tree."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import pytest

from xenreview.apply import apply_series
from xenreview.apply.tree import minitree_root
from xenreview.ingest import ingest
from xenreview.ingest.model import Series
from xenreview.maintainers import DATA_KEY, maintainers_for, parse_maintainers, read_at
from xenreview.rules.api import Context, Finding, LoadedRule
from xenreview.rules.finder import load_file
from xenreview.rules.runner import run_rules
from xenreview.settings import Settings

RULES = Path(__file__).resolve().parents[3] / "rules" / "maintainers"
NAMES = {
    "ACK001": "missing_maintainer_ack",
    "ACK002": "new_directory_without_maintainer",
    "ACK003": "stale_maintainers_pattern",
    "ACK004": "malformed_maintainers_file",
}


@cache
def rule(code: str) -> LoadedRule:
    return load_file(RULES / f"{NAMES[code]}.py", "bundled", "maintainers")


def one_series(path: Path) -> Series:
    ingested = ingest([str(path)], Settings())
    assert len(ingested.series) == 1
    return ingested.series[0]


def run(code: str, fixture: str) -> list[Finding]:
    series = one_series(RULES / NAMES[code] / fixture)
    with apply_series(series) as applied:
        assert all(r.outcome.applied for r in applied.results)
        result = run_rules([rule(code)], series, tree=applied)
    assert result.errors == () and result.skipped == ()
    return list(result.findings)


def test_the_rules_load_with_their_codes() -> None:
    for code, name in NAMES.items():
        loaded = rule(code)
        assert loaded.rule.code == code
        assert loaded.rule.name.replace("-", "_") == name
        assert loaded.rule.family == "maintainers"
        assert loaded.rule.needs_tree


def test_ack001_fires_on_the_file_a_maintainer_did_not_ack() -> None:
    found = run("ACK001", "bad_partial_acks.mbox")
    assert [(f.location.patch, f.message) for f in found] == [
        (
            2,
            "This patch still needs a maintainer's Acked-by or Reviewed-by for"
            " xen/arch/arm/time.c from Alice Arm or Bruno Board.",
        )
    ]


def test_ack001_on_a_maintainers_own_patch() -> None:
    found = run("ACK001", "bad_own_patch.patch")
    assert [f.message for f in found] == [
        "This patch needs an ack from a maintainer other than its author for"
        " xen/drivers/char/console.c from one of Alice Arm, Olaf Overall or Ruth Rest."
    ]


@pytest.mark.parametrize("fixture", ["ok_acked.mbox", "ok_fresh_posting.patch"])
def test_ack001_quiet(fixture: str) -> None:
    assert run("ACK001", fixture) == []


def test_ack002_fires_on_a_new_folder_only_the_rest_covers() -> None:
    found = run("ACK002", "bad_new_common_folder.patch")
    assert [(f.location.path, f.severity.value) for f in found] == [
        ("xen/common/pm/Makefile", "note")
    ]
    assert "xen/common/pm/" in found[0].message
    assert run("ACK002", "ok_new_folder_with_entry.patch") == []


def test_ack003_fires_on_a_moved_file_still_named_in_maintainers() -> None:
    found = run("ACK003", "bad_renamed_file.patch")
    assert [(f.location.path, f.message) for f in found] == [
        (
            "xen/common/event_channel.c",
            "xen/common/event_channel.c is moved to xen/common/evtchn.c but MAINTAINERS"
            " line 62 still says `F: xen/common/event_channel.c` in EVENT CHANNELS:"
            " update that line in this patch.",
        )
    ]
    assert run("ACK003", "ok_renamed_with_update.patch") == []


def test_ack004_points_at_the_broken_line() -> None:
    found = run("ACK004", "bad_reviewer_without_address.patch")
    assert len(found) == 1
    assert found[0].location.path == "MAINTAINERS"
    assert found[0].location.line == 52
    assert found[0].location.diff_line is not None
    assert found[0].excerpt == "R:\tPavel Power"
    assert "Full Name <address>" in found[0].message
    assert run("ACK004", "ok_reviewer_added.patch") == []


def test_without_a_tree_the_rules_say_nothing() -> None:
    series = one_series(RULES / NAMES["ACK001"] / "bad_partial_acks.mbox")
    ctx = Context(series=series, patch=series.patches[1])
    assert list(rule("ACK001").check(series.patches[1], ctx)) == []
    result = run_rules([rule("ACK001")], series, tree=None)
    assert result.findings == () and [s.code for s in result.skipped] == ["ACK001"]


def test_maintainers_handed_in_by_the_engine_are_used() -> None:
    series = one_series(RULES / NAMES["ACK001"] / "bad_partial_acks.mbox")
    # Bruno alone maintains everything: Tomas's ack no longer counts.
    given = parse_maintainers("ALL\nM:\tBruno Board <bruno@example.org>\nF:\txen/\n", "given")
    ctx = Context(series=series, patch=series.patches[0], data={DATA_KEY: given})
    # Nobody in "given" has acked anything yet: the rule waits.
    assert list(rule("ACK001").check(series.patches[0], ctx)) == []
    tomas = parse_maintainers(
        "ALL\nM:\tBruno Board <bruno@example.org>\nM:\tTomas Tty <tomas@example.org>\nF:\txen/\n",
        "given",
    )
    ctx = Context(series=series, patch=series.patches[1], data={DATA_KEY: tomas})
    found = list(rule("ACK001").check(series.patches[1], ctx))
    assert [f.message for f in found] == [
        "This patch still needs a maintainer's Acked-by or Reviewed-by for"
        " xen/arch/arm/time.c from Bruno Board or Tomas Tty."
    ]


def test_ack001_stays_quiet_on_rfc_patches(tmp_path: Path) -> None:
    text = (RULES / NAMES["ACK001"] / "bad_partial_acks.mbox").read_text()
    rfc = tmp_path / "rfc.mbox"
    rfc.write_text(text.replace("[PATCH ", "[RFC PATCH "))
    series = one_series(rfc)
    given = parse_maintainers(
        "ALL\nM:\tBruno Board <bruno@example.org>\nM:\tTomas Tty <tomas@example.org>\nF:\txen/\n",
        "given",
    )
    ctx = Context(series=series, patch=series.patches[1], data={DATA_KEY: given})
    assert series.patches[1].subject.is_rfc
    assert list(rule("ACK001").check(series.patches[1], ctx)) == []


# -- fake trees: states the fixtures cannot show --------------------------------------


class FakeTree:
    """A TreeReader from a table {(path, after_patch): text}; unknown patches raise."""

    def __init__(self, files: Mapping[tuple[str, int], str | None], patches: int) -> None:
        self.files = files
        self.patches = patches

    def read(self, path: str, after_patch: int) -> str | None:
        if after_patch > self.patches:
            raise ValueError(f"no patch {after_patch} in this series")
        return self.files.get((path, after_patch))


def renumbered(series: Series, copies: int) -> Series:
    """``series`` with its only patch followed by ``copies - 1`` empty-diff copies."""
    (first,) = series.patches
    patches = []
    for n in range(1, copies + 1):
        subject = dataclasses.replace(first.message.subject, counter=n, total=copies)
        message = dataclasses.replace(first.message, subject=subject)
        diff = first.diff if n == 1 else dataclasses.replace(first.diff, files=())
        patches.append(dataclasses.replace(first, message=message, diff=diff))
    return dataclasses.replace(series, patches=tuple(patches), total=copies)


MINI_TEXT = (minitree_root() / "MAINTAINERS").read_text()
FIXED_TEXT = MINI_TEXT.replace("F:\txen/common/event_channel.c", "F:\txen/common/evtchn.c")


def test_ack003_quiet_when_a_later_patch_updates_maintainers() -> None:
    series = renumbered(one_series(RULES / NAMES["ACK003"] / "bad_renamed_file.patch"), 2)
    old = "xen/common/event_channel.c"
    stale = {("MAINTAINERS", 0): MINI_TEXT, ("MAINTAINERS", 1): MINI_TEXT, (old, 0): "x"}
    fixed = {**stale, ("MAINTAINERS", 2): FIXED_TEXT}
    result = run_rules([rule("ACK003")], series, tree=FakeTree(fixed, 2))
    assert result.findings == () and result.errors == ()
    still = {**stale, ("MAINTAINERS", 2): MINI_TEXT}
    result = run_rules([rule("ACK003")], series, tree=FakeTree(still, 2))
    assert [f.location.patch for f in result.findings] == [1]


def test_ack002_quiet_when_a_later_patch_adds_the_entry() -> None:
    series = renumbered(one_series(RULES / NAMES["ACK002"] / "bad_new_common_folder.patch"), 2)
    entry = "PM\nM:\tPavel Power <pavel@example.org>\nF:\txen/common/pm/\n\n"
    files = {("MAINTAINERS", 1): MINI_TEXT, ("MAINTAINERS", 2): entry + MINI_TEXT}
    result = run_rules([rule("ACK002")], series, tree=FakeTree(files, 2))
    assert result.findings == () and result.errors == ()
    files[("MAINTAINERS", 2)] = MINI_TEXT
    result = run_rules([rule("ACK002")], series, tree=FakeTree(files, 2))
    assert [f.location.path for f in result.findings] == ["xen/common/pm/Makefile"]


def test_ack004_quiet_when_maintainers_was_broken_before() -> None:
    series = one_series(RULES / NAMES["ACK004"] / "bad_reviewer_without_address.patch")
    broken = MINI_TEXT.replace("M:\tTomas Tty <tomas@example.org>", "M:\tTomas Tty")
    after = broken.replace("CONSOLE\n", "CONSOLE\nR:\tPavel Power\n")
    files = {("MAINTAINERS", 0): broken, ("MAINTAINERS", 1): after}
    result = run_rules([rule("ACK004")], series, tree=FakeTree(files, 1))
    assert result.findings == () and result.errors == ()


def test_a_malformed_or_missing_maintainers_keeps_ack001_quiet() -> None:
    series = one_series(RULES / NAMES["ACK001"] / "bad_partial_acks.mbox")
    for text in ("TITLE\nZ:\tbroken\n", None):
        files = {("MAINTAINERS", 2): text}
        result = run_rules([rule("ACK001")], series, tree=FakeTree(files, 2))
        assert result.findings == () and result.errors == ()


def test_read_at_survives_a_patch_the_tree_does_not_know() -> None:
    series = one_series(RULES / NAMES["ACK001"] / "bad_partial_acks.mbox")
    ctx = Context(series=series, patch=series.patches[0], tree=FakeTree({}, 1))
    assert read_at(ctx, "MAINTAINERS", 2) is None
    assert maintainers_for(ctx) is None
