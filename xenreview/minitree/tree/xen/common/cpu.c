/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/common/cpu.c
 *
 * pCPU hotplug: bringing pCPUs up and down, with notifiers told of each
 * step, and taking every non-boot pCPU down around a host suspend.
 */

#include <xen/cpu.h>
#include <xen/cpumask.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/spinlock.h>
#include <xen/stop_machine.h>
#include <xen/types.h>

static DEFINE_SPINLOCK(cpu_add_remove_lock);

static struct notifier_block *cpu_chain;

/* The pCPUs disable_nonboot_cpus() took down. */
static cpumask_t frozen_cpus;

void cpu_hotplug_begin(void)
{
    spin_lock(&cpu_add_remove_lock);
}

void cpu_hotplug_done(void)
{
    spin_unlock(&cpu_add_remove_lock);
}

void register_cpu_notifier(struct notifier_block *nb)
{
    cpu_hotplug_begin();
    nb->next = cpu_chain;
    cpu_chain = nb;
    cpu_hotplug_done();
}

/* Tell every notifier; stop at the first that objects. */
static int cpu_notifier_call_chain(unsigned int cpu, unsigned long action,
                                   bool nofail)
{
    struct notifier_block *nb;
    void *hcpu = (void *)(unsigned long)cpu;

    for ( nb = cpu_chain; nb != NULL; nb = nb->next )
    {
        if ( nb->notifier_call(nb, action, hcpu) == NOTIFY_DONE )
            continue;

        BUG_ON(nofail);
        return -EBUSY;
    }

    return 0;
}

/* Runs on the dying pCPU, the others held by stop_machine_run(). */
static int take_cpu_down(void *unused)
{
    unsigned int cpu = smp_processor_id();

    (void)unused;

    cpu_notifier_call_chain(cpu, CPU_DYING, true);
    __cpu_disable();

    return 0;
}

int cpu_down(unsigned int cpu)
{
    int err;

    if ( cpu == 0 || cpu >= nr_cpu_ids || !cpu_online(cpu) )
        return -EINVAL;

    cpu_hotplug_begin();

    err = cpu_notifier_call_chain(cpu, CPU_DOWN_PREPARE, false);
    if ( err )
        goto fail;

    err = stop_machine_run(take_cpu_down, NULL, cpu);
    if ( err )
        goto fail;

    __cpu_die(cpu);
    BUG_ON(cpu_online(cpu));

    cpu_notifier_call_chain(cpu, CPU_DEAD, true);

    cpu_hotplug_done();
    return 0;

 fail:
    cpu_notifier_call_chain(cpu, CPU_DOWN_FAILED, true);
    cpu_hotplug_done();
    return err;
}

int cpu_up(unsigned int cpu)
{
    int err;

    if ( cpu >= nr_cpu_ids || !cpumask_test_cpu(cpu, &cpu_present_map) )
        return -EINVAL;

    cpu_hotplug_begin();

    err = -EEXIST;
    if ( cpu_online(cpu) )
        goto out;

    err = cpu_notifier_call_chain(cpu, CPU_UP_PREPARE, false);
    if ( err )
        goto fail;

    err = __cpu_up(cpu);
    if ( err )
        goto fail;

    cpu_notifier_call_chain(cpu, CPU_ONLINE, true);

    cpu_hotplug_done();
    return 0;

 fail:
    cpu_notifier_call_chain(cpu, CPU_UP_CANCELED, true);
 out:
    cpu_hotplug_done();
    return err;
}

/*
 * Take every pCPU but pCPU 0 down, remembering which ones were up.
 * Must run on pCPU 0.  On error some pCPUs may already be down:
 * enable_nonboot_cpus() brings back exactly those.
 */
int disable_nonboot_cpus(void)
{
    unsigned int cpu;
    int error = 0;

    BUG_ON(smp_processor_id() != 0);

    cpumask_clear(&frozen_cpus);

    printk("Disabling non-boot CPUs ...\n");

    for_each_online_cpu ( cpu )
    {
        if ( cpu == 0 )
            continue;

        error = cpu_down(cpu);
        if ( error )
        {
            printk(XENLOG_ERR "CPU%u: cannot take it down: %d\n",
                   cpu, error);
            break;
        }

        __cpumask_set_cpu(cpu, &frozen_cpus);
    }

    BUG_ON(!error && num_online_cpus() != 1);

    return error;
}

void enable_nonboot_cpus(void)
{
    unsigned int cpu;
    int error;

    printk("Enabling non-boot CPUs ...\n");

    for_each_cpu ( cpu, &frozen_cpus )
    {
        error = cpu_up(cpu);
        if ( error )
            printk(XENLOG_ERR "CPU%u: cannot bring it back: %d\n",
                   cpu, error);
    }

    cpumask_clear(&frozen_cpus);
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
