"""The review as SARIF 2.1.0 (OASIS), for code-scanning tools and SARIF viewers.

One run.  ``tool.driver.rules`` holds every rule that ran, described by its
documentation (the docstring sections of ``xenreview explain``); each
finding is a result with

* a physical location in the patched tree (``uriBaseId`` ``SRCROOT``, the
  root of the tree the series was applied to), when the finding names a
  file: its line numbers are those of the tree after the finding's patch,
  which the location's ``properties.afterPatch`` states;
* a logical location naming the patch (``patch 5/18``, kind ``patch``, the
  message-id in ``fullyQualifiedName``) or the series (kind ``series``):
  findings on a commit message or a series have only that one;
* ``partialFingerprints["xenreview/v1"]``: the finding's fingerprint, made
  from the rule and the content it flags (the hunk, the line, the code the
  rule keys on), never from line numbers, patch numbers or message-ids, so
  the same finding in v1 and v2 of a series matches;
* ``relatedLocations`` for the other places it points at, ``codeFlows`` for
  a behavioural model's counterexample (one thread flow location per step),
  ``suppressions`` when the author or a baseline suppressed it, ``fixes``
  for a suggested replacement of the flagged line.

``invocations[0]`` says whether the run succeeded (no rule crashed or failed
to load, no input unreadable) and carries the tool's notifications: tool
errors, notes, input problems, series that were not applied and rules that
were skipped.

Everything from mail and patches is data: message strings are escaped as
SARIF requires (``{`` and ``}`` doubled, no embedded link can be forged) and
the JSON is written in ASCII, so control and bidi characters appear as
``\\u`` escapes.  The output is deterministic: no dates, no absolute paths
of our own.
"""

from __future__ import annotations

import inspect
import json
import re
import textwrap
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from xenreview import __version__
from xenreview.ingest.model import Problem, Series, Severity
from xenreview.pipeline import Review, SeriesReview
from xenreview.rules.api import Finding, LoadedRule, Location, Related, parse_doc

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT_KEY = "xenreview/v1"
SRCROOT = "SRCROOT"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}

# The tool's own notifications (``run.tool.driver.notifications``), by id.
_NOTIFICATIONS = (
    ("tool-error", "A rule failed to load or crashed: the exit code is 3."),
    ("tool-note", "A remark about the run that is not a finding."),
    ("input-problem", "A problem reading the input (a missing patch, undecodable bytes)."),
    ("series-not-applied", "A series was not applied: rules that need the tree did not run."),
    ("rule-skipped", "A selected rule did not run on a series, and why."),
)
_NOTIFICATION_INDEX = {name: k for k, (name, _) in enumerate(_NOTIFICATIONS)}

_STEP = re.compile(r"^step (\d+): (.*)$", re.DOTALL)
_THEN = "then: "
_SURROGATE = re.compile("[\ud800-\udfff]")
_LINK_END = re.compile(r"(?<!\\)(\\*+)\]\(")  # from the first backslash of a run only


# -- text ----------------------------------------------------------------------------------


def message_text(text: str) -> str:
    """``text`` as a SARIF plain-text message string (SARIF 2.1.0, 3.11).

    Braces are doubled (a lone ``{0}`` would be a placeholder), and every
    ``](`` is escaped (with the backslashes before it) so that no
    ``[text](destination)`` embedded link can be forged from mail content.
    """
    text = text.replace("{", "{{").replace("}", "}}")
    return _LINK_END.sub(lambda m: m.group(1) * 2 + "\\](", text)


def _message(text: str) -> dict[str, str]:
    return {"text": message_text(text)}


def _clean(value: Any) -> Any:
    """Lone surrogates (undecodable mail bytes) as U+FFFD, so the output is valid Unicode."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def artifact_uri(path: str) -> str:
    """A repository path as a relative URI reference (``%`` escapes for anything unsafe)."""
    return quote(path, safe="/")


# -- rules ---------------------------------------------------------------------------------


def _example_block(doc: str) -> str:
    """The **Example** section with its indentation (``parse_doc`` strips its first line)."""
    lines = doc.splitlines()
    out: list[str] = []
    inside = False
    for raw in lines:
        stripped = raw.strip()
        heading = stripped.startswith("**") and stripped.endswith("**") and len(stripped) > 4
        if heading:
            if inside:
                break
            inside = stripped[2:-2].strip() == "Example"
            continue
        if inside:
            out.append(raw)
    return textwrap.dedent("\n".join(out)).strip("\n")


def _markdown(doc: str, sections: dict[str, str]) -> str:
    summary = doc.split("\n\n", 1)[0].strip()
    parts = [summary] if summary and not summary.startswith("**") else []
    for heading, text in sections.items():
        if not text:
            continue
        if heading == "Example":
            body = _example_block(doc) or text
            fence = "````" if "```" in body else "```"
            parts.append(f"## {heading}\n\n{fence}\n{body}\n{fence}")
        else:
            parts.append(f"## {heading}\n\n{text}")
    return "\n\n".join(parts)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def rule_descriptor(loaded: LoadedRule) -> dict[str, Any]:
    """A ``reportingDescriptor`` from the rule's record and its documentation."""
    rule = loaded.rule
    doc = inspect.cleandoc(loaded.doc) if loaded.doc else ""
    sections = parse_doc(doc)
    summary = doc.split("\n\n", 1)[0].strip() if doc else ""
    if not summary or summary.startswith("**"):
        summary = sections.get("What it flags", "") or rule.name
    flags = sections.get("What it flags", "") or summary
    help_text = doc or summary
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": _one_line(summary)},
        "fullDescription": {"text": _one_line(flags)},
        "help": {"text": help_text, "markdown": _markdown(doc, sections) or help_text},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "family": rule.family,
            "scope": rule.scope.value,
            "status": rule.status.value,
            "since": rule.since,
            "origin": loaded.origin,
            "tags": [rule.family],
        },
    }
    return descriptor


def _bare_descriptor(finding: Finding) -> dict[str, Any]:
    """For a finding whose rule is not among the rules that ran (not expected)."""
    return {
        "id": finding.code,
        "name": finding.name,
        "shortDescription": {"text": finding.name or finding.code},
    }


# -- locations -----------------------------------------------------------------------------


def _region(line: int | None, column: int | None, excerpt: str | None) -> dict[str, Any] | None:
    if line is None or line < 1:
        return None
    region: dict[str, Any] = {"startLine": line}
    if column is not None and column >= 1:
        region["startColumn"] = column
    if excerpt is not None:
        region["snippet"] = {"text": excerpt}
    return region


def _physical(
    path: str, line: int | None, column: int | None, excerpt: str | None, after: int | None
) -> dict[str, Any]:
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": artifact_uri(path), "uriBaseId": SRCROOT}
    }
    region = _region(line, column, excerpt)
    if region is not None:
        physical["region"] = region
    if after is not None:
        physical["properties"] = {"afterPatch": after}
    return physical


class _Logical:
    """The run's logical locations (``run.logicalLocations``), each stored once."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self._index: dict[tuple[str, ...], int] = {}

    def reference(self, full: dict[str, Any]) -> dict[str, Any]:
        """A reference to ``full`` (stored on first use): its index, name, qualified name, kind."""
        facts = full.get("properties", {})
        key = (
            full["kind"],
            full["fullyQualifiedName"],
            str(facts.get("series")),
            str(facts.get("version")),
        )
        index = self._index.get(key)
        if index is None:
            index = self._index[key] = len(self.items)
            self.items.append(full)
        return {
            "index": index,
            "name": full["name"],
            "fullyQualifiedName": full["fullyQualifiedName"],
            "kind": full["kind"],
        }


class _Places:
    """Locations in one series: its files, its patches and itself."""

    def __init__(self, item: SeriesReview, logical: _Logical) -> None:
        self.series: Series = item.series
        self.titles = {p.number: p.subject.title for p in item.series.patches}
        self.message_ids = {p.number: p.message_id for p in item.series.patches}
        self._logical = logical

    def logical(self, location: Location) -> dict[str, Any]:
        """A reference to the logical location of the patch (or series) ``location`` is in."""
        series = self.series
        facts: dict[str, Any] = {"series": series.title, "version": series.version}
        if location.patch is None:
            cover = series.cover.message.message_id if series.cover is not None else None
            name = f"series v{series.version}"
            fqn = f"{name} <{cover}>" if cover else f"{name}: {series.title}"
            full = {"name": name, "fullyQualifiedName": fqn, "kind": "series", "properties": facts}
            return self._logical.reference(full)
        total = location.total if location.total is not None else series.total
        name = f"patch {location.patch}/{total}"
        message_id = location.message_id or self.message_ids.get(location.patch)
        fqn = f"{name} <{message_id}>" if message_id else name
        facts["subject"] = self.titles.get(location.patch, "")
        full = {"name": name, "fullyQualifiedName": fqn, "kind": "patch", "properties": facts}
        return self._logical.reference(full)

    def location(
        self,
        location: Location,
        *,
        excerpt: str | None = None,
        message: str | None = None,
        ident: int | None = None,
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if ident is not None:
            out["id"] = ident
        if location.path is not None:
            out["physicalLocation"] = _physical(
                location.path, location.line, location.column, excerpt, location.patch
            )
        out["logicalLocations"] = [self.logical(location)]
        if message is not None:
            out["message"] = _message(message)
        return out


# -- model counterexamples -----------------------------------------------------------------


def _is_trace(related: Related) -> bool:
    return bool(_STEP.match(related.message)) or related.message.startswith(_THEN)


def _trace(finding: Finding) -> list[dict[str, Any]] | None:
    """The model's steps from ``extra["trace"]``, if it is there and well formed."""
    raw = dict(finding.extra).get("trace")
    if raw is None:
        return None
    try:
        steps = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(steps, list) or not all(isinstance(s, dict) for s in steps):
        return None
    return steps


