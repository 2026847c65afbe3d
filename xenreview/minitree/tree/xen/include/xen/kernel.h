/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_KERNEL_H__
#define __XEN_KERNEL_H__

#include <xen/types.h>

#define container_of(ptr, type, member) ({                      \
    const __typeof__(((type *)0)->member) *mptr_ = (ptr);       \
    (type *)((char *)mptr_ - offsetof(type, member)); })

#define min(x, y) ({                                            \
    __typeof__(x) x_ = (x);                                     \
    __typeof__(y) y_ = (y);                                     \
    x_ < y_ ? x_ : y_; })

#define max(x, y) ({                                            \
    __typeof__(x) x_ = (x);                                     \
    __typeof__(y) y_ = (y);                                     \
    x_ > y_ ? x_ : y_; })

/*
 * Where the whole system stands.  Host suspend moves it from active to
 * suspend and, once the firmware has brought the host back, through
 * resume to active again.
 */
extern enum system_state {
    SYS_STATE_early_boot,
    SYS_STATE_boot,
    SYS_STATE_smp_boot,
    SYS_STATE_active,
    SYS_STATE_suspend,
    SYS_STATE_resume,
} system_state;

#endif /* __XEN_KERNEL_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
