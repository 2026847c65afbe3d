"""Helpers for the hostile-input tests: mail builders, time and memory bounds."""

from __future__ import annotations

import contextlib
import signal
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import pytest

ALICE = "Alice Example <alice@example.org>"
VTIMER = "xen/arch/arm/vtimer.c"  # in the mini tree


def mail(
    diff: str,
    *,
    subject: str = "xen/arm: sample",
    author: str = ALICE,
    number: tuple[int, int] | None = None,
    message_id: str = "hostile@example.org",
    body: str = "A change.",
    headers: str = "",
) -> str:
    """One patch mail around ``diff``."""
    counter = f" {number[0]}/{number[1]}" if number else ""
    minute = number[0] if number else 0
    return (
        f"From: {author}\n"
        f"Subject: [PATCH{counter}] {subject}\n"
        f"Message-ID: <{message_id}>\n"
        f"Date: Mon, 2 Mar 2026 10:{minute:02d}:00 +0000\n"
        f"{headers}"
        "\n"
        f"{body}\n\nSigned-off-by: {ALICE}\n---\n{diff}"
    )


def mbox(*mails: str) -> str:
    """An mbox (git's From_ lines) of ``mails``."""
    return "".join(
        f"From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n{m}\n"
        for m in mails
    )


def new_file(path: str, lines: list[str], mode: str = "100644") -> str:
    """A diff adding ``path`` with ``lines`` (mode 120000: a symlink, one line, no newline)."""
    head = (
        f"diff --git a/{path} b/{path}\nnew file mode {mode}\nindex 0000000..1111111\n"
        f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{len(lines)} @@\n"
    )
    body = "".join(f"+{line}\n" for line in lines)
    if mode == "120000":
        body += "\\ No newline at end of file\n"
    return head + body


def modify(path: str, hunk: str = "@@ -1,2 +1,3 @@\n a\n+b\n c\n") -> str:
    return f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n{hunk}"


class Hang(BaseException):
    """Raised when a bounded call runs too long (BaseException: nothing swallows it)."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail with :class:`Hang` if the block runs longer than ``seconds`` (main thread only).

    The regular expression engine checks for signals, so a catastrophic
    backtrack is cut short instead of hanging the suite.
    """
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Cost:
    seconds: float = 0.0
    peak_bytes: int = 0


@contextlib.contextmanager
def measured(limit_seconds: float) -> Iterator[Cost]:
    """Time (bounded by ``limit_seconds``) and peak Python memory (tracemalloc) of a block."""
    cost = Cost()
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with time_limit(limit_seconds):
            yield cost
    finally:
        cost.seconds = time.perf_counter() - start
        cost.peak_bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A TMPDIR of the test's own (in this process and in the processes it starts)."""
    import tempfile

    folder = tmp_path / "tmpdir"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder
