/* SPDX-License-Identifier: BSD-3-Clause */
/* Worker lcores: polling, adaptive sleeping, plan hand-over. */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "xd_log.h"
#include "xd_pool.h"
#include "xd_switch.h"
#include "xd_worker.h"

/* epoll tag of the wake eventfd (queue fds carry port << 16 | qid). */
#define XD_WAKE_TAG UINT64_MAX
#define XD_SYNC_TIMEOUT_MS 5000

struct xd_poll_conf xd_poll = {
	.adaptive = true,
	.idle_us = 1000,
	.sleep_max_ms = 10,
};
unsigned int xd_nb_workers;
struct xd_worker *xd_workers[RTE_MAX_LCORE];

/* Bumped by xd_workers_sync(); each worker acknowledges it. */
static uint64_t xd_gen;
static bool xd_running;

static const struct xd_wplan xd_empty_plan = { .n = 0 };

static void
kick(struct xd_worker *w)
{
	uint64_t one = 1;

	if (write(w->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		XD_LOG_RL(ERR, "waking lcore %u: %s", w->lcore_id,
			  strerror(errno));
}

static void
drain(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		XD_LOG_RL(ERR, "reading wake fd: %s", strerror(errno));
}

static bool
plan_has(const struct xd_wplan *p, struct xd_rxq_ref r)
{
	uint16_t i;

	for (i = 0; i < p->n; i++)
		if (p->q[i].port == r.port && p->q[i].qid == r.qid)
			return true;
	return false;
}

static void
epoll_queue(struct xd_worker *w, struct xd_rxq_ref r, int op)
{
	struct epoll_event ev = {
		.events = EPOLLIN,
		.data.u64 = (uint64_t)r.port << 16 | r.qid,
	};
	int fd;

	if (!xd_ports[r.port].rx_intr)
		return;
	fd = rte_eth_dev_rx_intr_ctl_q_get_fd(r.port, r.qid);
	if (fd < 0 || epoll_ctl(w->epfd, op, fd, &ev) < 0)
		XD_LOG_RL(ERR, "lcore %u: %s port %u queue %u in epoll: %s",
			  w->lcore_id, op == EPOLL_CTL_ADD ? "adding" :
			  "removing", r.port, r.qid,
			  fd < 0 ? "no fd" : strerror(errno));
}

/* The quiescent point: take a new plan, then acknowledge. */
static void
quiescent(struct xd_worker *w)
{
	uint64_t g = __atomic_load_n(&xd_gen, __ATOMIC_ACQUIRE);
	struct xd_wplan *plan;
	uint16_t i;

	if (g == w->ack_gen)
		return;
	plan = __atomic_load_n(&w->plan, __ATOMIC_ACQUIRE);
	if (plan != w->applied) {
		for (i = 0; i < w->applied->n; i++)
			if (!plan_has(plan, w->applied->q[i]))
				epoll_queue(w, w->applied->q[i], EPOLL_CTL_DEL);
		for (i = 0; i < plan->n; i++)
			if (!plan_has(w->applied, plan->q[i]))
				epoll_queue(w, plan->q[i], EPOLL_CTL_ADD);
		w->applied = plan;
	}
	__atomic_store_n(&w->ack_gen, g, __ATOMIC_RELEASE);
}

/* Arm every queue, sleep until an event, the wake fd or the timeout.
 * True when a queue event woke us. */
static bool
worker_sleep(struct xd_worker *w, const struct xd_wplan *plan, uint64_t wait)
{
	uint64_t hz = rte_get_tsc_hz(), t0, t1;
	struct epoll_event evs[16];
	bool all_intr = true, event = false;
	int timeout = -1, n, i;
	uint16_t k;

	for (k = 0; k < plan->n; k++) {
		const struct xd_rxq_ref *r = &plan->q[k];

		if (!xd_ports[r->port].rx_intr ||
		    rte_eth_dev_rx_intr_enable(r->port, r->qid) < 0)
			all_intr = false;
	}
	if (!all_intr)
		timeout = (int)__atomic_load_n(&xd_poll.sleep_max_ms,
					       __ATOMIC_RELAXED);
	if (wait != UINT64_MAX) {
		int ms = (int)RTE_MIN(wait * 1000 / hz + 1, (uint64_t)1000);

		timeout = timeout < 0 ? ms : RTE_MIN(timeout, ms);
	}
	t0 = rte_rdtsc();
	n = epoll_wait(w->epfd, evs, RTE_DIM(evs), timeout);
	t1 = rte_rdtsc();
	for (k = 0; k < plan->n; k++)
		if (xd_ports[plan->q[k].port].rx_intr)
			rte_eth_dev_rx_intr_disable(plan->q[k].port,
						    plan->q[k].qid);
	for (i = 0; i < n; i++) {
		if (evs[i].data.u64 == XD_WAKE_TAG)
			drain(w->wake_fd);
		else
			event = true;
	}
	w->st.sleep_cycles += t1 - t0;
	w->st.sleeps++;
	if (event)
		w->st.wakeups_event++;
	return event;
}

int
xd_worker_main(void *arg)
{
	struct xd_worker *w = arg;
	uint64_t hz = rte_get_tsc_hz(), last_busy, t0, t1, wait, mask;
	const struct xd_wplan *plan;
	uint32_t got;
	uint16_t i;

	last_busy = rte_rdtsc();
	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
		quiescent(w);
		plan = w->applied;
		mask = __atomic_load_n(&xd_active_ports, __ATOMIC_ACQUIRE);
		t0 = rte_rdtsc();
		w->now = t0;
		wait = UINT64_MAX;
		got = 0;
		for (i = 0; i < plan->n; i++)
			got += xd_switch_poll(w, mask, plan->q[i].port,
					      plan->q[i].qid, &wait);
		xd_switch_flush(w);
		t1 = rte_rdtsc();
		w->st.rounds++;
		if (got != 0) {
			w->st.busy_cycles += t1 - t0;
			last_busy = t1;
			continue;
		}
		w->st.idle_cycles += t1 - t0;
		if (!__atomic_load_n(&xd_poll.adaptive, __ATOMIC_RELAXED) ||
		    t1 - last_busy < __atomic_load_n(&xd_poll.idle_us,
						     __ATOMIC_RELAXED) *
				     hz / 1000000) {
			rte_pause();
			continue;
		}
		/* After a timeout, sleep again at the next empty round;
		 * after an event, poll for a spell first. */
		if (worker_sleep(w, plan, wait))
			last_busy = rte_rdtsc();
	}
	xd_switch_flush(w);
	return 0;
}

struct xd_wplan *
xd_worker_set_plan(struct xd_worker *w, struct xd_wplan *plan)
{
	return __atomic_exchange_n(&w->plan, plan, __ATOMIC_ACQ_REL);
}

int
xd_workers_sync(void)
{
	uint64_t g = __atomic_add_fetch(&xd_gen, 1, __ATOMIC_SEQ_CST);
	uint64_t deadline;
	unsigned int i;

	if (!xd_running)
		return 0;
	for (i = 0; i < xd_nb_workers; i++)
		kick(xd_workers[i]);
	deadline = rte_get_timer_cycles() +
		   rte_get_timer_hz() * XD_SYNC_TIMEOUT_MS / 1000;
	for (i = 0; i < xd_nb_workers; i++) {
		while (__atomic_load_n(&xd_workers[i]->ack_gen,
				       __ATOMIC_ACQUIRE) < g) {
			if (rte_get_timer_cycles() > deadline) {
				XD_LOG(ERR, "lcore %u did not reach a quiescent "
				       "point in %d ms",
				       xd_workers[i]->lcore_id,
				       XD_SYNC_TIMEOUT_MS);
				return -ETIMEDOUT;
			}
			rte_delay_us_sleep(20);
		}
	}
	return 0;
}

void
xd_wplan_free(struct xd_wplan *plan)
{
	if (plan != &xd_empty_plan)
		rte_free(plan);
}

static void
worker_free(struct xd_worker *w)
{
	xd_wplan_free(w->plan);
	if (w->epfd >= 0)
		close(w->epfd);
	if (w->wake_fd >= 0)
		close(w->wake_fd);
	rte_free(w);
}

static struct xd_worker *
worker_new(unsigned int lcore, unsigned int idx, struct xd_fdb *fdb)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = XD_WAKE_TAG };
	int socket = (int)rte_lcore_to_socket_id(lcore);
	struct xd_worker *w;

	w = rte_zmalloc_socket("xd_worker", sizeof(*w), RTE_CACHE_LINE_SIZE,
			       socket);
	if (w == NULL)
		return NULL;
	w->lcore_id = lcore;
	w->idx = idx;
	w->socket = socket;
	w->pool = xd_pool_get(socket);
	if (w->pool == NULL) {
		rte_free(w);
		return NULL;
	}
	w->fdb = fdb;
	w->plan = (struct xd_wplan *)(uintptr_t)&xd_empty_plan;
	w->applied = w->plan;
	w->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->wake_fd < 0 || w->epfd < 0 ||
	    epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->wake_fd, &ev) < 0) {
		XD_LOG(ERR, "lcore %u: cannot set up its fds: %s", lcore,
		       strerror(errno));
		worker_free(w);
		return NULL;
	}
	return w;
}

