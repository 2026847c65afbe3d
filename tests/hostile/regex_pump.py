"""Search every module-level regular expression of xenreview for superlinear backtracking.

    python -m tests.hostile.regex_pump                      # every module (some minutes)
    python -m tests.hostile.regex_pump xenreview.ingest     # modules under a prefix

For each pattern, strings that match it are generated (hypothesis'
``from_regex``); each is cut at a few places and one piece of it, or a
usual suspect (a blank, a tab, a letter, ``@``, ``<``...), is repeated
there 4,000 and then 16,000 characters long, followed by a character that
makes the match fail.  The pattern is called as its module calls it
(``match``, ``search``, ``fullmatch``; ``sub``/``findall``... as
``search``).  Time growing more than six times for four times the input, or
past a second, is reported with the input that does it: quadratic (or
worse) backtracking.  Nothing is changed; exit status 1 when something is
reported.  ``tests/hostile/test_regex.py`` keeps a case for each pattern
this found.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import signal
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

UNITS = (" ", "\t", "\n", "\r", "a", "A", "1", "x", "_", ".", ",", ":", ";", "-", "/", "|", "@")
UNITS += ("<", ">", "[", "]", "(", ")", "*", "'", '"', "\\", "=?", "a ", " a", "1.", "> ", "0x")
_METHOD = re.compile(r"\.(match|search|fullmatch|sub|subn|split|finditer|findall)\(")


class _Timeout(BaseException):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Timeout


def _patterns(prefixes: tuple[str, ...]) -> Iterator[tuple[str, re.Pattern[Any], list[str]]]:
    import xenreview

    seen: set[int] = set()
    names = sorted(m.name for m in pkgutil.walk_packages(xenreview.__path__, "xenreview."))
    for name in names:
        if name.endswith("__main__") or (prefixes and not name.startswith(prefixes)):
            continue
        try:
            module = importlib.import_module(name)
        except Exception as exc:  # a module that cannot load is reported
            print(f"skip {name}: {exc}")
            continue
        source = open(module.__file__ or "", encoding="utf-8").read()  # noqa: SIM115
        for attr, value in vars(module).items():
            values = list(value.values()) if isinstance(value, dict) else [value]
            for pattern in values:
                if not isinstance(pattern, re.Pattern) or id(pattern) in seen:
                    continue
                seen.add(id(pattern))
                used = re.findall(rf"\b{re.escape(attr)}(?:\[[^\]]*\])?{_METHOD.pattern}", source)
                methods = sorted({m if m in ("match", "fullmatch") else "search" for m in used})
                yield f"{name}.{attr}", pattern, methods or ["search"]


def _examples(pattern: re.Pattern[Any], count: int = 4) -> list[Any]:
    from hypothesis import strategies as st

    strategy = st.from_regex(pattern, fullmatch=True)
    out: list[Any] = []
    for _ in range(count):
        try:
            out.append(strategy.example())
        except Exception:  # patterns hypothesis cannot generate from
            break
    return out or [pattern.pattern[:0]]


def _timed(call: Callable[[Any], object], text: Any, limit: float) -> float:
    signal.setitimer(signal.ITIMER_REAL, limit)
    start = time.perf_counter()
    try:
        call(text)
    except _Timeout:
        return limit
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return time.perf_counter() - start


def pump(pattern: re.Pattern[Any], methods: list[str]) -> tuple[float, str] | None:
    """The worst pumped input found (seconds at 16,000 characters, description), if any."""
    binary = isinstance(pattern.pattern, bytes)
    for example in _examples(pattern):
        cuts = sorted({0, len(example), *range(0, len(example), max(1, len(example) // 6))})
        for cut in cuts:
            units = {u.encode() if binary else u for u in UNITS}
            units |= {example[cut - 1 : cut], example[cut : cut + 1]} - {example[:0]}
            for unit in units:
                for tail in (b"\0", b"") if binary else ("\0", ""):
                    head, rest = example[:cut], example[cut:] + tail
                    for method in methods:
                        call = getattr(pattern, method)
                        small = max(1, 4000 // len(unit))
                        first = _timed(call, head + unit * small + rest, 0.5)
                        if first < 0.002:
                            continue
                        second = _timed(call, head + unit * small * 4, 1.0)
                        second = max(second, _timed(call, head + unit * small * 4 + rest, 1.0))
                        if second >= 1.0 or (second > 0.05 and second / max(first, 1e-6) > 6):
                            shown = f"{method}({head!r} + {unit!r} * n + {rest!r})"
                            return second, shown
    return None


def main(argv: list[str]) -> int:
    warnings.filterwarnings("ignore")
    signal.signal(signal.SIGALRM, _alarm)
    found = 0
    for name, pattern, methods in _patterns(tuple(argv)):
        worst = pump(pattern, methods)
        if worst is None:
            print(f"ok    {name}", flush=True)
            continue
        found += 1
        print(f"SLOW  {name}: {worst[1]}: {worst[0]:.2f} s at n=16,000", flush=True)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
