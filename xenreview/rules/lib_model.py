"""Shared machinery of the model rules (``rules/model/``, MOD001-MOD099).

Each model rule checks one property of the suspend model
(:mod:`xenreview.model.suspend`) on the series under review.  The engine
runs model-scope rules once per series, on the tree after its last patch;
this module runs the model on the tree after *each* patch that touches C
code (a prefix of the series), so that a violation can be placed at the
patch that introduced it:

* the facts of each prefix come from :func:`~xenreview.model.extract.extract_suspend_facts`
  over ``ctx.facts(n)``; the model runs once per distinct set of fact
  values and configuration (:data:`CHECKS` names the configurations each
  property is checked in), shared by every model rule of the run;
* a property gives a finding only when it is violated on the tree after
  the last patch (the series as it would be merged); the finding sits at
  the first patch of the run of prefixes, ending with the last one, where
  it is violated (unknown verdicts in between do not end the run; a
  property that holds ends it, and so does the base tree: a violation the
  series did not introduce is not reported);
* where: the code location of the fact behind the decisive step of the
  shortest counterexample on the tree after that first patch (the last
  step that a fact of the tree made possible: the continuation of patch
  05/18, the wake-up tasklet resuming one domain...);
* the trace: the shortest counterexample on the tree after the last patch,
  as numbered :class:`~xenreview.rules.api.Related` steps (consecutive
  steps of Xen's sequencer merged into one), then the last state; every
  step in full, as JSON, in ``extra["trace"]``.

A property whose verdict is "unknown" on the last tree (a fact not found)
gives no finding: the rule raises ``RuleUndecided``
(``xenreview.rules.outcome``) with the reason, so that the run lists the
rule as skipped ("unknown: fact wake_action not found");
series that do not change the facts at all (they do not touch the
suspend path) stay silent.  A property about the host suspend in a tree
without one is "not applicable" and silent too.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from xenreview.code.facts import TreeFacts, is_c_path
from xenreview.ingest.model import Patch, Series
from xenreview.model.checker import CheckResult, PropertyResult, Verdict
from xenreview.model.extract import (
    HOST_SUSPEND_PROPERTIES,
    extract_suspend_facts,
    host_suspend_absent,
)
from xenreview.model.facts import SuspendFacts
from xenreview.model.report import step_data
from xenreview.model.scenarios import scenario_config
from xenreview.model.suspend import SuspendConfig, check_suspend
from xenreview.model.trace import FactRef, Step
from xenreview.rules.api import Context, Finding, Location, Related, Rule, TreeView
from xenreview.rules.outcome import RuleUndecided

__all__ = [
    "CHECKS",
    "PropertyStatus",
    "SeriesModel",
    "Status",
    "condense_steps",
    "config_named",
    "model_findings",
    "series_model",
    "step_message",
]


class Status(StrEnum):
    HOLDS = "holds"
    VIOLATED = "violated"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not-applicable"


# The configurations each property is checked in (the first violating one gives the
# trace).  "default": Dom0 holds the backends and xenstored, 2 guests, 2 pCPUs;
# "failures": one guest, a failure injected at every failable step; "vcpu-race": a
# sibling vCPU may come online while a domain suspends; "wake-on-pcpu1": the guests'
# wake-up interrupts are routed to pCPU 1.
CHECKS: dict[str, tuple[str, ...]] = {
    "backend-before-frontend": ("default",),
    "requests-served": ("default",),
    "firmware-preconditions": ("default", "failures"),
    "resume-undoes-completed-steps": ("default", "failures"),
    "hwdom-suspend-never-halts": ("default",),
    "registers-written-by-own-handler": ("default",),
    "control-domain-can-run": ("default",),
    "wake-targets-online-pcpu": ("wake-on-pcpu1",),
    "wake-resumes-host": ("wake-on-pcpu1",),
    "host-suspend-ends": ("default", "failures", "wake-on-pcpu1"),
    "domains-run-again": ("default",),
    "suspend-vcpus-offline": ("vcpu-race",),
}

_CUSTOM = {
    "wake-on-pcpu1": SuspendConfig(guests=1, pcpus=2, wake_irq_cpu=1, scenario="wake-on-pcpu1"),
}


def config_named(name: str) -> SuspendConfig:
    """A named configuration: one of the model's scenarios or :data:`_CUSTOM`."""
    return _CUSTOM[name] if name in _CUSTOM else scenario_config(name)


