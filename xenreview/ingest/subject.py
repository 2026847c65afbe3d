"""The grammar of patch subjects as xen-devel carries them.

A subject is a run of reply prefixes (``Re:``, ``RE:``, ``Aw:``, ``Fwd:``)
and bracket groups, then the title::

    Re: [Xen-devel] [PATCH for-4.21 v5.1 03/18] xen/arm: do X

Every token of a bracket group is classified on its own, so the order inside
the brackets does not matter: ``vN`` / ``VN`` / ``vN.M`` is the version,
``n/m`` the counter and total, ``PATCHv2`` both a tag and a version, a
mailing-list tag (``Xen-devel``) is dropped, and every other token is a tag
(``PATCH``, ``RFC`` and ``RESEND`` upper-cased, the rest verbatim).  Values
not written in the subject are inferred (version 1, patch 1/1) and flagged
as such.

:func:`parse_subject` never raises: any string is some subject, at worst one
with no tags and the whole text as its title.  It runs once per message, so
it sticks to a handful of precompiled regular expressions.
"""

from __future__ import annotations

import re
from typing import Final

from xenreview.ingest.model import Subject

__all__ = ["LIST_TAGS", "format_subject", "parse_subject"]

LIST_TAGS: Final = frozenset(
    {"xen-devel", "xen-users", "xen-api", "xen-announce", "xen-changelog", "minios-devel"}
)
"""Mailing-list tags that Mailman puts in front of a subject (compared lower-cased)."""

_KNOWN_TAGS: Final = {"patch": "PATCH", "rfc": "RFC", "resend": "RESEND"}

# A line break and the white space after it: header folding left-overs.  The blanks
# before it are trimmed by _unfold (a leading "[ \t]*" here would rescan every run
# of blanks without a line break: quadratic on hostile subjects).
_FOLD = re.compile(r"[\r\n]\s*+")
# "Re:", "RE:", "Aw:", "Fwd:", "Fw:", "Sv:", "Antw:", with "Re[2]:" / "Re^2:" counts.
# Possessive blanks: two "[ \t]*" around an optional count would retry every split of
# a long run of blanks.
_REPLY = re.compile(
    r"(?:re|aw|fwd?|sv|antw)[ \t]*+(?:\[\d{1,4}\]|\^\d{1,4})?[ \t]*+:", re.IGNORECASE
)
_TOKEN_SPLIT = re.compile(r"[\s,]+")
# Bounded digit runs: int() of a huge digit string would raise (and be slow).
_VERSION = re.compile(r"[vV](\d{1,6}(?:\.\d{1,6}){0,3})")
_COUNTER = re.compile(r"(\d{1,6})/(\d{1,6})")
_TAG_VERSION = re.compile(r"(patch|rfc|resend)[vV](\d{1,6}(?:\.\d{1,6}){0,3})", re.IGNORECASE)


def _unfold(text: str) -> str:
    """Undo header folding: any white-space run with a line break becomes one space."""
    if "\n" in text or "\r" in text:
        parts = _FOLD.split(text)
        return " ".join([*(part.rstrip(" \t") for part in parts[:-1]), parts[-1]])
    return text


def parse_subject(raw: str) -> Subject:
    """Parse a subject line; never raises.

    ``raw`` is kept verbatim in :attr:`Subject.raw`; the title is what follows
    the leading prefixes and bracket groups, unfolded and stripped.
    """
    text = _unfold(raw)
    pos = 0
    end = len(text)
    is_reply = False
    seen_patch_group = False
    tags: list[str] = []
    version: str | None = None
    counter: tuple[int, int] | None = None

    while True:
        while pos < end and text[pos].isspace():
            pos += 1
        if pos >= end:
            break
        if text[pos] == "[":
            close = text.find("]", pos + 1)
            if close < 0:
                break
            inside = text[pos + 1 : close]
            pos = close + 1
            group_tags = 0
            for token in _TOKEN_SPLIT.split(inside):
                if not token or token.lower() in LIST_TAGS:
                    continue
                group_tags += 1
                match = _VERSION.fullmatch(token)
                if match is not None:
                    if version is None:
                        version = match.group(1)
                    continue
                match = _COUNTER.fullmatch(token)
                if match is not None:
                    if counter is None:
                        counter = (int(match.group(1)), int(match.group(2)))
                    continue
                match = _TAG_VERSION.fullmatch(token)
                if match is not None:
                    tags.append(_KNOWN_TAGS[match.group(1).lower()])
                    if version is None:
                        version = match.group(2)
                    continue
                tags.append(_KNOWN_TAGS.get(token.lower(), token))
            if group_tags:
                seen_patch_group = True
            continue
        if not seen_patch_group:
            match = _REPLY.match(text, pos)
            if match is not None:
                is_reply = True
                pos = match.end()
                continue
        break

    return Subject(
        raw=raw,
        title=text[pos:].strip(),
        tags=tuple(tags),
        version=version if version is not None else "1",
        version_stated=version is not None,
        counter=counter[0] if counter is not None else 1,
        total=counter[1] if counter is not None else 1,
        counter_stated=counter is not None,
        is_reply=is_reply,
    )


def format_subject(
    title: str,
    tags: tuple[str, ...] = ("PATCH",),
    version: str | None = None,
    counter: tuple[int, int] | None = None,
    *,
    width: int = 0,
) -> str:
    """Write a subject the way ``git format-patch`` does: ``[tags vN n/m] title``.

    ``width`` zero-pads the counter (``03/18``); by default it is as wide as
    the total, as git writes it.  ``parse_subject(format_subject(...))``
    gives the parts back.
    """
    parts = list(tags)
    if version is not None:
        parts.append(f"v{version}")
    if counter is not None:
        n, m = counter
        pad = width or len(str(m))
        parts.append(f"{n:0{pad}d}/{m:0{pad}d}")
    if not parts:
        return title
    return f"[{' '.join(parts)}] {title}"
