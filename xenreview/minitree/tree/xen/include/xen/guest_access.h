/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_GUEST_ACCESS_H__
#define __XEN_GUEST_ACCESS_H__

#include <xen/types.h>

/* Both return the number of bytes not copied: 0 on success. */
unsigned long raw_copy_from_guest(void *to, const void *from,
                                  unsigned long len);
unsigned long raw_copy_to_guest(void *to, const void *from,
                                unsigned long len);

#define copy_from_guest(ptr, hnd, nr) \
    raw_copy_from_guest(ptr, hnd, (nr) * sizeof(*(ptr)))
#define copy_to_guest(hnd, ptr, nr) \
    raw_copy_to_guest(hnd, ptr, (nr) * sizeof(*(ptr)))

#endif /* __XEN_GUEST_ACCESS_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
