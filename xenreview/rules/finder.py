"""Finding rules: the bundled catalogue, ``--rules-dir`` folders, entry points.

Rules are found -> loaded -> validated by small functions over immutable
records, and the result is sorted by code, so two runs over the same files
give the same :class:`Catalogue`.

Where rules come from, in this order (the first of two rules with the same
code wins; the second is a load error naming both origins):

1. the bundled catalogue: the top-level ``rules/`` folder of a checkout, or
   ``xenreview/catalogue/`` in an installed package (``pyproject.toml`` maps
   the folder there); origin ``bundled``;
2. each ``--rules-dir`` folder, same layout; origin ``folder:<path>``;
3. the ``xenreview.rules`` entry-point group: each entry point names a
   module with ``RULE`` and ``check``, or a module whose ``RULES`` is a
   tuple of such modules; origin ``entry-point:<name>``.

A folder holds ``<family>/<rule_name>.py`` files (``rule_name`` is the
rule's kebab-case name with ``_``; the folder is its family).  Each file is
loaded by path under a unique module name, never as part of a package, so
rule files import only ``xenreview.*`` and the standard library.

A rule that fails to load (an exception, a missing or malformed ``RULE``,
a docstring without the five headings, a bad code or name, a duplicate) is
not dropped silently: it becomes a :class:`~xenreview.rules.outcome.ToolError`
(its code if known, its origin, a one-line reason) and the run goes on with
the others; the CLI exits with code 3.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

from xenreview.errors import UsageError
from xenreview.rules.api import HEADINGS, LoadedRule, Rule, Scope, parse_doc
from xenreview.rules.outcome import ToolError, one_line

ENTRY_POINT_GROUP = "xenreview.rules"
BUNDLED = "bundled"
CODE_PATTERN = re.compile(r"^[A-Z]{3,4}\d{3}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_MODULE_PREFIX = "xenreview_rule_"


class RuleLoadError(Exception):
    """Why one rule module cannot be used (turned into a ToolError)."""

    def __init__(self, reason: str, code: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The rules found, sorted by code, and the ones that could not be loaded."""

    rules: tuple[LoadedRule, ...]
    errors: tuple[ToolError, ...] = ()

    def lookup(self, code_or_name: str) -> LoadedRule | None:
        """The rule with this code (any case) or name, else None."""
        wanted = code_or_name.strip()
        for loaded in self.rules:
            if loaded.rule.code == wanted.upper() or loaded.rule.name == wanted.lower():
                return loaded
        return None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(loaded.rule.code for loaded in self.rules)


# -- where the bundled catalogue is ------------------------------------------------


def catalogue_root() -> Path | None:
    """The bundled catalogue's folder, or None when this installation has none.

    An installed package carries it as ``xenreview/catalogue/``; a source
    checkout (editable install, or tests run from the checkout) has it as
    the top-level ``rules/`` folder beside ``pyproject.toml``.
    """
    package = Path(__file__).resolve().parent.parent
    installed = package / "catalogue"
    if installed.is_dir():
        return installed
    checkout = package.parent
    if (checkout / "rules").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout / "rules"
    return None


# -- loading one module ------------------------------------------------------------------


