/* SPDX-License-Identifier: BSD-3-Clause */
/* The netif wire format (Xen public headers) for a userspace guest. */
#ifndef FE_WIRE_H
#define FE_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * ring.h leaves the barriers to its includer (for interface versions from
 * 3.2.8 on; without a version it falls back to the kernel's mb()). Both
 * ends are processes sharing memory, so C11 fences are the right strength.
 */
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#define xen_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)

#include <xen/io/netif.h>
#include <xen/io/xenbus.h>

#define FE_PAGE_SIZE 4096u
/* Entries of a one-page Tx or Rx ring (both 256). */
#define FE_RING_SIZE __CONST_RING_SIZE(netif_tx, FE_PAGE_SIZE)

#endif /* FE_WIRE_H */
