/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_HYPERCALL_H__
#define __XEN_HYPERCALL_H__

#include <xen/types.h>
#include <public/xen.h>
#include <public/domctl.h>

long do_xen_version(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_console_io(unsigned int cmd, unsigned int count,
                   XEN_GUEST_HANDLE_PARAM(char) buffer);
long do_sched_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_event_channel_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg);
long do_domctl(XEN_GUEST_HANDLE_PARAM(xen_domctl_t) u_domctl);

#endif /* __XEN_HYPERCALL_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
