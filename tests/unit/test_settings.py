from __future__ import annotations

from pathlib import Path

import pytest

from xenreview.errors import ConfigError
from xenreview.settings import Settings, find_config, load_settings


def test_defaults_without_config(tmp_path: Path) -> None:
    assert load_settings(tmp_path) == Settings()


def test_dotfile_found_from_a_subdirectory(tmp_path: Path) -> None:
    (tmp_path / ".xenreview.toml").write_text('max-patches = 7\nformat = "json"\n')
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    settings = load_settings(sub)
    assert settings.max_patches == 7
    assert settings.formats == ("json",)
    assert settings.config_file == tmp_path / ".xenreview.toml"


def test_pyproject_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.xenreview]\nmax-bytes = 1000\n")
    assert load_settings(tmp_path).max_bytes == 1000


def test_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    (tmp_path / ".xenreview.toml").write_text("max-recipients = 3\n")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text("[tool.other]\nx = 1\n")
    assert find_config(inner) == tmp_path / ".xenreview.toml"
    assert load_settings(inner).max_recipients == 3


def test_dotfile_wins_over_pyproject_in_same_directory(tmp_path: Path) -> None:
    (tmp_path / ".xenreview.toml").write_text("max-patches = 1\n")
    (tmp_path / "pyproject.toml").write_text("[tool.xenreview]\nmax-patches = 2\n")
    assert load_settings(tmp_path).max_patches == 1


def test_unknown_key_names_key_and_file(tmp_path: Path) -> None:
    config = tmp_path / ".xenreview.toml"
    config.write_text("max-patchs = 3\n")
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    message = str(info.value)
    assert "max-patchs" in message
    assert str(config) in message


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("max-bytes = -1\n", "max-bytes"),
        ('max-bytes = "big"\n', "max-bytes"),
        ("max-patches = true\n", "max-patches"),
        ('format = "xml"\n', "format"),
        ('mbox-dialect = "mboxcl2"\n', "mbox-dialect"),
    ],
)
def test_invalid_values(tmp_path: Path, text: str, key: str) -> None:
    (tmp_path / ".xenreview.toml").write_text(text)
    with pytest.raises(ConfigError, match=key):
        load_settings(tmp_path)


def test_broken_toml(tmp_path: Path) -> None:
    (tmp_path / ".xenreview.toml").write_text("max-bytes = = 3\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_settings(tmp_path)


def test_explicit_missing_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path, tmp_path / "nope.toml")


def test_options_override_file(tmp_path: Path) -> None:
    (tmp_path / ".xenreview.toml").write_text("max-patches = 7\n")
    settings = load_settings(tmp_path).with_options(max_patches=9, max_bytes=None)
    assert settings.max_patches == 9
    assert settings.max_bytes == Settings().max_bytes


def test_the_readme_configuration_example_is_valid(tmp_path: Path) -> None:
    """The example in README.md stays true: every key it shows is accepted."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    start = readme.index("```toml\n") + len("```toml\n")
    example = readme[start : readme.index("```", start)]
    (tmp_path / "pyproject.toml").write_text(example)
    settings = load_settings(tmp_path)
    assert settings.build_command == ("make", "-C", "xen", "-j2")
    assert settings.fail_on == "warning"
