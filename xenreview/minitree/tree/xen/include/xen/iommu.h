/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_IOMMU_H__
#define __XEN_IOMMU_H__

#include <xen/types.h>

struct domain;

/*
 * What an IOMMU driver (SMMU, ...) provides to the vendor independent
 * code in drivers/passthrough/iommu.c.
 */
struct iommu_ops {
    int (*init)(struct domain *d);
    void (*hwdom_init)(struct domain *d);
    void (*teardown)(struct domain *d);
    int (*assign_device)(struct domain *d, uint32_t devid);
    int (*iotlb_flush_all)(struct domain *d);
    /*
     * Host suspend.  Decision for the mini tree: drivers fill these in,
     * but iommu.c has no iommu_suspend() / iommu_resume() wrappers yet;
     * the code that adds host suspend adds them next to iommu_setup()
     * (and declares them here), calling through iommu_get_ops() only
     * when iommu_enabled.  suspend runs on the boot pCPU with every
     * domain frozen; resume undoes it before domains are thawed.
     */
    int (*suspend)(void);
    void (*resume)(void);
};

extern bool iommu_enable;           /* Asked for on the command line */
extern bool iommu_enabled;          /* Set up and in use */

int iommu_setup(void);
int iommu_domain_init(struct domain *d);
void iommu_hwdom_init(struct domain *d);
void iommu_domain_destroy(struct domain *d);

const struct iommu_ops *iommu_get_ops(void);
void iommu_set_ops(const struct iommu_ops *ops);

/* Driver: probe the hardware and call iommu_set_ops(). */
int iommu_hardware_setup(void);

#endif /* __XEN_IOMMU_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