def _values(facts: SuspendFacts) -> tuple[object, ...]:
    """What the model's verdicts depend on: the fact values (not where they were read)."""
    return tuple(facts.fact(name).value for name in SuspendFacts.names())


# Check results by (fact values, configuration): a series' trees share most of them.
_RESULTS: OrderedDict[tuple[object, ...], CheckResult] = OrderedDict()
_RESULTS_SIZE = 256


def _check(facts: SuspendFacts, config_name: str) -> CheckResult:
    key = (_values(facts), config_name)
    found = _RESULTS.get(key)
    if found is not None:
        _RESULTS.move_to_end(key)
        return found
    result = check_suspend(config_named(config_name), facts)
    _RESULTS[key] = result
    while len(_RESULTS) > _RESULTS_SIZE:
        _RESULTS.popitem(last=False)
    return result


@dataclass(frozen=True, slots=True)
class PropertyStatus:
    """One property on one tree: the verdict over its configurations, and why."""

    name: str
    status: Status
    reason: str = ""
    config: str = ""  # the configuration that decided it (the violating one)
    result: PropertyResult | None = None


def judge(facts: SuspendFacts, name: str) -> PropertyStatus:
    """The status of property ``name`` on a tree with ``facts`` (cached by fact values)."""
    if name in HOST_SUSPEND_PROPERTIES:
        absent = host_suspend_absent(facts)
        if absent is not None:
            return PropertyStatus(name, Status.NOT_APPLICABLE, absent)
    unknown: PropertyStatus | None = None
    for config in CHECKS[name]:
        res = _check(facts, config).result(name)
        if res.verdict is Verdict.VIOLATED:
            return PropertyStatus(name, Status.VIOLATED, res.reason, config, res)
        if res.verdict is Verdict.UNKNOWN and unknown is None:
            unknown = PropertyStatus(name, Status.UNKNOWN, res.reason, config, res)
    return unknown or PropertyStatus(name, Status.HOLDS)


_TRACES: OrderedDict[tuple[SuspendFacts, str], CheckResult] = OrderedDict()


def trace_of(facts: SuspendFacts, name: str, config: str) -> PropertyResult:
    """The property's result with the trace tied to *these* facts' locations."""
    key = (facts, config)
    found = _TRACES.get(key)
    if found is None:
        found = _TRACES[key] = check_suspend(config_named(config), facts)
        while len(_TRACES) > _RESULTS_SIZE:
            _TRACES.popitem(last=False)
    return found.result(name)


@dataclass(slots=True)
class SeriesModel:
    """The suspend facts of a series' trees, and the properties' statuses on them."""

    series: Series
    prefixes: tuple[int, ...]  # tree states analysed: 0 (the base), then patch numbers
    facts: dict[int, SuspendFacts | None]  # None: no C facts for that tree
    statuses: dict[tuple[str, int], PropertyStatus] = field(default_factory=dict)

    @property
    def last(self) -> int:
        return self.prefixes[-1]

    @property
    def changed(self) -> bool:
        """The series changes what the model knows of the tree."""
        first = self.facts.get(0)
        last = self.facts.get(self.last)
        if first is None or last is None:
            return first is not last
        return _values(first) != _values(last)

    def status(self, name: str, n: int) -> PropertyStatus:
        key = (name, n)
        known = self.statuses.get(key)
        if known is None:
            facts = self.facts.get(n)
            if facts is None:
                known = PropertyStatus(name, Status.UNKNOWN, "no C facts for this tree")
            else:
                known = judge(facts, name)
            self.statuses[key] = known
        return known

    def first_failing(self, name: str) -> int | None:
        """The first patch of the run of violated prefixes that ends with the last patch
        (None: not violated after the last patch, or already violated in the base tree)."""
        if self.status(name, self.last).status is not Status.VIOLATED:
            return None
        first: int | None = None
        for n in reversed(self.prefixes):
            status = self.status(name, n).status
            if status in (Status.HOLDS, Status.NOT_APPLICABLE):
                break
            if status is Status.VIOLATED:
                if n == 0:
                    return None
                first = n
        return first


