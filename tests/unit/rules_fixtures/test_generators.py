"""The fixture generators of the commit, series, maintainers and model rules rebuild the
committed fixtures byte for byte.

Each generator writes its family's ``bad_*``/``ok_*`` mails into a temporary
folder, in one scratch repository shared by all families (about 3 s in all);
every committed ``.patch``/``.mbox`` of the family must have a recipe, and
every file written must equal the committed one.  A failure means a recipe
or ``tests/fixture_patches.py`` changed without the fixtures being rebuilt
(``python -m tests.unit.rules_<family>.make_fixtures``), or a fixture was
edited by hand.
"""

from __future__ import annotations

import importlib
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

from tests.fixture_patches import PatchMaker

FAMILIES = ["commit", "series", "maintainers", "model"]


@pytest.fixture(scope="module")
def maker(tmp_path_factory: pytest.TempPathFactory) -> PatchMaker:
    root = tmp_path_factory.mktemp("generators")
    made = PatchMaker(
        "unused", ("Test Committer", "committer@example.org"), root, scratch=root / "scratch"
    )
    made.setup()
    return made


def generator(family: str) -> ModuleType:
    return importlib.import_module(f"tests.unit.rules_{family}.make_fixtures")


def committed(folder: Path) -> list[Path]:
    return sorted(
        p.relative_to(folder) for p in folder.glob("*/*") if p.suffix in {".patch", ".mbox"}
    )


@pytest.mark.parametrize("family", FAMILIES)
def test_generator_rebuilds_the_committed_fixtures(
    maker: PatchMaker, family: str, tmp_path: Path
) -> None:
    module = generator(family)
    maker.out = tmp_path / family
    written = module.generate(maker, module.SPECS)
    made = sorted(p.relative_to(maker.out) for p in written)
    assert made == committed(module.OUT)
    differing = [
        str(rel)
        for rel in made
        if (maker.out / rel).read_bytes() != (module.OUT / rel).read_bytes()
    ]
    assert differing == []


def test_a_changed_recipe_is_noticed(maker: PatchMaker, tmp_path: Path) -> None:
    """The comparison can fail: one changed word in a commit message changes the file."""
    module = generator("maintainers")
    maker.out = tmp_path
    fx = module.SPECS[0]
    commit = replace(fx.commits[0], body=fx.commits[0].body + "\nOne more line.\n")
    (path,) = module.generate(maker, [replace(fx, commits=[commit])])
    assert path.read_bytes() != (module.OUT / fx.out).read_bytes()


def test_only_the_wanted_fixtures_are_written(maker: PatchMaker, tmp_path: Path) -> None:
    module = generator("model")
    maker.out = tmp_path
    written = module.generate(maker, module.SPECS, ["resume_ladder_mismatch/"])
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        "resume_ladder_mismatch/bad_thaw_before_scheduler.patch",
        "resume_ladder_mismatch/ok_undo_in_reverse.patch",
    ]
