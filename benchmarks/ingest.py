"""Ingest benchmark: `xenreview show --format json` against the stdlib+unidiff floor.

Builds a synthetic git history with ``git fast-import`` (N commits touching
C files under xen/), exports it with ``git format-patch --stdout`` as an mbox,
then times, in the same run and on the same bytes:

- the floor: Python's ``mailbox.mbox`` (compat32 messages), each payload
  decoded and parsed by ``unidiff.PatchSet``;
- ``xenreview show --format json`` on the mbox (output to /dev/null).

Both run as separate processes, alternated, --repeat times each: the best
wall time, the best CPU time (user + system) and the highest peak RSS of
each are reported; with several sizes, the growth of each peak per 1,000
patches is printed too (``show`` streams: it should stay small, as the
floor's).
Run:  python -m benchmarks.ingest [--patches 3000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = r"""
import mailbox, sys, unidiff
box = mailbox.mbox(sys.argv[1], create=False)
files = 0
for msg in box:
    payload = msg.get_payload(decode=True) or b""
    text = payload.decode("utf-8", "replace")
    start = text.find("\ndiff --git ")
    if start >= 0:
        files += len(unidiff.PatchSet(text[start + 1 :]))
print(files, file=sys.stderr)
"""

# Peak RSS from VmHWM, which starts afresh at exec (ru_maxrss would carry the
# parent's high-water mark over the fork).
MEASURED = r"""
import sys, atexit
out = sys.argv.pop(1)
def report():
    with open("/proc/self/status") as status:
        hwm = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(out, "w") as f:
        f.write(hwm)
