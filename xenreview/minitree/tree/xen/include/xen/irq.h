/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_IRQ_H__
#define __XEN_IRQ_H__

#include <xen/types.h>
#include <asm/processor.h>

typedef void (*irq_handler_t)(int irq, void *dev_id);

/* Give Xen a physical interrupt, or take it back. */
int request_irq(unsigned int irq, unsigned int irqflags,
                irq_handler_t handler, const char *devname, void *dev_id);
void release_irq(unsigned int irq, const void *dev_id);

/* Handle a physical interrupt: Xen's own, or forward it to its guest. */
void do_IRQ(struct cpu_user_regs *regs, unsigned int irq, int is_fiq);

#endif /* __XEN_IRQ_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