def _analysed(series: Series) -> tuple[int, ...]:
    numbers = [0]
    for patch in series.patches:
        if any(
            path is not None and is_c_path(path)
            for f in patch.diff.files
            for path in (f.source_path, f.target_path)
        ):
            numbers.append(patch.number)
    if series.patches and numbers[-1] != series.patches[-1].number:
        numbers.append(series.patches[-1].number)
    return tuple(dict.fromkeys(numbers))


_SERIES: OrderedDict[int, tuple[Series, TreeFacts | None, SeriesModel]] = OrderedDict()
_SERIES_SIZE = 8


def series_model(view: TreeView, ctx: Context) -> SeriesModel:
    """The model's view of ``ctx.series`` (memoised: every model rule of a run shares it)."""
    key = id(ctx.series)
    found = _SERIES.get(key)
    if found is not None and found[0] is ctx.series and found[1] is view.facts:
        _SERIES.move_to_end(key)
        return found[2]
    prefixes = _analysed(ctx.series)
    if prefixes[-1] != view.after_patch:
        prefixes = (*(n for n in prefixes if n < view.after_patch), view.after_patch)
    facts: dict[int, SuspendFacts | None] = {}
    # The base and the last tree first: when the series leaves the facts as they were,
    # no prefix in between needs extracting.
    for n in (0, view.after_patch):
        tree = view.facts if n == view.after_patch else ctx.facts(n)
        facts[n] = None if tree is None else extract_suspend_facts(tree)
    model = SeriesModel(ctx.series, prefixes, facts)
    if model.changed:
        for n in prefixes:
            if n not in facts:
                tree = ctx.facts(n)
                facts[n] = None if tree is None else extract_suspend_facts(tree)
    else:
        model.prefixes = (0, view.after_patch) if view.after_patch else (0,)
    _SERIES[key] = (ctx.series, view.facts, model)
    while len(_SERIES) > _SERIES_SIZE:
        _SERIES.popitem(last=False)
    return model


# -- traces as related places ------------------------------------------------------------


def _is_sequencer(step: Step) -> bool:
    return step.actor.startswith("Xen on pCPU")


_NOTABLE = ("x0", "hwdom_shutdown", "lost", "out of order", "never done", "twice")


def condense_steps(steps: Sequence[Step]) -> tuple[Step, ...]:
    """Consecutive steps of Xen's suspend sequencer merged into one step each.

    The merged step lists the actions in order; its fact is the first one of
    an operation (not the "starts" pseudo-step); of the changes it keeps
    those that break a rule (a written x0, a reboot, a lost interrupt, a
    misordered undo).
    """
    out: list[Step] = []
    run: list[Step] = []

    def flush() -> None:
        if not run:
            return
        if len(run) == 1:
            out.append(run[0])
        else:
            facts = [s.fact for s in run if s.fact is not None and not s.action.endswith("starts")]
            fact = facts[0] if facts else next((s.fact for s in run if s.fact), None)
            changes = tuple(
                c for s in run for c in s.changes if any(word in c for word in _NOTABLE)
            )
            action = ", ".join(s.action for s in run)
            out.append(Step(run[0].actor, action, changes, fact))
        run.clear()

    for step in steps:
        if _is_sequencer(step) and (not run or run[-1].actor == step.actor):
            run.append(step)
            continue
        flush()
        if _is_sequencer(step):
            run.append(step)
        else:
            out.append(step)
    flush()
    return tuple(out)


def step_message(number: int, step: Step) -> str:
    """``step 3: Dom0: ...``, with the changes that break a rule or name a pCPU."""
    text = f"step {number}: {step.actor}: {step.action}"
    extra = [
        c for c in step.changes if any(word in c for word in _NOTABLE) or "scheduled on pCPU" in c
    ]
    if extra:
        text += " (" + "; ".join(dict.fromkeys(extra)) + ")"
    return text


