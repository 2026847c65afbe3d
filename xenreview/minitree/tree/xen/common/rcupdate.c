/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/common/rcupdate.c
 *
 * Deferred frees, much reduced: callbacks queued by call_rcu() run from
 * RCU_SOFTIRQ on the pCPU that queued them.
 */

#include <xen/init.h>
#include <xen/lib.h>
#include <xen/percpu.h>
#include <xen/rcupdate.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/types.h>
#include <asm/processor.h>
#include <asm/system.h>

static DEFINE_PER_CPU(struct rcu_head *, rcu_callbacks);

void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head))
{
    unsigned long flags;

    head->func = func;

    local_irq_save(flags);
    head->next = this_cpu(rcu_callbacks);
    this_cpu(rcu_callbacks) = head;
    local_irq_restore(flags);

    raise_softirq(RCU_SOFTIRQ);
}

static void rcu_process_callbacks(void)
{
    struct rcu_head *list, *next;

    local_irq_disable();
    list = this_cpu(rcu_callbacks);
    this_cpu(rcu_callbacks) = NULL;
    local_irq_enable();

    for ( ; list != NULL; list = next )
    {
        next = list->next;
        list->func(list);
    }
}

/*
 * Wait until every callback queued so far, on any online pCPU, has run.
 * Host resume calls it before non-boot pCPUs come back.
 */
int rcu_barrier(void)
{
    unsigned int cpu;

    rcu_process_callbacks();

    for_each_online_cpu ( cpu )
        while ( ACCESS_ONCE(per_cpu(rcu_callbacks, cpu)) != NULL )
            process_pending_softirqs();

    return 0;
}

void __init rcu_init(void)
{
    open_softirq(RCU_SOFTIRQ, rcu_process_callbacks);
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
