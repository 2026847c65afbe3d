"""Every regular expression that reads hostile text, fed input built to make it backtrack.

Each case is the pattern called the way the code calls it (``match``,
``search``, ``fullmatch``...) on about 50,000 characters shaped to trigger
its worst case; it must finish within :data:`LIMIT` seconds (linear
patterns take a millisecond; the quadratic ones these cases were written
for took seconds to hours).  A test checks that every module-level pattern
of the stages that read input (``ingest``, ``diff``, ``apply``, ``code``)
has a case here or a reason to need none, so a new pattern gets audited.

The systematic search that found these is ``python -m tests.hostile.regex_pump``
(docs/robustness.md): it pumps strings generated from each pattern.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable

import pytest

from tests.hostile.conftest import time_limit
from xenreview.code import facts, parse
from xenreview.diff import parse as diff_parse
from xenreview.ingest import archive, body, followup, mail, sources, subject, trailers

LIMIT = 2.0
N = 50_000
S = " " * N
T = "\t" * N

Case = tuple[str, Callable[[], object]]

CASES: list[Case] = [
    # ingest.mail
    ("ingest.mail._ADDRESS blanks", lambda: mail._ADDRESS.match("a" + S + "x")),
    ("ingest.mail._ADDRESS at-signs", lambda: mail._ADDRESS.match("<" + "@" * N + "x")),
    ("ingest.mail._ADDRESS quoted", lambda: mail._ADDRESS.match('"' + '\\"' * N)),
    ("ingest.mail.parse_people", lambda: mail.parse_people("Eve" + S + "x, " * 1000)),
    ("ingest.mail._PLAIN blanks", lambda: mail._PLAIN.fullmatch("text/plain" + S + "x")),
    (
        "ingest.mail._PLAIN charset",
        lambda: mail._PLAIN.fullmatch("text/plain; charset=a" + S + ";x"),
    ),
    ("ingest.mail._BREAK_TAG", lambda: mail._BREAK_TAG.sub("", "<br" + S + "x<br/" + S)),
    ("ingest.mail._skip_html", lambda: mail._skip_html("<style" * (N // 6))),
    ("ingest.mail._skip_html closes", lambda: mail._skip_html("<script>" + "</script " * (N // 9))),
    ("ingest.mail._strip_tags", lambda: mail._strip_tags("<" * N)),
    ("ingest.mail._VIA", lambda: mail._VIA.fullmatch("x" + " via" * (N // 4) + " ")),
    ("ingest.mail._ENCODED_WORD", lambda: mail._ENCODED_WORD.findall("=?" + "a" * N + "?q?" + S)),
    ("ingest.mail._ID", lambda: mail._ID.search("<" + "a" * N)),
    ("ingest.mail._FOLD", lambda: mail._FOLD.sub("", "\n" * N)),
    ("ingest.mail._HEADER_LINE", lambda: mail._HEADER_LINE.match(b"a" * N + b"\t" * N)),
    ("ingest.mail.FROM_LINE", lambda: mail.FROM_LINE.match(b"From x " + b" " * N)),
    ("ingest.mail._MAILTO", lambda: mail._MAILTO.findall("<mailto:" * (N // 8))),
    # ingest.sources
    (
        "ingest.sources._STRICT_FROM_LINE",
        lambda: sources._STRICT_FROM_LINE.match(b"From " + b"a " * N),
    ),
    ("ingest.sources._SEPARATOR", lambda: sources._SEPARATOR.search(b"\n\r" * N)),
    ("ingest.sources._UNESCAPE", lambda: sources._UNESCAPE["mboxrd"].sub(rb"\1", b">" * N)),
    # ingest.subject
    ("ingest.subject._unfold", lambda: subject._unfold(" \t" * N + "y\n" + S + "x")),
    ("ingest.subject._REPLY", lambda: subject._REPLY.match("re" + S + "x")),
    ("ingest.subject.parse_subject", lambda: subject.parse_subject("Re: " * N + "[" + "a," * N)),
    # ingest.trailers
    ("ingest.trailers._TRAILER", lambda: trailers._TRAILER.fullmatch("Acked-by: a" + S + "b\n")),
    ("ingest.trailers._ANGLE", lambda: trailers._ANGLE.fullmatch("a" + S + "b")),
    ("ingest.trailers._BARE", lambda: trailers._BARE.fullmatch("a@" + "b" * N + "@")),
    ("ingest.trailers._NOTE_ONE", lambda: trailers._NOTE_ONE.fullmatch("[" + "] " * N + "x")),
    (
        "ingest.trailers.split_trailers",
        lambda: trailers.split_trailers(("[ a\n" + "b\n" * 50) * 500),
    ),
    # ingest.body
    ("ingest.body._VERSION_SIG", lambda: body._VERSION_SIG.fullmatch("1" + ".1" * N + " ")),
    ("ingest.body._INFO", lambda: body._INFO.fullmatch("base-commit: a" + S + "b")),
    ("ingest.body._CHANGELOG", lambda: body._CHANGELOG.match(S + "x")),
    ("ingest.body._DIFFSTAT", lambda: body._DIFFSTAT.fullmatch(" a" + "| " * N + "x")),
    ("ingest.body._SHORTLOG", lambda: body._SHORTLOG.fullmatch("a" + " (1):" * (N // 5) + "x")),
    # ingest.followup
    (
        "ingest.followup._ATTRIBUTION",
        lambda: followup._ATTRIBUTION.fullmatch("wrote: " * (N // 7) + "x"),
    ),
    ("ingest.followup._ORIGINAL", lambda: followup._ORIGINAL.fullmatch("-" * N + "x")),
    ("ingest.followup._SNIP", lambda: followup._SNIP.fullmatch(S + "x")),
    ("ingest.followup._QUOTE", lambda: followup._QUOTE.match("> " * N)),
    ("ingest.followup._GREETING", lambda: followup._GREETING.match("hi" + S + "x")),
    ("ingest.followup._CLOSING", lambda: followup._CLOSING.fullmatch("thanks" + " A" * N)),
    (
        "ingest.followup._GIT_HEADER",
        lambda: followup._GIT_HEADER.fullmatch("diff --git a" + " a" * N),
    ),
    # ingest.archive
    ("ingest.archive._FOOTER", lambda: archive._FOOTER.match("\r" * N + "current thread\0")),
    ("ingest.archive._HEADING_GROUP", lambda: archive._is_heading("[" + "[" * N + "PATCH]")),
    ("ingest.archive._NAME_ADDR", lambda: archive._NAME_ADDR.match('"A' + S + "x<>\0")),
    ("ingest.archive._CLOSING", lambda: archive._CLOSING.match("regards" + T + "\0")),
    ("ingest.archive._CODE case", lambda: archive._CODE.search("case x" + T + "y")),
    ("ingest.archive._CODE blanks", lambda: archive._CODE.search(";" + S + "x")),
    ("ingest.archive._GREETING", lambda: archive._GREETING.match("hello" + S + "\0")),
    ("ingest.archive._OBFUSCATED", lambda: archive._OBFUSCATED.search("@" + "x" * N + "y")),
    ("ingest.archive._NAV", lambda: archive._NAV.match("[date prev]" * (N // 11) + "x")),
    ("ingest.archive._PAGE_FIELD", lambda: archive._PAGE_FIELD.match("from" + S + "x")),
    ("ingest.archive._PERSON_NAME", lambda: archive._PERSON_NAME.match("Ab " * (N // 3) + "1")),
    ("ingest.archive._INDENTED_CODE", lambda: archive._INDENTED_CODE.match(S)),
    ("ingest.archive._REPLY_PREFIX", lambda: archive._REPLY_PREFIX.match("re :" * (N // 4) + "x")),
    ("ingest.archive._BRACKET_GROUP", lambda: archive._BRACKET_GROUP.match("[" + "a" * N)),
    ("ingest.archive._DIFFSTAT_COUNT", lambda: archive._DIFFSTAT_COUNT.match(T + "Bi")),
    ("ingest.archive._INDEX", lambda: archive._INDEX.match("index " + "a" * N)),
    ("ingest.archive._MAIL_HEADER", lambda: archive._MAIL_HEADER.match("a" * N)),
    # diff.parse
    (
        "diff.parse._BINARY_FILES",
        lambda: diff_parse._is_binary_files("Binary files " + "a and " * N),
    ),
    (
        "diff.parse._BINARY_FILES differ",
        lambda: diff_parse._BINARY_FILES.fullmatch("Binary files " + "a and " * N + "b differ"),
    ),
    ("diff.parse._BINARY_DATA", lambda: diff_parse._BINARY_DATA.fullmatch("a" * N + "\n")),
    ("diff.parse._HUNK_HEADER", lambda: diff_parse._HUNK_HEADER.match("@@ -1 +1 @@" + "x" * N)),
    # code
    (
        "code.parse._ITERATOR_RE",
        lambda: parse.mask_source(b"\t" + b"for_each" * (N // 8) + b" x\n"),
    ),
    ("code.parse.fold", lambda: parse.fold(S + "x\n" + S)),
    ("code.parse._ATTR_RE", lambda: parse.mask_source(b"__printf(" * (N // 9) + b"\n")),
    ("code.parse._ATTR_TEXT_RE", lambda: parse._ATTR_TEXT_RE.sub(" ", "__printf" + S + "x")),
    ("code.parse._VARIADIC_RE", lambda: parse.mask_source(b"#define " + b"a" * N + b"\n")),
    ("code.facts._DESIGNATOR_RE", lambda: facts._DESIGNATOR_RE.match("[" + S + "x" + S + "x")),
    ("code.facts._VPSCI_RE", lambda: facts._VPSCI_RE.match("do_vpsci_" + "call" * N + "x")),
    ("code.facts._paste", lambda: facts._paste(S + "x" + S)),
]

# Module-level patterns that need no case: anchored and bounded, or linear by construction.
NO_CASE: dict[str, str] = {
    "ingest.mail.GIT_FROM_LINE": "fixed text and hex digits, anchored",
    "ingest.mail._FIELD_NAME": "one character class, then a colon",
    "ingest.mail._UNQUOTE": "two characters",
    "ingest.mail._SKIP_OPEN": "literal alternatives",
    "ingest.mail._SKIP_CLOSE": "a literal, blanks, '>'",
    "ingest.sources.FROM_LINE": "the same object as ingest.mail.FROM_LINE",
    "ingest.sources.GIT_FROM_LINE": "the same object as ingest.mail.GIT_FROM_LINE",
    "ingest.subject._TOKEN_SPLIT": "one character class",
    "ingest.subject._VERSION": "bounded repetitions",
    "ingest.subject._COUNTER": "bounded repetitions",
    "ingest.subject._TAG_VERSION": "bounded repetitions",
    "ingest.subject._FOLD": "see ingest.subject._unfold",
    "ingest.followup._ATTRIBUTION_START": "literal alternatives",
    "ingest.followup._HUNK": "bounded repetitions",
    "ingest.archive._BLANK_LINE": "literal",
    "ingest.archive._TRAILER_SHAPE": "bounded repetition, anchored",
    "ingest.archive._DIFFSTAT_SUMMARY": "bounded repetition",
    "ingest.archive._HUNK": "bounded repetitions, anchored",
    "ingest.archive._PERCENT": "bounded repetition",
    "ingest.archive._SNIP": "anchored, literal alternatives",
    "diff.parse._PRELUDE": "literal alternatives",
    "diff.parse._BINARY_BLOCK": "literal and digits",
    "apply.build._ERROR": "a word",
    "apply.diagnose._CHECKING": "git's output, one lazy group then a literal end",
    "apply.diagnose._HUNK_OK": "git's output, digits",
    "apply.diagnose._PATCH_FAILED": "git's output, anchored",
    "apply.diagnose._FILE_ERROR": "git's output, lazy group then ': '",
    "apply.engine._SPARSE_SPECIAL": "one character class",
    "apply.mbox._FROM_LINE": "anchored literal",
    "apply.mbox._LINE_BREAK": "literal alternatives",
    "code.parse._MACRO_NAME_RE": "one character class, anchored",
    "code.parse._FOLD_RE": "see code.parse.fold",
    "code.facts._IDENT_RE": "one character class",
}

STAGES = ("ingest", "diff", "apply", "code")


@pytest.mark.parametrize(("name", "call"), CASES, ids=[name for name, _ in CASES])
def test_no_pattern_backtracks_catastrophically(name: str, call: Callable[[], object]) -> None:
    with time_limit(LIMIT):
        call()


def _patterns() -> set[str]:
    import pkgutil

    found: set[str] = set()
    for stage in STAGES:
        package = importlib.import_module(f"xenreview.{stage}")
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"xenreview.{stage}.{info.name}")
            for attr, value in vars(module).items():
                patterns = value.values() if isinstance(value, dict) else [value]
                if any(isinstance(p, re.Pattern) for p in patterns):
                    found.add(f"{stage}.{info.name}.{attr}")
    return found


def test_every_pattern_of_the_input_stages_is_audited() -> None:
    covered = set(NO_CASE) | {name.split(" ")[0] for name, _ in CASES}
    missing = sorted(p for p in _patterns() if p not in covered)
    assert missing == [], f"patterns with no backtracking case and no reason: {missing}"
