/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xnb-simfront main loop: one thread polls the rings while there is work
 * and blocks on the event-channel, xenstore and signal fds when there is
 * none (never spins idle).
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "xnb_simguest.h"

#include "simfront.h"

#define NS_PER_S 1000000000ull
/* Busy iterations between looks at xenstore and signals. */
#define FE_BUSY_CHECK 64
#define FE_RETRY_MS 10
/* Longest single sleep (a bound, not a timer). */
#define FE_MAX_WAIT_MS 60000

struct run {
	uint64_t start;
	uint64_t t0; /* traffic start: connected (and told, --wait-start) */
	uint64_t t_end; /* traffic phase over, draining */
	uint64_t next_stats;
	unsigned int rr; /* first queue to send on, rotates */
	const char *why; /* why the run ended early or failed */
	bool connected; /* at least once */
	bool go; /* SIGUSR1 came (--wait-start) */
	bool stop;
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static uint64_t
min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t
secs_ns(double s)
{
	return (uint64_t)(s * NS_PER_S);
}

static uint64_t
rx_good(const struct fe *fe)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < FE_MAX_QUEUES; i++)
		n += fe->q[i].st.rx_pkts;
	return n;
}

static unsigned int
tx_inflight(const struct fe *fe)
{
	unsigned int n = 0, i;

	for (i = 0; i < fe->nqueues; i++)
		n += fe->q[i].tx_inflight;
	return n;
}

/* Packets the rate allows now (FE_BURST when unpaced). */
static uint64_t
tx_budget(const struct fe *fe, const struct run *r, uint64_t now)
{
	uint64_t due;

	if (fe->opt.rate == 0)
		return FE_BURST;
	due = (uint64_t)((double)(now - r->t0) * fe->opt.rate / NS_PER_S);
	return due > fe->tx_good ? due - fe->tx_good : 0;
}

/* Every Tx response back and every frame expected in. */
static bool
drained(const struct fe *fe)
{
	return tx_inflight(fe) == 0 && rx_good(fe) >= fe->opt.expect_rx;
}

/* Failures no later frame can undo: no point draining any further. */
static bool
failed_for_good(const struct fe *fe)
{
	struct fe_qstats s;

	fe_stats_sum(fe, &s);
	return s.rx_bad + s.rx_dup + s.tx_errors + s.tx_bad_rsp +
	       s.hostile_accepted != 0;
}

static bool
traffic_over(const struct fe *fe, const struct run *r, uint64_t now)
{
	const struct fe_opts *o = &fe->opt;

	if (o->duration > 0 && now >= r->t0 + secs_ns(o->duration))
		return true;
	if (o->rx_only)
		return o->duration == 0 && o->expect_rx != 0;
	return o->count != 0 && fe->tx_good >= o->count;
}

/* One pass over all queues; true if anything moved. */
static bool
datapath(struct fe *fe, struct run *r, uint64_t now)
{
	uint64_t budget = 0;
	unsigned int i, n = fe->nqueues, per_q;
	bool work = false;
	int ret;

	if (!fe->opt.rx_only && r->t0 != 0 && r->t_end == 0)
		budget = tx_budget(fe, r, now);
	per_q = (unsigned int)((budget + n - 1) / n);
	for (i = 0; i < n; i++) {
		struct fe_queue *q = &fe->q[(r->rr + i) % n];

		work |= fe_rx_poll(q, FE_BURST) > 0;
		fe_rx_refill(q);
		work |= fe_tx_complete(q) > 0;
		if (budget > 0) {
			ret = fe_tx_send(q, per_q < budget ? per_q :
					 (unsigned int)budget);
			if (ret > 0) {
				work = true;
				budget -= (unsigned int)ret;
			}
		}
	}
	r->rr++;
	return work;
}

/* Unmask what fired, then arm the rings; true if work arrived meanwhile. */
static bool
arm(struct fe *fe)
{
	unsigned int i;
	int port, more;

	while ((port = xnb_simguest_evtchn_pending(fe->g)) >= 0)
		xnb_simguest_evtchn_unmask(fe->g, (uint32_t)port);
	if (!fe_xenbus_ready(fe))
		return false;
	for (i = 0; i < fe->nqueues; i++) {
		RING_FINAL_CHECK_FOR_RESPONSES(&fe->q[i].rx, more);
		if (more)
			return true;
		RING_FINAL_CHECK_FOR_RESPONSES(&fe->q[i].tx, more);
		if (more)
			return true;
	}
	return false;
}

/* Milliseconds until the next timed thing, -1 for none. */
static int
wait_ms(const struct fe *fe, const struct run *r, uint64_t now)
{
	uint64_t next = UINT64_MAX, pace;

	if (fe->retry)
		next = now + FE_RETRY_MS * 1000000ull;
	if (r->next_stats != 0)
		next = min_u64(next, r->next_stats);
	if (!r->connected)
		next = min_u64(next, r->start + secs_ns(fe->opt.timeout));
	else if (r->t0 != 0 && r->t_end == 0 && fe->opt.duration > 0)
		next = min_u64(next, r->t0 + secs_ns(fe->opt.duration));
	if (r->t_end != 0)
		next = min_u64(next, r->t_end + secs_ns(fe->opt.timeout));
	if (r->t0 != 0 && r->t_end == 0 && fe->opt.rate != 0 &&
	    !fe->opt.rx_only) {
		/* Due already: we are out of ring room, the evtchn wakes us. */
		pace = r->t0 + (fe->tx_good + 1) * NS_PER_S / fe->opt.rate;
		if (pace > now)
			next = min_u64(next, pace);
	}
	if (next == UINT64_MAX)
		return -1;
	if (next <= now)
		return 0;
	return (int)min_u64((next - now + 999999) / 1000000, FE_MAX_WAIT_MS);
}

/* Look at xenstore and signals, blocking up to timeout ms. */
static void
wait_events(struct fe *fe, struct run *r, int sfd, int timeout)
{
	struct pollfd pfd[3] = {
		{ .fd = sfd, .events = POLLIN },
		{ .fd = fe_xenbus_fd(fe), .events = POLLIN },
		{ .fd = xnb_simguest_evtchn_fd(fe->g), .events = POLLIN },
	};
	struct signalfd_siginfo si;

	if (poll(pfd, 3, timeout) < 0 && errno != EINTR) {
		r->why = "poll failed";
		r->stop = true;
		return;
	}
	while ((pfd[0].revents & POLLIN) &&
	       read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGUSR1) {
			r->go = true;
			continue;
		}
		if (si.ssi_signo == SIGHUP) {
			fe_xenbus_rebind(fe);
			continue;
		}
		fprintf(stderr, "simfront: signal %u, stopping\n",
			si.ssi_signo);
		r->why = "stopped by a signal";
		r->stop = true;
	}
	if ((pfd[1].revents & POLLIN) || fe->retry)
		fe_xenbus_poll(fe);
}

static void
run_loop(struct fe *fe, struct run *r, int sfd)
{
	const struct fe_opts *o = &fe->opt;
	unsigned int busy = 0;
	uint64_t now;
	bool work;

	while (!r->stop) {
		now = now_ns();
		if (fe->fail != NULL) {
			r->why = fe->fail;
			break;
		}
		if (fe_xenbus_ready(fe)) {
			r->connected = true;
			if (r->t0 == 0 && (r->go || !o->wait_start))
				r->t0 = now;
		}
		if (!r->connected && now >= r->start + secs_ns(o->timeout)) {
			r->why = "never connected";
			break;
		}
		work = fe_xenbus_ready(fe) && datapath(fe, r, now);
		if (r->t0 != 0 && r->t_end == 0 && traffic_over(fe, r, now))
			r->t_end = now;
		if (r->t_end != 0 && (drained(fe) || failed_for_good(fe)))
			break;
		if (r->t_end != 0 && now >= r->t_end + secs_ns(o->timeout)) {
			r->why = "timed out draining";
			break;
		}
		if (r->next_stats != 0 && now >= r->next_stats) {
			fe_stats_interval(fe, (double)(now - r->start) /
					  NS_PER_S);
			r->next_stats = now + secs_ns(o->stats_interval);
		}
		if (work && ++busy % FE_BUSY_CHECK != 0)
			continue;
		if (work || arm(fe))
			wait_events(fe, r, sfd, 0);
		else
			wait_events(fe, r, sfd, wait_ms(fe, r, now));
	}
}

