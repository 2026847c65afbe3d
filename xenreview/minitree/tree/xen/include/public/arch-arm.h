/* SPDX-License-Identifier: MIT */
/*
 * Guest interface specific to Arm.  Like every public header, it relies on
 * the includer for the fixed-width integer types.
 */
#ifndef __XEN_PUBLIC_ARCH_ARM_H__
#define __XEN_PUBLIC_ARCH_ARM_H__

/* The immediate of the HVC instruction a guest uses for a hypercall. */
#define XEN_HYPERCALL_TAG 0xEA1

/* A guest pointer as passed to a hypercall. */
#define XEN_GUEST_HANDLE_PARAM(type) type *

typedef uint64_t xen_pfn_t;
typedef uint64_t xen_ulong_t;

/* Processor state (CPSR / SPSR) bits a guest context may hold. */
#define PSR_MODE_MASK 0x1f
#define PSR_MODE_BIT 0x10           /* Set for AArch32 modes */
#define PSR_MODE_USR 0x10
#define PSR_MODE_SVC 0x13
#define PSR_MODE_EL0t 0x00
#define PSR_MODE_EL1t 0x04
#define PSR_MODE_EL1h 0x05
#define PSR_THUMB (1U << 5)         /* AArch32 Thumb state */
#define PSR_FIQ_MASK (1U << 6)
#define PSR_IRQ_MASK (1U << 7)
#define PSR_ABT_MASK (1U << 8)
#define PSR_DBG_MASK (1U << 9)

#define PSR_GUEST32_INIT \
    (PSR_ABT_MASK | PSR_FIQ_MASK | PSR_IRQ_MASK | PSR_MODE_SVC)
#define PSR_GUEST64_INIT \
    (PSR_ABT_MASK | PSR_FIQ_MASK | PSR_IRQ_MASK | PSR_MODE_EL1h)

/* SCTLR_EL1 a vCPU starts with: MMU and caches off. */
#define SCTLR_GUEST_INIT 0x00c50078ULL

/* Interrupts every guest sees (PPIs). */
#define GUEST_TIMER_VIRT_PPI 27
#define GUEST_TIMER_PHYS_NS_PPI 30
#define GUEST_EVTCHN_PPI 31

/* General purpose registers; an AArch32 guest uses the low 15 as r0-r14. */
struct vcpu_guest_core_regs {
    union {
        uint64_t x[31];
        struct {
            uint64_t x0, x1, x2, x3, x4, x5, x6, x7;
            uint64_t x8, x9, x10, x11, x12, x13, x14, x15;
            uint64_t x16, x17, x18, x19, x20, x21, x22, x23;
            uint64_t x24, x25, x26, x27, x28, x29, lr;
        };
    };
    uint64_t sp_el0;
    uint64_t sp_el1;
    uint64_t pc64;
    uint64_t elr_el1;
    uint32_t cpsr;
    uint32_t spsr_el1;
};

/* The whole state a vCPU starts (or resumes) from. */
struct vcpu_guest_context {
#define _VGCF_online 0
#define VGCF_online (1U << _VGCF_online)
    uint32_t flags;
    struct vcpu_guest_core_regs user_regs;
    uint64_t sctlr;
    uint64_t ttbcr, ttbr0, ttbr1;
};
typedef struct vcpu_guest_context vcpu_guest_context_t;

#endif /* __XEN_PUBLIC_ARCH_ARM_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
