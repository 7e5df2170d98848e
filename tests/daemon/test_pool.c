/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mbuf pools per NUMA socket, created on demand. This machine (and CI) has
 * one socket: a socket without memory must share the control lcore's
 * pool; with memory on a second socket, it gets its own.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "td_check.h"
#include "xd_pool.h"

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = {
		argv[0], "--no-huge", "-m", "64", "--no-pci", "-l", "0",
		"--no-shconf", "--log-level", "lib.eal:error", prefix, NULL,
	};
	struct rte_mempool *p0, *p1;

	(void)argc;
	snprintf(prefix, sizeof(prefix), "--file-prefix=xdtpool%d",
		 (int)getpid());
	if (rte_eal_init(RTE_DIM(eal) - 1, eal) < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	xd_pool_set_size(2048);
	TD_EQ(rte_mempool_lookup("xd_mbuf_0") == NULL, 1);
	/* Created the first time it is asked for, then the same. */
	p0 = xd_pool_get(0);
	TD_CHECK(p0 != NULL);
	if (p0 == NULL)
		return 1;
	TD_STREQ(p0->name, "xd_mbuf_0");
	TD_EQ(p0->size, 2048);
	TD_EQ(p0->socket_id, 0);
	TD_CHECK(xd_pool_get(0) == p0);
	/* -1 and out-of-range sockets: the caller's (lcore 0, socket 0). */
	TD_EQ(rte_socket_id(), 0);
	TD_CHECK(xd_pool_get(-1) == p0);
	TD_CHECK(xd_pool_get(RTE_MAX_NUMA_NODES + 3) == p0);
	/* Socket 1: its own pool where it has memory, else socket 0's. */
	p1 = xd_pool_get(1);
	TD_CHECK(p1 != NULL);
	if (rte_socket_count() > 1) {
		TD_CHECK(p1 != p0);
		TD_EQ(p1 != NULL ? p1->socket_id : -1, 1);
	} else {
		TD_CHECK(p1 == p0);
		TD_CHECK(rte_mempool_lookup("xd_mbuf_1") == NULL);
	}
	TD_CHECK(xd_pool_get(1) == p1);
	/* Freed once each, shared or not; created again on demand. */
	xd_pool_free_all();
	TD_CHECK(rte_mempool_lookup("xd_mbuf_0") == NULL);
	p0 = xd_pool_get(0);
	TD_CHECK(p0 != NULL && rte_mempool_avail_count(p0) == 2048);
	xd_pool_free_all();
	rte_eal_cleanup();
	TD_DONE();
}
