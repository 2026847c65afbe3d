/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/arch/arm/gic.c
 *
 * The GIC front: what the rest of Xen calls, dispatched to the driver
 * (gic-v2.c) through gic_hw_ops.
 */

#include <xen/cpumask.h>
#include <xen/init.h>
#include <xen/irq.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/types.h>
#include <asm/current.h>
#include <asm/gic.h>
#include <asm/system.h>

const struct gic_hw_operations *gic_hw_ops;

void register_gic_ops(const struct gic_hw_operations *ops)
{
    BUG_ON(gic_hw_ops != NULL);
    gic_hw_ops = ops;
}

unsigned int gic_number_lines(void)
{
    return gic_hw_ops->info->nr_lines;
}

void __init gic_init(void)
{
    if ( gic_hw_ops->init() )
        panic("Failed to initialize the GIC\n");

    printk(XENLOG_INFO "GIC: %u lines, %u list registers\n",
           gic_number_lines(), gic_hw_ops->info->nr_lrs);
}

int gic_init_secondary_cpu(void)
{
    return gic_hw_ops->secondary_init();
}

/* On a pCPU going down: stop taking interrupts from the GIC. */
void gic_disable_cpu(void)
{
    ASSERT(!local_irq_is_enabled());

    gic_hw_ops->disable_interface();
}

void gic_save_state(struct vcpu *v)
{
    ASSERT(!is_idle_vcpu(v));

    gic_hw_ops->save_state(v);
}

void gic_restore_state(struct vcpu *v)
{
    ASSERT(!is_idle_vcpu(v));

    gic_hw_ops->restore_state(v);
    isb();
}

void gic_route_irq_to_xen(unsigned int irq, unsigned int priority)
{
    ASSERT(priority <= 0xff);

    gic_hw_ops->route_irq(irq, smp_processor_id(), priority);
}

void send_SGI_one(unsigned int cpu, enum gic_sgi sgi)
{
    gic_hw_ops->send_SGI(sgi, cpu);
}

void send_SGI_mask(const cpumask_t *mask, enum gic_sgi sgi)
{
    unsigned int cpu;

    for_each_cpu ( cpu, mask )
        send_SGI_one(cpu, sgi);
}

void send_SGI_allbutself(enum gic_sgi sgi)
{
    unsigned int cpu;

    for_each_online_cpu ( cpu )
        if ( cpu != smp_processor_id() )
            send_SGI_one(cpu, sgi);
}

static void do_sgi(struct cpu_user_regs *regs, enum gic_sgi sgi)
{
    (void)regs;

    switch ( sgi )
    {
    case GIC_SGI_EVENT_CHECK:
        /* Nothing to do: the pCPU looks at its softirqs on the way out. */
        break;
    case GIC_SGI_DUMP_STATE:
        printk("CPU%u: state dump requested\n", smp_processor_id());
        break;
    case GIC_SGI_CALL_FUNCTION:
        break;
    default:
        panic("CPU%u: unknown SGI %d\n", smp_processor_id(), sgi);
    }
}

void gic_interrupt(struct cpu_user_regs *regs, int is_fiq)
{
    unsigned int irq;

    for ( ; ; )
    {
        irq = gic_hw_ops->read_irq();

        if ( irq < NR_GIC_SGI )
        {
            gic_hw_ops->eoi_irq(irq);
            do_sgi(regs, irq);
        }
        else if ( irq < GIC_SPURIOUS_IRQ - 3 )
        {
            /* Xen's interrupts are acknowledged in do_IRQ(). */
            local_irq_enable();
            do_IRQ(regs, irq, is_fiq);
            local_irq_disable();
        }
        else
            break;
    }
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