atexit.register(report)
sys.argv[0] = "measured"
exec(compile(sys.argv.pop(1), "<measured>", "exec"))
"""


def _c_file(rng: random.Random, name: str, lines: int) -> list[str]:
    out = ["/* SPDX-License-Identifier: GPL-2.0-only */", f"#include <xen/{name}.h>", ""]
    for i in range(lines):
        out.append(f"static int {name}_value_{i} = {rng.randrange(1000)};")
    return out


def build_history(repo: Path, patches: int, seed: int = 42) -> None:
    """N commits on top of a base commit, via git fast-import (fast)."""
    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    names = [f"file{i}" for i in range(40)]
    contents = {n: _c_file(rng, n, 200) for n in names}
    stream: list[bytes] = []

    def commit(mark: int, message: str, changed: list[str], when: int) -> None:
        msg = message.encode()
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"mark :{mark}\n".encode())
        stream.append(f"author Alice Example <alice@example.org> {when} +0000\n".encode())
        stream.append(f"committer Alice Example <alice@example.org> {when} +0000\n".encode())
        stream.append(f"data {len(msg)}\n".encode() + msg + b"\n")
        if mark > 1:
            stream.append(f"from :{mark - 1}\n".encode())
        for name in changed:
            data = ("\n".join(contents[name]) + "\n").encode()
            path = f"xen/arch/arm/{name}.c"
            stream.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")

    commit(1, "base\n", names, 1_700_000_000)
    for i in range(patches):
        changed = rng.sample(names, rng.randint(1, 3))
        for name in changed:
            body = contents[name]
            for _ in range(rng.randint(2, 12)):
                at = rng.randrange(3, len(body))
                if rng.random() < 0.5:
                    body.insert(at, f"static int added_{i}_{at} = {rng.randrange(99)};")
                else:
                    body[at] = f"static int changed_{i}_{at} = {rng.randrange(99)};"
        message = (
            f"xen/arm: synthetic change {i}\n\n"
            f"Change number {i} of the synthetic history, touching {len(changed)} files.\n\n"
            "Signed-off-by: Alice Example <alice@example.org>\n"
        )
        commit(i + 2, message, changed, 1_700_000_000 + 60 * (i + 1))
    subprocess.run(
        ["git", "-C", str(repo), "fast-import", "--quiet"], input=b"".join(stream), check=True
    )


def export_mbox(repo: Path, patches: int, out: Path) -> None:
    with out.open("wb") as handle:
        subprocess.run(
            [
                "git",
                "-C",
                str(repo),
                "format-patch",
                "--stdout",
                "--thread",
                "--cover-letter",
                f"main~{patches}..main",
            ],
            stdout=handle,
            check=True,
        )


def run_measured(code: str, args: list[str]) -> tuple[float, int, float]:
    """Wall time (s), peak RSS (KiB) and CPU time (s) of `code` run in a fresh interpreter.

    The CPU time (user + system, from the children's resource usage: one
    child at a time here) is the steadier figure on a shared, busy machine.
    """
    with tempfile.NamedTemporaryFile(suffix=".rss", delete=False) as tmp:
        rss_file = tmp.name
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", MEASURED, rss_file, code, *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rss = int(Path(rss_file).read_text())
    Path(rss_file).unlink()
    return elapsed, rss, cpu


XENREVIEW = "from xenreview.cli import main; main(['show', '--format', 'json', sys.argv[1]])"


def measure(mbox: Path, repeat: int) -> tuple[dict[str, float], tuple[float, float]]:
    """Best wall times, highest peaks, and the best CPU times (floor, ours) apart.

    The floor and xenreview runs alternate, so that a busy spell of the
    machine does not fall on one of them only.
    """
    floors: list[tuple[float, int, float]] = []
    ours: list[tuple[float, int, float]] = []
    for _ in range(repeat):
        floors.append(run_measured(FLOOR, [str(mbox)]))
        ours.append(run_measured(XENREVIEW, [str(mbox)]))
    floor_s = min(run[0] for run in floors)
    ours_s = min(run[0] for run in ours)
    row = {
        "floor_s": floor_s,
        "floor_rss_mib": max(run[1] for run in floors) / 1024,
        "xenreview_s": ours_s,
        "xenreview_rss_mib": max(run[1] for run in ours) / 1024,
        "ratio": ours_s / floor_s,
    }
    return row, (min(run[2] for run in floors), min(run[2] for run in ours))


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patches", type=int, nargs="+", default=[1000, 2000, 3000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="xenreview-bench-") as tmp:
        for n in args.patches:
            repo = Path(tmp) / f"repo{n}"
            build_history(repo, n)
            mbox = Path(tmp) / f"series{n}.mbox"
            export_mbox(repo, n, mbox)
            row, (floor_cpu, ours_cpu) = measure(mbox, args.repeat)
            row["mbox_mib"] = mbox.stat().st_size / (1024 * 1024)
            results[str(n)] = row
            print(
                f"{n:5d} patches, {row['mbox_mib']:6.1f} MiB: floor {row['floor_s']:.2f} s "
                f"({row['floor_rss_mib']:.0f} MiB peak), xenreview {row['xenreview_s']:.2f} s "
                f"({row['xenreview_rss_mib']:.0f} MiB peak), ratio {row['ratio']:.2f}x; "
                f"CPU floor {floor_cpu:.2f} s, xenreview {ours_cpu:.2f} s, "
                f"ratio {ours_cpu / floor_cpu:.2f}x",
                flush=True,
            )
    sizes = sorted(args.patches)
    if len(sizes) > 1 and sizes[-1] > sizes[0]:
        first, last = results[str(sizes[0])], results[str(sizes[-1])]
        assert isinstance(first, dict) and isinstance(last, dict)
        per = 1000 / (sizes[-1] - sizes[0])
        print(
            "peak RSS growth per 1,000 patches: "
            f"floor {(last['floor_rss_mib'] - first['floor_rss_mib']) * per:+.1f} MiB, "
            f"xenreview {(last['xenreview_rss_mib'] - first['xenreview_rss_mib']) * per:+.1f} MiB",
            flush=True,
        )
    print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
