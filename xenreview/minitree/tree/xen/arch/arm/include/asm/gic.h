/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_ARM_GIC_H__
#define __ASM_ARM_GIC_H__

#include <xen/cpumask.h>
#include <xen/types.h>
#include <asm/processor.h>

#define NR_GIC_SGI 16
#define NR_GIC_LOCAL_IRQS 32            /* SGIs and PPIs */
#define GIC_SPURIOUS_IRQ 1023

/* Priorities: lower is more urgent. */
#define GIC_PRI_LOWEST 0xf0
#define GIC_PRI_IRQ 0xa0
#define GIC_PRI_IPI 0x90
#define GIC_PRI_HIGHEST 0x80

#define GICV2_NR_LRS 4

/* Software generated interrupts Xen sends between pCPUs */
enum gic_sgi {
    GIC_SGI_EVENT_CHECK = 0,            /* Look at softirqs and tasklets */
    GIC_SGI_DUMP_STATE = 1,
    GIC_SGI_CALL_FUNCTION = 2,
};

/* A vCPU's state in the virtual CPU interface, saved on context switch */
struct gic_vcpu_state {
    uint32_t hcr;
    uint32_t vmcr;
    uint32_t apr;
    uint32_t lr[GICV2_NR_LRS];
};

struct gic_info {
    unsigned int nr_lines;              /* Lines of the distributor */
    unsigned int nr_lrs;                /* List registers per pCPU */
};

struct vcpu;

/* What a GIC driver (gic-v2.c) provides to the front (gic.c). */
struct gic_hw_operations {
    const struct gic_info *info;
    int (*init)(void);
    int (*secondary_init)(void);
    void (*save_state)(struct vcpu *v);
    void (*restore_state)(const struct vcpu *v);
    unsigned int (*read_irq)(void);
    void (*eoi_irq)(unsigned int irq);
    void (*route_irq)(unsigned int irq, unsigned int cpu,
                      unsigned int priority);
    void (*send_SGI)(enum gic_sgi sgi, unsigned int cpu);
    void (*disable_interface)(void);
    /*
     * Host suspend: save the distributor and CPU interface before the
     * firmware powers the GIC down, restore them on the way back.  Called
     * on the boot pCPU, alone online, with interrupts off.  The front has
     * no wrapper for them yet: host suspend code adds gic_suspend() and
     * gic_resume() to gic.c.
     */
    int (*suspend)(void);
    void (*resume)(void);
};

extern const struct gic_hw_operations *gic_hw_ops;

void register_gic_ops(const struct gic_hw_operations *ops);
int gicv2_preinit(void);

void gic_init(void);
int gic_init_secondary_cpu(void);
void gic_disable_cpu(void);
unsigned int gic_number_lines(void);

/* Context switch of a vCPU's virtual CPU interface */
void gic_save_state(struct vcpu *v);
void gic_restore_state(struct vcpu *v);

void gic_route_irq_to_xen(unsigned int irq, unsigned int priority);
void gic_interrupt(struct cpu_user_regs *regs, int is_fiq);

void send_SGI_one(unsigned int cpu, enum gic_sgi sgi);
void send_SGI_mask(const cpumask_t *mask, enum gic_sgi sgi);
void send_SGI_allbutself(enum gic_sgi sgi);

#endif /* __ASM_ARM_GIC_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
