"""The bundled catalogue ships with the package.

``pyproject.toml`` lists the packages by hand (the catalogue is the
top-level ``rules/`` folder mapped to ``xenreview.catalogue``), so a test
checks the list names every package, and a slow test installs the project
for real (``pip install --target``) and runs the finder from there.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from xenreview.rules.finder import rule_files

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def _packages_on_disk() -> set[str]:
    found = set()
    for init in (REPO_ROOT / "xenreview").rglob("__init__.py"):
        package = init.parent.relative_to(REPO_ROOT)
        if "tree" in package.parts:  # the mini tree's files are data
            continue
        found.add(".".join(package.parts))
    return found


def test_the_package_list_names_every_package() -> None:
    assert set(SETUPTOOLS["packages"]) == _packages_on_disk() | {"xenreview.catalogue"}
    assert SETUPTOOLS["package-dir"] == {"xenreview.catalogue": "rules"}
    assert SETUPTOOLS["package-data"]["xenreview.catalogue"] == ["*/*.py"]


_OFFLINE = ("Could not find a version", "No matching distribution", "Failed to establish")
_PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import xenreview
from xenreview.rules.finder import catalogue_root, find_rules
catalogue = find_rules(entry_points=False)
print(json.dumps({
    "package": xenreview.__file__,
    "root": str(catalogue_root()),
    "codes": list(catalogue.codes),
    "origins": sorted({r.origin for r in catalogue.rules}),
    "errors": [str(e) for e in catalogue.errors],
}))
"""


@pytest.mark.slow
def test_a_real_install_carries_the_catalogue(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO_ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO_ROOT / "xenreview", source / "xenreview", ignore=ignore)
    shutil.copytree(REPO_ROOT / "rules", source / "rules", ignore=ignore)
    target = tmp_path / "site"
    command = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-compile"]
    command += ["--disable-pip-version-check", "--retries", "0", "--timeout", "20"]
    command += ["--target", str(target), str(source)]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    if proc.returncode != 0 and any(s in proc.stderr for s in _OFFLINE):
        pytest.skip("building the wheel needs setuptools>=77 from the package index (offline)")
    assert proc.returncode == 0, proc.stderr
    installed = target / "xenreview" / "catalogue"
    files, _ = rule_files(REPO_ROOT / "rules")
    shipped = {p.relative_to(installed).as_posix() for p in installed.glob("*/*.py")}
    assert shipped == {p.relative_to(REPO_ROOT / "rules").as_posix() for p, _ in files}
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE, str(target)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=True,
    )
    found = json.loads(probe.stdout)
    assert Path(found["package"]).is_relative_to(target)
    assert Path(found["root"]) == installed
    assert found["origins"] in ([], ["bundled"])
    assert len(found["codes"]) + len(found["errors"]) == len(files)
