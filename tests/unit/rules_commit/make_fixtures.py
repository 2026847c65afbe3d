"""The recipes of the commit message rules' fixtures: mails of commits on the mini tree.

Run ``python -m tests.unit.rules_commit.make_fixtures`` from the repository
root to rebuild every ``rules/commit/*/*.patch|.mbox`` (dates, identities and
Message-IDs are fixed, so the output is the same each time; name parts of
the files to rebuild only those), then
``python -m pytest tests/rules -k MSG --update-golden`` for the snapshots.
The scratch repository lives under the system's temporary folder.

Each fixture is a posting as git send-email makes it (see
``tests.fixture_patches.write_postings``): the diff is git format-patch's,
of exact text edits of the mini tree; the commit message is given verbatim,
so that a ``bad_`` fixture can carry the misspelt trailer, the missing
sign-off or the unwrapped line its rule is about.  The series rules'
recipes (``tests/unit/rules_series/make_fixtures.py``) reuse the people,
changes and texts defined here.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tests.fixture_patches import MailPatch, PatchMaker, Posting, write_postings
from xenreview.apply.tree import minitree_base_id

OUT = Path(__file__).resolve().parents[3] / "rules" / "commit"

BASE = minitree_base_id()
BASE12 = BASE[:12]

# -- people ---------------------------------------------------------------------------------

NADIA = "Nadia Example <nadia@example.org>"
KOFI = "Kofi Example <kofi@example.org>"
JULIA = "Julia Example <julia@example.org>"
ALICE_ARM = "Alice Arm <alice@example.org>"
BRUNO_BOARD = "Bruno Board <bruno@example.org>"
CARLA = "Carla Cortex <carla@example.org>"
LINA = "Lina Linux <lina@example.org>"
TOMAS = "Tomas Tty <tomas@example.org>"
SAMI = "Sami Sched <sami@example.org>"
ROSA = "Rosa Runqueue <rosa@example.org>"
OLAF = "Olaf Overall <olaf@example.org>"
RUTH = "Ruth Rest <ruth@example.org>"

ARM_CC = (ALICE_ARM, BRUNO_BOARD, CARLA)

MAKER = PatchMaker("xenreview-commit-fixtures", ("Nadia Example", "nadia@example.org"), OUT)

# -- the changes ----------------------------------------------------------------------------

TIME = "xen/arch/arm/time.c"
TIME_H = "xen/arch/arm/include/asm/time.h"
VTIMER = "xen/arch/arm/vtimer.c"
CONSOLE = "xen/drivers/char/console.c"
SCHED = "xen/common/sched/core.c"
LIST_H = "xen/include/xen/list.h"

Edit = tuple[str, str, str]  # (path, old, new): old occurs once in the file

KHZ: Edit = (
    TIME,
    'printk(XENLOG_INFO "Generic timer running at %lu KHz\\n", cpu_khz);',
    'printk(XENLOG_INFO "Generic timer running at %lu kHz\\n", cpu_khz);',
)
VTIMER_COMMENT: Edit = (
    VTIMER,
    "/* The vCPU leaves its pCPU: stop the real timer, arm the stand-in. */",
    "/* The vCPU leaves its pCPU: stop its virtual timer, arm the stand-in. */",
)
SCHED_COMMENT: Edit = (
    SCHED,
    "/* ... and wait until it is off. */",
    "/* ... and wait until it is off its pCPU. */",
)
CONSOLE_NULL: Edit = (
    CONSOLE,
    "    if ( console_uart == NULL )\n        return;\n",
    "    if ( !console_uart )\n        return;\n",
)
LIST_COMMENT: Edit = (
    LIST_H,
    "/* Unlink entry and leave it as an empty list: safe to unlink twice. */",
    "/* Unlink entry and make it an empty list again: safe to unlink twice. */",
)

VTIMER_INIT = """int vcpu_vtimer_init(struct vcpu *v)
{
    struct vtimer *t = &v->arch.phys_timer;

    t->v = v;
    t->ctl = 0;
    t->irq = GUEST_TIMER_PHYS_NS_PPI;
    init_timer(&t->timer, phys_timer_expired, t, v->processor);

    t = &v->arch.virt_timer;
    t->v = v;
    t->ctl = 0;
    t->irq = GUEST_TIMER_VIRT_PPI;
    init_timer(&t->timer, virt_timer_expired, t, v->processor);

    v->arch.vtimer_initialized = true;
"""


def vtimer_helper(name: str = "init_one_vtimer") -> Edit:
    """vcpu_vtimer_init()'s two copies of the same statements as one helper called ``name``."""
    args = " " * (len(name) + 13)  # under the parameters of "static void name("
    call = " " * (len(name) + 5)  # under the arguments of "    name("
    return (
        VTIMER,
        VTIMER_INIT,
        f"""static void {name}(struct vcpu *v, struct vtimer *t, unsigned int irq,
{args}void (*expired)(void *))
{{
    t->v = v;
    t->ctl = 0;
    t->irq = irq;
    init_timer(&t->timer, expired, t, v->processor);
}}

int vcpu_vtimer_init(struct vcpu *v)
{{
    {name}(v, &v->arch.phys_timer, GUEST_TIMER_PHYS_NS_PPI,
{call}phys_timer_expired);
    {name}(v, &v->arch.virt_timer, GUEST_TIMER_VIRT_PPI,
{call}virt_timer_expired);

    v->arch.vtimer_initialized = true;
""",
    )


VTIMER_HELPER = vtimer_helper()

# -- the texts ------------------------------------------------------------------------------

KHZ_TITLE = "xen/arm: time: Print the timer frequency in kHz"
KHZ_BODY = """\
The generic timer's frequency is printed with the unit "KHz", which is
not a unit: the prefix for a thousand is a lower-case "k".  Print "kHz"
as the rest of Xen does.
"""

HELPER_TITLE = "xen/arm: vtimer: Set up both timers with one helper"
HELPER_BODY = """\
vcpu_vtimer_init() sets up the physical and the virtual timer of a vCPU
with the same four statements, one copy for each.  Move them into a
helper taking the timer, its interrupt and its expiry handler, so that
the two cannot drift apart when a field is added to struct vtimer.

No functional change.
"""

VTIMER_TITLE = "xen/arm: vtimer: Describe what virt_timer_save() stops"
VTIMER_BODY = """\
virt_timer_save() only deals with the virtual timer: the physical one is
emulated all the time.  Say so in the comment above it.
"""

SCHED_BODY = """\
vcpu_sleep_sync() waits until the vCPU is no longer running on its pCPU,
not until it is "off" in any other sense.  Say so in the comment.
"""

CONSOLE_BODY = """\
Xen's style compares pointers with NULL by testing them directly, as the
other checks in this file do.  No functional change.
"""

FIXES_BODY = """\
The generic timer's frequency has been printed with the unit "KHz" since
the timer code was added, but that is not a unit: the prefix for a
thousand is a lower-case "k".  Print "kHz" as the rest of Xen does.
"""

ORIGIN_TITLE = "xen/list: Reword the comment of list_del_init()"
ORIGIN_BODY = """\
Linux reworded the comment of list_del_init(): the entry is not left as
it was, it becomes an empty list again, which is what makes a second
unlink harmless.  Take the same wording.
"""
LKML = "https://lore.kernel.org/all/20260110093000.4711-1-lina@example.org/"
LINUX_GIT = "git://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git"


def sob(*people: str) -> str:
    return "".join(f"Signed-off-by: {p}\n" for p in people)


def khz(
    title: str = KHZ_TITLE,
    message: str = KHZ_BODY + "\n" + sob(NADIA),
    *,
    author: str = NADIA,
    sender: str | None = None,
    notes: str = "",
) -> MailPatch:
    """The kHz fix of the timer's boot message, with the given title and message."""
    return MailPatch(title, message, [KHZ], author=author, sender=sender, notes=notes, cc=ARM_CC)


def vtimer_comment() -> MailPatch:
    return MailPatch(
        VTIMER_TITLE, VTIMER_BODY + "\n" + sob(NADIA), [VTIMER_COMMENT], NADIA, cc=ARM_CC
    )


def helper(
    message: str = HELPER_BODY + "\n" + sob(NADIA), name: str = "init_one_vtimer"
) -> MailPatch:
    return MailPatch(HELPER_TITLE, message, [vtimer_helper(name)], NADIA, cc=ARM_CC)


def origin(trailer: str) -> MailPatch:
    """Lina's list_del_init() comment from Linux, sent by Nadia with ``trailer``."""
    message = ORIGIN_BODY + "\n" + sob(LINA) + trailer + "\n" + sob(NADIA)
    return MailPatch(ORIGIN_TITLE, message, [LIST_COMMENT], LINA, sender=NADIA, cc=(OLAF, RUTH))


def day(n: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, n, hour, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Fx:
    out: str  # rule_folder/file.patch|.mbox
    postings: Sequence[Posting]


def single(out: str, patch: MailPatch, tag: str, date: datetime, version: int = 1) -> Fx:
    """A patch posted alone."""
    return Fx(out, [Posting([patch], date=date, tag=tag, version=version)])


# -- the fixtures ---------------------------------------------------------------------------

SPECS = [
    # MSG001 subject-without-area
    single(
        "subject_without_area/bad_no_area.patch",
        khz("Print the generic timer frequency in kHz"),
        "noarea",
        day(2),
    ),
    single("subject_without_area/ok_area.patch", khz(), "area", day(2)),
    # MSG002 subject-area-mismatch
    single(
        "subject_area_mismatch/bad_x86_area_on_arm_code.patch",
        khz("x86/time: Print the timer frequency in kHz"),
        "x86area",
        day(3),
    ),
    single(
        "subject_area_mismatch/bad_common_area_on_arm_code.patch",
        MailPatch(
            "xen/sched: Describe what virt_timer_save() stops",
            VTIMER_BODY + "\n" + sob(NADIA),
            [VTIMER_COMMENT],
            NADIA,
            cc=ARM_CC,
        ),
        "schedarea",
        day(3),
    ),
    single("subject_area_mismatch/ok_arm_sub_component.patch", vtimer_comment(), "armsub", day(3)),
    single(
        "subject_area_mismatch/ok_common_area.patch",
        MailPatch(
            "xen/sched: Say what vcpu_sleep_sync() waits for",
            SCHED_BODY + "\n" + sob(NADIA),
            [SCHED_COMMENT],
            NADIA,
            cc=(SAMI, ROSA),
        ),
        "schedok",
        day(3),
    ),
    # MSG003 subject-too-long
    single(
        "subject_too_long/bad_long_title.patch",
        khz("xen/arm: time: Print the frequency of the generic timer in kHz rather than in KHz"),
        "longtitle",
        day(4),
    ),
    single("subject_too_long/ok_short_title.patch", khz(), "shorttitle", day(4)),
    # MSG004 subject-ends-with-period
    single(
        "subject_ends_with_period/bad_period.patch",
        khz("xen/arm: time: Print the timer frequency in kHz."),
        "period",
        day(4, 11),
    ),
    single("subject_ends_with_period/ok_no_period.patch", khz(), "noperiod", day(4, 11)),
    # MSG005 body-line-too-long
    single(
        "body_line_too_long/bad_unwrapped.patch",
        khz(
            message='The generic timer\'s frequency is printed with the unit "KHz", which is '
            'not a unit at all:\nthe prefix for a thousand is a lower-case "k".  Print "kHz" '
            "as the rest of Xen does.\n\n" + sob(NADIA)
        ),
        "unwrapped",
        day(5),
    ),
    single(
        "body_line_too_long/ok_log_and_url.patch",
        khz(
            message="""\
The boot log says

    (XEN) Generic timer running at 62500 KHz (from CNTFRQ_EL0, checked at boot)

but "KHz" is not a unit: the prefix for a thousand is a lower-case "k",
see https://www.bipm.org/documents/20126/41483022/SI-Brochure-9-EN.pdf/2d2b50bf
for the SI prefixes.  Print "kHz" as the rest of Xen does.

"""
            + sob(NADIA)
        ),
        "wrapped",
        day(5),
    ),
    # MSG006 missing-signed-off-by
    single("missing_signed_off_by/bad_no_tags.patch", khz(message=KHZ_BODY), "nosob", day(6)),
    single(
        "missing_signed_off_by/bad_only_sender_signed.patch",
        khz(message=KHZ_BODY + "\n" + sob(KOFI), sender=KOFI),
        "sendersob",
        day(6),
    ),
    single(
        "missing_signed_off_by/ok_forwarded.patch",
        khz(message=KHZ_BODY + "\n" + sob(NADIA, KOFI), sender=KOFI),
        "fwd",
        day(6),
    ),
    # MSG007 malformed-fixes-tag
    single(
        "malformed_fixes_tag/bad_short_id.patch",
        khz(message=FIXES_BODY + f'\nFixes: {BASE[:8]} ("xenreview mini tree")\n' + sob(NADIA)),
        "fixshort",
        day(7),
    ),
    single(
        "malformed_fixes_tag/bad_no_subject.patch",
        khz(message=FIXES_BODY + f"\nFixes: {BASE12}\n" + sob(NADIA)),
        "fixnosubj",
        day(7),
    ),
    single(
        "malformed_fixes_tag/ok_fixes.patch",
        khz(message=FIXES_BODY + f'\nFixes: {BASE12} ("xenreview mini tree")\n' + sob(NADIA)),
        "fixok",
        day(7),
    ),
    # MSG008 unknown-fixes-commit
    single(
        "unknown_fixes_commit/bad_wrong_subject.patch",
        khz(
            message=FIXES_BODY
            + f'\nFixes: {BASE12} ("xen/arm: Add the generic timer")\n'
            + sob(NADIA)
        ),
        "fixwrong",
        day(8),
    ),
    single(
        "unknown_fixes_commit/ok_matching_subject.patch",
        khz(message=FIXES_BODY + f'\nFixes: {BASE12} ("xenreview mini tree")\n' + sob(NADIA)),
        "fixmatch",
        day(8),
    ),
    # MSG009 misordered-trailers
    single(
        "misordered_trailers/bad_review_above_signoff.patch",
        khz(message=KHZ_BODY + f"\nReviewed-by: {JULIA}\n" + sob(NADIA)),
        "order1",
        day(9),
    ),
    single(
        "misordered_trailers/bad_reporter_below_review.patch",
        khz(message=KHZ_BODY + "\n" + sob(NADIA) + f"Reviewed-by: {JULIA}\nReported-by: {KOFI}\n"),
        "order2",
        day(9),
    ),
    single(
        "misordered_trailers/ok_chronological.patch",
        khz(
            message=KHZ_BODY
            + f"\nReported-by: {KOFI}\n"
            + sob(NADIA)
            + f"Reviewed-by: {JULIA}\nTested-by: {KOFI}\n"
        ),
        "order3",
        day(9),
    ),
    # MSG010 duplicate-trailer
    single(
        "duplicate_trailer/bad_repeated_review.patch",
        khz(message=KHZ_BODY + "\n" + sob(NADIA) + f"Reviewed-by: {JULIA}\nReviewed-by: {JULIA}\n"),
        "dup",
        day(10),
    ),
    single(
        "duplicate_trailer/ok_scoped_reviews.patch",
        MailPatch(
            "xen: Fix a unit and a comment",
            """\
The generic timer's frequency is printed with the unit "KHz", and the
comment above vcpu_sleep_sync() says the vCPU is waited for until it is
"off".  Use "kHz", the unit, and say off what the vCPU must be.
"""
            + "\n"
            + sob(NADIA)
            + f"Reviewed-by: {JULIA} # arm\nReviewed-by: {JULIA} # sched\n",
            [KHZ, SCHED_COMMENT],
            NADIA,
            cc=(*ARM_CC, SAMI, ROSA),
        ),
        "scoped",
        day(10),
    ),
    # MSG011 empty-commit-body
    single(
        "empty_commit_body/bad_refactor_without_body.patch",
        helper(message=sob(NADIA)),
        "nobody",
        day(11),
    ),
    single("empty_commit_body/ok_refactor_with_body.patch", helper(), "body", day(11)),
    single(
        "empty_commit_body/ok_one_liner_without_body.patch",
        khz(message=sob(NADIA)),
        "oneliner",
        day(11),
    ),
    # MSG012 missing-changelog
    single(
        "missing_changelog/bad_v2_without_changelog.patch", khz(), "v2nolog", day(12), version=2
    ),
    single(
        "missing_changelog/ok_v2_with_changelog.patch",
        khz(notes="Changes in v2:\n- say why in the commit message, as asked by Julia"),
        "v2log",
        day(12),
        version=2,
    ),
    Fx(
        "missing_changelog/ok_changelog_in_cover.mbox",
        [
            Posting(
                [khz(), vtimer_comment()],
                date=day(12, 14),
                tag="v2cover",
                version=2,
                cover_title="xen/arm: Two small timer clean-ups",
                cover_body="""\
Two small clean-ups of the Arm timer code found while reading it.

Changes in v2:
- patch 1: say why in the commit message (Julia)
- patch 2: new
""",
            )
        ],
    ),
    # MSG013 self-review-tag
    single(
        "self_review_tag/bad_self_ack.patch",
        khz(
            message=KHZ_BODY + "\n" + sob(ALICE_ARM) + f"Acked-by: {ALICE_ARM}\n",
            author=ALICE_ARM,
        ),
        "selfack",
        day(13),
    ),
    single(
        "self_review_tag/ok_other_maintainer_ack.patch",
        khz(
            message=KHZ_BODY + "\n" + sob(ALICE_ARM) + f"Acked-by: {BRUNO_BOARD}\n",
            author=ALICE_ARM,
        ),
        "otherack",
        day(13),
    ),
    # MSG014 malformed-trailer-address
    single(
        "malformed_trailer_address/bad_signoff_without_name.patch",
        khz(message=KHZ_BODY + "\nSigned-off-by: nadia@example.org\n"),
        "noname",
        day(14),
    ),
    single(
        "malformed_trailer_address/bad_reporter_without_address.patch",
        khz(message=KHZ_BODY + "\nReported-by: Bruno Example\n" + sob(NADIA)),
        "noaddr",
        day(14),
    ),
    single(
        "malformed_trailer_address/ok_full_addresses.patch",
        khz(message=KHZ_BODY + f"\nReported-by: {KOFI}\n" + sob(NADIA)),
        "addrok",
        day(14),
    ),
    # MSG015 misspelled-trailer
    single(
        "misspelled_trailer/bad_reviewd_by.patch",
        khz(message=KHZ_BODY + "\n" + sob(NADIA) + f"Reviewd-by: {JULIA}\n"),
        "typo1",
        day(15),
    ),
    single(
        "misspelled_trailer/bad_signed_of_by.patch",
        khz(message=KHZ_BODY + f"\nSigned-of-by: {NADIA}\n"),
        "typo2",
        day(15),
    ),
    single(
        "misspelled_trailer/ok_spelled_right.patch",
        khz(message=KHZ_BODY + "\n" + sob(NADIA) + f"Reviewed-by: {JULIA}\nTested-by: {KOFI}\n"),
        "typook",
        day(15),
    ),
    # MSG016 co-developer-without-signoff
    single(
        "co_developer_without_signoff/bad_missing_co_signoff.patch",
        helper(HELPER_BODY + f"\nCo-developed-by: {KOFI}\n" + sob(NADIA)),
        "codev",
        day(16),
    ),
    single(
        "co_developer_without_signoff/ok_co_signed.patch",
        helper(HELPER_BODY + f"\nCo-developed-by: {KOFI}\n" + sob(KOFI, NADIA)),
        "codevok",
        day(16),
    ),
    # MSG017 malformed-origin-tag
    single(
        "malformed_origin_tag/bad_link_as_origin.patch",
        origin(f"Origin: {LKML}"),
        "origin1",
        day(17),
    ),
    single(
        "malformed_origin_tag/bad_commit_without_repository.patch",
        origin("Origin: 6b3e2f1a9c0d"),
        "origin2",
        day(17),
    ),
    single(
        "malformed_origin_tag/ok_repository_and_commit.patch",
        origin(f"Origin: {LINUX_GIT} 6b3e2f1a9c0d"),
        "origin3",
        day(17),
    ),
]


def generate(maker: PatchMaker, specs: Sequence[Fx], wanted: Sequence[str] = ()) -> list[Path]:
    """Write the fixtures (those whose path contains one of ``wanted``, if any) under
    ``maker.out``, in ``maker``'s repository (set up already)."""
    written = []
    for fx in specs:
        if wanted and not any(w in fx.out for w in wanted):
            continue
        written.append(write_postings(maker, fx.out, fx.postings))
    return written


def main(argv: list[str]) -> int:
    MAKER.setup()
    for path in generate(MAKER, SPECS, [a for a in argv if not a.startswith("-")]):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
