/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_ARM_TIME_H__
#define __ASM_ARM_TIME_H__

#include <xen/time.h>
#include <xen/types.h>
#include <asm/sysregs.h>
#include <asm/system.h>

typedef uint64_t cycles_t;

/* The generic timer's PPIs, in the order the device tree lists them. */
enum timer_ppi {
    TIMER_PHYS_SECURE_PPI = 0,
    TIMER_PHYS_NONSECURE_PPI = 1,
    TIMER_VIRT_PPI = 2,
    TIMER_HYP_PPI = 3,
    MAX_TIMER_PPI = 4,
};

/* CNTx_CTL bits */
#define CNTx_CTL_ENABLE (1U << 0)
#define CNTx_CTL_MASK (1U << 1)
#define CNTx_CTL_PENDING (1U << 2)

/* CNTHCTL_EL2: let EL1 read the physical counter, not use its timer */
#define CNTHCTL_EL2_EL1PCTEN (1U << 0)
#define CNTHCTL_EL2_EL1PCEN (1U << 1)

extern uint64_t boot_count;         /* Counter value at boot */
extern unsigned long cpu_khz;       /* Counter frequency */

static inline cycles_t get_cycles(void)
{
    isb();
    return READ_SYSREG(CNTPCT_EL0);
}

s_time_t ticks_to_ns(uint64_t ticks);
uint64_t ns_to_ticks(s_time_t ns);

void preinit_xen_time(void);
void init_timer_interrupt(void);

#endif /* __ASM_ARM_TIME_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
