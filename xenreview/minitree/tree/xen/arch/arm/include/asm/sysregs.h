/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_ARM_SYSREGS_H__
#define __ASM_ARM_SYSREGS_H__

#include <xen/types.h>

/* Access a system register by its architectural name, e.g. CNTFRQ_EL0. */
#define READ_SYSREG(name) ({                                    \
    register_t r_;                                              \
    asm volatile ( "mrs %0, " #name : "=r" (r_) );              \
    r_; })

#define WRITE_SYSREG(v, name)                                   \
    do {                                                        \
        register_t w_ = (v);                                    \
        asm volatile ( "msr " #name ", %0" : : "r" (w_) );      \
    } while ( 0 )

#endif /* __ASM_ARM_SYSREGS_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
