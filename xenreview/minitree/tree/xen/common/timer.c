/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/common/timer.c
 *
 * Xen's software timers: a sorted list per pCPU, run from TIMER_SOFTIRQ
 * when the pCPU's hardware timer (arch reprogram_timer()) fires.
 */

#include <xen/init.h>
#include <xen/lib.h>
#include <xen/percpu.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/types.h>

struct timers {
    spinlock_t lock;
    struct timer *list;             /* Soonest first */
};

static DEFINE_PER_CPU(struct timers, timers);

/* Called with the list's lock held. */
static void remove_entry(struct timer *t)
{
    struct timer **pprev = &per_cpu(timers, t->cpu).list;

    while ( *pprev != NULL && *pprev != t )
        pprev = &(*pprev)->list_next;

    if ( *pprev == t )
        *pprev = t->list_next;

    t->list_next = NULL;
    t->status = TIMER_STATUS_inactive;
}

/* Called with the list's lock held. */
static void add_entry(struct timer *t)
{
    struct timer **pprev = &per_cpu(timers, t->cpu).list;

    while ( *pprev != NULL && (*pprev)->expires <= t->expires )
        pprev = &(*pprev)->list_next;

    t->list_next = *pprev;
    *pprev = t;
    t->status = TIMER_STATUS_in_list;

    /* A new soonest timer: the hardware timer must be moved. */
    if ( per_cpu(timers, t->cpu).list == t )
        cpu_raise_softirq(t->cpu, TIMER_SOFTIRQ);
}

void init_timer(struct timer *timer, void (*function)(void *data),
                void *data, unsigned int cpu)
{
    memset(timer, 0, sizeof(*timer));
    timer->function = function;
    timer->data = data;
    timer->cpu = cpu;
    timer->status = TIMER_STATUS_inactive;
}

void set_timer(struct timer *timer, s_time_t expires)
{
    struct timers *ts = &per_cpu(timers, timer->cpu);
    unsigned long flags;

    spin_lock_irqsave(&ts->lock, flags);

    if ( timer->status != TIMER_STATUS_killed )
    {
        if ( timer_is_active(timer) )
            remove_entry(timer);
        timer->expires = expires;
        add_entry(timer);
    }

    spin_unlock_irqrestore(&ts->lock, flags);
}

void stop_timer(struct timer *timer)
{
    struct timers *ts = &per_cpu(timers, timer->cpu);
    unsigned long flags;

    spin_lock_irqsave(&ts->lock, flags);

    if ( timer_is_active(timer) )
        remove_entry(timer);

    spin_unlock_irqrestore(&ts->lock, flags);
}

void kill_timer(struct timer *timer)
{
    struct timers *ts = &per_cpu(timers, timer->cpu);
    unsigned long flags;

    spin_lock_irqsave(&ts->lock, flags);

    if ( timer_is_active(timer) )
        remove_entry(timer);
    timer->status = TIMER_STATUS_killed;

    spin_unlock_irqrestore(&ts->lock, flags);
}

static void timer_softirq_action(void)
{
    struct timers *ts = &this_cpu(timers);
    struct timer *t;
    void (*fn)(void *data);
    void *data;

    spin_lock_irq(&ts->lock);

    while ( (t = ts->list) != NULL && t->expires <= NOW() )
    {
        remove_entry(t);
        fn = t->function;
        data = t->data;

        spin_unlock_irq(&ts->lock);
        fn(data);
        spin_lock_irq(&ts->lock);
    }

    reprogram_timer(ts->list != NULL ? ts->list->expires : 0);

    spin_unlock_irq(&ts->lock);
}

void __init timer_init(void)
{
    unsigned int cpu;

    for_each_possible_cpu ( cpu )
        spin_lock_init(&per_cpu(timers, cpu).lock);

    open_softirq(TIMER_SOFTIRQ, timer_softirq_action);
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
