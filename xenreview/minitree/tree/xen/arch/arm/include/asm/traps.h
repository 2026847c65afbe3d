/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_ARM_TRAPS_H__
#define __ASM_ARM_TRAPS_H__

#include <asm/processor.h>

/* Entry points from the exception vectors (entry.S). */
void do_trap_guest_sync(struct cpu_user_regs *regs);
void do_trap_irq(struct cpu_user_regs *regs);

/* Reflect a fault into the guest. */
void inject_undef_exception(struct cpu_user_regs *regs, const union hsr hsr);
void inject_dabt_exception(struct cpu_user_regs *regs, register_t addr,
                           int instr_len);

/* Step the guest over the instruction that trapped. */
void advance_pc(struct cpu_user_regs *regs, const union hsr hsr);

/* Guest physical address of the current stage 2 abort. */
paddr_t get_faulting_ipa(void);

#endif /* __ASM_ARM_TRAPS_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
