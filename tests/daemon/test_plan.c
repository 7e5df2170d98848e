/* SPDX-License-Identifier: BSD-3-Clause */
/* Spreading queues over worker lcores. */
#include <string.h>

#include "td_check.h"
#include "xd_plan.h"

static void
loads(const struct xd_plan_q *q, unsigned int nq, unsigned int *load,
      unsigned int nw)
{
	unsigned int i;

	memset(load, 0, nw * sizeof(*load));
	for (i = 0; i < nq; i++)
		load[q[i].worker]++;
}

static struct xd_plan_q
newq(uint16_t port, uint16_t qid, int socket)
{
	struct xd_plan_q q = {
		.port = port, .qid = qid, .socket = socket, .worker = -1,
		.prev = -1,
	};

	return q;
}

static void
publish(struct xd_plan_q *q, unsigned int nq)
{
	unsigned int i;

	for (i = 0; i < nq; i++)
		q[i].prev = q[i].worker;
}

static void
test_spread(void)
{
	struct xd_plan_q q[16];
	int wsock[3] = { 0, 0, 0 };
	unsigned int load[3], i;

	for (i = 0; i < 7; i++)
		q[i] = newq((uint16_t)i, 0, -1);
	TD_EQ(xd_plan_assign(q, 7, wsock, 3), 0);
	loads(q, 7, load, 3);
	TD_EQ(load[0], 3);
	TD_EQ(load[1], 2);
	TD_EQ(load[2], 2);
	publish(q, 7);
	/* A new port's queues go to the least loaded workers; nothing
	 * already placed moves. */
	q[7] = newq(9, 0, -1);
	q[8] = newq(9, 1, -1);
	TD_EQ(xd_plan_assign(q, 9, wsock, 3), 0);
	loads(q, 9, load, 3);
	TD_EQ(load[0], 3);
	TD_EQ(load[1], 3);
	TD_EQ(load[2], 3);
	publish(q, 9);
	/* Remove every queue of worker 0: the others give up queues until
	 * the loads differ by at most one, and say how many moved. */
	{
		struct xd_plan_q r[16];
		unsigned int n = 0;

		for (i = 0; i < 9; i++)
			if (q[i].worker != 0)
				r[n++] = q[i];
		TD_EQ(n, 6);
		TD_EQ(xd_plan_assign(r, n, wsock, 3), 2);
		loads(r, n, load, 3);
		TD_EQ(load[0], 2);
		TD_EQ(load[1], 2);
		TD_EQ(load[2], 2);
	}
}

static void
test_numa(void)
{
	struct xd_plan_q q[8];
	int wsock[2] = { 0, 1 };
	unsigned int i;

	/* Queues of a socket-1 device stay on socket 1 while it is not
	 * more than one queue busier than socket 0... */
	q[0] = newq(0, 0, 1);
	q[1] = newq(0, 1, 1);
	q[2] = newq(1, 0, 0);
	TD_EQ(xd_plan_assign(q, 3, wsock, 2), 0);
	TD_EQ(q[0].worker, 1);
	TD_EQ(q[2].worker, 0);
	/* ...and balance wins beyond that. */
	for (i = 0; i < 4; i++)
		q[i] = newq(0, (uint16_t)i, 1);
	xd_plan_assign(q, 4, wsock, 2);
	{
		unsigned int load[2];

		loads(q, 4, load, 2);
		TD_EQ(load[0], 2);
		TD_EQ(load[1], 2);
	}
}

static void
test_edges(void)
{
	struct xd_plan_q q[2];
	int wsock[1] = { 0 };

	q[0] = newq(0, 0, -1);
	TD_EQ(xd_plan_assign(q, 1, wsock, 0), 0);
	TD_EQ(q[0].worker, -1);
	TD_EQ(xd_plan_assign(q, 0, wsock, 1), 0);
	/* A worker index beyond the workers (fewer lcores now) is
	 * reassigned. */
	q[0].worker = 5;
	q[1] = newq(0, 1, -1);
	xd_plan_assign(q, 2, wsock, 1);
	TD_EQ(q[0].worker, 0);
	TD_EQ(q[1].worker, 0);
}

/* Where a new port's Rx queues take their mbufs: the socket of the worker
 * each will go to, on a fake two-socket topology. */
static void
test_homes(void)
{
	int wsock[3] = { 0, 1, 1 };
	struct xd_plan_q q[4];
	int home[4];

	/* No plan yet, a vdev (no socket): one queue per worker. */
	TD_EQ(xd_plan_homes(q, 0, wsock, 3, -1, 3, home), 0);
	TD_EQ(home[0], 0);
	TD_EQ(home[1], 1);
	TD_EQ(home[2], 1);
	/* A device on socket 1: its queues go to socket 1's workers while
	 * the load allows. */
	q[0] = newq(0, 0, 0);
	q[0].worker = 0;
	publish(q, 1);
	TD_EQ(xd_plan_homes(q, 1, wsock, 3, 1, 2, home), 0);
	TD_EQ(home[0], 1);
	TD_EQ(home[1], 1);
	/* With socket 1's workers busier, the even-out (load first) puts
	 * one on socket 0: its mbufs come from there. */
	q[0] = newq(0, 0, 1);
	q[0].worker = 1;
	q[1] = newq(1, 0, 1);
	q[1].worker = 2;
	publish(q, 2);
	TD_EQ(xd_plan_homes(q, 2, wsock, 3, 1, 2, home), 0);
	TD_EQ(home[0], 0);
	TD_EQ(home[1], 1);
	/* Four queues of a device on socket 0: two stay, the even-out
	 * sends two to socket 1, so their mbufs come from there. */
	TD_EQ(xd_plan_homes(q, 0, wsock, 3, 0, 4, home), 0);
	TD_EQ(home[0], 0);
	TD_EQ(home[1], 0);
	TD_EQ(home[2], 1);
	TD_EQ(home[3], 1);
	/* The preview leaves the plan as it was. */
	TD_EQ(q[0].worker, 1);
	TD_EQ(q[1].worker, 2);
	/* No worker: the device's own socket. */
	TD_EQ(xd_plan_homes(q, 2, wsock, 0, 1, 2, home), 0);
	TD_EQ(home[0], 1);
	TD_EQ(home[1], 1);
}

int
main(void)
{
	test_spread();
	test_numa();
	test_edges();
	test_homes();
	TD_DONE();
}
