/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/arch/arm/vpsci.c
 *
 * The Power State Coordination Interface as guests see it.  A guest calls
 * it with HVC or SMC (see traps.c); do_vpsci_0_2_call() decodes the call
 * and writes the result into the guest's x0.
 */

#include <xen/domain.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/types.h>
#include <asm/current.h>
#include <asm/domain.h>
#include <asm/psci.h>
#include <asm/regs.h>
#include <public/sched.h>

/* A vCPU's virtual MPIDR: 16 vCPUs per cluster in Aff0, clusters in Aff1. */
static unsigned int vaffinity_to_vcpuid(register_t vaff)
{
    unsigned int aff0 = MPIDR_AFFINITY_LEVEL(vaff, 0);
    unsigned int aff1 = MPIDR_AFFINITY_LEVEL(vaff, 1);

    if ( aff0 >= 16 || (vaff >> 16) )
        return UINT_MAX;

    return (aff1 << 4) | aff0;
}

static register_t vcpuid_to_vaffinity(unsigned int vcpuid)
{
    return ((register_t)(vcpuid >> 4) << MPIDR_AFF1_SHIFT) |
           ((register_t)(vcpuid & 0xf) << MPIDR_AFF0_SHIFT);
}

/*
 * Build the context a vCPU of d starts from when it enters the guest at
 * entry_point with context_id in x0 (r0), as CPU_ON and SYSTEM_SUSPEND
 * both require.  Returns a PSCI code.
 */
static int32_t vpsci_build_context(const struct domain *d,
                                   struct vcpu_guest_context *ctxt,
                                   register_t entry_point,
                                   register_t context_id)
{
    bool is_thumb = entry_point & 1;

    memset(ctxt, 0, sizeof(*ctxt));

    if ( is_64bit_domain(d) )
    {
        /* Only AArch32 code has a Thumb state to enter. */
        if ( is_thumb )
            return PSCI_INVALID_ADDRESS;

        ctxt->user_regs.cpsr = PSR_GUEST64_INIT;
    }
    else
    {
        /* An AArch32 guest passes 32-bit values. */
        if ( (entry_point >> 32) || (context_id >> 32) )
            return PSCI_INVALID_PARAMETERS;

        ctxt->user_regs.cpsr = PSR_GUEST32_INIT;
        if ( is_thumb )
        {
            ctxt->user_regs.cpsr |= PSR_THUMB;
            entry_point &= ~(register_t)1;
        }
    }

    ctxt->user_regs.pc64 = entry_point;
    ctxt->user_regs.x0 = context_id;
    ctxt->sctlr = SCTLR_GUEST_INIT;
    ctxt->flags = VGCF_online;

    return PSCI_SUCCESS;
}

static int32_t do_psci_0_2_version(void)
{
    return PSCI_VERSION(1, 1);
}

static int32_t do_psci_0_2_cpu_on(register_t target_cpu,
                                  register_t entry_point,
                                  register_t context_id)
{
    struct domain *d = current->domain;
    struct vcpu_guest_context ctxt;
    struct vcpu *v;
    int32_t ret;
    int rc;

    v = domain_vcpu(d, vaffinity_to_vcpuid(target_cpu));
    if ( v == NULL )
        return PSCI_INVALID_PARAMETERS;

    if ( !test_bit(_VPF_down, &v->pause_flags) )
        return PSCI_ALREADY_ON;

    ret = vpsci_build_context(d, &ctxt, entry_point, context_id);
    if ( ret != PSCI_SUCCESS )
        return ret;

    domain_lock(d);
    rc = arch_set_info_guest(v, (vcpu_guest_context_u){ .nat = &ctxt });
    domain_unlock(d);

    if ( rc < 0 )
        return PSCI_DENIED;

    vcpu_wake(v);

    return PSCI_SUCCESS;
}

static int32_t do_psci_0_2_cpu_off(void)
{
    struct vcpu *v = current;

    /* The vCPU stops here; CPU_ON gives it a new context later. */
    if ( !test_and_set_bit(_VPF_down, &v->pause_flags) )
        vcpu_sleep_nosync(v);

    return PSCI_SUCCESS;
}

static int32_t do_psci_0_2_affinity_info(register_t target_affinity,
                                         uint32_t lowest_affinity_level)
{
    struct domain *d = current->domain;
    struct vcpu *v;

    /* Only the level of a single vCPU is described. */
    if ( lowest_affinity_level > 0 )
        return PSCI_INVALID_PARAMETERS;

    for_each_vcpu ( d, v )
    {
        if ( vcpuid_to_vaffinity(v->vcpu_id) != target_affinity )
            continue;

        return test_bit(_VPF_down, &v->pause_flags)
               ? PSCI_0_2_AFFINITY_LEVEL_OFF : PSCI_0_2_AFFINITY_LEVEL_ON;
    }

    return PSCI_INVALID_PARAMETERS;
}

static int32_t do_psci_0_2_migrate_info_type(void)
{
    return PSCI_0_2_TOS_MP_OR_NOT_PRESENT;
}

static void do_psci_0_2_system_off(void)
{
    domain_shutdown(current->domain, SHUTDOWN_poweroff);
}

static void do_psci_0_2_system_reset(void)
{
    domain_shutdown(current->domain, SHUTDOWN_reboot);
}

