/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mbuf pools, one per NUMA socket, each created the first time a queue or
 * a worker lcore on that socket needs one: an Rx queue takes its mbufs
 * from the pool on the socket of the lcore that polls it, a worker its
 * flood copies and segments from its own socket's. A socket without
 * memory of its own (no hugepages there) shares the control lcore's pool.
 * Control thread only.
 */
#ifndef XD_POOL_H
#define XD_POOL_H

#include <stdint.h>

#include <rte_mempool.h>

/* Pools created from now on hold mbufs mbufs each. */
void xd_pool_set_size(uint32_t mbufs);
/* The pool of socket (< 0: the caller's socket), created if needed; NULL
 * with rte_errno set when no memory at all is left for it. */
struct rte_mempool *xd_pool_get(int socket);
/* Free every pool (the ports using them are gone). */
void xd_pool_free_all(void);

#endif /* XD_POOL_H */
