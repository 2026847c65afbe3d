"""The recipes of the series rules' fixtures: mboxes of whole postings on the mini tree.

Run ``python -m tests.unit.rules_series.make_fixtures`` from the repository
root to rebuild every ``rules/series/*/*.mbox`` (dates, identities and
Message-IDs are fixed, so the output is the same each time; name parts of
the files to rebuild only those), then
``python -m pytest tests/rules -k SER --update-golden`` for the snapshots.
The scratch repository lives under the system's temporary folder.

Each fixture is one posting or more as git send-email makes them (see
``tests.fixture_patches.write_postings``): a cover letter, patches whose
diffs are git format-patch's, each commit built on the one before, and
replies carrying reviewers' trailers.  A ``bad_`` fixture is posted the way
its rule is about: a patch left out, a patch sent twice, a stale total or
version in one subject, no cover letter, no base-commit, a patch built on a
commit that was never posted, a rename before its callers are changed, a
review tag kept on a patch whose code changed.  The people, changes and
texts are the commit message rules' (``tests/unit/rules_commit/make_fixtures.py``).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from tests.fixture_patches import MailPatch, PatchMaker, Posting, Reply
from tests.unit.rules_commit.make_fixtures import (
    ARM_CC,
    CONSOLE,
    CONSOLE_BODY,
    CONSOLE_NULL,
    HELPER_BODY,
    JULIA,
    NADIA,
    TIME,
    TIME_H,
    TOMAS,
    VTIMER,
    Fx,
    day,
    generate,
    helper,
    khz,
    sob,
    vtimer_comment,
)

OUT = Path(__file__).resolve().parents[3] / "rules" / "series"
MAKER = PatchMaker("xenreview-series-fixtures", ("Nadia Example", "nadia@example.org"), OUT)

COVER_TITLE = "xen/arm: Small clean-ups of the timer code"
COVER_BODY = """\
A few small clean-ups of the Arm generic timer and vtimer code, found
while reading it for the suspend work.  No functional change.
"""


def clean(tag: str, hour: int, day_of_march: int, *, base: bool = True) -> Posting:
    """The two-patch timer clean-up with its cover letter, posted as it should be."""
    return Posting(
        [khz(), vtimer_comment()],
        date=day(day_of_march, hour),
        tag=tag,
        cover_title=COVER_TITLE,
        cover_body=COVER_BODY,
        base=base,
    )


# -- SER005 mixed-series-versions ----------------------------------------------------------

COVER_V2 = (
    COVER_BODY
    + """
Changes in v2:
- patch 2: reword the comment (Julia)
- patch 3: new
"""
)

# -- SER007 patch-does-not-apply: patch 2 is built on a commit that was never posted ------

NEVER_POSTED = MailPatch(
    "xen/console: Test the UART pointer directly",
    CONSOLE_BODY + "\n" + sob(NADIA),
    [CONSOLE_NULL],
    NADIA,
)
PUTC = MailPatch(
    "xen/console: Skip a UART that cannot print",
    """\
A UART driver may register its operations before it can print, with
a NULL putc hook.  __putstr() then jumps to address 0.  Leave such a
UART alone, as if there were none.
"""
    + "\n"
    + sob(NADIA),
    [(CONSOLE, "    if ( !console_uart )\n", "    if ( !console_uart || !console_uart->putc )\n")],
    NADIA,
    cc=(TOMAS,),
)

# -- SER008 build-break-in-series: the rename, then its last caller ------------------------

TICKS_TO_NS_BODY = (
    "{\n    return (ticks / cpu_khz) * 1000000 + (ticks % cpu_khz) * 1000000 / cpu_khz;"
)
RENAME = MailPatch(
    "xen/arm: time: Rename ticks_to_ns() to counter_to_ns()",
    """\
