/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_ARM_REGS_H__
#define __ASM_ARM_REGS_H__

#include <xen/lib.h>
#include <asm/processor.h>
#include <public/xen.h>

#define psr_mode_is_32bit(regs) (!!((regs)->cpsr & PSR_MODE_BIT))

/* Register 31 is the zero register for these accesses. */
static inline register_t get_user_reg(const struct cpu_user_regs *regs,
                                      unsigned int reg)
{
    if ( reg >= ARRAY_SIZE(regs->x) )
        return 0;

    return regs->x[reg];
}

static inline void set_user_reg(struct cpu_user_regs *regs, unsigned int reg,
                                register_t val)
{
    if ( reg < ARRAY_SIZE(regs->x) )
        regs->x[reg] = val;
}

#endif /* __ASM_ARM_REGS_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
