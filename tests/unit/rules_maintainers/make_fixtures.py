"""The recipes of the maintainers rules' fixtures: git format-patch output against the mini tree.

Run ``python -m tests.unit.rules_maintainers.make_fixtures`` from the
repository root to rebuild every ``rules/maintainers/*/*.patch|.mbox``
(dates, identities and Message-IDs are fixed, so the output is the same
each time; name parts of the files to rebuild only those), then
``python -m pytest tests/rules -k ACK --update-golden`` for the snapshots.
The scratch repository lives under the system's temporary folder.

Each patch is a commit of exact text edits of the mini tree (its author is
its committer, so the commit ids in the ``From`` lines are fixed too),
written by git format-patch, whose headers are then set the way a posting
has them: Message-ID and thread first, then From, Date, Subject, To.  The
series of ``missing_maintainer_ack`` has git's cover letter, with its
subject and blurb filled in, and replies that carry the acks and reviews
the rule counts; the mini tree's MAINTAINERS says whose they must be.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.fixture_patches import PatchMaker

OUT = Path(__file__).resolve().parents[3] / "rules" / "maintainers"
LIST = "xen-devel@lists.xenproject.org"
MIRA = ("Mira Example", "mira@example.org")
PAVEL = ("Pavel Power", "pavel@example.org")
TOMAS = ("Tomas Tty", "tomas@example.org")
MAKER = PatchMaker("xenreview-maintainers-fixtures", MIRA, OUT)

MARCH_2 = 1772445600  # Mon, 2 Mar 2026 10:00:00 +0000
POSTED = "Mon, 2 Mar 2026 10:00:00 +0000"


def who(person: tuple[str, str]) -> str:
    return f"{person[0]} <{person[1]}>"


@dataclass(frozen=True)
class Commit:
    title: str
    body: str
    author: tuple[str, str]
    edits: Sequence[tuple[str, str, str]] = ()
    new: Mapping[str, str] = field(default_factory=dict)
    moves: Mapping[str, str] = field(default_factory=dict)
    minute: int = 0  # committed at 10:00 + minute on 2 March 2026
    trailers: str = ""  # below the author's Signed-off-by

    def make(self, maker: PatchMaker) -> str:
        return maker.commit(
            f"{self.title}\n\n{self.body.strip()}\n\nSigned-off-by: {who(self.author)}\n"
            + self.trailers,
            author=self.author,
            committer=self.author,
            date=f"{MARCH_2 + 60 * self.minute} +0000",
            edits=self.edits,
            new=self.new,
            moves=self.moves,
            label=self.title,
        )


@dataclass(frozen=True)
class Reply:
    to: int  # the mail replied to: 0 the cover letter, n patch n
    author: tuple[str, str]
    date: str
    message_id: str
    quoted: Sequence[str]  # the lines quoted from it
    text: str


@dataclass(frozen=True)
class Fx:
    out: str  # rule_folder/file.patch|.mbox
    tag: str  # in the Message-IDs: <20260302100000.n.tag@example.org>
    commits: Sequence[Commit]
    cover: tuple[str, str] | None = None  # title and blurb of the cover letter
    replies: Sequence[Reply] = ()


# -- mails ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mail:
    first: str  # the mbox "From " line
    headers: dict[str, str]
    body: str


def split_mails(text: str) -> list[Mail]:
    """git format-patch's ``--stdout`` output, one mail at a time."""
    mails = []
    for chunk in re.split(r"(?m)^(?=From [0-9a-f]{40} Mon Sep 17 00:00:00 2001$)", text):
        if not chunk:
            continue
        head, _, body = chunk.partition("\n\n")
        first, *lines = head.split("\n")
        headers: dict[str, str] = {}
        key = ""
        for line in lines:
            if line[:1] in (" ", "\t") and key:
                headers[key] += "\n" + line
            else:
                key, _, value = line.partition(": ")
                headers[key] = value
        # Between mails --stdout leaves one blank line more than a mail's file has.
        mails.append(Mail(first, headers, body.rstrip("\n") + "\n\n"))
    return mails


def render(
    first: str,
    author: str,
    date: str,
    subject: str,
    message_id: str,
    body: str,
    *,
    thread: Sequence[str] = (),  # the References, the last one replied to
    to: str = LIST,
    cc: str | None = None,
) -> str:
    out = [first, f"Message-ID: {message_id}"]
    if thread:
        out += [f"In-Reply-To: {thread[-1]}", "References: " + " ".join(thread)]
    out += [f"From: {author}", f"Date: {date}", f"Subject: {subject}", f"To: {to}"]
    if cc:
        out.append(f"Cc: {cc}")
    text = "\n".join(out) + "\n\n" + body
    return text if text.endswith("\n\n") else text + "\n"


