"""What a counterexample is made of: steps, each tied to the code that enabled it.

A trace is a tuple of :class:`Step` records, from an initial state to the
state that shows the verdict (a violating state, a stuck state, or the
witness of a reachability property).  Each step names who acted (a domain,
Xen on a pCPU, the environment), what it did, what changed, and, where a
fact from the patched tree made the step possible, that fact's location.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["FactRef", "Step", "condense", "format_trace"]


@dataclass(frozen=True, slots=True)
class FactRef:
    """Where a fact was read: a file of the patched tree, a 1-based line, the code there.

    ``text`` is the code (or a short description of it) as the reviewer
    should see it, e.g. ``continue_hypercall_on_cpu(0, system_suspend, NULL)``.
    """

    path: str
    line: int
    text: str

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"

    def __str__(self) -> str:
        return f"{self.text} at {self.location}"


@dataclass(frozen=True, slots=True)
class Step:
    """One transition of a trace.

    ``actor``: who acts (``Dom0``, ``guest1``, ``Xen on pCPU 0``,
    ``environment``); ``action``: what it does, in a few words;
    ``changes``: what is different afterwards, one phrase per change, in a
    fixed order; ``fact``: the code location of the fact that enabled this
    step (None for steps the environment or a guest takes on its own).
    """

    actor: str
    action: str
    changes: tuple[str, ...] = ()
    fact: FactRef | None = None

    def __str__(self) -> str:
        text = f"{self.actor}: {self.action}"
        if self.changes:
            text += " (" + "; ".join(self.changes) + ")"
        if self.fact is not None:
            text += f" [{self.fact.location}]"
        return text


def condense(steps: Sequence[Step]) -> tuple[Step, ...]:
    """Merge runs of consecutive steps by the same actor into one step.

    The actions are joined with ", " and the changes concatenated; the
    first step's fact is kept (or the first fact found in the run).  Useful
    to print a long host-suspend sequence as one line per actor turn.
    """
    out: list[Step] = []
    for step in steps:
        if out and out[-1].actor == step.actor:
            last = out[-1]
            out[-1] = Step(
                actor=last.actor,
                action=f"{last.action}, {step.action}",
                changes=last.changes + step.changes,
                fact=last.fact if last.fact is not None else step.fact,
            )
        else:
            out.append(step)
    return tuple(out)


def format_trace(steps: Sequence[Step]) -> str:
    """The trace as numbered lines (no trailing newline)."""
    return "\n".join(f"{n:3d}. {step}" for n, step in enumerate(steps, 1))
