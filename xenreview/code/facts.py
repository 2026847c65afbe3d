"""C facts of a tree (placeholder interface; implemented by the code stage)."""

from __future__ import annotations


class TreeFacts:
    """Facts of one tree; see the code stage for the real implementation."""
