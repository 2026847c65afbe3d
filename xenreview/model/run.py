"""``xenreview model``: the suspend model on one tree, as data and as text.

The command checks the model on the tree after a series (ingested and
applied like ``review`` does), on a checked-out tree, or on the bundled
mini tree: :func:`target_from_series` / :func:`target_from_directory`
give the :class:`Target` (the tree's facts, extracted by
:func:`~xenreview.model.extract.extract_suspend_facts`), :func:`run_model`
checks it in one configuration with the Python engine or with SPIN, and
:func:`model_document` / :func:`render_runs` write the result.

Verdicts are those of the checker (``holds``, ``violated``, ``unknown``)
plus two of this layer: ``not-applicable`` for the properties about a host
suspend in a tree where nothing starts one
(:data:`~xenreview.model.extract.HOST_SUSPEND_PROPERTIES`), and, with
SPIN, ``not-checked`` for the properties SPIN cannot express (the "no stuck
state" properties and reachability after another state).  Only
``violated`` makes the command fail.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xenreview.code.facts import TreeFacts, facts_for_directory, facts_for_tree
from xenreview.errors import UsageError
from xenreview.model.checker import DEADLOCK, Kind, Progress, PropertyResult, Verdict
from xenreview.model.extract import (
    HOST_SUSPEND_PROPERTIES,
    describe_value,
    extract_suspend_facts,
    facts_data,
    host_suspend_absent,
)
from xenreview.model.facts import SuspendFacts
from xenreview.model.report import step_data
from xenreview.model.scenarios import scenario, scenario_config
from xenreview.model.suspend import PROPERTIES, SuspendConfig, check_suspend, needed_facts
from xenreview.model.trace import Step

if TYPE_CHECKING:
    from rich.console import Console

    from xenreview.apply.model import AppliedSeries
    from xenreview.ingest.model import Series

__all__ = [
    "NOT_APPLICABLE",
    "NOT_CHECKED",
    "ModelRun",
    "PropertyLine",
    "Target",
    "model_document",
    "render_runs",
    "run_model",
    "target_from_directory",
    "target_from_facts",
    "target_from_series",
]

NOT_APPLICABLE = "not-applicable"
NOT_CHECKED = "not-checked"


@dataclass(frozen=True, slots=True)
class Target:
    """What is modelled: a tree state and the facts read from it."""

    label: str  # for people: "xen/arm: Suspend to RAM support v1, tree after patch 18/18"
    tree: str  # "mini tree", or the path of the tree
    facts: SuspendFacts
    series: str | None = None  # the series' title and version, when it came from one
    version: str | None = None
    after_patch: int | None = None
    total: int | None = None
    notes: tuple[str, ...] = ()  # patches that did not apply...


@dataclass(frozen=True, slots=True)
class PropertyLine:
    """One property's verdict as the command reports it."""

    name: str
    kind: str
    verdict: str  # holds, violated, unknown, not-applicable, not-checked
    description: str
    reason: str = ""
    trace: tuple[Step, ...] = ()
    final: str = ""


@dataclass(frozen=True, slots=True)
class ModelRun:
    """One check of one target in one configuration."""

    target: Target
    scenario: str
    config: SuspendConfig
    facts: SuspendFacts  # the facts checked (a scenario may bring its own design)
    own_design: bool  # the scenario replaced the tree's facts with its own design
    engine: str  # "python" or "spin"
    symmetry: bool
    properties: tuple[PropertyLine, ...]
    states: int
    transitions: int
    depth: int
    seconds: float
    complete: bool
    bound: str = ""
    spin: dict[str, Any] | None = None  # SPIN's figures (times apart)

    @property
    def violated(self) -> tuple[PropertyLine, ...]:
        return tuple(p for p in self.properties if p.verdict == Verdict.VIOLATED.value)

    @property
    def unknown(self) -> tuple[PropertyLine, ...]:
        return tuple(p for p in self.properties if p.verdict == Verdict.UNKNOWN.value)


# -- targets -------------------------------------------------------------------------------


def target_from_facts(tree_facts: TreeFacts, label: str, tree: str, **details: Any) -> Target:
    return Target(label, tree, extract_suspend_facts(tree_facts), **details)


