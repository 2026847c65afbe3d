/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/common/sched/core.c
 *
 * A small round-robin scheduler: which vCPU runs on each pCPU, blocking
 * and waking vCPUs, the scheduler hypercall and per-domain watchdogs.
 */

#include <xen/errno.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/init.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/tasklet.h>
#include <xen/timer.h>
#include <xen/types.h>
#include <asm/current.h>
#include <public/sched.h>

struct vcpu *idle_vcpu[NR_CPUS];

/*
 * While the scheduler is disabled, pCPUs only run their idle vCPU (and
 * with it tasklets): no guest vCPU is picked.  Host suspend uses it.
 */
static bool __read_mostly scheduler_active;

static DEFINE_SPINLOCK(sched_lock);

void scheduler_enable(void)
{
    scheduler_active = true;
}

void scheduler_disable(void)
{
    scheduler_active = false;
}

/* Take v off its pCPU as soon as it is not runnable. */
void vcpu_sleep_nosync(struct vcpu *v)
{
    unsigned long flags;

    spin_lock_irqsave(&sched_lock, flags);

    if ( !vcpu_runnable(v) && v->is_running )
        cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);

    spin_unlock_irqrestore(&sched_lock, flags);
}

/* ... and wait until it is off. */
void vcpu_sleep_sync(struct vcpu *v)
{
    vcpu_sleep_nosync(v);

    while ( !vcpu_runnable(v) && v->is_running )
        cpu_relax();

    smp_rmb();
}

void vcpu_wake(struct vcpu *v)
{
    unsigned long flags;

    spin_lock_irqsave(&sched_lock, flags);

    if ( vcpu_runnable(v) && !v->is_running )
        cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);

    spin_unlock_irqrestore(&sched_lock, flags);
}

/* The current vCPU waits for an event (SCHEDOP_block, WFI). */
void vcpu_block(void)
{
    struct vcpu *v = current;

    set_bit(_VPF_blocked, &v->pause_flags);

    /* An event may have arrived already: do not sleep through it. */
    if ( local_events_need_delivery() )
        clear_bit(_VPF_blocked, &v->pause_flags);
    else
        raise_softirq(SCHEDULE_SOFTIRQ);
}

void vcpu_unblock(struct vcpu *v)
{
    if ( !test_and_clear_bit(_VPF_blocked, &v->pause_flags) )
        return;

    vcpu_wake(v);
}

/* The next runnable guest vCPU of cpu after prev, or its idle vCPU. */
static struct vcpu *pick_next(unsigned int cpu, struct vcpu *prev)
{
    struct domain *d;
    struct vcpu *v, *first = NULL;
    bool after_prev = is_idle_vcpu(prev);

    for_each_domain ( d )
    {
        for_each_vcpu ( d, v )
        {
            bool eligible = v->processor == cpu && vcpu_runnable(v);

            if ( eligible && after_prev )
                return v;
            if ( eligible && first == NULL )
                first = v;
            if ( v == prev )
                after_prev = true;
        }
    }

    return first != NULL ? first : idle_vcpu[cpu];
}

static void schedule(void)
{
    unsigned int cpu = smp_processor_id();
    struct vcpu *prev = current, *next;

    spin_lock_irq(&sched_lock);

    /* Tasklets run on the idle vCPU: they go before guests. */
    if ( !scheduler_active || tasklet_work_to_do(cpu) )
        next = idle_vcpu[cpu];
    else
        next = pick_next(cpu, prev);

    if ( next == prev )
    {
        spin_unlock_irq(&sched_lock);
        return;
    }

    prev->is_running = false;
    next->is_running = true;

    spin_unlock_irq(&sched_lock);

    context_switch(prev, next);
}

static void domain_watchdog_timeout(void *data)
{
    struct domain *d = data;

    if ( d->is_shutting_down || d->is_dying )
        return;

    printk(XENLOG_WARNING "Watchdog timer fired for domain %u\n",
           d->domain_id);
    domain_shutdown(d, SHUTDOWN_watchdog);
}

