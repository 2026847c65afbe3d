/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_SCHED_H__
#define __XEN_SCHED_H__

#include <xen/atomic.h>
#include <xen/compiler.h>
#include <xen/rcupdate.h>
#include <xen/spinlock.h>
#include <xen/tasklet.h>
#include <xen/timer.h>
#include <xen/types.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <public/xen.h>
#include <public/sched.h>

#define EVTCHNS_PER_DOMAIN 64

struct evtchn {
#define ECS_FREE 0                  /* Unused */
#define ECS_RESERVED 1              /* Port 0: never used */
#define ECS_UNBOUND 2               /* Waiting for a remote domain */
#define ECS_INTERDOMAIN 3           /* Connected to a remote port */
#define ECS_VIRQ 4                  /* Bound to a virtual IRQ */
    uint8_t state;
    bool pending;
    uint16_t notify_vcpu_id;        /* vCPU to tell when it fires */
    union {
        struct {
            domid_t remote_domid;
        } unbound;
        struct {
            evtchn_port_t remote_port;
            struct domain *remote_dom;
        } interdomain;
        uint32_t virq;
    } u;
};

struct vcpu {
    unsigned int vcpu_id;
    unsigned int processor;         /* pCPU it runs, or last ran, on */
    struct domain *domain;
    struct vcpu *next_in_list;
    struct vcpu_info vcpu_info;

    bool is_running;                /* On a pCPU right now */
    bool paused_for_shutdown;       /* Paused by domain_shutdown() */

    unsigned long pause_flags;      /* VPF_* */
    atomic_t pause_count;           /* vcpu_pause() nesting */

    evtchn_port_t virq_to_evtchn[NR_VIRQS];

    /* State of continue_hypercall_on_cpu() */
    struct tasklet continue_hypercall_tasklet;
    long (*continue_func)(void *data);
    void *continue_data;
    unsigned int continue_cpu;

    struct arch_vcpu arch;
};

/* Reasons a vCPU cannot run, besides pausing */
#define _VPF_blocked 0              /* Waiting for an event */
#define VPF_blocked (1UL << _VPF_blocked)
#define _VPF_down 1                 /* Offline: not started or CPU_OFF */
#define VPF_down (1UL << _VPF_down)

#define NR_DOMAIN_WATCHDOG_TIMERS 2

#define SHUTDOWN_CODE_INVALID (~0U)

struct domain {
    domid_t domain_id;
    unsigned int max_vcpus;
    struct vcpu **vcpu;
    struct domain *next_in_list;    /* domain_list, by domain_id */
    atomic_t refcnt;

    bool is_privileged;             /* Control domain: may use domctl */
    bool is_dying;

    /* Serialises changes to the domain's vCPUs (PSCI, set_info_guest) */
    spinlock_t domain_lock;

    /* Pausing: the domain runs only while pause_count is zero */
    atomic_t pause_count;
    spinlock_t pause_lock;
    unsigned int controller_pause_count;

    /* Shutdown: see domain_shutdown() and domain_resume() */
    spinlock_t shutdown_lock;
    bool is_shutting_down;          /* domain_shutdown() was called */
    bool is_shut_down;              /* ... and every vCPU is paused */
    unsigned int shutdown_code;     /* SHUTDOWN_* or SHUTDOWN_CODE_INVALID */

    spinlock_t event_lock;
    struct evtchn evtchn[EVTCHNS_PER_DOMAIN];

    /* Watchdogs armed with SCHEDOP_watchdog */
    spinlock_t watchdog_lock;
    unsigned long watchdog_inuse_map;
    struct timer watchdog_timer[NR_DOMAIN_WATCHDOG_TIMERS];

    struct arch_domain arch;
};

/* Every domain but the idle one, by increasing domain_id. */
extern struct domain *domain_list;
extern rcu_read_lock_t domlist_read_lock;

/* The domain that owns the hardware (Dom0 unless split). */
extern struct domain *hardware_domain;

extern struct vcpu *idle_vcpu[NR_CPUS];

#define for_each_domain(d)                                      \
    for ( (d) = domain_list; (d) != NULL; (d) = (d)->next_in_list )

#define for_each_vcpu(d, v)                                     \
    for ( (v) = (d)->vcpu ? (d)->vcpu[0] : NULL;                \
          (v) != NULL;                                          \
          (v) = (v)->next_in_list )

#define is_idle_domain(d) ((d)->domain_id == DOMID_IDLE)
#define is_idle_vcpu(v) is_idle_domain((v)->domain)

static inline bool is_hardware_domain(const struct domain *d)
{
    return d == hardware_domain;
}

static inline bool is_control_domain(const struct domain *d)
{
    return d->is_privileged;
}

#define domain_lock(d) spin_lock(&(d)->domain_lock)
#define domain_unlock(d) spin_unlock(&(d)->domain_lock)

static inline bool vcpu_runnable(const struct vcpu *v)
{
    return !(v->pause_flags | atomic_read(&v->pause_count) |
             atomic_read(&v->domain->pause_count));
}

static inline struct vcpu *domain_vcpu(const struct domain *d,
                                       unsigned int vcpu_id)
{
    return vcpu_id < d->max_vcpus ? d->vcpu[vcpu_id] : NULL;
}

void domain_destroy(struct domain *d);

static inline void get_knownalive_domain(struct domain *d)
{
    atomic_inc(&d->refcnt);
}

static inline void put_domain(struct domain *d)
{
    if ( atomic_dec_and_test(&d->refcnt) )
        domain_destroy(d);
}

/* domain_create() flags */
#define CDF_privileged (1U << 0)    /* Control domain */
#define CDF_hardware (1U << 1)      /* Hardware domain */

struct domain *domain_create(domid_t domid, unsigned int max_vcpus,
                             unsigned int flags);
struct vcpu *vcpu_create(struct domain *d, unsigned int vcpu_id);
struct domain *rcu_lock_domain_by_id(domid_t dom);
void rcu_unlock_domain(struct domain *d);

int domain_shutdown(struct domain *d, uint8_t reason);
void domain_resume(struct domain *d);

void vcpu_pause(struct vcpu *v);
void vcpu_pause_nosync(struct vcpu *v);
void vcpu_unpause(struct vcpu *v);
void domain_pause(struct domain *d);
void domain_pause_nosync(struct domain *d);
void domain_unpause(struct domain *d);
int domain_pause_by_systemcontroller(struct domain *d);
int domain_unpause_by_systemcontroller(struct domain *d);

/* Pause, then unpause, every domain around a host suspend. */
void freeze_domains(void);
void thaw_domains(void);

/* Scheduler (sched/core.c) */
void scheduler_init(void);
void scheduler_enable(void);
void scheduler_disable(void);
void vcpu_block(void);
void vcpu_unblock(struct vcpu *v);
void vcpu_wake(struct vcpu *v);
void vcpu_sleep_nosync(struct vcpu *v);
void vcpu_sleep_sync(struct vcpu *v);

void watchdog_domain_init(struct domain *d);
void watchdog_domain_destroy(struct domain *d);

/* Arch */
void context_switch(struct vcpu *prev, struct vcpu *next);
void noreturn idle_loop(void);

#endif /* __XEN_SCHED_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
