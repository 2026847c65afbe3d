/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/arch/arm/psci.c
 *
 * The PSCI calls Xen itself makes to the firmware, through SMCs.
 */

#include <xen/errno.h>
#include <xen/init.h>
#include <xen/lib.h>
#include <xen/smp.h>
#include <xen/types.h>
#include <asm/page.h>
#include <asm/psci.h>
#include <asm/smccc.h>

uint32_t __read_mostly psci_ver;

static bool __read_mostly psci_system_suspend_available;

#define PSCI_RET(res) ((int32_t)(res).a0)

static int32_t psci_features(uint32_t psci_func_id)
{
    struct arm_smccc_res res;

    if ( psci_ver < PSCI_VERSION(1, 0) )
        return PSCI_NOT_SUPPORTED;

    arm_smccc_smc(PSCI_1_0_FN32_PSCI_FEATURES, psci_func_id, 0, 0, &res);

    return PSCI_RET(res);
}

int call_psci_cpu_on(int cpu)
{
    struct arm_smccc_res res;

    arm_smccc_smc(PSCI_0_2_FN64_CPU_ON, cpu_logical_map(cpu),
                  __pa(init_secondary), 0, &res);

    return PSCI_RET(res);
}

/* On success the pCPU is powered off and this never returns. */
void call_psci_cpu_off(void)
{
    struct arm_smccc_res res;

    arm_smccc_smc(PSCI_0_2_FN32_CPU_OFF, 0, 0, 0, &res);

    printk(XENLOG_ERR "CPU%u: PSCI CPU_OFF failed: %d\n",
           smp_processor_id(), PSCI_RET(res));
}

void call_psci_system_off(void)
{
    struct arm_smccc_res res;

    arm_smccc_smc(PSCI_0_2_FN32_SYSTEM_OFF, 0, 0, 0, &res);
}

void call_psci_system_reset(void)
{
    struct arm_smccc_res res;

    arm_smccc_smc(PSCI_0_2_FN32_SYSTEM_RESET, 0, 0, 0, &res);
}

/*
 * Power the whole host down to RAM.  Must be called on the boot pCPU with
 * every other pCPU off.  On success the firmware does not return here: the
 * host wakes up at entry (a physical address, MMU off) when a wake-up
 * interrupt fires.  Returns a PSCI error code otherwise.
 */
int call_psci_system_suspend(paddr_t entry)
{
    struct arm_smccc_res res;

    if ( !psci_system_suspend_available )
        return PSCI_NOT_SUPPORTED;

    arm_smccc_smc(PSCI_1_0_FN64_SYSTEM_SUSPEND, entry, 0, 0, &res);

    return PSCI_RET(res);
}

int __init psci_init(void)
{
    struct arm_smccc_res res;

    arm_smccc_smc(PSCI_0_2_FN32_PSCI_VERSION, 0, 0, 0, &res);
    psci_ver = res.a0;

    if ( psci_ver < PSCI_VERSION(0, 2) )
    {
        printk(XENLOG_ERR "PSCI: firmware too old (0x%x)\n", psci_ver);
        return -EOPNOTSUPP;
    }

    psci_system_suspend_available =
        psci_features(PSCI_1_0_FN64_SYSTEM_SUSPEND) == PSCI_SUCCESS;

    printk(XENLOG_INFO "Using PSCI v%u.%u%s\n",
           PSCI_VERSION_MAJOR(psci_ver), PSCI_VERSION_MINOR(psci_ver),
           psci_system_suspend_available ? ", SYSTEM_SUSPEND available" : "");

    return 0;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
