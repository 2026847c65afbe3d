/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/common/domain.c
 *
 * Domain and vCPU life cycle: creation, pausing, shutdown and resume,
 * freezing every domain around a host suspend, and finishing a hypercall
 * on another pCPU.
 */

#include <xen/domain.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/init.h>
#include <xen/lib.h>
#include <xen/rcupdate.h>
#include <xen/sched.h>
#include <xen/shutdown.h>
#include <xen/smp.h>
#include <xen/spinlock.h>
#include <xen/tasklet.h>
#include <xen/types.h>
#include <xen/xmalloc.h>
#include <asm/current.h>

/* Linked by increasing domain_id; updates under domlist_update_lock. */
struct domain *domain_list;
DEFINE_RCU_READ_LOCK(domlist_read_lock);
static DEFINE_SPINLOCK(domlist_update_lock);

struct domain *hardware_domain;

/* How many times a control domain may stack pauses on one domain */
#define MAX_CONTROLLER_PAUSES 255

struct vcpu *vcpu_create(struct domain *d, unsigned int vcpu_id)
{
    struct vcpu *v;

    BUG_ON(vcpu_id >= d->max_vcpus || d->vcpu[vcpu_id] != NULL);

    v = xzalloc(struct vcpu);
    if ( v == NULL )
        return NULL;

    v->domain = d;
    v->vcpu_id = vcpu_id;
    /* Idle vCPU n belongs to pCPU n; others start spread out. */
    v->processor = is_idle_domain(d) ? vcpu_id
                                     : vcpu_id % num_online_cpus();
    tasklet_init(&v->continue_hypercall_tasklet, NULL, NULL);

    /* Secondary vCPUs wait for PSCI CPU_ON; idle vCPUs never block. */
    if ( !is_idle_domain(d) && vcpu_id != 0 )
        set_bit(_VPF_down, &v->pause_flags);

    if ( arch_vcpu_create(v) )
    {
        xfree(v);
        return NULL;
    }

    d->vcpu[vcpu_id] = v;
    if ( vcpu_id != 0 )
        d->vcpu[vcpu_id - 1]->next_in_list = v;

    return v;
}

static void free_domain_struct(struct domain *d)
{
    unsigned int i;

    for ( i = 0; d->vcpu != NULL && i < d->max_vcpus; i++ )
    {
        if ( d->vcpu[i] == NULL )
            continue;
        arch_vcpu_destroy(d->vcpu[i]);
        xfree(d->vcpu[i]);
    }

    arch_domain_destroy(d);
    xfree(d->vcpu);
    xfree(d);
}

/* Returns a domain paused once by the system controller, or NULL. */
struct domain *domain_create(domid_t domid, unsigned int max_vcpus,
                             unsigned int flags)
{
    struct domain *d, **pd;
    unsigned int i;

    d = xzalloc(struct domain);
    if ( d == NULL )
        return NULL;

    d->domain_id = domid;
    d->max_vcpus = max_vcpus;
    d->is_privileged = flags & CDF_privileged;
    d->shutdown_code = SHUTDOWN_CODE_INVALID;
    atomic_set(&d->refcnt, 1);
    spin_lock_init(&d->domain_lock);
    spin_lock_init(&d->pause_lock);
    spin_lock_init(&d->shutdown_lock);

    d->vcpu = xzalloc_array(struct vcpu *, max_vcpus);
    if ( d->vcpu == NULL || arch_domain_create(d) )
        goto fail;

    for ( i = 0; i < max_vcpus; i++ )
        if ( vcpu_create(d, i) == NULL )
            goto fail;

    if ( is_idle_domain(d) )
        return d;

    if ( evtchn_init(d) )
        goto fail;
    watchdog_domain_init(d);

    /* Created paused: the toolstack unpauses it when it is built. */
    d->controller_pause_count = 1;
    atomic_inc(&d->pause_count);

    if ( flags & CDF_hardware )
    {
        BUG_ON(hardware_domain != NULL);
        hardware_domain = d;
    }

    spin_lock(&domlist_update_lock);
    pd = &domain_list;
    while ( *pd != NULL && (*pd)->domain_id < domid )
        pd = &(*pd)->next_in_list;
    d->next_in_list = *pd;
    *pd = d;
    spin_unlock(&domlist_update_lock);

    return d;

 fail:
    free_domain_struct(d);
    return NULL;
}

