"""Shared pieces of the benchmarks: the machine a run happened on, timing, Markdown tables.

``machine()`` describes the computer, the software versions and the
checkout, so a page of figures says where they come from.  ``Timer``
measures wall and CPU time of repeated blocks.  ``md_table`` renders a
Markdown table.  Nothing here prints.
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Distributions whose versions a page of figures records, in this order.
PACKAGES = ("xenreview", "unidiff", "GitPython", "tree-sitter", "tree-sitter-c", "typer", "Jinja2")


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _first_line(cmd: Sequence[str], *, cwd: Path | None = None) -> str | None:
    """The first non-empty output line of ``cmd`` (stdout, else stderr), or None if it fails."""
    if shutil.which(cmd[0]) is None:
        return None
    try:
        done = subprocess.run(
            list(cmd), cwd=cwd, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    for line in (done.stdout + "\n" + done.stderr).splitlines():
        if line.strip():
            return line.strip()
    return None


def cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        key, _, value = line.partition(":")
        if key.strip() in {"model name", "Model", "cpu model"} and value.strip():
            return value.strip()
    return platform.processor() or platform.machine() or "unknown"


def memory_gib() -> float | None:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / (1024 * 1024)
    return None


def os_name() -> str:
    pretty = ""
    for line in _read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            pretty = line.split("=", 1)[1].strip().strip('"')
    kernel = f"{platform.system()} {platform.release()}"
    return f"{pretty} ({kernel})" if pretty else kernel


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def checkout() -> str:
    """The commit of the checkout the benchmarks ran from, marked when it has changes."""
    commit = _first_line(["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"])
    if commit is None:
        return "unknown (not a git checkout)"
    try:
        status = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        status = ""
    return f"{commit} (with uncommitted changes)" if status.strip() else commit


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def machine() -> dict[str, str]:
    """The machine, the software and the checkout, as label -> text (in display order)."""
    cores = os.cpu_count() or 0
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = cores
    memory = memory_gib()
    spin = _first_line(["spin", "-V"])
    cc = _first_line(["cc", "--version"])
    info = {
        "CPU": cpu_model(),
        "cores": f"{cores}" + (f" ({usable} usable by this process)" if usable != cores else ""),
        "RAM": f"{memory:.1f} GiB" if memory is not None else "unknown",
        "OS": os_name(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
    }
    for name in PACKAGES:
        info[name] = package_version(name)
    info["git"] = _first_line(["git", "--version"]) or "not installed"
    info["spin"] = spin or "not installed"
    info["cc"] = cc or "not installed"
    info["checkout"] = checkout()
    info["load average at start (1, 5, 15 min)"] = load_average()
    return info


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass
class Timer:
    """Wall time and CPU time (this process and its finished children) of timed blocks."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @contextmanager
    def measure(self) -> Iterator[None]:
        before = _cpu()
        start = time.perf_counter()
        yield
        self.wall.append(time.perf_counter() - start)
        self.cpu.append(_cpu() - before)


def md_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table; ``|`` in cells is escaped, None shows as a dash."""

    def cell(value: object) -> str:
        text = "-" if value is None else str(value)
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [
        "| " + " | ".join(cell(h) for h in headers) + " |",
        "| " + " | ".join("---" for _ in headers) + " |",
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
