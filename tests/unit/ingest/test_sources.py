"""Reading sources into raw messages: mbox, maildir, directories, stdin, git ranges."""

from __future__ import annotations

import dataclasses
import gc
import io
import os
import subprocess
import tracemalloc
from collections.abc import Generator
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from xenreview.errors import InputError, LimitError
from xenreview.ingest import ingest
from xenreview.ingest.mail import parse_mail
from xenreview.ingest.model import Mail, RawMail
from xenreview.ingest.sources import iter_git_range, iter_source
from xenreview.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "mail"
SETTINGS = Settings()


def read(spec: str | Path, settings: Settings = SETTINGS, **kwargs: object) -> list[RawMail]:
    return list(iter_source(str(spec), settings, **kwargs))  # type: ignore[arg-type]


def bodies(raws: list[RawMail]) -> list[bytes]:
    return [raw.data.split(b"\n\n", 1)[1] for raw in raws]


# --------------------------------------------------------------------------
# Kinds of source


def test_single_eml_is_one_message_with_empty_where() -> None:
    path = FIXTURES / "single.eml"
    (raw,) = read(path)
    assert raw.data == path.read_bytes()
    assert raw.source == str(path)
    assert raw.where == ""


def test_mbox_members_with_index_and_from_line_number() -> None:
    raws = read(FIXTURES / "mboxrd.mbox")
    assert [raw.where for raw in raws] == [
        "message 1 (line 1)",
        "message 2 (line 14)",
        "message 3 (line 24)",
    ]
    # The From_ line is not part of the message; every member starts with its headers.
    assert all(raw.data.startswith(b"From: ") for raw in raws)
    assert b"Message-ID: <mboxrd-2@example.org>" in raws[1].data


def test_mbox_separator_needs_blank_line_and_from_line_shape() -> None:
    # "From here on ..." lines in the body: one not after a blank line, one with no digit.
    raws = read(FIXTURES / "mboxo.mbox")
    assert len(raws) == 2
    assert b"From here on this line is not after a blank line.\n" in raws[0].data
    assert raws[0].data.endswith(b"\nFrom here on nothing changes either.\n")


def test_exactly_one_blank_line_before_a_separator_is_removed(tmp_path: Path) -> None:
    mbox = tmp_path / "two.mbox"
    mbox.write_bytes(
        b"From a@example.org Mon Jan  8 10:00:00 2024\nSubject: one\n\nbody one\n\n\n"
        b"From a@example.org Mon Jan  8 10:00:00 2024\nSubject: two\n\nbody two\n\n"
    )
    first, second = read(mbox)
    assert first.data == b"Subject: one\n\nbody one\n\n"
    assert second.data == b"Subject: two\n\nbody two\n\n"  # no separator after it


def test_empty_messages_between_separators() -> None:
    line = b"From a@example.org Mon Jan  8 10:00:00 2024\n"
    data = line + b"\n" + line + b"Subject: two\n\nbody\n\n" + line + b"\n" + line
    raws = read("-", stdin=io.BytesIO(data))
    assert [raw.data for raw in raws] == [b"", b"Subject: two\n\nbody\n", b"", b""]
    assert [raw.where for raw in raws] == [
        "message 1 (line 1)",
        "message 2 (line 3)",
        "message 3 (line 8)",
        "message 4 (line 10)",
    ]


def test_crlf_mbox() -> None:
    first, second = read(FIXTURES / "crlf.mbox")
    assert first.data.endswith(b"\r\n\r\nFirst body.\r\n")
    assert not first.data.endswith(b"\r\n\r\n")
    assert second.data.endswith(b"\r\n\r\nSecond body.\r\n\r\n")
    assert second.where == "message 2 (line 10)"


