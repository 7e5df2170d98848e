/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rx queue interrupts of a net_xen port: sleep in rte_epoll_wait() until
 * the guest sends, never spin, and never sleep through a frame that is
 * already there. The net_xen PMD is linked in; EAL arguments come from the
 * command line (a net_xen vdev whose guest sends EXPECT frames, slowly).
 *   test_rx_intr EAL_ARGS... -- EXPECT
 * Exit 0 when EXPECT frames arrived, no wait timed out (no lost wakeup)
 * and the wakeups stayed in proportion to the frames (no fd left readable,
 * which would turn the wait into a spin).
 *   test_rx_intr EAL_ARGS... -- --to-guest N
 * The other direction: after a line on stdin (the script has stopped the
 * guest), send N frames to the stopped guest (more than
 * its Rx ring holds, so some wait in the PMD's backlog), print "sent", then
 * sleep on the Rx interrupt until the backlog is empty: the guest posting
 * Rx buffers when it resumes must wake us. Then wait for a second line
 * (the guest has everything) before closing. Exit 0 when the backlog
 * drained without a wait timing out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_epoll.h>
#include <rte_ethdev.h>
#include <rte_interrupts.h>
#include <rte_mbuf.h>
#include <rte_pmd_xen.h>

#define NB_MBUFS 2048
#define BURST 32
/* Longest a frame may be late: the guest sends every few ms. */
#define WAIT_MS 5000
#define LINK_WAIT_S 20

static int
port_init(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf = { .intr_conf = { .rxq = 1 } };
	struct rte_eth_link link;
	int ret, i;

	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, 256, rte_socket_id(),
					     NULL, mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, 256, rte_socket_id(),
					     NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	if (ret < 0) {
		fprintf(stderr, "port setup: %s\n", rte_strerror(-ret));
		return ret;
	}
	for (i = 0; i < LINK_WAIT_S * 10; i++) {
		if (rte_eth_link_get_nowait(port, &link) == 0 &&
		    link.link_status == RTE_ETH_LINK_UP)
			return 0;
		rte_delay_ms(100);
	}
	fprintf(stderr, "link never came up\n");
	return -ETIMEDOUT;
}

/* Arm the Rx interrupt of queue 0 and sleep on it: 1 when woken, 0 when
 * WAIT_MS passed without a wakeup, -1 on error. */
static int
sleep_on_rx_intr(uint16_t port)
{
	struct rte_epoll_event ev;
	int ret;

	ret = rte_eth_dev_rx_intr_enable(port, 0);
	if (ret < 0) {
		fprintf(stderr, "intr_enable: %s\n", rte_strerror(-ret));
		return -1;
	}
	ret = rte_epoll_wait(RTE_EPOLL_PER_THREAD, &ev, 1, WAIT_MS);
	rte_eth_dev_rx_intr_disable(port, 0);
	return ret > 0;
}

/* Broadcast frames of 60 bytes for the guest. */
static int
send_to_guest(uint16_t port, struct rte_mempool *mp, unsigned long n)
{
	struct rte_mbuf *pkts[BURST];
	unsigned long sent = 0;
	uint16_t i, want, done;
	int tries = 0;

	while (sent < n) {
		want = RTE_MIN((unsigned long)BURST, n - sent);
		if (rte_pktmbuf_alloc_bulk(mp, pkts, want) < 0)
			return -ENOMEM;
		for (i = 0; i < want; i++) {
			struct rte_ether_hdr *eh = (struct rte_ether_hdr *)
				rte_pktmbuf_append(pkts[i], 60);

			memset(eh, 0, 60);
			memset(&eh->dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
			eh->src_addr.addr_bytes[0] = 0x02;
			eh->ether_type = rte_cpu_to_be_16(0x88b5);
		}
		done = rte_eth_tx_burst(port, 0, pkts, want);
		if (done < want)
			rte_pktmbuf_free_bulk(&pkts[done], want - done);
		sent += done;
		if (done == 0 && ++tries > 100) {
			fprintf(stderr, "port takes no more after %lu frames\n",
				sent);
			return -ENOSPC;
		}
	}
	return 0;
}

static uint32_t
backlog(uint16_t port)
{
	struct rte_pmd_xen_ring_state st;

	if (rte_pmd_xen_ring_state(port, 0, &st) < 0)
		return UINT32_MAX;
	return st.rx_backlog;
}

/* The guest is stopped: send, then sleep until its buffers drain the
 * backlog. */
static int
to_guest(uint16_t port, struct rte_mempool *mp, unsigned long n)
{
	struct rte_mbuf *pkts[BURST];
	unsigned long sleeps = 0;
	uint32_t left;
	uint16_t got;
	char go[8];
	int ret;

	/* The script stops the guest first, then says go. */
	if (fgets(go, sizeof(go), stdin) == NULL) {
		fprintf(stderr, "no go on stdin\n");
		return 1;
	}
	if (send_to_guest(port, mp, n) < 0)
		return 1;
	left = backlog(port);
	if (left == 0 || left == UINT32_MAX) {
		fprintf(stderr, "backlog %u after sending: the test needs "
			"frames waiting for guest buffers\n", left);
		return 1;
	}
	printf("sent %lu, backlog %u\n", n, left);
	fflush(stdout);
	while ((left = backlog(port)) != 0) {
		ret = sleep_on_rx_intr(port);
		if (ret <= 0) {
			if (ret == 0)
				fprintf(stderr, "no wakeup within %d ms with %u "
					"frames waiting for guest buffers\n",
					WAIT_MS, left);
			return 1;
		}
		sleeps++;
		/* The poll pushes the backlog into the posted buffers. */
		while ((got = rte_eth_rx_burst(port, 0, pkts, BURST)) > 0)
			rte_pktmbuf_free_bulk(pkts, got);
	}
	printf("{\"to_guest\":%lu,\"sleeps\":%lu}\n", n, sleeps);
	fflush(stdout);
	/* Keep the port (the guest's connection) until the script saw the
	 * guest take every frame. */
	if (fgets(go, sizeof(go), stdin) == NULL)
		return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct rte_mbuf *pkts[BURST];
	struct rte_mempool *mp;
	unsigned long expect = 0, to_guest_n = 0, got = 0, sleeps = 0;
	uint16_t port = 0, n;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		return 2;
	}
	argc -= ret;
	argv += ret;
	if (argc == 3 && strcmp(argv[1], "--to-guest") == 0) {
		to_guest_n = strtoul(argv[2], NULL, 10);
		expect = to_guest_n;
	} else if (argc == 2) {
		expect = strtoul(argv[1], NULL, 10);
	}
	if (expect == 0) {
		fprintf(stderr, "usage: test_rx_intr EAL_ARGS -- EXPECT | "
			"--to-guest N\n");
		return 2;
	}
	if (rte_eth_dev_count_avail() != 1) {
		fprintf(stderr, "want exactly one port\n");
		return 1;
	}
	mp = rte_pktmbuf_pool_create("rx_intr", NB_MBUFS, 0, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE,
				     rte_socket_id());
	if (mp == NULL || port_init(port, mp) < 0)
		return 1;
	ret = rte_eth_dev_rx_intr_ctl_q(port, 0, RTE_EPOLL_PER_THREAD,
					RTE_INTR_EVENT_ADD, NULL);
	if (ret < 0) {
		fprintf(stderr, "rx_intr_ctl_q: %s\n", rte_strerror(-ret));
		return 1;
	}
	if (to_guest_n != 0) {
		ret = to_guest(port, mp, to_guest_n);
		rte_eth_dev_stop(port);
		rte_eth_dev_close(port);
		rte_mempool_free(mp);
		rte_eal_cleanup();
		return ret;
	}
	while (got < expect) {
		/* Drain, then arm and sleep: the PMD must wake us for frames
		 * that arrive (or already arrived) after the last burst. */
		while ((n = rte_eth_rx_burst(port, 0, pkts, BURST)) > 0) {
			got += n;
			rte_pktmbuf_free_bulk(pkts, n);
		}
		if (got >= expect)
			break;
		ret = sleep_on_rx_intr(port);
		if (ret <= 0) {
			if (ret == 0)
				fprintf(stderr, "no wakeup within %d ms after %lu "
					"of %lu frames\n", WAIT_MS, got, expect);
			return 1;
		}
		sleeps++;
	}
	printf("{\"frames\":%lu,\"sleeps\":%lu}\n", got, sleeps);
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	rte_mempool_free(mp);
	rte_eal_cleanup();
	if (sleeps > 4 * expect) {
		fprintf(stderr, "%lu wakeups for %lu frames: spinning\n",
			sleeps, expect);
		return 1;
	}
	return 0;
}
