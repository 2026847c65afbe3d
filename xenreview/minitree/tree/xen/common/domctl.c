/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/common/domctl.c
 *
 * Domain control for the toolstack in a control domain: pause, unpause,
 * resume after a suspend, and report a domain's state.
 */

#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/types.h>
#include <asm/current.h>
#include <public/domctl.h>

static DEFINE_SPINLOCK(domctl_lock);

static void getdomaininfo(const struct domain *d,
                          struct xen_domctl_getdomaininfo *info)
{
    const struct vcpu *v;
    unsigned int flags = 0;

    info->domain = d->domain_id;
    info->max_vcpu_id = d->max_vcpus - 1;
    info->nr_online_vcpus = 0;

    for_each_vcpu ( d, v )
    {
        if ( test_bit(_VPF_down, &v->pause_flags) )
            continue;
        info->nr_online_vcpus++;
        if ( v->is_running )
            flags |= XEN_DOMINF_running;
        else if ( test_bit(_VPF_blocked, &v->pause_flags) )
            flags |= XEN_DOMINF_blocked;
    }

    if ( d->is_dying )
        flags |= XEN_DOMINF_dying;
    if ( atomic_read(&d->pause_count) )
        flags |= XEN_DOMINF_paused;
    if ( d->is_shut_down )
        flags |= XEN_DOMINF_shutdown |
                 ((d->shutdown_code & XEN_DOMINF_shutdownmask) <<
                  XEN_DOMINF_shutdownshift);

    info->flags = flags;
}

long do_domctl(XEN_GUEST_HANDLE_PARAM(xen_domctl_t) u_domctl)
{
    struct xen_domctl op;
    struct domain *d;
    bool copyback = false;
    long ret = 0;

    if ( copy_from_guest(&op, u_domctl, 1) )
        return -EFAULT;

    if ( op.interface_version != XEN_DOMCTL_INTERFACE_VERSION )
        return -EACCES;

    if ( !is_control_domain(current->domain) )
        return -EPERM;

    d = rcu_lock_domain_by_id(op.domain);
    if ( d == NULL )
        return -ESRCH;

    spin_lock(&domctl_lock);

    switch ( op.cmd )
    {
    case XEN_DOMCTL_pausedomain:
        ret = -EINVAL;
        if ( d != current->domain )
            ret = domain_pause_by_systemcontroller(d);
        break;

    case XEN_DOMCTL_unpausedomain:
        ret = domain_unpause_by_systemcontroller(d);
        break;

    case XEN_DOMCTL_resumedomain:
        /* xl resume: from another, running, domain. */
        ret = -EINVAL;
        if ( d != current->domain )
        {
            domain_resume(d);
            ret = 0;
        }
        break;

    case XEN_DOMCTL_getdomaininfo:
        getdomaininfo(d, &op.u.getdomaininfo);
        copyback = true;
        break;

    default:
        ret = -ENOSYS;
        break;
    }

    spin_unlock(&domctl_lock);
    rcu_unlock_domain(d);

    if ( copyback && copy_to_guest(u_domctl, &op, 1) )
        ret = -EFAULT;

    return ret;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
