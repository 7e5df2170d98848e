/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker lcores: each polls the Rx queues of its plan, switches the frames
 * (xd_switch.c) and, after an idle spell, arms the queues' interrupts and
 * sleeps in epoll until a guest or a NIC has something (adaptive polling).
 * Time is accounted as busy (rounds that moved frames), idle (empty
 * polling rounds) and asleep.
 *
 * The control thread changes a worker's plan by publishing a new one and
 * calling xd_workers_sync(), which returns once every worker has passed
 * its quiescent point (the top of its loop, where it holds no reference to
 * ports, plans or FDB slots) after the change: only then may the control
 * thread free an old plan, stop a port or reclaim FDB slots.
 */
#ifndef XD_WORKER_H
#define XD_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_config.h>
#include <rte_mbuf.h>

#include "xd_port.h"

struct xd_fdb;

/* One Rx queue a worker polls. */
struct xd_rxq_ref {
	uint16_t port;
	uint16_t qid;
};

/* A worker's share of the plan (immutable once published). */
struct xd_wplan {
	uint16_t n;
	struct xd_rxq_ref q[];
};

/* Frames waiting for one destination port. */
struct xd_txbuf {
	uint16_t n;
	struct rte_mbuf *pkts[XD_BURST];
};

struct xd_worker_stats {
	uint64_t busy_cycles;  /* polling rounds that moved frames */
	uint64_t idle_cycles;  /* polling rounds that found nothing */
	uint64_t sleep_cycles; /* asleep in epoll */
	uint64_t rounds;
	uint64_t sleeps;
	uint64_t wakeups_event; /* woken by a queue event */
	uint64_t flood;        /* frames flooded */
	uint64_t copy_fail;    /* flood copies that found no mbuf */
	uint64_t offload_drop; /* TSO frames no segmentation could save */
	uint64_t gso;          /* TSO frames segmented for their port */
	uint64_t gso_segs;     /* frames those gave */
	uint64_t no_dest;      /* unicast to the port it came from */
	uint64_t tx_pkts[RTE_MAX_ETHPORTS];
	uint64_t tx_drop[RTE_MAX_ETHPORTS]; /* refused by the port */
};

struct xd_worker {
	unsigned int lcore_id;
	unsigned int idx;        /* 0..nb_workers-1: selects Tx queues */
	int socket;
	int wake_fd;             /* eventfd: plan changed / stop */
	int epfd;                /* queue interrupt fds + wake_fd */
	struct rte_mempool *pool; /* flood copies, segments: own socket */
	struct xd_fdb *fdb;
	/* Control -> worker (atomic). */
	struct xd_wplan *plan;
	bool stop;
	/* Worker -> control (atomic). */
	uint64_t ack_gen;
	/* Worker private. */
	struct xd_wplan *applied; /* plan whose fds are in epfd */
	uint64_t now;            /* TSC at the start of the round */
	uint64_t tx_dirty;       /* ports with frames in tx[] */
	struct xd_worker_stats st;
	struct xd_txbuf tx[RTE_MAX_ETHPORTS];
} __rte_cache_aligned;

/* Adaptive polling parameters (atomic; changed on SIGHUP). */
struct xd_poll_conf {
	bool adaptive;
	uint32_t idle_us;
	uint32_t sleep_max_ms;
};

extern struct xd_poll_conf xd_poll;
extern unsigned int xd_nb_workers;
extern struct xd_worker *xd_workers[RTE_MAX_LCORE];

/*
 * Control thread: one worker per EAL worker lcore, with the pool of its
 * socket (xd_pool_get) for flood copies and segments. 0 or -errno
 * (-ENODEV without worker lcores).
 */
int xd_workers_init(struct xd_fdb *fdb);
/* Launch on the worker lcores. */
int xd_workers_start(void);
/* Stop and join the workers, release what init took. */
void xd_workers_fini(void);

/* Control thread: install plan for worker w (old one returned, to be
 * freed after xd_workers_sync()). */
struct xd_wplan *xd_worker_set_plan(struct xd_worker *w,
				    struct xd_wplan *plan);
/* Free a plan taken back from a worker (NULL and the initial empty plan
 * are ignored). */
void xd_wplan_free(struct xd_wplan *plan);
/* Control thread: wait until every worker passed its quiescent point.
 * 0, or -ETIMEDOUT after logging (a worker is stuck). */
int xd_workers_sync(void);

/* The worker's lcore function. */
int xd_worker_main(void *arg);

#endif /* XD_WORKER_H */
