/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/common/event_channel.c
 *
 * Event channels: opening ports, connecting two domains' ports, binding
 * virtual IRQs, and signalling (evtchn_send() and friends).
 */

#include <xen/errno.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/types.h>
#include <asm/current.h>
#include <public/event_channel.h>

#define port_is_valid(d, p) ((p) < EVTCHNS_PER_DOMAIN)
#define evtchn_from_port(d, p) (&(d)->evtchn[p])

static int get_free_port(struct domain *d)
{
    unsigned int port;

    for ( port = 1; port < EVTCHNS_PER_DOMAIN; port++ )
        if ( d->evtchn[port].state == ECS_FREE )
            return port;

    return -ENOSPC;
}

int evtchn_init(struct domain *d)
{
    unsigned int port;

    spin_lock_init(&d->event_lock);

    for ( port = 0; port < EVTCHNS_PER_DOMAIN; port++ )
        d->evtchn[port].state = ECS_FREE;

    d->evtchn[0].state = ECS_RESERVED;

    return 0;
}

void evtchn_destroy(struct domain *d)
{
    unsigned int port;

    spin_lock(&d->event_lock);
    for ( port = 1; port < EVTCHNS_PER_DOMAIN; port++ )
        d->evtchn[port].state = ECS_FREE;
    spin_unlock(&d->event_lock);
}

static long evtchn_alloc_unbound(struct evtchn_alloc_unbound *alloc)
{
    struct domain *d = current->domain;
    struct evtchn *chn;
    int port;

    if ( alloc->dom != DOMID_SELF && alloc->dom != d->domain_id )
        return -EPERM;

    spin_lock(&d->event_lock);

    port = get_free_port(d);
    if ( port < 0 )
    {
        spin_unlock(&d->event_lock);
        return port;
    }

    chn = evtchn_from_port(d, port);
    chn->state = ECS_UNBOUND;
    chn->notify_vcpu_id = 0;
    chn->u.unbound.remote_domid = alloc->remote_dom;
    alloc->port = port;

    spin_unlock(&d->event_lock);

    return 0;
}

/* Connect a port of ours to one rd opened for us: frontend meets backend */
static long evtchn_bind_interdomain(struct evtchn_bind_interdomain *bind)
{
    struct domain *ld = current->domain, *rd;
    struct evtchn *lchn, *rchn;
    int lport;
    long rc = 0;

    rd = rcu_lock_domain_by_id(bind->remote_dom);
    if ( rd == NULL )
        return -ESRCH;

    if ( rd == ld || !port_is_valid(rd, bind->remote_port) )
    {
        rcu_unlock_domain(rd);
        return -EINVAL;
    }

    /* Both locks, lower domain id first. */
    spin_lock(ld->domain_id < rd->domain_id ? &ld->event_lock
                                            : &rd->event_lock);
    spin_lock(ld->domain_id < rd->domain_id ? &rd->event_lock
                                            : &ld->event_lock);

    rchn = evtchn_from_port(rd, bind->remote_port);
    if ( rchn->state != ECS_UNBOUND ||
         rchn->u.unbound.remote_domid != ld->domain_id )
    {
        rc = -EINVAL;
        goto out;
    }

    lport = get_free_port(ld);
    if ( lport < 0 )
    {
        rc = lport;
        goto out;
    }

    lchn = evtchn_from_port(ld, lport);
    lchn->state = ECS_INTERDOMAIN;
    lchn->notify_vcpu_id = 0;
    lchn->u.interdomain.remote_dom = rd;
    lchn->u.interdomain.remote_port = bind->remote_port;

    rchn->state = ECS_INTERDOMAIN;
    rchn->u.interdomain.remote_dom = ld;
    rchn->u.interdomain.remote_port = lport;

    bind->local_port = lport;

    /* Events sent before the bind were dropped: raise one now. */
    evtchn_port_set_pending(ld, lchn->notify_vcpu_id, lchn);

 out:
    spin_unlock(&ld->event_lock);
    spin_unlock(&rd->event_lock);
    rcu_unlock_domain(rd);

    return rc;
}

static long evtchn_bind_virq(struct evtchn_bind_virq *bind)
{
    struct domain *d = current->domain;
    struct vcpu *v = domain_vcpu(d, bind->vcpu);
    struct evtchn *chn;
    int port;

    if ( bind->virq >= NR_VIRQS || v == NULL )
        return -EINVAL;

    spin_lock(&d->event_lock);

    if ( v->virq_to_evtchn[bind->virq] != 0 )
    {
        spin_unlock(&d->event_lock);
        return -EEXIST;
    }

    port = get_free_port(d);
    if ( port < 0 )
    {
        spin_unlock(&d->event_lock);
        return port;
    }

    chn = evtchn_from_port(d, port);
    chn->state = ECS_VIRQ;
    chn->notify_vcpu_id = v->vcpu_id;
    chn->u.virq = bind->virq;
    v->virq_to_evtchn[bind->virq] = port;
    bind->port = port;

    spin_unlock(&d->event_lock);

    return 0;
}

