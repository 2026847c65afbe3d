"""The review as a GitLab Code Quality report (what the merge request widget reads).

A JSON array with one issue per unsuppressed finding (suppressed ones are
left out: the widget has no notion of them), each with the fields GitLab
documents for a custom tool: ``description``, ``check_name``,
``fingerprint``, ``severity`` and ``location.path`` with
``location.lines.begin``; plus ``type`` and ``categories`` from the Code
Climate issue format GitLab's format is a subset of (GitLab ignores them).

* ``severity``: ``note`` -> ``info``, ``warning`` -> ``minor``, ``error`` ->
  ``critical``.  An error is what ``--fail-on error`` (the default) fails
  the pipeline on, so it ranks above the ``major`` that most linters'
  GitLab formatters give their errors; ``major`` and ``blocker`` are not
  used.
* ``fingerprint``: the finding's fingerprint (rule and flagged content, no
  line numbers: stable across re-rolls, so the widget sees an unchanged
  finding as unchanged).  GitLab merges issues with equal fingerprints, so a
  fingerprint met again in the report (the same finding on several patches)
  is replaced by a hash of it, the patch's subject and its rank among those
  repeats: unique in the report, still free of line numbers.
* ``location``: the file and line in the tree after the finding's patch
  (line 1 when the finding names a file but no line).  A finding with no
  file (on a commit message, on the series) gets the name ``git
  format-patch`` gives the mail it is about, ``0005-<subject>.patch``
  (``v2-0005-...`` for a version other than 1, ``0000-cover-letter.patch``
  for the series), line 1: not a file of the tree, but the one name a
  reviewer of a series recognises, and honest about where the finding is.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from xenreview.ingest.model import Series, Severity
from xenreview.pipeline import Review
from xenreview.rules.api import Finding, fingerprint

SEVERITY = {Severity.NOTE: "info", Severity.WARNING: "minor", Severity.ERROR: "critical"}

# Code Climate categories by rule family (GitLab ignores them; other readers may not).
_CATEGORIES = {"arm": "Bug Risk", "model": "Bug Risk", "style": "Style"}
_DEFAULT_CATEGORY = "Clarity"

_SLUG_DROP = re.compile(r"[^A-Za-z0-9_.]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SLUG_MAX = 52  # as git format-patch cuts its file names


def patch_file_name(series: Series, patch: int | None) -> str:
    """The name ``git format-patch`` would give patch ``patch`` (None: the cover letter)."""
    prefix = f"v{series.version}-" if series.version != "1" else ""
    if patch is None:
        return f"{prefix}0000-cover-letter.patch"
    title = next((p.subject.title for p in series.patches if p.number == patch), "")
    slug = _SLUG_DROP.sub("-", title).strip("-.")
    slug = slug[:_SLUG_MAX].rstrip("-.") or "patch"
    return f"{prefix}{patch:04d}-{slug}.patch"


def _clean(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def _issue(finding: Finding, series: Series, family: str | None, fp: str) -> dict[str, Any]:
    location = finding.location
    if location.path is not None:
        path = location.path
        line = location.line if location.line is not None and location.line >= 1 else 1
    else:
        path = patch_file_name(series, location.patch)
        line = 1
    return {
        "type": "issue",
        "check_name": f"{finding.code} {finding.name}",
        "description": _clean(f"{finding.code} {finding.name}: {finding.message}"),
        "categories": [_CATEGORIES.get(family or "", _DEFAULT_CATEGORY)],
        "severity": SEVERITY[finding.severity],
        "fingerprint": fp,
        "location": {"path": _clean(path), "lines": {"begin": line}},
    }


def codequality_report(result: Review) -> list[dict[str, Any]]:
    """One issue per unsuppressed finding, in the findings' order; fingerprints unique."""
    families = {loaded.rule.code: loaded.rule.family for loaded in result.rules}
    seen: Counter[str] = Counter()
    issues: list[dict[str, Any]] = []
    for item in result.series:
        for finding in item.findings:
            if finding.suppressed is not None:
                continue
            fp = finding.fingerprint
            seen[fp] += 1
            if seen[fp] > 1:
                title = next(
                    (
                        p.subject.title
                        for p in item.series.patches
                        if p.number == finding.location.patch
                    ),
                    "",
                )
                fp = fingerprint(finding.code, finding.fingerprint, title, str(seen[fp]))
            issues.append(_issue(finding, item.series, families.get(finding.code), fp))
    return issues


def render_codequality(result: Review) -> str:
    """The report as indented ASCII JSON with a final newline (no byte order mark)."""
    return json.dumps(codequality_report(result), indent=2, ensure_ascii=True) + "\n"