def _int(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None


def _step_from_trace(
    k: int, step: dict[str, Any], after: int | None, places: _Places, total: int | None
) -> dict[str, Any]:
    actor = str(step.get("actor", ""))
    action = str(step.get("action", ""))
    changes = step.get("changes") or []
    text = f"{actor}: {action}" if actor else action
    location: dict[str, Any] = {"message": _message(text)}
    fact = step.get("fact")
    if isinstance(fact, dict) and isinstance(fact.get("path"), str):
        line = fact.get("line")
        snippet = fact.get("text")
        location["physicalLocation"] = _physical(
            fact["path"],
            line if isinstance(line, int) else None,
            None,
            snippet if isinstance(snippet, str) else None,
            after,
        )
    if after is not None:
        location["logicalLocations"] = [places.logical(Location(patch=after, total=total))]
    return {
        "location": location,
        "executionOrder": k,
        "properties": {
            "actor": actor,
            "action": action,
            "changes": [str(c) for c in changes] if isinstance(changes, list) else [],
        },
    }


def code_flows(finding: Finding, places: _Places) -> list[dict[str, Any]]:
    """The counterexample as one code flow: ``extra["trace"]``, else the ``step N:`` places."""
    extra = dict(finding.extra)
    then = next((r.message for r in finding.related if r.message.startswith(_THEN)), None)
    ending = then or (f"{_THEN}{extra['final_state']}" if extra.get("final_state") else None)
    steps = _trace(finding)
    locations: list[dict[str, Any]] = []
    if steps is not None:
        after = _int(extra.get("trace_after_patch"))
        total = finding.location.total
        locations = [
            _step_from_trace(k, step, after, places, total) for k, step in enumerate(steps, 1)
        ]
    else:
        for related in finding.related:
            match = _STEP.match(related.message)
            if match is None:
                continue
            k = int(match.group(1))
            location = places.location(
                related.location, excerpt=related.excerpt, message=match.group(2)
            )
            locations.append({"location": location, "executionOrder": k})
    if not locations:
        return []
    thread: dict[str, Any] = {"locations": locations}
    details = [x for x in (extra.get("property"), extra.get("scenario")) if x]
    if details:
        thread["message"] = _message("; ".join(details))
    flow: dict[str, Any] = {"threadFlows": [thread]}
    if ending is not None:
        flow["message"] = _message(ending)
    return [flow]


# -- results -------------------------------------------------------------------------------


def suppression(reason: str) -> dict[str, Any]:
    """A SARIF suppression from a finding's ``suppressed`` text (see rules/suppress.py)."""
    if reason == "baseline":
        return {"kind": "external", "status": "accepted", "properties": {"source": "baseline"}}
    label, _, why = reason.partition(": ")
    if not why:
        label = reason.removesuffix(" (no reason given)")
    out: dict[str, Any] = {"kind": "inSource", "status": "accepted"}
    if why.strip():
        out["justification"] = why.strip()
    out["properties"] = {"source": label}
    return out


def _fixes(finding: Finding) -> list[dict[str, Any]]:
    location = finding.location
    if finding.fix is None or location.path is None or location.line is None:
        return []
    if location.line < 1:
        return []
    return [
        {
            "description": _message(f"Replace line {location.line} with the suggested text."),
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": artifact_uri(location.path), "uriBaseId": SRCROOT},
                    "replacements": [
                        {
                            "deletedRegion": {"startLine": location.line},
                            "insertedContent": {"text": finding.fix},
                        }
                    ],
                }
            ],
        }
    ]


def _extra_properties(finding: Finding) -> list[dict[str, str]]:
    """Every (key, value) of ``extra`` in order, duplicates kept; the trace is in codeFlows."""
    return [{"key": k, "value": v} for k, v in finding.extra if k != "trace"]


def sarif_result(finding: Finding, rule_index: int, places: _Places) -> dict[str, Any]:
    location = places.location(finding.location, excerpt=finding.excerpt)
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": _message(finding.message),
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
    }
    related = [
        places.location(r.location, excerpt=r.excerpt, message=r.message, ident=k)
        for k, r in enumerate(finding.related, 1)
        if not _is_trace(r)
    ]
    if related:
        result["relatedLocations"] = related
    flows = code_flows(finding, places)
    if flows:
        result["codeFlows"] = flows
    if finding.suppressed is not None:
        result["suppressions"] = [suppression(finding.suppressed)]
    fixes = _fixes(finding)
    if fixes:
        result["fixes"] = fixes
    properties: dict[str, Any] = {"name": finding.name}
    if finding.fix is not None:
        properties["fix"] = finding.fix
    if finding.suppressed is not None:
        properties["suppressed"] = finding.suppressed
    extra = _extra_properties(finding)
    if extra:
        properties["extra"] = extra
    result["properties"] = properties
    return result


