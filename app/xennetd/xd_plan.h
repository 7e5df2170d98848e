/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lcore plan: which worker polls which Rx queue. New queues go to the
 * least loaded worker (on the queue's NUMA socket when there is one);
 * after a detach the load is evened out by moving as few queues as needed.
 * A moved queue is first taken from its old worker (published and synced)
 * and only then given to the new one, so no queue is ever polled by two
 * lcores. Control thread only.
 */
#ifndef XD_PLAN_H
#define XD_PLAN_H

#include <stdint.h>

#include "xd_port.h"

#define XD_PLAN_MAX_QUEUES (RTE_MAX_ETHPORTS * XD_MAX_QUEUES)

struct xd_plan_q {
	uint16_t port;
	uint16_t qid;
	int socket;   /* the queue's home: its mbufs' socket, -1: any */
	int worker;   /* index into the workers, -1: unassigned */
	int prev;     /* worker at the last publication, -1: none */
};

/*
 * Pure: assign every queue with worker < 0 and even out the load of nw
 * workers (wsock[i]: socket of worker i). Returns how many assigned
 * queues changed worker.
 */
unsigned int xd_plan_assign(struct xd_plan_q *q, unsigned int nq,
			    const int *wsock, unsigned int nw);

/*
 * Pure: the sockets of the workers that n new queues of a device on socket
 * (-1: any) would go to, given the plan q[0..nq) and nw workers on sockets
 * wsock, into home[0..n): where those queues should take their mbufs
 * from. home[i] is socket when there is no worker. 0 or -ENOMEM.
 */
int xd_plan_homes(const struct xd_plan_q *q, unsigned int nq,
		  const int *wsock, unsigned int nw, int socket, uint16_t n,
		  int *home);
/* xd_plan_homes() for the current plan and workers. */
int xd_plan_port_homes(int socket, uint16_t n, int *home);

/* Add the Rx queues of port (xd_ports[port].nb_rxq, each on the home
 * socket xd_ports[port].rxq[q].socket) / remove them, then publish to the
 * workers. 0 or -errno. */
int xd_plan_add_port(uint16_t port);
int xd_plan_remove_port(uint16_t port);

/* The current plan (for the control socket): up to max entries into out,
 * returns the total. */
unsigned int xd_plan_get(struct xd_plan_q *out, unsigned int max);

/* Forget everything (at shutdown, after the workers stopped). */
void xd_plan_reset(void);

#endif /* XD_PLAN_H */