static bool
verdict(const struct fe *fe, const struct run *r, const char **why)
{
	const struct fe_opts *o = &fe->opt;
	struct fe_qstats s;

	fe_stats_sum(fe, &s);
	if (!r->connected)
		*why = r->why != NULL ? r->why : "never connected";
	else if (fe->fail != NULL)
		*why = fe->fail;
	else if (s.rx_bad != 0 || s.rx_dup != 0)
		*why = "bad or duplicated frames received";
	else if (s.tx_errors != 0 || s.tx_bad_rsp != 0)
		*why = "Tx error responses";
	else if (s.hostile_accepted != 0)
		*why = "backend accepted malformed packets";
	else if (!o->allow_loss &&
		 (s.rx_lost != 0 || s.rx_reordered != 0 || s.tx_dropped != 0))
		*why = "frames lost or reordered";
	else if (rx_good(fe) < o->expect_rx)
		*why = r->why != NULL ? r->why : "fewer frames than expected";
	else
		return true;
	return false;
}

static int
setup_fe(struct fe *fe)
{
	unsigned int base = fe->opt.queues * FE_PAGES_PER_QUEUE, i;
	unsigned int pool = fe->opt.fast_tx ?
			    fe_fast_pool_pages(fe->opt.size) : 0;
	unsigned int npages = base + fe->opt.queues * pool;

	fe->max_zombies = npages;
	fe->zombies = calloc(npages, sizeof(*fe->zombies));
	if (fe->zombies == NULL)
		return -ENOMEM;
	fe_seq_init(&fe->seq);
	for (i = 0; i < FE_MAX_QUEUES; i++) {
		fe->q[i].fe = fe;
		fe->q[i].id = i;
		fe->q[i].pfn_base = i * FE_PAGES_PER_QUEUE;
		fe->q[i].pool_pfn = base + i * pool;
		if (i < fe->opt.queues && fe->opt.verify) {
			fe->q[i].rx_frame = malloc(FE_PKT_MAX_LEN + 1);
			if (fe->q[i].rx_frame == NULL)
				return -ENOMEM;
		}
	}
	/* Every page may be granted once, plus deferred ends (pool pages
	 * are granted once per connection). */
	fe->g = xnb_simguest_open(fe->opt.dir, fe->opt.domid, npages,
				  2 * base + 2 * fe->opt.queues * pool);
	if (fe->g == NULL) {
		fprintf(stderr, "simfront: registering domain %u with the "
			"simulator in %s: %s\n", fe->opt.domid, fe->opt.dir,
			strerror(errno));
		return -errno;
	}
	return 0;
}

static void
free_fe(struct fe *fe)
{
	unsigned int i;

	for (i = 0; i < FE_MAX_QUEUES; i++)
		free(fe->q[i].rx_frame);
	free(fe->zombies);
	if (fe->g != NULL)
		xnb_simguest_close(fe->g);
}

static int
signals_fd(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static int
pin_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0) {
		fprintf(stderr, "simfront: pinning to CPU %d: %s\n", cpu,
			strerror(errno));
		return -errno;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static struct fe fe;
	struct run r = { 0 };
	const char *why = NULL;
	int sfd, ret, status = 2;
	bool ok;

	ret = fe_opts_parse(argc, argv, &fe.opt);
	if (ret != 0)
		return ret > 0 ? 0 : 2;
	sfd = signals_fd();
	if (sfd < 0 || pin_cpu(fe.opt.cpu) < 0)
		return 2;
	if (setup_fe(&fe) < 0)
		goto free;
	if (fe_xenbus_open(&fe) < 0)
		goto free;

	r.start = now_ns();
	if (fe.opt.stats_interval > 0)
		r.next_stats = r.start + secs_ns(fe.opt.stats_interval);
	fe_xenbus_poll(&fe);
	run_loop(&fe, &r, sfd);

	fe_xenbus_shutdown(&fe);
	ok = verdict(&fe, &r, &why);
	fe_stats_json(&fe, r.t0 == 0 ? 0 :
		      (double)((r.t_end != 0 ? r.t_end : now_ns()) - r.t0) /
		      NS_PER_S, ok, why);
	status = ok ? 0 : 1;
	fe_xenbus_close(&fe);
free:
	free_fe(&fe);
	close(sfd);
	return status;
}
