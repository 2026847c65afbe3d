/* SPDX-License-Identifier: MIT */
/*
 * Domain control: what the toolstack in a control domain asks of Xen
 * about other domains (xl pause, xl unpause, xl resume, xl list).
 */
#ifndef __XEN_PUBLIC_DOMCTL_H__
#define __XEN_PUBLIC_DOMCTL_H__

#include "xen.h"

#define XEN_DOMCTL_INTERFACE_VERSION 0x00000017

/* XEN_DOMCTL_getdomaininfo */
struct xen_domctl_getdomaininfo {
    domid_t domain;
#define XEN_DOMINF_dying (1U << 0)
#define XEN_DOMINF_shutdown (1U << 2)   /* Shut down; code in bits 16-23 */
#define XEN_DOMINF_paused (1U << 3)
#define XEN_DOMINF_blocked (1U << 4)
#define XEN_DOMINF_running (1U << 5)
#define XEN_DOMINF_shutdownshift 16
#define XEN_DOMINF_shutdownmask 255
    uint32_t flags;
    uint32_t max_vcpu_id;
    uint32_t nr_online_vcpus;
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;

struct xen_domctl {
    uint32_t cmd;
#define XEN_DOMCTL_pausedomain 3
#define XEN_DOMCTL_unpausedomain 4
#define XEN_DOMCTL_getdomaininfo 5
#define XEN_DOMCTL_resumedomain 27
    uint32_t interface_version;     /* XEN_DOMCTL_INTERFACE_VERSION */
    domid_t domain;
    union {
        struct xen_domctl_getdomaininfo getdomaininfo;
        uint64_t pad[16];
    } u;
};
typedef struct xen_domctl xen_domctl_t;

#endif /* __XEN_PUBLIC_DOMCTL_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