def build(maker: PatchMaker, fx: Fx) -> Path:
    maker.start()
    for commit in fx.commits:
        commit.make(maker)
    args = [f"--base={maker.base}", "--signature=2.39.5", "--abbrev=7"]
    if fx.cover is not None:
        args.append("--cover-letter")
    mails = split_mails(maker.format_patch(*args, f"{maker.base}..HEAD"))
    cover = 0 if fx.cover is not None else None
    ids = [f"<20260302100000.{n}.{fx.tag}@example.org>" for n in range(len(mails) + 1)]
    first_id = 0 if cover is not None else 1
    author = who(fx.commits[0].author)
    subjects: list[str] = []
    texts = []
    for i, mail in enumerate(mails):
        n = i + first_id
        subject = mail.headers["Subject"].replace("\n", "")
        body = mail.body
        if i == 0 and fx.cover is not None:
            title, blurb = fx.cover
            subject = subject.replace("*** SUBJECT HERE ***", title)
            body = body.replace("*** BLURB HERE ***", blurb.strip())
        subjects.append(subject)
        date = f"Mon, 2 Mar 2026 10:{i:02d}:00 +0000" if len(mails) > 1 else POSTED
        thread = [ids[first_id]] if i > 0 else []
        texts.append(render(mail.first, author, date, subject, ids[n], body, thread=thread))
    for reply in fx.replies:
        at = reply.to - first_id
        thread = [ids[first_id]] + ([ids[reply.to]] if reply.to != first_id else [])
        quote = "".join(f"> {line}\n" if line else ">\n" for line in reply.quoted)
        body = f"On 02/03/2026 10:00, {fx.commits[0].author[0]} wrote:\n{quote}\n{reply.text}"
        first = f"From {reply.author[1]} Tue Mar  3 09:00:00 2026"
        texts.append(
            render(
                first,
                who(reply.author),
                reply.date,
                "Re: " + subjects[at],
                reply.message_id,
                body,
                thread=thread,
                to=author,
                cc=LIST,
            )
        )
    target = maker.out / fx.out
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(texts))
    return target


# -- the changes ----------------------------------------------------------------------------

EMACS = """
/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
"""

CONSOLE_C = "xen/drivers/char/console.c"
CONSOLE_ENTRY = "CONSOLE\nM:\tTomas Tty <tomas@example.org>\n"

UART_CHECK = Commit(
    "xen/console: Ignore a UART without a putc hook",
    """
__putstr() calls the putc hook of the registered UART for every
character, without checking that the driver provided one.  A driver
registering incomplete ops would crash the first printk() after it.

Refuse such ops and keep printing into the ring only, as before any
UART was registered.
""",
    MIRA,
    edits=[
        (
            CONSOLE_C,
            "{\n    console_uart = ops;\n",
            "{\n    if ( ops == NULL || ops->putc == NULL )\n        return;\n\n"
            "    console_uart = ops;\n",
        )
    ],
    minute=1,
)

TIMER_ISB = Commit(
    "xen/arm: time: Synchronise after disarming the EL2 timer",
    """
Disarming the hypervisor timer is a system register write just like
arming it, and the caller expects the timer to be quiet once
reprogram_timer() returns.  Add the isb() that the arming path already
has, so that a stale interrupt cannot fire after the timer was stopped.
""",
    MIRA,
    edits=[
        (
            "xen/arch/arm/time.c",
            "        WRITE_SYSREG(0, CNTHP_CTL_EL2);\n        return 1;\n",
            "        WRITE_SYSREG(0, CNTHP_CTL_EL2);\n        isb();\n        return 1;\n",
        )
    ],
    minute=2,
)

CONSOLE_UNLOCK = Commit(
    "xen/console: Force the console out when the host halts or resets",
    """
machine_halt() and machine_restart() only switch the console to
synchronous output.  When they run because another CPU crashed while
holding the console lock, their last messages wait for a lock that is
never released, and the reason for the halt is lost.

Use console_force_unlock() there, as panic() does, and say in
console.c why it exists.
""",
    TOMAS,
    trailers="Acked-by: Bruno Board <bruno@example.org>\n",
    edits=[
        (
            "xen/arch/arm/shutdown.c",
            "void machine_halt(void)\n{\n    console_start_sync();\n",
            "void machine_halt(void)\n{\n    console_force_unlock();\n",
        ),
        (
            "xen/arch/arm/shutdown.c",
            "MILLISECS(delay_millisecs);\n\n    console_start_sync();\n",
            "MILLISECS(delay_millisecs);\n\n    console_force_unlock();\n",
        ),
        (
            CONSOLE_C,
            "void console_force_unlock(void)\n",
            "/* Halt and reset paths: the CPU holding the lock may never release it. */\n"
            "void console_force_unlock(void)\n",
        ),
    ],
)

