/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __XEN_STOP_MACHINE_H__
#define __XEN_STOP_MACHINE_H__

/*
 * Run fn(data) on pCPU cpu while every other online pCPU spins with
 * interrupts off.  Returns what fn returns.
 */
int stop_machine_run(int (*fn)(void *data), void *data, unsigned int cpu);

#endif /* __XEN_STOP_MACHINE_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