static long evtchn_close(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn;

    if ( port == 0 || !port_is_valid(d, port) )
        return -EINVAL;

    spin_lock(&d->event_lock);

    chn = evtchn_from_port(d, port);
    if ( chn->state == ECS_VIRQ )
        d->vcpu[chn->notify_vcpu_id]->virq_to_evtchn[chn->u.virq] = 0;

    /* An interdomain peer stays bound until it closes its own end. */
    chn->state = ECS_FREE;
    chn->pending = false;

    spin_unlock(&d->event_lock);

    return 0;
}

/*
 * Mark chn pending in d and tell the vCPU to notify.  The vCPU is kicked
 * even when it, or its whole domain, is paused: it will see the event
 * when it runs again.
 */
void evtchn_port_set_pending(struct domain *d, unsigned int vcpu_id,
                             struct evtchn *chn)
{
    struct vcpu *v = domain_vcpu(d, vcpu_id);

    if ( chn->pending || v == NULL )
        return;

    chn->pending = true;
    vcpu_mark_events_pending(v);
}

int evtchn_send(struct domain *ld, unsigned int lport)
{
    struct evtchn *lchn, *rchn;
    struct domain *rd;
    int ret = 0;

    if ( !port_is_valid(ld, lport) )
        return -EINVAL;

    spin_lock(&ld->event_lock);

    lchn = evtchn_from_port(ld, lport);
    switch ( lchn->state )
    {
    case ECS_INTERDOMAIN:
        rd = lchn->u.interdomain.remote_dom;
        rchn = evtchn_from_port(rd, lchn->u.interdomain.remote_port);
        evtchn_port_set_pending(rd, rchn->notify_vcpu_id, rchn);
        break;
    case ECS_UNBOUND:
        /* Nobody listening yet: dropped, as for a real doorbell. */
        break;
    default:
        ret = -EINVAL;
        break;
    }

    spin_unlock(&ld->event_lock);

    return ret;
}

void send_global_virq(uint32_t virq)
{
    struct domain *d = hardware_domain;
    struct vcpu *v;
    evtchn_port_t port;

    ASSERT(virq < NR_VIRQS);

    if ( d == NULL || (v = domain_vcpu(d, 0)) == NULL )
        return;

    spin_lock(&d->event_lock);
    port = v->virq_to_evtchn[virq];
    if ( port != 0 )
        evtchn_port_set_pending(d, 0, evtchn_from_port(d, port));
    spin_unlock(&d->event_lock);
}

long do_event_channel_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    long rc;

    switch ( cmd )
    {
    case EVTCHNOP_alloc_unbound:
    {
        struct evtchn_alloc_unbound alloc_unbound;

        if ( copy_from_guest(&alloc_unbound, arg, 1) )
            return -EFAULT;
        rc = evtchn_alloc_unbound(&alloc_unbound);
        if ( !rc && copy_to_guest(arg, &alloc_unbound, 1) )
            rc = -EFAULT;
        break;
    }

    case EVTCHNOP_bind_interdomain:
    {
        struct evtchn_bind_interdomain bind_interdomain;

        if ( copy_from_guest(&bind_interdomain, arg, 1) )
            return -EFAULT;
        rc = evtchn_bind_interdomain(&bind_interdomain);
        if ( !rc && copy_to_guest(arg, &bind_interdomain, 1) )
            rc = -EFAULT;
        break;
    }

    case EVTCHNOP_bind_virq:
    {
        struct evtchn_bind_virq bind_virq;

        if ( copy_from_guest(&bind_virq, arg, 1) )
            return -EFAULT;
        rc = evtchn_bind_virq(&bind_virq);
        if ( !rc && copy_to_guest(arg, &bind_virq, 1) )
            rc = -EFAULT;
        break;
    }

    case EVTCHNOP_close:
    {
        struct evtchn_close close;

        if ( copy_from_guest(&close, arg, 1) )
            return -EFAULT;
        rc = evtchn_close(current->domain, close.port);
        break;
    }

    case EVTCHNOP_send:
    {
        struct evtchn_send send;

        if ( copy_from_guest(&send, arg, 1) )
            return -EFAULT;
        rc = evtchn_send(current->domain, send.port);
        break;
    }

    default:
        rc = -ENOSYS;
        break;
    }

    return rc;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