PM_TITLE = "xen: Count the host's trips through low-power states"
PM_BODY = """
Both the Arm and the x86 suspend paths want to report how often the
host went to sleep, and neither should carry its own counter.  Add a
small common folder for power-management bookkeeping, starting with
that counter, which the suspend code of each architecture can bump.
"""
PM_FILES = {
    "xen/common/pm/Makefile": "obj-y += state.o\n",
    "xen/common/pm/state.c": """/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/common/pm/state.c
 *
 * Bookkeeping of the host's trips through low-power states, shared by
 * the architectures that implement suspend to RAM.
 */

#include <xen/lib.h>
#include <xen/pm.h>
#include <xen/types.h>

static unsigned int pm_transitions;

void pm_note_transition(void)
{
    pm_transitions++;
}

unsigned int pm_transition_count(void)
{
    return pm_transitions;
}
"""
    + EMACS,
    "xen/include/xen/pm.h": """/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_PM_H__
#define __XEN_PM_H__

/* Count one trip of the host through a low-power state and back. */
void pm_note_transition(void);

/* How many trips the host made since boot. */
unsigned int pm_transition_count(void);

#endif /* __XEN_PM_H__ */
"""
    + EMACS,
}
PM_MAKEFILE = ("xen/common/Makefile", "obj-y += kernel.o\n", "obj-y += kernel.o\nobj-y += pm/\n")
PM_ENTRY = (
    "MAINTAINERS",
    "X:\txen/drivers/passthrough/arm/\n\n",
    """X:\txen/drivers/passthrough/arm/

POWER MANAGEMENT
M:\tPavel Power <pavel@example.org>
L:\txen-devel@lists.xenproject.org
S:\tMaintained
F:\txen/common/pm/
F:\txen/include/xen/pm.h

""",
)

EVTCHN_TITLE = "xen/evtchn: Rename event_channel.c to evtchn.c"
EVTCHN_BODY = """
Every function in the file, its header and its hypercall use the
evtchn_ prefix; only the file name spells it out.  Rename the file so
that it can be found under the name used everywhere else.

No functional change.
"""
EVTCHN_BODY_MAINTAINERS = """
Every function in the file, its header and its hypercall use the
evtchn_ prefix; only the file name spells it out.  Rename the file so
that it can be found under the name used everywhere else, and follow
the move in MAINTAINERS.

No functional change.
"""
EVTCHN_EDITS = [
    ("xen/common/Makefile", "obj-y += event_channel.o\n", "obj-y += evtchn.o\n"),
    ("xen/common/evtchn.c", " * xen/common/event_channel.c\n", " * xen/common/evtchn.c\n"),
]
EVTCHN_MOVE = {"xen/common/event_channel.c": "xen/common/evtchn.c"}

REVIEWER_TITLE = "MAINTAINERS: Add Pavel as a reviewer of the console"
REVIEWER_BODY = """
The console grows suspend and resume hooks with the suspend to RAM
work, which I am looking after on Arm.  Add me as a reviewer so that I
am copied on console patches.
"""

# -- the fixtures ---------------------------------------------------------------------------

SERIES_COVER = (
    "xen: Two small console and Arm timer fixes",
    """
Two independent fixes found while bringing up a board whose UART driver
registers itself early: the console no longer trusts a UART without a
putc hook, and the Arm timer synchronises after it is disarmed.
""",
)
CONSOLE_ACK = Reply(
    1,
    TOMAS,
    "Tue, 3 Mar 2026 09:00:00 +0000",
    "<reply-1.tomas@example.org>",
    [
        "Refuse such ops and keep printing into the ring only, as before any",
        "UART was registered.",
        "",
        "Signed-off-by: Mira Example <mira@example.org>",
    ],
    "Acked-by: Tomas Tty <tomas@example.org>\n",
)

