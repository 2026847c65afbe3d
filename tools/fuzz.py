#!/usr/bin/env python3
"""Run the fuzz targets of ``tests/fuzz/targets.py`` for a time budget each.

    python tools/fuzz.py --seconds 60                 # every target, a minute each
    python tools/fuzz.py --seconds 300 mail diff      # some targets, longer
    python tools/fuzz.py --engine random cfacts       # without atheris

Each target runs in a process of its own, one after the other, starting from
its seed corpus (``tests/fuzz/corpus/<target>/``) and its regression inputs
(``tests/fuzz/regressions/<target>/``).  New inputs the fuzzer finds go to a
temporary working corpus (``--keep-corpus DIR`` keeps them, e.g. to pick new
seeds).  A crash (an exception other than a XenreviewError, a broken
invariant), a hang (an input running longer than ``--timeout`` seconds) or
memory beyond ``--rss-mb`` stops that target: the input is written to
``tests/fuzz/crashes/<target>/`` and the exit status is 1.  Replay one with
``python -m tests.fuzz.targets <target> tests/fuzz/crashes/<target>/<file>``;
once fixed, move it to ``tests/fuzz/regressions/<target>/`` so that the test
suite keeps checking it.

Engines:

- ``atheris`` (the default when it is installed: ``pip install atheris``): a
  coverage-guided fuzzer (libFuzzer) over instrumented Python, with a
  dictionary per target (``tests/fuzz/dicts/<target>.dict``);
- ``random``: the same targets fed random mutations of the seeds (bit flips,
  dictionary tokens, splices, repeats) in pure Python, for where atheris has
  no wheel; no coverage feedback, so it finds less.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import random
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fuzz.targets import DICTIONARIES, TARGETS, Target, inputs, run  # noqa: E402

CRASHES = ROOT / "tests" / "fuzz" / "crashes"
EXIT_CRASH = 1


@dataclass(frozen=True, slots=True)
class Outcome:
    target: str
    engine: str
    seconds: float
    runs: int | None
    crash: Path | None
    detail: str


# -- the parent: one child per target --------------------------------------------------


def _engine(wanted: str) -> str:
    if wanted != "auto":
        return wanted
    try:
        import atheris  # noqa: F401
    except ImportError:
        return "random"
    return "atheris"


def _artifacts(folder: Path) -> set[Path]:
    return {p for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()


def _runs(log: str) -> int | None:
    """The number of inputs run, from libFuzzer's or the random engine's last report."""
    found = re.findall(r"^#(\d+)\s", log, re.MULTILINE) or re.findall(r"^runs: (\d+)", log, re.M)
    return int(found[-1]) if found else None


def fuzz_target(target: Target, args: argparse.Namespace, engine: str) -> Outcome:
    crash_dir = CRASHES / target.name
    crash_dir.mkdir(parents=True, exist_ok=True)
    before = _artifacts(crash_dir)
    with tempfile.TemporaryDirectory(prefix=f"xenreview-fuzz-{target.name}-") as scratch:
        work = Path(args.keep_corpus) / target.name if args.keep_corpus else Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            target.name,
            "--engine",
            engine,
            "--seconds",
            str(args.seconds),
            "--timeout",
            str(args.timeout),
            "--rss-mb",
            str(args.rss_mb),
            "--work",
            str(work),
        ]
        if args.seed is not None:
            command += ["--seed", str(args.seed)]
        start = time.monotonic()
        # The budget, start-up and the corpus replay, and a margin: a child that
        # outlives it is stuck outside any input (libFuzzer would have stopped it).
        limit = args.seconds + 120 + 10 * args.timeout
        try:
            proc = subprocess.run(
                command, cwd=ROOT, capture_output=True, text=True, timeout=limit, check=False
            )
            log = proc.stdout + proc.stderr
            status = proc.returncode
        except subprocess.TimeoutExpired as exc:
            log = f"{exc.stdout or ''}{exc.stderr or ''}\nthe fuzzer did not stop after {limit} s"
            status = -1
        elapsed = time.monotonic() - start
    new = sorted(_artifacts(crash_dir) - before)
    if status == 0 and not new:
        return Outcome(target.name, engine, elapsed, _runs(log), None, "")
    return Outcome(target.name, engine, elapsed, _runs(log), new[0] if new else None, _detail(log))


def _detail(log: str) -> str:
    """What to show of a crashed run: the Python traceback, else the end of the log."""
    lines = log.strip().splitlines()
    for index, line in enumerate(lines):
        if "Uncaught Python exception" in line or line.startswith("Traceback"):
            end = next(
                (k for k in range(index + 1, len(lines)) if lines[k].startswith("==")), len(lines)
            )
            return "\n".join(lines[index : min(end + 1, index + 60)])
    return "\n".join(lines[-40:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", help=f"targets (default: all): {', '.join(TARGETS)}")
    parser.add_argument("--seconds", type=int, default=60, help="time budget per target")
    parser.add_argument("--engine", choices=("auto", "atheris", "random"), default="auto")
    parser.add_argument("--timeout", type=int, default=10, help="an input longer than this hangs")
    parser.add_argument("--rss-mb", type=int, default=2048, help="memory limit of a target")
    parser.add_argument("--seed", type=int, default=None, help="random seed (reproducible runs)")
    parser.add_argument("--keep-corpus", metavar="DIR", help="keep the inputs found, per target")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(TARGETS[args.child], args)
    unknown = [name for name in args.targets if name not in TARGETS]
    if unknown:
        parser.error(f"unknown target(s) {', '.join(unknown)}; known: {', '.join(TARGETS)}")
    engine = _engine(args.engine)
    failed = False
    for name in args.targets or list(TARGETS):
        print(f"fuzz {name}: {engine}, {args.seconds} s ...", flush=True)
        outcome = fuzz_target(TARGETS[name], args, engine)
        runs = f"{outcome.runs} inputs" if outcome.runs is not None else "inputs: ?"
        if outcome.crash is None and not outcome.detail:
            print(f"fuzz {name}: ok, {runs} in {outcome.seconds:.0f} s", flush=True)
            continue
        failed = True
        where = outcome.crash.relative_to(ROOT) if outcome.crash else "(no input written)"
        print(f"fuzz {name}: CRASH after {runs}, input {where}", flush=True)
        print(outcome.detail, flush=True)
        if outcome.crash is not None:
            print(f"replay: python -m tests.fuzz.targets {name} {where}", flush=True)
    return EXIT_CRASH if failed else 0


# -- the child: one target, one engine -----------------------------------------------------


def child(target: Target, args: argparse.Namespace) -> int:
    crash_dir = CRASHES / target.name
    if args.engine == "atheris":
        return _atheris(target, args, crash_dir)
    return _random(target, args, crash_dir)


def _atheris(target: Target, args: argparse.Namespace, crash_dir: Path) -> int:
    import atheris

    seeds = inputs(target.name)
    with atheris.instrument_imports(include=list(target.instrument)):
        # The targets import their modules when first run: do it now, instrumented.
        for seed in seeds[:1]:
            with contextlib.suppress(Exception):  # the fuzzer meets it again in the corpus
                run(target, seed.read_bytes())

    def one(data: bytes) -> None:
        run(target, data)

    flags = [
        sys.argv[0],
        f"-max_total_time={args.seconds}",
        f"-max_len={target.max_len}",
        f"-timeout={args.timeout}",
        f"-rss_limit_mb={args.rss_mb}",
        f"-malloc_limit_mb={args.rss_mb}",
        f"-artifact_prefix={crash_dir}/",
        "-print_final_stats=1",
    ]
    if args.seed is not None:
        flags.append(f"-seed={args.seed}")
    dictionary = DICTIONARIES / f"{target.name}.dict"
    if dictionary.is_file():
        flags.append(f"-dict={dictionary}")
    corpora = [args.work] + [
        str(folder)
        for folder in (
            ROOT / "tests/fuzz/corpus" / target.name,
            ROOT / "tests/fuzz/regressions" / target.name,
        )
        if folder.is_dir()
    ]
    atheris.Setup(flags + corpora, one)
    atheris.Fuzz()
    return 0


class _Hang(BaseException):
    """An input ran past the timeout (BaseException: no ``except Exception`` eats it)."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _Hang