def target_from_directory(root: Path | None) -> Target:
    """The bare tree at ``root`` (None: the bundled mini tree)."""
    if root is None:
        from xenreview.apply.tree import minitree_root

        return target_from_facts(facts_for_directory(minitree_root()), "mini tree", "mini tree")
    return target_from_facts(facts_for_directory(root), str(root), str(root))


def target_from_series(applied: AppliedSeries) -> Target:
    """The tree after the last patch of an applied series."""
    series: Series = applied.series
    last = series.patches[-1].number if series.patches else 0
    notes = tuple(
        f"patch {r.number}/{series.total} did not apply: {r.reason or r.outcome.value}"
        for r in applied.results
        if not r.outcome.applied
    )
    version = series.version
    label = f"{series.title} v{version}, tree after patch {last}/{series.total}"
    return target_from_facts(
        facts_for_tree(applied, last),
        label,
        applied.tree,
        series=series.title,
        version=version,
        after_patch=last,
        total=series.total,
        notes=notes,
    )


# -- checking ------------------------------------------------------------------------------


def configuration(name: str, guests: int | None, pcpus: int | None) -> SuspendConfig:
    """The scenario's configuration with the command's overrides (ConfigError if wrong)."""
    return scenario_config(name, guests=guests, pcpus=pcpus)


def _line(
    res: PropertyResult, verdict: str | None = None, reason: str | None = None
) -> PropertyLine:
    return PropertyLine(
        name=res.name,
        kind=res.kind.value,
        verdict=verdict or res.verdict.value,
        description=res.description,
        reason=res.reason if reason is None else reason,
        trace=res.trace if verdict is None else (),
        final=res.final if verdict is None else "",
    )


def run_model(
    target: Target,
    *,
    scenario_name: str = "default",
    guests: int | None = None,
    pcpus: int | None = None,
    symmetry: bool = True,
    engine: str = "python",
    progress: Callable[[Progress], None] | None = None,
    max_states: int | None = None,
) -> ModelRun:
    """Check ``target`` in the named scenario (with overrides) with one engine.

    ``max_states`` bounds the Python engine's search (default: the checker's
    :data:`~xenreview.model.checker.DEFAULT_MAX_STATES`); a property the
    bounded search could not decide is "unknown", with the bound as reason.
    """
    chosen = scenario(scenario_name)
    config = configuration(scenario_name, guests, pcpus)
    facts = chosen.facts(target.facts)
    absent = host_suspend_absent(facts)
    if engine == "spin":
        return _run_spin(target, scenario_name, config, facts, chosen.design is not None, absent)
    if engine != "python":
        raise UsageError(f"no engine {engine!r}; known: python, spin", source="--engine")
    from xenreview.model.checker import DEFAULT_MAX_STATES, Bounds

    bounds = Bounds(max_states=max_states if max_states is not None else DEFAULT_MAX_STATES)
    result = check_suspend(config, facts, symmetry=symmetry, progress=progress, bounds=bounds)
    lines = []
    for res in result.results:
        if absent is not None and res.name in HOST_SUSPEND_PROPERTIES:
            lines.append(_line(res, NOT_APPLICABLE, "no host suspend in this tree"))
        else:
            lines.append(_line(res))
    return ModelRun(
        target=target,
        scenario=scenario_name,
        config=config,
        facts=facts,
        own_design=chosen.design is not None,
        engine="python",
        symmetry=symmetry,
        properties=tuple(lines),
        states=result.states,
        transitions=result.transitions,
        depth=result.depth,
        seconds=result.seconds,
        complete=result.complete,
        bound=result.bound,
    )


