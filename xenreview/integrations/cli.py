"""The integration commands of the CLI (hooks, b4), registered on the main app."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the integration commands to ``app``."""
