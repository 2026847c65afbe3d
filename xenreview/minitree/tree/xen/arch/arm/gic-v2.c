/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/arch/arm/gic-v2.c
 *
 * Driver for the GICv2: distributor (GICD), physical CPU interface (GICC)
 * and virtual interface control (GICH).
 */

#include <xen/errno.h>
#include <xen/init.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/types.h>
#include <asm/gic.h>
#include <asm/io.h>
#include <asm/system.h>

/* Distributor registers */
#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICD_SGIR 0xf00

#define GICD_CTL_ENABLE 0x1
#define GICD_TYPE_LINES 0x01f

/* CPU interface registers */
#define GICC_CTLR 0x0000
#define GICC_PMR 0x0004
#define GICC_BPR 0x0008
#define GICC_IAR 0x000c
#define GICC_EOIR 0x0010
#define GICC_DIR 0x1000

#define GICC_CTL_ENABLE 0x1
#define GICC_CTL_EOI (1U << 9)          /* Split priority drop and deactivate */
#define GICC_IA_IRQ 0x03ff

/* Virtual interface control registers */
#define GICH_HCR 0x00
#define GICH_VMCR 0x08
#define GICH_APR 0xf0
#define GICH_LR 0x100

/* Largest distributor a GICv2 can have */
#define GICV2_MAX_LINES 1020

static struct {
    void __iomem *map_dbase;
    void __iomem *map_cbase;
    void __iomem *map_hbase;
    spinlock_t lock;
} gicv2;

static struct gic_info gicv2_info;

/*
 * The distributor and CPU interface state lost when the firmware powers
 * the GIC down for a host suspend.
 */
static struct {
    uint32_t gicd_isenabler[GICV2_MAX_LINES / 32];
    uint32_t gicd_ipriorityr[GICV2_MAX_LINES / 4];
    uint32_t gicd_itargetsr[GICV2_MAX_LINES / 4];
    uint32_t gicd_icfgr[GICV2_MAX_LINES / 16];
    uint32_t gicc_ctlr;
    uint32_t gicc_pmr;
    uint32_t gicc_bpr;
} gicv2_suspend_ctx;

static inline uint32_t readl_gicd(unsigned int offset)
{
    return readl_relaxed(gicv2.map_dbase + offset);
}

static inline void writel_gicd(uint32_t val, unsigned int offset)
{
    writel_relaxed(val, gicv2.map_dbase + offset);
}

static inline uint32_t readl_gicc(unsigned int offset)
{
    return readl_relaxed(gicv2.map_cbase + offset);
}

static inline void writel_gicc(uint32_t val, unsigned int offset)
{
    writel_relaxed(val, gicv2.map_cbase + offset);
}

static inline uint32_t readl_gich(unsigned int offset)
{
    return readl_relaxed(gicv2.map_hbase + offset);
}

static inline void writel_gich(uint32_t val, unsigned int offset)
{
    writel_relaxed(val, gicv2.map_hbase + offset);
}

static void gicv2_cpu_init(void)
{
    writel_gicc(0xff, GICC_PMR);
    writel_gicc(0, GICC_BPR);
    writel_gicc(GICC_CTL_ENABLE | GICC_CTL_EOI, GICC_CTLR);
}

static void gicv2_dist_init(void)
{
    unsigned int i;
    unsigned int nr_lines = gicv2_info.nr_lines;

    writel_gicd(0, GICD_CTLR);

    /* Every shared interrupt: level triggered, lowest priority, off. */
    for ( i = NR_GIC_LOCAL_IRQS; i < nr_lines; i += 16 )
        writel_gicd(0, GICD_ICFGR + (i / 16) * 4);
    for ( i = NR_GIC_LOCAL_IRQS; i < nr_lines; i += 4 )
        writel_gicd(0xa0a0a0a0U, GICD_IPRIORITYR + i);
    for ( i = NR_GIC_LOCAL_IRQS; i < nr_lines; i += 32 )
        writel_gicd(~0U, GICD_ICENABLER + (i / 32) * 4);

    writel_gicd(GICD_CTL_ENABLE, GICD_CTLR);
}

static int gicv2_init(void)
{
    uint32_t type;

    spin_lock_init(&gicv2.lock);

    type = readl_gicd(GICD_TYPER);
    gicv2_info.nr_lines = min(32U * ((type & GICD_TYPE_LINES) + 1),
                              (unsigned int)GICV2_MAX_LINES);
    gicv2_info.nr_lrs = GICV2_NR_LRS;

    gicv2_dist_init();
    gicv2_cpu_init();
    writel_gich(0, GICH_HCR);

    return 0;
}

static int gicv2_secondary_init(void)
{
    gicv2_cpu_init();
    writel_gich(0, GICH_HCR);

    return 0;
}

static void gicv2_save_state(struct vcpu *v)
{
    unsigned int i;

    for ( i = 0; i < GICV2_NR_LRS; i++ )
        v->arch.gic.lr[i] = readl_gich(GICH_LR + i * 4);

    v->arch.gic.apr = readl_gich(GICH_APR);
    v->arch.gic.vmcr = readl_gich(GICH_VMCR);
    v->arch.gic.hcr = readl_gich(GICH_HCR);

    writel_gich(0, GICH_HCR);
}

static void gicv2_restore_state(const struct vcpu *v)
{
    unsigned int i;

    for ( i = 0; i < GICV2_NR_LRS; i++ )
        writel_gich(v->arch.gic.lr[i], GICH_LR + i * 4);

    writel_gich(v->arch.gic.apr, GICH_APR);
    writel_gich(v->arch.gic.vmcr, GICH_VMCR);
    writel_gich(v->arch.gic.hcr, GICH_HCR);
}

