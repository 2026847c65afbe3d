"""Frozen settings, read from a config file and the command line.

The config lives in ``.xenreview.toml`` (top level keys) or in the
``[tool.xenreview]`` table of ``pyproject.toml``; it is found from the
current directory upward (in each directory ``.xenreview.toml`` wins over
``pyproject.toml``, and a ``pyproject.toml`` without the table is skipped),
or named with ``--config``.  Command-line options override the file.
Unknown keys and values of the wrong type are errors that name the key and
the file: a typo must never be silently ignored.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from xenreview.errors import ConfigError

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the core needs to know about a run; never a typer object."""

    formats: tuple[str, ...] = ("text",)
    config_file: Path | None = None
    debug: bool = False
    # Limits on input, so hostile mail stays bounded in time and memory.
    max_bytes: int = 100 * MIB
    max_patches: int = 5000
    max_recipients: int = 1000
    mbox_dialect: str = "mboxrd"
    list_address: str = "xen-devel@lists.xenproject.org"
    build_command: tuple[str, ...] | None = None  # the build check of a real tree
    # The rule stage (docs/rules.md): which rules run and what their findings become.
    select: tuple[str, ...] | None = None  # None: every stable rule
    ignore: tuple[str, ...] = ()
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (glob, selectors)
    severity: tuple[tuple[str, str], ...] = ()  # (selector, "error" | "warning" | "note")
    preview: bool = False
    fail_on: str = "warning"  # the exit code is 1 from this severity on ("never": never)
    rules_dirs: tuple[Path, ...] = ()  # extra rule folders (--rules-dir)
    baseline: Path | None = None  # --baseline FILE
    write_baseline: Path | None = None  # --write-baseline FILE
    extra: Mapping[str, Any] = field(default_factory=dict)

    def with_options(self, **options: Any) -> Settings:
        """A copy with the given command-line options applied (``None`` = unset)."""
        given = {k: v for k, v in options.items() if v is not None}
        return replace(self, **given)


FORMATS = ("text", "json", "sarif", "codequality", "html", "email")
MBOX_DIALECTS = ("mboxrd", "mboxo")
SEVERITIES = ("error", "warning", "note")
FAIL_ON = (*SEVERITIES, "never")


def _positive_int(key: str, value: Any, where: Path) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"'{key}' must be a positive integer, not {value!r}", source=str(where))
    return value


def _choice(choices: tuple[str, ...]) -> Callable[[str, Any, Path], str]:
    def check(key: str, value: Any, where: Path) -> str:
        if value not in choices:
            raise ConfigError(
                f"'{key}' must be one of {', '.join(choices)}, not {value!r}", source=str(where)
            )
        return str(value)

    return check


def _formats(key: str, value: Any, where: Path) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise ConfigError(f"'{key}' must be a format name or a list of them", source=str(where))
    return tuple(_choice(FORMATS)(key, item, where) for item in items)


def _string(key: str, value: Any, where: Path) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"'{key}' must be a non-empty string, not {value!r}", source=str(where))
    return value


def _command(key: str, value: Any, where: Path) -> tuple[str, ...]:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(item, str) and item for item in value)
    ):
        raise ConfigError(
            f"'{key}' must be a non-empty list of strings (a command and its arguments)",
            source=str(where),
        )
    return tuple(value)


def _bool(key: str, value: Any, where: Path) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"'{key}' must be true or false, not {value!r}", source=str(where))
    return value


def _selector_list(key: str, value: Any, where: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(
        isinstance(item, str) and item.strip() for item in value
    ):
        raise ConfigError(
            f"'{key}' must be a list of rule codes, code prefixes, names or families",
            source=str(where),
        )
    return tuple(item.strip() for item in value)


def _per_path_ignores(key: str, value: Any, where: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ConfigError(
            f"'{key}' must be a table of path patterns to lists of rules", source=str(where)
        )
    out: list[tuple[str, tuple[str, ...]]] = []
    for pattern, selectors in value.items():
        out.append((pattern, _selector_list(f"{key}.{pattern}", selectors, where)))
    return tuple(out)


def _severities(key: str, value: Any, where: Path) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        raise ConfigError(
            f"'{key}' must be a table of rules to error, warning or note", source=str(where)
        )
    return tuple(
        (selector, _choice(SEVERITIES)(f"{key}.{selector}", level, where))
        for selector, level in value.items()
    )


# config key -> (Settings field, validator)
_KEYS: dict[str, tuple[str, Callable[[str, Any, Path], Any]]] = {
    "format": ("formats", _formats),
    "max-bytes": ("max_bytes", _positive_int),
    "max-patches": ("max_patches", _positive_int),
    "max-recipients": ("max_recipients", _positive_int),
    "mbox-dialect": ("mbox_dialect", _choice(MBOX_DIALECTS)),
    "list-address": ("list_address", _string),
    "build-command": ("build_command", _command),
    "select": ("select", _selector_list),
    "ignore": ("ignore", _selector_list),
    "per-path-ignores": ("per_path_ignores", _per_path_ignores),
    "severity": ("severity", _severities),
    "preview": ("preview", _bool),
    "fail-on": ("fail_on", _choice(FAIL_ON)),
}

assert {name for name, _ in _KEYS.values()} <= {f.name for f in fields(Settings)}


def find_config(start: Path) -> Path | None:
    """The config file governing ``start``: nearest directory upward wins."""
    for directory in (start, *start.parents):
        dotfile = directory / ".xenreview.toml"
        if dotfile.is_file():
            return dotfile
        pyproject = directory / "pyproject.toml"
        if (
            pyproject.is_file()
            and "tool" in _read_toml(pyproject)
            and ("xenreview" in _read_toml(pyproject)["tool"])
        ):
            return pyproject
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read config file: {exc.strerror}", source=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", source=str(path)) from None


def table_of(path: Path) -> dict[str, Any]:
    """The xenreview table of a config file (empty when there is none)."""
    data = _read_toml(path)
    table = data.get("tool", {}).get("xenreview", {}) if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise ConfigError("[tool.xenreview] must be a table", source=str(path))
    return table


def load_settings(cwd: Path, config: Path | None = None) -> Settings:
    """Settings from ``config`` (or the file found from ``cwd``), else defaults."""
    path = config if config is not None else find_config(cwd)
    if path is None:
        return Settings()
    if config is not None and not config.is_file():
        raise ConfigError("config file not found", source=str(config))
    values: dict[str, Any] = {"config_file": path}
    for key, value in table_of(path).items():
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"unknown key '{key}' (known keys: {known})", source=str(path))
        name, check = _KEYS[key]
        values[name] = check(key, value, path)
    return Settings(**values)
