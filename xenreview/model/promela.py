"""The same configured model in Promela, and a runner for SPIN.

:func:`emit_promela` writes the transition relation the Python engine
explores, action for action, from the same records: one global variable per
state field (``bit`` or ``byte``, in the layout's order, all starting at 0
like the Python initial state), and one process whose ``do`` loop offers one
``d_step`` per action (guard, then the simultaneous assignments, through
temporaries where a right-hand side reads a field the action assigns).

Why the state counts are equal: a ``d_step`` is indivisible and leaves no
intermediate state; the loop head is the only control location; the extra
variables never tell two states apart (the temporaries are reset to 0
before a ``d_step`` ends, the property markers are always 0).  So SPIN's
"states, stored" is the number of reachable model states, the Python
engine's count without symmetry reduction.  (``hidden`` variables would
serve too, but SPIN's breadth-first mode refuses them.)  A halted host gets
a ``skip`` self-loop so that SPIN does not call it an invalid end state: it
adds transitions, not states.  The initial state (all 0) is checked by the
Python engine only.

Properties: every invariant is an ``assert`` at the end of every
``d_step``, written ``assert(expr || P_name)`` with ``P_name`` a bit that
stays 0, so that SPIN's message names the property; a reachability
property is ``assert(!expr || S_name)``, whose failure means the state is
reachable.  A deadlock is SPIN's "invalid end state".  The "no stuck state"
properties (from every state a good state stays reachable: CTL's AG EF) and
reachability "after" another state have no LTL equivalent: SPIN does not
check them, and :func:`spin_verdicts` leaves them out.

:func:`run_spin` runs ``spin -a``, compiles ``pan.c`` with the C compiler
(``-DSAFETY -DNOREDUCE``, ``-DBFS`` by default for shortest
counterexamples), runs ``pan -c0`` (do not stop at the first error) and
parses the figures and the failed assertions.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from xenreview.errors import XenreviewError
from xenreview.model.checker import DEADLOCK, CheckResult, Kind, Verdict
from xenreview.model.facts import SuspendFacts
from xenreview.model.ir import (
    And,
    Const,
    Eq,
    Expr,
    GuestsAll,
    Ite,
    Layout,
    Not,
    Or,
    Var,
    reads,
)
from xenreview.model.suspend import (
    PROPERTIES,
    SuspendConfig,
    SuspendModel,
    build_model,
    check_suspend,
)

__all__ = [
    "CrossCheck",
    "SpinError",
    "SpinResult",
    "SpinUnavailable",
    "cross_check",
    "emit_promela",
    "promela_text",
    "run_spin",
    "spin_available",
    "spin_verdicts",
]


class SpinError(XenreviewError):
    """SPIN or the C compiler failed on a model (a bug in the emitted text, or a limit)."""


class SpinUnavailable(SpinError):
    """``spin`` or a C compiler is not installed."""


def _ident(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def promela_expr(expr: Expr, layout: Layout) -> str:
    """Promela text of an expression (booleans are 0/1, as in the IR)."""
    if isinstance(expr, Const):
        return str(expr.value)
    if isinstance(expr, Var):
        return _ident(expr.name)
    if isinstance(expr, Not):
        return f"!({promela_expr(expr.item, layout)})"
    if isinstance(expr, And):
        return "(" + " && ".join(promela_expr(i, layout) for i in expr.items) + ")"
    if isinstance(expr, Or):
        return "(" + " || ".join(promela_expr(i, layout) for i in expr.items) + ")"
    if isinstance(expr, Eq):
        return f"({promela_expr(expr.left, layout)} == {promela_expr(expr.right, layout)})"
    if isinstance(expr, Ite):
        cond = promela_expr(expr.cond, layout)
        then = promela_expr(expr.then, layout)
        return f"({cond} -> {then} : {promela_expr(expr.other, layout)})"
    if isinstance(expr, GuestsAll):
        terms = [
            f"({_ident(layout.guest_field(g, expr.local))} == {expr.value})"
            for g in range(layout.guests)
        ]
        return "(" + " && ".join(terms) + ")"
    raise TypeError(f"not an expression: {expr!r}")


def promela_text(model: SuspendModel, properties: Sequence[str] | None = None) -> str:
    """The Promela model of a built :class:`SuspendModel` (see the module docs)."""
    layout = model.layout
    wanted = [s for s in PROPERTIES if properties is None or s.name in properties]
    invariants = [s for s in wanted if s.kind is Kind.ALWAYS]
    reachable = [s for s in wanted if s.kind is Kind.SOMETIMES and model.exprs[s.name][1] is None]
    out: list[str] = [
        "/*",
        " * xenreview: the host suspend model, generated.",
        f" * configuration: {model.config.describe()}",
        f" * scenario: {model.config.scenario}",
        " * One d_step per action of the Python model; see xenreview/model/promela.py.",
        " */",
        "",
    ]
    for name in layout.order:
        kind = "bit" if layout.spec(name).width == 1 else "byte"
        out.append(f"{kind} {_ident(name)} = 0;")
    temps = max((len(a.effects) for a in model.actions), default=0)
    out.append("")
    for k in range(temps):
        out.append(f"byte t{k} = 0;")
    for prop in invariants:
        out.append(f"bit P_{_ident(prop.name)} = 0;")
    for prop in reachable:
        out.append(f"bit S_{_ident(prop.name)} = 0;")
    checks: list[str] = []
    for prop in invariants:
        text = promela_expr(model.exprs[prop.name][0], layout)
        if text != "1":
            checks.append(f"assert({text} || P_{_ident(prop.name)})")
    for prop in reachable:
        text = promela_expr(model.exprs[prop.name][0], layout)
        if text != "0":
            checks.append(f"assert(!({text}) || S_{_ident(prop.name)})")
    out += ["", "active proctype suspend_model()", "{", "    do"]
    for action in model.actions:
        body: list[str] = []
        assigned = {name for name, _ in action.effects}
        deferred: list[str] = []
        resets: list[str] = []
        for k, (name, expr) in enumerate(action.effects):
            text = promela_expr(expr, layout)
            if isinstance(expr, Const) or not (reads(expr) & assigned):
                deferred.append(f"{_ident(name)} = {text}")
            else:
                body.append(f"t{k} = {text}")
                deferred.append(f"{_ident(name)} = t{k}")
                resets.append(f"t{k} = 0")
        statements = [*body, *deferred, *resets, *checks] or ["skip"]
        comment = f"{action.actor}: {action.name}".replace("*/", "* /")
        out.append(f"    /* {comment} */")
        guard = promela_expr(action.guard, layout)
        out.append(f"    :: d_step {{ {guard} ->")
        for statement in statements:
            out.append(f"           {statement};")
        out.append("       }")
    if layout.has("halted"):
        out.append("    /* a halted host: an accepted end, not a deadlock */")
        out.append("    :: d_step { halted == 1 -> skip }")
    out += ["    od", "}", ""]
    return "\n".join(out)


def emit_promela(
    config: SuspendConfig, facts: SuspendFacts, *, properties: Sequence[str] | None = None
) -> str:
    """The Promela text of the model of ``config`` under ``facts``."""
    return promela_text(build_model(config, facts), properties)


@dataclass(frozen=True, slots=True)
class SpinResult:
    """What one SPIN run found.

    ``states``: "states, stored"; ``transitions``: SPIN's "transitions (=
    stored+matched)" (it counts the initial state too, and the halted
    self-loops); ``violated``: invariants whose assertion failed;
    ``reached``: reachability properties whose state was reached;
    ``invalid_end_states``: deadlocks.  Times in seconds: ``spin_seconds``
    (``spin -a``), ``compile_seconds`` (the C compiler), ``run_seconds``
    (``pan``).
    """

    states: int
    transitions: int
    depth: int
    errors: int
    violated: tuple[str, ...]
    reached: tuple[str, ...]
    invalid_end_states: int
    spin_seconds: float
    compile_seconds: float
    run_seconds: float
    output: str


def spin_available(spin: str = "spin", cc: str = "cc") -> bool:
    return shutil.which(spin) is not None and shutil.which(cc) is not None


def _run(cmd: Sequence[str], cwd: Path, timeout: float | None, what: str) -> tuple[str, float]:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            list(cmd), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise SpinError(f"{what} took longer than {timeout:g} s", source=what) from exc
    except OSError as exc:
        raise SpinUnavailable(f"cannot run {cmd[0]}: {exc}", source=what) from exc
    seconds = time.perf_counter() - started
    text = done.stdout + done.stderr
    if done.returncode != 0:
        tail = "\n".join(text.strip().splitlines()[-8:])
        raise SpinError(f"{what} failed (exit {done.returncode}): {tail}", source=what)
    return text, seconds


_FIGURE = {
    "states": re.compile(r"^\s*(\d+) states, stored", re.MULTILINE),
    "transitions": re.compile(r"^\s*(\d+) transitions", re.MULTILINE),
    "depth": re.compile(r"depth reached (\d+)"),
    "errors": re.compile(r"errors: (\d+)"),
}


def run_spin(
    text: str,
    *,
    bfs: bool = True,
    timeout: float | None = 600.0,
    spin: str = "spin",
    cc: str = "cc",
    cflags: Sequence[str] = ("-O2",),
    hash_bits: int = 22,
    max_depth: int = 1_000_000,
) -> SpinResult:
    """Verify a Promela model with SPIN; see the module docs.

    ``hash_bits``: pan's ``-w`` (hash table of 2**bits slots); ``max_depth``:
    pan's ``-m`` (depth-first search stack; pan allocates it up front).  A
    search that does not complete raises SpinError.
    """
    for tool, role in ((spin, "SPIN"), (cc, "a C compiler")):
        if shutil.which(tool) is None:
            raise SpinUnavailable(
                f"{role} ({tool}) is not installed: apt-get install spin gcc", source=tool
            )
    with tempfile.TemporaryDirectory(prefix="xenreview-spin-") as tmp:
        work = Path(tmp)
        (work / "model.pml").write_text(text, encoding="utf-8")
        _, spin_seconds = _run([spin, "-a", "model.pml"], work, timeout, "spin -a")
        defines = ["-DSAFETY", "-DNOREDUCE", *(["-DBFS"] if bfs else [])]
        _, compile_seconds = _run(
            [cc, *cflags, *defines, "-o", "pan", "pan.c"], work, timeout, "cc pan.c"
        )
        output, run_seconds = _run(
            ["./pan", "-c0", f"-m{max_depth}", f"-w{hash_bits}"], work, timeout, "pan"
        )
    figures: dict[str, int] = {}
    for key, pattern in _FIGURE.items():
        match = pattern.search(output)
        if match is None:
            raise SpinError(f"no '{key}' figure in pan's output", source="pan")
        figures[key] = int(match.group(1))
    if "search not completed" in output or "max search depth too small" in output:
        raise SpinError("pan did not complete the search", source="pan")
    violated = sorted(set(re.findall(r"^pan:\d+: assertion violated .*?\bP_(\w+)", output, re.M)))
    reached = sorted(set(re.findall(r"^pan:\d+: assertion violated .*?\bS_(\w+)", output, re.M)))
    names = {_ident(spec.name): spec.name for spec in PROPERTIES}
    return SpinResult(
        states=figures["states"],
        transitions=figures["transitions"],
        depth=figures["depth"],
        errors=figures["errors"],
        violated=tuple(names.get(v, v) for v in violated),
        reached=tuple(names.get(r, r) for r in reached),
        invalid_end_states=len(re.findall(r"^pan:\d+: invalid end state", output, re.MULTILINE)),
        spin_seconds=spin_seconds,
        compile_seconds=compile_seconds,
        run_seconds=run_seconds,
        output=output,
    )


def spin_verdicts(
    result: SpinResult, model: SuspendModel, properties: Sequence[str] | None = None
) -> Mapping[str, Verdict]:
    """The verdicts SPIN gives, for the properties it can check (see the module docs)."""
    out: dict[str, Verdict] = {}
    for spec in PROPERTIES:
        if properties is not None and spec.name not in properties:
            continue
        if spec.kind is Kind.ALWAYS:
            out[spec.name] = Verdict.VIOLATED if spec.name in result.violated else Verdict.HOLDS
        elif spec.kind is Kind.SOMETIMES and model.exprs[spec.name][1] is None:
            out[spec.name] = Verdict.HOLDS if spec.name in result.reached else Verdict.VIOLATED
    out[DEADLOCK] = Verdict.VIOLATED if result.invalid_end_states else Verdict.HOLDS
    return out


@dataclass(frozen=True, slots=True)
class CrossCheck:
    """Both engines on one configuration (the Python one without symmetry).

    ``verdicts``: (property, Python's verdict, SPIN's verdict) for every
    property SPIN can check; ``agree``: all verdicts equal and the same
    number of states.
    """

    python: CheckResult
    spin: SpinResult
    verdicts: tuple[tuple[str, Verdict, Verdict], ...]

    @property
    def same_states(self) -> bool:
        return self.python.states == self.spin.states

    @property
    def agree(self) -> bool:
        return self.same_states and all(py == sp for _, py, sp in self.verdicts)


def cross_check(
    config: SuspendConfig,
    facts: SuspendFacts,
    *,
    bfs: bool = True,
    cflags: Sequence[str] = ("-O2",),
    timeout: float | None = 600.0,
) -> CrossCheck:
    """Check ``config`` with the Python engine (no symmetry) and with SPIN; compare.

    Facts that are unknown are filled the way :func:`check_suspend` fills
    them; only properties whose facts are all known are compared.
    """
    model = build_model(config, facts)
    python = check_suspend(config, facts, symmetry=False)
    spin_result = run_spin(promela_text(model), bfs=bfs, cflags=cflags, timeout=timeout)
    known = python.verdicts()
    rows = tuple(
        (name, known[name], verdict)
        for name, verdict in spin_verdicts(spin_result, model).items()
        if known[name] is not Verdict.UNKNOWN
    )
    return CrossCheck(python, spin_result, rows)
