/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The netif control ring (XEN_NETIF_CTRL_TYPE_*): the frontend configures
 * Toeplitz hashing (algorithm, hash types, key, mapping table) which then
 * selects the guest Rx queue for each flow.
 *
 * Requests are copied out once and served on the control thread. Key and
 * mapping are fetched by grant copy; a new mapping is copied into a staging
 * table and validated (every entry < number of queues) before it becomes
 * live (XSA-270). Static-grant requests (types 8-10) are answered
 * NOT_SUPPORTED. Lookups (xnb_ctrl_hash, xnb_ctrl_queue) run lock-free on
 * any lcore against a seqlock-protected live configuration.
 */
#ifndef XNB_CTRL_H
#define XNB_CTRL_H

#include <stdbool.h>
#include <stdint.h>

#include "xnb_hv.h"
#include "xnb_ring.h"

/* Backend limits, as Linux netback. */
#define XNB_CTRL_MAX_KEY 40u
#define XNB_CTRL_MAX_MAPPING 128u

/* Hash types this backend computes. */
#define XNB_CTRL_HASH_TYPES (XEN_NETIF_CTRL_HASH_TYPE_IPV4 | \
			     XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP | \
			     XEN_NETIF_CTRL_HASH_TYPE_IPV6 | \
			     XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP)

struct xnb_ctrl;

struct xnb_ctrl_stats {
	uint64_t requests;     /* requests served */
	uint64_t errors;       /* answered with a non-success status */
	uint64_t gcopy_ops;
	uint64_t gcopy_calls;
	uint64_t notify;
};

struct xnb_ctrl *xnb_ctrl_create(struct xnb_hv *hv);
void xnb_ctrl_destroy(struct xnb_ctrl *ctrl);

/*
 * Attach to a mapped control ring of domid (answers notify port of ec);
 * num_queues bounds mapping entries. Resets the hash configuration to
 * "none". -EPROTO when req_prod - rsp_prod exceeds the ring size.
 */
int xnb_ctrl_attach(struct xnb_ctrl *ctrl, xnb_domid_t domid, void *sring,
		    struct xnb_hv_evtchn *ec, xnb_evtchn_port_t port,
		    uint16_t num_queues);
void xnb_ctrl_detach(struct xnb_ctrl *ctrl);

/*
 * Serve every pending request (control thread). Returns the number served,
 * or -EPROTO when the guest overran the ring (fatal: disconnect).
 */
int xnb_ctrl_process(struct xnb_ctrl *ctrl);

/*
 * Hash a frame (Ethernet header first, at least the L3/L4 headers
 * contiguous in frame[0 .. len)) as the guest configured. Returns 0 with
 * *hash and *type (an _XEN_NETIF_CTRL_HASH_TYPE_* number), or -ENOENT
 * when hashing is off or no enabled type matches.
 */
int xnb_ctrl_hash(const struct xnb_ctrl *ctrl, const void *frame,
		  uint32_t len, uint32_t *hash, uint8_t *type);
/* Guest Rx queue for a hash: mapping[hash % size], or hash % num_queues
 * when the mapping size is 0. */
uint16_t xnb_ctrl_queue(const struct xnb_ctrl *ctrl, uint32_t hash);
/* Queue for a frame: the two above, 0 when the frame has no hash. */
uint16_t xnb_ctrl_select_queue(const struct xnb_ctrl *ctrl,
			       const void *frame, uint32_t len);

const struct xnb_ctrl_stats *xnb_ctrl_stats(const struct xnb_ctrl *ctrl);

#endif /* XNB_CTRL_H */
