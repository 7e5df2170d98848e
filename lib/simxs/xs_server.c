/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The simulated xenstored's sockets: listeners, connections, buffered
 * non-blocking I/O driven by one epoll fd. Requests are handed to
 * xs_dispatch; replies and watch events leave through xs_conn_send.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "xnb_sim_paths.h"
#include "xs_log.h"
#include "xs_server_int.h"

#define XS_EPOLL_BATCH 32
#define XS_ACCEPT_BATCH 16

static int
epoll_set(struct xnb_xs_server *srv, int op, int fd, struct xs_pollable *p,
	  uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = p };

	return epoll_ctl(srv->epfd, op, fd, &ev) < 0 ? -errno : 0;
}

static void
conn_update_events(struct xs_conn *conn)
{
	uint32_t ev = 0;

	if (conn->doomed)
		return;
	if (conn->out_bytes < XS_OUT_PAUSE_BYTES)
		ev |= EPOLLIN;
	if (!TAILQ_EMPTY(&conn->out))
		ev |= EPOLLOUT;
	if (ev == conn->events)
		return;
	if (epoll_set(conn->srv, EPOLL_CTL_MOD, conn->fd, &conn->poll, ev) < 0) {
		xs_conn_doom(conn);
		return;
	}
	conn->events = ev;
}

static void
conn_flush(struct xs_conn *conn)
{
	struct xs_out *o;

	while (!conn->doomed && (o = TAILQ_FIRST(&conn->out)) != NULL) {
		ssize_t n = send(conn->fd, o->buf + o->off, o->len - o->off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				xs_conn_doom(conn);
			break;
		}
		o->off += (uint32_t)n;
		conn->out_bytes -= (size_t)n;
		if (o->off < o->len)
			break;
		TAILQ_REMOVE(&conn->out, o, next);
		free(o);
	}
	conn_update_events(conn);
}

void
xs_conn_send(struct xs_conn *conn, uint32_t type, uint32_t req_id,
	     uint32_t tx_id, const void *data, uint32_t len)
{
	struct xsd_sockmsg hdr = {
		.type = type, .req_id = req_id, .tx_id = tx_id, .len = len,
	};
	size_t total = sizeof(hdr) + len;
	struct xs_out *o;

	if (conn->doomed)
		return;
	if (conn->out_bytes + total > XS_OUT_MAX_BYTES) {
		XS_LOG_RL("dropping a domain %u client: %zu bytes unread",
			  conn->domid, conn->out_bytes);
		xs_conn_doom(conn);
		return;
	}
	o = malloc(sizeof(*o) + total);
	if (o == NULL) {
		/* A lost reply would desynchronise the client for good. */
		xs_conn_doom(conn);
		return;
	}
	o->len = (uint32_t)total;
	o->off = 0;
	memcpy(o->buf, &hdr, sizeof(hdr));
	if (len > 0)
		memcpy(o->buf + sizeof(hdr), data, len);
	TAILQ_INSERT_TAIL(&conn->out, o, next);
	conn->out_bytes += total;
	conn_flush(conn);
}

void
xs_conn_doom(struct xs_conn *conn)
{
	if (conn->doomed)
		return;
	conn->doomed = true;
	epoll_ctl(conn->srv->epfd, EPOLL_CTL_DEL, conn->fd, NULL);
}

static void
conn_close(struct xs_conn *conn)
{
	struct xnb_xs_server *srv = conn->srv;
	struct xs_domain *dom;
	struct xs_out *o;

	xs_conn_doom(conn);
	close(conn->fd);
	conn->fd = -1;
	xs_watches_free(conn);
	xs_txns_free(conn);
	while ((o = TAILQ_FIRST(&conn->out)) != NULL) {
		TAILQ_REMOVE(&conn->out, o, next);
		free(o);
	}
	conn->out_bytes = 0;
	if (!conn->priv) {
		dom = xs_domain_get(srv, conn->domid, false);
		if (dom != NULL && dom->conns > 0)
			dom->conns--;
	}
	TAILQ_REMOVE(&srv->conns, conn, next);
	srv->nconn--;
	TAILQ_INSERT_TAIL(&srv->dead_conns, conn, next);
}

static void
free_dead(struct xnb_xs_server *srv)
{
	struct xs_conn *conn;
	struct xs_listener *lst;

	while ((conn = TAILQ_FIRST(&srv->dead_conns)) != NULL) {
		TAILQ_REMOVE(&srv->dead_conns, conn, next);
		free(conn);
	}
	while ((lst = TAILQ_FIRST(&srv->dead_listeners)) != NULL) {
		TAILQ_REMOVE(&srv->dead_listeners, lst, next);
		free(lst->path);
		free(lst);
	}
}

void
xs_reap(struct xnb_xs_server *srv)
{
	struct xs_conn *conn, *tmp;

	/* Closing may doom nothing else, so one pass is enough. */
	for (conn = TAILQ_FIRST(&srv->conns); conn != NULL; conn = tmp) {
		tmp = TAILQ_NEXT(conn, next);
		if (conn->doomed)
			conn_close(conn);
	}
	if (!srv->in_run)
		free_dead(srv);
}

