"""Run the CLI in-process and capture what a user would see."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str


def run_cli(args: list[str], *, cwd: Path | None = None, stdin: bytes = b"") -> Result:
    """Run ``xenreview ARGS`` through ``main()`` with captured streams."""
    from xenreview.cli import main

    out, err = io.StringIO(), io.StringIO()
    fake_stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    old_cwd = Path.cwd()
    old_stdin = sys.stdin
    code = 0
    try:
        if cwd is not None:
            os.chdir(cwd)
        sys.stdin = fake_stdin
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(args)
            except SystemExit as exc:
                code = int(exc.code or 0)
    finally:
        sys.stdin = old_stdin
        os.chdir(old_cwd)
    return Result(code, out.getvalue(), err.getvalue())
