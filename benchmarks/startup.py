"""Start-up benchmark: `xenreview --version` against a bare interpreter.

Both run as fresh processes, alternated, best and median of --repeat runs.
Run:  python -m benchmarks.startup [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def run(repeat: int = 20) -> dict[str, float]:
    """Best and median of ``repeat`` alternated runs of each command, in milliseconds."""
    bare_cmd = [sys.executable, "-c", "pass"]
    ours_cmd = [sys.executable, "-m", "xenreview", "--version"]
    bare: list[float] = []
    ours: list[float] = []
    for _ in range(repeat):
        bare.append(_time(bare_cmd))
        ours.append(_time(ours_cmd))
    result = {
        "python_min_ms": min(bare) * 1000,
        "python_median_ms": statistics.median(bare) * 1000,
        "xenreview_version_min_ms": min(ours) * 1000,
        "xenreview_version_median_ms": statistics.median(ours) * 1000,
    }
    result["overhead_median_ms"] = (
        result["xenreview_version_median_ms"] - result["python_median_ms"]
    )
    return result


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    result = run(args.repeat)
    for key, value in result.items():
        print(f"{key:30s} {value:8.1f}")
    return result


if __name__ == "__main__":
    main()
