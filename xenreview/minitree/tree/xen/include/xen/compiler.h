/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_COMPILER_H__
#define __XEN_COMPILER_H__

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define barrier() asm volatile ( "" : : : "memory" )

#define noreturn __attribute__((__noreturn__))
#define __packed __attribute__((__packed__))
#define __used __attribute__((__used__))
#define __printf(a, b) __attribute__((__format__(__printf__, a, b)))
#define __section(s) __attribute__((__section__(s)))
#define __read_mostly __section(".data.read_mostly")

/* Marks pointers to device memory; only documentation here. */
#define __iomem

#define offsetof(type, member) __builtin_offsetof(type, member)

#define ACCESS_ONCE(x) (*(volatile __typeof__(x) *)&(x))

#endif /* __XEN_COMPILER_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
