/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A hostile simulated guest for the zero-copy path: it connects one vif
 * like netfront (one queue, sg), then sends count two-slot frames whose
 * second slot, the one net_xen maps with copy_threshold=0, names a grant
 * that does not exist on every other frame. Passes (exit 0) when every
 * bad frame was answered NETIF_RSP_ERROR on both slots and every good one
 * NETIF_RSP_OKAY, within the timeout.
 *
 * Usage: zc_bad_frag SIMDIR DOMID COUNT (XNB_SIM_DIR-style directory; the
 * domain and its vif created by xnb-simxl first).
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenstore.h>

#define __XEN_INTERFACE_VERSION__ 0x00040e00
#define xen_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#include <xen/io/netif.h>
#include <xen/io/xenbus.h>

#include "xnb_simguest.h"

#define PAGE 4096u
#define BACKEND 0
#define BAD_GREF 0x7ffffff0u
#define TIMEOUT_S 30
/* Pages: Tx ring, Rx ring, frame data. */
#define PFN_TX 0
#define PFN_RX 1
#define PFN_DATA 2

static struct xs_handle *xs;
static char fe_dir[64];

static int
put(const char *key, unsigned int val)
{
	char path[128], v[16];

	snprintf(path, sizeof(path), "%s/%s", fe_dir, key);
	snprintf(v, sizeof(v), "%u", val);
	return xs_write(xs, XBT_NULL, path, v, strlen(v)) ? 0 : -1;
}

/* The backend's state, or -1. */
static int
be_state(void)
{
	char path[128], *be, *v;
	unsigned int len;
	int st = -1;

	snprintf(path, sizeof(path), "%s/backend", fe_dir);
	be = xs_read(xs, XBT_NULL, path, &len);
	if (be == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/state", be);
	v = xs_read(xs, XBT_NULL, path, &len);
	if (v != NULL)
		st = atoi(v);
	free(v);
	free(be);
	return st;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleep up to ms on the event channel (never spin). */
static void
wait_event(struct xnb_simguest *g, int ms)
{
	struct pollfd p = { .fd = xnb_simguest_evtchn_fd(g), .events = POLLIN };
	int port;

	if (poll(&p, 1, ms) > 0)
		while ((port = xnb_simguest_evtchn_pending(g)) >= 0)
			xnb_simguest_evtchn_unmask(g, port);
}

int
main(int argc, char **argv)
{
	unsigned int domid, count, i, bad_err = 0, good_ok = 0, wrong = 0;
	netif_tx_front_ring_t tx;
	netif_rx_front_ring_t rx;
	struct xnb_simguest *g;
	int gtx, grx, gdata, port, notify;
	double deadline;

	if (argc != 4) {
		fprintf(stderr, "usage: %s SIMDIR DOMID COUNT\n", argv[0]);
		return 2;
	}
	domid = atoi(argv[2]);
	count = atoi(argv[3]);
	/* Two slots a frame, all on the ring at once; as many bad as good. */
	if (count == 0 || count % 2 != 0 ||
	    2 * count > __CONST_RING_SIZE(netif_tx, PAGE))
		return 2;
	g = xnb_simguest_open(argv[1], domid, 4, 32);
	if (g == NULL) {
		perror("xnb_simguest_open");
		return 2;
	}
	if (setenv("XENSTORED_PATH", xnb_simguest_xs_path(g), 1) < 0 ||
	    (xs = xs_open(XS_OPEN_SOCKETONLY)) == NULL) {
		perror("xenstore");
		return 2;
	}
	snprintf(fe_dir, sizeof(fe_dir), "/local/domain/%u/device/vif/0",
		 domid);
	deadline = now() + TIMEOUT_S;
	while (be_state() != XenbusStateInitWait && now() < deadline)
		wait_event(g, 10);

	SHARED_RING_INIT((netif_tx_sring_t *)xnb_simguest_page(g, PFN_TX));
	FRONT_RING_INIT(&tx, (netif_tx_sring_t *)xnb_simguest_page(g, PFN_TX),
			PAGE);
	SHARED_RING_INIT((netif_rx_sring_t *)xnb_simguest_page(g, PFN_RX));
	FRONT_RING_INIT(&rx, (netif_rx_sring_t *)xnb_simguest_page(g, PFN_RX),
			PAGE);
	memset(xnb_simguest_page(g, PFN_DATA), 0x5a, PAGE);
	gtx = xnb_simguest_grant(g, BACKEND, PFN_TX, false);
	grx = xnb_simguest_grant(g, BACKEND, PFN_RX, false);
	gdata = xnb_simguest_grant(g, BACKEND, PFN_DATA, true);
	port = xnb_simguest_evtchn_alloc_unbound(g, BACKEND);
	if (gtx < 0 || grx < 0 || gdata < 0 || port < 0 ||
	    put("tx-ring-ref", gtx) || put("rx-ring-ref", grx) ||
	    put("event-channel", port) || put("request-rx-copy", 1) ||
	    put("feature-sg", 1) || put("state", XenbusStateConnected)) {
		fprintf(stderr, "connecting: %s\n", strerror(errno));
		return 2;
	}
	while (be_state() != XenbusStateConnected && now() < deadline)
		wait_event(g, 10);
	if (be_state() != XenbusStateConnected) {
		fprintf(stderr, "backend never connected\n");
		return 1;
	}

	/* Frame i: ids 2i, 2i + 1; 60 bytes in slot 0, 1000 in slot 1. */
	for (i = 0; i < count; i++) {
		netif_tx_request_t *r = RING_GET_REQUEST(&tx, tx.req_prod_pvt++);

		r->gref = gdata;
		r->offset = 0;
		r->flags = NETTXF_more_data;
		r->id = 2 * i;
		r->size = 1060;
		r = RING_GET_REQUEST(&tx, tx.req_prod_pvt++);
		r->gref = i % 2 ? BAD_GREF : (uint32_t)gdata;
		r->offset = 100;
		r->flags = 0;
		r->id = 2 * i + 1;
		r->size = 1000;
	}
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&tx, notify);
	if (notify)
		xnb_simguest_evtchn_notify(g, port);

	while (tx.rsp_cons != tx.req_prod_pvt && now() < deadline) {
		while (RING_HAS_UNCONSUMED_RESPONSES(&tx)) {
			netif_tx_response_t *rsp = RING_GET_RESPONSE(&tx,
							tx.rsp_cons++);
			unsigned int frame = rsp->id / 2;
			bool bad = frame % 2 == 1;

			if (rsp->id >= 2 * count)
				wrong++;
			else if (bad && rsp->status == NETIF_RSP_ERROR)
				bad_err++;
			else if (!bad && rsp->status == NETIF_RSP_OKAY)
				good_ok++;
			else
				wrong++;
		}
		tx.sring->rsp_event = tx.rsp_cons + 1;
		xen_mb();
		if (!RING_HAS_UNCONSUMED_RESPONSES(&tx))
			wait_event(g, 100);
	}
	printf("{\"bad_err\": %u, \"good_ok\": %u, \"wrong\": %u}\n",
	       bad_err, good_ok, wrong);
	fflush(stdout);
	xs_close(xs);
	xnb_simguest_close(g);
	return bad_err == count && good_ok == count && wrong == 0 ? 0 : 1;
}