static long domain_watchdog(struct domain *d, uint32_t id, uint32_t timeout)
{
    long rc = 0;

    spin_lock(&d->watchdog_lock);

    if ( id == 0 )
    {
        /* Allocate a free watchdog, armed at once. */
        for ( id = 0; id < NR_DOMAIN_WATCHDOG_TIMERS; id++ )
        {
            if ( test_and_set_bit(id, &d->watchdog_inuse_map) )
                continue;
            set_timer(&d->watchdog_timer[id], NOW() + SECONDS(timeout));
            break;
        }
        rc = id == NR_DOMAIN_WATCHDOG_TIMERS ? -ENOSPC : id + 1;
    }
    else if ( --id >= NR_DOMAIN_WATCHDOG_TIMERS ||
              !test_bit(id, &d->watchdog_inuse_map) )
        rc = -EINVAL;
    else if ( timeout == 0 )
    {
        stop_timer(&d->watchdog_timer[id]);
        clear_bit(id, &d->watchdog_inuse_map);
    }
    else
        set_timer(&d->watchdog_timer[id], NOW() + SECONDS(timeout));

    spin_unlock(&d->watchdog_lock);

    return rc;
}

void watchdog_domain_init(struct domain *d)
{
    unsigned int i;

    spin_lock_init(&d->watchdog_lock);
    d->watchdog_inuse_map = 0;

    for ( i = 0; i < NR_DOMAIN_WATCHDOG_TIMERS; i++ )
        init_timer(&d->watchdog_timer[i], domain_watchdog_timeout, d, 0);
}

void watchdog_domain_destroy(struct domain *d)
{
    unsigned int i;

    for ( i = 0; i < NR_DOMAIN_WATCHDOG_TIMERS; i++ )
        kill_timer(&d->watchdog_timer[i]);
}

long do_sched_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    long ret = 0;

    switch ( cmd )
    {
    case SCHEDOP_yield:
        raise_softirq(SCHEDULE_SOFTIRQ);
        break;

    case SCHEDOP_block:
        vcpu_block();
        break;

    case SCHEDOP_shutdown:
    {
        struct sched_shutdown sched_shutdown;

        ret = -EFAULT;
        if ( copy_from_guest(&sched_shutdown, arg, 1) )
            break;

        ret = domain_shutdown(current->domain, (uint8_t)sched_shutdown.reason);
        break;
    }

    case SCHEDOP_shutdown_code:
    {
        struct sched_shutdown sched_shutdown;
        struct domain *d = current->domain;

        ret = -EFAULT;
        if ( copy_from_guest(&sched_shutdown, arg, 1) )
            break;

        spin_lock(&d->shutdown_lock);
        if ( d->shutdown_code == SHUTDOWN_CODE_INVALID )
            d->shutdown_code = (uint8_t)sched_shutdown.reason;
        spin_unlock(&d->shutdown_lock);

        ret = 0;
        break;
    }

    case SCHEDOP_remote_shutdown:
    {
        struct sched_remote_shutdown sched_remote_shutdown;
        struct domain *d;

        ret = -EFAULT;
        if ( copy_from_guest(&sched_remote_shutdown, arg, 1) )
            break;

        ret = -EPERM;
        if ( !is_control_domain(current->domain) )
            break;

        ret = -ESRCH;
        d = rcu_lock_domain_by_id(sched_remote_shutdown.domain_id);
        if ( d == NULL )
            break;

        ret = -EINVAL;
        if ( d != current->domain )
            ret = domain_shutdown(d, (uint8_t)sched_remote_shutdown.reason);

        rcu_unlock_domain(d);
        break;
    }

    case SCHEDOP_watchdog:
    {
        struct sched_watchdog sched_watchdog;

        ret = -EFAULT;
        if ( copy_from_guest(&sched_watchdog, arg, 1) )
            break;

        ret = domain_watchdog(current->domain, sched_watchdog.id,
                              sched_watchdog.timeout);
        break;
    }

    default:
        ret = -ENOSYS;
        break;
    }

    return ret;
}

/* Boot: the idle domain, one idle vCPU per possible pCPU. */
void __init scheduler_init(void)
{
    struct domain *idle;
    unsigned int cpu;

    open_softirq(SCHEDULE_SOFTIRQ, schedule);

    idle = domain_create(DOMID_IDLE, nr_cpu_ids, 0);
    if ( idle == NULL )
        panic("Cannot create the idle domain\n");

    for_each_possible_cpu ( cpu )
    {
        idle_vcpu[cpu] = idle->vcpu[cpu];
        idle_vcpu[cpu]->is_running = cpu == smp_processor_id();
    }

    set_current(idle_vcpu[smp_processor_id()]);
    scheduler_enable();
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
