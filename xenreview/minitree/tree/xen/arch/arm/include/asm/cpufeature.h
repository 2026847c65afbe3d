/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_ARM_CPUFEATURE_H__
#define __ASM_ARM_CPUFEATURE_H__

#include <xen/types.h>

/* ID_AA64PFR0_EL1.EL1: 1 = AArch64 only, 2 = AArch64 and AArch32 */
#define ID_AA64PFR0_EL1_SHIFT 4
#define ID_AA64PFR0_EL1_MASK 0xfUL
#define ID_AA64PFR0_EL1_AARCH32 2UL

/* ID_AA64PFR0_EL1 of the boot pCPU, read at boot. */
extern register_t boot_cpu_pfr0;

#define cpu_has_el1_32                                              \
    (((boot_cpu_pfr0 >> ID_AA64PFR0_EL1_SHIFT) &                    \
      ID_AA64PFR0_EL1_MASK) == ID_AA64PFR0_EL1_AARCH32)

#endif /* __ASM_ARM_CPUFEATURE_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
