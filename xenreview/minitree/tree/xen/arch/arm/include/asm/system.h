/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_ARM_SYSTEM_H__
#define __ASM_ARM_SYSTEM_H__

#include <xen/types.h>
#include <public/xen.h>

#define sev() asm volatile ( "sev" : : : "memory" )
#define wfe() asm volatile ( "wfe" : : : "memory" )
#define wfi() asm volatile ( "wfi" : : : "memory" )

#define isb() asm volatile ( "isb" : : : "memory" )
#define dsb(scope) asm volatile ( "dsb " #scope : : : "memory" )
#define dmb(scope) asm volatile ( "dmb " #scope : : : "memory" )

#define smp_mb() dmb(ish)
#define smp_rmb() dmb(ishld)
#define smp_wmb() dmb(ishst)

#define local_irq_disable() asm volatile ( "msr daifset, #2" : : : "memory" )
#define local_irq_enable() asm volatile ( "msr daifclr, #2" : : : "memory" )

#define local_save_flags(x) \
    asm volatile ( "mrs %0, daif" : "=r" (x) : : "memory" )

#define local_irq_save(x)       \
    do {                        \
        local_save_flags(x);    \
        local_irq_disable();    \
    } while ( 0 )

#define local_irq_restore(x) \
    asm volatile ( "msr daif, %0" : : "r" (x) : "memory" )

static inline bool local_irq_is_enabled(void)
{
    unsigned long flags;

    local_save_flags(flags);
    return !(flags & PSR_IRQ_MASK);
}

#endif /* __ASM_ARM_SYSTEM_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
