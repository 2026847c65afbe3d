"""A model counterexample drawn as a sequence diagram, in inline SVG.

One *lifeline* per actor of the trace (Xen on each pCPU, Dom0 and its
toolstack, the other domains, each guest, the environment: device
interrupts and firmware), ordered by role, then by name.  Each step is a
numbered box on its actor's lifeline, with an arrow to the lifeline of the
actor it acts on when its text names one (``resumes guest1``, ``device
interrupt for guest1``, ``scheduled on pCPU 0``); its text, the changes it
makes and the code location that enabled it are written in the same row,
right of the lifelines.  The last state closes the diagram.

The steps come from a finding of the model rules: every step, as JSON, in
``extra["trace"]``, else the ``step N: actor: action`` related entries
(static rules such as ``pv-backend-wakeup`` carry only those).  Steps of
Xen's suspend sequencer that the text reports merge into one (step 4) are
numbered 4.1, 4.2... so that both reports name a step the same way.

Everything drawn comes from a finding, so from the input: it is escaped,
and :func:`visible` turns control characters, bidi overrides and other
invisible characters into visible marks first (the HTML report uses it for
every value it prints).  The output is deterministic: integer coordinates,
no ids, no randomness.
"""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from xenreview.model.trace import FactRef, Step
from xenreview.rules.api import Finding, Related

__all__ = [
    "Trace",
    "TraceStep",
    "finding_trace",
    "lifelines",
    "sequence_svg",
    "steps_from_json",
    "steps_from_related",
    "visible",
]

TraceStep = Step  # the model's step record: actor, action, changes, fact

# -- visible text ------------------------------------------------------------------------

_INVISIBLE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]"
    "|[\U000e0000-\U000e007f]"
)


def _mark(char: str, *, keep_newlines: bool) -> str:
    if char == "\n" and keep_newlines:
        return char
    return f"\u27e8U+{ord(char):04X}\u27e9"


