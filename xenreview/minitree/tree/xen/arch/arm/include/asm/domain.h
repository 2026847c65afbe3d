/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_ARM_DOMAIN_H__
#define __ASM_ARM_DOMAIN_H__

#include <xen/types.h>
#include <asm/gic.h>
#include <asm/mmio.h>
#include <asm/vtimer.h>
#include <public/xen.h>

enum domain_type {
    DOMAIN_32BIT,
    DOMAIN_64BIT,
};

#define is_32bit_domain(d) ((d)->arch.type == DOMAIN_32BIT)
#define is_64bit_domain(d) ((d)->arch.type == DOMAIN_64BIT)

struct arch_domain {
    enum domain_type type;
    struct vmmio vmmio;             /* Emulated MMIO regions */
};

struct cpu_info;

struct arch_vcpu {
    /* Guest registers, saved on each trap into Xen */
    struct cpu_info *cpu_info;

    /* EL1 system registers, saved and restored on context switch */
    register_t sctlr;
    register_t ttbcr, ttbr0, ttbr1;

    struct vtimer phys_timer;
    struct vtimer virt_timer;
    bool vtimer_initialized;

    struct gic_vcpu_state gic;
};

struct vcpu;

/*
 * Load a vCPU context without checking it: the caller has validated it
 * (arch_set_info_guest() does, so does the virtual PSCI code).
 */
void _arch_set_info_guest(struct vcpu *v,
                          const struct vcpu_guest_context *ctxt);

#endif /* __ASM_ARM_DOMAIN_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