int
xd_workers_init(struct xd_fdb *fdb)
{
	unsigned int lcore;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct xd_worker *w = worker_new(lcore, xd_nb_workers, fdb);

		if (w == NULL) {
			xd_workers_fini();
			return -ENOMEM;
		}
		xd_workers[xd_nb_workers++] = w;
	}
	if (xd_nb_workers == 0) {
		XD_LOG(ERR, "no worker lcore: give the EAL at least two "
		       "(e.g. -l 0-1; the first one runs the control thread)");
		return -ENODEV;
	}
	return 0;
}

int
xd_workers_start(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < xd_nb_workers; i++) {
		ret = rte_eal_remote_launch(xd_worker_main, xd_workers[i],
					    xd_workers[i]->lcore_id);
		if (ret < 0)
			return ret;
	}
	xd_running = true;
	return 0;
}

void
xd_workers_fini(void)
{
	unsigned int i;

	for (i = 0; i < xd_nb_workers; i++) {
		__atomic_store_n(&xd_workers[i]->stop, true, __ATOMIC_RELEASE);
		kick(xd_workers[i]);
	}
	if (xd_running)
		for (i = 0; i < xd_nb_workers; i++)
			rte_eal_wait_lcore(xd_workers[i]->lcore_id);
	xd_running = false;
	for (i = 0; i < xd_nb_workers; i++) {
		worker_free(xd_workers[i]);
		xd_workers[i] = NULL;
	}
	xd_nb_workers = 0;
}
