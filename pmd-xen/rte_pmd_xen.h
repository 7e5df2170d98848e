/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_xen PMD: API beyond ethdev, for applications that want to know which
 * guest a port serves (an L2 switch learning the guest's MAC statically).
 */
#ifndef RTE_PMD_XEN_H
#define RTE_PMD_XEN_H

#include <stdint.h>

#include <rte_compat.h>
#include <rte_ether.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The guest's MAC address: the backend "mac" key as the toolstack last
 * wrote it (read at probe and whenever the device is (re)created or
 * connects). 0, -ENOTSUP when port_id is not a net_xen port, -ENOENT when
 * the toolstack gave no valid address.
 */
int rte_pmd_xen_get_guest_mac(uint16_t port_id, struct rte_ether_addr *mac);

/* The vif a net_xen port serves. 0 or -ENOTSUP. */
int rte_pmd_xen_get_vif(uint16_t port_id, uint16_t *domid, uint32_t *devid);

/* Indices of one netif shared ring (xen/io/ring.h). */
struct rte_pmd_xen_ring_index {
	/* In the shared page: the guest writes req_prod and rsp_event, the
	 * backend rsp_prod and req_event. */
	uint32_t req_prod;
	uint32_t req_event;
	uint32_t rsp_prod;
	uint32_t rsp_event;
	/* Backend private: next request to take, responses written (pushed
	 * up to rsp_prod). */
	uint32_t req_cons;
	uint32_t rsp_prod_pvt;
};

struct rte_pmd_xen_ring_state {
	struct rte_pmd_xen_ring_index tx; /* guest Tx ring: ethdev Rx */
	struct rte_pmd_xen_ring_index rx; /* guest Rx ring: ethdev Tx */
	uint32_t rx_backlog; /* frames waiting for guest Rx buffers */
};

/**
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice.
 *
 * Ring state of netif queue qid (ethdev queue qid) of a net_xen port, for
 * diagnostics. Callable from any application thread while lcores poll:
 * the indices are a racy snapshot (each read once, not at one instant;
 * the shared ones are guest-written and untrusted). Takes the driver's
 * control lock, so the rings stay mapped while they are read.
 *
 * @return
 *   0; -ENOTSUP: not a net_xen port; -ENODEV: port closed; -EINVAL: qid
 *   beyond the queues offered to the guest; -ENOTCONN: the guest has not
 *   connected this queue (st zeroed but for rx_backlog).
 */
__rte_experimental
int rte_pmd_xen_ring_state(uint16_t port_id, uint16_t qid,
			   struct rte_pmd_xen_ring_state *st);

/**
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice.
 *
 * Close the port's vif gracefully, as Linux netback on unbind: the link
 * goes down, the backend writes Closing, and Closed once the frontend has
 * closed or gone away. Non-blocking: call again to poll. Afterwards the
 * port serves no guest until it is closed (rte_eth_dev_close(), which
 * writes Closed in any case) or, with revive=1, the toolstack re-creates
 * the device. rte_eth_dev_close() of a port whose guest is connected does
 * the same itself, waiting up to a second for the guest.
 *
 * @return
 *   0: the backend is Closed; -EINPROGRESS: Closing, waiting for the
 *   frontend; -ENOTSUP: not a net_xen port; -ENODEV: port closed.
 */
__rte_experimental
int rte_pmd_xen_close(uint16_t port_id);

#ifdef __cplusplus
}
#endif

#endif /* RTE_PMD_XEN_H */
