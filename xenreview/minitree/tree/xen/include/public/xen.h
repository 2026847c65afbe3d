/* SPDX-License-Identifier: MIT */
/*
 * The guest interface common to every architecture: hypercall numbers,
 * domain ids, virtual interrupts and the per-vCPU shared information.
 */
#ifndef __XEN_PUBLIC_XEN_H__
#define __XEN_PUBLIC_XEN_H__

#include "arch-arm.h"

/* Hypercall numbers (x16 on Arm). */
#define __HYPERVISOR_xen_version 17
#define __HYPERVISOR_console_io 18
#define __HYPERVISOR_sched_op 29
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_domctl 36

/* Virtual interrupts, delivered through event channels. */
#define VIRQ_TIMER 0
#define VIRQ_DEBUG 1
#define VIRQ_CONSOLE 2
#define VIRQ_DOM_EXC 3      /* Global: a domain shut down or was destroyed */
#define NR_VIRQS 24

/* xen_version commands */
#define XENVER_version 0

/* console_io commands */
#define CONSOLEIO_write 0
#define CONSOLEIO_read 1

typedef uint16_t domid_t;

#define DOMID_FIRST_RESERVED 0x7FF0U
#define DOMID_SELF 0x7FF0U
#define DOMID_INVALID 0x7FF4U
#define DOMID_IDLE 0x7FFFU

typedef uint32_t evtchn_port_t;

/* Shared between a vCPU and Xen. */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;  /* An event is waiting for the vCPU */
    uint8_t evtchn_upcall_mask;     /* The vCPU does not want upcalls */
    xen_ulong_t evtchn_pending_sel;
};

#endif /* __XEN_PUBLIC_XEN_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