SPECS = [
    # ACK001 missing-maintainer-ack
    Fx(
        "missing_maintainer_ack/bad_own_patch.patch",
        "console-halt",
        # The author maintains the console; the Arm maintainers' ack is missing.
        [CONSOLE_UNLOCK],
    ),
    Fx(
        "missing_maintainer_ack/bad_partial_acks.mbox",
        "console-timer",
        [UART_CHECK, TIMER_ISB],
        cover=SERIES_COVER,
        replies=[
            CONSOLE_ACK,
            # A review, not a maintainer's ack, of the Arm patch.
            Reply(
                2,
                ("Julia Example", "julia@example.org"),
                "Tue, 3 Mar 2026 10:00:00 +0000",
                "<reply-2.julia@example.org>",
                ["Signed-off-by: Mira Example <mira@example.org>"],
                "Reviewed-by: Julia Example <julia@example.org>\n",
            ),
        ],
    ),
    Fx(
        "missing_maintainer_ack/ok_acked.mbox",
        "console-timer",
        [UART_CHECK, TIMER_ISB],
        cover=SERIES_COVER,
        replies=[
            CONSOLE_ACK,
            # The Arm maintainer acks the series for the Arm part.
            Reply(
                0,
                ("Alice Arm", "alice@example.org"),
                "Tue, 3 Mar 2026 11:00:00 +0000",
                "<reply-0.alice@example.org>",
                [
                    "Two independent fixes found while bringing up a board whose UART driver",
                    "registers itself early.",
                ],
                "Acked-by: Alice Arm <alice@example.org> # arm\n",
            ),
        ],
    ),
    Fx(
        "missing_maintainer_ack/ok_fresh_posting.patch",
        "timer-isb",
        # Nobody has answered yet: no ack is missing.
        [TIMER_ISB],
    ),
    # ACK002 new-directory-without-maintainer
    Fx(
        "new_directory_without_maintainer/bad_new_common_folder.patch",
        "pm-count",
        [Commit(PM_TITLE, PM_BODY, PAVEL, edits=[PM_MAKEFILE], new=PM_FILES)],
    ),
    Fx(
        "new_directory_without_maintainer/ok_new_folder_with_entry.patch",
        "pm-count-entry",
        [
            Commit(
                PM_TITLE,
                PM_BODY
                + "\nI volunteer to look after the new folder: add a MAINTAINERS entry for\nit.\n",
                PAVEL,
                edits=[PM_ENTRY, PM_MAKEFILE],
                new=PM_FILES,
            )
        ],
    ),
    # ACK003 stale-maintainers-pattern
    Fx(
        "stale_maintainers_pattern/bad_renamed_file.patch",
        "evtchn-rename",
        [
            Commit(
                EVTCHN_TITLE,
                EVTCHN_BODY,
                MIRA,
                edits=EVTCHN_EDITS,
                moves=EVTCHN_MOVE,
            )
        ],
    ),
    Fx(
        "stale_maintainers_pattern/ok_renamed_with_update.patch",
        "evtchn-rename-v1",
        [
            Commit(
                EVTCHN_TITLE,
                EVTCHN_BODY_MAINTAINERS,
                MIRA,
                edits=[
                    *EVTCHN_EDITS,
                    (
                        "MAINTAINERS",
                        "F:\txen/common/event_channel.c\n",
                        "F:\txen/common/evtchn.c\n",
                    ),
                ],
                moves=EVTCHN_MOVE,
            )
        ],
    ),
    # ACK004 malformed-maintainers-file
    Fx(
        "malformed_maintainers_file/bad_reviewer_without_address.patch",
        "console-reviewer",
        [
            Commit(
                REVIEWER_TITLE,
                REVIEWER_BODY,
                PAVEL,
                edits=[("MAINTAINERS", CONSOLE_ENTRY, CONSOLE_ENTRY + "R:\tPavel Power\n")],
            )
        ],
    ),
    Fx(
        "malformed_maintainers_file/ok_reviewer_added.patch",
        "console-reviewer-v1",
        [
            Commit(
                REVIEWER_TITLE,
                REVIEWER_BODY,
                PAVEL,
                edits=[("MAINTAINERS", CONSOLE_ENTRY, CONSOLE_ENTRY + f"R:\t{who(PAVEL)}\n")],
            )
        ],
    ),
]


def generate(maker: PatchMaker, specs: Sequence[Fx], wanted: Sequence[str] = ()) -> list[Path]:
    """Write the fixtures (those whose path contains one of ``wanted``, if any) under
    ``maker.out``, in ``maker``'s repository (set up already)."""
    return [build(maker, fx) for fx in specs if not wanted or any(w in fx.out for w in wanted)]


def main(argv: list[str]) -> int:
    MAKER.setup()
    for path in generate(MAKER, SPECS, [a for a in argv if not a.startswith("-")]):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