static unsigned int gicv2_read_irq(void)
{
    return readl_gicc(GICC_IAR) & GICC_IA_IRQ;
}

static void gicv2_eoi_irq(unsigned int irq)
{
    writel_gicc(irq, GICC_EOIR);
    writel_gicc(irq, GICC_DIR);
}

static void gicv2_route_irq(unsigned int irq, unsigned int cpu,
                            unsigned int priority)
{
    unsigned long flags;

    spin_lock_irqsave(&gicv2.lock, flags);

    writeb_relaxed(priority, gicv2.map_dbase + GICD_IPRIORITYR + irq);
    if ( irq >= NR_GIC_LOCAL_IRQS )
        writeb_relaxed(1U << cpu, gicv2.map_dbase + GICD_ITARGETSR + irq);
    writel_gicd(1U << (irq % 32), GICD_ISENABLER + (irq / 32) * 4);

    spin_unlock_irqrestore(&gicv2.lock, flags);
}

static void gicv2_send_SGI(enum gic_sgi sgi, unsigned int cpu)
{
    /* Target list filter 0: the pCPUs in bits 16-23. */
    dsb(ishst);
    writel_gicd((1U << (cpu + 16)) | sgi, GICD_SGIR);
}

static void gicv2_disable_interface(void)
{
    spin_lock(&gicv2.lock);
    writel_gicc(0, GICC_CTLR);
    writel_gich(0, GICH_HCR);
    spin_unlock(&gicv2.lock);
}

static int gicv2_suspend(void)
{
    unsigned int i;
    unsigned int nr_lines = gicv2_info.nr_lines;

    ASSERT(!local_irq_is_enabled());

    gicv2_suspend_ctx.gicc_ctlr = readl_gicc(GICC_CTLR);
    gicv2_suspend_ctx.gicc_pmr = readl_gicc(GICC_PMR);
    gicv2_suspend_ctx.gicc_bpr = readl_gicc(GICC_BPR);

    for ( i = 0; i < nr_lines / 32; i++ )
        gicv2_suspend_ctx.gicd_isenabler[i] =
            readl_gicd(GICD_ISENABLER + i * 4);
    for ( i = 0; i < nr_lines / 4; i++ )
    {
        gicv2_suspend_ctx.gicd_ipriorityr[i] =
            readl_gicd(GICD_IPRIORITYR + i * 4);
        gicv2_suspend_ctx.gicd_itargetsr[i] =
            readl_gicd(GICD_ITARGETSR + i * 4);
    }
    for ( i = 0; i < nr_lines / 16; i++ )
        gicv2_suspend_ctx.gicd_icfgr[i] = readl_gicd(GICD_ICFGR + i * 4);

    /* Wake-up interrupts are signalled by the power controller now. */
    writel_gicc(0, GICC_CTLR);
    writel_gicd(0, GICD_CTLR);

    return 0;
}

static void gicv2_resume(void)
{
    unsigned int i;
    unsigned int nr_lines = gicv2_info.nr_lines;

    writel_gicd(0, GICD_CTLR);

    for ( i = 0; i < nr_lines / 16; i++ )
        writel_gicd(gicv2_suspend_ctx.gicd_icfgr[i], GICD_ICFGR + i * 4);
    for ( i = 0; i < nr_lines / 4; i++ )
    {
        writel_gicd(gicv2_suspend_ctx.gicd_ipriorityr[i],
                    GICD_IPRIORITYR + i * 4);
        writel_gicd(gicv2_suspend_ctx.gicd_itargetsr[i],
                    GICD_ITARGETSR + i * 4);
    }
    for ( i = 0; i < nr_lines / 32; i++ )
    {
        writel_gicd(~0U, GICD_ICENABLER + i * 4);
        writel_gicd(gicv2_suspend_ctx.gicd_isenabler[i],
                    GICD_ISENABLER + i * 4);
    }

    writel_gicd(GICD_CTL_ENABLE, GICD_CTLR);

    writel_gicc(gicv2_suspend_ctx.gicc_pmr, GICC_PMR);
    writel_gicc(gicv2_suspend_ctx.gicc_bpr, GICC_BPR);
    writel_gicc(gicv2_suspend_ctx.gicc_ctlr, GICC_CTLR);
}

static const struct gic_hw_operations gicv2_ops = {
    .info = &gicv2_info,
    .init = gicv2_init,
    .secondary_init = gicv2_secondary_init,
    .save_state = gicv2_save_state,
    .restore_state = gicv2_restore_state,
    .read_irq = gicv2_read_irq,
    .eoi_irq = gicv2_eoi_irq,
    .route_irq = gicv2_route_irq,
    .send_SGI = gicv2_send_SGI,
    .disable_interface = gicv2_disable_interface,
    .suspend = gicv2_suspend,
    .resume = gicv2_resume,
};

/* Map the GIC (addresses from the device tree in a real build). */
int __init gicv2_preinit(void)
{
    gicv2.map_dbase = ioremap_nocache(0x08000000UL, 0x10000);
    gicv2.map_cbase = ioremap_nocache(0x08010000UL, 0x10000);
    gicv2.map_hbase = ioremap_nocache(0x08030000UL, 0x10000);

    if ( !gicv2.map_dbase || !gicv2.map_cbase || !gicv2.map_hbase )
        return -ENOMEM;

    register_gic_ops(&gicv2_ops);

    return 0;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
