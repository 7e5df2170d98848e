/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The netif wire format: Xen's public ring.h/netif.h with the memory
 * barriers ring.h expects, plus the limits libxnb derives from them.
 * Protocol headers only; grant/evtchn/xenstore calls go through xnb_hv.h.
 */
#ifndef XNB_RING_H
#define XNB_RING_H

#include <stdint.h>

#include <rte_atomic.h>

/* A current interface version, so ring.h leaves the barriers to us
 * (the legacy default maps them to undefined mb()/rmb()/wmb()). */
#ifndef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#endif
#ifndef xen_mb
#define xen_mb() rte_smp_mb()
#endif
#ifndef xen_rmb
#define xen_rmb() rte_smp_rmb()
#endif
#ifndef xen_wmb
#define xen_wmb() rte_smp_wmb()
#endif

#include <xen/io/netif.h>

#include "xnb_hv.h"

/* Entries of one-page shared rings (256 Tx, 256 Rx, 512 control). */
#define XNB_TX_RING_SIZE __CONST_RING_SIZE(netif_tx, XNB_PAGE_SIZE)
#define XNB_RX_RING_SIZE __CONST_RING_SIZE(netif_rx, XNB_PAGE_SIZE)
#define XNB_CTRL_RING_SIZE __CONST_RING_SIZE(xen_netif_ctrl, XNB_PAGE_SIZE)

/*
 * Guest Tx slot limits, counted in data slots per packet (extra-info slots
 * are not counted). Up to XNB_TX_LEGACY_SLOTS is valid; up to
 * XNB_TX_FATAL_SLOTS is dropped with NETIF_RSP_ERROR (buggy but known
 * frontends); more is a hostile guest and fatal. Linux netback uses the same
 * 18 and a fatal_skb_slots default of 20.
 */
#define XNB_TX_LEGACY_SLOTS XEN_NETIF_NR_SLOTS_MIN
#define XNB_TX_FATAL_SLOTS 20

/* Guest Rx: netfront refuses packets spread over more data slots. */
#define XNB_RX_MAX_SLOTS XEN_NETIF_NR_SLOTS_MIN

/* Largest xdp-headroom accepted from a frontend (the rest of the first
 * page must still hold a useful amount of frame). */
#define XNB_MAX_XDP_HEADROOM 2048u

#define XNB_ETH_HLEN 14u
#define XNB_ETH_ALEN 6u

/* A local buffer segment: packet data the PMD owns (mbuf data areas). */
struct xnb_seg {
	void *addr;
	uint32_t len;
};

#endif /* XNB_RING_H */
