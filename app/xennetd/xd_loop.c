/* SPDX-License-Identifier: BSD-3-Clause */
/* epoll event loop of the control thread. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <rte_common.h>

#include "xd_loop.h"

struct xd_loop_ent {
	int fd;
	bool dead;
	xd_loop_cb cb;
	void *arg;
	struct xd_loop_ent *next;
};

struct xd_loop {
	int epfd;
	struct xd_loop_ent *ents;
};

struct xd_loop *
xd_loop_new(void)
{
	struct xd_loop *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		free(l);
		return NULL;
	}
	return l;
}

static void
reap(struct xd_loop *l)
{
	struct xd_loop_ent **pp = &l->ents, *e;

	while ((e = *pp) != NULL) {
		if (e->dead) {
			*pp = e->next;
			free(e);
		} else {
			pp = &e->next;
		}
	}
}

void
xd_loop_free(struct xd_loop *l)
{
	struct xd_loop_ent *e;

	if (l == NULL)
		return;
	for (e = l->ents; e != NULL; e = e->next)
		e->dead = true;
	reap(l);
	close(l->epfd);
	free(l);
}

int
xd_loop_add(struct xd_loop *l, int fd, xd_loop_cb cb, void *arg)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct xd_loop_ent *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return -ENOMEM;
	e->fd = fd;
	e->cb = cb;
	e->arg = arg;
	ev.data.ptr = e;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		free(e);
		return -errno;
	}
	e->next = l->ents;
	l->ents = e;
	return 0;
}

int
xd_loop_set_events(struct xd_loop *l, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events };
	struct xd_loop_ent *e;

	for (e = l->ents; e != NULL; e = e->next) {
		if (e->fd == fd && !e->dead) {
			ev.data.ptr = e;
			return epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ?
				-errno : 0;
		}
	}
	return -ENOENT;
}

void
xd_loop_del(struct xd_loop *l, int fd)
{
	struct xd_loop_ent *e;

	for (e = l->ents; e != NULL; e = e->next) {
		if (e->fd == fd && !e->dead) {
			epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
			/* Freed after the dispatch round: an event for it
			 * may still be in hand. */
			e->dead = true;
			return;
		}
	}
}

int
xd_loop_run_once(struct xd_loop *l, int timeout_ms)
{
	struct epoll_event evs[32];
	int n, i;

	n = epoll_wait(l->epfd, evs, RTE_DIM(evs), timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n; i++) {
		struct xd_loop_ent *e = evs[i].data.ptr;

		if (!e->dead)
			e->cb(e->arg, evs[i].events);
	}
	reap(l);
	return 0;
}
