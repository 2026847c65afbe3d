/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __ASM_ARM_MMIO_H__
#define __ASM_ARM_MMIO_H__

#include <xen/spinlock.h>
#include <xen/types.h>
#include <asm/processor.h>

#define MAX_IO_HANDLER 16

enum io_state {
    IO_ABORT,                   /* The access faults in the guest */
    IO_HANDLED,                 /* Emulated; step over the instruction */
    IO_UNHANDLED,               /* No handler for the address */
    IO_RETRY,                   /* Re-execute the instruction */
};

typedef struct {
    struct hsr_dabt dabt;
    paddr_t gpa;
} mmio_info_t;

struct vcpu;
struct domain;

typedef int (*mmio_read_t)(struct vcpu *v, mmio_info_t *info,
                           register_t *r, void *priv);
typedef int (*mmio_write_t)(struct vcpu *v, mmio_info_t *info,
                            register_t r, void *priv);

struct mmio_handler_ops {
    mmio_read_t read;
    mmio_write_t write;
};

struct mmio_handler {
    paddr_t addr;
    paddr_t size;
    const struct mmio_handler_ops *ops;
    void *priv;
};

struct vmmio {
    unsigned int num_entries;
    unsigned int max_num_entries;
    spinlock_t lock;
    struct mmio_handler handlers[MAX_IO_HANDLER];
};

enum io_state try_handle_mmio(struct cpu_user_regs *regs,
                              mmio_info_t *info);
void register_mmio_handler(struct domain *d,
                           const struct mmio_handler_ops *ops,
                           paddr_t addr, paddr_t size, void *priv);
int domain_io_init(struct domain *d, unsigned int max_count);

#endif /* __ASM_ARM_MMIO_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
