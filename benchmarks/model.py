"""Model benchmark: the Python checker on 1..8 guests, with and without symmetry, beside SPIN.

For each number of guests (2 pCPUs, Dom0 holding the backends and
xenstored, every guest owning a wake-up device), in the same run:

- the Python engine with symmetry reduction (all properties);
- the Python engine without it (all properties; and, with --explore, the
  exploration alone: invariants and reachability, no "no stuck state"
  pass);
- SPIN on the exported Promela model (without symmetry: SPIN has none
  here), with ``spin -a``, the C compiler and ``pan`` timed apart.

Figures: unique states, wall seconds (best of --repeat) and states per
second; SPIN's state count must equal the Python one without symmetry
(checked; a mismatch is reported and makes the exit status 1).

The facts are the reference design's (``--design reference``: a tasklet on
pCPU 0, Dom0 resumed before the thaw, a woken guest resumes Dom0 first,
the v2 behaviour) or a v1-like design (``--design v1``: continuation, thaw
only, the woken guest alone).  Targets: the default scenario (2 guests)
under 0.5 s; 8 guests with symmetry under 10 s; at least 150,000 states/s
without symmetry.

Run:  python -m benchmarks.model [--max-guests 8] [--repeat 3] [--no-spin]
      [--design reference|v1] [--explore] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xenreview.model import Kind, SuspendConfig, SuspendFacts, check_suspend
from xenreview.model.checker import check
from xenreview.model.facts import HwdomSuspend, Mechanism, WakeAction
from xenreview.model.promela import emit_promela, run_spin, spin_available
from xenreview.model.suspend import PROPERTY_NAMES, build_model, reference_facts


def design(name: str) -> SuspendFacts:
    if name == "v1":
        return reference_facts(
            domain_ops=(),
            wake=WakeAction.RESUME_DOMAIN,
            hwdom=HwdomSuspend.PARK,
            mechanism=Mechanism.CONTINUATION,
            note="v1-like design",
        )
    return reference_facts()


@dataclass
class Row:
    guests: int
    sym_states: int = 0
    sym_seconds: float = float("inf")
    plain_states: int = 0
    plain_seconds: float = float("inf")
    explore_seconds: float = float("inf")
    spin_states: int = 0
    spin_seconds: float = 0.0
    spin_compile: float = 0.0
    spin_run: float = 0.0
    spin_error: str = ""


def rate(states: int, seconds: float) -> str:
    return f"{states / seconds:,.0f}" if seconds not in (0.0, float("inf")) else "-"


def explore_only(config: SuspendConfig, facts: SuspendFacts) -> tuple[int, float]:
    """States and wall seconds of the exploration with invariants and reachability only."""
    model = build_model(config, facts)
    props = [p for p in model.properties(PROPERTY_NAMES) if p.kind is not Kind.NO_STUCK]
    props = [p for p in props if p.after is None]
    started = time.perf_counter()
    result = check(model.engine, props, symmetry=False, invariants_hold=model.invariants_predicate)
    return result.states, time.perf_counter() - started


def run(
    *,
    min_guests: int = 1,
    max_guests: int = 8,
    pcpus: int = 2,
    repeat: int = 3,
    design_name: str = "reference",
    spin: bool = True,
    explore: bool = False,
    on_row: Callable[[Row, bool], None] | None = None,
) -> dict[str, Any]:
    """The rows (one per number of guests) and whether SPIN ran and agreed.

    ``on_row(row, use_spin)`` is called as each row is finished.  Keys:
    ``rows`` (list of Row), ``use_spin`` (SPIN asked for and installed),
    ``spin_missing`` (asked for but spin or cc absent), ``mismatch`` (a SPIN
    state count differs from the Python one).
    """
    facts = design(design_name)
    use_spin = spin and spin_available()
    rows: list[Row] = []
    mismatch = False
    for guests in range(min_guests, max_guests + 1):
        config = SuspendConfig(guests=guests, pcpus=pcpus, scenario="benchmark")
        row = Row(guests)
        for _ in range(repeat):
            sym = check_suspend(config, facts, symmetry=True)
            row.sym_states, row.sym_seconds = sym.states, min(row.sym_seconds, sym.seconds)
            plain = check_suspend(config, facts, symmetry=False)
            row.plain_states = plain.states
            row.plain_seconds = min(row.plain_seconds, plain.seconds)
            if explore:
                _, seconds = explore_only(config, facts)
                row.explore_seconds = min(row.explore_seconds, seconds)
        if use_spin:
            try:
                result = run_spin(emit_promela(config, facts))
            except Exception as exc:  # report and go on: a benchmark, not a test
                row.spin_error = str(exc)
            else:
                row.spin_states = result.states
                row.spin_seconds = result.spin_seconds
                row.spin_compile = result.compile_seconds
                row.spin_run = result.run_seconds
                if result.states != row.plain_states:
                    mismatch = True
        rows.append(row)
        if on_row is not None:
            on_row(row, use_spin)
    return {
        "rows": rows,
        "use_spin": use_spin,
        "spin_missing": spin and not use_spin,
        "mismatch": mismatch,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-guests", type=int, default=8)
    parser.add_argument("--min-guests", type=int, default=1)
    parser.add_argument("--pcpus", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--design", choices=("reference", "v1"), default="reference")
    parser.add_argument("--no-spin", action="store_true")
    parser.add_argument("--explore", action="store_true", help="also time the exploration alone")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args(argv)

    if not args.no_spin and not spin_available():
        print("spin or cc not installed: SPIN columns left out", file=sys.stderr)
    printed = 0

    def show(row: Row, use_spin: bool) -> None:
        nonlocal printed
        printed += 1
        print_row(row, args.explore, use_spin, header=printed == 1)
        sys.stdout.flush()

    result = run(
        min_guests=args.min_guests,
        max_guests=args.max_guests,
        pcpus=args.pcpus,
        repeat=args.repeat,
        design_name=args.design,
        spin=not args.no_spin,
        explore=args.explore,
        on_row=show,
    )
    if args.json:
        data = [row.__dict__ for row in result["rows"]]
        Path(args.json).write_text(json.dumps(data, indent=2, default=str) + "\n")
    if result["mismatch"]:
        print("SPIN and the Python engine disagree on a state count", file=sys.stderr)
    return 1 if result["mismatch"] else 0


def print_row(row: Row, explore: bool, spin: bool, *, header: bool) -> None:
    columns = [
        ("guests", f"{row.guests}"),
        ("sym states", f"{row.sym_states:,}"),
        ("sym s", f"{row.sym_seconds:.3f}"),
        ("sym st/s", rate(row.sym_states, row.sym_seconds)),
        ("plain states", f"{row.plain_states:,}"),
        ("plain s", f"{row.plain_seconds:.3f}"),
        ("plain st/s", rate(row.plain_states, row.plain_seconds)),
    ]
    if explore:
        columns += [
            ("explore s", f"{row.explore_seconds:.3f}"),
            ("explore st/s", rate(row.plain_states, row.explore_seconds)),
        ]
    if spin:
        if row.spin_error:
            columns.append(("spin", row.spin_error[:40]))
        else:
            columns += [
                ("spin states", f"{row.spin_states:,}"),
                ("spin -a s", f"{row.spin_seconds:.2f}"),
                ("cc s", f"{row.spin_compile:.2f}"),
                ("pan s", f"{row.spin_run:.3f}"),
                ("pan st/s", rate(row.spin_states, row.spin_run)),
            ]
    if header:
        print("| " + " | ".join(name for name, _ in columns) + " |")
        print("|" + "|".join(" --- " for _ in columns) + "|")
    print("| " + " | ".join(value for _, value in columns) + " |")


if __name__ == "__main__":
    sys.exit(main())