def _location(series: Series, patch: Patch | None, ref: FactRef | None) -> Location:
    return Location(
        patch=patch.number if patch is not None else None,
        total=patch.total if patch is not None else series.total,
        message_id=patch.message_id if patch is not None else None,
        path=ref.path if ref is not None else None,
        line=ref.line if ref is not None else None,
    )


def _patch(series: Series, number: int) -> Patch | None:
    return next((p for p in series.patches if p.number == number), None)


def _decisive(result: PropertyResult) -> FactRef | None:
    for step in reversed(result.trace):
        if step.fact is not None:
            return step.fact
    return None


def _undecided(reason: str) -> None:
    """Tell the engine the rule could not decide, when it knows how to hear it."""
    raise RuleUndecided(reason)


def model_findings(
    rule: Rule, name: str, view: TreeView, ctx: Context, message: str
) -> Iterator[Finding]:
    """The finding of the model rule ``rule`` for property ``name`` (at most one).

    ``message`` is the rule's sentence; the trace goes in ``related`` and
    ``extra``.
    """
    if view.facts is None:
        return
    model = series_model(view, ctx)
    last = model.status(name, model.last)
    if last.status is Status.UNKNOWN:
        if model.changed:
            _undecided(f"unknown: {last.reason}")
        return
    first = model.first_failing(name)
    if first is None:
        return
    series = ctx.series
    first_facts = model.facts[first]
    last_facts = model.facts[model.last]
    status = model.status(name, first)
    if first_facts is None or last_facts is None or last.result is None:
        return
    decisive = trace_of(first_facts, name, status.config)
    where = _decisive(decisive)
    shown = trace_of(last_facts, name, last.config)
    last_patch = _patch(series, model.last)
    related = [
        Related(
            message=step_message(k, step),
            location=_location(series, last_patch, step.fact),
            excerpt=step.fact.text if step.fact is not None else None,
        )
        for k, step in enumerate(condense_steps(shown.trace), 1)
    ]
    if shown.final:
        end = shown.reason if shown.reason.startswith("from the last state") else ""
        text = f"then: {shown.final}"
        if end:
            text += f"; {end.removeprefix('from the last state on, ')}"
        related.append(Related(message=text, location=_location(series, last_patch, None)))
    config = config_named(last.config)
    extra = (
        ("property", name),
        ("scenario", f"{config.scenario}: {config.describe()}"),
        ("first_patch", str(first)),
        ("trace_after_patch", str(model.last)),
        ("states", str(_check(last_facts, last.config).states)),
        ("final_state", shown.final),
        ("trace", json.dumps([step_data(step) for step in shown.trace], ensure_ascii=False)),
    )
    at = replace(ctx, patch=_patch(series, first))
    yield at.finding(
        rule,
        message,
        path=where.path if where is not None else None,
        target_line=where.line if where is not None else None,
        excerpt=where.text if where is not None else None,
        related=related,
        key=name,
        extra=extra,
    )


def confirming_trace(
    facts: TreeFacts, name: str, series: Series, patch: Patch | None
) -> tuple[Related, ...]:
    """The model's counterexample for ``name`` on one tree, as numbered related steps.

    For static rules that found the same problem by reading the code (such
    as ``pv-backend-wakeup``): when the suspend model, run on the facts of
    this very tree, also finds property ``name`` violated, its shortest
    trace is shown under the static finding.  Empty when the property holds,
    is unknown or does not apply: the static finding then stands alone.
    """
    suspend_facts = extract_suspend_facts(facts)
    status = judge(suspend_facts, name)
    if status.status is not Status.VIOLATED:
        return ()
    result = trace_of(suspend_facts, name, status.config)
    steps = condense_steps(result.trace)
    header = Related(
        message=f"the suspend model ({status.config} scenario) confirms it: "
        f"property {name} is violated, shortest trace:",
        location=_location(series, patch, None),
    )
    out = [header]
    out.extend(
        Related(
            message=step_message(k, step),
            location=_location(series, patch, step.fact),
            excerpt=step.fact.text if step.fact is not None else None,
        )
        for k, step in enumerate(steps, 1)
    )
    if result.final:
        out.append(
            Related(
                message=f"then: {result.final}",
                location=_location(series, patch, None),
            )
        )
    return tuple(out)
