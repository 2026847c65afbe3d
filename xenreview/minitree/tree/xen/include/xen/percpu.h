/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_PERCPU_H__
#define __XEN_PERCPU_H__

#include <xen/types.h>
#include <asm/smp.h>

/*
 * Per-CPU variables.  The real hypervisor gives each pCPU its own copy of
 * a data area; the mini tree uses one array slot per pCPU, which reads the
 * same at the call sites.
 */
#define DECLARE_PER_CPU(type, name) \
    extern __typeof__(type) per_cpu__##name[NR_CPUS]
#define DEFINE_PER_CPU(type, name) \
    __typeof__(type) per_cpu__##name[NR_CPUS]

#define per_cpu(name, cpu) (per_cpu__##name[cpu])
#define this_cpu(name) per_cpu(name, smp_processor_id())

#endif /* __XEN_PERCPU_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
