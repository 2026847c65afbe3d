/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Build configuration of the mini tree.  A real build generates these
 * values from Kconfig and passes them on the command line; here they are
 * fixed: a 64-bit Arm hypervisor with a GICv2 and at most eight pCPUs.
 */
#ifndef __XEN_CONFIG_H__
#define __XEN_CONFIG_H__

#define CONFIG_ARM 1
#define CONFIG_ARM_64 1
#define CONFIG_GICV2 1
#define CONFIG_HAS_PASSTHROUGH 1
#define CONFIG_NR_CPUS 8

#define NR_CPUS CONFIG_NR_CPUS

#define XEN_VERSION 4
#define XEN_SUBVERSION 22

#endif /* __XEN_CONFIG_H__ */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * indent-tabs-mode: nil
 * End:
 */
