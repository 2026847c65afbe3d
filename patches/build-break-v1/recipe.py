"""Recipe: "[PATCH 0/3] xen/arm: time: Convert counter values in one place".

A bisectability break: patch 2/3 makes ticks_to_ns() static and drops its
declaration, but vtimer.c still calls it, so the tree after patch 2 fails
the syntax check (implicit declaration, an error with -Werror); patch 3/3
converts vtimer.c and the tree passes again.  Patches 2 and 3 should have
been one.
"""

from __future__ import annotations

from typing import Any

NADIA = "Nadia Example <nadia@example.org>"

TIME_C = "xen/arch/arm/time.c"
TIME_H = "xen/arch/arm/include/asm/time.h"


def build(s: Any) -> None:
    s.setup(
        sender=NADIA,
        date="2026-03-24T15:00:00",
        msgid_tag="cval-v1",
        cover_subject="xen/arm: time: Convert counter values in one place",
        cover_body="""
        Every user of ticks_to_ns() outside time.c converts a counter value
        (a compare value or the counter itself), subtracting boot_count
        first.  Add cval_to_ns(), which does both, and keep ticks_to_ns()
        private to time.c.
        """,
    )

    p = s.patch(
        "xen/arm: time: Add cval_to_ns()",
        """
        Add cval_to_ns(), which gives the system time at which the counter
        reaches a value, and use it in get_s_time().
        """,
    )
    p.signed_off_by(NADIA)
    p.replace(
        TIME_C,
        """
s_time_t get_s_time(void)
{
    return ticks_to_ns(get_cycles() - boot_count);
}
""",
        """
s_time_t cval_to_ns(uint64_t cval)
{
    return ticks_to_ns(cval - boot_count);
}

s_time_t get_s_time(void)
{
    return cval_to_ns(get_cycles());
}
""",
    )
    p.insert_after(
        TIME_H,
        """
uint64_t ns_to_ticks(s_time_t ns);
""",
        """

/* The system time at which the counter reaches cval */
s_time_t cval_to_ns(uint64_t cval);
""",
    )

    p = s.patch(
        "xen/arm: time: Make ticks_to_ns() static",
        """
        Outside time.c, cval_to_ns() is what callers want: they hold counter
        values, not durations.  Make ticks_to_ns() static.
        """,
    )
    p.signed_off_by(NADIA)
    p.replace(
        TIME_C,
        """
s_time_t ticks_to_ns(uint64_t ticks)
""",
        """
static s_time_t ticks_to_ns(uint64_t ticks)
""",
    )
    p.replace(
        TIME_H,
        """
s_time_t ticks_to_ns(uint64_t ticks);
""",
        "",
    )

    p = s.patch(
        "xen/arm: vtimer: Use cval_to_ns()",
        """
        The virtual timer's stand-in expires when the counter reaches the
        guest's compare value: convert it with cval_to_ns().
        """,
    )
    p.signed_off_by(NADIA)
    p.replace(
        "xen/arch/arm/vtimer.c",
        """
        set_timer(&t->timer, ticks_to_ns(t->cval - boot_count));
""",
        """
        set_timer(&t->timer, cval_to_ns(t->cval));
""",
    )
