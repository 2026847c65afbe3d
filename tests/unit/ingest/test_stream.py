"""``show``'s streamed ingest: the same series as the whole model, in flat memory."""

from __future__ import annotations

import dataclasses
import io
import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from tests.conftest import REPO_ROOT
from xenreview.errors import InputError, LimitError
from xenreview.ingest import ingest
from xenreview.ingest.model import Ingested, Patch, Severity
from xenreview.ingest.stream import Whole, open_show
from xenreview.report.json_report import show_document, write_show
from xenreview.report.show_text import render_show, render_show_source
from xenreview.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
THREAD = FIXTURES / "stream" / "thread.mbox"
ARCHIVE = FIXTURES / "archive" / "vtimer_two_files.txt"
SETTINGS = Settings()

SOURCES = [
    pytest.param([THREAD, ARCHIVE], id="thread+archive"),
    pytest.param([ARCHIVE, THREAD], id="archive+thread"),
    pytest.param([FIXTURES / "mail" / "maildir", FIXTURES / "mail" / "format-patch"], id="dirs"),
    pytest.param([FIXTURES / "mail" / "flowed.eml"], id="flowed"),
    *(
        pytest.param([series], id=series.parent.name)
        for series in sorted((REPO_ROOT / "patches").glob("*/series.mbox"))
    ),
]


def _specs(paths: list[Path]) -> list[str]:
    return [str(path) for path in paths]


def _whole_errors(ingested: Ingested) -> tuple[object, ...]:
    """The error problems in the order the CLI lists them for the whole model."""
    found = list(ingested.problems)
    for series in ingested.series:
        found.extend(series.problems)
        for patch in series.patches:
            found.extend(patch.problems)
    return tuple(p for p in found if p.severity is Severity.ERROR)


@pytest.mark.parametrize("paths", SOURCES)
def test_streamed_series_equal_the_whole_model(paths: list[Path]) -> None:
    whole = ingest(_specs(paths), SETTINGS)
    with open_show(_specs(paths), SETTINGS, summary=False) as shown:
        index = shown.index
        assert index.problems == whole.problems
        assert len(index.series) == len(whole.series)
        for position, series in enumerate(whole.series):
            light = index.series[position]
            assert (light.title, light.version, light.total) == (
                series.title,
                series.version,
                series.total,
            )
            assert light.problems == series.problems
            assert light.base_commit == series.base_commit
            assert [p.message_id for p in light.patches] == [p.message_id for p in series.patches]
            assert shown.cover(position) == series.cover
            assert tuple(shown.patches(position)) == series.patches
        assert shown.errors() == _whole_errors(whole)


def test_the_thread_fixture_has_what_the_stream_must_carry_over() -> None:
    """Replies before and after their patch, a reply to the cover, To/Cc, problems."""
    whole = ingest(_specs([THREAD]), SETTINGS)
    v1, v2 = whole.series
    assert [p.code for p in v1.patches[0].problems] == ["format-flowed"]
    assert v2.cover is not None and v2.cover.message.cc and v2.cover.followup_trailers
    assert v2.base_commit == "0123456789abcdef0123456789abcdef01234567"
    assert [p.code for p in v2.problems] == ["duplicate-patch"]
    first, second, third = v2.patches
    assert first.message.cc and [t.name for t in first.followup_trailers] == ["Reviewed-by"]
    assert len(first.review_comments) == 3  # two replies, one of them to a reply
    assert second.message_id == "p2-v2-again@example.org"  # answered before it was read
    assert [t.name for t in second.followup_trailers] == ["Tested-by"]
    assert second.review_comments[0].quoted[-1].target_no == 83
    assert [p.severity for p in third.problems] == [Severity.ERROR]
    assert [p.code for p in whole.problems] == ["not-a-patch"]


def _with_lines(summary: Patch, whole: Patch) -> Patch:
    """``summary`` with the lines of ``whole``'s hunks put back (checking the counts)."""
    files = []
    for small, full in zip(summary.diff.files, whole.diff.files, strict=True):
        hunks = []
        for hunk, full_hunk in zip(small.hunks, full.hunks, strict=True):
            assert hunk.lines == () and hunk.counts == (full_hunk.added, full_hunk.removed)
            hunks.append(dataclasses.replace(hunk, lines=full_hunk.lines, counts=None))
        files.append(dataclasses.replace(small, hunks=tuple(hunks)))
    return dataclasses.replace(summary, diff=dataclasses.replace(summary.diff, files=tuple(files)))


@pytest.mark.parametrize("paths", SOURCES[:3])
def test_summary_patches_differ_only_by_their_hunks_lines(paths: list[Path]) -> None:
    whole = ingest(_specs(paths), SETTINGS)
    answered = 0
    with open_show(_specs(paths), SETTINGS) as shown:
        for position, series in enumerate(whole.series):
            for patch, full in zip(shown.patches(position), series.patches, strict=True):
                if patch.review_comments:  # replies are tied to the lines: kept
                    answered += 1
                    assert patch == full
                else:
                    assert _with_lines(patch, full) == full
    assert answered == (3 if THREAD in paths else 0)  # two replied to, one archive copy


def test_the_index_sets_to_and_cc_aside_and_the_patches_get_them_back() -> None:
    with open_show(_specs([THREAD]), SETTINGS) as shown:
        series = shown.index.series[1]
        assert series.cover is not None and series.cover.message.cc == ()
        assert series.patches[0].message.cc == () and series.patches[0].diff.files == ()
        cover = shown.cover(1)
        assert cover is not None and len(cover.message.cc) == 2
        assert len(next(shown.patches(1)).message.cc) == 2