ticks_to_ns() converts counter values, not any kind of tick: call it
counter_to_ns(), like the counter it reads.
"""
    + "\n"
    + sob(NADIA),
    [
        (
            TIME,
            "s_time_t ticks_to_ns(uint64_t ticks)\n" + TICKS_TO_NS_BODY,
            "s_time_t counter_to_ns(uint64_t ticks)\n" + TICKS_TO_NS_BODY,
        ),
        (
            TIME,
            "    return ticks_to_ns(get_cycles() - boot_count);",
            "    return counter_to_ns(get_cycles() - boot_count);",
        ),
        (
            TIME_H,
            "s_time_t ticks_to_ns(uint64_t ticks);",
            "s_time_t counter_to_ns(uint64_t ticks);",
        ),
    ],
    NADIA,
    cc=ARM_CC,
)
CALLER = MailPatch(
    "xen/arm: vtimer: Use counter_to_ns()",
    """\
Follow the rename of ticks_to_ns() in the virtual timer's stand-in.
"""
    + "\n"
    + sob(NADIA),
    [(VTIMER, "ticks_to_ns(t->cval - boot_count)", "counter_to_ns(t->cval - boot_count)")],
    NADIA,
    cc=ARM_CC,
)

# -- SER009 stale-review-tag: v1 reviewed, v2 with the tag ---------------------------------

TWO_TITLE = "xen/arm: Two timer clean-ups"
V1_COVER = """\
Two small clean-ups of the Arm timer code found while reading it for the
suspend work.  No functional change.
"""
V2_COVER = (
    V1_COVER
    + """
Changes in v2:
- patch 1: say why in the commit message (Julia)
"""
)
KHZ_V1 = khz(message="Print the unit of the timer frequency right.\n\n" + sob(NADIA))
REVIEWED = f"Reviewed-by: {JULIA}\n"
RENAMED_HELPER = helper(HELPER_BODY + "\n" + sob(NADIA) + REVIEWED, name="vtimer_setup_one")
ASKED = (
    """\
Could the helper be named after what it sets up, vtimer_setup_one()
perhaps?  With that changed:

