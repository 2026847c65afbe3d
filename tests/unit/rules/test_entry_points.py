"""Rules from the ``xenreview.rules`` entry-point group of an installed package.

The package is ``tests/fixtures/entrypoint_rules``.  It is installed the way
pip lays a wheel out, offline and without a build backend: its package
folder and a ``.dist-info`` (METADATA, entry_points.txt from its
pyproject.toml) in a temporary folder put on ``sys.path``, which is all
``importlib.metadata`` reads.
"""

from __future__ import annotations

import shutil
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.integration.runner import run_cli
from tests.unit.rules.conftest import NOTES
from xenreview.rules.finder import ENTRY_POINT_GROUP, find_rules

PACKAGE = REPO_ROOT / "tests" / "fixtures" / "entrypoint_rules"


def install(site: Path) -> None:
    """Install the fixture package into ``site`` as a wheel would."""
    project = tomllib.loads((PACKAGE / "pyproject.toml").read_text())["project"]
    name, version = project["name"], project["version"]
    shutil.copytree(
        PACKAGE / "xenreview_ep_demo",
        site / "xenreview_ep_demo",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    lines = [f"[{ENTRY_POINT_GROUP}]"]
    lines += [
        f"{key} = {value}" for key, value in project["entry-points"][ENTRY_POINT_GROUP].items()
    ]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    site = tmp_path / "site"
    site.mkdir()
    install(site)
    monkeypatch.syspath_prepend(str(site))
    yield site
    for module in [m for m in sys.modules if m.split(".")[0] == "xenreview_ep_demo"]:
        del sys.modules[module]


def test_without_the_package_no_entry_point_rules() -> None:
    catalogue = find_rules(bundled=False)
    assert not any(r.origin.startswith("entry-point:") for r in catalogue.rules)


@pytest.mark.usefixtures("installed")
def test_entry_points_give_rules_and_errors() -> None:
    catalogue = find_rules(bundled=False)
    origins = {r.rule.code: r.origin for r in catalogue.rules}
    assert origins == {
        "EPT001": "entry-point:single",
        "EPT002": "entry-point:several",
        "EPT003": "entry-point:several",
    }
    (error,) = catalogue.errors
    assert error.origin == "entry-point:broken"
    assert "neither RULE nor RULES" in error.message
    single = catalogue.lookup("EPT001")
    assert single is not None and single.module_path is not None
    assert single.module_path.endswith("single.py")


@pytest.mark.usefixtures("installed", "no_bundled")
def test_entry_point_rules_run_and_are_listed_from_the_cli() -> None:
    listed = run_cli(["rules", "--format", "json"])
    assert listed.code == 3  # the broken entry point
    assert "entry-point:broken" in listed.stderr
    import json

    rows = json.loads(listed.stdout)["rules"]
    assert [(r["code"], r["origin"]) for r in rows] == [
        ("EPT001", "entry-point:single"),
        ("EPT002", "entry-point:several"),
        ("EPT003", "entry-point:several"),
    ]
    result = run_cli(["review", "--no-apply", "--format", "json", "--fail-on", "note", str(NOTES)])
    assert result.code == 3, result.stderr  # a rule failed to load: 3 wins over findings
    (series,) = json.loads(result.stdout)["series"]
    assert sorted({f["code"] for f in series["findings"]}) == ["EPT001", "EPT002", "EPT003"]
