/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_SOFTIRQ_H__
#define __XEN_SOFTIRQ_H__

#include <xen/percpu.h>
#include <xen/types.h>

/* Work a pCPU does outside interrupt context, lowest number first. */
enum {
    TIMER_SOFTIRQ = 0,
    RCU_SOFTIRQ,
    SCHEDULE_SOFTIRQ,
    NR_SOFTIRQS
};

typedef void (*softirq_handler)(void);

DECLARE_PER_CPU(unsigned long, softirq_pending);
#define softirq_pending(cpu) per_cpu(softirq_pending, cpu)

void open_softirq(int nr, softirq_handler handler);
void cpu_raise_softirq(unsigned int cpu, unsigned int nr);
void raise_softirq(unsigned int nr);
void do_softirq(void);

/* Run pending softirqs, except scheduling, from a long-running loop. */
void process_pending_softirqs(void);

#endif /* __XEN_SOFTIRQ_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
