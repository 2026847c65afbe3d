"""The behavioural model: a small model checker and the Arm host-suspend model.

* :mod:`~xenreview.model.checker`: the checker core (``Model`` protocol,
  ``Property`` kinds, breadth-first ``check`` with bounds and symmetry);
* :mod:`~xenreview.model.trace`: ``Step`` and ``FactRef``, what traces are
  made of;
* :mod:`~xenreview.model.ir`: the guarded-command language both engines run;
* :mod:`~xenreview.model.facts`: ``SuspendFacts``, what the model needs to
  know about the patched tree;
* :mod:`~xenreview.model.suspend`: the configured suspend model and
  ``check_suspend``;
* :mod:`~xenreview.model.scenarios`: the named configurations;
* :mod:`~xenreview.model.promela`: the same model in Promela, run by SPIN;
* :mod:`~xenreview.model.report`: results as text and as JSON-ready data.
"""

from __future__ import annotations

from xenreview.model.checker import (
    DEADLOCK,
    Bounds,
    CheckResult,
    Kind,
    Model,
    Progress,
    Property,
    PropertyResult,
    Verdict,
    check,
)
from xenreview.model.facts import (
    UNKNOWN,
    Fact,
    HwdomSuspend,
    Mechanism,
    Op,
    SuspendFacts,
    Trigger,
    WakeAction,
    op_for_call,
)
from xenreview.model.report import format_result, result_data
from xenreview.model.scenarios import (
    DEFAULT_SCENARIO,
    SCENARIOS,
    Scenario,
    run_scenario,
    scenario,
    scenario_config,
    scenario_names,
)
from xenreview.model.suspend import (
    PROPERTIES,
    BackendHost,
    SuspendConfig,
    SuspendModel,
    WaitPolicy,
    XenstoreHost,
    build_model,
    check_suspend,
    needed_facts,
    reference_facts,
)
from xenreview.model.trace import FactRef, Step, condense, format_trace

__all__ = [
    "DEADLOCK",
    "DEFAULT_SCENARIO",
    "PROPERTIES",
    "SCENARIOS",
    "UNKNOWN",
    "BackendHost",
    "Bounds",
    "CheckResult",
    "Fact",
    "FactRef",
    "HwdomSuspend",
    "Kind",
    "Mechanism",
    "Model",
    "Op",
    "Progress",
    "Property",
    "PropertyResult",
    "Scenario",
    "Step",
    "SuspendConfig",
    "SuspendFacts",
    "SuspendModel",
    "Trigger",
    "Verdict",
    "WaitPolicy",
    "WakeAction",
    "XenstoreHost",
    "build_model",
    "check",
    "check_suspend",
    "condense",
    "format_result",
    "format_trace",
    "needed_facts",
    "op_for_call",
    "reference_facts",
    "result_data",
    "run_scenario",
    "scenario",
    "scenario_config",
    "scenario_names",
]
