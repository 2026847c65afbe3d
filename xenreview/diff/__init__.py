"""The diff layer: a patch mail's diff text -> files -> hunks -> lines."""

from xenreview.diff.model import EMPTY_DIFF, Diff, FileDiff, FileStatus, Hunk, Line, LineKind
from xenreview.diff.parse import parse_diff

__all__ = [
    "EMPTY_DIFF",
    "Diff",
    "FileDiff",
    "FileStatus",
    "Hunk",
    "Line",
    "LineKind",
    "parse_diff",
]