def _run_spin(
    target: Target,
    name: str,
    config: SuspendConfig,
    facts: SuspendFacts,
    own_design: bool,
    absent: str | None,
) -> ModelRun:
    from xenreview.model.promela import promela_text, run_spin, spin_verdicts
    from xenreview.model.suspend import build_model

    model = build_model(config, facts)
    result = run_spin(promela_text(model))
    verdicts = spin_verdicts(result, model)
    missing = set(facts.missing())
    lines: list[PropertyLine] = []
    specs = [(spec.name, spec.kind, spec.description) for spec in PROPERTIES]
    specs.append(
        (
            DEADLOCK,
            Kind.ALWAYS,
            "every reachable state has a successor or is an accepted final state",
        )
    )
    for prop, kind, description in specs:
        lacking = [f for f in needed_facts(prop, config) if f in missing]
        if absent is not None and prop in HOST_SUSPEND_PROPERTIES:
            verdict, reason = NOT_APPLICABLE, "no host suspend in this tree"
        elif lacking:
            verdict, reason = Verdict.UNKNOWN.value, "fact " + ", ".join(lacking) + " not found"
        elif prop in verdicts:
            verdict, reason = verdicts[prop].value, ""
        else:
            verdict = NOT_CHECKED
            reason = "SPIN has no form for it (no stuck state, or reachable after a state)"
        lines.append(PropertyLine(prop, kind.value, verdict, description, reason))
    spin = {
        "states": result.states,
        "transitions": result.transitions,
        "depth": result.depth,
        "spin_seconds": round(result.spin_seconds, 6),
        "compile_seconds": round(result.compile_seconds, 6),
        "run_seconds": round(result.run_seconds, 6),
    }
    return ModelRun(
        target=target,
        scenario=name,
        config=config,
        facts=facts,
        own_design=own_design,
        engine="spin",
        symmetry=False,
        properties=tuple(lines),
        states=result.states,
        transitions=result.transitions,
        depth=result.depth,
        seconds=result.run_seconds,
        complete=True,
        spin=spin,
    )


def emit(
    target: Target, path: Path, *, scenario_name: str, guests: int | None, pcpus: int | None
) -> None:
    """Write the configured model of ``target`` in Promela to ``path``."""
    from xenreview.errors import InputError
    from xenreview.model.promela import emit_promela

    chosen = scenario(scenario_name)
    config = configuration(scenario_name, guests, pcpus)
    text = emit_promela(config, chosen.facts(target.facts))
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot write the Promela model: {exc.strerror}", source=str(path)
        ) from None


# -- output --------------------------------------------------------------------------------


def _config_data(config: SuspendConfig) -> dict[str, Any]:
    return {
        "guests": config.guests,
        "pcpus": config.pcpus,
        "backend": config.backend.value,
        "xenstore": config.xenstore.value,
        "split_control": config.split_control,
        "second_control": config.second_control,
        "waking_guests": config.waking_guests,
        "waking_domains": list(config.waking_domains),
        "wake_irq_cpu": config.wake_irq_cpu,
        "fail_steps": [op.value for op in config.fail_steps],
        "sibling_vcpus": config.sibling_vcpus,
        "hwdom_waits": config.hwdom_waits.value,
        "careful_toolstack": config.careful_toolstack,
    }


def run_data(run: ModelRun) -> dict[str, Any]:
    """One run as JSON-ready data (docs/json.md, "xenreview model")."""
    target = run.target
    return {
        "target": {
            "label": target.label,
            "tree": target.tree,
            "series": target.series,
            "version": target.version,
            "after_patch": target.after_patch,
            "total": target.total,
            "notes": list(target.notes),
        },
        "scenario": {
            "name": run.scenario,
            "description": run.config.describe(),
            "config": _config_data(run.config),
            "own_design": run.own_design,
        },
        "engine": run.engine,
        "symmetry": run.symmetry,
        "host_suspend": host_suspend_absent(run.facts) is None,
        "facts": facts_data(run.facts),
        "states": run.states,
        "transitions": run.transitions,
        "depth": run.depth,
        "seconds": round(run.seconds, 6),
        "complete": run.complete,
        "bound": run.bound,
        "spin": run.spin,
        "properties": [
            {
                "name": p.name,
                "kind": p.kind,
                "verdict": p.verdict,
                "description": p.description,
                "reason": p.reason,
                "final": p.final,
                "trace": [step_data(step) for step in p.trace],
            }
            for p in run.properties
        ],
    }