static int32_t do_psci_1_0_features(uint32_t psci_func_id)
{
    switch ( psci_func_id )
    {
    case PSCI_0_2_FN32_PSCI_VERSION:
    case PSCI_0_2_FN32_CPU_OFF:
    case PSCI_0_2_FN32_CPU_ON:
    case PSCI_0_2_FN64_CPU_ON:
    case PSCI_0_2_FN32_AFFINITY_INFO:
    case PSCI_0_2_FN64_AFFINITY_INFO:
    case PSCI_0_2_FN32_MIGRATE_INFO_TYPE:
    case PSCI_0_2_FN32_SYSTEM_OFF:
    case PSCI_0_2_FN32_SYSTEM_RESET:
    case PSCI_1_0_FN32_PSCI_FEATURES:
    case PSCI_1_0_FN32_SYSTEM_SUSPEND:
    case PSCI_1_0_FN64_SYSTEM_SUSPEND:
        return PSCI_SUCCESS;
    default:
        return PSCI_NOT_SUPPORTED;
    }
}

/*
 * SYSTEM_SUSPEND from a guest: the domain is parked in SHUTDOWN_suspend
 * and, once the toolstack resumes it (XEN_DOMCTL_resumedomain), its
 * calling vCPU starts at epoint with cid in x0 (r0).
 *
 * On success the calling vCPU's registers already hold that resume
 * context, so the caller must not write a result into x0.
 */
static int32_t do_psci_1_0_system_suspend(register_t epoint, register_t cid)
{
    struct vcpu *curr = current;
    struct domain *d = curr->domain;
    struct vcpu_guest_context ctxt;
    struct vcpu *v;
    int32_t ret;

    /*
     * Not for the hardware domain: domain_shutdown() hands its shutdowns
     * to hwdom_shutdown(), which reboots or halts the machine.
     */
    if ( is_hardware_domain(d) )
        return PSCI_DENIED;

    domain_lock(d);

    /* PSCI: the caller must be the last vCPU still online. */
    for_each_vcpu ( d, v )
    {
        if ( v != curr && !test_bit(_VPF_down, &v->pause_flags) )
        {
            domain_unlock(d);
            return PSCI_DENIED;
        }
    }

    ret = vpsci_build_context(d, &ctxt, epoint, cid);
    if ( ret != PSCI_SUCCESS )
    {
        domain_unlock(d);
        return ret;
    }

    if ( domain_shutdown(d, SHUTDOWN_suspend) )
    {
        domain_unlock(d);
        return PSCI_DENIED;
    }

    /* Paused by the shutdown: safe to replace the caller's registers. */
    _arch_set_info_guest(curr, &ctxt);

    domain_unlock(d);

    gprintk(XENLOG_DEBUG,
            "SYSTEM_SUSPEND: resume at 0x%"PRIregister" cid 0x%"PRIregister
            "\n", epoint, cid);

    return PSCI_SUCCESS;
}

bool do_vpsci_0_2_call(struct cpu_user_regs *regs, uint32_t fid)
{
    switch ( fid )
    {
    case PSCI_0_2_FN32_PSCI_VERSION:
        PSCI_SET_RESULT(regs, do_psci_0_2_version());
        return true;

    case PSCI_0_2_FN32_CPU_OFF:
        PSCI_SET_RESULT(regs, do_psci_0_2_cpu_off());
        return true;

    case PSCI_0_2_FN32_CPU_ON:
        PSCI_SET_RESULT(regs, do_psci_0_2_cpu_on(PSCI_ARG32(regs, 1),
                                                 PSCI_ARG32(regs, 2),
                                                 PSCI_ARG32(regs, 3)));
        return true;

    case PSCI_0_2_FN64_CPU_ON:
        PSCI_SET_RESULT(regs, do_psci_0_2_cpu_on(PSCI_ARG(regs, 1),
                                                 PSCI_ARG(regs, 2),
                                                 PSCI_ARG(regs, 3)));
        return true;

    case PSCI_0_2_FN32_AFFINITY_INFO:
        PSCI_SET_RESULT(regs,
                        do_psci_0_2_affinity_info(PSCI_ARG32(regs, 1),
                                                  PSCI_ARG32(regs, 2)));
        return true;

    case PSCI_0_2_FN64_AFFINITY_INFO:
        PSCI_SET_RESULT(regs,
                        do_psci_0_2_affinity_info(PSCI_ARG(regs, 1),
                                                  PSCI_ARG32(regs, 2)));
        return true;

    case PSCI_0_2_FN32_MIGRATE_INFO_TYPE:
        PSCI_SET_RESULT(regs, do_psci_0_2_migrate_info_type());
        return true;

    case PSCI_0_2_FN32_SYSTEM_OFF:
        /* Does not return to the guest: nothing to write. */
        do_psci_0_2_system_off();
        return true;

    case PSCI_0_2_FN32_SYSTEM_RESET:
        do_psci_0_2_system_reset();
        return true;

    case PSCI_1_0_FN32_PSCI_FEATURES:
        PSCI_SET_RESULT(regs, do_psci_1_0_features(PSCI_ARG32(regs, 1)));
        return true;

    case PSCI_1_0_FN32_SYSTEM_SUSPEND:
    case PSCI_1_0_FN64_SYSTEM_SUSPEND:
    {
        register_t epoint = PSCI_ARG(regs, 1);
        register_t cid = PSCI_ARG(regs, 2);
        int32_t ret;

        if ( fid == PSCI_1_0_FN32_SYSTEM_SUSPEND )
        {
            epoint = (uint32_t)epoint;
            cid = (uint32_t)cid;
        }

        ret = do_psci_1_0_system_suspend(epoint, cid);
        if ( ret != PSCI_SUCCESS )
            PSCI_SET_RESULT(regs, ret);
        return true;
    }

    default:
        return false;
    }
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
