/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Zero-copy guest Tx, mbuf side: the guest pages libxnb mapped become
 * external-buffer segments sharing one rte_mbuf_ext_shared_info per frame
 * (in the frame's priv area, refcnt = mapped segments); its free callback,
 * on whatever lcore frees the last segment, only hands the frame back to
 * libxnb, whose queue poll unmaps and answers it.
 *
 * The hypervisor connection must outlive every mapped page: a port closed
 * while zero-copy frames are still out keeps its control reference until
 * the last one is gone (settled by a later close or at exit).
 */
#include <rte_common.h>
#include <rte_eal.h>
#include <rte_memory.h>

#include "eth_xen_ctrl.h"
#include "eth_xen_zc.h"

/* Zero-copy states alive (connections, or frames still out). */
static uint32_t eth_xen_zc_live;
/* Control references of closed ports, put once no state is alive. */
static uint32_t eth_xen_zc_owed;

static void
eth_xen_zc_free_cb(void *addr __rte_unused, void *opaque)
{
	xnb_tx_zc_release(opaque);
}

bool
eth_xen_zc_grant_of(const struct rte_mbuf *seg, uint16_t *domid,
		    uint32_t *gref, uint16_t *offset)
{
	const struct xnb_tx_zc_frame *zf;
	const uint8_t *data, *page;
	uint16_t i;

	if (!RTE_MBUF_HAS_EXTBUF(seg) || seg->shinfo == NULL ||
	    seg->shinfo->free_cb != eth_xen_zc_free_cb)
		return false;
	zf = seg->shinfo->fcb_opaque;
	data = rte_pktmbuf_mtod(seg, const uint8_t *);
	for (i = 1; i < zf->nr_frags; i++) {
		page = zf->frags[i].page;
		if (page == NULL || data < page || data >= page + XNB_PAGE_SIZE)
			continue;
		*domid = zf->domid;
		*gref = zf->frags[i].gref;
		*offset = data - page;
		return true;
	}
	return false;
}

void
eth_xen_zc_iova(const struct xnb_tx_zc_frame *zf, rte_iova_t *iova)
{
	bool pa = rte_eal_iova_mode() == RTE_IOVA_PA;
	uint16_t i;

	/* In IOVA-as-VA mode a foreign page is in no device's DMA map. */
	for (i = 0; i < zf->nr_frags; i++)
		if (zf->frags[i].page != NULL)
			iova[i] = pa ? rte_mem_virt2iova(zf->frags[i].page) :
				  RTE_BAD_IOVA;
}

void
eth_xen_zc_frame_init(struct xnb_tx_zc_frame *zf)
{
	struct rte_mbuf_ext_shared_info *sh = zf->priv;

	sh->free_cb = eth_xen_zc_free_cb;
	sh->fcb_opaque = zf;
	rte_mbuf_ext_refcnt_set(sh, zf->nr_mapped);
}

void
eth_xen_zc_attach(struct xnb_tx_zc_frame *zf, uint16_t fi,
		  struct rte_mbuf *m, rte_iova_t iova)
{
	const struct xnb_tx_zc_frag *fr = &zf->frags[fi];

	rte_pktmbuf_attach_extbuf(m, fr->page, iova, XNB_PAGE_SIZE, zf->priv);
	m->data_off = fr->offset;
	m->data_len = fr->len;
}

static void
eth_xen_zc_hold(void *arg __rte_unused)
{
	__atomic_add_fetch(&eth_xen_zc_live, 1, __ATOMIC_ACQ_REL);
}

static void
eth_xen_zc_release(void *arg __rte_unused)
{
	__atomic_sub_fetch(&eth_xen_zc_live, 1, __ATOMIC_ACQ_REL);
}

void
eth_xen_zc_conf(struct xnb_txq_zc_conf *conf, uint32_t copy_max)
{
	*conf = (struct xnb_txq_zc_conf){
		.copy_max = copy_max,
		.priv_size = sizeof(struct rte_mbuf_ext_shared_info),
		.hold = eth_xen_zc_hold,
		.release = eth_xen_zc_release,
	};
}

/* Put the owed references if no zero-copy state is alive any more. */
static void
eth_xen_zc_settle(void)
{
	uint32_t owed = __atomic_load_n(&eth_xen_zc_owed, __ATOMIC_ACQUIRE);

	while (owed > 0 &&
	       __atomic_load_n(&eth_xen_zc_live, __ATOMIC_ACQUIRE) == 0) {
		if (!__atomic_compare_exchange_n(&eth_xen_zc_owed, &owed,
						 owed - 1, false,
						 __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE))
			continue;
		eth_xen_ctrl_put();
		owed = __atomic_load_n(&eth_xen_zc_owed, __ATOMIC_ACQUIRE);
	}
}

void
eth_xen_zc_ctrl_put(void)
{
	__atomic_add_fetch(&eth_xen_zc_owed, 1, __ATOMIC_ACQ_REL);
	eth_xen_zc_settle();
}

RTE_FINI(eth_xen_zc_fini)
{
	eth_xen_zc_settle();
}
