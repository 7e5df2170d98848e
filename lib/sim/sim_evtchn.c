/* SPDX-License-Identifier: BSD-3-Clause */
/* One side's set of simulated event-channel ports (see xnb_sim_evtchn.h). */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xnb_sim_evtchn.h"
#include "xnb_sim_proto.h"

/* Datagrams consumed per delivery: a peer that floods us costs bounded work
 * per pending(); what is left re-raises the port after unmask. */
#define EVSET_DRAIN_MAX 64

struct xnb_sim_evset {
	int epfd;
	int socks[XNB_SIM_EVTCHN_PORTS]; /* -1: port not in this set */
};

struct xnb_sim_evset *
xnb_sim_evset_create(void)
{
	struct xnb_sim_evset *s;
	unsigned int i;

	s = malloc(sizeof(*s));
	if (s == NULL)
		return NULL;
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0) {
		free(s);
		return NULL;
	}
	for (i = 0; i < XNB_SIM_EVTCHN_PORTS; i++)
		s->socks[i] = -1;
	return s;
}

void
xnb_sim_evset_destroy(struct xnb_sim_evset *s)
{
	unsigned int i;

	if (s == NULL)
		return;
	for (i = 0; i < XNB_SIM_EVTCHN_PORTS; i++)
		if (s->socks[i] >= 0)
			close(s->socks[i]);
	close(s->epfd);
	free(s);
}

int
xnb_sim_evset_fd(const struct xnb_sim_evset *s)
{
	return s->epfd;
}

static int
arm(struct xnb_sim_evset *s, int op, uint32_t port)
{
	struct epoll_event ev = {
		.events = EPOLLIN | EPOLLONESHOT,
		.data.u32 = port,
	};

	return epoll_ctl(s->epfd, op, s->socks[port], &ev) < 0 ? -errno : 0;
}

int
xnb_sim_evset_add(struct xnb_sim_evset *s, uint32_t port, int sock)
{
	int ret;

	if (port >= XNB_SIM_EVTCHN_PORTS) {
		close(sock);
		return -EINVAL;
	}
	if (s->socks[port] >= 0) {
		close(sock);
		return -EEXIST;
	}
	s->socks[port] = sock;
	ret = arm(s, EPOLL_CTL_ADD, port);
	if (ret < 0) {
		s->socks[port] = -1;
		close(sock);
		return ret;
	}
	return 0;
}

int
xnb_sim_evset_remove(struct xnb_sim_evset *s, uint32_t port)
{
	int sock;

	if (port >= XNB_SIM_EVTCHN_PORTS)
		return -EINVAL;
	sock = s->socks[port];
	if (sock < 0)
		return -ENOTCONN;
	__atomic_store_n(&s->socks[port], -1, __ATOMIC_RELEASE);
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, sock, NULL);
	close(sock);
	return 0;
}

bool
xnb_sim_evset_has(const struct xnb_sim_evset *s, uint32_t port)
{
	return port < XNB_SIM_EVTCHN_PORTS && s->socks[port] >= 0;
}

int
xnb_sim_evset_notify(struct xnb_sim_evset *s, uint32_t port)
{
	static const char ev;
	int sock;

	if (port >= XNB_SIM_EVTCHN_PORTS)
		return -EINVAL;
	sock = __atomic_load_n(&s->socks[port], __ATOMIC_ACQUIRE);
	if (sock < 0)
		return -ENOTCONN;
	if (send(sock, &ev, sizeof(ev), MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		switch (errno) {
		case EAGAIN:		/* peer already has events queued */
		case ECONNREFUSED:	/* peer end closed: unbound, dropped */
		case ENOTCONN:
		case EPIPE:
		case ECONNRESET:
			return 0;
		default:
			return -errno;
		}
	}
	return 0;
}

int
xnb_sim_evset_pending(struct xnb_sim_evset *s)
{
	struct epoll_event ev;
	uint32_t port;
	char buf;
	int i, n;

	do {
		n = epoll_wait(s->epfd, &ev, 1, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EAGAIN;
	port = ev.data.u32;
	if (port >= XNB_SIM_EVTCHN_PORTS || s->socks[port] < 0)
		return -EAGAIN;
	/*
	 * Consume the events delivered now. Errors other than EAGAIN (a peer
	 * that reconnected its end can leave ECONNRESET on ours) are cleared
	 * by reading them, so they cannot keep the fd readable.
	 */
	for (i = 0; i < EVSET_DRAIN_MAX; i++)
		if (recv(s->socks[port], &buf, sizeof(buf), MSG_DONTWAIT) < 0 &&
		    errno == EAGAIN)
			break;
	return (int)port;
}

int
xnb_sim_evset_unmask(struct xnb_sim_evset *s, uint32_t port)
{
	if (port >= XNB_SIM_EVTCHN_PORTS)
		return -EINVAL;
	if (s->socks[port] < 0)
		return -ENOTCONN;
	return arm(s, EPOLL_CTL_MOD, port);
}
