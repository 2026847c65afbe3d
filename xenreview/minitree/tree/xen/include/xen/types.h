/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_TYPES_H__
#define __XEN_TYPES_H__

/*
 * The real build force-includes the configuration into every file; the
 * mini tree reaches it through this header instead.
 */
#include <xen/config.h>
#include <xen/compiler.h>

/* LP64: long and pointers are 64 bits wide. */
typedef signed char int8_t;
typedef unsigned char uint8_t;
typedef signed short int16_t;
typedef unsigned short uint16_t;
typedef signed int int32_t;
typedef unsigned int uint32_t;
typedef signed long int64_t;
typedef unsigned long uint64_t;
typedef unsigned long uintptr_t;

typedef __SIZE_TYPE__ size_t;
typedef long ssize_t;

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

typedef _Bool bool;
#define true 1
#define false 0

#define NULL ((void *)0)

#define INT_MAX ((int)(~0U >> 1))
#define UINT_MAX (~0U)
#define LONG_MAX ((long)(~0UL >> 1))
#define ULONG_MAX (~0UL)

/* register_t, paddr_t and their printk formats depend on the architecture. */
#include <asm/types.h>

#endif /* __XEN_TYPES_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