static int
conn_new(struct xnb_xs_server *srv, int fd, uint16_t domid, bool priv)
{
	struct xs_domain *dom = NULL;
	struct xs_conn *conn;
	int ret;

	if (srv->nconn >= XS_MAX_CONNS)
		return -EMFILE;
	if (!priv) {
		dom = xs_domain_get(srv, domid, false);
		if (dom == NULL || !dom->introduced)
			return -ENOENT;
		if (dom->conns >= XS_MAX_CONNS_PER_DOMAIN)
			return -EMFILE;
	}
	conn = calloc(1, sizeof(*conn));
	if (conn == NULL)
		return -ENOMEM;
	conn->poll.kind = XS_POLL_CONN;
	conn->srv = srv;
	conn->fd = fd;
	conn->domid = domid;
	conn->priv = priv;
	conn->next_txid = 1;
	conn->events = EPOLLIN;
	TAILQ_INIT(&conn->out);
	TAILQ_INIT(&conn->watches);
	TAILQ_INIT(&conn->txns);
	ret = epoll_set(srv, EPOLL_CTL_ADD, fd, &conn->poll, conn->events);
	if (ret < 0) {
		free(conn);
		return ret;
	}
	TAILQ_INSERT_TAIL(&srv->conns, conn, next);
	srv->nconn++;
	if (dom != NULL)
		dom->conns++;
	return 0;
}

static void
listener_accept(struct xnb_xs_server *srv, struct xs_listener *lst)
{
	unsigned int i;
	int fd, ret;

	for (i = 0; i < XS_ACCEPT_BATCH; i++) {
		fd = accept4(lst->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				XS_LOG_RL("accept on %s: %s", lst->path,
					  strerror(errno));
			return;
		}
		ret = conn_new(srv, fd, lst->domid, lst->priv);
		if (ret < 0) {
			XS_LOG_RL("refusing a domain %u client: %s",
				  lst->domid, strerror(-ret));
			close(fd);
		}
	}
}

/* Receive what is there; 1 when a whole request is in, 0 when more is
 * needed, -1 when the connection was doomed. */
static int
conn_recv(struct xs_conn *conn)
{
	for (;;) {
		char *dst;
		size_t want;
		ssize_t n;

		if (!conn->in_body) {
			dst = (char *)&conn->hdr + conn->in_used;
			want = sizeof(conn->hdr) - conn->in_used;
		} else {
			dst = conn->in + conn->in_used;
			want = conn->hdr.len - conn->in_used;
		}
		if (want > 0) {
			n = recv(conn->fd, dst, want, MSG_DONTWAIT);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return 0;
			if (n <= 0) {
				xs_conn_doom(conn);
				return -1;
			}
			conn->in_used += (uint32_t)n;
			continue;
		}
		if (conn->in_body) {
			conn->in[conn->hdr.len] = '\0';
			return 1;
		}
		/* Header complete: a payload beyond the protocol maximum
		 * cannot be skipped safely, so the client goes. */
		if (conn->hdr.len > XENSTORE_PAYLOAD_MAX) {
			XS_LOG_RL("domain %u sent a %u byte payload",
				  conn->domid, conn->hdr.len);
			xs_conn_doom(conn);
			return -1;
		}
		conn->in_body = true;
		conn->in_used = 0;
	}
}

static void
conn_input(struct xs_conn *conn)
{
	unsigned int i;

	for (i = 0; i < XS_MSGS_PER_WAKEUP; i++) {
		if (conn->doomed || conn->out_bytes >= XS_OUT_PAUSE_BYTES)
			break;
		if (conn_recv(conn) <= 0)
			break;
		xs_dispatch(conn);
		conn->in_body = false;
		conn->in_used = 0;
	}
	conn_update_events(conn);
}

static void
conn_event(struct xs_conn *conn, uint32_t events)
{
	if (events & EPOLLOUT)
		conn_flush(conn);
	if (events & EPOLLIN)
		conn_input(conn);
	/* Peer gone (or error) with nothing left to read: nothing we
	 * could still deliver, and level-triggered HUP would spin. */
	if (!conn->doomed && (events & (EPOLLHUP | EPOLLERR)) &&
	    !(events & EPOLLIN))
		xs_conn_doom(conn);
}

