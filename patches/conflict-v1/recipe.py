"""Recipe: "[PATCH 0/3] xen: Console and timer clean-ups" (a conflict).

The author wrote the series on a tree that had one more commit than the
mini tree (the hidden prerequisite below: it sized the printk() buffer with
CONSOLE_BUF_SIZE).  Patch 2/3 touches vprintk() and its context carries
that commit's line, so it does not apply to the mini tree, with or without
a three-way merge (its pre-image blob is not in the mini tree).  Patches
1/3 and 3/3 are independent of it and apply.  format-patch records the
missing commit as a ``prerequisite-patch-id:`` below ``base-commit:``.
"""

from __future__ import annotations

from typing import Any

SAUL = "Saul Example <saul@example.org>"
JULIA = "Julia Example <julia@example.org>"

CONSOLE_C = "xen/drivers/char/console.c"


def build(s: Any) -> None:
    s.setup(
        sender=SAUL,
        date="2026-03-17T08:00:00",
        msgid_tag="cleanups-v1",
        cover_subject="xen: Console and timer clean-ups",
        cover_body="""
        Three small clean-ups found while reading the console and timer code
        for the suspend work: a friendlier timer frequency at boot, a console
        log level, and one helper for the two virtual timers of a vCPU.

        The series is based on my tree, which has the CONSOLE_BUF_SIZE change
        from last week.
        """,
    )

    pre = s.prerequisite(
        "xen/console: Size the printk() buffer with CONSOLE_BUF_SIZE",
        """
        Name the size of the buffer vprintk() formats messages into, so that
        it can be tuned at one place.
        """,
    )
    pre.signed_off_by(SAUL)
    pre.replace(
        CONSOLE_C,
        """
#define CONRING_SIZE 16384
""",
        """
#define CONRING_SIZE 16384
#define CONSOLE_BUF_SIZE 1024
""",
    )
    pre.replace(
        CONSOLE_C,
        """
    static char buf[1024];
    unsigned long flags;
""",
        """
    static char buf[CONSOLE_BUF_SIZE];
    unsigned long flags;
""",
    )

    p = s.patch(
        "xen/arm: time: Print the timer frequency in MHz",
        """
        Generic timers run at tens of MHz: print the frequency in MHz with
        three decimals rather than as a long number of KHz.
        """,
    )
    p.signed_off_by(SAUL)
    p.replace(
        "xen/arch/arm/time.c",
        """
    printk(XENLOG_INFO "Generic timer running at %lu KHz\\n", cpu_khz);
""",
        """
    printk(XENLOG_INFO "Generic timer running at %lu.%03lu MHz\\n",
           cpu_khz / 1000, cpu_khz % 1000);
""",
    )

    p = s.patch(
        "xen/console: Drop messages above the console log level",
        """
        Debug messages flood the console on a busy host.  Give the console a
        log level, XENLOG_INFO by default, and drop messages whose level is
        above it (less important) before they are formatted.
        """,
    )
    p.signed_off_by(SAUL)
    p.replace(
        CONSOLE_C,
        """
/* Print even when the lock is held (crash, halt, reboot). */
static bool console_sync;
""",
        """
/* Print even when the lock is held (crash, halt, reboot). */
static bool console_sync;

/* Messages of a higher XENLOG_* level (less important) are dropped. */
static unsigned int __read_mostly console_loglevel = 2;
""",
    )
    p.insert_after(
        CONSOLE_C,
        """
    if ( msg[0] == '<' && msg[1] != '\\0' && msg[2] == '>' )
        return msg + 3;

    return msg;
}
""",
        """

/* The XENLOG_* level of a message; XENLOG_INFO's if it has none. */
static unsigned int message_level(const char *msg)
{
    if ( msg[0] == '<' && msg[1] >= '0' && msg[1] <= '9' && msg[2] == '>' )
        return msg[1] - '0';

    return 2;
}
""",
    )
    p.replace(
        CONSOLE_C,
        """
    static char buf[CONSOLE_BUF_SIZE];
    unsigned long flags;

    if ( console_sync )
""",
        """
    static char buf[CONSOLE_BUF_SIZE];
    unsigned long flags;

    if ( message_level(fmt) > console_loglevel )
        return;

    if ( console_sync )
""",
    )

    p = s.patch(
        "xen/arm: vtimer: Set up both timers of a vCPU with one helper",
        """
        vcpu_vtimer_init() sets up the physical and the virtual timer with
        the same four lines.  Move them to a helper.

        No functional change.
        """,
    )
    p.signed_off_by(SAUL)
    p.tag("Suggested-by", JULIA)
    p.replace(
        "xen/arch/arm/vtimer.c",
        """
int vcpu_vtimer_init(struct vcpu *v)
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
""",
        """
static void vtimer_init_one(struct vtimer *t, struct vcpu *v,
                            unsigned int irq, void (*expired)(void *data))
{
    t->v = v;
    t->ctl = 0;
    t->irq = irq;
    init_timer(&t->timer, expired, t, v->processor);
}

int vcpu_vtimer_init(struct vcpu *v)
{
    vtimer_init_one(&v->arch.phys_timer, v, GUEST_TIMER_PHYS_NS_PPI,
                    phys_timer_expired);
    vtimer_init_one(&v->arch.virt_timer, v, GUEST_TIMER_VIRT_PPI,
                    virt_timer_expired);

    v->arch.vtimer_initialized = true;
""",
    )
