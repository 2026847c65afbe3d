"""Rule benchmark: the whole catalogue over a synthetic corpus and over the bundled series.

1. Synthetic corpus: ``--series`` series of ``--patches`` patches (default
   30 x 10 = 300 patches), written as mail (cover letter, ``[PATCH i/n]``,
   Signed-off-by) with diffs made by difflib: each patch adds a new C file
   under ``xen/arch/arm/synth/`` and adds a function to (and edits a line
   of) a file an earlier patch of its series created, in Xen style with a
   few style slips mixed in.  At least 30,000 changed lines.  The tree of
   each series is the mini tree plus what its patches created (an in-memory
   reader), so tree rules run and the C facts come from one parse cache
   shared by the whole corpus (each blob parsed once).  Ingest is not timed.
   Reported: patches/s, changed lines/s, findings, parse-cache hit rate,
   and the rules that took longest.
2. The bundled ``patches/xen-arm-suspend-v1/series.mbox`` (18 patches)
   after ingest and apply, as ``xenreview review`` runs the rules (policy,
   suppressions, a fresh parse cache each time): best of ``--repeat``.
   Target: under one second.

Run:  python -m benchmarks.rules [--series 30] [--patches 10] [--repeat 5] [--json]
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from xenreview.ingest import ingest
from xenreview.rules.api import Finding, LoadedRule
from xenreview.rules.finder import find_rules
from xenreview.rules.runner import CachedReader, facts_source, run_rules
from xenreview.rules.testing import DirectoryReader, minitree_texts
from xenreview.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SUSPEND = REPO / "patches" / "xen-arm-suspend-v1" / "series.mbox"
AUTHOR = "Alice Example <alice@example.org>"

# -- a synthetic corpus -----------------------------------------------------------------

_TYPES = ("unsigned int", "int", "bool", "uint64_t", "unsigned long", "register_t")
_CALLS = (
    "spin_lock(&d->arch.lock)",
    "spin_unlock(&d->arch.lock)",
    "vcpu_pause(v)",
    "vcpu_unpause(v)",
    "smp_wmb()",
    "gic_inject(v, irq)",
    'printk(XENLOG_G_INFO "%pd: state %u\\n", d, state)',
)


def _function(rng: random.Random, name: str, slips: bool) -> list[str]:
    """A Xen-style function of about twenty lines (and, with ``slips``, a style slip)."""
    kind = rng.choice(_TYPES)
    lines = [
        f"static {kind} {name}(struct domain *d, struct vcpu *v, unsigned int irq)",
        "{",
        "    unsigned int state = 0;",
        "    int rc = 0;",
        "",
    ]
    for k in range(rng.randint(2, 4)):
        lines += [
            f"    if ( irq > {rng.randint(16, 1020)} && state != {k} )",
            "    {",
            f"        {rng.choice(_CALLS)};",
            f"        state = {k + 1};",
            "    }",
        ]
    lines += [
        "",
        "    for ( ; ; )",
        "    {",
        f"        rc = {rng.choice(_CALLS).split('(')[0]}_check(d, state);",
        "        if ( rc != -ERESTART )",
        "            break;",
        "    }",
    ]
    if slips:
        slip = rng.randrange(4)
        if slip == 0:
            lines.append("    rc = rc;   ")  # trailing whitespace
        elif slip == 1:
            lines.append("\tstate++;")  # a tab
        elif slip == 2:
            lines.append("    if(rc)")  # no spaces in the parentheses
            lines.append("        state = 0;")
        else:
            lines.append("    // C++ comment")
    lines += ["", f"    return ({kind})rc;", "}"]
    return lines


def _new_file(rng: random.Random, path: str, prefix: str, count: int) -> str:
    guard = path.upper().replace("/", "_").replace(".", "_")
    lines = [
        "/* SPDX-License-Identifier: GPL-2.0-only */",
        "/*",
        f" * {path}",
        " *",
        " * Synthetic code for the rule benchmark.",
        " */",
        "",
        "#include <xen/lib.h>",
        "#include <xen/sched.h>",
        "#include <xen/spinlock.h>",
        "",
        f"/* {guard} */",
        "",
    ]
    for k in range(count):
        lines += _function(rng, f"{prefix}_{k}", slips=rng.random() < 0.15)
        lines.append("")
    lines += [
        "/*",
        " * Local variables:",
        " * mode: C",
        ' * c-file-style: "BSD"',
        " * c-basic-offset: 4",
        " * indent-tabs-mode: nil",
        " * End:",
        " */",
    ]
    return "\n".join(lines) + "\n"


def _diff(path: str, before: str | None, after: str) -> str:
    old = [] if before is None else before.splitlines(keepends=True)
    new = after.splitlines(keepends=True)
    head = [f"diff --git a/{path} b/{path}\n"]
    if before is None:
        head.append("new file mode 100644\n")
    body = difflib.unified_diff(
        old, new, "/dev/null" if before is None else f"a/{path}", f"b/{path}", n=3
    )
    return "".join(head) + "".join(body)


@dataclass
class Corpus:
    mbox: str
    trees: dict[str, dict[int, dict[str, str]]]  # series title -> states after each patch
    patches: int
    changed: int


def _mail(number: int, total: int, series: int, title: str, body: str, diff: str, when: int) -> str:
    msgid = f"<synth-{series}-{number}@example.org>"
    reply = "" if number == 0 else f"In-Reply-To: <synth-{series}-0@example.org>\n"
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(1767225600 + when))
    return (
        f"From synth Mon Sep 17 00:00:00 2001\nFrom: {AUTHOR}\nDate: {date}\n"
        f"Message-ID: {msgid}\n{reply}"
        f"Subject: [PATCH {number:02d}/{total:02d}] {title}\n\n"
        f"{body}\n" + (f"\nSigned-off-by: {AUTHOR}\n---\n{diff}" if diff else "") + "\n"
    )


def make_corpus(series_count: int, per_series: int, seed: int = 4) -> Corpus:
    rng = random.Random(seed)
    base = minitree_texts()
    mails: list[str] = []
    trees: dict[str, dict[int, dict[str, str]]] = {}
    patches = changed = 0
    for s in range(series_count):
        cover_title = f"xen/arm: synth{s}: add the synthetic handlers"
        mails.append(
            _mail(0, per_series, s, cover_title, "Handlers for the rule benchmark.", "", s * 100)
        )
        files: dict[str, str] = {}
        states: dict[int, dict[str, str]] = {0: base}
        for n in range(1, per_series + 1):
            path = f"xen/arch/arm/synth/s{s}_p{n}.c"
            diffs: list[str] = []
            after = _new_file(rng, path, f"synth{s}_{n}", rng.randint(3, 4))
            diffs.append(_diff(path, None, after))
            files[path] = after
            if n > 1:
                target = f"xen/arch/arm/synth/s{s}_p{rng.randint(1, n - 1)}.c"
                before = files[target]
                lines = before.split("\n")
                extra = _function(rng, f"synth{s}_{n}_extra", slips=rng.random() < 0.3)
                at = lines.index("/*", 10)
                edited = lines[:at] + extra + [""] + lines[at:]
                edited[2] = f" * {target} (touched by patch {n})"
                files[target] = "\n".join(edited)
                diffs.append(_diff(target, before, files[target]))
            diff = "".join(diffs)
            changed += sum(
                1
                for line in diff.splitlines()
                if line[:1] in "+-" and not line.startswith(("+++", "---"))
            )
            body = (
                f"Add the handlers of stage {n} of the synthetic series {s}, and teach an\n"
                "earlier file about them, so the rule benchmark has code to read.\n"
            )
            mails.append(
                _mail(
                    n,
                    per_series,
                    s,
                    f"xen/arm: synth{s}: add stage {n}",
                    body,
                    diff,
                    s * 100 + n,
                )
            )
            states[n] = {**base, **files}
            patches += 1
        trees[cover_title] = states
    return Corpus("".join(mails), trees, patches, changed)


# -- timing ----------------------------------------------------------------------------


def _timed_rules(rules: tuple[LoadedRule, ...], spent: dict[str, float]) -> list[LoadedRule]:
    def wrap(loaded: LoadedRule) -> LoadedRule:
        check = loaded.check

        def timed(subject: Any, ctx: Any) -> Iterator[Finding]:
            start = time.perf_counter()
            try:
                return iter(list(check(subject, ctx)))
            finally:
                spent[loaded.rule.code] = (
                    spent.get(loaded.rule.code, 0.0) + time.perf_counter() - start
                )

        return replace(loaded, check=timed)

    return [wrap(r) for r in rules]


def run_corpus(series_count: int, per_series: int, top: int) -> dict[str, Any]:
    from xenreview.code.parse import FactCache

    catalogue = find_rules(entry_points=False)
    corpus = make_corpus(series_count, per_series)
    with tempfile.TemporaryDirectory(prefix="xenreview-bench-rules-") as scratch:
        path = Path(scratch) / "corpus.mbox"
        path.write_text(corpus.mbox, encoding="utf-8")
        start = time.perf_counter()
        ingested = ingest([str(path)], Settings())
        ingest_s = time.perf_counter() - start
    spent: dict[str, float] = {}
    rules = _timed_rules(catalogue.rules, spent)
    cache = FactCache()
    findings: Counter[str] = Counter()
    errors = 0
    start = time.perf_counter()
    for series in ingested.series:
        states = corpus.trees[series.title]
        reader = CachedReader(DirectoryReader(states))
        run = run_rules(
            rules, series, tree=reader, facts_for=facts_source(DirectoryReader(states), cache)
        )
        findings.update(f.code for f in run.findings)
        errors += len(run.errors)
    rules_s = time.perf_counter() - start
    # The C facts of every tree state, as tree rules get them (computed lazily by the
    # runner only when a tree or model rule asks): one cache for the whole corpus.
    facts_cache = FactCache()
    start = time.perf_counter()
    states_done = 0
    for series in ingested.series:
        states = corpus.trees[series.title]
        facts_for = facts_source(DirectoryReader(states), facts_cache)
        for after in sorted(states):
            facts_for(after)
            states_done += 1
    facts_s = time.perf_counter() - start
    return {
        "series": len(ingested.series),
        "patches": corpus.patches,
        "changed_lines": corpus.changed,
        "rules": len(catalogue.rules),
        "load_errors": len(catalogue.errors),
        "ingest_s": round(ingest_s, 3),
        "rules_s": round(rules_s, 3),
        "patches_per_s": round(corpus.patches / rules_s, 1),
        "lines_per_s": round(corpus.changed / rules_s),
        "findings": sum(findings.values()),
        "findings_by_code": dict(sorted(findings.items())),
        "tool_errors": errors,
        "parse_cache": {
            "hits": cache.hits,
            "misses": cache.misses,
            "hit_rate": round(cache.hit_rate, 4),
            "tree_hits": cache.tree_hits,
            "tree_misses": cache.tree_misses,
        },
        "slowest_rules_s": {
            code: round(s, 3) for code, s in sorted(spent.items(), key=lambda item: -item[1])[:top]
        },
        "facts": {
            "tree_states": states_done,
            "seconds": round(facts_s, 3),
            "hits": facts_cache.hits,
            "misses": facts_cache.misses,
            "hit_rate": round(facts_cache.hit_rate, 4),
        },
    }


def run_bundled(repeat: int) -> dict[str, Any] | None:
    if not SUSPEND.is_file():
        return None
    from xenreview.apply import apply_series
    from xenreview.code.parse import FactCache
    from xenreview.rules.selection import Selection, apply_policy, select_rules
    from xenreview.rules.suppress import apply_suppressions

    settings = Settings()
    catalogue = find_rules(entry_points=False)
    selection = Selection.from_settings(settings)
    rules = select_rules(catalogue.rules, selection)
    start = time.perf_counter()
    ingested = ingest([str(SUSPEND)], settings)
    ingest_s = time.perf_counter() - start
    (series,) = ingested.series
    times: list[float] = []
    found = 0
    start = time.perf_counter()
    with apply_series(series) as applied:
        apply_s = time.perf_counter() - start
        applied_numbers = frozenset(r.number for r in applied.results if r.outcome.applied)

        def once() -> int:
            reader = CachedReader(applied)
            run = run_rules(
                rules,
                series,
                tree=reader,
                applied=applied_numbers,
                facts_for=facts_source(applied, FactCache()),
                settings=settings,
                data={"applied": applied, "apply_skipped": None},
            )
            marked, _ = apply_suppressions(
                apply_policy(run.findings, rules, selection), series, reader
            )
            return len(marked)

        for _ in range(repeat):
            start = time.perf_counter()
            found = once()
            times.append(time.perf_counter() - start)
    return {
        "series": str(SUSPEND.relative_to(REPO)),
        "patches": len(series.patches),
        "rules": len(rules),
        "findings": found,
        "best_s": round(min(times), 3),
        "median_s": round(sorted(times)[len(times) // 2], 3),
        "ingest_s": round(ingest_s, 3),
        "apply_s": round(apply_s, 3),
        "target_s": 1.0,
        "meets_target": min(times) < 1.0,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=30)
    parser.add_argument("--patches", type=int, default=10, help="patches per series")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--top", type=int, default=8, help="how many slow rules to list")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    result = run(args.series, args.patches, args.repeat, args.top)
    corpus, bundled = result["corpus"], result["bundled"]
    if args.json:
        print(json.dumps(result, indent=2))
        return
    _print(corpus, bundled)


def run(series: int = 30, patches: int = 10, repeat: int = 5, top: int = 8) -> dict[str, Any]:
    """Both parts: ``corpus`` (synthetic) and ``bundled`` (None when the series is absent)."""
    return {"corpus": run_corpus(series, patches, top), "bundled": run_bundled(repeat)}


def _print(corpus: dict[str, Any], bundled: dict[str, Any] | None) -> None:
    show: Callable[[str], None] = print
    cache = corpus["parse_cache"]
    show(
        f"synthetic corpus: {corpus['patches']} patches in {corpus['series']} series, "
        f"{corpus['changed_lines']} changed lines, {corpus['rules']} rules"
    )
    show(f"  ingest (not in the figures): {corpus['ingest_s']:.2f} s")
    show(
        f"  rules: {corpus['rules_s']:.2f} s = {corpus['patches_per_s']:.0f} patches/s, "
        f"{corpus['lines_per_s']} lines/s; {corpus['findings']} findings, "
        f"{corpus['tool_errors']} tool errors"
    )
    show(
        f"  parse cache during the rules: {cache['hits']} hits, {cache['misses']} misses, "
        f"hit rate {cache['hit_rate']:.1%} (trees {cache['tree_hits']}/{cache['tree_misses']})"
    )
    facts = corpus["facts"]
    show(
        f"  C facts of all {facts['tree_states']} tree states: {facts['seconds']:.2f} s, "
        f"{facts['hits']} hits, {facts['misses']} misses, hit rate {facts['hit_rate']:.1%}"
    )
    slow = ", ".join(f"{code} {s:.2f} s" for code, s in corpus["slowest_rules_s"].items())
    show(f"  slowest rules: {slow}")
    if bundled is None:
        show(f"bundled series: {SUSPEND.relative_to(REPO)} is absent: skipped")
        return
    verdict = "meets" if bundled["meets_target"] else "MISSES"
    show(
        f"bundled series {bundled['series']} ({bundled['patches']} patches, "
        f"{bundled['rules']} rules, {bundled['findings']} findings): "
        f"best {bundled['best_s']:.3f} s, median {bundled['median_s']:.3f} s "
        f"after ingest and apply ({verdict} the 1 s target)"
    )


if __name__ == "__main__":
    main()
