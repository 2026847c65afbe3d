/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/common/softirq.c
 *
 * Softirqs: per-pCPU work flags, handled on the way out of interrupts and
 * from the idle loop.
 */

#include <xen/bitops.h>
#include <xen/lib.h>
#include <xen/percpu.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/types.h>

DEFINE_PER_CPU(unsigned long, softirq_pending);

static softirq_handler softirq_handlers[NR_SOFTIRQS];

static void __do_softirq(unsigned long ignore_mask)
{
    unsigned int cpu = smp_processor_id();
    unsigned long pending;
    unsigned int i;

    for ( ; ; )
    {
        pending = softirq_pending(cpu) & ~ignore_mask;
        if ( pending == 0 )
            break;

        i = find_first_set_bit(pending);
        clear_bit(i, &softirq_pending(cpu));
        softirq_handlers[i]();
    }
}

void do_softirq(void)
{
    __do_softirq(0);
}

void process_pending_softirqs(void)
{
    /* Not SCHEDULE_SOFTIRQ: the caller does not want to be switched out */
    __do_softirq(1UL << SCHEDULE_SOFTIRQ);
}

void open_softirq(int nr, softirq_handler handler)
{
    ASSERT(nr < NR_SOFTIRQS);
    softirq_handlers[nr] = handler;
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
    if ( test_and_set_bit(nr, &softirq_pending(cpu)) )
        return;

    if ( cpu != smp_processor_id() )
        smp_send_event_check_cpu(cpu);
}

void raise_softirq(unsigned int nr)
{
    set_bit(nr, &softirq_pending(smp_processor_id()));
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
