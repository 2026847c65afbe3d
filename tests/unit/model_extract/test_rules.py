"""The model rules (rules/model/) on the bundled series, and the machinery they share."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.unit.model.fixtures.suspend_facts import v1_like, v2_like
from tests.unit.model_extract.helpers import SUSPEND_C, V1, V2, edited_tree
from xenreview.ingest.model import Series
from xenreview.model.extract import extract_suspend_facts
from xenreview.model.facts import Fact, Op, SuspendFacts
from xenreview.model.trace import FactRef, Step
from xenreview.rules import lib_model
from xenreview.rules.api import Context, Finding, LoadedRule, TreeView
from xenreview.rules.finder import find_rules
from xenreview.rules.lib_model import (
    PropertyStatus,
    SeriesModel,
    Status,
    condense_steps,
    judge,
    model_findings,
    step_message,
)
from xenreview.rules.outcome import RuleUndecided
from xenreview.rules.testing import FixtureRunner

REPO = Path(__file__).resolve().parents[3]
MODEL_RULES = [
    loaded
    for loaded in find_rules(catalogue=REPO / "rules", entry_points=False).rules
    if loaded.rule.family == "model"
]
STABLE = [r for r in MODEL_RULES if r.rule.status.value == "stable"]


@pytest.fixture(scope="module")
def runner() -> Iterator[FixtureRunner]:
    with FixtureRunner() as shared:
        yield shared


def findings(runner: FixtureRunner, mbox: Path, rules: list[LoadedRule]) -> dict[str, Finding]:
    result = runner.run(mbox, rules, apply=True)
    assert result.errors == ()
    by_code = {f.code: f for f in result.findings}
    assert len(by_code) == len(result.findings)
    return by_code


def place(finding: Finding) -> tuple[int | None, str | None, int | None]:
    loc = finding.location
    return loc.patch, loc.path, loc.line


def test_the_catalogue_has_twelve_model_rules() -> None:
    assert [r.rule.code for r in MODEL_RULES] == [f"MOD{n:03d}" for n in range(1, 13)]
    assert {r.rule.scope.value for r in MODEL_RULES} == {"model"}
    assert all(r.rule.needs_tree for r in MODEL_RULES)
    preview = {r.rule.code for r in MODEL_RULES if r.rule.status.value == "preview"}
    assert preview == {"MOD007", "MOD009", "MOD011"}


def test_v1_each_violation_at_the_patch_that_introduced_it(runner: FixtureRunner) -> None:
    found = findings(runner, V1, STABLE)
    assert {code: place(f) for code, f in found.items()} == {
        # Patch 03 lets the hardware domain suspend and wakes only the woken domain.
        "MOD001": (3, SUSPEND_C, 44),
        "MOD006": (3, SUSPEND_C, 101),
        "MOD008": (3, SUSPEND_C, 44),
        "MOD010": (3, SUSPEND_C, 101),
        # Patch 05 continues the host suspend as a hypercall continuation.
        "MOD002": (5, SUSPEND_C, 150),
    }
    assert found["MOD001"].excerpt == "resume_suspended_domain(d)"
    assert found["MOD002"].excerpt == "continue_hypercall_on_cpu(0, system_suspend, NULL)"
    assert found["MOD006"].excerpt == "domain_shutdown(d, SHUTDOWN_suspend)"


def test_v1_backend_before_frontend_trace(runner: FixtureRunner) -> None:
    finding = findings(runner, V1, STABLE)["MOD001"]
    steps = [r.message for r in finding.related]
    assert steps == [
        "step 1: guest1: SYSTEM_SUSPEND (virtual PSCI): parked in SHUTDOWN_suspend",
        "step 2: guest2: SYSTEM_SUSPEND (virtual PSCI): parked in SHUTDOWN_suspend",
        "step 3: Dom0: SYSTEM_SUSPEND (virtual PSCI): parked in SHUTDOWN_suspend; host suspend "
        "via continue_hypercall_on_cpu() (system_suspend() scheduled on pCPU 0)",
        "step 4: Xen on pCPU 0: system_suspend() starts, system_state = SYS_STATE_suspend, "
        "freeze_domains(), scheduler_disable(), disable_nonboot_cpus(), time_suspend(), "
        "iommu_suspend(), console_suspend(), local_irq_save(), gic_suspend(), "
        "prepare_resume_ctx(), call_psci_system_suspend(): the host sleeps",
        "step 5: environment: device interrupt for guest1 wakes the host",
        "step 6: Xen on pCPU 0: hyp_resume(): the firmware re-enters Xen, gic_resume(), "
        "local_irq_restore(), console_resume(), iommu_resume(), time_resume(), rcu_barrier(), "
        "enable_nonboot_cpus(), scheduler_enable(), thaw_domains(), system_state = "
        "SYS_STATE_active (the continuation wrote system_suspend()'s result into the caller's x0 "
        "(its resume context id))",
        "step 7: Xen (resume tasklet): resumes guest1",
        "then: host active; Dom0 (hardware, control, backends, xenstored) suspended; guest1 "
        "running; guest2 suspended; a continuation overwrote x0",
    ]
    # Every step is on the tree after the last patch; steps a fact enabled point at its code.
    places = [
        (r.location.patch, r.location.path, r.location.line, r.excerpt) for r in finding.related
    ]
    assert places[2] == (18, SUSPEND_C, 267, "continue_hypercall_on_cpu(0, system_suspend, NULL)")
    assert places[3] == (18, SUSPEND_C, 131, "system_state = SYS_STATE_suspend")
    assert places[6] == (18, SUSPEND_C, 61, "resume_suspended_domain(d)")
    assert places[4] == (18, None, None, None)
    extra = dict(finding.extra)
    assert extra["property"] == "backend-before-frontend"
    assert extra["first_patch"] == "3"
    assert extra["trace_after_patch"] == "18"
    assert extra["scenario"].startswith("default: 2 guest(s), 2 pCPU(s)")
    assert extra["states"] == "81"
    full = json.loads(extra["trace"])
    assert len(full) == 28
    assert full[2]["fact"] == {
        "path": SUSPEND_C,
        "line": 267,
        "text": "continue_hypercall_on_cpu(0, system_suspend, NULL)",
    }


def test_v1_request_never_served_trace(runner: FixtureRunner) -> None:
    finding = findings(runner, V1, STABLE)["MOD008"]
    messages = [r.message for r in finding.related]
    assert messages[-2] == "step 8: guest1: sends a block request"
    assert messages[-1].endswith(
        "guest1 running with a block request outstanding; guest2 suspended; a continuation "
        "overwrote x0; the block request is never served"
    )


def test_v2_holds_everywhere(runner: FixtureRunner) -> None:
    assert findings(runner, V2, STABLE) == {}


def test_preview_rules_route_wake_interrupts_to_pcpu1(runner: FixtureRunner) -> None:
    preview = [r for r in MODEL_RULES if r.rule.status.value == "preview"]
    found = findings(runner, V2, preview)
    # Nothing moves the interrupts of a pCPU going down: lost once the firmware is called.
    assert {code: f.location.patch for code, f in found.items()} == {
        "MOD007": 18,
        "MOD009": 18,
        "MOD011": 18,
    }
    assert found["MOD011"].location.path == "xen/common/cpu.c"


# -- the shared machinery ----------------------------------------------------------------


def _model(statuses: dict[int, Status]) -> SeriesModel:
    series = Series("1", False, 0, None, ())
    numbers = tuple(sorted(statuses))
    model = SeriesModel(series, numbers, dict.fromkeys(numbers, v2_like()))
    for n, status in statuses.items():
        model.statuses[("backend-before-frontend", n)] = PropertyStatus(
            "backend-before-frontend", status
        )
    return model


H, V, U, N = Status.HOLDS, Status.VIOLATED, Status.UNKNOWN, Status.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("statuses", "first"),
    [
        ({0: H, 1: V, 2: V, 3: V}, 1),
        ({0: H, 1: V, 2: U, 3: V}, 1),  # unknown does not end the run
        ({0: H, 1: V, 2: H, 3: V}, 3),  # fixed, then broken again: the last break
        ({0: H, 1: N, 2: V}, 2),
        ({0: V, 1: V, 2: V}, None),  # the base tree already breaks it
        ({0: H, 1: V, 2: H}, None),  # holds after the last patch
        ({0: H, 1: V, 2: U}, None),  # unknown after the last patch
    ],
)
def test_first_failing_patch(statuses: dict[int, Status], first: int | None) -> None:
    assert _model(statuses).first_failing("backend-before-frontend") == first


def test_judge() -> None:
    base = extract_suspend_facts(edited_tree({}))
    na = judge(base, "firmware-preconditions")
    assert na.status is Status.NOT_APPLICABLE
    assert na.reason.startswith("the hardware domain's SYSTEM_SUSPEND is refused")
    assert judge(base, "backend-before-frontend").status is Status.HOLDS
    bad = judge(v1_like(), "backend-before-frontend")
    assert (bad.status, bad.config) == (Status.VIOLATED, "default")
    unknown = judge(replace(v2_like(), wake_action=Fact.unknown("gone")), "requests-served")
    assert unknown.status is Status.UNKNOWN
    assert unknown.reason == "fact wake_action not found"
    # The ladder is checked with failures injected too.
    errors = dict(v2_like().error_paths.get())
    errors[Op.IOMMU_SUSPEND] = errors[Op.IOMMU_SUSPEND][1:]
    broken = replace(v2_like(), error_paths=Fact(tuple(errors.items())))
    ladder = judge(broken, "resume-undoes-completed-steps")
    assert (ladder.status, ladder.config) == (Status.VIOLATED, "failures")


def test_condense_and_messages() -> None:
    ref = FactRef("xen/arch/arm/suspend.c", 10, "freeze_domains()")
    steps = [
        Step("Dom0", "parks", ("Dom0 suspended", "system_suspend() scheduled on pCPU 0")),
        Step("Xen on pCPU 0", "system_suspend() starts", (), FactRef("a.c", 1, "start")),
        Step("Xen on pCPU 0", "freeze_domains()", ("every domain frozen",), ref),
        Step("Xen on pCPU 0", "thaw_domains()", ("the continuation wrote x0",), None),
        Step("environment", "interrupt", ()),
        Step("Xen on pCPU 0", "gic_resume()", ("GIC restored",), None),
    ]
    condensed = condense_steps(steps)
    assert [s.actor for s in condensed] == ["Dom0", "Xen on pCPU 0", "environment", "Xen on pCPU 0"]
    merged = condensed[1]
    assert merged.action == "system_suspend() starts, freeze_domains(), thaw_domains()"
    assert merged.fact == ref  # the first operation's, not the start's
    assert merged.changes == ("the continuation wrote x0",)
    assert condensed[3] is steps[5]
    assert (
        step_message(1, condensed[0])
        == "step 1: Dom0: parks (system_suspend() scheduled on pCPU 0)"
    )
    assert step_message(2, merged) == (
        "step 2: Xen on pCPU 0: system_suspend() starts, freeze_domains(), thaw_domains() "
        "(the continuation wrote x0)"
    )


def test_unknown_after_the_last_patch_is_reported_as_undecided(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    series = Series("1", False, 1, None, ())
    model = SeriesModel(series, (0, 1), {0: SuspendFacts.all_unknown(), 1: v1_like()})
    model.statuses[("requests-served", 1)] = PropertyStatus(
        "requests-served", Status.UNKNOWN, "fact wake_action not found"
    )
    monkeypatch.setattr(lib_model, "series_model", lambda view, ctx: model)
    view = TreeView(1, reader=None, facts=object())  # type: ignore[arg-type]
    ctx = Context(series=series)
    rule = MODEL_RULES[7].rule
    with pytest.raises(RuleUndecided, match="unknown: fact wake_action not found"):
        list(model_findings(rule, "requests-served", view, ctx, "m"))
    # A series that does not change the facts stays silent.
    model.facts[0] = v1_like()
    assert list(model_findings(rule, "requests-served", view, ctx, "m")) == []
