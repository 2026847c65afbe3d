/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_TIMER_H__
#define __XEN_TIMER_H__

#include <xen/time.h>
#include <xen/types.h>

struct timer {
    s_time_t expires;
    void (*function)(void *data);
    void *data;
    unsigned int cpu;               /* pCPU whose list holds the timer */
    struct timer *list_next;
#define TIMER_STATUS_invalid 0      /* Not initialised yet */
#define TIMER_STATUS_inactive 1     /* Initialised, not queued */
#define TIMER_STATUS_killed 2       /* kill_timer() called */
#define TIMER_STATUS_in_list 3      /* Queued on its pCPU */
    uint8_t status;
};

void init_timer(struct timer *timer, void (*function)(void *data),
                void *data, unsigned int cpu);
void set_timer(struct timer *timer, s_time_t expires);
void stop_timer(struct timer *timer);
void kill_timer(struct timer *timer);

static inline bool timer_is_active(const struct timer *timer)
{
    return timer->status == TIMER_STATUS_in_list;
}

void timer_init(void);

/*
 * Arch hook: arm this pCPU's timer interrupt for the given system time,
 * or stop it when timeout is 0.
 */
int reprogram_timer(s_time_t timeout);

#endif /* __XEN_TIMER_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
