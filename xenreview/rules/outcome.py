"""What the rule engine reports besides findings: tool errors, notes, skipped rules.

A :class:`ToolError` is a rule that could not be loaded or that crashed
(exit code 3, never a silent skip); a :class:`ToolNote` is something the
user should know that is not a finding (a suppression that gives no
reason); a :class:`RuleSkip` is a selected rule that did not run on a
series, and why (it needs the patched tree and the series was not applied).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ToolError:
    """A rule that failed to load or raised: reported, and the exit code is 3.

    ``code`` is the rule's code when it is known; ``origin`` where the rule
    came from (``bundled``, ``folder:<path>``, ``entry-point:<name>``, or the
    file for a rule that could not even be read); ``where`` the place it
    failed at (``patch 3/5, xen/arch/arm/vpsci.c``), ``None`` when loading.
    """

    message: str
    origin: str
    code: str | None = None
    where: str | None = None

    def __str__(self) -> str:
        head = f"rule {self.code}" if self.code else "rule"
        place = f" at {self.where}" if self.where else ""
        return f"{head} ({self.origin}){place}: {self.message}"


@dataclass(frozen=True, slots=True)
class ToolNote:
    """A remark about the run that is not a finding (it never changes the exit code)."""

    message: str
    where: str | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass(frozen=True, slots=True)
class RuleSkip:
    """A selected rule that did not run on a series, and why."""

    code: str
    name: str
    reason: str


class RuleUndecided(Exception):
    """Raised by a rule that cannot decide (e.g. a fact it needs was not found).

    The runner reports the rule as skipped on that series with the reason:
    never a finding (that would be a guess) and never a tool error.
    """


def one_line(exc: BaseException) -> str:
    """``Type: first line of the message`` for an exception (a tool error's reason)."""
    text = str(exc).strip().splitlines()
    summary = text[0] if text else ""
    if isinstance(exc, SyntaxError) and exc.lineno is not None:
        summary = f"{exc.msg} (line {exc.lineno})"
    name = type(exc).__name__
    return f"{name}: {summary}" if summary else name