int
xs_listener_open(struct xnb_xs_server *srv, uint16_t domid, bool priv,
		 struct xs_listener **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct xs_listener *lst;
	char name[32];
	int len, ret;

	if (priv)
		snprintf(name, sizeof(name), "%s", XNB_SIM_XS_SOCKET);
	else
		snprintf(name, sizeof(name), XNB_SIM_XS_DOM_SOCKET_FMT, domid);
	len = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", srv->dir,
		       name);
	if (len < 0 || (size_t)len >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	lst = calloc(1, sizeof(*lst));
	if (lst == NULL)
		return -ENOMEM;
	lst->poll.kind = XS_POLL_LISTENER;
	lst->domid = domid;
	lst->priv = priv;
	lst->path = strdup(sa.sun_path);
	if (lst->path == NULL) {
		ret = -ENOMEM;
		goto free_lst;
	}
	lst->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			 0);
	if (lst->fd < 0) {
		ret = -errno;
		goto free_path;
	}
	/* A socket file left by an earlier run would make bind fail. */
	unlink(sa.sun_path);
	if (bind(lst->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lst->fd, 64) < 0) {
		ret = -errno;
		goto close_fd;
	}
	ret = epoll_set(srv, EPOLL_CTL_ADD, lst->fd, &lst->poll, EPOLLIN);
	if (ret < 0)
		goto unlink_path;
	TAILQ_INSERT_TAIL(&srv->listeners, lst, next);
	*out = lst;
	return 0;

unlink_path:
	unlink(sa.sun_path);
close_fd:
	close(lst->fd);
free_path:
	free(lst->path);
free_lst:
	free(lst);
	return ret;
}

void
xs_listener_close(struct xnb_xs_server *srv, struct xs_listener *lst)
{
	epoll_ctl(srv->epfd, EPOLL_CTL_DEL, lst->fd, NULL);
	close(lst->fd);
	unlink(lst->path);
	lst->dead = true;
	TAILQ_REMOVE(&srv->listeners, lst, next);
	TAILQ_INSERT_TAIL(&srv->dead_listeners, lst, next);
	if (!srv->in_run)
		free_dead(srv);
}

struct xnb_xs_server *
xnb_xs_server_create(const char *dir)
{
	struct xnb_xs_server *srv;
	struct xs_listener *lst;
	int ret;

	srv = calloc(1, sizeof(*srv));
	if (srv == NULL)
		return NULL;
	TAILQ_INIT(&srv->conns);
	TAILQ_INIT(&srv->dead_conns);
	TAILQ_INIT(&srv->listeners);
	TAILQ_INIT(&srv->dead_listeners);
	TAILQ_INIT(&srv->domains);
	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (srv->epfd < 0) {
		ret = -errno;
		goto free_srv;
	}
	srv->dir = strdup(dir);
	if (srv->dir == NULL) {
		ret = -ENOMEM;
		goto destroy;
	}
	ret = xs_specials_init(srv);
	if (ret < 0)
		goto destroy;
	ret = xs_tree_init(srv);
	if (ret < 0)
		goto destroy;
	ret = xs_listener_open(srv, 0, true, &lst);
	if (ret < 0)
		goto destroy;
	return srv;

destroy:
	xnb_xs_server_destroy(srv);
	errno = -ret;
	return NULL;
free_srv:
	free(srv);
	errno = -ret;
	return NULL;
}

void
xnb_xs_server_destroy(struct xnb_xs_server *srv)
{
	struct xs_conn *conn;
	struct xs_listener *lst;

	if (srv == NULL)
		return;
	srv->in_run = false;
	while ((conn = TAILQ_FIRST(&srv->conns)) != NULL)
		conn_close(conn);
	while ((lst = TAILQ_FIRST(&srv->listeners)) != NULL)
		xs_listener_close(srv, lst);
	free_dead(srv);
	xs_domains_free(srv);
	xs_specials_free(srv);
	xs_tree_free(srv->root);
	if (srv->epfd >= 0)
		close(srv->epfd);
	free(srv->dir);
	free(srv);
}

int
xnb_xs_server_fd(const struct xnb_xs_server *srv)
{
	return srv->epfd;
}

int
xnb_xs_server_run_once(struct xnb_xs_server *srv, int timeout_ms)
{
	struct epoll_event ev[XS_EPOLL_BATCH];
	int i, n;

	n = epoll_wait(srv->epfd, ev, XS_EPOLL_BATCH, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	srv->in_run = true;
	for (i = 0; i < n; i++) {
		struct xs_pollable *p = ev[i].data.ptr;

		if (p->kind == XS_POLL_LISTENER) {
			struct xs_listener *lst = (struct xs_listener *)p;

			if (!lst->dead)
				listener_accept(srv, lst);
		} else {
			struct xs_conn *conn = (struct xs_conn *)p;

			if (!conn->doomed)
				conn_event(conn, ev[i].events);
		}
		xs_reap(srv);
	}
	srv->in_run = false;
	free_dead(srv);
	return 0;
}

int
xnb_xs_server_attach(struct xnb_xs_server *srv, int fd, uint16_t domid)
{
	return conn_new(srv, fd, domid, domid == 0);
}

unsigned int
xnb_xs_server_conn_count(const struct xnb_xs_server *srv)
{
	return srv->nconn;
}

void
xnb_xs_server_domain_died(struct xnb_xs_server *srv, uint16_t domid)
{
	xs_domain_release(srv, domid);
	xs_reap(srv);
}

bool
xnb_xs_server_domain_introduced(struct xnb_xs_server *srv, uint16_t domid)
{
	struct xs_domain *d;

	if (domid == 0)
		return true;
	d = xs_domain_get(srv, domid, false);
	return d != NULL && d->introduced;
}
