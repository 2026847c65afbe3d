/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/arch/arm/traps.c
 *
 * What happens when a guest traps into Xen: hypercalls (HVC #0xEA1),
 * SMCCC calls such as PSCI (HVC #0 or SMC #0) and data aborts on emulated
 * MMIO regions.
 */

#include <xen/domain.h>
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/irq.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/types.h>
#include <asm/current.h>
#include <asm/gic.h>
#include <asm/mmio.h>
#include <asm/psci.h>
#include <asm/regs.h>
#include <asm/smccc.h>
#include <asm/traps.h>

typedef register_t (*arm_hypercall_fn_t)(register_t, register_t, register_t,
                                         register_t, register_t);

typedef struct {
    arm_hypercall_fn_t fn;
    int nr_args;
} arm_hypercall_t;

#define HYPERCALL(name, nr)                                     \
    [ __HYPERVISOR_ ## name ] = {                               \
        .fn = (arm_hypercall_fn_t)&do_ ## name,                 \
        .nr_args = (nr),                                        \
    }

static const arm_hypercall_t arm_hypercall_table[] = {
    HYPERCALL(xen_version, 2),
    HYPERCALL(console_io, 3),
    HYPERCALL(sched_op, 2),
    HYPERCALL(event_channel_op, 2),
    HYPERCALL(domctl, 1),
};

void advance_pc(struct cpu_user_regs *regs, const union hsr hsr)
{
    regs->pc += hsr.len ? 4 : 2;
}

/*
 * Arm has no separate hypercall return register: the result goes in x0,
 * where the guest also expects the result of an SMCCC (PSCI) call.
 */
void arch_hypercall_tasklet_result(struct vcpu *v, long res)
{
    struct cpu_user_regs *regs = &v->arch.cpu_info->guest_cpu_user_regs;

    regs->x0 = res;
}

static void do_trap_hypercall(struct cpu_user_regs *regs, register_t *nr)
{
    arm_hypercall_fn_t call = NULL;

    if ( *nr < ARRAY_SIZE(arm_hypercall_table) )
        call = arm_hypercall_table[*nr].fn;

    if ( call == NULL )
    {
        regs->x0 = -ENOSYS;
        return;
    }

    regs->x0 = call(regs->x0, regs->x1, regs->x2, regs->x3, regs->x4);
}

/* SMCCC calls from the guest; true once a result is in x0. */
static bool vsmccc_handle_call(struct cpu_user_regs *regs)
{
    uint32_t funcid = get_user_reg(regs, 0);
    bool handled = false;

    if ( !smccc_is_fast_call(funcid) )
        return false;

    /* A 64-bit call makes no sense from AArch32 state. */
    if ( psr_mode_is_32bit(regs) && smccc_is_conv_64(funcid) )
    {
        set_user_reg(regs, 0, ARM_SMCCC_ERR_UNKNOWN_FUNCTION);
        return true;
    }

    switch ( smccc_get_owner(funcid) )
    {
    case ARM_SMCCC_OWNER_STANDARD:
        handled = do_vpsci_0_2_call(regs, funcid);
        break;
    default:
        break;
    }

    if ( !handled )
        set_user_reg(regs, 0, ARM_SMCCC_ERR_UNKNOWN_FUNCTION);

    return true;
}

static void do_trap_hvc(struct cpu_user_regs *regs, const union hsr hsr)
{
    /* The exception return address already follows the HVC. */
    if ( hsr.iss == XEN_HYPERCALL_TAG )
        do_trap_hypercall(regs, &regs->x16);
    else if ( hsr.iss != 0 || !vsmccc_handle_call(regs) )
        inject_undef_exception(regs, hsr);
}

static void do_trap_smc(struct cpu_user_regs *regs, const union hsr hsr)
{
    register_t pc = regs->pc;

    /*
     * Step over the SMC before handling it: SYSTEM_SUSPEND and CPU_ON
     * replace a whole vCPU context, which must keep its entry point.
     */
    advance_pc(regs, hsr);

    if ( !vsmccc_handle_call(regs) )
    {
        regs->pc = pc;
        inject_undef_exception(regs, hsr);
    }
}

static void do_trap_stage2_abort_guest(struct cpu_user_regs *regs,
                                       const union hsr hsr)
{
    mmio_info_t info = {
        .dabt = hsr.dabt,
        .gpa = get_faulting_ipa(),
    };

    /* Without a valid syndrome the access cannot be emulated. */
    if ( !hsr.dabt.valid )
        goto inject_abt;

    switch ( try_handle_mmio(regs, &info) )
    {
    case IO_HANDLED:
        advance_pc(regs, hsr);
        return;
    case IO_RETRY:
        return;
    case IO_ABORT:
    case IO_UNHANDLED:
    default:
        break;
    }

 inject_abt:
    gprintk(XENLOG_DEBUG, "unhandled data abort at 0x%"PRIpaddr"\n",
            info.gpa);
    inject_dabt_exception(regs, info.gpa, hsr.len);
}

void do_trap_guest_sync(struct cpu_user_regs *regs)
{
    const union hsr hsr = { .bits = regs->hsr };

    switch ( hsr.ec )
    {
    case HSR_EC_HVC32:
    case HSR_EC_HVC64:
        do_trap_hvc(regs, hsr);
        break;

    case HSR_EC_SMC32:
    case HSR_EC_SMC64:
        do_trap_smc(regs, hsr);
        break;

    case HSR_EC_DATA_ABORT_LOWER_EL:
        do_trap_stage2_abort_guest(regs, hsr);
        break;

    default:
        gprintk(XENLOG_WARNING, "unknown trap, HSR 0x%"PRIregister"\n",
                hsr.bits);
        inject_undef_exception(regs, hsr);
        break;
    }
}

void do_trap_irq(struct cpu_user_regs *regs)
{
    gic_interrupt(regs, 0);
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
