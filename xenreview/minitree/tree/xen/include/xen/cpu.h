/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_CPU_H__
#define __XEN_CPU_H__

#include <xen/types.h>

/* Take or release the right to bring pCPUs up and down. */
void cpu_hotplug_begin(void);
void cpu_hotplug_done(void);

/* Told about every step of a pCPU going up or down. */
struct notifier_block {
    int (*notifier_call)(struct notifier_block *nfb, unsigned long action,
                         void *hcpu);
    struct notifier_block *next;
};

#define NOTIFY_DONE 0
#define NOTIFY_BAD 1

#define CPU_UP_PREPARE 0x0001       /* May fail: the pCPU stays down */
#define CPU_UP_CANCELED 0x0002
#define CPU_STARTING 0x0003         /* On the new pCPU, IRQs off */
#define CPU_ONLINE 0x0004
#define CPU_DOWN_PREPARE 0x0005     /* May fail: the pCPU stays up */
#define CPU_DOWN_FAILED 0x0006
#define CPU_DYING 0x0007            /* On the dying pCPU, IRQs off */
#define CPU_DEAD 0x0008

void register_cpu_notifier(struct notifier_block *nb);

int cpu_up(unsigned int cpu);
int cpu_down(unsigned int cpu);

/*
 * Host suspend: take every pCPU but the boot one down, remembering which
 * were up, and bring exactly those back.  Run on pCPU 0.
 */
int disable_nonboot_cpus(void);
void enable_nonboot_cpus(void);

/* Arch (smpboot.c) */
int __cpu_up(unsigned int cpu);
void __cpu_disable(void);
void __cpu_die(unsigned int cpu);

#endif /* __XEN_CPU_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