/* The last reference went away: unlink and free (see put_domain()). */
void domain_destroy(struct domain *d)
{
    struct domain **pd;

    BUG_ON(!d->is_dying);

    spin_lock(&domlist_update_lock);
    for ( pd = &domain_list; *pd != NULL; pd = &(*pd)->next_in_list )
    {
        if ( *pd == d )
        {
            *pd = d->next_in_list;
            break;
        }
    }
    spin_unlock(&domlist_update_lock);

    watchdog_domain_destroy(d);
    evtchn_destroy(d);
    free_domain_struct(d);
}

struct domain *rcu_lock_domain_by_id(domid_t dom)
{
    struct domain *d;

    rcu_read_lock(&domlist_read_lock);

    for_each_domain ( d )
        if ( d->domain_id == dom )
            return d;

    rcu_read_unlock(&domlist_read_lock);

    return NULL;
}

void rcu_unlock_domain(struct domain *d)
{
    (void)d;
    rcu_read_unlock(&domlist_read_lock);
}

void vcpu_pause(struct vcpu *v)
{
    ASSERT(v != current);

    atomic_inc(&v->pause_count);
    vcpu_sleep_sync(v);
}

void vcpu_pause_nosync(struct vcpu *v)
{
    atomic_inc(&v->pause_count);
    vcpu_sleep_nosync(v);
}

void vcpu_unpause(struct vcpu *v)
{
    if ( atomic_dec_and_test(&v->pause_count) )
        vcpu_wake(v);
}

/* Pause d and wait until none of its vCPUs is running. */
void domain_pause(struct domain *d)
{
    struct vcpu *v;

    ASSERT(d != current->domain);

    atomic_inc(&d->pause_count);

    for_each_vcpu ( d, v )
        vcpu_sleep_sync(v);
}

void domain_pause_nosync(struct domain *d)
{
    struct vcpu *v;

    atomic_inc(&d->pause_count);

    for_each_vcpu ( d, v )
        vcpu_sleep_nosync(v);
}

void domain_unpause(struct domain *d)
{
    struct vcpu *v;

    if ( !atomic_dec_and_test(&d->pause_count) )
        return;

    for_each_vcpu ( d, v )
        vcpu_wake(v);
}

/* Pauses the toolstack asked for (xl pause), counted apart. */
int domain_pause_by_systemcontroller(struct domain *d)
{
    spin_lock(&d->pause_lock);

    if ( d->controller_pause_count == MAX_CONTROLLER_PAUSES )
    {
        spin_unlock(&d->pause_lock);
        return -EOVERFLOW;
    }
    d->controller_pause_count++;

    spin_unlock(&d->pause_lock);

    domain_pause(d);

    return 0;
}

int domain_unpause_by_systemcontroller(struct domain *d)
{
    spin_lock(&d->pause_lock);

    /* Only undo pauses the toolstack made. */
    if ( d->controller_pause_count == 0 )
    {
        spin_unlock(&d->pause_lock);
        return -EINVAL;
    }
    d->controller_pause_count--;

    spin_unlock(&d->pause_lock);

    domain_unpause(d);

    return 0;
}

/*
 * Host suspend: pause every domain, so that no guest runs (or sees time
 * pass) while the host is down, and unpause them all on the way back.
 */
void freeze_domains(void)
{
    struct domain *d;

    rcu_read_lock(&domlist_read_lock);

    for_each_domain ( d )
        domain_pause(d);

    rcu_read_unlock(&domlist_read_lock);
}

