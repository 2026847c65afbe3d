"""Fixtures of the apply tests: a lab repository and a watched temp folder."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.unit.apply.helpers import Lab


@pytest.fixture(autouse=True)
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the apply stage makes its temporary repositories, to check they go."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def lab(tmp_path: Path) -> Lab:
    """A repository holding the fixture tree as its first commit (``lab.base``)."""
    repo = Lab(tmp_path / "xen")
    repo.base = repo.commit("Initial import")
    return repo
