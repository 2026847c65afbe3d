/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_ARM_CURRENT_H__
#define __ASM_ARM_CURRENT_H__

#include <xen/percpu.h>
#include <asm/processor.h>

struct vcpu;

/* At the top of each vCPU's hypervisor stack. */
struct cpu_info {
    struct cpu_user_regs guest_cpu_user_regs;
    unsigned long elr;
    uint32_t flags;
};

DECLARE_PER_CPU(struct vcpu *, curr_vcpu);

/* The vCPU running on this pCPU (the idle vCPU when no guest runs). */
#define current (this_cpu(curr_vcpu))
#define set_current(vcpu) do { this_cpu(curr_vcpu) = (vcpu); } while ( 0 )

/* The registers of the current vCPU; needs xen/sched.h where used. */
#define guest_cpu_user_regs() (&current->arch.cpu_info->guest_cpu_user_regs)

#endif /* __ASM_ARM_CURRENT_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