def test_truncated_mbox_still_yields_the_cut_message() -> None:
    raws = read(FIXTURES / "truncated.mbox")
    assert len(raws) == 2
    assert raws[1].data.endswith(b"+        return -EB")
    assert raws[0].data.endswith(b"-- \n2.43.0\n")
    assert not raws[0].data.endswith(b"\n\n")


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        (
            "mboxrd",
            b"From the point of view of CPU0, 2 things change.\n"
            b">From a quoted line in the original.\n"
            b">>From a doubly quoted line.\n",
        ),
        (
            "mboxo",
            b"From the point of view of CPU0, 2 things change.\n"
            b">>From a quoted line in the original.\n"
            b">>>From a doubly quoted line.\n",
        ),
    ],
)
def test_from_unescaping_of_an_mboxrd_file(dialect: str, expected: bytes) -> None:
    raws = read(FIXTURES / "mboxrd.mbox", Settings(mbox_dialect=dialect))
    assert raws[0].data.endswith(b"The first message.\n\n" + expected)


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        ("mboxrd", b">From quoted twice stays as written.\n"),
        ("mboxo", b">>From quoted twice stays as written.\n"),
    ],
)
def test_from_unescaping_of_an_mboxo_file(dialect: str, expected: bytes) -> None:
    raws = read(FIXTURES / "mboxo.mbox", Settings(mbox_dialect=dialect))
    assert b"\n\nFrom the point of view of CPU0, 2 things change.\n" + expected in raws[0].data


def test_maildir_sorted_by_file_name_across_cur_and_new() -> None:
    raws = read(FIXTURES / "maildir")
    assert [raw.where for raw in raws] == [
        "new/1704707000.M0P100.example",
        "cur/1704708000.M1P100.example,S",
    ]
    assert [raw.source for raw in raws] == [str(FIXTURES / "maildir")] * 2
    assert b"First by name." in raws[0].data


def test_format_patch_directory_in_name_order_ignoring_other_files() -> None:
    raws = read(FIXTURES / "format-patch")
    assert [raw.where for raw in raws] == [
        "0000-cover-letter.patch",
        "0001-xen-arm-add-a-suspend-state.patch",
        "0002-xen-arm-park-CPUs-on-suspend.patch",
    ]


def test_git_written_files_are_neither_split_nor_unescaped_in_bodies() -> None:
    raws = read(FIXTURES / "format-patch", Settings(mbox_dialect="mboxrd"))
    assert b"\n\nFrom the view of CPU0, 2 things change.\n>From stays as it is.\n" in raws[1].data


def test_mbox_inside_a_directory_is_split(tmp_path: Path) -> None:
    (tmp_path / "a.mbox").write_bytes((FIXTURES / "mboxrd.mbox").read_bytes())
    (tmp_path / "b.eml").write_bytes((FIXTURES / "single.eml").read_bytes())
    raws = read(tmp_path)
    assert [raw.where for raw in raws] == [
        "a.mbox, message 1 (line 1)",
        "a.mbox, message 2 (line 14)",
        "a.mbox, message 3 (line 24)",
        "b.eml",
    ]


def test_stdin_mbox_and_single_message() -> None:
    data = (FIXTURES / "mboxrd.mbox").read_bytes()
    raws = read("-", stdin=io.BytesIO(data))
    assert [raw.source for raw in raws] == ["<stdin>"] * 3
    assert raws == [
        dataclasses.replace(raw, source="<stdin>") for raw in read(FIXTURES / "mboxrd.mbox")
    ]
    (single,) = read("-", stdin=io.BytesIO(b"\n\n" + (FIXTURES / "single.eml").read_bytes()))
    assert single.data == (FIXTURES / "single.eml").read_bytes()
    assert single.where == ""


def test_leading_blank_lines_before_the_first_from_line() -> None:
    data = b"\n\r\n" + (FIXTURES / "mboxrd.mbox").read_bytes()
    raws = read("-", stdin=io.BytesIO(data))
    assert raws[0].where == "message 1 (line 3)"


def test_bare_diff_and_headerless_git_patch_are_accepted() -> None:
    (bare,) = read(FIXTURES / "bare.diff")
    assert bare.data.startswith(b"diff --git ")
    (headerless,) = read(FIXTURES / "git-headerless.patch")
    assert headerless.data.startswith(b"diff --git ")


# --------------------------------------------------------------------------
# Errors


def error_of(spec: str | Path, settings: Settings = SETTINGS, **kwargs: object) -> InputError:
    with pytest.raises(InputError) as caught:
        read(spec, settings, **kwargs)
    assert "\n" not in str(caught.value)
    return caught.value


def test_missing_path(tmp_path: Path) -> None:
    error = error_of(tmp_path / "nope.mbox")
    assert error.source == str(tmp_path / "nope.mbox")
    assert "no such file" in error.message


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.eml"
    path.write_bytes((FIXTURES / "single.eml").read_bytes())

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    error = error_of(path)
    assert error.message == "cannot read: Permission denied"
    assert error.source == str(path)


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.eml"
    path.write_bytes(content)
    assert error_of(path).message == "empty input"


