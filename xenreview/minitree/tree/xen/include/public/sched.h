/* SPDX-License-Identifier: MIT */
/*
 * Scheduler operations a guest can ask for (HYPERVISOR_sched_op) and the
 * reasons a domain gives when it shuts down.
 */
#ifndef __XEN_PUBLIC_SCHED_H__
#define __XEN_PUBLIC_SCHED_H__

#include "xen.h"

/* Give up the pCPU, staying runnable. */
#define SCHEDOP_yield 0
/* Sleep until an event arrives. */
#define SCHEDOP_block 1
/* Stop the calling domain; arg: struct sched_shutdown. */
#define SCHEDOP_shutdown 2
/* Sleep until one of some event channels fires. */
#define SCHEDOP_poll 3
/* Stop another domain (control domain only); struct sched_remote_shutdown */
#define SCHEDOP_remote_shutdown 4
/* Record the reason for a later shutdown; struct sched_shutdown. */
#define SCHEDOP_shutdown_code 5
/* Arm, re-arm or stop a domain watchdog; struct sched_watchdog. */
#define SCHEDOP_watchdog 6

struct sched_shutdown {
    unsigned int reason;            /* SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;

struct sched_remote_shutdown {
    domid_t domain_id;
    unsigned int reason;
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;

/*
 * id 0 allocates a watchdog and returns its id; timeout 0 releases it;
 * any other call re-arms it for timeout seconds.
 */
struct sched_watchdog {
    uint32_t id;
    uint32_t timeout;
};
typedef struct sched_watchdog sched_watchdog_t;

/* Why a domain stops. */
#define SHUTDOWN_poweroff 0         /* Halt */
#define SHUTDOWN_reboot 1           /* Restart */
#define SHUTDOWN_suspend 2          /* Parked, state kept, may resume */
#define SHUTDOWN_crash 3
#define SHUTDOWN_watchdog 4         /* A domain watchdog expired */
#define SHUTDOWN_soft_reset 5
#define SHUTDOWN_MAX 5

#endif /* __XEN_PUBLIC_SCHED_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
