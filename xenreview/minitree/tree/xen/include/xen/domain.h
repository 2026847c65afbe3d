/* SPDX-License-Identifier: GPL-2.0-only */
/* Hooks between the common domain code and the architecture. */
#ifndef __XEN_DOMAIN_H__
#define __XEN_DOMAIN_H__

#include <xen/types.h>
#include <public/xen.h>

struct domain;
struct vcpu;

typedef union {
    struct vcpu_guest_context *nat;
} vcpu_guest_context_u;

int arch_domain_create(struct domain *d);
void arch_domain_destroy(struct domain *d);
void arch_domain_shutdown(struct domain *d);

int arch_vcpu_create(struct vcpu *v);
void arch_vcpu_destroy(struct vcpu *v);

/* Check a context a guest or the toolstack provides, then load it. */
int arch_set_info_guest(struct vcpu *v, vcpu_guest_context_u c);

/* Store res as the result of the hypercall v is waiting on. */
void arch_hypercall_tasklet_result(struct vcpu *v, long res);

/*
 * Finish the current hypercall on pCPU cpu: func(data) runs there from a
 * tasklet while the calling vCPU stays paused, and what func returns
 * becomes the hypercall's result in the vCPU's registers.  The call itself
 * returns 0 at once, or an error if nothing was scheduled.
 */
int continue_hypercall_on_cpu(unsigned int cpu, long (*func)(void *data),
                              void *data);

#endif /* __XEN_DOMAIN_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
