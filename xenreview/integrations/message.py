"""The commit message as git will record it, from the file the commit-msg hook receives.

git hands the commit-msg hook the message file before its own clean-up.
What git then keeps depends on the clean-up mode (``git commit
--cleanup``, ``commit.cleanup``):

* ``strip`` (the default when the message was edited): drop the comment
  lines (lines starting with the comment character, ``#`` unless
  ``core.commentChar``/``core.commentString`` says otherwise), then
  ``whitespace``;
* ``whitespace``: drop trailing blanks of every line, squeeze runs of empty
  lines into one, drop empty lines at the start and the end;
* ``verbatim``: keep everything;
* ``scissors``: like ``whitespace``, after cutting at the scissors line.

In every mode, ``git commit --verbose`` appends the diff below a scissors
line (the comment character, a space, ``------------------------ >8
------------------------``) and git cuts the message there; the hook
cannot tell whether ``--verbose`` was given, so the cut is always made.
"""

from __future__ import annotations

from xenreview.errors import UsageError

__all__ = ["CLEANUP_MODES", "SCISSORS", "clean_message", "comment_string"]

SCISSORS = "------------------------ >8 ------------------------"
CLEANUP_MODES = ("strip", "whitespace", "verbatim", "scissors", "default")


def comment_string(comment_string_value: str | None, comment_char_value: str | None) -> str:
    """The comment prefix from ``core.commentString`` / ``core.commentChar`` (``#`` when
    unset or ``auto``, which the hook cannot reproduce)."""
    for value in (comment_string_value, comment_char_value):
        if value is not None and value and value != "auto" and "\n" not in value:
            return value
    return "#"


def _cut_at_scissors(lines: list[str], comment: str) -> list[str]:
    cut = f"{comment} {SCISSORS}"
    for index, line in enumerate(lines):
        if line == cut:
            return lines[:index]
    return lines


def _stripspace(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if not line and (not out or not out[-1]):
            continue  # leading, or a second empty line in a row
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def clean_message(text: str, *, comment: str = "#", mode: str = "strip") -> str:
    """The message git records for ``text`` under clean-up ``mode`` ("" when nothing is left).

    ``default`` means ``strip``: the hook cannot know whether the message
    was edited (``git commit -m`` without an editor cleans up whitespace
    only, and would keep a ``#`` line).
    """
    if mode not in CLEANUP_MODES:
        raise UsageError(
            f"unknown clean-up mode {mode!r} (one of {', '.join(CLEANUP_MODES)})",
            source="--cleanup",
        )
    text = text.replace("\r\n", "\n")
    lines = _cut_at_scissors(text.split("\n"), comment)
    if mode == "verbatim":
        kept = "\n".join(lines)
        return kept if kept.strip() else ""
    if mode in ("strip", "default"):
        lines = [line for line in lines if not line.startswith(comment)]
    lines = _stripspace(lines)
    return "\n".join(lines) + "\n" if lines else ""
