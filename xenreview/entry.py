"""The ``xenreview`` command's entry point: Ctrl-C is exit 130 from the first instant.

``xenreview.cli`` imports typer and click (a tenth of a second or two); a
Ctrl-C that lands during those imports, or while the interpreter shuts
down, would otherwise end in a Python traceback or a bare SIGINT status.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from typing import NoReturn


def main() -> NoReturn:
    try:
        from xenreview.cli import EXIT_INTERRUPTED
        from xenreview.cli import main as cli_main
    except KeyboardInterrupt:
        sys.stderr.write("xenreview: error: interrupted\n")
        _exit(130)
    try:
        cli_main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        _exit(code)
    except KeyboardInterrupt:  # between cli_main's own handler and its exit
        sys.stderr.write("xenreview: error: interrupted\n")
        _exit(EXIT_INTERRUPTED)
    _exit(0)


def _exit(code: int) -> NoReturn:
    # From here on a Ctrl-C cannot turn the exit into a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError, ValueError, OSError):
            stream.flush()
    # The run has cleaned up after itself (temporary repositories, files);
    # leave without the interpreter's shutdown, where a late Ctrl-C would
    # still end the process by the signal instead of this exit code.
    os._exit(code)