# -- notifications -------------------------------------------------------------------------


def _notification(
    kind: str,
    level: str,
    text: str,
    *,
    rule: str | None = None,
    rule_index: dict[str, int] | None = None,
    properties: dict[str, Any] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "descriptor": {"id": kind, "index": _NOTIFICATION_INDEX[kind]},
        "level": level,
        "message": _message(text),
    }
    if rule is not None:
        ref: dict[str, Any] = {"id": rule}
        if rule_index is not None and rule in rule_index:
            ref["index"] = rule_index[rule]
        out["associatedRule"] = ref
    if properties:
        out["properties"] = properties
    return out


def _problems(result: Review) -> Iterator[tuple[Problem, str | None]]:
    for problem in result.ingested.problems:
        yield problem, None
    for series in result.ingested.series:
        label = f"{series.title} v{series.version}"
        for problem in series.problems:
            yield problem, label
        for patch in series.patches:
            for problem in patch.problems:
                yield problem, f"{label} patch {patch.number}/{patch.total}"


def _notifications(result: Review, rule_index: dict[str, int]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for error in result.tool_errors:
        facts = {"origin": error.origin, "where": error.where}
        out.append(
            _notification(
                "tool-error",
                "error",
                str(error),
                rule=error.code,
                rule_index=rule_index,
                properties={k: v for k, v in facts.items() if v is not None},
            )
        )
    for problem, owner in _problems(result):
        text = f"{owner}: {problem.message}" if owner else problem.message
        facts = {"code": problem.code, "source": problem.source, "where": problem.where}
        out.append(
            _notification(
                "input-problem",
                _LEVEL[problem.severity],
                text,
                properties={k: v for k, v in facts.items() if v is not None},
            )
        )
    for item in result.series:
        label = f"{item.series.title} v{item.series.version}"
        if item.apply_skipped is not None:
            out.append(
                _notification("series-not-applied", "warning", f"{label}: {item.apply_skipped}")
            )
        for skip in item.rules_skipped:
            out.append(
                _notification(
                    "rule-skipped",
                    "note",
                    f"{skip.code} {skip.name} did not run on {label}: {skip.reason}",
                    rule=skip.code,
                    rule_index=rule_index,
                )
            )
    for note in result.notes:
        out.append(_notification("tool-note", "note", str(note)))
    return out


def _successful(result: Review) -> bool:
    if result.tool_errors:
        return False
    return not any(problem.severity is Severity.ERROR for problem, _ in _problems(result))


# -- the document --------------------------------------------------------------------------


def _descriptors(
    result: Review, findings: Iterable[Finding]
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    by_code: dict[str, dict[str, Any]] = {}
    for loaded in result.rules:
        by_code.setdefault(loaded.rule.code, rule_descriptor(loaded))
    for finding in findings:
        if finding.code not in by_code:
            by_code[finding.code] = _bare_descriptor(finding)
    codes = sorted(by_code)
    return [by_code[c] for c in codes], {c: k for k, c in enumerate(codes)}


def sarif_document(result: Review) -> dict[str, Any]:
    """The SARIF 2.1.0 log of ``result``: one run, every finding (suppressed ones marked)."""
    rules, index = _descriptors(result, result.findings)
    results: list[dict[str, Any]] = []
    logical = _Logical()
    for item in result.series:
        places = _Places(item, logical)
        results.extend(sarif_result(f, index[f.code], places) for f in item.findings)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "xenreview",
                "version": __version__,
                "rules": rules,
                "notifications": [
                    {"id": name, "shortDescription": {"text": text}}
                    for name, text in _NOTIFICATIONS
                ],
            }
        },
        "invocations": [
            {
                "executionSuccessful": _successful(result),
                "toolExecutionNotifications": _notifications(result, index),
            }
        ],
        "originalUriBaseIds": {
            SRCROOT: {
                "description": {
                    "text": "The root of the tree the series was applied to (the mini tree or "
                    "--tree); line numbers are those after the patch named by afterPatch."
                }
            }
        },
        "columnKind": "unicodeCodePoints",
        "logicalLocations": logical.items,
        "results": results,
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(result: Review) -> str:
    """The SARIF log as indented ASCII JSON with a final newline (deterministic)."""
    return json.dumps(_clean(sarif_document(result)), indent=2, ensure_ascii=True) + "\n"
