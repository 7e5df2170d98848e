/* SPDX-License-Identifier: BSD-3-Clause */
/* Mbuf pools per NUMA socket, on demand. */
#include <stdio.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "xd_log.h"
#include "xd_pool.h"

#define XD_MBUF_CACHE 256

static struct rte_mempool *xd_pools[RTE_MAX_NUMA_NODES];
/* xd_pools[s] is another socket's pool. */
static bool xd_pool_shared[RTE_MAX_NUMA_NODES];
static uint32_t xd_pool_mbufs = 16384;

void
xd_pool_set_size(uint32_t mbufs)
{
	xd_pool_mbufs = mbufs;
}

static struct rte_mempool *
pool_create(int socket)
{
	char name[RTE_MEMPOOL_NAMESIZE];

	snprintf(name, sizeof(name), "xd_mbuf_%d", socket);
	return rte_pktmbuf_pool_create(name, xd_pool_mbufs, XD_MBUF_CACHE, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, socket);
}

struct rte_mempool *
xd_pool_get(int socket)
{
	int home = (int)rte_socket_id();

	if (socket < 0 || socket >= RTE_MAX_NUMA_NODES)
		socket = home;
	if (xd_pools[socket] != NULL)
		return xd_pools[socket];
	xd_pools[socket] = pool_create(socket);
	if (xd_pools[socket] != NULL) {
		XD_LOG(INFO, "%u mbufs on socket %d", xd_pool_mbufs, socket);
		return xd_pools[socket];
	}
	if (socket == home) {
		XD_LOG(ERR, "cannot create %u mbufs on socket %d: %s",
		       xd_pool_mbufs, socket, rte_strerror(rte_errno));
		return NULL;
	}
	XD_LOG(NOTICE, "no mbufs on socket %d (%s): its queues use socket "
	       "%d's", socket, rte_strerror(rte_errno), home);
	xd_pools[socket] = xd_pool_get(home);
	xd_pool_shared[socket] = xd_pools[socket] != NULL;
	return xd_pools[socket];
}

void
xd_pool_free_all(void)
{
	int s;

	for (s = 0; s < RTE_MAX_NUMA_NODES; s++) {
		if (!xd_pool_shared[s])
			rte_mempool_free(xd_pools[s]);
		xd_pools[s] = NULL;
		xd_pool_shared[s] = false;
	}
}