def _module_name(path: Path) -> str:
    digest = hashlib.sha256(str(path).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    stem = re.sub(r"\W", "_", path.stem)
    return f"{_MODULE_PREFIX}{stem}_{digest}"


def import_path(path: Path) -> ModuleType:
    """Execute the Python file ``path`` as a new module with a unique name.

    The module is registered in ``sys.modules`` while (and after) it runs,
    as dataclasses and pickling need; a failed import leaves no entry.
    """
    name = _module_name(path.resolve())
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise RuleLoadError("not a loadable Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def _validate_doc(doc: str) -> None:
    sections = parse_doc(doc)
    missing = [h for h in HEADINGS if h not in sections]
    if missing:
        raise RuleLoadError(
            "the docstring lacks the heading(s) " + ", ".join(f"**{h}**" for h in missing)
        )
    extra = [h for h in sections if h not in HEADINGS]
    if extra:
        raise RuleLoadError(
            "the docstring has unexpected heading(s) " + ", ".join(f"**{h}**" for h in extra)
        )
    if tuple(sections) != HEADINGS:
        raise RuleLoadError("the docstring's headings are not in the order " + ", ".join(HEADINGS))
    empty = [h for h in HEADINGS if not sections[h]]
    if empty:
        raise RuleLoadError("the docstring has empty section(s) " + ", ".join(empty))


def validate_rule(rule: Any) -> Rule:
    """Check a ``RULE`` record's shape; its code is attached to any error."""
    if not isinstance(rule, Rule):
        raise RuleLoadError(f"RULE is a {type(rule).__name__}, not a xenreview.rules.api.Rule")
    code = rule.code if isinstance(rule.code, str) else None
    if code is None or not CODE_PATTERN.match(code):
        raise RuleLoadError(
            f"code {rule.code!r} is not three or four capitals and three digits", None
        )
    if not isinstance(rule.name, str) or not NAME_PATTERN.match(rule.name):
        raise RuleLoadError(f"name {rule.name!r} is not kebab case", code)
    if not isinstance(rule.family, str) or not rule.family:
        raise RuleLoadError("family is empty", code)
    if not isinstance(rule.scope, Scope):
        raise RuleLoadError(f"scope {rule.scope!r} is not a Scope", code)
    if not isinstance(rule.paths, tuple) or not all(isinstance(p, str) for p in rule.paths):
        raise RuleLoadError("paths must be a tuple of fnmatch patterns", code)
    return rule


def rule_from_module(
    module: ModuleType,
    origin: str,
    *,
    path: Path | None = None,
    family: str | None = None,
) -> LoadedRule:
    """The :class:`LoadedRule` of a rule module, validated.

    ``family`` (the folder a file rule is in) must equal ``RULE.family``, and
    the file's name must be the rule's name with ``_``.
    """
    if not hasattr(module, "RULE"):
        raise RuleLoadError("no RULE record")
    rule = validate_rule(module.RULE)
    check = getattr(module, "check", None)
    if not callable(check):
        raise RuleLoadError("no check(subject, ctx) function", rule.code)
    doc = module.__doc__
    if not isinstance(doc, str) or not doc.strip():
        raise RuleLoadError("no module docstring", rule.code)
    try:
        _validate_doc(doc)
    except RuleLoadError as exc:
        raise RuleLoadError(exc.reason, rule.code) from None
    if family is not None and rule.family != family:
        raise RuleLoadError(f"family {rule.family!r} differs from its folder {family!r}", rule.code)
    if path is not None and family is not None and path.stem != rule.name.replace("-", "_"):
        raise RuleLoadError(
            f"the file should be named {rule.name.replace('-', '_')}.py after the rule's name",
            rule.code,
        )
    module_path = str(path) if path is not None else getattr(module, "__file__", None)
    return LoadedRule(
        rule=rule, check=check, doc=doc.strip(), origin=origin, module_path=module_path
    )


def load_file(path: Path, origin: str, family: str | None) -> LoadedRule:
    """Load and validate one rule file (raises :class:`RuleLoadError`)."""
    try:
        module = import_path(path)
    except RuleLoadError:
        raise
    except (Exception, SystemExit) as exc:
        raise RuleLoadError(f"failed to import: {one_line(exc)}") from None
    return rule_from_module(module, origin, path=path, family=family)


# -- folders and entry points ----------------------------------------------------------


def rule_files(root: Path) -> tuple[list[tuple[Path, str]], list[Path]]:
    """``(rule file, family)`` pairs under ``root`` in sorted order, and misplaced files."""
    found: list[tuple[Path, str]] = []
    misplaced: list[Path] = []
    for entry in sorted(root.iterdir()):
        if entry.is_file() and entry.suffix == ".py" and entry.name != "__init__.py":
            misplaced.append(entry)
        if not entry.is_dir() or entry.name.startswith((".", "_")):
            continue
        for file in sorted(entry.glob("*.py")):
            if file.name.startswith("_") or not file.is_file():
                continue
            found.append((file, entry.name))
    return found, misplaced


def load_folder(root: Path, origin: str) -> tuple[list[LoadedRule], list[ToolError]]:
    """Every rule of a catalogue folder, and the errors of those that did not load."""
    rules: list[LoadedRule] = []
    errors: list[ToolError] = []
    files, misplaced = rule_files(root)
    for path in misplaced:
        errors.append(
            ToolError(f"{_relative(path, root)}: a rule file must be in a family folder", origin)
        )
    for path, family in files:
        try:
            rules.append(load_file(path, origin, family))
        except RuleLoadError as exc:
            errors.append(ToolError(f"{_relative(path, root)}: {exc.reason}", origin, exc.code))
    return rules, errors


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _entry_point_modules(value: Any) -> list[ModuleType]:
    if not isinstance(value, ModuleType):
        raise RuleLoadError(f"the entry point gives a {type(value).__name__}, not a module")
    if hasattr(value, "RULE"):
        return [value]
    many = getattr(value, "RULES", None)
    if many is None:
        raise RuleLoadError("the module has neither RULE nor RULES")
    if not isinstance(many, tuple | list) or not all(isinstance(m, ModuleType) for m in many):
        raise RuleLoadError("RULES must be a tuple of rule modules")
    return list(many)


def load_entry_points(
    entry_points: Iterable[metadata.EntryPoint] | None = None,
) -> tuple[list[LoadedRule], list[ToolError]]:
    """Every rule registered under the ``xenreview.rules`` entry-point group."""
    if entry_points is None:
        entry_points = metadata.entry_points(group=ENTRY_POINT_GROUP)
    rules: list[LoadedRule] = []
    errors: list[ToolError] = []
    for ep in sorted(entry_points, key=lambda e: (e.name, e.value)):
        origin = f"entry-point:{ep.name}"
        try:
            modules = _entry_point_modules(ep.load())
        except RuleLoadError as exc:
            errors.append(ToolError(f"{ep.value}: {exc.reason}", origin))
            continue
        except (Exception, SystemExit) as exc:
            errors.append(ToolError(f"{ep.value}: failed to import: {one_line(exc)}", origin))
            continue
        for module in modules:
            try:
                rules.append(rule_from_module(module, origin))
            except RuleLoadError as exc:
                errors.append(ToolError(f"{module.__name__}: {exc.reason}", origin, exc.code))
    return rules, errors


def _where(loaded: LoadedRule) -> str:
    return f"{loaded.origin} ({loaded.module_path})" if loaded.module_path else loaded.origin


def merge(found: Sequence[LoadedRule]) -> tuple[list[LoadedRule], list[ToolError]]:
    """Drop duplicates (same code or same name), keeping the first; each is an error."""
    by_code: dict[str, LoadedRule] = {}
    by_name: dict[str, LoadedRule] = {}
    kept: list[LoadedRule] = []
    errors: list[ToolError] = []
    for loaded in found:
        rule = loaded.rule
        first = by_code.get(rule.code)
        what = f"duplicate code {rule.code}"
        if first is None:
            first = by_name.get(rule.name)
            what = f"duplicate name {rule.name}"
        if first is not None:
            errors.append(
                ToolError(
                    f"{what}: {_where(loaded)} and {_where(first)}; the first one is used",
                    loaded.origin,
                    rule.code,
                )
            )
            continue
        by_code[rule.code] = loaded
        by_name[rule.name] = loaded
        kept.append(loaded)
    return kept, errors


def find_rules(
    rules_dirs: Sequence[Path] = (),
    *,
    bundled: bool = True,
    entry_points: bool = True,
    catalogue: Path | None = None,
) -> Catalogue:
    """Find, load and validate every rule; sorted by code.

    ``catalogue`` replaces the bundled folder (tests).  A ``rules_dirs``
    entry that is not a folder is a usage error (exit code 2).
    """
    found: list[LoadedRule] = []
    errors: list[ToolError] = []
    root = catalogue if catalogue is not None else (catalogue_root() if bundled else None)
    if root is not None and root.is_dir():
        rules, problems = load_folder(root, BUNDLED)
        found.extend(rules)
        errors.extend(problems)
    for folder in rules_dirs:
        if not folder.is_dir():
            raise UsageError("not a folder of rules", source=str(folder), where="--rules-dir")
        rules, problems = load_folder(folder, f"folder:{folder}")
        found.extend(rules)
        errors.extend(problems)
    if entry_points:
        rules, problems = load_entry_points()
        found.extend(rules)
        errors.extend(problems)
    kept, duplicates = merge(found)
    errors.extend(duplicates)
    kept.sort(key=lambda loaded: loaded.rule.code)
    return Catalogue(tuple(kept), tuple(errors))
