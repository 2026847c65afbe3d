/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Power State Coordination Interface: the physical calls Xen makes to the
 * firmware (psci.c) and the virtual interface it offers guests (vpsci.c).
 */
#ifndef __ASM_ARM_PSCI_H__
#define __ASM_ARM_PSCI_H__

#include <xen/types.h>
#include <asm/regs.h>
#include <asm/smccc.h>

/* Return codes */
#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED (-3)
#define PSCI_ALREADY_ON (-4)
#define PSCI_ON_PENDING (-5)
#define PSCI_INTERNAL_FAILURE (-6)
#define PSCI_NOT_PRESENT (-7)
#define PSCI_DISABLED (-8)
#define PSCI_INVALID_ADDRESS (-9)

#define PSCI_VERSION(major, minor) (((major) << 16) | (minor))
#define PSCI_VERSION_MAJOR(v) ((v) >> 16)
#define PSCI_VERSION_MINOR(v) ((v) & 0xffff)

#define PSCI_0_2_FN32(n)                                        \
    ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, ARM_SMCCC_CONV_32,  \
                       ARM_SMCCC_OWNER_STANDARD, n)
#define PSCI_0_2_FN64(n)                                        \
    ARM_SMCCC_CALL_VAL(ARM_SMCCC_FAST_CALL, ARM_SMCCC_CONV_64,  \
                       ARM_SMCCC_OWNER_STANDARD, n)

/* Function ids */
#define PSCI_0_2_FN32_PSCI_VERSION PSCI_0_2_FN32(0)
#define PSCI_0_2_FN32_CPU_OFF PSCI_0_2_FN32(2)
#define PSCI_0_2_FN32_CPU_ON PSCI_0_2_FN32(3)
#define PSCI_0_2_FN64_CPU_ON PSCI_0_2_FN64(3)
#define PSCI_0_2_FN32_AFFINITY_INFO PSCI_0_2_FN32(4)
#define PSCI_0_2_FN64_AFFINITY_INFO PSCI_0_2_FN64(4)
#define PSCI_0_2_FN32_MIGRATE_INFO_TYPE PSCI_0_2_FN32(6)
#define PSCI_0_2_FN32_SYSTEM_OFF PSCI_0_2_FN32(8)
#define PSCI_0_2_FN32_SYSTEM_RESET PSCI_0_2_FN32(9)
#define PSCI_1_0_FN32_PSCI_FEATURES PSCI_0_2_FN32(10)
#define PSCI_1_0_FN32_SYSTEM_SUSPEND PSCI_0_2_FN32(14)
#define PSCI_1_0_FN64_SYSTEM_SUSPEND PSCI_0_2_FN64(14)

#define PSCI_0_2_AFFINITY_LEVEL_ON 0
#define PSCI_0_2_AFFINITY_LEVEL_OFF 1

/* MIGRATE_INFO_TYPE: no trusted OS needs migrating */
#define PSCI_0_2_TOS_MP_OR_NOT_PRESENT 2

/* Arguments and result of a guest's PSCI call, in x0-x3. */
#define PSCI_ARG(regs, n) get_user_reg(regs, n)
#define PSCI_ARG32(regs, n) ((uint32_t)get_user_reg(regs, n))
#define PSCI_SET_RESULT(regs, val) set_user_reg(regs, 0, val)

/* Physical interface (psci.c) */
extern uint32_t psci_ver;

int psci_init(void);
int call_psci_cpu_on(int cpu);
void call_psci_cpu_off(void);
void call_psci_system_off(void);
void call_psci_system_reset(void);
int call_psci_system_suspend(paddr_t entry);

/* Virtual interface (vpsci.c): false if fid is not a PSCI function. */
bool do_vpsci_0_2_call(struct cpu_user_regs *regs, uint32_t fid);

#endif /* __ASM_ARM_PSCI_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
