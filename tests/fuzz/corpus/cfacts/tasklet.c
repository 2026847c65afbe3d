/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/common/tasklet.c
 *
 * Tasklets: work queued for one pCPU and run there by its idle vCPU.
 * The scheduler prefers the idle vCPU while a pCPU has tasklet work.
 */

#include <xen/init.h>
#include <xen/lib.h>
#include <xen/list.h>
#include <xen/percpu.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/tasklet.h>
#include <xen/types.h>

static bool tasklets_initialised;

static DEFINE_PER_CPU(struct list_head, tasklet_list);

/* Protects every tasklet list and every tasklet's fields. */
static DEFINE_SPINLOCK(tasklet_lock);

static void tasklet_enqueue(struct tasklet *t)
{
    unsigned int cpu = t->scheduled_on;

    list_add_tail(&t->list, &per_cpu(tasklet_list, cpu));

    /* Get the scheduler on that pCPU to switch to its idle vCPU. */
    cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
}

void tasklet_schedule_on_cpu(struct tasklet *t, unsigned int cpu)
{
    unsigned long flags;

    spin_lock_irqsave(&tasklet_lock, flags);

    if ( tasklets_initialised && !t->is_dead )
    {
        t->scheduled_on = cpu;
        if ( !t->is_running )
        {
            list_del_init(&t->list);
            tasklet_enqueue(t);
        }
    }

    spin_unlock_irqrestore(&tasklet_lock, flags);
}

void tasklet_schedule(struct tasklet *t)
{
    tasklet_schedule_on_cpu(t, smp_processor_id());
}

bool tasklet_work_to_do(unsigned int cpu)
{
    return !list_empty(&per_cpu(tasklet_list, cpu));
}

/* Run the first tasklet queued for this pCPU (from the idle loop). */
void do_tasklet(void)
{
    unsigned int cpu = smp_processor_id();
    struct list_head *list = &per_cpu(tasklet_list, cpu);
    struct tasklet *t;

    spin_lock_irq(&tasklet_lock);

    if ( list_empty(list) )
    {
        spin_unlock_irq(&tasklet_lock);
        return;
    }

    t = list_entry(list->next, struct tasklet, list);
    list_del_init(&t->list);

    BUG_ON(t->is_dead || t->is_running || t->scheduled_on != (int)cpu);
    t->scheduled_on = -1;
    t->is_running = true;

    spin_unlock_irq(&tasklet_lock);
    t->func(t->data);
    spin_lock_irq(&tasklet_lock);

    t->is_running = false;

    /* Scheduled again while it ran? */
    if ( t->scheduled_on >= 0 )
        tasklet_enqueue(t);

    spin_unlock_irq(&tasklet_lock);
}

/* Cancel t, waiting for it to finish if it is running. */
void tasklet_kill(struct tasklet *t)
{
    unsigned long flags;

    spin_lock_irqsave(&tasklet_lock, flags);

    if ( !list_empty(&t->list) )
    {
        list_del_init(&t->list);
        t->scheduled_on = -1;
    }
    t->is_dead = true;

    while ( t->is_running )
    {
        spin_unlock_irqrestore(&tasklet_lock, flags);
        cpu_relax();
        spin_lock_irqsave(&tasklet_lock, flags);
    }

    spin_unlock_irqrestore(&tasklet_lock, flags);
}

void tasklet_init(struct tasklet *t, void (*func)(void *data), void *data)
{
    memset(t, 0, sizeof(*t));
    INIT_LIST_HEAD(&t->list);
    t->scheduled_on = -1;
    t->func = func;
    t->data = data;
}

void __init tasklet_subsys_init(void)
{
    unsigned int cpu;

    for_each_possible_cpu ( cpu )
        INIT_LIST_HEAD(&per_cpu(tasklet_list, cpu));

    tasklets_initialised = true;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
