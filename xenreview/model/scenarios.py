"""The configurations worth checking (SUSPEND-MODEL.md), selectable by name.

Each :class:`Scenario` is a :class:`SuspendConfig`; scenario 2 also brings
its own design (the x86 ``enter_state()`` freeze/thaw-all reference), which
replaces the facts of the tree under review, since the point of that
scenario is the comparison.  ``default`` is the configuration the CLI runs
when no scenario is named: Dom0 holding the backends and xenstored, two
guests, two pCPUs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from xenreview.errors import ConfigError
from xenreview.model.checker import Bounds, CheckResult, Progress
from xenreview.model.facts import FAILABLE, HwdomSuspend, Mechanism, Op, SuspendFacts, WakeAction
from xenreview.model.suspend import (
    BackendHost,
    SuspendConfig,
    WaitPolicy,
    check_suspend,
    reference_facts,
)

__all__ = [
    "DEFAULT_SCENARIO",
    "SCENARIOS",
    "Scenario",
    "run_scenario",
    "scenario",
    "scenario_config",
    "scenario_names",
    "x86_reference_facts",
]


def x86_reference_facts() -> SuspendFacts:
    """The x86 design (``enter_state()``), as facts: the comparison of scenario 2.

    The hardware domain asks for the host suspend with a platform hypercall
    and is not parked; the host suspend runs as a continuation of that
    hypercall on pCPU 0 (its result is the hypercall's own return value);
    ``freeze_domains()`` pauses everybody and ``thaw_domains()`` lets
    everybody run again, so no guest observes the host suspend.
    """
    return reference_facts(
        domain_ops=(),
        wake=WakeAction.RESUME_DOMAIN,
        hwdom=HwdomSuspend.PLATFORM,
        mechanism=Mechanism.CONTINUATION,
        note="x86 enter_state() reference design (xen/arch/x86/acpi/power.c)",
    )


@dataclass(frozen=True, slots=True)
class Scenario:
    """A named configuration; ``number``: its item in SUSPEND-MODEL.md (None: ours)."""

    name: str
    number: int | None
    title: str
    config: SuspendConfig
    design: Callable[[], SuspendFacts] | None = None

    def facts(self, tree_facts: SuspendFacts) -> SuspendFacts:
        """The facts to check: the scenario's own design, or the tree's."""
        return self.design() if self.design is not None else tree_facts


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "default",
        None,
        "Dom0 = control = hardware = backend = xenstored; 2 guests with PV frontends "
        "owning wake-up devices; 2 pCPUs",
        SuspendConfig(guests=2, pcpus=2, scenario="default"),
    ),
    Scenario(
        "seed",
        1,
        "Dom0 = control = hardware = backend; one guest with PV frontends owning the "
        "wake-up interrupt (the seed's question)",
        SuspendConfig(guests=1, pcpus=2, scenario="seed"),
    ),
    Scenario(
        "x86-freeze-thaw",
        2,
        "the seed's topology under the x86 design: freeze_domains()/thaw_domains() around "
        "the host suspend, Dom0 never parked",
        SuspendConfig(guests=1, pcpus=2, hwdom_waits=WaitPolicy.NONE, scenario="x86-freeze-thaw"),
        design=x86_reference_facts,
    ),
    Scenario(
        "split-driver-domain",
        3,
        "control and hardware domains split; a driver domain holds the backend",
        SuspendConfig(
            guests=1,
            pcpus=2,
            split_control=True,
            backend=BackendHost.DRIVER_DOMAIN,
            scenario="split-driver-domain",
        ),
    ),
    Scenario(
        "failures",
        4,
        "the seed's topology with a failure injected at each failable suspend step",
        SuspendConfig(guests=1, pcpus=2, fail_steps=FAILABLE, scenario="failures"),
    ),
    Scenario(
        "vcpu-race",
        5,
        "every domain has a sibling vCPU the toolstack may bring online, and xl resume may "
        "be issued, while a domain suspends",
        SuspendConfig(guests=1, pcpus=2, sibling_vcpus=True, scenario="vcpu-race"),
    ),
    Scenario(
        "two-control-domains",
        6,
        "two control domains (Dom0 and another) suspending at once",
        SuspendConfig(
            guests=1,
            pcpus=2,
            second_control=True,
            hwdom_waits=WaitPolicy.GUESTS,
            scenario="two-control-domains",
        ),
    ),
)

DEFAULT_SCENARIO = "default"


def scenario_names() -> tuple[str, ...]:
    return tuple(s.name for s in SCENARIOS)


def scenario(name: str) -> Scenario:
    """The scenario called ``name`` (ConfigError naming the known ones otherwise)."""
    for known in SCENARIOS:
        if known.name == name:
            return known
    raise ConfigError(
        f"no scenario {name!r}; known: {', '.join(scenario_names())}", source="model scenario"
    )


def scenario_config(
    name: str,
    *,
    guests: int | None = None,
    pcpus: int | None = None,
    fail_steps: tuple[Op, ...] | None = None,
) -> SuspendConfig:
    """The scenario's configuration, with the CLI's overrides applied and validated."""
    config = scenario(name).config
    changes: dict[str, object] = {}
    if guests is not None:
        changes["guests"] = guests
    if pcpus is not None:
        changes["pcpus"] = pcpus
    if fail_steps is not None:
        changes["fail_steps"] = fail_steps
    if changes:
        config = replace(config, **changes)  # type: ignore[arg-type]
    config.validate()
    return config


def run_scenario(
    name: str,
    tree_facts: SuspendFacts,
    *,
    guests: int | None = None,
    pcpus: int | None = None,
    symmetry: bool = True,
    bounds: Bounds | None = None,
    properties: tuple[str, ...] | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> CheckResult:
    """Check one scenario: its configuration, under its own design or the tree's facts."""
    chosen = scenario(name)
    config = scenario_config(name, guests=guests, pcpus=pcpus)
    return check_suspend(
        config,
        chosen.facts(tree_facts),
        symmetry=symmetry,
        bounds=bounds,
        properties=properties,
        progress=progress,
    )
