/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_ARM_PROCESSOR_H__
#define __ASM_ARM_PROCESSOR_H__

#include <xen/compiler.h>
#include <xen/types.h>

/* Exception classes of the syndrome register (ESR_EL2) Xen handles. */
#define HSR_EC_UNKNOWN 0x00
#define HSR_EC_WFI_WFE 0x01
#define HSR_EC_HVC32 0x12
#define HSR_EC_SMC32 0x13
#define HSR_EC_HVC64 0x16
#define HSR_EC_SMC64 0x17
#define HSR_EC_SYSREG 0x18
#define HSR_EC_INSTR_ABORT_LOWER_EL 0x20
#define HSR_EC_DATA_ABORT_LOWER_EL 0x24

/* MPIDR: affinity fields of a (v)CPU id */
#define MPIDR_AFF0_SHIFT 0
#define MPIDR_AFF1_SHIFT 8
#define MPIDR_AFF_MASK 0xffUL
#define MPIDR_AFFINITY_LEVEL(mpidr, level) \
    (((mpidr) >> ((level) * 8)) & MPIDR_AFF_MASK)

/* The exception syndrome, as a whole and decoded. */
union hsr {
    register_t bits;
    struct {
        unsigned long iss:25;       /* Instruction Specific Syndrome */
        unsigned long len:1;        /* 32-bit instruction */
        unsigned long ec:6;         /* Exception Class */
    };
    struct hsr_dabt {
        unsigned long dfsc:6;       /* Data Fault Status Code */
        unsigned long write:1;      /* Write, not read */
        unsigned long s1ptw:1;      /* Stage 2 fault in a stage 1 walk */
        unsigned long cache:1;      /* Cache maintenance */
        unsigned long eat:1;        /* External abort type */
        unsigned long fnv:1;        /* FAR not valid */
        unsigned long sbzp0:3;
        unsigned long ar:1;         /* Acquire / release */
        unsigned long sf:1;         /* 64-bit register */
        unsigned long reg:5;        /* Register transferred */
        unsigned long sign:1;       /* Sign extend */
        unsigned long size:2;       /* log2 of the access size */
        unsigned long valid:1;      /* The fields above are valid */
        unsigned long len:1;
        unsigned long ec:6;
    } dabt;
};

/*
 * Guest registers as saved on entry to Xen and restored on the way out.
 * Writing them changes what the guest sees when it runs again.
 */
struct cpu_user_regs {
    union {
        register_t x[31];
        struct {
            register_t x0, x1, x2, x3, x4, x5, x6, x7;
            register_t x8, x9, x10, x11, x12, x13, x14, x15;
            register_t x16, x17, x18, x19, x20, x21, x22, x23;
            register_t x24, x25, x26, x27, x28, x29, lr;
        };
    };
    register_t sp;
    register_t pc;                  /* ELR_EL2: where the guest resumes */
    register_t cpsr;                /* SPSR_EL2 */
    register_t hsr;                 /* ESR_EL2 of the trap */
    register_t sp_el0, sp_el1, elr_el1;
    uint32_t spsr_el1;
};

#define cpu_relax() barrier()

#endif /* __ASM_ARM_PROCESSOR_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
