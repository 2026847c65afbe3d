/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_CPUMASK_H__
#define __XEN_CPUMASK_H__

#include <xen/bitops.h>
#include <xen/types.h>

typedef struct cpumask {
    DECLARE_BITMAP(bits, NR_CPUS);
} cpumask_t;

extern unsigned int nr_cpu_ids;

extern cpumask_t cpu_possible_map;
extern cpumask_t cpu_present_map;
extern cpumask_t cpu_online_map;

static inline void cpumask_set_cpu(unsigned int cpu, cpumask_t *mask)
{
    set_bit(cpu, mask->bits);
}

static inline void __cpumask_set_cpu(unsigned int cpu, cpumask_t *mask)
{
    __set_bit(cpu, mask->bits);
}

static inline void cpumask_clear_cpu(unsigned int cpu, cpumask_t *mask)
{
    clear_bit(cpu, mask->bits);
}

static inline bool cpumask_test_cpu(unsigned int cpu, const cpumask_t *mask)
{
    return test_bit(cpu, mask->bits);
}

static inline void cpumask_clear(cpumask_t *mask)
{
    unsigned int i;

    for ( i = 0; i < BITS_TO_LONGS(NR_CPUS); i++ )
        mask->bits[i] = 0;
}

static inline unsigned int cpumask_weight(const cpumask_t *mask)
{
    unsigned int i, weight = 0;

    for ( i = 0; i < BITS_TO_LONGS(NR_CPUS); i++ )
        weight += hweight_long(mask->bits[i]);

    return weight;
}

static inline bool cpumask_empty(const cpumask_t *mask)
{
    return cpumask_weight(mask) == 0;
}

static inline unsigned int cpumask_next(int n, const cpumask_t *mask)
{
    return find_next_bit(mask->bits, nr_cpu_ids, n + 1);
}

#define cpumask_first(mask) cpumask_next(-1, mask)

#define for_each_cpu(cpu, mask)                     \
    for ( (cpu) = cpumask_first(mask);              \
          (cpu) < nr_cpu_ids;                       \
          (cpu) = cpumask_next(cpu, mask) )

#define for_each_possible_cpu(cpu) for_each_cpu(cpu, &cpu_possible_map)
#define for_each_present_cpu(cpu) for_each_cpu(cpu, &cpu_present_map)
#define for_each_online_cpu(cpu) for_each_cpu(cpu, &cpu_online_map)

#define cpu_online(cpu) cpumask_test_cpu(cpu, &cpu_online_map)
#define cpu_is_offline(cpu) (!cpu_online(cpu))
#define num_online_cpus() cpumask_weight(&cpu_online_map)

#endif /* __XEN_CPUMASK_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
