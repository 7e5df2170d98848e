/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Zero-copy guest Tx: guest pages grant-mapped by libxnb, attached to mbuf
 * segments as external buffers (read only), released back to the guest
 * when the last segment is freed.
 */
#ifndef ETH_XEN_ZC_H
#define ETH_XEN_ZC_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "xnb_tx.h"

/* If seg's data is a guest page this PMD mapped for zero-copy, give the grant it came from and seg's data offset in that page: true; else false. */
bool eth_xen_zc_grant_of(const struct rte_mbuf *seg, uint16_t *domid,
			 uint32_t *gref, uint16_t *offset);

/* libxnb settings for zero-copy with fragments over copy_max mapped. */
void eth_xen_zc_conf(struct xnb_txq_zc_conf *conf, uint32_t copy_max);

/*
 * IOVA of each mapped page of zf into iova[fragment index]: the physical
 * address in IOVA-as-PA mode (when the kernel tells it), else
 * RTE_BAD_IOVA.
 */
void eth_xen_zc_iova(const struct xnb_tx_zc_frame *zf, rte_iova_t *iova);
/* Before attaching zf's pages: its shared info, refcnt = mapped pages. */
void eth_xen_zc_frame_init(struct xnb_tx_zc_frame *zf);
/* Make m (fresh from the pool) a segment of mapped fragment fi of zf. */
void eth_xen_zc_attach(struct xnb_tx_zc_frame *zf, uint16_t fi,
		       struct rte_mbuf *m, rte_iova_t iova);

/* Drop a port's control reference (eth_xen_ctrl_put()) once no
 * zero-copy frame is out any more: at once, at a later close or at exit. */
void eth_xen_zc_ctrl_put(void);

#endif /* ETH_XEN_ZC_H */
