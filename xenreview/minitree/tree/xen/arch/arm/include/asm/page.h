/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_ARM_PAGE_H__
#define __ASM_ARM_PAGE_H__

#include <xen/types.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)

/* Machine address of a hypervisor virtual address. */
paddr_t virt_to_maddr(const void *va);
#define __pa(x) virt_to_maddr(x)

#endif /* __ASM_ARM_PAGE_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
