/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_ARM_VTIMER_H__
#define __ASM_ARM_VTIMER_H__

#include <xen/timer.h>
#include <xen/types.h>

struct vcpu;

/* One of a vCPU's generic timers, emulated with a Xen timer off-CPU. */
struct vtimer {
    struct vcpu *v;
    unsigned int irq;
    struct timer timer;
    register_t ctl;                 /* CNTx_CTL */
    uint64_t cval;                  /* CNTx_CVAL, in counter ticks */
};

int vcpu_vtimer_init(struct vcpu *v);
void vcpu_timer_destroy(struct vcpu *v);
void virt_timer_save(struct vcpu *v);
void virt_timer_restore(struct vcpu *v);

#endif /* __ASM_ARM_VTIMER_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
