"""Shared fixtures of the rule engine's tests: the test-only rule folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from xenreview.rules.finder import Catalogue, find_rules

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO = FIXTURES / "rules_demo"
CRASH = FIXTURES / "rules_crash"
BROKEN = FIXTURES / "rules_broken"
DUP = FIXTURES / "rules_dup"
HOOKS = FIXTURES / "hooks.mbox"
NOTES = FIXTURES / "notes.patch"


@pytest.fixture
def no_bundled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hide the bundled catalogue (being written by others) so tests see only their rules."""
    monkeypatch.setattr("xenreview.rules.finder.catalogue_root", lambda: None)


@pytest.fixture
def demo() -> Catalogue:
    catalogue = find_rules([DEMO], bundled=False, entry_points=False)
    assert not catalogue.errors
    return catalogue
