"""Patches back into mail for ``git am``.

``git am`` is fed mail rebuilt from the records, not the original bytes: a
series may come from several sources or from a reconstructed archive copy.
Each message carries the author, the date, the subject title (``git am -k``
keeps it verbatim: the ``[PATCH ...]`` prefixes are already gone), the body
and the trailers, then ``---`` and the exact diff text.  The mbox is written
in the mboxrd dialect (``From `` lines escaped with ``>``) in UTF-8 8bit.

The commit message git makes from it is ``title``, a blank line, the body,
a blank line and the trailers, as ``git am`` would from the posted mail.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.header import Header
from email.utils import format_datetime, formataddr, formatdate, parsedate_to_datetime

from xenreview.apply.git import FIXED_EPOCH
from xenreview.ingest.model import Message, Patch

_FROM_LINE = re.compile(r"^(>*From )", re.MULTILINE)
_LINE_BREAK = re.compile(r"\r\n|[\r\n]")
_MBOX_SEPARATOR = "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"


def mail_date(message: Message) -> str:
    """The author date as an RFC 5322 date git accepts, keeping the zone."""
    if message.date:
        try:
            when = parsedate_to_datetime(message.date)
        except (TypeError, ValueError, IndexError):
            pass
        else:
            return format_datetime(when)
    stamp = message.timestamp if message.timestamp is not None else FIXED_EPOCH
    return formatdate(stamp, usegmt=True)


def _one_line(text: str) -> str:
    """``text`` with its line breaks as spaces: a header value must not end the header.

    A name decoded from ``=?utf-8?q?Eve=0ASubject=3A_x?=`` holds a newline, which
    would otherwise write a header (or a body) of its own into the mail git reads.
    """
    return " ".join(_LINE_BREAK.split(text)) if "\n" in text or "\r" in text else text


def _author(message: Message) -> str:
    person = message.author
    name = _one_line(person.name).strip() or person.email.partition("@")[0] or "unknown"
    email = _one_line(person.email).strip() or "unknown@invalid"
    return formataddr((name, email), charset="utf-8")


def _subject(title: str) -> str:
    title = _one_line(title)
    if title.isascii():
        return title
    return Header(title, "utf-8", maxlinelen=998).encode()


def commit_text(patch: Patch) -> str:
    """What follows the subject in the commit message: body, blank line, trailers."""
    body = patch.body.strip("\n")
    trailers = "\n".join(t.line or f"{t.name}: {t.value}" for t in patch.trailers)
    return "\n\n".join(part for part in (body, trailers) if part)


def patch_mail(patch: Patch) -> str:
    """One message of the mbox (with its ``From `` separator line)."""
    diff = patch.diff.text()
    if diff and not diff.endswith("\n"):
        diff += "\n"
    text = commit_text(patch)
    body = (text + "\n" if text else "") + "---\n" + diff
    headers = (
        f"From: {_author(patch.message)}\n"
        f"Date: {mail_date(patch.message)}\n"
        f"Subject: {_subject(patch.subject.title)}\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: 8bit\n"
    )
    return _MBOX_SEPARATOR + headers + "\n" + _FROM_LINE.sub(r">\1", body) + "\n"


def series_mbox(patches: Iterable[Patch]) -> bytes:
    """An mboxrd file of ``patches``, in order, as UTF-8 bytes."""
    text = "".join(patch_mail(patch) for patch in patches)
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace")
