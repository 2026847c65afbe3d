/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen/arch/arm/mmio.c
 *
 * Emulation of guest accesses to MMIO regions Xen owns (the virtual GIC
 * distributor, for instance), reached from a stage 2 data abort.
 */

#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/types.h>
#include <asm/current.h>
#include <asm/mmio.h>
#include <asm/regs.h>

static const struct mmio_handler *find_mmio_handler(struct domain *d,
                                                    paddr_t gpa)
{
    const struct vmmio *vmmio = &d->arch.vmmio;
    unsigned int i;

    for ( i = 0; i < vmmio->num_entries; i++ )
    {
        const struct mmio_handler *handler = &vmmio->handlers[i];

        if ( gpa >= handler->addr && gpa - handler->addr < handler->size )
            return handler;
    }

    return NULL;
}

/* Sign extend a value read by LDRS* to the register's width. */
static register_t sign_extend(const struct hsr_dabt dabt, register_t r)
{
    unsigned int size = 8U << dabt.size;

    if ( dabt.sign && size < 64 && (r & (1UL << (size - 1))) )
        r |= ~0UL << size;

    return r;
}

static enum io_state handle_read(const struct mmio_handler *handler,
                                 struct vcpu *v, mmio_info_t *info)
{
    struct cpu_user_regs *regs = guest_cpu_user_regs();
    register_t r = 0;

    if ( !handler->ops->read(v, info, &r, handler->priv) )
        return IO_ABORT;

    set_user_reg(regs, info->dabt.reg, sign_extend(info->dabt, r));

    return IO_HANDLED;
}

static enum io_state handle_write(const struct mmio_handler *handler,
                                  struct vcpu *v, mmio_info_t *info)
{
    const struct cpu_user_regs *regs = guest_cpu_user_regs();
    register_t r = get_user_reg(regs, info->dabt.reg);

    if ( !handler->ops->write(v, info, r, handler->priv) )
        return IO_ABORT;

    return IO_HANDLED;
}

enum io_state try_handle_mmio(struct cpu_user_regs *regs, mmio_info_t *info)
{
    struct vcpu *v = current;
    const struct mmio_handler *handler;

    (void)regs;

    handler = find_mmio_handler(v->domain, info->gpa);
    if ( handler == NULL )
        return IO_UNHANDLED;

    if ( info->dabt.write )
        return handle_write(handler, v, info);

    return handle_read(handler, v, info);
}

void register_mmio_handler(struct domain *d,
                           const struct mmio_handler_ops *ops,
                           paddr_t addr, paddr_t size, void *priv)
{
    struct vmmio *vmmio = &d->arch.vmmio;
    struct mmio_handler *handler;

    spin_lock(&vmmio->lock);

    BUG_ON(vmmio->num_entries >= vmmio->max_num_entries);

    handler = &vmmio->handlers[vmmio->num_entries];
    handler->ops = ops;
    handler->addr = addr;
    handler->size = size;
    handler->priv = priv;
    vmmio->num_entries++;

    spin_unlock(&vmmio->lock);
}

int domain_io_init(struct domain *d, unsigned int max_count)
{
    struct vmmio *vmmio = &d->arch.vmmio;

    if ( max_count > MAX_IO_HANDLER )
        return -EINVAL;

    spin_lock_init(&vmmio->lock);
    vmmio->num_entries = 0;
    vmmio->max_num_entries = max_count;

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
