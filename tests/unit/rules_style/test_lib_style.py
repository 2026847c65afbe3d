"""The small C lexer the style rules share."""

from __future__ import annotations

from xenreview.rules.lib_style import (
    display_width,
    is_iterator,
    lex,
    matching_close,
    matching_open,
    strip_eol,
)


def test_comments_and_strings_are_masked() -> None:
    (line,) = lex(['    x = "a // b /* c */"; /* real */ y; // tail'])
    assert line.code.rstrip() == '    x = "xxxxxxxxxxxxxx";            y;'
    assert line.line_comment == line.text.index("// tail")
    assert line.strings == ((8, 24),)
    assert len(line.code) == len(line.text)


def test_char_literals_are_masked_and_apostrophes_are_not() -> None:
    (quote,) = lex(["c = '\"'; if ( c ) // x"])
    assert '"' not in quote.code
    assert quote.line_comment is not None
    (escaped,) = lex(["c = '\\''; d = \"s\";"])
    assert escaped.strings == ((14, 17),)
    (prose,) = lex(['don\'t "stop"'])
    assert prose.strings == ((6, 12),)


def test_block_comment_state_runs_across_lines() -> None:
    lines = lex(["a(); /* one", " * two", " */ b();"])
    assert [(c.starts_in_comment, c.ends_in_comment) for c in lines] == [
        (False, True),
        (True, True),
        (True, False),
    ]
    assert lines[2].code.strip() == "b();"


def test_a_hunk_starting_inside_a_comment_is_recovered() -> None:
    lines = lex([" * if(x) then don't", " */", "if(y)"])
    assert lines[0].starts_in_comment
    assert lines[0].code.strip() == ""
    assert lines[2].code == "if(y)"


def test_star_text_without_a_close_is_taken_as_comment() -> None:
    lines = lex([" * the caller holds the lock;", " * for(;;) is fine here"])
    assert all(c.starts_in_comment for c in lines)


def test_code_starting_with_a_star_is_not_a_comment() -> None:
    lines = lex(["    *val = 1;", "    if(x)"])
    assert not lines[0].starts_in_comment
    assert lines[1].code == "    if(x)"


def test_depth_recovers_an_open_parenthesis_before_the_hunk() -> None:
    lines = lex(["          b,", "          c);", "    d();"])
    assert [c.depth for c in lines] == [1, 1, 0]


def test_matching_parentheses_across_lines() -> None:
    lines = lex(["    if ( a &&", "         (b || c) )", "        x();"])
    assert matching_close(lines, 0, 7) == (1, 18)
    assert matching_open(lines, 1, 18) == (0, 7)
    assert matching_close(lines, 2, 9) == (2, 10)


def test_iterators_and_widths() -> None:
    assert is_iterator("for_each_vcpu")
    assert is_iterator("list_for_each_entry_safe")
    assert not is_iterator("foreach")
    assert not is_iterator("do_for_nothing")
    assert display_width("\tab") == 10
    assert strip_eol("x\r") == "x"