def _tokens(target: Target) -> list[bytes]:
    """The libFuzzer dictionary of a target as byte strings."""
    path = DICTIONARIES / f"{target.name}.dict"
    if not path.is_file():
        return []
    out: list[bytes] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r'\s*(?:\w+\s*=\s*)?"(.*)"\s*', line)
        if match:
            out.append(match.group(1).encode("latin-1").decode("unicode_escape").encode("latin-1"))
    return out


def _mutate(rng: random.Random, data: bytes, seeds: list[bytes], tokens: list[bytes]) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        choice = rng.randrange(8)
        pos = rng.randint(0, len(buf))
        if choice == 0 and buf:  # flip a bit
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
        elif choice == 1:  # insert a random byte
            buf[pos:pos] = bytes([rng.randrange(256)])
        elif choice == 2 and buf:  # delete a run
            del buf[pos : pos + rng.randint(1, 64)]
        elif choice == 3 and tokens:  # insert a dictionary token
            buf[pos:pos] = rng.choice(tokens)
        elif choice == 4 and buf:  # repeat a run many times (long lines, deep nesting)
            end = min(len(buf), pos + rng.randint(1, 16))
            buf[pos:pos] = bytes(buf[pos:end]) * rng.choice((2, 16, 256, 4096))
        elif choice == 5 and seeds:  # splice in a part of another seed
            other = rng.choice(seeds)
            a = rng.randint(0, len(other))
            buf[pos:pos] = other[a : a + rng.randint(1, 512)]
        elif choice == 6 and buf:  # overwrite with an interesting byte
            buf[rng.randrange(len(buf))] = rng.choice(b"\x00\n\r\t \xff\x80<>[]\\\"'=?@:-+")
        elif choice == 7 and buf:  # truncate
            del buf[pos:]
    return bytes(buf)


