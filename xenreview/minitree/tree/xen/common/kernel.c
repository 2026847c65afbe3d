/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/common/kernel.c
 *
 * System-wide state and the version hypercall.
 */

#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/kernel.h>
#include <xen/lib.h>
#include <xen/types.h>

enum system_state system_state = SYS_STATE_early_boot;

long do_xen_version(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    (void)arg;

    switch ( cmd )
    {
    case XENVER_version:
        return (XEN_VERSION << 16) | XEN_SUBVERSION;
    default:
        return -ENOSYS;
    }
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
