/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xnb-simhv: the simulated hypervisor daemon. One single-threaded epoll loop
 * serves the grant/event-channel broker (DIR/hv.sock) and the xenstore
 * server (DIR/xenstored.sock, DIR/xs-domN.sock). When the sockets exist it
 * writes DIR/ready (its pid) and, with --ready-fd, "ready\n" to that fd.
 * SIGTERM/SIGINT: clean exit, sockets and DIR/ready removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xnb_sim_broker.h"
#include "xnb_xs_server.h"

#define READY_FILE "ready"

struct simhv {
	const char *dir;
	char ready_path[PATH_MAX];
	int ready_fd;
	int epfd;
	int sigfd;
	struct xnb_sim_broker *broker;
	struct xnb_xs_server *xs;
};

/* Tags for the loop's epoll entries. */
enum { EV_SIGNAL, EV_BROKER, EV_XS };

static void
usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s --dir DIR [--ready-fd FD]\n"
		"  --dir DIR      simulator directory (sockets, ready file)\n"
		"  --ready-fd FD  write \"ready\\n\" to FD and close it once\n"
		"                 serving\n", prog);
}

static int
parse_args(struct simhv *s, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "ready-fd", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	long fd;
	int c;

	s->ready_fd = -1;
	while ((c = getopt_long(argc, argv, "d:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			s->dir = optarg;
			break;
		case 'r':
			errno = 0;
			fd = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || fd < 0 ||
			    fd > INT_MAX) {
				fprintf(stderr, "bad --ready-fd '%s'\n", optarg);
				return -EINVAL;
			}
			s->ready_fd = (int)fd;
			break;
		default:
			usage(argv[0]);
			return -EINVAL;
		}
	}
	if (s->dir == NULL || optind != argc) {
		usage(argv[0]);
		return -EINVAL;
	}
	return 0;
}

static void
domain_died(void *arg, uint16_t domid)
{
	struct simhv *s = arg;

	fprintf(stderr, "xnb-simhv: domain %u died\n", domid);
	xnb_xs_server_domain_died(s->xs, domid);
}

/* The broker registers a guest only once the toolstack made the domain. */
static bool
domain_known(void *arg, uint16_t domid)
{
	struct simhv *s = arg;

	return xnb_xs_server_domain_introduced(s->xs, domid);
}

/* Every event channel costs the broker two sockets: allow as many fds as
 * the hard limit does. */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int
watch(struct simhv *s, int fd, uint32_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = tag };

	return epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static int
signals_block(struct simhv *s)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	/* Replies to clients that vanished must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	s->sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	return s->sigfd < 0 ? -errno : 0;
}

static int
announce_ready(struct simhv *s)
{
	static const char msg[] = "ready\n";
	char pid[32];
	int fd, len;

	len = snprintf(s->ready_path, sizeof(s->ready_path), "%s/%s", s->dir,
		       READY_FILE);
	if (len < 0 || (size_t)len >= sizeof(s->ready_path))
		return -ENAMETOOLONG;
	len = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	fd = open(s->ready_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return -errno;
	if (write(fd, pid, (size_t)len) != len) {
		close(fd);
		return -EIO;
	}
	close(fd);
	if (s->ready_fd >= 0) {
		if (write(s->ready_fd, msg, sizeof(msg) - 1) < 0)
			fprintf(stderr, "xnb-simhv: --ready-fd: %s\n",
				strerror(errno));
		close(s->ready_fd);
		s->ready_fd = -1;
	}
	return 0;
}

static int
serve(struct simhv *s)
{
	struct epoll_event evs[4];
	int i, n, ret;

	for (;;) {
		n = epoll_wait(s->epfd, evs, 4, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (i = 0; i < n; i++) {
			switch (evs[i].data.u32) {
			case EV_SIGNAL:
				return 0;
			case EV_BROKER:
				ret = xnb_sim_broker_run_once(s->broker, 0);
				break;
			default:
				ret = xnb_xs_server_run_once(s->xs, 0);
				break;
			}
			if (ret < 0)
				return ret;
		}
	}
}

int
main(int argc, char **argv)
{
	struct simhv s = { .epfd = -1, .sigfd = -1 };
	int ret;

	if (parse_args(&s, argc, argv) < 0)
		return 2;
	raise_fd_limit();
	ret = signals_block(&s);
	if (ret < 0)
		goto fail;
	if (mkdir(s.dir, 0755) < 0 && errno != EEXIST) {
		ret = -errno;
		goto close_sigfd;
	}
	s.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s.epfd < 0) {
		ret = -errno;
		goto close_sigfd;
	}
	s.xs = xnb_xs_server_create(s.dir);
	if (s.xs == NULL) {
		ret = -errno;
		fprintf(stderr, "xnb-simhv: xenstore server in %s: %s\n",
			s.dir, strerror(errno));
		goto close_epoll;
	}
	s.broker = xnb_sim_broker_create(s.dir, domain_died, domain_known,
					 &s);
	if (s.broker == NULL) {
		ret = -errno;
		fprintf(stderr, "xnb-simhv: broker in %s: %s\n", s.dir,
			strerror(errno));
		goto destroy_xs;
	}
	ret = watch(&s, s.sigfd, EV_SIGNAL);
	if (ret == 0)
		ret = watch(&s, xnb_sim_broker_fd(s.broker), EV_BROKER);
	if (ret == 0)
		ret = watch(&s, xnb_xs_server_fd(s.xs), EV_XS);
	if (ret == 0)
		ret = announce_ready(&s);
	if (ret == 0)
		ret = serve(&s);
	if (s.ready_path[0] != '\0')
		unlink(s.ready_path);
	xnb_sim_broker_destroy(s.broker);
destroy_xs:
	xnb_xs_server_destroy(s.xs);
close_epoll:
	close(s.epfd);
close_sigfd:
	close(s.sigfd);
fail:
	if (ret < 0) {
		fprintf(stderr, "xnb-simhv: %s\n", strerror(-ret));
		return 1;
	}
	return 0;
}