def model_document(runs: Sequence[ModelRun]) -> dict[str, Any]:
    from xenreview import __version__
    from xenreview.report.json_report import SCHEMA_VERSION

    return {
        "schema": "xenreview-model",
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "xenreview", "version": __version__},
        "runs": [run_data(run) for run in runs],
        "violated": sum(len(run.violated) for run in runs),
    }


def _step_lines(steps: Sequence[Step]) -> list[str]:
    width = len(str(len(steps)))
    out = []
    for number, step in enumerate(steps, 1):
        text = f"{step.actor}: {step.action}"
        if step.changes:
            text += " (" + "; ".join(step.changes) + ")"
        out.append(f"    {number:>{width}}. {text}")
        if step.fact is not None:
            out.append(f"    {'':>{width}}  at {step.fact.location}: {step.fact.text}")
    return out


_STYLES = {
    Verdict.VIOLATED.value: "bold red",
    Verdict.UNKNOWN.value: "yellow",
    NOT_APPLICABLE: "dim",
    NOT_CHECKED: "dim",
}


def run_lines(run: ModelRun, *, traces: bool = False) -> list[str]:
    """One run as text lines (see :func:`render_runs`)."""
    return [text for text, _ in _styled_lines(run, traces)]


def _styled_lines(run: ModelRun, traces: bool) -> list[tuple[str, str]]:
    lines = [run.target.label]
    lines += [f"  note: {note}" for note in run.target.notes]
    lines.append(f"scenario {run.scenario}: {run.config.describe()}")
    if run.own_design:
        lines.append("  (the scenario checks its own reference design, not the tree's facts)")
    lines.append("facts:")
    width = max(len(name) for name in SuspendFacts.names())
    for name in SuspendFacts.names():
        fact = run.facts.fact(name)
        value = describe_value(fact)
        if fact.source is not None:
            where = f"  [{fact.source.location}: {fact.source.text}]"
        else:
            where = f"  ({fact.note})" if fact.note else ""
        lines.append(f"  {name:<{width}}  {value}{where}")
    absent = host_suspend_absent(run.facts)
    lines.append(f"host suspend: {'none: ' + absent if absent else 'yes'}")
    engine = (
        run.engine
        if run.engine == "spin"
        else f"python, symmetry {'on' if run.symmetry else 'off'}"
    )
    lines.append(f"properties ({engine}):")
    pwidth = max(len(p.name) for p in run.properties)
    styles: dict[int, str] = {}
    for p in run.properties:
        line = f"  {p.name:<{pwidth}}  {p.verdict:<14}"
        if p.reason and p.verdict != Verdict.HOLDS.value:
            line += f"  {p.reason}"
        styles[len(lines)] = _STYLES.get(p.verdict, "")
        lines.append(line.rstrip())
    figures = f"{run.states} states, {run.transitions} transitions, depth {run.depth}"
    if run.spin is not None:
        spin = run.spin
        figures += (
            f"; spin -a {spin['spin_seconds']:.3f} s, cc {spin['compile_seconds']:.3f} s, "
            f"pan {spin['run_seconds']:.3f} s"
        )
    else:
        figures += f", {run.seconds:.3f} s"
    if not run.complete:
        figures += f"; incomplete: {run.bound}"
    lines.append(figures)
    if traces:
        for p in run.violated:
            if not p.trace:
                continue
            lines.append("")
            lines.append(f"{p.name}: {p.reason}")
            lines += _step_lines(p.trace)
            if p.final:
                lines.append(f"    then: {p.final}")
        if run.engine == "spin" and run.violated:
            lines.append("(SPIN's counterexamples are not shown: run with --engine python --trace)")
    if run.unknown:
        names = ", ".join(p.name for p in run.unknown)
        count = len(run.unknown)
        lines.append(f"note: {count} propert{'y' if count == 1 else 'ies'} unknown: {names}")
    return [(text, styles.get(k, "")) for k, text in enumerate(lines)]


def render_runs(runs: Sequence[ModelRun], console: Console, *, traces: bool = False) -> None:
    """Every run as text: the target, the facts, one line per property, the figures."""
    from rich.text import Text

    for index, run in enumerate(runs):
        if index:
            console.print()
        for text, style in _styled_lines(run, traces):
            console.print(Text(text, style=style), highlight=False, soft_wrap=True)
