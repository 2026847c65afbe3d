"""Fuzz targets: any bytes -> one stage of xenreview, with its invariants checked.

Every target takes arbitrary bytes and must either return or raise a
:class:`~xenreview.errors.XenreviewError` (the error a user sees as one line,
exit code 2).  Anything else is a *crash*: an exception escaping (a bug the
CLI would report as "internal error", exit 3), or an :class:`Invariant`
broken (a property the stage promises, checked here on every input).

=============  ==================================================================
target         what it feeds, what it checks
=============  ==================================================================
``mail``       the bytes as an mbox/eml/patch on standard input -> ingest ->
               ``show`` JSON and text; no path in any diff leaves the tree, no
               string of the model is unencodable (lone surrogates)
``subject``    the bytes as a subject (and as an RFC 2047 header value) ->
               ``parse_subject``: the title is one stripped line, numbers bounded
``trailers``   the bytes as a commit message -> ``split_trailers`` and
               ``parse_trailer`` per line: the block lies in the message, every
               trailer survives ``format_trailer`` -> ``parse_trailer``
``diff``       the bytes as a diff -> ``parse_diff``: exact round trip (but for
               the documented empty context lines), ``parse_diff_lines`` agrees,
               no path is absolute or has ``..``/``.git``
``cfacts``     the bytes as a C file -> ``parse_c`` and every tree query
               (edges, entry points, reachability, error ladders, locks)
``terminal``   a review whose every text field comes from the bytes -> ``show``
               and ``review`` text: no control character reaches the terminal
``html``       the same review -> the HTML report: no element, attribute,
               comment or script comes from the input; no control character
``email``      the same review -> the reply mbox: no header comes from the
               input, every reply reads back as one message
=============  ==================================================================

Used by ``tools/fuzz.py`` (coverage-guided with atheris, or random mutation),
by ``tests/fuzz/test_targets.py`` (each target over its seed corpus and every
regression input, in the normal suite) and by hand::

    python -m tests.fuzz.targets mail tests/fuzz/corpus/mail/*
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xenreview.errors import XenreviewError

if TYPE_CHECKING:
    from xenreview.pipeline import Review

FUZZ_DIR = Path(__file__).resolve().parent
CORPUS = FUZZ_DIR / "corpus"
REGRESSIONS = FUZZ_DIR / "regressions"
DICTIONARIES = FUZZ_DIR / "dicts"

# Controls that must never reach a terminal or an HTML text node: C0 but tab and
# newline, DEL, C1, and the bidi overrides/isolates (they reorder what is shown).
_CONTROL = frozenset(
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n"]
    + [chr(0x7F)]
    + [chr(c) for c in range(0x80, 0xA0)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)


class Invariant(AssertionError):
    """A property a target promises was broken: a crash like any exception."""


def check(ok: object, message: str) -> None:
    if not ok:
        raise Invariant(message)


# -- mail ------------------------------------------------------------------------------


def _strings_of(value: object, seen: set[int] | None = None) -> Iterator[str]:
    """Every ``str`` inside a tree of frozen dataclasses and tuples."""
    seen = set() if seen is None else seen
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings_of(item, seen)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        if id(value) in seen:
            return
        seen.add(id(value))
        for f in dataclasses.fields(value):
            yield from _strings_of(getattr(value, f.name), seen)


def _safe_path(path: str) -> bool:
    parts = path.split("/")
    return (
        bool(path)
        and not path.startswith("/")
        and "\0" not in path
        and ".." not in parts
        and all(part.lower() != ".git" for part in parts)
    )


def mail(data: bytes) -> None:
    """Bytes as standard input -> ingest -> ``show`` (JSON and text)."""
    from xenreview.ingest import ingest
    from xenreview.report.json_report import show_document
    from xenreview.report.show_text import render_show
    from xenreview.settings import Settings

    settings = Settings(max_bytes=1 << 20, max_patches=64)
    ingested = ingest(["-"], settings, stdin=io.BytesIO(data))
    for text in _strings_of(ingested):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise Invariant(f"unencodable string in the model: {text[:80]!r}") from None
    for series in ingested.series:
        for patch in series.patches:
            for f in patch.diff.files:
                for path in (f.source_path, f.target_path):
                    check(path is None or _safe_path(path), f"unsafe path {path!r} accepted")
    document = json.dumps(show_document(ingested), ensure_ascii=False)
    document.encode("utf-8")
    render_show(ingested, _console(io.StringIO()))


# -- subject and trailers ----------------------------------------------------------------


def subject(data: bytes) -> None:
    """Bytes as a subject line, raw and as an RFC 2047 header value."""
    from xenreview.ingest.mail import decode_words
    from xenreview.ingest.subject import parse_subject

    raw = data.decode("utf-8", "replace")
    for text in (raw, decode_words(data.decode("ascii", "surrogateescape"))):
        parsed = parse_subject(text)
        check(parsed.raw == text, "raw subject not kept")
        check("\n" not in parsed.title and "\r" not in parsed.title, "title spans lines")
        check(parsed.title == parsed.title.strip(), "title not stripped")
        check(0 <= parsed.counter < 10**6 and 0 <= parsed.total < 10**6, "counter unbounded")
        check(parsed.version_stated or parsed.version == "1", "inferred version is not 1")
        check(parsed.counter_stated or (parsed.counter, parsed.total) == (1, 1), "bad 1/1")


def trailers(data: bytes) -> None:
    """Bytes as a commit message -> the trailer block, and each line as a trailer."""
    from xenreview.ingest.trailers import format_trailer, parse_trailer, split_trailers

    text = data.decode("utf-8", "replace")
    prose, block = split_trailers(text)
    lines = text.split("\n")
    if block is not None:
        check(0 <= block.start < block.end <= len(lines), "trailer block out of the message")
        check(block.trailers or block.notes, "empty trailer block")
    check(len(prose) <= len(text), "prose longer than the message")
    for line in lines[:200]:
        trailer = parse_trailer(line)
        if trailer is None:
            continue
        again = parse_trailer(format_trailer(trailer))
        check(again is not None, f"formatted trailer does not parse: {line[:80]!r}")
        assert again is not None
        check(
            (again.name, again.value) == (trailer.name, trailer.value),
            f"trailer changes when formatted: {line[:80]!r}",
        )


# -- diff --------------------------------------------------------------------------------


def diff(data: bytes) -> None:
    """Bytes as a diff -> ``parse_diff``; round trip, ``parse_diff_lines``, safe paths."""
    from xenreview.diff.parse import parse_diff, parse_diff_lines

    text = data.decode("utf-8", "replace")
    try:
        parsed = parse_diff(text, source="fuzz")
    except XenreviewError as exc:
        lines = text.split("\n")
        final = text.endswith("\n")
        try:
            parse_diff_lines(lines[:-1] if final else lines, final_newline=final, source="fuzz")
        except XenreviewError as again:
            check(str(again) == str(exc), f"parse_diff_lines says {again}, parse_diff {exc}")
            raise
        raise Invariant(f"parse_diff_lines accepts what parse_diff refuses: {exc}") from None
    lines = text.split("\n")
    final = text.endswith("\n")
    check(
        parse_diff_lines(lines[:-1] if final else lines, final_newline=final) == parsed,
        "parse_diff_lines and parse_diff disagree",
    )
    back = parsed.text()
    if back != text:
        # The one documented loss: an empty line inside a hunk (a context line whose
        # space a mailer dropped, "" or "\r" in CRLF mail) comes back with its space.
        old, new = text.split("\n"), back.split("\n")
        check(len(old) == len(new), "round trip changes the number of lines")
        for a, b in zip(old, new, strict=True):
            check(
                a == b or (a in ("", "\r") and b == " " + a), f"round trip: {a[:60]!r} {b[:60]!r}"
            )
    for f in parsed.files:
        for path in (f.source_path, f.target_path):
            check(path is None or _safe_path(path), f"unsafe path {path!r} accepted")


# -- C facts -----------------------------------------------------------------------------


def cfacts(data: bytes) -> None:
    """Bytes as a C file -> its facts and every whole-tree query."""
    from xenreview.code.facts import TreeFacts
    from xenreview.code.parse import mask_source, parse_c

    check(len(mask_source(data)) == len(data), "masking changed the length")
    cfile = parse_c(data, "xen/arch/arm/fuzz.c")
    facts = TreeFacts([cfile])
    facts.edges()
    facts.call_graph()
    facts.table_entries()
    facts.entry_points()
    reach = facts.guest_reachable()
    for name in list(reach)[:50]:
        path = reach[name]
        check(path[-1] == name, "a reachability path does not end at its name")
        facts.path_edges(path)
    for function in facts.all_functions()[:50]:
        facts.call_order(function)
        facts.error_ladder(function)
        facts.cases_in(function)
        for call in function.calls[:20]:
            facts.locks_held_at(call)


# -- renderers -----------------------------------------------------------------------------

# Text that would become markup, headers, mbox separators or escapes if a renderer
# passed it through: it is appended to every fuzzed field.
CANARY = (
    "<xcanary xcanary=1>\"'><xcanary>&lt;xcanary&gt;<!--xcanary-->"
    "\n\rX-Canary: 1\r\nBcc: xcanary@example.org\n\nFrom xcanary Mon Jan  1 00:00:00 2024\n"
    "[bold]xcanary[/bold][/]\x1b[31mxcanary\x1b]0;xcanary\x07\u202excanary"
)

# Left alone: what xenreview itself writes (rule codes and names, fingerprints,
# machine-readable extras, problem codes) and what the parser guarantees (a trailer's
# name is a token): a value no mail or patch can set.
_KEEP_FIELDS = frozenset(
    {
        ("Finding", "code"),
        ("Finding", "name"),
        ("Finding", "fingerprint"),
        ("Finding", "extra"),
        ("Trailer", "name"),
        ("Problem", "code"),
    }
)
_KEEP_TYPES = frozenset({"Rule", "LoadedRule", "RuleSkip", "ToolError", "ToolNote"})


class _Strings:
    """Endless hostile strings cut from the fuzzer's bytes, each ending with the canary."""

    def __init__(self, data: bytes) -> None:
        pieces = data.split(b"\xfe") if data else [b""]
        self.texts = [p.decode("utf-8", "replace") + CANARY for p in pieces[:64]]
        self.index = 0

    def next(self) -> str:
        text = self.texts[self.index % len(self.texts)]
        self.index += 1
        return text


