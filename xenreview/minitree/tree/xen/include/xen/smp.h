/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_SMP_H__
#define __XEN_SMP_H__

#include <xen/cpumask.h>
#include <asm/smp.h>

/* Make cpu leave its idle loop and look at its softirqs and tasklets. */
void smp_send_event_check_cpu(unsigned int cpu);

#endif /* __XEN_SMP_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