void thaw_domains(void)
{
    struct domain *d;

    rcu_read_lock(&domlist_read_lock);

    for_each_domain ( d )
        domain_unpause(d);

    rcu_read_unlock(&domlist_read_lock);
}

/* Called with d->shutdown_lock held. */
static void domain_check_shut_down(struct domain *d)
{
    struct vcpu *v;

    if ( d->is_shut_down )
        return;

    for_each_vcpu ( d, v )
        if ( !v->paused_for_shutdown )
            return;

    d->is_shut_down = true;

    /* Tell the toolstack: it decides what happens next. */
    send_global_virq(VIRQ_DOM_EXC);
}

/*
 * Stop d for the given SHUTDOWN_* reason: every vCPU is paused and the
 * toolstack is told through VIRQ_DOM_EXC.  SHUTDOWN_suspend keeps the
 * domain's state so that domain_resume() can let it run again.
 *
 * The hardware domain is different: when it stops, so does the machine.
 */
int domain_shutdown(struct domain *d, uint8_t reason)
{
    struct vcpu *v;

    spin_lock(&d->shutdown_lock);

    /* A reason recorded with SCHEDOP_shutdown_code wins. */
    if ( d->shutdown_code == SHUTDOWN_CODE_INVALID )
        d->shutdown_code = reason;
    reason = d->shutdown_code;

    if ( is_hardware_domain(d) )
        hwdom_shutdown(reason);

    if ( d->is_shutting_down )
    {
        spin_unlock(&d->shutdown_lock);
        return 0;
    }

    d->is_shutting_down = true;
    smp_mb();

    for_each_vcpu ( d, v )
    {
        vcpu_pause_nosync(v);
        v->paused_for_shutdown = true;
    }

    arch_domain_shutdown(d);
    domain_check_shut_down(d);

    spin_unlock(&d->shutdown_lock);

    return 0;
}

/* Undo a shutdown (normally SHUTDOWN_suspend): XEN_DOMCTL_resumedomain. */
void domain_resume(struct domain *d)
{
    struct vcpu *v;

    /* Keep d off every pCPU while its shutdown state is cleared. */
    domain_pause(d);

    spin_lock(&d->shutdown_lock);

    d->is_shutting_down = false;
    d->is_shut_down = false;
    d->shutdown_code = SHUTDOWN_CODE_INVALID;

    for_each_vcpu ( d, v )
    {
        if ( v->paused_for_shutdown )
            vcpu_unpause(v);
        v->paused_for_shutdown = false;
    }

    spin_unlock(&d->shutdown_lock);

    domain_unpause(d);
}

static void continue_hypercall_tasklet_handler(void *data)
{
    struct vcpu *v = data;
    long ret = -EINVAL;

    /* Its registers may only be written once the vCPU is off its pCPU. */
    vcpu_sleep_sync(v);

    if ( v->continue_cpu == smp_processor_id() )
        ret = v->continue_func(v->continue_data);

    /* The vCPU sees ret as the result of the call that trapped. */
    arch_hypercall_tasklet_result(v, ret);

    v->continue_func = NULL;
    vcpu_unpause(v);
    put_domain(v->domain);
}

int continue_hypercall_on_cpu(unsigned int cpu, long (*func)(void *data),
                              void *data)
{
    struct vcpu *curr = current;

    if ( cpu >= nr_cpu_ids || !cpu_online(cpu) )
        return -EINVAL;

    /* One continuation at a time per vCPU. */
    if ( curr->continue_func != NULL )
        return -EBUSY;

    curr->continue_func = func;
    curr->continue_data = data;
    curr->continue_cpu = cpu;

    tasklet_kill(&curr->continue_hypercall_tasklet);
    tasklet_init(&curr->continue_hypercall_tasklet,
                 continue_hypercall_tasklet_handler, curr);

    get_knownalive_domain(curr->domain);
    vcpu_pause_nosync(curr);

    tasklet_schedule_on_cpu(&curr->continue_hypercall_tasklet, cpu);

    /* Not the result: the tasklet overwrites it in the vCPU's x0. */
    return 0;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