def _mutated(value: Any, strings: _Strings) -> Any:
    """``value`` with every text field (not enums, not xenreview's own) from ``strings``."""
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        return strings.next()
    if isinstance(value, tuple):
        return tuple(_mutated(item, strings) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        kind = type(value).__name__
        if kind in _KEEP_TYPES:
            return value
        changes = {}
        for f in dataclasses.fields(value):
            if not f.init or (kind, f.name) in _KEEP_FIELDS:
                continue
            old = getattr(value, f.name)
            new = _mutated(old, strings)
            if new is not old:
                changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value


@cache
def template_review() -> Review:
    """A small review to fill with hostile text: the bundled vtimer series, reviewed."""
    from tests.reviews import bundled_review

    return bundled_review("sample-vtimer-v2")


def hostile_review(data: bytes) -> Review:
    """The template review with every text field taken from ``data``."""
    return _mutated(template_review(), _Strings(data))  # type: ignore[no-any-return]


def _console(out: io.StringIO) -> Any:
    """The console the command line prints on when piped: no colour, fixed width."""
    from xenreview.report.safe import safe_console

    return safe_console(file=out, width=120, no_color=True, highlight=False, force_terminal=False)


def _no_controls(text: str, what: str) -> None:
    bad = sorted({ch for ch in text if ch in _CONTROL})
    check(not bad, f"{what}: control characters reach the output: {bad!r}")


def terminal(data: bytes) -> None:
    """A hostile review -> ``show`` and ``review`` text: no control character gets out."""
    from xenreview.report.show_text import render_show
    from xenreview.report.terminal import render_terminal

    result = hostile_review(data)
    out = io.StringIO()
    render_show(result.ingested, _console(out))
    _no_controls(out.getvalue(), "show")
    out = io.StringIO()
    render_terminal(result, _console(out))
    _no_controls(out.getvalue(), "review")


class _Markup(HTMLParser):
    """What an HTML page is made of: tags, attributes, comments, declarations, text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: dict[str, int] = {}
        self.attributes: set[str] = set()
        self.other: list[str] = []  # comments, declarations, processing instructions
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.attributes.update(name for name, _ in attrs)

    def handle_comment(self, data: str) -> None:
        self.other.append("comment")

    def handle_decl(self, decl: str) -> None:
        self.other.append("decl")

    def handle_pi(self, data: str) -> None:
        self.other.append("pi")

    def unknown_decl(self, data: str) -> None:
        self.other.append("unknown")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _markup(page: str) -> _Markup:
    parser = _Markup()
    parser.feed(page)
    parser.close()
    return parser


@cache
def _html_baseline() -> _Markup:
    from xenreview.report.html import render_html

    return _markup(render_html(hostile_review(b"plain text")))


def html(data: bytes) -> None:
    """A hostile review -> the HTML report: the input adds no markup, no controls."""
    from xenreview.report.html import render_html

    page = render_html(hostile_review(data))
    found = _markup(page)
    base = _html_baseline()
    check("xcanary" not in found.tags, "a tag from the input became an element")
    check("xcanary" not in found.attributes, "an attribute from the input became one")
    new_tags = set(found.tags) - set(base.tags)
    check(not new_tags, f"tags the report never makes: {sorted(new_tags)}")
    new_attributes = found.attributes - base.attributes
    check(not new_attributes, f"attributes the report never makes: {sorted(new_attributes)}")
    for tag in ("script", "style"):
        check(found.tags.get(tag, 0) == base.tags.get(tag, 0), f"a <{tag}> from the input")
    check(found.other == base.other, f"comments/declarations from the input: {found.other}")
    _no_controls("".join(found.text), "html text")


_REPLY_HEADERS = frozenset(
    {
        "from",
        "to",
        "cc",
        "subject",
        "date",
        "message-id",
        "in-reply-to",
        "references",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
    }
)


def email(data: bytes) -> None:
    """A hostile review -> the reply mbox: no header injected, each reply one message."""
    import mailbox
    import tempfile
    from datetime import UTC, datetime
    from email import message_from_bytes, policy

    from xenreview.report.reply import build_replies, reply_mbox

    result = hostile_review(data)
    when = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    replies = build_replies(result, date=when)
    for reply in replies:
        raw = reply.message.as_bytes(policy=policy.SMTP)
        head, _, _ = raw.partition(b"\r\n\r\n")
        for line in head.split(b"\r\n"):
            check(len(line) <= 998, "a header line longer than 998 bytes")
            check(b"\n" not in line and b"\r" not in line, "a bare line end in a header")
        parsed = message_from_bytes(raw, policy=policy.default)
        names = {name.lower() for name in parsed}
        check(names <= _REPLY_HEADERS, f"headers from the input: {sorted(names - _REPLY_HEADERS)}")
        check(not parsed.get_all("bcc"), "a Bcc header from the input")
    box = reply_mbox(result, date=when)
    with tempfile.NamedTemporaryFile(suffix=".mbox") as handle:
        handle.write(box)
        handle.flush()
        read_back = len(mailbox.mbox(handle.name, create=False))
    check(read_back == len(replies), f"{len(replies)} replies read back as {read_back} messages")


# -- the registry ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    run: Callable[[bytes], None]
    max_len: int  # longest input the fuzzer makes (bytes)
    instrument: tuple[str, ...]  # packages atheris instruments for coverage


_CORE = ("xenreview.ingest", "xenreview.diff")
TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("mail", mail, 64 * 1024, (*_CORE, "xenreview.report", "email", "unidiff")),
        Target("subject", subject, 4096, ("xenreview.ingest",)),
        Target("trailers", trailers, 16 * 1024, ("xenreview.ingest",)),
        Target("diff", diff, 64 * 1024, ("xenreview.diff", "unidiff")),
        Target("cfacts", cfacts, 32 * 1024, ("xenreview.code",)),
        Target("terminal", terminal, 4096, ("xenreview.report",)),
        Target("html", html, 4096, ("xenreview.report",)),
        Target("email", email, 4096, ("xenreview.report", "email")),
    )
}


def run(target: Target, data: bytes) -> None:
    """One input through one target: a XenreviewError is a fine answer, nothing else is."""
    with contextlib.suppress(XenreviewError):
        target.run(data)


def inputs(name: str) -> list[Path]:
    """The seed corpus and the regression inputs of a target, in name order."""
    found: list[Path] = []
    for folder in (CORPUS / name, REGRESSIONS / name):
        if folder.is_dir():
            found.extend(sorted(p for p in folder.iterdir() if p.is_file()))
    return found


def main(argv: list[str]) -> int:
    """``python -m tests.fuzz.targets TARGET [FILE...]``: replay inputs (default: corpus)."""
    if not argv or argv[0] not in TARGETS:
        print(f"usage: python -m tests.fuzz.targets {{{','.join(TARGETS)}}} [FILE...]")
        return 2
    target = TARGETS[argv[0]]
    files = [Path(a) for a in argv[1:]] or inputs(target.name)
    for path in files:
        run(target, path.read_bytes())
        print(f"ok {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
