/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_ATOMIC_H__
#define __XEN_ATOMIC_H__

#include <xen/types.h>

typedef struct {
    int counter;
} atomic_t;

#define ATOMIC_INIT(i) { (i) }

static inline int atomic_read(const atomic_t *v)
{
    return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
}

static inline void atomic_set(atomic_t *v, int i)
{
    __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);
}

static inline int atomic_add_return(int i, atomic_t *v)
{
    return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}

static inline int atomic_sub_return(int i, atomic_t *v)
{
    return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}

static inline void atomic_inc(atomic_t *v)
{
    atomic_add_return(1, v);
}

static inline void atomic_dec(atomic_t *v)
{
    atomic_sub_return(1, v);
}

static inline int atomic_inc_return(atomic_t *v)
{
    return atomic_add_return(1, v);
}

static inline bool atomic_dec_and_test(atomic_t *v)
{
    return atomic_sub_return(1, v) == 0;
}

#endif /* __XEN_ATOMIC_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