def visible(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` with every invisible or reordering character shown as a mark.

    Controls (a CR, NUL, ESC...), bidi overrides and isolates, zero-width
    and other format characters, line separators and lone surrogates become
    their code point in angle brackets, ``⟨U+202E⟩`` (plain characters that
    every font has, unlike the control pictures).  Tabs stay; newlines stay
    unless ``keep_newlines`` is false.  The result is plain text, still to
    be escaped.
    """
    if _INVISIBLE.search(text) is None:
        return text
    out = _INVISIBLE.sub(lambda m: _mark(m.group(), keep_newlines=keep_newlines), text)
    # Any other format character (category Cf) not in the class above.
    if any(unicodedata.category(c) == "Cf" for c in out):
        out = "".join(
            _mark(c, keep_newlines=True) if unicodedata.category(c) == "Cf" else c for c in out
        )
    return out


def _esc(text: str) -> str:
    return escape(visible(text, keep_newlines=False), quote=True)


# -- the steps of a finding --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Trace:
    """A counterexample ready to draw: steps, their numbers, the last state."""

    steps: tuple[TraceStep, ...]
    numbers: tuple[str, ...]
    final: str | None = None


_STEP = re.compile(r"^step (\d+): (.*)$", re.DOTALL)
_THEN = "then: "


def steps_from_json(text: str) -> tuple[TraceStep, ...] | None:
    """The steps of ``extra["trace"]``; None when it is not a well-formed trace."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, list) or not data:
        return None
    steps: list[TraceStep] = []
    for item in data:
        if not isinstance(item, dict):
            return None
        actor, action = item.get("actor"), item.get("action")
        changes = item.get("changes", [])
        if not isinstance(actor, str) or not isinstance(action, str):
            return None
        if not isinstance(changes, list) or not all(isinstance(c, str) for c in changes):
            return None
        fact = item.get("fact")
        ref = None
        if isinstance(fact, dict):
            path, line, code = fact.get("path"), fact.get("line"), fact.get("text", "")
            if isinstance(path, str) and isinstance(line, int) and isinstance(code, str):
                ref = FactRef(path, line, code)
        steps.append(Step(actor, action, tuple(changes), ref))
    return tuple(steps)


def steps_from_related(related: Sequence[Related]) -> tuple[tuple[str, TraceStep], ...]:
    """The ``step N: actor: action`` entries of ``related``, as (number, step) pairs."""
    out: list[tuple[str, TraceStep]] = []
    for entry in related:
        match = _STEP.match(entry.message)
        if match is None:
            continue
        number, rest = match.groups()
        actor, sep, action = rest.partition(": ")
        if not sep:
            actor, action = "", rest
        loc = entry.location
        ref = None
        if loc.path is not None and loc.line is not None:
            ref = FactRef(loc.path, loc.line, entry.excerpt or "")
        out.append((number, Step(actor, action, (), ref)))
    return tuple(out)


def _numbers(steps: Sequence[TraceStep]) -> tuple[str, ...]:
    """Numbers as the text reports give them: merged sequencer steps as 4.1, 4.2..."""
    from xenreview.rules.lib_model import condense_steps

    plain = tuple(str(k) for k in range(1, len(steps) + 1))
    numbers: list[str] = []
    i = 0
    for k, group in enumerate(condense_steps(steps), 1):
        run: list[str] = []
        while i < len(steps) and steps[i].actor == group.actor:
            joined = ", ".join([*run, steps[i].action])
            if not group.action.startswith(joined):
                break
            run.append(steps[i].action)
            i += 1
            if joined == group.action:
                break
        if not run or ", ".join(run) != group.action:
            return plain
        numbers += [str(k)] if len(run) == 1 else [f"{k}.{j}" for j in range(1, len(run) + 1)]
    return tuple(numbers) if i == len(steps) else plain


def finding_trace(finding: Finding) -> Trace | None:
    """The counterexample a finding carries, or None (most findings carry none)."""
    extra = dict(finding.extra)
    final = next(
        (r.message.removeprefix(_THEN) for r in finding.related if r.message.startswith(_THEN)),
        extra.get("final_state") or None,
    )
    raw = extra.get("trace")
    steps = steps_from_json(raw) if raw is not None else None
    if steps is not None:
        return Trace(steps, _numbers(steps), final)
    pairs = steps_from_related(finding.related)
    if not pairs:
        return None
    return Trace(tuple(s for _, s in pairs), tuple(n for n, _ in pairs), final)


# -- lifelines ---------------------------------------------------------------------------

_PCPU = re.compile(r"^Xen on pCPU (\d+)$")
_GUEST = re.compile(r"^guest\d+$")
_TOOLSTACK = "toolstack in "
_ENVIRONMENT = ("environment", "firmware")


def _kind(actor: str) -> str:
    if actor.startswith("Xen"):
        return "xen"
    if actor == "Dom0":
        return "dom0"
    if actor.startswith(_TOOLSTACK):
        return "toolstack"
    if _GUEST.match(actor):
        return "guest"
    if actor.lower() in _ENVIRONMENT:
        return "environment"
    return "domain"


_RANK = {"xen": 0, "dom0": 1, "toolstack": 2, "domain": 3, "guest": 4, "environment": 5}


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part
    )


def lifelines(steps: Sequence[TraceStep]) -> tuple[str, ...]:
    """The actors of ``steps`` in drawing order: Xen, Dom0, domains, guests, environment."""
    actors = dict.fromkeys(step.actor for step in steps)
    return tuple(
        sorted(actors, key=lambda a: (_RANK[_kind(a)], _PCPU.match(a) is None, _natural(a)))
    )


def _needle(actor: str) -> re.Pattern[str] | None:
    pcpu = _PCPU.match(actor)
    if pcpu is not None:
        return re.compile(rf"\bpCPU {pcpu.group(1)}\b")
    kind = _kind(actor)
    if kind == "xen":
        return None
    if kind == "toolstack":
        return re.compile(r"\btoolstack\b")
    if kind == "environment":
        return re.compile(rf"\b{re.escape(actor)}\b")
    return re.compile(rf"(?<![\w-]){re.escape(actor)}(?![\w-])")


def _target(step: TraceStep, lanes: Sequence[str]) -> str | None:
    """The lifeline a step acts on: the first other actor its action (else its changes) names."""
    needles = [(lane, _needle(lane)) for lane in lanes if lane != step.actor]
    for text in (step.action, "; ".join(step.changes)):
        found: list[tuple[int, int, str]] = []
        for order, (lane, needle) in enumerate(needles):
            match = needle.search(text) if needle is not None else None
            if match is not None:
                found.append((match.start(), order, lane))
        if found:
            return min(found)[2]
    return None


# -- drawing -----------------------------------------------------------------------------

_CHAR = 7.2  # width of one character of the 12px monospace font
_LINE = 16
_LANE = 132
_MARGIN = 16
_TEXT_CHARS = 84
_LABEL_CHARS = 16
_COLOURS = {
    "xen": ("#dbe7fb", "#2c5aa0"),
    "dom0": ("#dcf1dc", "#2e7d32"),
    "toolstack": ("#e6f4e6", "#2e7d32"),
    "domain": ("#f3e5f5", "#7b1fa2"),
    "guest": ("#fdebd3", "#b35900"),
    "environment": ("#eeeeee", "#555555"),
}


def _wrap(text: str, width: int) -> list[str]:
    lines = textwrap.wrap(
        visible(text, keep_newlines=False),
        width,
        break_long_words=True,
        break_on_hyphens=False,
        replace_whitespace=True,
    )
    return lines or [""]


def _text(x: int, y: int, content: str, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(v, quote=True)}"' for k, v in attrs.items())
    return f'<text x="{x}" y="{y}"{extra}>{_esc(content)}</text>'


def _row_lines(number: str, step: TraceStep) -> list[tuple[str, str]]:
    """The text of one row: (line, class) with classes step / change / code."""
    lines = [
        ("step", line) for line in _wrap(f"{number}. {step.actor}: {step.action}", _TEXT_CHARS)
    ]
    if step.changes:
        changes = "\u21d2 " + "; ".join(step.changes)
        lines += [("change", line) for line in _wrap(changes, _TEXT_CHARS - 2)]
    if step.fact is not None:
        where = f"at {step.fact.path}:{step.fact.line}"
        if step.fact.text:
            where += f": {step.fact.text}"
        lines += [("code", line) for line in _wrap(where, _TEXT_CHARS - 2)]
    return [(cls, line) for cls, line in lines]


_STYLE = {
    "step": {"fill": "#111111"},
    "change": {"fill": "#555555", "font_style": "italic"},
    "code": {"fill": "#2c5aa0"},
}


@dataclass(frozen=True, slots=True)
class _Layout:
    lanes: tuple[str, ...]
    centre: dict[str, int]
    text_x: int
    width: int
    heads: dict[str, list[str]]
    head_h: int

    @classmethod
    def of(cls, steps: Sequence[TraceStep]) -> _Layout:
        lanes = lifelines(steps)
        text_x = _MARGIN + len(lanes) * _LANE + 12
        heads = {lane: _wrap(lane, _LABEL_CHARS)[:3] for lane in lanes}
        return cls(
            lanes=lanes,
            centre={lane: _MARGIN + _LANE // 2 + k * _LANE for k, lane in enumerate(lanes)},
            text_x=text_x,
            width=text_x + int(_TEXT_CHARS * _CHAR) + _MARGIN,
            heads=heads,
            head_h=max(len(h) for h in heads.values()) * 14 + 12,
        )


def _draw_step(layout: _Layout, number: str, step: TraceStep, y: int) -> tuple[list[str], int]:
    """One row: the numbered box, the arrow to the target lifeline, the text; its height."""
    lines = _row_lines(number, step)
    height = max(30, len(lines) * _LINE + 12)
    mid = y + 15
    out = [f'<g class="seq-step"><title>{_esc(f"{number}. {step.actor}: {step.action}")}</title>']
    fill, stroke = _COLOURS[_kind(step.actor)]
    x = layout.centre[step.actor]
    box = max(30, int(len(number) * _CHAR) + 12)
    target = _target(step, layout.lanes)
    if target is not None:
        tx = layout.centre[target]
        side = 1 if tx > x else -1
        start, end = x + side * box // 2, tx - side * 3
        back = end - side * 9
        out.append(
            f'<line x1="{start}" y1="{mid}" x2="{end}" y2="{mid}" stroke="{stroke}"'
            ' stroke-width="1.5"/>'
        )
        out.append(
            f'<polygon points="{end},{mid} {back},{mid - 5} {back},{mid + 5}" fill="{stroke}"/>'
        )
    out.append(
        f'<rect x="{x - box // 2}" y="{mid - 11}" width="{box}" height="22" rx="4"'
        f' fill="{fill}" stroke="{stroke}"/>'
    )
    out.append(_text(x, mid + 4, number, text_anchor="middle", fill=stroke, font_weight="bold"))
    for j, (cls, line) in enumerate(lines):
        out.append(_text(layout.text_x, y + 19 + j * _LINE, line, **_STYLE[cls]))
    out.append("</g>")
    return out, height


def _draw_final(layout: _Layout, final: str, y: int) -> tuple[list[str], int]:
    """The last state: a dashed box across the lifelines, its text beside it."""
    lines = _wrap(f"then: {final}", _TEXT_CHARS)
    height = max(30, len(lines) * _LINE + 12)
    span = len(layout.lanes) * _LANE
    out = [
        f'<g class="seq-final"><title>{_esc("then: " + final)}</title>',
        f'<rect x="{_MARGIN}" y="{y + 4}" width="{span}" height="{height - 8}"'
        ' rx="4" fill="#fff8e1" stroke="#b38f00" stroke-dasharray="4 3"/>',
        _text(_MARGIN + span // 2, y + 19, "last state", text_anchor="middle"),
    ]
    out += [
        _text(layout.text_x, y + 19 + j * _LINE, line, fill="#111111")
        for j, line in enumerate(lines)
    ]
    out.append("</g>")
    return out, height


def _draw_lanes(layout: _Layout, bottom: int) -> list[str]:
    """Each actor's head box and dashed lifeline down to ``bottom``."""
    out: list[str] = []
    for lane in layout.lanes:
        fill, stroke = _COLOURS[_kind(lane)]
        x = layout.centre[lane]
        out.append(f'<g class="seq-lane"><title>{_esc(lane)}</title>')
        out.append(
            f'<line x1="{x}" y1="{_MARGIN + layout.head_h}" x2="{x}" y2="{bottom}"'
            f' stroke="{stroke}" stroke-dasharray="5 4"/>'
        )
        out.append(
            f'<rect x="{x - _LANE // 2 + 6}" y="{_MARGIN}" width="{_LANE - 12}"'
            f' height="{layout.head_h}" rx="5" fill="{fill}" stroke="{stroke}"/>'
        )
        out += [
            _text(x, _MARGIN + 18 + j * 14, line, text_anchor="middle", font_weight="bold")
            for j, line in enumerate(layout.heads[lane])
        ]
        out.append("</g>")
    return out


def sequence_svg(
    steps: Sequence[TraceStep],
    *,
    numbers: Sequence[str] | None = None,
    final: str | None = None,
    title: str = "counterexample",
) -> str:
    """``steps`` as an inline ``<svg>`` sequence diagram (escaped, deterministic).

    ``numbers`` labels the steps (default 1, 2, 3...); ``final`` is the last
    state, drawn as a closing row across the lifelines; ``title`` becomes the
    diagram's accessible name.  An empty trace gives an empty string.
    """
    if not steps:
        return ""
    labels = list(numbers) if numbers is not None else []
    if len(labels) != len(steps):
        labels = [str(k) for k in range(1, len(steps) + 1)]
    layout = _Layout.of(steps)
    back: list[str] = []  # zebra row backgrounds, under the lifelines
    body: list[str] = []
    y = _MARGIN + layout.head_h + 10
    for k, (number, step) in enumerate(zip(labels, steps, strict=True)):
        drawn, height = _draw_step(layout, number, step, y)
        if k % 2 == 0:
            back.append(
                f'<rect x="{_MARGIN // 2}" y="{y}" width="{layout.width - _MARGIN}"'
                f' height="{height}" fill="#f6f8fa"/>'
            )
        body += drawn
        y += height
    if final:
        drawn, height = _draw_final(layout, final, y)
        body += drawn
        y += height
    width, height = layout.width, y + _MARGIN
    return "".join(
        [
            f'<svg class="sequence" role="img" aria-label="{_esc(title)}" width="{width}"'
            f' height="{height}" viewBox="0 0 {width} {height}" font-family="monospace"'
            f' font-size="12"><title>{_esc(title)}</title>',
            *back,
            *_draw_lanes(layout, y),
            *body,
            "</svg>",
        ]
    )