def test_errors_are_those_of_the_patches_read() -> None:
    with open_show(_specs([THREAD]), SETTINGS) as shown:
        assert shown.errors() == ()  # no patch read yet, no series error
        for position in range(len(shown.index.series)):
            for _ in shown.patches(position):
                pass
            for _ in shown.patches(position):  # read twice: counted once
                pass
        assert [p.code for p in shown.errors()] == ["malformed-diff"]


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("paths", SOURCES[:4])
def test_write_show_is_json_dumps_of_show_document(paths: list[Path], indent: int | None) -> None:
    whole = ingest(_specs(paths), SETTINGS)
    expected = json.dumps(show_document(whole), indent=indent, ensure_ascii=False)
    out = io.StringIO()
    write_show(out.write, Whole(whole), indent=indent)
    assert out.getvalue() == expected
    out = io.StringIO()
    with open_show(_specs(paths), SETTINGS) as shown:
        write_show(out.write, shown, indent=indent)
    assert out.getvalue() == expected


@pytest.mark.parametrize("indent", [None, 4])
def test_write_show_with_no_series(indent: int | None) -> None:
    empty = Ingested(series=())
    out = io.StringIO()
    write_show(out.write, Whole(empty), indent=indent)
    assert out.getvalue() == json.dumps(show_document(empty), indent=indent, ensure_ascii=False)


def test_text_rendering_is_the_same() -> None:
    def text(render: Callable[[Console], None]) -> str:
        console = Console(file=io.StringIO(), width=120, no_color=True, force_terminal=False)
        render(console)
        out = console.file
        assert isinstance(out, io.StringIO)
        return out.getvalue()

    specs = _specs([THREAD, ARCHIVE])
    expected = text(lambda console: render_show(ingest(specs, SETTINGS), console))
    assert "for the whole series" in expected and "malformed-diff" in expected
    with open_show(specs, SETTINGS) as shown:
        assert text(lambda console: render_show_source(shown, console)) == expected


def test_bad_input_raises_as_ingest_does(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mbox"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty input"):
        open_show([str(empty)], SETTINGS)
    with pytest.raises(LimitError, match="--max-patches"):
        open_show(_specs([THREAD]), Settings(max_patches=3))


def test_leaving_the_context_closes_the_spool() -> None:
    with open_show(_specs([THREAD]), SETTINGS) as shown:
        spool = shown._spool.file
        assert not spool.closed
    assert spool.closed


# --------------------------------------------------------------------------
# Memory


def _mbox(path: Path, patches: int) -> Path:
    """A format-patch mbox: a cover letter and ``patches`` patches of 40 added lines."""
    added = "".join(f"+static int value_{i} = {i};\n" for i in range(40))
    parts = [
        "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
        "Message-Id: <cover@example.org>\nFrom: Alice Example <alice@example.org>\n"
        f"Date: Mon, 8 Jan 2024 10:00:00 +0000\nSubject: [PATCH 0/{patches}] synthetic\n\n"
        "A synthetic series.\n\n"
    ]
    for n in range(1, patches + 1):
        parts.append(
            f"From {n:040x} Mon Sep 17 00:00:00 2001\n"
            f"Message-Id: <p{n}@example.org>\nIn-Reply-To: <cover@example.org>\n"
            "References: <cover@example.org>\nFrom: Alice Example <alice@example.org>\n"
            f"Date: Mon, 8 Jan 2024 10:00:00 +0000\nSubject: [PATCH {n}/{patches}] change {n}\n\n"
            f"Change {n}.\n\nSigned-off-by: Alice Example <alice@example.org>\n---\n"
            f"diff --git a/xen/file{n}.c b/xen/file{n}.c\nindex 1234567..89abcde 100644\n"
            f"--- a/xen/file{n}.c\n+++ b/xen/file{n}.c\n@@ -1,2 +1,42 @@\n int a;\n"
            f"{added} int b;\n-- \n2.43.0\n\n"
        )
    path.write_text("".join(parts))
    return path


def _peak(run: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _show(path: Path) -> None:
    """What ``xenreview show --format json`` does, the output thrown away."""
    with open_show([str(path)], SETTINGS) as shown:
        write_show(lambda text: None, shown)
        shown.errors()


def _show_whole(path: Path) -> None:
    json.dumps(show_document(ingest([str(path)], SETTINGS)), ensure_ascii=False)


def test_show_memory_is_flat_but_for_a_small_index(tmp_path: Path) -> None:
    small, large = 80, 320
    paths = {n: _mbox(tmp_path / f"s{n}.mbox", n) for n in (small, large)}
    _show(paths[small])  # imports and caches: not part of the figure
    _show_whole(paths[small])

    def per_message(run: Callable[[Path], None]) -> float:
        grown = _peak(lambda: run(paths[large])) - _peak(lambda: run(paths[small]))
        return grown / (large - small)

    streamed = per_message(_show)
    whole = per_message(_show_whole)
    # The whole model keeps every diff line (about 9 kB a message here): the
    # measure sees it.  The stream keeps an index entry per message.
    assert whole > 5_000, f"whole model: {whole:.0f} bytes a message"
    assert streamed < 2_000, f"streamed show: {streamed:.0f} bytes a message"
