/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_RCUPDATE_H__
#define __XEN_RCUPDATE_H__

#include <xen/types.h>

/*
 * Read-copy-update, reduced to what the mini tree needs: readers mark
 * their critical sections, writers defer frees with call_rcu(), and
 * rcu_barrier() waits until every deferred callback has run.
 */
typedef struct {
    unsigned int unused;
} rcu_read_lock_t;

#define DEFINE_RCU_READ_LOCK(x) rcu_read_lock_t x

static inline void rcu_read_lock(rcu_read_lock_t *lock)
{
    (void)lock;
}

static inline void rcu_read_unlock(rcu_read_lock_t *lock)
{
    (void)lock;
}

struct rcu_head {
    struct rcu_head *next;
    void (*func)(struct rcu_head *head);
};

void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head));
int rcu_barrier(void);
void rcu_init(void);

#endif /* __XEN_RCUPDATE_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
