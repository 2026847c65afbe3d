/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_LIB_H__
#define __XEN_LIB_H__

#include <xen/compiler.h>
#include <xen/kernel.h>
#include <xen/stdarg.h>
#include <xen/string.h>
#include <xen/types.h>

#define BUG() __bug(__FILE__, __LINE__)
#define BUG_ON(p) do { if ( unlikely(p) ) BUG(); } while ( 0 )

/* Checked in every build of the mini tree: there is no release build. */
#define ASSERT(p) BUG_ON(!(p))
#define ASSERT_UNREACHABLE() BUG()

#define BUILD_BUG_ON(cond) ((void)sizeof(char[1 - 2 * !!(cond)]))

#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

/* Log levels: a prefix on the format string, stripped by the console. */
#define XENLOG_ERR "<0>"
#define XENLOG_WARNING "<1>"
#define XENLOG_INFO "<2>"
#define XENLOG_DEBUG "<3>"

/* Messages that name their place in the source. */
#define dprintk(lvl, fmt, args...) \
    printk(lvl "%s:%d: " fmt, __FILE__, __LINE__, ## args)

/* Messages about the current vCPU; needs xen/sched.h where used. */
#define gprintk(lvl, fmt, args...)                                  \
    printk(lvl "%s:%d: d%uv%u " fmt, __FILE__, __LINE__,            \
           current->domain->domain_id, current->vcpu_id, ## args)

void noreturn __bug(const char *file, int line);

void __printf(1, 2) printk(const char *fmt, ...);
void vprintk(const char *fmt, va_list args);
void noreturn __printf(1, 2) panic(const char *fmt, ...);

int __printf(3, 4) snprintf(char *buf, size_t size, const char *fmt, ...);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list args);

#endif /* __XEN_LIB_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
