/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/drivers/passthrough/iommu.c
 *
 * The vendor independent part of device passthrough: whether an IOMMU is
 * in use, and the calls into its driver (struct iommu_ops).
 */

#include <xen/errno.h>
#include <xen/init.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/types.h>

bool __read_mostly iommu_enable = true;
bool __read_mostly iommu_enabled;

static const struct iommu_ops *iommu_ops;

const struct iommu_ops *iommu_get_ops(void)
{
    return iommu_ops;
}

void iommu_set_ops(const struct iommu_ops *ops)
{
    BUG_ON(ops == NULL);
    BUG_ON(iommu_ops != NULL && iommu_ops != ops);

    iommu_ops = ops;
}

int __init iommu_setup(void)
{
    int rc = -ENODEV;

    if ( iommu_enable )
    {
        rc = iommu_hardware_setup();
        iommu_enabled = rc == 0;
    }

    printk(XENLOG_INFO "I/O virtualisation %sabled\n",
           iommu_enabled ? "en" : "dis");

    /* Running without an IOMMU is allowed: no passthrough, that is all. */
    return iommu_enable && !iommu_enabled ? rc : 0;
}

int iommu_domain_init(struct domain *d)
{
    if ( !iommu_enabled )
        return 0;

    return iommu_get_ops()->init(d);
}

void iommu_hwdom_init(struct domain *d)
{
    if ( !iommu_enabled )
        return;

    iommu_get_ops()->hwdom_init(d);
}

void iommu_domain_destroy(struct domain *d)
{
    if ( !iommu_enabled )
        return;

    iommu_get_ops()->teardown(d);
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