def _random(target: Target, args: argparse.Namespace, crash_dir: Path) -> int:
    rng = random.Random(args.seed if args.seed is not None else time.time_ns())
    limit = args.rss_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    seeds = [p.read_bytes() for p in inputs(target.name)] or [b""]
    tokens = _tokens(target)
    signal.signal(signal.SIGALRM, _on_alarm)
    deadline = time.monotonic() + args.seconds
    runs = 0
    # The seeds first, as they are, then mutations of them.
    queue = list(seeds)
    while time.monotonic() < deadline:
        data = queue.pop() if queue else _mutate(rng, rng.choice(seeds), seeds, tokens)
        data = data[: target.max_len]
        runs += 1
        signal.setitimer(signal.ITIMER_REAL, args.timeout)
        try:
            run(target, data)
        except _Hang:
            return _keep(crash_dir, "timeout", data, f"ran more than {args.timeout} s", runs)
        except MemoryError:
            return _keep(crash_dir, "oom", data, "out of memory", runs)
        except BaseException:  # a crash: anything but a XenreviewError
            return _keep(crash_dir, "crash", data, traceback.format_exc(), runs)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if runs % 1000 == 0:
            print(f"runs: {runs}", flush=True)
    print(f"runs: {runs}", flush=True)
    return 0


def _keep(crash_dir: Path, kind: str, data: bytes, detail: str, runs: int) -> int:
    crash_dir.mkdir(parents=True, exist_ok=True)
    name = f"{kind}-{hashlib.sha1(data, usedforsecurity=False).hexdigest()}"
    (crash_dir / name).write_bytes(data)
    print(detail, flush=True)
    print(f"runs: {runs}", flush=True)
    return EXIT_CRASH


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
