/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_ARM_SMP_H__
#define __ASM_ARM_SMP_H__

#include <xen/compiler.h>
#include <xen/types.h>

/* The pCPU this code runs on (kept in TPIDR_EL2). */
unsigned int get_processor_id(void);
void set_processor_id(unsigned int id);
#define smp_processor_id() get_processor_id()

/* Hardware id (MPIDR) of each logical pCPU, as given to PSCI CPU_ON. */
extern register_t __cpu_logical_map[NR_CPUS];
#define cpu_logical_map(cpu) __cpu_logical_map[cpu]

/* Physical entry point of a secondary pCPU (head.S). */
extern const char init_secondary[];

void start_secondary(void);
void noreturn stop_cpu(void);

#endif /* __ASM_ARM_SMP_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
