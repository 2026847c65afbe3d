"""`xenreview commit-msg`: the message git passes to the commit-msg hook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.hooks.conftest import AUTHOR, FIXTURES, GOOD_CHANGE, Repo
from tests.integration.runner import Result, run_cli
from xenreview.errors import UsageError
from xenreview.integrations.message import SCISSORS, clean_message, comment_string
from xenreview.integrations.staged import split_message

# -- clean-up as git does it -------------------------------------------------------------


def test_strip_drops_comments_and_extra_blank_lines() -> None:
    text = "\n\nsubject  \n\n\n\nbody\n# a comment\n#\n\nSigned-off-by: A <a@example.org>\n\n"
    assert clean_message(text) == "subject\n\nbody\n\nSigned-off-by: A <a@example.org>\n"


def test_the_scissors_line_cuts_the_verbose_diff() -> None:
    text = (FIXTURES / "verbose_message.txt").read_text()
    cleaned = clean_message(text)
    assert cleaned.endswith("Signed-off-by: Ines Example <ines@example.org>\n")
    assert "diff --git" not in cleaned and "Reviewd-by" not in cleaned
    # In every mode, also verbatim.
    assert "diff --git" not in clean_message(text, mode="verbatim")


def test_other_comment_characters_and_modes() -> None:
    text = f"subject\n\n; a comment\n# kept\n; {SCISSORS}\nx\n"
    assert clean_message(text, comment=";") == "subject\n\n# kept\n"
    assert clean_message("s\n\n# kept  \n", mode="whitespace") == "s\n\n# kept\n"
    assert clean_message("s  \n\n\n", mode="verbatim") == "s  \n\n\n"
    assert clean_message("# only comments\n") == ""
    with pytest.raises(UsageError):
        clean_message("s\n", mode="tidy")


def test_comment_string_from_the_config() -> None:
    assert comment_string(None, None) == "#"
    assert comment_string(None, ";") == ";"
    assert comment_string("//", ";") == "//"
    assert comment_string(None, "auto") == "#"


def test_the_subject_is_the_first_paragraph() -> None:
    assert split_message("a b\nc\n\nbody\n") == ("a b c", "body")
    assert split_message("only\n") == ("only", "")


# -- the command ---------------------------------------------------------------------------


def commit_msg(repo: Repo, message: Path | str, *args: str) -> Result:
    if isinstance(message, str):
        path = repo.root / ".git" / "COMMIT_EDITMSG"
        path.write_text(message)
        message = path
    return run_cli(["commit-msg", str(message), "--repo", str(repo.root), *args])


@pytest.fixture
def staged(xen_repo: Repo, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """The mini tree with a change staged under xen/arch/arm/ (the commit's diff), and the
    commit's author (git exports it to the hook) as in the fixture messages."""
    monkeypatch.setenv("GIT_AUTHOR_NAME", AUTHOR[0])
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", AUTHOR[1])
    xen_repo.edit(*GOOD_CHANGE)
    xen_repo.stage(GOOD_CHANGE[0])
    return xen_repo


def test_a_good_message_passes_quietly(staged: Repo) -> None:
    result = commit_msg(staged, FIXTURES / "good_message.txt")
    assert (result.code, result.stdout, result.stderr) == (0, "", "")


def test_bad_trailers_block(staged: Repo) -> None:
    result = commit_msg(staged, FIXTURES / "bad_trailers.txt")
    assert result.code == 1
    assert "warning MSG015 misspelled-trailer" in result.stdout
    assert "error MSG006 missing-signed-off-by" in result.stdout
    # The author is the commit's (git var GIT_AUTHOR_IDENT).
    assert "The author Ines Example <ines@example.org> has not signed off" in result.stdout
    assert "commit blocked" in result.stdout


def test_the_verbose_diff_is_not_read_as_the_message(staged: Repo) -> None:
    result = commit_msg(staged, FIXTURES / "verbose_message.txt")
    assert (result.code, result.stdout) == (0, ""), result


def test_the_subject_area_is_checked_against_the_staged_paths(staged: Repo) -> None:
    text = (FIXTURES / "good_message.txt").read_text().replace("xen/arm:", "x86/hvm:")
    result = commit_msg(staged, text)
    assert result.code == 1
    assert "MSG002 subject-area-mismatch" in result.stdout


def test_fixes_is_checked_against_the_history(staged: Repo) -> None:
    head = staged.head()
    good = (FIXTURES / "good_message.txt").read_text()
    right = good.replace(
        "Signed-off-by:", f'Fixes: {head[:12]} ("xen: the mini tree")\nSigned-off-by:'
    )
    assert commit_msg(staged, right).code == 0
    unknown = good.replace(
        "Signed-off-by:", 'Fixes: 0123456789ab ("xen: the mini tree")\nSigned-off-by:'
    )
    result = commit_msg(staged, unknown)
    assert result.code == 1
    assert "MSG008 unknown-fixes-commit" in result.stdout


def test_only_message_rules_run(staged: Repo) -> None:
    result = commit_msg(staged, FIXTURES / "bad_trailers.txt", "--format", "json")
    document = json.loads(result.stdout)
    assert document["check"] == "commit-msg"
    assert document["rules_run"] and all(c.startswith("MSG") for c in document["rules_run"])
    assert {f["code"] for f in document["findings"]} == {"MSG006", "MSG015"}


def test_a_suppression_in_the_message(staged: Repo) -> None:
    text = (FIXTURES / "bad_trailers.txt").read_text()
    text = text.replace(
        "\n\nReviewd-by", "\n\nxenreview: ignore[MSG006,MSG015] sent for a colleague\n\nReviewd-by"
    )
    result = commit_msg(staged, text)
    assert (result.code, result.stdout) == (0, ""), result


def test_an_empty_message_is_left_to_git(staged: Repo) -> None:
    result = commit_msg(staged, "# nothing but comments\n\n")
    assert (result.code, result.stdout) == (0, "")


def test_a_configured_comment_character(staged: Repo) -> None:
    staged.git("config", "core.commentChar", ";")
    good = (FIXTURES / "good_message.txt").read_text()
    text = good.replace("\n#", "\n;") + "; Reviewd-by: commented out <x@example.org>\n"
    assert commit_msg(staged, text).code == 0


def test_a_missing_message_file(staged: Repo, tmp_path: Path) -> None:
    result = commit_msg(staged, tmp_path / "nope")
    assert result.code == 2
    assert "nope" in result.stderr