"""
    + REVIEWED
)


def v1(tag: str, hour: int, reply: Reply) -> Posting:
    return Posting(
        [KHZ_V1, helper()],
        date=day(28, hour),
        tag=tag,
        cover_title=TWO_TITLE,
        cover_body=V1_COVER,
        replies=[reply],
    )


def v2(tag: str, hour: int, patch_2: MailPatch, changes: str) -> Posting:
    return Posting(
        [khz(), patch_2],
        date=day(30, hour),
        tag=tag,
        version=2,
        cover_title=TWO_TITLE,
        cover_body=V2_COVER + changes,
    )


# -- the fixtures ---------------------------------------------------------------------------

SPECS = [
    # SER001 missing-patch
    Fx(
        "missing_patch/bad_hole.mbox",
        [
            Posting(
                [khz(), replace(vtimer_comment(), send=False), helper()],
                date=day(20),
                tag="hole",
                cover_title=COVER_TITLE,
                cover_body=COVER_BODY,
            )
        ],
    ),
    Fx("missing_patch/ok_complete.mbox", [clean("complete", 11, 20)]),
    # SER002 duplicate-patch-number
    Fx(
        "duplicate_patch_number/bad_patch_sent_twice.mbox",
        [
            clean("dup", 10, 21),
            Posting(
                [
                    replace(
                        vtimer_comment(),
                        title="xen/arm: vtimer: Say what virt_timer_save() stops",
                        prefix="PATCH 2/2",
                    )
                ],
                date=day(21, 12),
                tag="dup2",
                base=False,
                start_after=(0, 1),
                cover_id="<20260321100000.0.dup@example.org>",
            ),
        ],
    ),
    Fx("duplicate_patch_number/ok_each_number_once.mbox", [clean("once", 13, 21)]),
    # SER003 inconsistent-patch-total
    Fx(
        "inconsistent_patch_total/bad_stale_total.mbox",
        [
            Posting(
                [khz(), replace(vtimer_comment(), prefix="PATCH 2/3")],
                date=day(22),
                tag="total",
                cover_title=COVER_TITLE,
                cover_body=COVER_BODY,
            )
        ],
    ),
    Fx("inconsistent_patch_total/ok_same_total.mbox", [clean("sametotal", 11, 22)]),
    # SER004 missing-cover-letter
    Fx(
        "missing_cover_letter/bad_no_cover.mbox",
        [Posting([khz(), vtimer_comment()], date=day(23), tag="nocover")],
    ),
    Fx("missing_cover_letter/ok_with_cover.mbox", [clean("withcover", 11, 23)]),
    # SER005 mixed-series-versions
    Fx(
        "mixed_series_versions/bad_stale_version_in_subject.mbox",
        [
            Posting(
                [khz(), replace(vtimer_comment(), prefix="PATCH 2/3"), helper()],
                date=day(24),
                tag="mixed",
                version=2,
                cover_title=COVER_TITLE,
                cover_body=COVER_V2,
            )
        ],
    ),
    Fx(
        "mixed_series_versions/ok_one_version.mbox",
        [
            Posting(
                [khz(), vtimer_comment(), helper()],
                date=day(24, 11),
                tag="oneversion",
                version=2,
                cover_title=COVER_TITLE,
                cover_body=COVER_V2,
            )
        ],
    ),
    # SER006 missing-base-commit
    Fx("missing_base_commit/bad_no_base.mbox", [clean("nobase", 10, 25, base=False)]),
    Fx("missing_base_commit/ok_base.mbox", [clean("base", 11, 25)]),
    # SER007 patch-does-not-apply
    Fx(
        "patch_does_not_apply/bad_context_not_in_tree.mbox",
        [
            Posting(
                [khz(), PUTC],
                date=day(26),
                tag="conflict",
                cover_title="xen: Timer and console fixes",
                cover_body="""\
Two small fixes: a unit in the Arm timer's boot message, and a crash
when a UART registers before it can print.
""",
                hidden=[NEVER_POSTED],
            )
        ],
    ),
    Fx("patch_does_not_apply/ok_applies.mbox", [clean("applies", 11, 26)]),
    # SER008 build-break-in-series
    Fx(
        "build_break_in_series/bad_rename_before_callers.mbox",
        [
            Posting(
                [RENAME, CALLER],
                date=day(27),
                tag="buildbreak",
                cover_title="xen/arm: Rename ticks_to_ns()",
                cover_body="""\
The function converts counter values: give it a name that says so.
""",
            )
        ],
    ),
    Fx("build_break_in_series/ok_every_patch_builds.mbox", [clean("builds", 11, 27)]),
    # SER009 stale-review-tag
    Fx(
        "stale_review_tag/bad_code_changed_after_review.mbox",
        [
            v1("stale1", 10, Reply(2, JULIA, REVIEWED)),
            v2("stale2", 10, RENAMED_HELPER, "- patch 2: name the helper after what it does\n"),
        ],
    ),
    Fx(
        "stale_review_tag/ok_unchanged_patch_keeps_tag.mbox",
        [
            v1("kept1", 11, Reply(2, JULIA, REVIEWED)),
            v2("kept2", 11, helper(HELPER_BODY + "\n" + sob(NADIA) + REVIEWED), ""),
        ],
    ),
    Fx(
        "stale_review_tag/ok_tag_given_with_a_request.mbox",
        [
            v1("cond1", 12, Reply(2, JULIA, ASKED, quote_lines=4)),
            v2(
                "cond2",
                12,
                RENAMED_HELPER,
                "- patch 2: name the helper after what it does (Julia)\n",
            ),
        ],
    ),
]


def main(argv: list[str]) -> int:
    MAKER.setup()
    for path in generate(MAKER, SPECS, [a for a in argv if not a.startswith("-")]):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
