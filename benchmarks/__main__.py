"""Every benchmark in one run, and the performance page rewritten from its figures.

    python -m benchmarks [--quick] [--only NAME...] [--output FILE] [--json FILE]

Runs, in this order and in one process: start-up (against a bare
interpreter), ingest (against the stdlib mailbox + unidiff floor), apply
(against ``git am -3``), the rule catalogue (against ingesting the same
corpus), the suspend model (against SPIN) and the pre-commit hook on a large
tree.  Each benchmark measures its own baseline in the same run.  Then the
page is rendered from ``benchmarks/performance.md.j2``: the command line,
the date, the machine, and per benchmark its tables, its ratios to the
baseline and its targets.  Every figure on the page comes from this run;
the template holds only the prose.

``--quick`` uses small sizes and a single repeat: a smoke test of the
command, whose figures mean nothing; it writes to
``benchmarks/out/performance-quick.md`` unless ``--output`` is given, so it
never overwrites ``docs/performance.md`` by accident.  ``--only`` runs some
benchmarks; the page says the others were not run.  ``--json`` also writes
every figure, the machine and the verdicts as JSON.

Exit status: 0 when every benchmark that was asked for ran and its checks
passed (a missed speed target does not fail the command: the page says so),
1 when one failed or is missing, 2 for bad options.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib
import inspect
import io
import json
import math
import shlex
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from benchmarks.common import REPO, load_average, machine, md_table

NAMES = ("startup", "ingest", "apply", "rules", "model", "hook")
TEMPLATE = Path(__file__).resolve().parent / "performance.md.j2"
DEFAULT_OUTPUT = REPO / "docs" / "performance.md"
QUICK_OUTPUT = REPO / "benchmarks" / "out" / "performance-quick.md"
SUSPEND_MBOX = REPO / "patches" / "xen-arm-suspend-v1" / "series.mbox"

MET, NOT_MET, NOT_EVALUATED = "met", "NOT MET", "not evaluated"


# -- what a benchmark hands to the page ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """A target and its verdict: ``met``, ``NOT MET`` or ``not evaluated``."""

    text: str
    measured: str
    verdict: str


@dataclass(frozen=True, slots=True)
class Summary:
    tables: tuple[str, ...] = ()
    ratios: tuple[str, ...] = ()
    targets: tuple[Target, ...] = ()
    notes: tuple[str, ...] = ()
    failed_checks: tuple[str, ...] = ()


@dataclass
class Outcome:
    name: str
    status: str = "not run"  # "ok", "error" or "not run"
    params: dict[str, Any] = field(default_factory=dict)
    command: str = ""
    seconds: float = 0.0
    data: Any = None
    summary: Summary = field(default_factory=Summary)
    error: str = ""


@dataclass(frozen=True, slots=True)
class Bench:
    name: str
    params: Callable[[bool], dict[str, Any]]
    command: Callable[[dict[str, Any]], str]
    measure: Callable[[dict[str, Any]], Any]
    summarize: Callable[[Any, dict[str, Any]], Summary]


# -- number formatting ----------------------------------------------------------------------


def _num(value: Any, digits: int = 3) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "-" if value is None else str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def _ratio(ours: Any, theirs: Any) -> float | None:
    if not isinstance(ours, int | float) or not isinstance(theirs, int | float):
        return None
    if not theirs or not math.isfinite(ours) or not math.isfinite(theirs):
        return None
    return float(ours) / float(theirs)


def _x(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}x" if value >= 0.1 else f"{value:.2g}x"


def _at_most(text: str, value: float | None, limit: float, shown: str) -> Target:
    if value is None:
        return Target(text, "-", NOT_EVALUATED)
    return Target(text, shown, MET if value <= limit else NOT_MET)


def _rate(states: Any, seconds: Any) -> float | None:
    return _ratio(states, seconds)


# -- start-up ----------------------------------------------------------------------------------


def _startup_measure(params: dict[str, Any]) -> Any:
    from benchmarks import startup

    return startup.run(params["repeat"])


def _startup_summary(data: dict[str, float], params: dict[str, Any]) -> Summary:
    table = md_table(
        ["what", "min", "median"],
        [
            [
                "`python -c pass`",
                f"{data['python_min_ms']:.1f} ms",
                f"{data['python_median_ms']:.1f} ms",
            ],
            [
                "`python -m xenreview --version`",
                f"{data['xenreview_version_min_ms']:.1f} ms",
                f"{data['xenreview_version_median_ms']:.1f} ms",
            ],
        ],
    )
    median = _ratio(data["xenreview_version_median_ms"], data["python_median_ms"])
    best = _ratio(data["xenreview_version_min_ms"], data["python_min_ms"])
    ratios = (
        f"`--version` against a bare interpreter: {_x(median)} (medians), {_x(best)} (minimums); "
        f"{data['overhead_median_ms']:.1f} ms over it (medians).",
    )
    target = Target("none in figures (the issue asks that start-up stay fast)", "-", NOT_EVALUATED)
    return Summary(tables=(table,), ratios=ratios, targets=(target,))


# -- ingest ------------------------------------------------------------------------------------

_INGEST_COLUMNS = {
    "mbox_mib": ("mbox", "{:.1f} MiB"),
    "floor_s": ("floor", "{:.2f} s"),
    "xenreview_s": ("xenreview", "{:.2f} s"),
    "ratio": ("ratio", "{:.2f}x"),
    "floor_rss_mib": ("peak RSS floor", "{:.0f} MiB"),
    "xenreview_rss_mib": ("peak RSS xenreview", "{:.0f} MiB"),
}
INGEST_TARGET_PATCHES = 3000
MEMORY_SLOPE_MIB = 5.0  # what "flat" means here: our reading, not the issue's


def _call_with(function: Callable[..., Any], offered: Mapping[str, Any]) -> Any:
    """Call ``function`` with the offered keyword arguments it declares."""
    accepted = inspect.signature(function).parameters
    return function(**{k: v for k, v in offered.items() if k in accepted})


class _Tee(io.TextIOBase):
    """Keeps what is written and echoes it to another stream (progress stays visible)."""

    def __init__(self, echo: TextIO) -> None:
        self.kept = io.StringIO()
        self.echo = echo

    def write(self, text: str) -> int:
        self.kept.write(text)
        self.echo.write(text)
        return len(text)

    def flush(self) -> None:
        self.echo.flush()


def last_json_object(text: str) -> Any:
    """The last JSON document of ``text`` that starts at the beginning of a line with ``{``."""
    starts = [i for i, line in enumerate(text.splitlines()) if line.startswith("{")]
    lines = text.splitlines()
    for start in reversed(starts):
        try:
            return json.loads("\n".join(lines[start:]))
        except json.JSONDecodeError:
            continue
    raise ValueError("no JSON object in the output")


def _ingest_measure(params: dict[str, Any]) -> Any:
    # benchmarks/ingest.py belongs to another part of the project: only its
    # interfaces are used.  A run() function if it has one; else its CLI main
    # (its return value, or the JSON it prints last).
    from benchmarks import ingest

    run = getattr(ingest, "run", None)
    if callable(run):
        return _call_with(run, params)
    argv = ["--patches", *map(str, params["patches"]), "--repeat", str(params["repeat"])]
    tee = _Tee(sys.stderr)
    with contextlib.redirect_stdout(tee):
        returned = ingest.main(argv)
    if isinstance(returned, dict):
        return returned
    return last_json_object(tee.kept.getvalue())


def _ingest_summary(data: dict[str, Any], params: dict[str, Any]) -> Summary:
    sizes = sorted(data, key=int)
    keys: list[str] = [k for k in _INGEST_COLUMNS if any(k in data[s] for s in sizes)]
    keys += sorted({k for s in sizes for k in data[s]} - set(keys))
    headers = ["patches"] + [_INGEST_COLUMNS.get(k, (k, ""))[0] for k in keys]
    rows = []
    for size in sizes:
        row: list[object] = [f"{int(size):,}"]
        for key in keys:
            value = data[size].get(key)
            fmt = _INGEST_COLUMNS.get(key, (key, ""))[1]
            row.append(fmt.format(value) if fmt and isinstance(value, int | float) else value)
        rows.append(row)
    ratios = tuple(
        f"{int(s):,} patches: {_x(_ratio(data[s].get('xenreview_s'), data[s].get('floor_s')))} "
        "the floor's time"
        for s in sizes
    )
    at = data.get(str(INGEST_TARGET_PATCHES))
    if at is None:
        speed = Target(
            f"at most 1.5x the floor on {INGEST_TARGET_PATCHES:,} patches",
            f"no {INGEST_TARGET_PATCHES:,}-patch run",
            NOT_EVALUATED,
        )
    else:
        value = _ratio(at.get("xenreview_s"), at.get("floor_s"))
        speed = _at_most(
            f"at most 1.5x the floor on {INGEST_TARGET_PATCHES:,} patches", value, 1.5, _x(value)
        )
    memory = _memory_target(data, sizes)
    return Summary(tables=(md_table(headers, rows),), ratios=ratios, targets=(speed, memory))


def _memory_target(data: dict[str, Any], sizes: list[str]) -> Target:
    text = (
        f"peak memory flat in the mbox size (at most {MEMORY_SLOPE_MIB:g} MiB more per "
        "1,000 patches, smallest to largest run)"
    )
    peaks = [data[s].get("xenreview_rss_mib") for s in sizes]
    if not all(isinstance(p, int | float) for p in peaks):
        return Target(text, "no xenreview_rss_mib figure", NOT_EVALUATED)
    span = int(sizes[-1]) - int(sizes[0]) if sizes else 0
    if span < 1000:
        return Target(text, "the sizes run span under 1,000 patches", NOT_EVALUATED)
    first, last = float(peaks[0]), float(peaks[-1])
    growth = (last - first) / span * 1000
    shown = f"{first:.0f} to {last:.0f} MiB ({growth:+.0f} MiB per 1,000 patches)"
    return Target(text, shown, MET if growth <= MEMORY_SLOPE_MIB else NOT_MET)


# -- apply -------------------------------------------------------------------------------------


def _apply_measure(params: dict[str, Any]) -> Any:
    from benchmarks import apply

    return apply.run(REPO / params["mbox"], params["repeat"])


def _apply_summary(data: dict[str, Any], params: dict[str, Any]) -> Summary:
    what = {
        "xenreview": "`apply_series` (temporary repository made, patches applied, "
        "repository removed)",
        "xenreview_tree": "`apply_series` with `--tree` on a repository holding the base",
        "git_am": "`git am -3` alone, in a checkout prepared beforehand (the floor)",
        "git_clone_am": "git doing the same job: `clone --shared`, checkout, `am -3`, removal",
    }
    rows = [
        [
            label,
            f"{data[f'{key}_wall_best_s']:.3f} s",
            f"{data[f'{key}_wall_median_s']:.3f} s",
            f"{data[f'{key}_cpu_best_s']:.3f} s",
        ]
        for key, label in what.items()
        if f"{key}_wall_best_s" in data
    ]
    table = md_table(["what", "best wall", "median wall", "best CPU"], rows)
    outcomes = Counter(data["outcomes"])
    notes = (
        f"{data['patches']} patches ({data['base']} as the base), best of {data['repeat']}, "
        "alternated; outcomes: " + ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items())),
    )
    ratios = (
        f"against bare `git am -3`: {_x(data['ratio_wall_vs_git_am'])} wall, "
        f"{_x(data['ratio_cpu_vs_git_am'])} CPU",
        f"against git doing the whole job: {_x(data['ratio_wall_vs_git_clone_am'])} wall, "
        f"{_x(data['ratio_cpu_vs_git_clone_am'])} CPU",
    )
    wall = data["ratio_wall_vs_git_am"]
    target = _at_most("at most 1.3x `git am -3` (best wall)", wall, 1.3, _x(wall))
    return Summary(tables=(table,), ratios=ratios, targets=(target,), notes=notes)


# -- the rule catalogue ----------------------------------------------------------------------


def _rules_measure(params: dict[str, Any]) -> Any:
    from benchmarks import rules

    return rules.run(params["series"], params["patches"], params["repeat"], params["top"])


def _rules_summary(data: dict[str, Any], params: dict[str, Any]) -> Summary:
    corpus, bundled = data["corpus"], data["bundled"]
    cache, facts = corpus["parse_cache"], corpus["facts"]
    slowest = ", ".join(f"{code} {s:.2f} s" for code, s in corpus["slowest_rules_s"].items())
    rows: list[list[object]] = [
        [
            "synthetic corpus",
            f"{corpus['patches']:,} patches in {corpus['series']} series, "
            f"{corpus['changed_lines']:,} changed lines, {corpus['rules']} rules "
            f"({corpus['load_errors']} load errors)",
        ],
        ["ingest of the corpus (the baseline)", f"{corpus['ingest_s']:.3f} s"],
        [
            "all rules over the corpus",
            f"{corpus['rules_s']:.2f} s: {corpus['patches_per_s']:,.0f} patches/s, "
            f"{corpus['lines_per_s']:,} changed lines/s, {corpus['findings']:,} findings, "
            f"{corpus['tool_errors']} tool errors",
        ],
        ["slowest rules", slowest or "-"],
        [
            "parse cache during the rules",
            f"{cache['hits']:,} hits, {cache['misses']:,} misses: {cache['hit_rate']:.1%} hit rate",
        ],
        [
            f"C facts of all {facts['tree_states']:,} tree states, one cache",
            f"{facts['seconds']:.2f} s, {facts['hit_rate']:.1%} hit rate",
        ],
    ]
    tables = [md_table(["corpus", "figure"], rows)]
    ratios = [
        "synthetic corpus: the rules take "
        f"{_x(_ratio(corpus['rules_s'], corpus['ingest_s']))} the time of reading it",
    ]
    targets = []
    size_ok = corpus["patches"] >= 300 and corpus["changed_lines"] >= 30_000
    targets.append(
        Target(
            "a synthetic corpus of at least 300 patches and 30,000 changed lines",
            f"{corpus['patches']:,} patches, {corpus['changed_lines']:,} lines",
            MET if size_ok else NOT_MET,
        )
    )
    if bundled is None:
        targets.append(
            Target("the bundled 18-patch series in under 1 s", "series absent", NOT_EVALUATED)
        )
    else:
        before = bundled["ingest_s"] + bundled["apply_s"]
        tables.append(
            md_table(
                ["bundled series", "figure"],
                [
                    [
                        f"`{bundled['series']}`",
                        f"{bundled['patches']} patches, {bundled['rules']} rules selected, "
                        f"{bundled['findings']} findings",
                    ],
                    ["ingest + apply (the baseline, once)", f"{before:.3f} s"],
                    [
                        "all selected rules, after ingest and apply",
                        f"best {bundled['best_s']:.3f} s, median {bundled['median_s']:.3f} s",
                    ],
                ],
            )
        )
        ratios.append(
            f"bundled series: the rules take {_x(_ratio(bundled['best_s'], before))} the time "
            "of ingest and apply"
        )
        targets.append(
            Target(
                "the whole catalogue over the bundled series in under 1 s (best)",
                f"{bundled['best_s']:.3f} s",
                MET if bundled["best_s"] < 1.0 else NOT_MET,
            )
        )
    failed = (f"{corpus['tool_errors']} rule tool errors",) if corpus["tool_errors"] else ()
    return Summary(
        tables=tuple(tables), ratios=tuple(ratios), targets=tuple(targets), failed_checks=failed
    )


# -- the model ---------------------------------------------------------------------------------


def _model_measure(params: dict[str, Any]) -> Any:
    from benchmarks import model

    result = model.run(
        min_guests=params["min_guests"],
        max_guests=params["max_guests"],
        repeat=params["repeat"],
        explore=params["explore"],
    )
    result["rows"] = [dataclasses.asdict(row) for row in result["rows"]]
    return result


def _model_summary(data: dict[str, Any], params: dict[str, Any]) -> Summary:
    rows = data["rows"]
    spin = data["use_spin"]
    headers = ["guests", "sym states", "sym s", "plain states", "plain s", "plain states/s"]
    if params["explore"]:
        headers.append("explore states/s")
    if spin:
        headers += ["SPIN states", "spin -a s", "cc s", "pan s", "pan states/s", "plain s / pan s"]
    table_rows = []
    for r in rows:
        line: list[object] = [
            r["guests"],
            _num(r["sym_states"]),
            _num(r["sym_seconds"]),
            _num(r["plain_states"]),
            _num(r["plain_seconds"]),
            _num(_rate(r["plain_states"], r["plain_seconds"]), 0),
        ]
        if params["explore"]:
            line.append(_num(_rate(r["plain_states"], r["explore_seconds"]), 0))
        if spin and r["spin_error"]:
            line += [f"failed: {r['spin_error'][:60]}", "-", "-", "-", "-", "-"]
        elif spin:
            line += [
                _num(r["spin_states"]),
                _num(r["spin_seconds"], 2),
                _num(r["spin_compile"], 2),
                _num(r["spin_run"]),
                _num(_rate(r["spin_states"], r["spin_run"]), 0),
                _x(_ratio(r["plain_seconds"], r["spin_run"])),
            ]
        table_rows.append(line)
    notes: list[str] = []
    ratios: list[str] = []
    last = rows[-1]
    if data["spin_missing"]:
        notes.append(
            "**SPIN is not installed** (`spin` or `cc` missing): no SPIN baseline in this run."
        )
    elif not spin:
        notes.append("SPIN was not asked for in this run.")
    elif not last["spin_error"]:
        spin_total = last["spin_seconds"] + last["spin_compile"] + last["spin_run"]
        ratios.append(
            f"{last['guests']} guests, without symmetry: the Python engine takes "
            f"{_x(_ratio(last['plain_seconds'], last['spin_run']))} the time of `pan` alone, "
            f"{_x(_ratio(last['plain_seconds'], spin_total))} the time of SPIN's whole job "
            "(`spin -a`, cc, `pan`)"
        )
    by_guests = {r["guests"]: r for r in rows}
    targets = []
    default = by_guests.get(2)
    targets.append(
        Target(
            "the default scenario (2 guests, 2 pCPUs, every property) in under 0.5 s",
            "no 2-guest run" if default is None else f"{default['plain_seconds']:.3f} s",
            NOT_EVALUATED
            if default is None
            else (MET if default["plain_seconds"] < 0.5 else NOT_MET),
        )
    )
    eight = by_guests.get(8)
    targets.append(
        Target(
            "8 guests with symmetry in under 10 s",
            "no 8-guest run" if eight is None else f"{eight['sym_seconds']:.3f} s",
            NOT_EVALUATED if eight is None else (MET if eight["sym_seconds"] < 10 else NOT_MET),
        )
    )
    rate = _rate(last["plain_states"], last["plain_seconds"])
    targets.append(
        Target(
            f"at least 150,000 states/s without symmetry (at {last['guests']} guests, "
            "the largest run)",
            _num(rate, 0),
            NOT_EVALUATED if rate is None else (MET if rate >= 150_000 else NOT_MET),
        )
    )
    failed: list[str] = []
    if spin:
        errors = [r["guests"] for r in rows if r["spin_error"]]
        equal = not data["mismatch"] and not errors
        targets.append(
            Target(
                "SPIN and the Python engine count the same states (without symmetry)",
                "equal at every size"
                if equal
                else f"differ or failed (SPIN errors at {errors or 'none'})",
                MET if equal else NOT_MET,
            )
        )
        if not equal:
            failed.append("SPIN and the Python engine disagree, or SPIN failed")
    return Summary(
        tables=(md_table(headers, table_rows),),
        ratios=tuple(ratios),
        targets=tuple(targets),
        notes=tuple(notes),
        failed_checks=tuple(failed),
    )


# -- the hook ----------------------------------------------------------------------------------

# The hook's time judged against the target: the median of `xenreview pre-commit`
# (benchmarks/hook.py), the stricter of its figures; older names accepted.
HOOK_SECONDS = ("pre_commit_median_s", "best_s", "hook_best_s", "wall_best_s", "seconds")


class MissingBenchmark(Exception):
    """A benchmark module that does not exist (yet)."""


def _hook_measure(params: dict[str, Any]) -> Any:
    try:
        hook = importlib.import_module("benchmarks.hook")
    except ModuleNotFoundError as exc:
        if exc.name != "benchmarks.hook":
            raise
        raise MissingBenchmark(
            "benchmarks/hook.py does not exist: the hook benchmark has not been written"
        ) from exc
    run = getattr(hook, "run", None)
    if not callable(run):
        raise MissingBenchmark("benchmarks/hook.py has no run() function")
    return _call_with(run, params)


def _flat(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for key, value in data.items():
        if isinstance(value, Mapping):
            items += _flat(value, f"{prefix}{key}.")
        else:
            items.append((f"{prefix}{key}", value))
    return items


def _hook_summary(data: dict[str, Any], params: dict[str, Any]) -> Summary:
    scalars: list[list[object]] = []
    tables: list[str] = []
    for key, value in _flat(data):
        if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            headers = list(dict.fromkeys(k for v in value for k in v))
            tables.append(
                f"{key}:\n\n"
                + md_table(headers, [[_num(v.get(h)) for h in headers] for v in value])
            )
        else:
            scalars.append([f"`{key}`", _num(value)])
    if scalars:
        tables.insert(0, md_table(["figure", "value"], scalars))
    seconds_key = next((k for k in HOOK_SECONDS if isinstance(data.get(k), int | float)), None)
    seconds = data.get(seconds_key) if seconds_key else None
    ratios = [
        f"`{k}`: {_num(v, 2)}x" for k, v in _flat(data) if k.split(".")[-1].startswith("ratio")
    ]
    baseline = data.get("baseline_s", data.get("xenreview_version_median_s"))
    if seconds is not None and isinstance(baseline, int | float) and not ratios:
        what = data.get(
            "baseline",
            "`xenreview --version` (start-up alone, median)"
            if "baseline_s" not in data
            else "the baseline",
        )
        ratios.append(f"against {what}: {_x(_ratio(seconds, baseline))}")
    target = Target(
        "a hook on a small staged change in a large tree in under 1 s",
        "-" if seconds is None else f"{seconds:.3f} s (`{seconds_key}`)",
        NOT_EVALUATED if seconds is None else (MET if seconds < 1.0 else NOT_MET),
    )
    notes: list[str] = []
    if seconds is None:
        notes.append("hook.run() returned none of " + ", ".join(HOOK_SECONDS))
    if not ratios:
        notes.append("hook.run() returned no baseline (`baseline_s`) nor ratio.")
    return Summary(
        tables=tuple(tables), ratios=tuple(ratios), targets=(target,), notes=tuple(notes)
    )


# -- the table of benchmarks ---------------------------------------------------------------------


def _sizes(quick: bool, small: dict[str, Any], full: dict[str, Any]) -> dict[str, Any]:
    return dict(small if quick else full)


BENCHES: dict[str, Bench] = {
    "startup": Bench(
        "startup",
        lambda quick: _sizes(quick, {"repeat": 1}, {"repeat": 20}),
        lambda p: f"python -m benchmarks.startup --repeat {p['repeat']}",
        _startup_measure,
        _startup_summary,
    ),
    "ingest": Bench(
        "ingest",
        lambda quick: _sizes(
            quick, {"patches": [50, 100], "repeat": 1}, {"patches": [1000, 2000, 3000], "repeat": 5}
        ),
        lambda p: (
            "python -m benchmarks.ingest --patches "
            + " ".join(map(str, p["patches"]))
            + f" --repeat {p['repeat']}"
        ),
        _ingest_measure,
        _ingest_summary,
    ),
    "apply": Bench(
        "apply",
        lambda quick: _sizes(
            quick,
            {"mbox": str(SUSPEND_MBOX.relative_to(REPO)), "repeat": 1},
            {"mbox": str(SUSPEND_MBOX.relative_to(REPO)), "repeat": 7},
        ),
        lambda p: f"python -m benchmarks.apply {p['mbox']} --repeat {p['repeat']}",
        _apply_measure,
        _apply_summary,
    ),
    "rules": Bench(
        "rules",
        lambda quick: _sizes(
            quick,
            {"series": 2, "patches": 3, "repeat": 1, "top": 3},
            {"series": 30, "patches": 10, "repeat": 5, "top": 8},
        ),
        lambda p: (
            f"python -m benchmarks.rules --series {p['series']} --patches {p['patches']} "
            f"--repeat {p['repeat']} --top {p['top']}"
        ),
        _rules_measure,
        _rules_summary,
    ),
    "model": Bench(
        "model",
        lambda quick: _sizes(
            quick,
            {"min_guests": 1, "max_guests": 2, "repeat": 1, "explore": True},
            {"min_guests": 1, "max_guests": 8, "repeat": 3, "explore": True},
        ),
        lambda p: (
            f"python -m benchmarks.model --min-guests {p['min_guests']} "
            f"--max-guests {p['max_guests']} --repeat {p['repeat']}"
            + (" --explore" if p["explore"] else "")
        ),
        _model_measure,
        _model_summary,
    ),
    "hook": Bench(
        "hook",
        lambda quick: {"quick": quick, **({"repeat": 1} if quick else {})},
        lambda p: "python -m benchmarks --only hook" + (" --quick" if p["quick"] else ""),
        _hook_measure,
        _hook_summary,
    ),
}


# -- running and rendering ---------------------------------------------------------------------


def run_one(bench: Bench, quick: bool, log: TextIO) -> Outcome:
    params = bench.params(quick)
    outcome = Outcome(bench.name, params=params, command=bench.command(params))
    print(f"== {bench.name}: {outcome.command}", file=log, flush=True)
    start = time.perf_counter()
    try:
        outcome.data = bench.measure(params)
        outcome.summary = bench.summarize(outcome.data, params)
    except MissingBenchmark as exc:
        outcome.status, outcome.error = "error", str(exc)
    except Exception as exc:  # reported on the page: one benchmark failing stops no other
        outcome.status = "error"
        outcome.error = f"{type(exc).__name__}: {exc}"
        traceback.print_exc(file=log)
    else:
        outcome.status = "ok"
    outcome.seconds = time.perf_counter() - start
    print(f"== {bench.name}: {outcome.status} in {outcome.seconds:.1f} s", file=log, flush=True)
    return outcome


def render(
    outcomes: Mapping[str, Outcome],
    *,
    command: str,
    date: str,
    host: Mapping[str, str],
    quick: bool,
    finished: Mapping[str, str],
    template: Path = TEMPLATE,
) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template.parent)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    page = env.get_template(template.name).render(
        command=command,
        date=date,
        machine=host,
        finished=finished,
        quick=quick,
        b=outcomes,
        MET=MET,
        NOT_MET=NOT_MET,
    )
    lines: list[str] = []
    for line in (line.rstrip() for line in page.splitlines()):
        if line or (lines and lines[-1]):  # no runs of blank lines
            lines.append(line)
    return "\n".join(lines).strip() + "\n"


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _jsonable(dataclasses.asdict(value))
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(path.name + ".tmp")
    scratch.write_text(text, encoding="utf-8")
    scratch.replace(path)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, one repeat: a smoke test"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=NAMES,
        metavar="NAME",
        help=f"run only these: {', '.join(NAMES)}",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="the page to write (default docs/performance.md; "
        "with --quick benchmarks/out/performance-quick.md)",
    )
    parser.add_argument("--json", type=Path, help="also write every figure as JSON to this file")
    return parser.parse_args(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(words)
    command = shlex.join(["python", "-m", "benchmarks", *words])
    output: Path = args.output or (QUICK_OUTPUT if args.quick else DEFAULT_OUTPUT)
    chosen = set(args.only or NAMES)
    log = sys.stderr
    date = datetime.now().astimezone().isoformat(timespec="seconds")
    host = machine()
    started = time.perf_counter()
    outcomes: dict[str, Outcome] = {}
    for name in NAMES:
        bench = BENCHES[name]
        outcomes[name] = run_one(bench, args.quick, log) if name in chosen else Outcome(name)
    finished = {
        "duration of the whole run": f"{time.perf_counter() - started:.0f} s",
        "load average at the end (1, 5, 15 min)": load_average(),
    }
    page = render(
        outcomes, command=command, date=date, host=host, quick=args.quick, finished=finished
    )
    _write(output, page)
    if args.json:
        document = {
            "command": command,
            "date": date,
            "quick": args.quick,
            "machine": host,
            "finished": finished,
            "benchmarks": {
                name: {
                    "status": o.status,
                    "command": o.command,
                    "params": o.params,
                    "seconds": round(o.seconds, 3),
                    "error": o.error,
                    "figures": o.data,
                    "ratios": o.summary.ratios,
                    "targets": o.summary.targets,
                    "failed_checks": o.summary.failed_checks,
                }
                for name, o in outcomes.items()
            },
        }
        _write(args.json, json.dumps(_jsonable(document), indent=2) + "\n")
    failed = False
    for name, o in outcomes.items():
        if o.status == "not run":
            continue
        verdicts = ", ".join(f"{t.verdict}" for t in o.summary.targets)
        print(f"{name:8s} {o.status:6s} {o.seconds:7.1f} s  {o.error or verdicts}")
        failed = failed or o.status == "error" or bool(o.summary.failed_checks)
    print(f"wrote {output}" + (f" and {args.json}" if args.json else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
