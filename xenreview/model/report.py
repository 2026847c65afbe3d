"""Model results as text and as JSON-ready data (for the CLI and the report stage)."""

from __future__ import annotations

from xenreview.model.checker import CheckResult, PropertyResult, Verdict
from xenreview.model.trace import Step, condense, format_trace

__all__ = ["format_result", "result_data", "step_data"]


def step_data(step: Step) -> dict[str, object]:
    fact = None
    if step.fact is not None:
        fact = {"path": step.fact.path, "line": step.fact.line, "text": step.fact.text}
    return {
        "actor": step.actor,
        "action": step.action,
        "changes": list(step.changes),
        "fact": fact,
    }


def _property_data(res: PropertyResult) -> dict[str, object]:
    return {
        "name": res.name,
        "kind": res.kind.value,
        "verdict": res.verdict.value,
        "description": res.description,
        "reason": res.reason,
        "final": res.final,
        "trace": [step_data(step) for step in res.trace],
    }


def result_data(result: CheckResult) -> dict[str, object]:
    """Everything in ``result``, as plain dicts, lists, strings and numbers."""
    return {
        "states": result.states,
        "transitions": result.transitions,
        "depth": result.depth,
        "seconds": round(result.seconds, 6),
        "complete": result.complete,
        "bound": result.bound,
        "symmetry": result.symmetry,
        "properties": [_property_data(res) for res in result.results],
    }


def format_result(result: CheckResult, *, traces: bool = False, condensed: bool = False) -> str:
    """One line per property (verdict, reason), the search figures, and optionally traces.

    With ``traces``, the trace of every violated property follows, with its
    last state in words; ``condensed`` merges consecutive steps of one actor.
    """
    width = max((len(res.name) for res in result.results), default=10)
    lines = []
    for res in result.results:
        line = f"{res.name:<{width}}  {res.verdict.value:<8}"
        if res.reason and res.verdict is not Verdict.HOLDS:
            line += f"  {res.reason}"
        lines.append(line.rstrip())
    figures = (
        f"{result.states} states, {result.transitions} transitions, depth {result.depth}, "
        f"{result.seconds:.3f} s, symmetry {'on' if result.symmetry else 'off'}"
    )
    if not result.complete:
        figures += f"; incomplete: {result.bound}"
    lines.append(figures)
    if traces:
        for res in result.results:
            if res.verdict is not Verdict.VIOLATED or not res.trace:
                continue
            steps = condense(res.trace) if condensed else res.trace
            lines.append("")
            lines.append(f"{res.name}: {res.reason}")
            lines.append(format_trace(steps))
            if res.final:
                lines.append(f"     last state: {res.final}")
    return "\n".join(lines)
