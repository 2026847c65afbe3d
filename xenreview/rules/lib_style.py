"""Shared helpers of the style rules (``rules/style/``): a small C lexer over lines.

Style rules look at the lines a patch adds, but whether a ``//`` starts a
comment, whether a line is a continuation of an open parenthesis or the
middle of a block comment, depends on the lines around it.  This module
lexes the new side of a hunk (context and added lines, in order) into
:class:`CLine` records: the text, a *code mask* of the same length in which
comment text is blanked and string contents are neutralised, the comment and
string spans, and the parenthesis depth at the start of the line.

A hunk can start in the middle of a block comment or of a parenthesised
expression.  Both are recovered from what follows: a ``*/`` met in code
means the hunk started inside a comment, and a closing parenthesis that
never opened means the first lines were inside one.  Every guess errs on the
side of "this line is a continuation / a comment", which only ever hides a
finding, never invents one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from xenreview.diff.model import FileDiff, FileStatus, Hunk, Line, LineKind

TAB_WIDTH = 8
MAX_COLUMNS = 80
INDENT = 4

# Statement keywords whose parenthesis takes inner spaces in Xen style.
CONTROL_KEYWORDS = frozenset({"if", "while", "for", "switch"})
_ITERATOR = re.compile(r"(?:\w+_)?for_each(?:_\w+)?\Z")
_SPECIAL = re.compile(r"/[*/]|[\"']")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_CHAR_LITERAL = re.compile(r"'(?:\\.[^'\n]{0,7}|[^\\'\n])'")
_STAR_TEXT = re.compile(r"\s*+\*(?:\s++[^;]*[^;,)\s]|)\s*+\Z")
_STAR_ANY = re.compile(r"( *)\*(?:\s|\Z)")


@dataclass(frozen=True, slots=True)
class CLine:
    """One line of C, lexed.

    ``code`` has the length of ``text``: comment characters (delimiters
    included) are spaces and the inside of string and character literals is
    ``x`` (the quotes stay), so brackets, keywords and ``//`` found in it are
    real code.  ``depth`` counts the ``(`` and ``[`` still open when the line
    starts.  ``line`` is the diff line it came from (``None`` for plain text).
    """

    text: str
    code: str
    starts_in_comment: bool
    ends_in_comment: bool
    comments: tuple[tuple[int, int], ...]  # [start, end) of each comment piece
    strings: tuple[tuple[int, int], ...]  # [start, end) of each literal, quotes included
    depth: int
    line: Line | None = None
    line_comment: int | None = None  # column of a ``//`` comment begun in code

    @property
    def added(self) -> bool:
        return self.line is not None and self.line.kind is LineKind.ADDED

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def code_stripped(self) -> str:
        """The code mask without surrounding blanks or a macro's trailing ``\\``."""
        code = self.code.strip()
        if code.endswith("\\"):
            code = code[:-1].rstrip()
        return code

    @property
    def has_code(self) -> bool:
        return bool(self.code_stripped)

    @property
    def is_preprocessor(self) -> bool:
        return self.code.lstrip().startswith("#")

    @property
    def continues(self) -> bool:
        """Ends with a backslash: the next line belongs to the same directive."""
        return self.text.rstrip().endswith("\\")

    @property
    def comment_only(self) -> bool:
        """Holds comment text (or a part of a comment) and no code."""
        return not self.has_code and (self.starts_in_comment or bool(self.comments))


def strip_eol(value: str) -> str:
    """A diff line's value without a carriage return left by a CRLF line end."""
    return value[:-1] if value.endswith("\r") else value


def display_width(text: str) -> int:
    """The columns ``text`` takes on screen, tabs expanded to stops of eight."""
    return len(text.expandtabs(TAB_WIDTH))


def indentation(text: str) -> str:
    return text[: len(text) - len(text.lstrip(" \t"))]


# -- lexing ------------------------------------------------------------------


_Lexed = tuple[str, tuple[tuple[int, int], ...], tuple[tuple[int, int], ...], bool, int | None]


def _lex_line(text: str, in_comment: bool) -> _Lexed:
    """The code mask, comment spans, string spans, comment state at the end, ``//``."""
    code: list[str] = []
    comments: list[tuple[int, int]] = []
    strings: list[tuple[int, int]] = []
    i = 0
    n = len(text)
    while i < n:
        if in_comment:
            end = text.find("*/", i)
            stop = n if end < 0 else end + 2
            code.append(" " * (stop - i))
            comments.append((i, stop))
            in_comment = end < 0
            i = stop
            continue
        m = _SPECIAL.search(text, i)
        if m is None:
            code.append(text[i:])
            break
        code.append(text[i : m.start()])
        i = m.start()
        token = m.group(0)
        if token == "/*":
            end = text.find("*/", i + 2)
            stop = n if end < 0 else end + 2
            code.append(" " * (stop - i))
            comments.append((i, stop))
            in_comment = end < 0
            i = stop
        elif token == "//":
            code.append(" " * (n - i))
            comments.append((i, n))
            return "".join(code), tuple(comments), tuple(strings), False, i
        elif token == '"':
            literal = _STRING.match(text, i)
            stop = literal.end() if literal is not None else n  # unterminated: the rest
            code.append(
                '"' + "x" * (stop - i - 2) + '"' if literal is not None else '"' + "x" * (n - i - 1)
            )
            strings.append((i, stop))
            i = stop
        else:
            char = _CHAR_LITERAL.match(text, i)
            if char is None:
                code.append("'")  # an apostrophe in prose read as code
                i += 1
            else:
                code.append("'" + "x" * (char.end() - i - 2) + "'")
                i = char.end()
    return "".join(code), tuple(comments), tuple(strings), in_comment, None


def lex(texts: Sequence[str], lines: Sequence[Line | None] | None = None) -> tuple[CLine, ...]:
    """Lex consecutive lines of C, recovering a comment or parenthesis open before them."""
    clean = [strip_eol(t) for t in texts]
    lexed = _lex_from(clean, start_in_comment=False)
    if any("*/" in item[0][0] for item in lexed):
        # A comment closes that never opened: the lines started inside one.
        retry = _lex_from(clean, start_in_comment=True)
        if not any("*/" in item[0][0] for item in retry):
            lexed = retry
    elif _looks_inside_comment(clean):
        retry = _lex_from(clean, start_in_comment=True)
        if not any("*/" in item[0][0] for item in retry):
            lexed = retry
    depths = _depths([item[0][0] for item in lexed])
    diff_lines: Sequence[Line | None] = lines if lines is not None else [None] * len(clean)
    return tuple(
        CLine(
            text=text,
            code=code,
            starts_in_comment=starts,
            ends_in_comment=ends,
            comments=comments,
            strings=strings,
            depth=depth,
            line=diff_line,
            line_comment=line_comment,
        )
        for text, ((code, comments, strings, ends, line_comment), starts), depth, diff_line in zip(
            clean, lexed, depths, diff_lines, strict=True
        )
    )


def _looks_inside_comment(texts: Sequence[str]) -> bool:
    """The lines open with `` * `` comment text: they start inside a comment."""
    first = next((t for t in texts if t.strip()), None)
    if first is None:
        return False
    if _STAR_TEXT.match(first):
        return True
    # " * text;" under a "/*" at a multiple of four: comment text, not code.
    star = _STAR_ANY.match(first)
    return star is not None and len(star.group(1)) % INDENT == 1


def _lex_from(texts: Sequence[str], *, start_in_comment: bool) -> list[tuple[_Lexed, bool]]:
    """Each line lexed, with whether it starts inside a block comment."""
    out: list[tuple[_Lexed, bool]] = []
    state = start_in_comment
    for text in texts:
        lexed = _lex_line(text, state)
        out.append((lexed, state))
        state = lexed[3]
    return out


def _depths(codes: Sequence[str]) -> list[int]:
    """Open ``(``/``[`` at the start of each line, recovering an opening before the first."""
    starts: list[int] = []
    depth = 0
    lowest = 0
    for code in codes:
        starts.append(depth)
        for ch in code:
            if ch in "([":
                depth += 1
            elif ch in ")]":
                depth -= 1
                lowest = min(lowest, depth)
    return [d - lowest for d in starts]


@lru_cache(maxsize=512)
def new_side(hunk: Hunk) -> tuple[CLine, ...]:
    """The hunk's lines as they read after the patch (context and added), lexed.

    Cached: every hunk rule of the family asks for the same hunk in turn.
    """
    kept = [ln for ln in hunk.lines if ln.kind in (LineKind.ADDED, LineKind.CONTEXT)]
    return lex([ln.value for ln in kept], kept)


def new_file_lines(file: FileDiff) -> tuple[Line, ...]:
    """The lines of a file the patch creates, in order (empty for any other file)."""
    if file.status is not FileStatus.ADDED or file.binary:
        return ()
    return tuple(ln for h in file.hunks for ln in h.lines if ln.kind is LineKind.ADDED)


# -- navigating code ---------------------------------------------------------


def previous_code_index(lines: Sequence[CLine], index: int) -> int | None:
    """The index of the nearest line before ``index`` holding code (comments skipped)."""
    for k in range(index - 1, -1, -1):
        if lines[k].has_code:
            return k
    return None


def next_code_index(lines: Sequence[CLine], index: int) -> int | None:
    """The index of the nearest line after ``index`` holding code."""
    for k in range(index + 1, len(lines)):
        if lines[k].has_code:
            return k
    return None


def matching_open(lines: Sequence[CLine], index: int, column: int) -> tuple[int, int] | None:
    """Where the ``(`` closed by the ``)`` at ``lines[index].code[column]`` opens."""
    depth = 0
    i, j = index, column
    while i >= 0:
        code = lines[i].code
        while j >= 0:
            ch = code[j]
            if ch == ")":
                depth += 1
            elif ch == "(":
                depth -= 1
                if depth == 0:
                    return i, j
            j -= 1
        i -= 1
        if i >= 0:
            j = len(lines[i].code) - 1
    return None


def matching_close(lines: Sequence[CLine], index: int, column: int) -> tuple[int, int] | None:
    """Where the ``(`` at ``lines[index].code[column]`` closes."""
    depth = 0
    i, j = index, column
    while i < len(lines):
        code = lines[i].code
        while j < len(code):
            ch = code[j]
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    return i, j
            j += 1
        i += 1
        j = 0
    return None


def word_before(code: str, column: int) -> str | None:
    """The identifier right before ``column`` (blanks between allowed).

    Read backwards from ``column`` (a search for ``(\\w+)\\s*\\Z`` would try
    every start before it: quadratic on a long word); ``\\w`` is
    ``isalnum()`` or ``_``, ``\\s`` is ``isspace()``.
    """
    end = max(0, min(column, len(code)))
    while end > 0 and code[end - 1].isspace():
        end -= 1
    start = end
    while start > 0 and (code[start - 1].isalnum() or code[start - 1] == "_"):
        start -= 1
    return code[start:end] if start < end else None


def is_iterator(word: str) -> bool:
    """``for_each_vcpu``, ``list_for_each_entry``: macros used like ``for``."""
    return _ITERATOR.match(word) is not None


def added_lines(lines: Iterable[CLine]) -> Iterator[tuple[int, CLine]]:
    for index, cline in enumerate(lines):
        if cline.added:
            yield index, cline
