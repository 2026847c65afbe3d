/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_ARM_IO_H__
#define __ASM_ARM_IO_H__

#include <xen/types.h>

static inline uint32_t readl_relaxed(const volatile void __iomem *addr)
{
    return *(const volatile uint32_t __iomem *)addr;
}

static inline void writel_relaxed(uint32_t val, volatile void __iomem *addr)
{
    *(volatile uint32_t __iomem *)addr = val;
}

static inline uint8_t readb_relaxed(const volatile void __iomem *addr)
{
    return *(const volatile uint8_t __iomem *)addr;
}

static inline void writeb_relaxed(uint8_t val, volatile void __iomem *addr)
{
    *(volatile uint8_t __iomem *)addr = val;
}

void __iomem *ioremap_nocache(paddr_t start, size_t len);

#endif /* __ASM_ARM_IO_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
