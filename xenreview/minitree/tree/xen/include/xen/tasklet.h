/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_TASKLET_H__
#define __XEN_TASKLET_H__

#include <xen/list.h>
#include <xen/types.h>

/*
 * A tasklet is deferred work that runs on one chosen pCPU, in the context
 * of that pCPU's idle vCPU, when the scheduler next picks idle there.
 */
struct tasklet {
    struct list_head list;
    int scheduled_on;               /* pCPU it is queued for, or -1 */
    bool is_running;
    bool is_dead;                   /* tasklet_kill() called */
    void (*func)(void *data);
    void *data;
};

void tasklet_init(struct tasklet *t, void (*func)(void *data), void *data);
void tasklet_schedule_on_cpu(struct tasklet *t, unsigned int cpu);
void tasklet_schedule(struct tasklet *t);
void tasklet_kill(struct tasklet *t);
bool tasklet_work_to_do(unsigned int cpu);
void do_tasklet(void);
void tasklet_subsys_init(void);

#endif /* __XEN_TASKLET_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
