/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_TIME_H__
#define __XEN_TIME_H__

#include <xen/types.h>

/* System time: nanoseconds since boot. */
typedef int64_t s_time_t;

#define STIME_MAX ((s_time_t)((uint64_t)~0ULL >> 1))

#define SECONDS(s) ((s_time_t)(s) * 1000000000LL)
#define MILLISECS(ms) ((s_time_t)(ms) * 1000000LL)
#define MICROSECS(us) ((s_time_t)(us) * 1000LL)

s_time_t get_s_time(void);
#define NOW() ((s_time_t)get_s_time())

#endif /* __XEN_TIME_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
