"""``xenreview model`` and the model findings in ``xenreview review``, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.runner import run_cli
from tests.unit.model_extract.helpers import PATCHES, V1, V2
from xenreview.model import promela
from xenreview.rules.testing import minitree_texts


def test_the_mini_tree_has_nothing_to_violate() -> None:
    result = run_cli(["model"])
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "mini tree"
    assert lines[1].startswith("scenario default: 2 guest(s), 2 pCPU(s), backends in Dom0")
    assert lines[3] == (
        "  hwdom_suspend         refused  [xen/arch/arm/vpsci.c:211: "
        "if ( is_hardware_domain(d) ) return PSCI_DENIED;]"
    )
    assert (
        "host suspend: none: the hardware domain's SYSTEM_SUSPEND is refused "
        "(xen/arch/arm/vpsci.c:211)"
    ) in lines
    assert (
        "  firmware-preconditions            not-applicable  no host suspend in this tree" in lines
    )
    assert "  backend-before-frontend           holds" in lines
    assert lines[-1].startswith("10 states, 35 transitions, depth 4, ")
    assert "violated" not in result.stdout


def test_v1_violations_traces_and_promela(tmp_path: Path) -> None:
    pml = tmp_path / "v1.pml"
    result = run_cli(["model", str(V1), "--trace", "--emit-promela", str(pml)])
    assert result.code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "xen/arm: Suspend to RAM support v1, tree after patch 18/18"
    assert lines[5] == (
        "  trigger               hardware-domain  "
        "[xen/arch/arm/suspend.c:265: if ( is_hardware_domain(d) )]"
    )
    assert "  backend-before-frontend           violated        the last state breaks it" in lines
    assert "  firmware-preconditions            holds" in lines
    assert any(line.startswith("81 states, ") for line in lines)
    start = lines.index("backend-before-frontend: the last state breaks it")
    assert lines[start + 1 : start + 3] == [
        "     1. guest1: SYSTEM_SUSPEND (virtual PSCI): parked in SHUTDOWN_suspend "
        "(guest1 suspended (SHUTDOWN_suspend))",
        "     2. guest2: SYSTEM_SUSPEND (virtual PSCI): parked in SHUTDOWN_suspend "
        "(guest2 suspended (SHUTDOWN_suspend))",
    ]
    assert lines[start + 4] == (
        "        at xen/arch/arm/suspend.c:267: continue_hypercall_on_cpu(0, system_suspend, NULL)"
    )
    assert "    28. Xen (resume tasklet): resumes guest1 (guest1 resumed)" in lines
    assert "        at xen/arch/arm/suspend.c:61: resume_suspended_domain(d)" in lines
    assert "requests-served: from the last state on, the block request is never served" in lines
    assert "    29. guest1: sends a block request (guest1 has a block request outstanding)" in lines
    text = pml.read_text()
    assert "proctype" in text and "assert(" in text


def test_v2_json() -> None:
    result = run_cli(["model", str(V2), "--format", "json"])
    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schema"] == "xenreview-model"
    assert document["violated"] == 0
    (run,) = document["runs"]
    assert run["target"]["after_patch"] == 18
    assert run["target"]["series"] == "xen/arm: Suspend to RAM support"
    assert run["target"]["tree"] == "mini tree"
    assert run["scenario"]["name"] == "default"
    assert run["scenario"]["config"]["guests"] == 2
    assert run["engine"] == "python"
    assert run["host_suspend"] is True
    assert run["facts"]["mechanism"]["value"] == "tasklet"
    assert run["facts"]["mechanism"]["source"]["line"] == 298
    assert run["states"] == 84
    verdicts = {p["name"]: p["verdict"] for p in run["properties"]}
    assert set(verdicts.values()) == {"holds"}
    assert "deadlock-free" in verdicts
    # A holding reachability property comes with its witness.
    witness = next(p for p in run["properties"] if p["name"] == "io-after-resume")
    assert witness["trace"][-1]["action"] == "sends a block request"


def test_no_symmetry_and_sizes() -> None:
    result = run_cli(["model", "--no-symmetry", "--guests", "3", "-f", "json"])
    assert result.code == 0
    (run,) = json.loads(result.stdout)["runs"]
    assert (run["symmetry"], run["scenario"]["config"]["guests"]) == (False, 3)
    with_symmetry = json.loads(run_cli(["model", "--guests", "3", "-f", "json"]).stdout)["runs"][0]
    assert with_symmetry["states"] < run["states"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--guests", "9"], "guests must be 1 to 8, not 9"),
        (["--pcpus", "0"], "pcpus must be 1 to 4, not 0"),
        (["--scenario", "nope"], "no scenario 'nope'"),
        (["--base", "HEAD"], "--base needs a SOURCE to apply"),
    ],
)
def test_bad_options(args: list[str], message: str) -> None:
    result = run_cli(["model", *args])
    assert result.code == 2
    assert message in result.stderr


def test_own_design_scenario() -> None:
    result = run_cli(["model", "--scenario", "x86-freeze-thaw"])
    assert result.code == 0
    assert "  (the scenario checks its own reference design, not the tree's facts)" in (
        result.stdout.splitlines()
    )
    assert "  hwdom_suspend         platform  (x86 enter_state() reference design" in result.stdout


def test_a_checked_out_tree(tmp_path: Path) -> None:
    for path, text in minitree_texts().items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    result = run_cli(["model", "--tree", str(tmp_path)])
    assert result.code == 0
    assert result.stdout.splitlines()[0] == str(tmp_path)


def test_a_series_that_does_not_fully_apply() -> None:
    result = run_cli(["model", str(PATCHES / "conflict-v1" / "series.mbox")])
    assert result.code == 0
    assert any(
        line.startswith("  note: patch 2/3 did not apply") for line in result.stdout.splitlines()
    )


def test_spin_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def fake_run_spin(text: str, **_: object) -> promela.SpinResult:
        seen.append(text)
        return promela.SpinResult(
            states=45,
            transitions=63,
            depth=28,
            errors=3,
            violated=("backend-before-frontend",),
            reached=(),
            invalid_end_states=0,
            spin_seconds=0.01,
            compile_seconds=1.5,
            run_seconds=0.02,
            output="",
        )

    monkeypatch.setattr(promela, "run_spin", fake_run_spin)
    result = run_cli(["model", "--engine", "spin", "--trace"])
    assert result.code == 1
    lines = result.stdout.splitlines()
    assert "proctype" in seen[0]
    assert "properties (spin):" in lines
    assert "  backend-before-frontend           violated" in lines
    assert (
        "  requests-served                   not-checked     SPIN has no form for it (no stuck "
        "state, or reachable after a state)"
    ) in lines
    assert (
        "  firmware-preconditions            not-applicable  no host suspend in this tree" in lines
    )
    assert "  deadlock-free                     holds" in lines
    assert "45 states, 63 transitions, depth 28; spin -a 0.010 s, cc 1.500 s, pan 0.020 s" in lines
    assert "(SPIN's counterexamples are not shown: run with --engine python --trace)" in lines
    document = json.loads(run_cli(["model", "--engine", "spin", "-f", "json"]).stdout)
    assert document["runs"][0]["spin"]["compile_seconds"] == 1.5
    assert document["runs"][0]["engine"] == "spin"


def test_review_prints_the_trace_under_the_finding() -> None:
    result = run_cli(["review", str(V1), "--select", "MOD001"])
    assert result.code == 1
    lines = result.stdout.splitlines()
    head = next(i for i, line in enumerate(lines) if "MOD001 frontend-runs-without-backend" in line)
    assert lines[head].startswith("    xen/arch/arm/suspend.c:44: error MOD001")
    body = lines[head:]
    trace = next(i for i, line in enumerate(body) if line.startswith("      trace (on the tree"))
    assert body[trace].startswith("      trace (on the tree after patch 18/18; default: 2 guest(s)")
    assert "        1. guest1: SYSTEM_SUSPEND (virtual PSCI): parked in SHUTDOWN_suspend" in body
    at = "           at xen/arch/arm/suspend.c:"
    assert f"{at}267: continue_hypercall_on_cpu(0, system_suspend, NULL)" in body
    assert "        7. Xen (resume tasklet): resumes guest1" in body
    assert f"{at}61: resume_suspended_domain(d)" in body
    assert any(line.startswith("        then: host active; Dom0") for line in body)
    assert not any(line.lstrip().startswith("see patch 18") for line in body)
