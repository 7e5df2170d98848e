/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xnb-testback main loop: one thread for xenstore and datapath; polls the
 * rings while packets move, blocks on the xenstore, event-channel and
 * signal fds when nothing does. SIGUSR1 prints the counters as a JSON line
 * on stdout; SIGTERM/SIGINT close every vif, print them and exit.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "tb.h"

/* Busy passes between looks at xenstore and signals. */
#define TB_BUSY_CHECK 64

static void
usage(const char *prog)
{
	printf("Usage: %s [--dir DIR] [--max-queues N]\n"
	       "Minimal netif backend for the sim tests (simulated "
	       "hypervisor in DIR,\ndefault $XNB_SIM_DIR); forwards between "
	       "guests with grant copies.\n"
	       "  --max-queues N   multi-queue-max-queues to offer (1..%u, "
	       "default 4)\n", prog, TB_MAX_QUEUES);
}

static int
parse_args(int argc, char **argv, const char **dir, unsigned int *maxq)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "max-queues", required_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	long v;
	int c;

	*dir = getenv("XNB_SIM_DIR");
	*maxq = 4;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			*dir = optarg;
			break;
		case 'q':
			v = strtol(optarg, &end, 10);
			if (*end != '\0' || v < 1 || v > TB_MAX_QUEUES) {
				fprintf(stderr, "testback: bad --max-queues\n");
				return -EINVAL;
			}
			*maxq = (unsigned int)v;
			break;
		case 'h':
			usage(argv[0]);
			return 1;
		default:
			return -EINVAL;
		}
	}
	if (optind < argc || *dir == NULL) {
		usage(argv[0]);
		return -EINVAL;
	}
	return 0;
}

static void
print_stats(const struct tb *tb)
{
	const struct tb_stats *s = &tb->st;
	unsigned int i, vifs = 0;

	for (i = 0; i < TB_MAX_VIFS; i++)
		vifs += tb->vifs[i] != NULL;
	printf("{\"vifs\":%u,\"mapped\":%u,\"bound\":%u,\"vifs_seen\":%" PRIu64
	       ",\"connects\":%" PRIu64 ",\"disconnects\":%" PRIu64
	       ",\"fwd_pkts\":%" PRIu64 ",\"fwd_bytes\":%" PRIu64
	       ",\"tx_errors\":%" PRIu64 ",\"rx_errors\":%" PRIu64
	       ",\"drops\":%" PRIu64 ",\"fatal\":%" PRIu64 ",\"dead\":%" PRIu64
	       "}\n", vifs, tb->mapped, tb->bound, s->vifs_seen, s->connects,
	       s->disconnects, s->fwd_pkts, s->fwd_bytes, s->tx_errors,
	       s->rx_errors, s->drops, s->fatal, s->dead);
	fflush(stdout);
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
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* Unmask every port that fired; returns how many did. */
static unsigned int
drain_evtchn(struct tb *tb)
{
	const struct xnb_hv_ops *ops = tb->hv->ops;
	unsigned int n = 0;
	int port;

	while ((port = ops->evtchn_pending(tb->ec)) >= 0) {
		ops->evtchn_unmask(tb->ec, (xnb_evtchn_port_t)port);
		n++;
	}
	return n;
}

/* Watch events: reconcile vifs; @releaseDomain also probes frontends. */
static void
xs_events(struct tb *tb)
{
	const struct xnb_hv_ops *ops = tb->hv->ops;
	bool released = false, any = false;
	unsigned int num;
	char **ev;

	while ((ev = ops->xs_read_watch(tb->hv, &num)) != NULL) {
		if (num >= 2 && strcmp(ev[1], "rel") == 0)
			released = true;
		any = true;
		free(ev);
	}
	if (any)
		tb_vif_reconcile(tb);
	if (released)
		tb_vif_check_dead(tb, true);
}

/* Returns false when a signal says stop. */
static bool
wait_events(struct tb *tb, int sfd, int timeout)
{
	struct pollfd pfd[3] = {
		{ .fd = sfd, .events = POLLIN },
		{ .fd = tb->hv->ops->xs_fd(tb->hv), .events = POLLIN },
		{ .fd = tb->hv->ops->evtchn_fd(tb->ec), .events = POLLIN },
	};
	struct signalfd_siginfo si;

	if (poll(pfd, 3, timeout) < 0 && errno != EINTR)
		return false;
	if (pfd[1].revents & POLLIN)
		xs_events(tb);
	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo != SIGUSR1)
			return false;
		print_stats(tb);
	}
	return true;
}

static void
run(struct tb *tb, int sfd)
{
	unsigned int busy = 0;
	bool work;
	int timeout;

	for (;;) {
		work = tb_fwd_poll(tb);
		tb_vif_check_dead(tb, false);
		if (work && ++busy % TB_BUSY_CHECK != 0)
			continue;
		timeout = work || drain_evtchn(tb) > 0 || tb_fwd_arm(tb) ? 0 :
									-1;
		if (!wait_events(tb, sfd, timeout))
			break;
	}
}

int
main(int argc, char **argv)
{
	static struct tb tb;
	const char *dir;
	int ret, sfd, status = 2;

	ret = parse_args(argc, argv, &dir, &tb.max_queues);
	if (ret != 0)
		return ret > 0 ? 0 : 2;
	sfd = signals_fd();
	if (sfd < 0)
		return 2;
	tb.hv = xnb_hv_open("sim", dir);
	if (tb.hv == NULL) {
		fprintf(stderr, "testback: opening the simulator in %s: %s\n",
			dir, strerror(errno));
		goto close_sfd;
	}
	tb.ec = tb.hv->ops->evtchn_open(tb.hv);
	if (tb.ec == NULL)
		goto close_hv;
	ret = tb_vif_init(&tb);
	if (ret < 0) {
		fprintf(stderr, "testback: watching xenstore: %s\n",
			strerror(-ret));
		goto close_ec;
	}
	tb_vif_reconcile(&tb);
	run(&tb, sfd);
	print_stats(&tb);
	tb_vif_shutdown(&tb);
	status = 0;
close_ec:
	free(tb.vifdir);
	tb.hv->ops->evtchn_close(tb.ec);
close_hv:
	xnb_hv_close(tb.hv);
close_sfd:
	close(sfd);
	return status;
}
