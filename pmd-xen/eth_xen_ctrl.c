/* SPDX-License-Identifier: BSD-3-Clause */
/* The net_xen control thread and the process-wide hypervisor connection. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_lcore.h>

#include "eth_xen_ctrl.h"
#include "eth_xen_log.h"

/* One generation of the control thread: from first get to last put. */
struct eth_xen_ctrl {
	struct xnb_hv *hv;
	char kind[8];
	char *arg;
	unsigned int refcnt;
	int epfd;
	int kick_fd; /* eventfd: kicks and the stop request */
	bool stop;
	/* The last put ran on the thread itself: it frees this on exit. */
	bool self_free;
	pthread_t tid;
	struct eth_xen_ctrl_client *clients;
	/* Client whose on_event runs right now (lock dropped). */
	struct eth_xen_ctrl_client *event_busy;
};

/* epoll tags of the thread's own fds (clients are tagged by pointer). */
static char eth_xen_tag_xs;
static char eth_xen_tag_kick;

static pthread_mutex_t eth_xen_ctrl_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t eth_xen_ctrl_event_done = PTHREAD_COND_INITIALIZER;
static struct eth_xen_ctrl *eth_xen_ctrl_cur;

void
eth_xen_ctrl_lock(void)
{
	pthread_mutex_lock(&eth_xen_ctrl_mutex);
}

void
eth_xen_ctrl_unlock(void)
{
	pthread_mutex_unlock(&eth_xen_ctrl_mutex);
}

static bool
eth_xen_ctrl_on_thread(const struct eth_xen_ctrl *ctrl)
{
	return pthread_equal(pthread_self(), ctrl->tid) != 0;
}

