"""Recipe: "[PATCH 0/2] xen: Freeze domains around x86 S3 with the common helpers".

Touches common code (``xen/common/domain.c``, ``xen/include/xen/sched.h``:
THE REST in MAINTAINERS) and x86 code (a new ``xen/arch/x86/acpi/power.c``
and its Makefile: X86 ARCHITECTURE), so its maintainers and acks differ
from the Arm series.  Every prefix passes the syntax check.
"""

from __future__ import annotations

from typing import Any

STEFAN = "Stefan Example <stefan@example.org>"

POWER_C = """
/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/arch/x86/acpi/power.c
 *
 * ACPI S3 (suspend to RAM) on x86: every domain is paused around the
 * firmware's sleep, with the helpers Arm's host suspend uses too.
 */

#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/types.h>

#define ACPI_STATE_S3 3

/* Enter a sleep state through the firmware (ACPI tables in a full build) */
int acpi_enter_sleep_state(unsigned int state);

/* Put the host to sleep in ACPI state S3, every domain paused meanwhile. */
int enter_state(unsigned int state)
{
    unsigned int frozen;
    int rc;

    if ( state != ACPI_STATE_S3 )
        return -EINVAL;

    frozen = freeze_domains();
    printk(XENLOG_INFO "Entering ACPI S%u with %u domains paused\\n",
           state, frozen);

    rc = acpi_enter_sleep_state(state);

    thaw_domains();

    return rc;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
"""


def build(s: Any) -> None:
    s.setup(
        sender=STEFAN,
        date="2026-03-31T10:00:00",
        msgid_tag="s3-freeze-v1",
        cover_subject="xen: Freeze domains around x86 S3 with the common helpers",
        cover_body="""
        freeze_domains() and thaw_domains() live in common code since the Arm
        host suspend work.  Let x86's S3 path use them too, and have
        freeze_domains() say how many domains it paused, for the log.
        """,
    )

    p = s.patch(
        "xen/common: Make freeze_domains() return how many domains it paused",
        """
        Callers log the number of domains paused around a host suspend.
        Return it from freeze_domains() rather than walking the domain list
        again.
        """,
    )
    p.signed_off_by(STEFAN)
    p.replace(
        "xen/common/domain.c",
        """
void freeze_domains(void)
{
    struct domain *d;

    rcu_read_lock(&domlist_read_lock);

    for_each_domain ( d )
        domain_pause(d);

    rcu_read_unlock(&domlist_read_lock);
}
""",
        """
unsigned int freeze_domains(void)
{
    struct domain *d;
    unsigned int nr = 0;

    rcu_read_lock(&domlist_read_lock);

    for_each_domain ( d )
    {
        domain_pause(d);
        nr++;
    }

    rcu_read_unlock(&domlist_read_lock);

    return nr;
}
""",
    )
    p.replace(
        "xen/include/xen/sched.h",
        """
/* Pause, then unpause, every domain around a host suspend. */
void freeze_domains(void);
""",
        """
/* Pause (returning how many), then unpause, every domain around a suspend. */
unsigned int freeze_domains(void);
""",
    )

    p = s.patch(
        "x86/acpi: Freeze domains around S3 with the common helpers",
        """
        Pause every domain with freeze_domains() before the firmware puts
        the host in S3, and unpause them with thaw_domains() once it is
        back, so that no domain runs, or sees time pass, meanwhile.
        """,
    )
    p.signed_off_by(STEFAN)
    p.create("xen/arch/x86/acpi/power.c", POWER_C)
    p.create("xen/arch/x86/acpi/Makefile", "obj-y += power.o\n")
