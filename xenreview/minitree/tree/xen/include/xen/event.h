/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_EVENT_H__
#define __XEN_EVENT_H__

#include <xen/sched.h>
#include <xen/types.h>

int evtchn_init(struct domain *d);
void evtchn_destroy(struct domain *d);

/* Signal a port from domain ld: EVTCHNOP_send. */
int evtchn_send(struct domain *ld, unsigned int lport);

/* Mark chn pending in d and notify vcpu_id. */
void evtchn_port_set_pending(struct domain *d, unsigned int vcpu_id,
                             struct evtchn *chn);

/* Raise a global virtual IRQ (e.g. VIRQ_DOM_EXC) in the control domain. */
void send_global_virq(uint32_t virq);

/* Arch: tell v an event is waiting and make sure it notices. */
void vcpu_mark_events_pending(struct vcpu *v);
void vcpu_kick(struct vcpu *v);

static inline bool local_events_need_delivery(void)
{
    const struct vcpu *v = current;

    return v->vcpu_info.evtchn_upcall_pending &&
           !v->vcpu_info.evtchn_upcall_mask;
}

#endif /* __XEN_EVENT_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