static int
eth_xen_ctrl_epoll_add(struct eth_xen_ctrl *ctrl, int fd, void *tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };

	if (epoll_ctl(ctrl->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	return 0;
}

int
eth_xen_ctrl_client_add(struct eth_xen_ctrl_client *c)
{
	struct eth_xen_ctrl *ctrl = eth_xen_ctrl_cur;
	int ret;

	if (c->fd >= 0) {
		ret = eth_xen_ctrl_epoll_add(ctrl, c->fd, c);
		if (ret < 0)
			return ret;
	}
	c->event_pending = false;
	c->next = ctrl->clients;
	ctrl->clients = c;
	return 0;
}

void
eth_xen_ctrl_client_del(struct eth_xen_ctrl_client *c)
{
	struct eth_xen_ctrl *ctrl = eth_xen_ctrl_cur;
	struct eth_xen_ctrl_client **pp;

	for (pp = &ctrl->clients; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	if (c->fd >= 0)
		epoll_ctl(ctrl->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	/* on_event of c may be running without the lock: wait for it,
	 * unless this is that handler closing its own port. */
	while (ctrl->event_busy == c && !eth_xen_ctrl_on_thread(ctrl))
		pthread_cond_wait(&eth_xen_ctrl_event_done, &eth_xen_ctrl_mutex);
	c->next = NULL;
}

void
eth_xen_ctrl_kick(void)
{
	uint64_t one = 1;

	/* A full counter (never in practice) still leaves the fd readable. */
	if (write(eth_xen_ctrl_cur->kick_fd, &one, sizeof(one)) < 0 &&
	    errno != EAGAIN)
		ETH_XEN_LOG_RL(ERR, "cannot kick control thread: %s",
			       strerror(errno));
}

static bool
eth_xen_ctrl_is_client(const struct eth_xen_ctrl *ctrl,
		       const struct eth_xen_ctrl_client *c)
{
	const struct eth_xen_ctrl_client *p;

	for (p = ctrl->clients; p != NULL; p = p->next)
		if (p == c)
			return true;
	return false;
}

/* Drain queued watch events; each goes to the client that claims it. */
static void
eth_xen_ctrl_watches(struct eth_xen_ctrl *ctrl)
{
	struct eth_xen_ctrl_client *c;
	unsigned int num;
	char **vec;

	for (;;) {
		vec = ctrl->hv->ops->xs_read_watch(ctrl->hv, &num);
		if (vec == NULL) {
			if (errno != EAGAIN)
				ETH_XEN_LOG_RL(ERR, "reading xenstore watch: %s",
					       strerror(errno));
			return;
		}
		for (c = ctrl->clients; num >= 2 && c != NULL; c = c->next)
			if (c->on_watch(c->arg, vec[0], vec[1]) != -ENOENT)
				break;
		free(vec);
	}
}

static void
eth_xen_ctrl_kicked(struct eth_xen_ctrl *ctrl)
{
	struct eth_xen_ctrl_client *c;
	uint64_t cnt;

	if (read(ctrl->kick_fd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		ETH_XEN_LOG_RL(ERR, "reading kick fd: %s", strerror(errno));
	for (c = ctrl->clients; c != NULL; c = c->next)
		c->on_kick(c->arg);
}

/* Run pending on_event handlers one at a time without the lock. The list
 * may change while unlocked, so rescan from the head each time. */
static void
eth_xen_ctrl_events(struct eth_xen_ctrl *ctrl)
{
	struct eth_xen_ctrl_client *c;

	for (;;) {
		for (c = ctrl->clients; c != NULL; c = c->next)
			if (c->event_pending)
				break;
		if (c == NULL)
			return;
		c->event_pending = false;
		ctrl->event_busy = c;
		eth_xen_ctrl_unlock();
		c->on_event(c->arg);
		eth_xen_ctrl_lock();
		ctrl->event_busy = NULL;
		pthread_cond_broadcast(&eth_xen_ctrl_event_done);
	}
}

static void eth_xen_ctrl_free(struct eth_xen_ctrl *ctrl);

static void *
eth_xen_ctrl_thread(void *arg)
{
	struct eth_xen_ctrl *ctrl = arg;
	struct epoll_event evs[16];
	bool stop = false;
	int i, n;

	while (!stop) {
		n = epoll_wait(ctrl->epfd, evs, RTE_DIM(evs), -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ETH_XEN_LOG(ERR, "control thread epoll: %s",
				    strerror(errno));
			break;
		}
		eth_xen_ctrl_lock();
		for (i = 0; i < n; i++) {
			void *tag = evs[i].data.ptr;

			if (tag == &eth_xen_tag_kick) {
				eth_xen_ctrl_kicked(ctrl);
			} else if (tag == &eth_xen_tag_xs) {
				if (evs[i].events & (EPOLLERR | EPOLLHUP)) {
					ETH_XEN_LOG(ERR, "xenstore connection "
						    "lost: ports no longer "
						    "follow their guests");
					epoll_ctl(ctrl->epfd, EPOLL_CTL_DEL,
						  ctrl->hv->ops->xs_fd(ctrl->hv),
						  NULL);
				}
				eth_xen_ctrl_watches(ctrl);
			} else if (eth_xen_ctrl_is_client(ctrl, tag)) {
				struct eth_xen_ctrl_client *c = tag;

				c->on_fd(c->arg);
			}
		}
		eth_xen_ctrl_events(ctrl);
		stop = ctrl->stop;
		eth_xen_ctrl_unlock();
	}
	if (ctrl->self_free)
		eth_xen_ctrl_free(ctrl);
	return NULL;
}

static void
eth_xen_ctrl_free(struct eth_xen_ctrl *ctrl)
{
	xnb_hv_close(ctrl->hv);
	close(ctrl->kick_fd);
	close(ctrl->epfd);
	free(ctrl->arg);
	free(ctrl);
}

static int
eth_xen_ctrl_start(const char *kind, const char *arg)
{
	struct eth_xen_ctrl *ctrl;
	int ret;

	ctrl = calloc(1, sizeof(*ctrl));
	if (ctrl == NULL)
		return -ENOMEM;
	snprintf(ctrl->kind, sizeof(ctrl->kind), "%s", kind);
	ctrl->arg = strdup(arg != NULL ? arg : "");
	if (ctrl->arg == NULL) {
		ret = -ENOMEM;
		goto free_ctrl;
	}
	ctrl->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ctrl->epfd < 0) {
		ret = -errno;
		goto free_arg;
	}
	ctrl->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ctrl->kick_fd < 0) {
		ret = -errno;
		goto close_epfd;
	}
	ret = eth_xen_ctrl_epoll_add(ctrl, ctrl->kick_fd, &eth_xen_tag_kick);
	if (ret < 0)
		goto close_kick_fd;
	ctrl->hv = xnb_hv_open(kind, arg);
	if (ctrl->hv == NULL) {
		ret = -errno;
		ETH_XEN_LOG(ERR, "cannot open hypervisor '%s'%s%s: %s", kind,
			    arg != NULL ? " at " : "", arg != NULL ? arg : "",
			    strerror(errno));
		goto close_kick_fd;
	}
	ret = eth_xen_ctrl_epoll_add(ctrl, ctrl->hv->ops->xs_fd(ctrl->hv),
				     &eth_xen_tag_xs);
	if (ret < 0) {
		ETH_XEN_LOG(ERR, "cannot poll the xenstore fd: %s",
			    strerror(-ret));
		goto close_hv;
	}
	ret = rte_ctrl_thread_create(&ctrl->tid, "net-xen-ctrl", NULL,
				     eth_xen_ctrl_thread, ctrl);
	if (ret != 0) {
		ret = -ret;
		ETH_XEN_LOG(ERR, "cannot start control thread: %s",
			    strerror(-ret));
		goto close_hv;
	}
	ctrl->refcnt = 1;
	eth_xen_ctrl_cur = ctrl;
	return 0;

close_hv:
	xnb_hv_close(ctrl->hv);
close_kick_fd:
	close(ctrl->kick_fd);
close_epfd:
	close(ctrl->epfd);
free_arg:
	free(ctrl->arg);
free_ctrl:
	free(ctrl);
	return ret;
}

int
eth_xen_ctrl_get(const char *kind, const char *arg, struct xnb_hv **hv)
{
	struct eth_xen_ctrl *ctrl;
	int ret = 0;

	eth_xen_ctrl_lock();
	ctrl = eth_xen_ctrl_cur;
	if (ctrl == NULL) {
		ret = eth_xen_ctrl_start(kind, arg);
	} else if (strcmp(ctrl->kind, kind) != 0 ||
		   strcmp(ctrl->arg, arg != NULL ? arg : "") != 0) {
		ETH_XEN_LOG(ERR, "hypervisor '%s' %s requested, but this "
			    "process already uses '%s' %s (one per process)",
			    kind, arg != NULL ? arg : "", ctrl->kind,
			    ctrl->arg);
		ret = -EEXIST;
	} else {
		ctrl->refcnt++;
	}
	if (ret == 0)
		*hv = eth_xen_ctrl_cur->hv;
	eth_xen_ctrl_unlock();
	return ret;
}

void
eth_xen_ctrl_put(void)
{
	struct eth_xen_ctrl *ctrl;

	eth_xen_ctrl_lock();
	ctrl = eth_xen_ctrl_cur;
	if (ctrl == NULL || --ctrl->refcnt > 0) {
		eth_xen_ctrl_unlock();
		return;
	}
	ctrl->stop = true;
	if (eth_xen_ctrl_on_thread(ctrl)) {
		/* Last port closed from its own on_event: the thread cannot
		 * join itself; it frees everything when it exits. */
		ctrl->self_free = true;
		pthread_detach(ctrl->tid);
	}
	eth_xen_ctrl_kick();
	eth_xen_ctrl_cur = NULL;
	eth_xen_ctrl_unlock();
	if (ctrl->self_free)
		return;
	pthread_join(ctrl->tid, NULL);
	eth_xen_ctrl_free(ctrl);
}