def test_empty_fixture_and_empty_stdin_and_dev_null() -> None:
    assert error_of(FIXTURES / "empty.eml").message == "empty input"
    error = error_of("-", stdin=io.BytesIO(b""))
    assert (error.source, error.message) == ("<stdin>", "empty input")
    assert error_of("/dev/null").message == "empty input"


def test_empty_file_in_a_directory_names_it(tmp_path: Path) -> None:
    (tmp_path / "0001-a.patch").write_bytes(b"")
    error = error_of(tmp_path)
    assert (error.where, error.message) == ("0001-a.patch", "empty input")


def test_directory_without_mail(tmp_path: Path) -> None:
    (tmp_path / "README").write_text("nothing here\n")
    error = error_of(tmp_path)
    assert error.source == str(tmp_path)
    assert "no mail in this directory" in error.message


def test_nul_byte_in_a_single_message() -> None:
    error = error_of(FIXTURES / "nul.eml")
    data = (FIXTURES / "nul.eml").read_bytes()
    nul = data.index(b"\0")
    assert error.where == f"byte {nul}"
    assert "NUL byte" in error.message
    assert "(line 7)" in error.message


def test_nul_byte_in_an_mbox_member(tmp_path: Path) -> None:
    mbox = tmp_path / "nul.mbox"
    mbox.write_bytes(
        b"From a@example.org Mon Jan  8 10:00:00 2024\nSubject: one\n\nok\n\n"
        b"From a@example.org Mon Jan  8 10:00:00 2024\nSubject: two\n\nbad\0byte\n"
    )
    error = error_of(mbox)
    assert error.where == "message 2 (line 6), byte 17 of the message"
    assert "(line 9)" in error.message


def test_non_mail_file() -> None:
    error = error_of(FIXTURES / "not-mail.txt")
    assert error.where == "line 1"
    assert "neither a mail nor a patch" in error.message


