/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SMC Calling Convention: how function ids are built and how Xen calls
 * the firmware (EL3) with an SMC.
 */
#ifndef __ASM_ARM_SMCCC_H__
#define __ASM_ARM_SMCCC_H__

#include <xen/types.h>

#define ARM_SMCCC_STD_CALL 0U
#define ARM_SMCCC_FAST_CALL 1U
#define ARM_SMCCC_TYPE_SHIFT 31

#define ARM_SMCCC_CONV_32 0U
#define ARM_SMCCC_CONV_64 1U
#define ARM_SMCCC_CONV_SHIFT 30

#define ARM_SMCCC_OWNER_MASK 0x3fU
#define ARM_SMCCC_OWNER_SHIFT 24
#define ARM_SMCCC_FUNC_MASK 0xffffU

#define ARM_SMCCC_OWNER_ARCH 0U
#define ARM_SMCCC_OWNER_CPU 1U
#define ARM_SMCCC_OWNER_SIP 2U
#define ARM_SMCCC_OWNER_OEM 3U
#define ARM_SMCCC_OWNER_STANDARD 4U     /* PSCI lives here */
#define ARM_SMCCC_OWNER_HYPERVISOR 5U

#define ARM_SMCCC_CALL_VAL(type, conv, owner, func)             \
    (((type) << ARM_SMCCC_TYPE_SHIFT) |                         \
     ((conv) << ARM_SMCCC_CONV_SHIFT) |                         \
     (((owner) & ARM_SMCCC_OWNER_MASK) << ARM_SMCCC_OWNER_SHIFT) | \
     ((func) & ARM_SMCCC_FUNC_MASK))

#define ARM_SMCCC_ERR_UNKNOWN_FUNCTION (-1)

static inline bool smccc_is_fast_call(register_t funcid)
{
    return funcid & (1U << ARM_SMCCC_TYPE_SHIFT);
}

static inline bool smccc_is_conv_64(register_t funcid)
{
    return funcid & (1U << ARM_SMCCC_CONV_SHIFT);
}

static inline uint32_t smccc_get_owner(register_t funcid)
{
    return (funcid >> ARM_SMCCC_OWNER_SHIFT) & ARM_SMCCC_OWNER_MASK;
}

/* Results of an SMC: x0-x3 on return. */
struct arm_smccc_res {
    unsigned long a0, a1, a2, a3;
};

/* Issue an SMC with x0-x3 set to a0-a3 (smc.S). */
void arm_smccc_smc(register_t a0, register_t a1, register_t a2,
                   register_t a3, struct arm_smccc_res *res);

#endif /* __ASM_ARM_SMCCC_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
