/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_ARM_TYPES_H__
#define __ASM_ARM_TYPES_H__

#include <xen/types.h>

#define BITS_PER_LONG 64
#define BYTES_PER_LONG 8

/* A general purpose register of the vCPU or pCPU (AArch64: 64 bits). */
typedef uint64_t register_t;
#define PRIregister "016lx"

typedef uint64_t paddr_t;
#define PRIpaddr "016lx"
#define INVALID_PADDR (~0UL)

typedef uint64_t vaddr_t;
#define PRIvaddr "016lx"

#endif /* __ASM_ARM_TYPES_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
