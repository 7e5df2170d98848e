/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the guest Tx request parser: the input is the
 * guest's shared Tx ring (indices and slots) over granted data pages.
 * Run: fuzz_netif_tx -runs=N (or with a corpus directory).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_hv.h"
#include "xnb_log.h"
#include "xnb_mcast.h"
#include "xnb_ring.h"
#include "xnb_tx.h"

#define NR_DATA_PAGES 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
prepare(void *arg, const struct xnb_tx_pkt *pkt, struct xnb_seg *segs,
	unsigned int max_segs, void **cookie)
{
	uint32_t seg = 1 + *(uint32_t *)arg % 3000, off, n = 0;
	uint8_t *buf = malloc(pkt->len);

	for (off = 0; off < pkt->len && n < max_segs; off += seg, n++) {
		segs[n].addr = buf + off;
		segs[n].len = off + seg <= pkt->len ? seg : pkt->len - off;
	}
	*cookie = buf;
	return n;
}

static void
discard(void *arg, void *cookie)
{
	(void)arg;
	free(cookie);
}

static const struct xnb_tx_ops ops = {
	.prepare = prepare,
	.discard = discard,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xnb_txq_conf conf = { 0 };
	struct xnb_hv_evtchn *ec;
	struct xnb_mcast mcast;
	netif_tx_sring_t *s;
	struct xnb_txq *txq;
	struct fake_hv *f;
	uint32_t hdr[3] = { 0 }, i;
	void *c[XNB_TX_BURST_MAX];
	uint16_t got;
	int port;

	rte_log_set_level(xnb_logtype, RTE_LOG_EMERG);
	/* hdr: start index, req_prod - start, segment size. */
	memcpy(hdr, data, RTE_MIN(size, sizeof(hdr)));
	data += RTE_MIN(size, sizeof(hdr));
	size -= RTE_MIN(size, sizeof(hdr));

	f = fake_hv_new();
	xnb_mcast_init(&mcast);
	conf.hv = &f->hv;
	conf.mcast = &mcast;
	txq = xnb_txq_create(&conf);
	ec = f->hv.ops->evtchn_open(&f->hv);
	port = f->hv.ops->evtchn_bind(ec, FAKE_DOMID, 1);
	for (i = 0; i < NR_DATA_PAGES; i++)
		fake_grant(f, 1 + i, i % 2 == 0);
	s = fake_page(f, 0);
	SHARED_RING_INIT(s);
	s->rsp_prod = hdr[0];
	s->req_prod = hdr[0] + hdr[1] % (XNB_TX_RING_SIZE + 2);
	memcpy(s->ring, data, RTE_MIN(size, XNB_TX_RING_SIZE *
				      sizeof(s->ring[0])));

	if (xnb_txq_attach(txq, FAKE_DOMID, s, ec, port) == 0) {
		for (i = 0; i < XNB_TX_RING_SIZE; i++) {
			got = xnb_txq_recv(txq, &ops, &hdr[2], c,
					   XNB_TX_BURST_MAX);
			while (got > 0)
				free(c[--got]);
			if (xnb_txq_failed(txq) || s->rsp_prod == s->req_prod)
				break;
		}
		/* Responses never overtake requests. */
		if ((RING_IDX)(s->req_prod - s->rsp_prod) > XNB_TX_RING_SIZE + 1)
			abort();
		xnb_txq_detach(txq);
	}
	xnb_txq_destroy(txq);
	f->hv.ops->evtchn_unbind(ec, port);
	f->hv.ops->evtchn_close(ec);
	fake_hv_free(f);
	return 0;
}
