"""Errors raised by library code.

Library code raises these; only :mod:`xenreview.cli` turns them into exit
codes and one-line messages.  Every error names the input it concerns and,
where it can, the place inside it (a line, a byte offset, a message number).
"""

from __future__ import annotations


class XenreviewError(Exception):
    """Base of every error xenreview reports to the user.

    ``source`` names the input (a file path, ``<stdin>``, a git range, a
    config file); ``where`` narrows it down (``line 12``, ``message 3``,
    ``byte 4096``).  ``str(error)`` is the one-line message the CLI prints.
    """

    exit_code = 2

    def __init__(
        self, message: str, *, source: str | None = None, where: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.where = where

    def __str__(self) -> str:
        place = ""
        if self.source is not None:
            place = self.source
            if self.where is not None:
                place += f" ({self.where})"
            place += ": "
        return f"{place}{self.message}"


class UsageError(XenreviewError):
    """The command line asks for something impossible."""


class ConfigError(XenreviewError):
    """A configuration file is unreadable or has an unknown or invalid key."""


class InputError(XenreviewError):
    """An input (mail, patch, mbox, git range) cannot be read at all."""


class LimitError(InputError):
    """An input exceeds a configured limit (size, number of patches...)."""


class DiffError(InputError):
    """A diff is malformed beyond recovery (lying hunk counts, bad paths...)."""


class InternalError(XenreviewError):
    """A bug in xenreview or in a plugin: reported, exit code 3."""

    exit_code = 3
