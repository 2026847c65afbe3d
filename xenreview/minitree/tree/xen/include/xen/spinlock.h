/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_SPINLOCK_H__
#define __XEN_SPINLOCK_H__

#include <xen/types.h>
#include <asm/processor.h>
#include <asm/system.h>

typedef struct spinlock {
    volatile unsigned int lock;
} spinlock_t;

#define SPIN_LOCK_UNLOCKED { .lock = 0 }
#define DEFINE_SPINLOCK(l) spinlock_t l = SPIN_LOCK_UNLOCKED

static inline void spin_lock_init(spinlock_t *l)
{
    l->lock = 0;
}

static inline void spin_lock(spinlock_t *l)
{
    while ( __atomic_exchange_n(&l->lock, 1, __ATOMIC_ACQUIRE) )
        cpu_relax();
}

static inline bool spin_trylock(spinlock_t *l)
{
    return !__atomic_exchange_n(&l->lock, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->lock, 0, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
    return l->lock;
}

static inline void spin_lock_irq(spinlock_t *l)
{
    local_irq_disable();
    spin_lock(l);
}

static inline void spin_unlock_irq(spinlock_t *l)
{
    spin_unlock(l);
    local_irq_enable();
}

#define spin_lock_irqsave(l, flags)     \
    do {                                \
        local_irq_save(flags);          \
        spin_lock(l);                   \
    } while ( 0 )

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
    spin_unlock(l);
    local_irq_restore(flags);
}

#endif /* __XEN_SPINLOCK_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
