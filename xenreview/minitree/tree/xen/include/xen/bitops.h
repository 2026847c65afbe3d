/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_BITOPS_H__
#define __XEN_BITOPS_H__

#include <xen/types.h>

#define BIT(nr) (1UL << (nr))
#define BIT_WORD(nr) ((nr) / BITS_PER_LONG)
#define BIT_MASK(nr) (1UL << ((nr) % BITS_PER_LONG))
#define BITS_TO_LONGS(bits) (((bits) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]

/* Atomic bit operations, usable on flags other CPUs update too. */
static inline void set_bit(int nr, volatile void *addr)
{
    volatile unsigned long *p = (volatile unsigned long *)addr + BIT_WORD(nr);

    __atomic_fetch_or(p, BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

static inline void clear_bit(int nr, volatile void *addr)
{
    volatile unsigned long *p = (volatile unsigned long *)addr + BIT_WORD(nr);

    __atomic_fetch_and(p, ~BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

static inline bool test_and_set_bit(int nr, volatile void *addr)
{
    volatile unsigned long *p = (volatile unsigned long *)addr + BIT_WORD(nr);

    return __atomic_fetch_or(p, BIT_MASK(nr), __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

static inline bool test_and_clear_bit(int nr, volatile void *addr)
{
    volatile unsigned long *p = (volatile unsigned long *)addr + BIT_WORD(nr);

    return __atomic_fetch_and(p, ~BIT_MASK(nr), __ATOMIC_SEQ_CST) &
           BIT_MASK(nr);
}

/* Non-atomic variants, for bitmaps under a lock or private to a CPU. */
static inline void __set_bit(int nr, void *addr)
{
    ((unsigned long *)addr)[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void __clear_bit(int nr, void *addr)
{
    ((unsigned long *)addr)[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

static inline bool test_bit(int nr, const volatile void *addr)
{
    const volatile unsigned long *p =
        (const volatile unsigned long *)addr + BIT_WORD(nr);

    return *p & BIT_MASK(nr);
}

static inline unsigned int find_next_bit(const unsigned long *addr,
                                         unsigned int size,
                                         unsigned int offset)
{
    unsigned int i;

    for ( i = offset; i < size; i++ )
        if ( test_bit(i, addr) )
            return i;

    return size;
}

#define find_first_bit(addr, size) find_next_bit(addr, size, 0)

/* The index of the lowest set bit; word must not be zero. */
static inline unsigned int find_first_set_bit(unsigned long word)
{
    return __builtin_ctzl(word);
}

static inline unsigned int hweight_long(unsigned long word)
{
    return __builtin_popcountl(word);
}

#endif /* __XEN_BITOPS_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