def test_header_like_text_file_is_not_mail(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Note: this looks like a header\nbut it is not a mail.\n")
    assert "neither a mail nor a patch" in error_of(path).message


# --------------------------------------------------------------------------
# Limits


def test_max_bytes_checked_on_the_file_size() -> None:
    path = FIXTURES / "single.eml"
    size = path.stat().st_size
    with pytest.raises(LimitError) as caught:
        read(path, Settings(max_bytes=100))
    message = str(caught.value)
    assert str(path) in message
    assert str(size) in message
    assert "100" in message
    assert "--max-bytes" in message


def test_max_bytes_counted_while_streaming_stdin() -> None:
    data = (FIXTURES / "mboxrd.mbox").read_bytes()
    with pytest.raises(LimitError, match="--max-bytes") as caught:
        read("-", Settings(max_bytes=500), stdin=io.BytesIO(data))
    assert caught.value.source == "<stdin>"
    single = (FIXTURES / "single.eml").read_bytes()
    with pytest.raises(LimitError, match="--max-bytes"):
        read("-", Settings(max_bytes=500), stdin=io.BytesIO(single))


def test_max_patches() -> None:
    with pytest.raises(LimitError, match="--max-patches") as caught:
        read(FIXTURES / "mboxrd.mbox", Settings(max_patches=2))
    assert caught.value.where == "message 3 (line 24)"
    assert len(read(FIXTURES / "mboxrd.mbox", Settings(max_patches=3))) == 3
    with pytest.raises(LimitError, match="--max-patches"):
        read(FIXTURES / "format-patch", Settings(max_patches=2))


def test_mbox_is_streamed_with_flat_memory(tmp_path: Path) -> None:
    line = b"+" + b"x" * 198 + b"\n"
    message = (
        b"From alice@example.org Mon Jan  8 10:00:00 2024\n"
        b"From: Alice Example <alice@example.org>\nSubject: [PATCH] big\n\n" + line * 150 + b"\n"
    )
    path = tmp_path / "big.mbox"
    count = 1000
    with path.open("wb") as handle:
        for _ in range(count):
            handle.write(message)
    size = path.stat().st_size
    assert size > 29_000_000
    tracemalloc.start()
    try:
        seen = 0
        total = 0
        for raw in iter_source(str(path), SETTINGS):
            seen += 1
            total += len(raw.data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == count
    assert total > size * 0.9
    # One message is about 30 kB: holding the file (or a good part of it) would show.
    assert peak < 1_000_000, f"peak {peak} bytes for a {size} byte mbox"


# --------------------------------------------------------------------------
# git ranges


def git(repo: Path, *args: str, date: str | None = None) -> str:
    env = dict(os.environ)
    if date is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    done = subprocess.run(
        ["git", "-C", str(repo), *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "xen"
    repo.mkdir()
    git(repo, "init", "-q")  # identity: tests/conftest.py sets GIT_AUTHOR_* and GIT_COMMITTER_*
    source = repo / "suspend.c"
    source.write_text("int park(void)\n{\n    return 0;\n}\n")
    git(repo, "add", "suspend.c")
    git(repo, "commit", "-q", "-m", "base", date="2024-01-08T10:00:00+0000")
    messages = [
        "xen/arm: add a suspend state\n\nFrom the view of CPU0, 2 things change.\n"
        ">From stays.\n\nSigned-off-by: Alice Example <alice@example.org>\n",
        "xen/arm: park CPUs on suspend\n\nCaf\u00e9 au lait.\n\n"
        "Signed-off-by: Alice Example <alice@example.org>\n",
        "xen/arm: third\n\nSigned-off-by: Alice Example <alice@example.org>\n",
    ]
    for number, message in enumerate(messages, start=1):
        source.write_text(source.read_text() + f"/* change {number} */\n")
        git(repo, "commit", "-q", "-a", "-m", message, date=f"2024-01-08T10:0{number}:00+0000")
    return repo


def decoded(raws: list[RawMail]) -> list[Mail]:
    mails = [parse_mail(raw, SETTINGS) for raw in raws]
    return [
        dataclasses.replace(
            mail,
            message=dataclasses.replace(mail.message, source="", where=""),
            problems=tuple(
                dataclasses.replace(problem, source=None, where=None) for problem in mail.problems
            ),
        )
        for mail in mails
    ]


def test_git_range_gives_the_same_messages_as_format_patch_files(
    repo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    git(repo, "format-patch", "-q", "-o", str(out), "HEAD~3..HEAD")
    from_files = read(out)
    from_range = list(iter_git_range(repo, "HEAD~3..HEAD", SETTINGS))
    assert len(from_range) == 3
    assert {raw.source for raw in from_range} == {"git:HEAD~3..HEAD"}
    assert [raw.where.split(" (")[0] for raw in from_range] == [
        "message 1",
        "message 2",
        "message 3",
    ]
    assert from_range[0].where == "message 1 (line 1)"
    assert [raw.data for raw in from_range] == [raw.data for raw in from_files]
    assert decoded(from_range) == decoded(from_files)
    titles = [mail.message.subject.title for mail in decoded(from_range)]
    assert titles == [
        "xen/arm: add a suspend state",
        "xen/arm: park CPUs on suspend",
        "xen/arm: third",
    ]
    first = decoded(from_range)[0]
    assert first.text.startswith("From the view of CPU0, 2 things change.\n>From stays.\n\n")


def test_git_range_abandoned_early_reaps_git(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import git as gitpython

    started: list[Any] = []
    execute = gitpython.Git.execute

    def spy(self: gitpython.Git, *args: Any, **kwargs: Any) -> Any:
        process = execute(self, *args, **kwargs)
        started.append(process.proc)
        return process

    monkeypatch.setattr(gitpython.Git, "execute", spy)
    messages = cast(Generator[RawMail, None, None], iter_git_range(repo, "HEAD~3..HEAD", SETTINGS))
    first = next(messages)
    assert first.data.startswith(b"From: ")
    (popen,) = started
    assert popen.returncode is None or popen.returncode == 0
    messages.close()
    assert popen.returncode is not None  # waited for, not left behind
    assert popen.stdout.closed


@pytest.mark.parametrize(
    ("rev_range", "expected"),
    [
        ("no-such-branch..HEAD", "fatal: ambiguous argument 'no-such-branch..HEAD'"),
        ("HEAD..HEAD", "no commits in this range"),
        ("--output=/tmp/x", "not a revision range"),
    ],
)
def test_git_range_errors(repo: Path, rev_range: str, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        list(iter_git_range(repo, rev_range, SETTINGS))
    assert caught.value.source == f"git:{rev_range}"
    assert expected in caught.value.message
    assert "\n" not in str(caught.value)


def test_git_range_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(InputError, match="not a git repository") as caught:
        list(iter_git_range(plain, "HEAD~1..HEAD", SETTINGS))
    assert caught.value.source == "git:HEAD~1..HEAD"
    with pytest.raises(InputError, match="not a git repository"):
        list(iter_git_range(tmp_path / "missing", "HEAD~1..HEAD", SETTINGS))


# --------------------------------------------------------------------------
# The block-wise splitter against a plain line-by-line reading


def reference_split(data: bytes, dialect: str) -> list[tuple[bytes, int]]:
    """(message, line of its From_ line), the obvious way: line by line."""
    import re

    from_line = re.compile(rb"From \S+ [^\n]*\d")
    escaped = re.compile(rb">+From " if dialect == "mboxrd" else rb">From ")
    lines = data.splitlines(keepends=True)
    while lines and not lines[0].strip():
        lines.pop(0)
    messages: list[tuple[list[bytes], int]] = []
    first_line = len(data.splitlines(keepends=True)) - len(lines) + 1
    blank = False
    for number, line in enumerate(lines, start=first_line):
        if not messages or (blank and from_line.match(line)):
            if messages:
                messages[-1][0].pop()
            messages.append(([], number))
            blank = False
            continue
        if escaped.match(line):
            line = line[1:]
        messages[-1][0].append(line)
        blank = line in (b"\n", b"\r\n")
    return [(b"".join(body), number) for body, number in messages]


_LINES = st.sampled_from(
    [
        b"\n",
        b"\r\n",
        b"Subject: x\n",
        b"body text\n",
        b"From here on\n",
        b"From a@example.org Mon Jan  8 10:00:00 2024\n",
        b"From a@example.org Mon Jan  8 10:00:00 2024\r\n",
        b">From a@example.org 1\n",
        b">>From quoted 2\n",
        b"From x\n",
        b"no newline at the end",
        b"From b@example.org Tue Jan  9 10:00:00 2024",
    ]
)


@given(
    body=st.lists(_LINES, max_size=40),
    chunk=st.sampled_from([1, 2, 3, 5, 8, 64, 1 << 16]),
    dialect=st.sampled_from(["mboxrd", "mboxo"]),
)
@hypothesis_settings(max_examples=300, deadline=None)
def test_block_splitter_matches_line_reading(body: list[bytes], chunk: int, dialect: str) -> None:
    from xenreview.ingest import sources

    lines = [line if line.endswith(b"\n") else line + b"\n" for line in body[:-1]] + body[-1:]
    data = b"From a@example.org Mon Jan  8 10:00:00 2024\n" + b"".join(lines)
    expected = reference_split(data, dialect)
    saved = sources._CHUNK
    sources._CHUNK = chunk
    try:
        raws = list(iter_source("-", Settings(mbox_dialect=dialect), stdin=io.BytesIO(data)))
    finally:
        sources._CHUNK = saved
    assert [raw.data for raw in raws] == [message for message, _ in expected]
    if len(raws) > 1:
        assert [raw.where for raw in raws] == [
            f"message {index} (line {number})"
            for index, (_, number) in enumerate(expected, start=1)
        ]


def test_a_huge_line_after_a_blank_line_is_neither_a_separator_nor_slow() -> None:
    data = (
        b"From a@example.org Mon Jan  8 10:00:00 2024\nSubject: x\n\n\nFrom "
        + b"x" * 5_000_000
        + b" 1\n"
    )
    (raw,) = read("-", stdin=io.BytesIO(data))
    assert raw.data.endswith(b" 1\n")
    assert len(raw.data) > 5_000_000


# --------------------------------------------------------------------------
# ingest(): the cyclic collector while the model is built


def test_ingest_leaves_the_collector_as_it_found_it() -> None:
    was_enabled = gc.isenabled()
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            ingest([str(FIXTURES / "0005-xen-arm-foo.patch")], SETTINGS)
            assert gc.isenabled() is enabled
            with pytest.raises(InputError):
                ingest([str(FIXTURES / "not-mail.txt")], SETTINGS)
            assert gc.isenabled() is enabled
    finally:
        (gc.enable if was_enabled else gc.disable)()


def test_the_collector_is_off_while_the_model_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    import xenreview.ingest.series as series_module

    seen: list[bool] = []
    original = series_module.assemble

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(series_module, "assemble", spy)
    gc.enable()
    ingest([str(FIXTURES / "0005-xen-arm-foo.patch")], SETTINGS)
    assert seen == [False]
    assert gc.isenabled()
