"""Text from mail and patches, made safe to print on a terminal.

A subject, a name, a path or a diff line may carry control characters (an
escape sequence that recolours the terminal or moves the cursor, a carriage
return that hides what came before) or bidi overrides (that show code in
another order than it is read).  :func:`printable` shows each of them as a
visible escape (``\\x1b``, ``\\u202e``) and keeps every other character,
tabs and newlines included.  rich markup is a separate matter: the terminal
reports print through :class:`rich.text.Text` or ``rich.markup.escape``,
never through markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.segment import Segment

# C0 and C1 controls but tab and newline, DEL, and the bidi marks, embeddings,
# overrides and isolates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\u202e``)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def safe_console(**options: Any) -> Console:
    """A rich console that shows control characters in any text it prints as escapes.

    The last line of defence: every report prints mail text through
    :func:`printable` already, but a value printed raw by mistake still
    cannot reach the terminal as an escape sequence.  Only the text of
    segments is rewritten: rich's own styles (colours) and control segments
    are rendered as usual.
    """
    return _SafeConsole(**options)


class _SafeConsole(Console):
    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment if segment.control else Segment(printable(segment.text), segment.style)
            for segment in buffer
        )
