"""Finding, loading and validating rules; load errors are reported, never dropped."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.unit.rules.conftest import BROKEN, DEMO, DUP
from xenreview.errors import UsageError
from xenreview.rules.api import LoadedRule, Rule, Scope
from xenreview.rules.finder import (
    BUNDLED,
    catalogue_root,
    find_rules,
    import_path,
    merge,
)


def test_a_folder_of_rules_loads_sorted_by_code() -> None:
    catalogue = find_rules([DEMO], bundled=False, entry_points=False)
    assert catalogue.errors == ()
    assert catalogue.codes == ("TST001", "TST002", "TST003", "TST004")
    todo = catalogue.rules[0]
    assert todo.rule.name == "todo-comment"
    assert todo.rule.scope is Scope.ADDED_LINE
    assert todo.origin == f"folder:{DEMO}"
    assert todo.module_path == str(DEMO / "demo" / "todo_comment.py")
    assert todo.doc.startswith("Added lines that leave a TODO behind.")
    assert "**References**" in todo.doc


def test_lookup_by_code_or_name() -> None:
    catalogue = find_rules([DEMO], bundled=False, entry_points=False)
    by_code = catalogue.lookup("tst002")
    by_name = catalogue.lookup("forbidden-call")
    assert by_code is not None and by_code is by_name
    assert catalogue.lookup("TST999") is None


def test_every_broken_rule_is_named_and_the_good_one_still_loads() -> None:
    catalogue = find_rules([BROKEN], bundled=False, entry_points=False)
    assert catalogue.codes == ("TST205",)
    reasons = {e.message.split(":", 1)[0]: (e.code, e.message) for e in catalogue.errors}
    assert set(reasons) == {
        "stray.py",
        "demo/bad_code.py",
        "demo/bad_doc.py",
        "demo/no_check.py",
        "demo/no_rule.py",
        "demo/raises_on_import.py",
        "demo/syntax_error.py",
        "demo/wrong_file_name.py",
        "other/family_mismatch.py",
    }
    assert reasons["demo/bad_doc.py"][0] == "TST201"
    assert "**What it flags**" in reasons["demo/bad_doc.py"][1]
    assert reasons["demo/no_check.py"] == (
        "TST206",
        "demo/no_check.py: no check(subject, ctx) function",
    )
    assert "RuntimeError: import boom" in reasons["demo/raises_on_import.py"][1]
    assert "SyntaxError" in reasons["demo/syntax_error.py"][1]
    assert "(line 3)" in reasons["demo/syntax_error.py"][1]
    assert "other_name.py" in reasons["demo/wrong_file_name.py"][1]
    assert "'demo' differs from its folder 'other'" in reasons["other/family_mismatch.py"][1]
    assert "TEST01" in reasons["demo/bad_code.py"][1]
    assert all(e.origin == f"folder:{BROKEN}" for e in catalogue.errors)
    assert all("\n" not in str(e) for e in catalogue.errors)


def test_a_failed_import_leaves_no_module_behind() -> None:
    before = set(sys.modules)
    find_rules([BROKEN], bundled=False, entry_points=False)
    leaked = [name for name in set(sys.modules) - before if "raises_on_import" in name]
    assert leaked == []


def test_a_duplicate_code_is_an_error_naming_both_origins() -> None:
    catalogue = find_rules([DEMO, DUP], bundled=False, entry_points=False)
    assert catalogue.codes.count("TST001") == 1
    kept = catalogue.lookup("TST001")
    assert kept is not None and kept.origin == f"folder:{DEMO}"
    (error,) = catalogue.errors
    assert error.code == "TST001"
    assert f"folder:{DEMO}" in error.message and f"folder:{DUP}" in error.message


def test_a_duplicate_name_is_an_error_too() -> None:
    first = find_rules([DEMO], bundled=False, entry_points=False).rules[0]
    renamed = Rule("TST050", first.rule.name, "demo", Scope.PATCH, first.rule.severity)
    clash = LoadedRule(renamed, first.check, first.doc, "entry-point:x")
    kept, errors = merge([first, clash])
    assert kept == [first]
    assert "duplicate name todo-comment" in errors[0].message


def test_a_rules_dir_that_is_not_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a folder of rules"):
        find_rules([tmp_path / "missing"], bundled=False, entry_points=False)


def test_modules_get_unique_names(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "same.py").write_text(f"VALUE = {name!r}\n")
    first = import_path(tmp_path / "a" / "same.py")
    second = import_path(tmp_path / "b" / "same.py")
    assert first.__name__ != second.__name__
    assert (first.VALUE, second.VALUE) == ("a", "b")


def test_the_bundled_catalogue_of_a_checkout_is_the_rules_folder() -> None:
    root = catalogue_root()
    assert root is not None
    assert root.name in {"rules", "catalogue"}
    catalogue = find_rules(entry_points=False)
    assert all(r.origin == BUNDLED for r in catalogue.rules)


def test_the_bundled_folder_can_be_turned_off() -> None:
    assert find_rules(bundled=False, entry_points=False).rules == ()


def test_rules_of_an_empty_folder(tmp_path: Path) -> None:
    catalogue = find_rules([tmp_path], bundled=False, entry_points=False)
    assert catalogue.rules == () and catalogue.errors == ()
