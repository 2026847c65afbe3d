/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_ARM_VGIC_H__
#define __ASM_ARM_VGIC_H__

#include <xen/types.h>

struct domain;
struct vcpu;

/*
 * Make virq pending for v (for a PPI or SGI) or for the vCPU the guest
 * routed it to (an SPI: v is NULL).  The vCPU still has to be kicked.
 */
void vgic_inject_irq(struct domain *d, struct vcpu *v, unsigned int virq,
                     bool level);

#endif /* __ASM_ARM_VGIC_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
