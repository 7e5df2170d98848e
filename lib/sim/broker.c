/* SPDX-License-Identifier: BSD-3-Clause */
/* The broker: DIR/hv.sock, connections, requests, the domain registry. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "broker_priv.h"
#include "xnb_sim_msg.h"
#include "xnb_sim_paths.h"

/* Connections served at once; more are refused. */
#define BROKER_MAX_CONNS 1024u
#define BROKER_EVENTS 16
/* How long destroy waits for a killed guest process to be gone. */
#define BROKER_KILL_WAIT_MS 1000

/* Logs go to stderr: this library knows nothing of DPDK. */
#define BLOG(fmt, ...) fprintf(stderr, "xnb-simhv: " fmt "\n", ##__VA_ARGS__)

struct bdom *
xnb_sim_broker_dom(struct xnb_sim_broker *b, uint16_t domid, bool create)
{
	struct bdom *d = b->doms[domid];

	if (d != NULL || !create)
		return d;
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->domid = domid;
	d->mem_fd = -1;
	d->gnttab_fd = -1;
	d->active_fd = -1;
	d->pidfd = -1;
	TAILQ_INIT(&d->pins);
	b->doms[domid] = d;
	return d;
}

void
xnb_sim_broker_dom_put(struct xnb_sim_broker *b, struct bdom *d)
{
	if (d == NULL || d->guest != NULL || d->ports_used > 0)
		return;
	b->doms[d->domid] = NULL;
	free(d->ports);
	free(d);
}

/* The guest registered as domain d died (or unregistered). */
static void
domain_kill(struct xnb_sim_broker *b, struct bdom *d)
{
	uint16_t domid = d->domid;

	__atomic_store_n(&b->domtab[domid], 0, __ATOMIC_RELEASE);
	xnb_sim_broker_pins_free(d);
	close(d->mem_fd);
	close(d->gnttab_fd);
	if (d->pidfd >= 0)
		close(d->pidfd);
	d->mem_fd = -1;
	d->gnttab_fd = -1;
	d->pidfd = -1;
	d->guest = NULL;
	xnb_sim_broker_dom_put(b, d);
	if (b->died != NULL)
		b->died(b->cb_arg, domid);
}

static void
conn_close(struct xnb_sim_broker *b, struct bconn *c)
{
	struct bdom *d;

	epoll_ctl(b->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	if (c->role != BCONN_NONE)
		xnb_sim_broker_close_ports_of(b, c);
	if (c->role == BCONN_BACKEND) {
		xnb_sim_broker_pins_release(b, c);
		b->backends[c->id] = NULL;
	}
	if (c->role == BCONN_GUEST) {
		d = b->doms[c->domid];
		if (d != NULL && d->guest == c)
			domain_kill(b, d);
	}
	TAILQ_REMOVE(&b->conns, c, next);
	b->nconns--;
	free(c);
}

/* The process on the other end of c, for pause and destroy; -1 when it
 * is our own (a guest in the broker's process cannot be stopped). */
static int
peer_pidfd(const struct bconn *c)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    cred.pid <= 0 || cred.pid == getpid())
		return -1;
	return (int)syscall(SYS_pidfd_open, cred.pid, 0);
}

/*
 * A guest's memory must be a memfd that cannot shrink (else a backend's
 * access past the new end would fault) and stays writable, at least len
 * bytes long.
 */
static int
check_memfd(int fd, uint64_t len)
{
	struct stat st;
	int seals;

	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || !(seals & F_SEAL_SHRINK) ||
	    (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
		return -EINVAL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size < len)
		return -EINVAL;
	return 0;
}

static int
do_guest_register(struct xnb_sim_broker *b, struct bconn *c,
		  const struct xnb_sim_req *req, int *fds)
{
	uint32_t domid = req->u.guest_register.domid;
	uint32_t npages = req->u.guest_register.npages;
	uint32_t ngrants = req->u.guest_register.ngrants;
	struct bdom *d;

	if (c->role != BCONN_NONE)
		return -EPERM;
	if (domid == 0 || domid >= XNB_SIM_DOMID_MAX || npages == 0 ||
	    npages > XNB_SIM_MAX_PAGES || ngrants == 0 ||
	    ngrants > XNB_SIM_MAX_GRANTS)
		return -EINVAL;
	if (check_memfd(fds[0], (uint64_t)npages * XNB_SIM_PAGE_SIZE) < 0 ||
	    check_memfd(fds[1], xnb_sim_gnttab_bytes(ngrants)) < 0)
		return -EINVAL;
	/* As on Xen, a domain exists only once the toolstack made it. */
	if (!b->known(b->cb_arg, (uint16_t)domid))
		return -ESRCH;
	d = b->doms[domid];
	if (d != NULL && d->guest != NULL)
		return -EEXIST;
	d = xnb_sim_broker_dom(b, (uint16_t)domid, true);
	if (d == NULL)
		return -ENOMEM;
	d->guest = c;
	d->pidfd = peer_pidfd(c);
	d->mem_fd = fds[0];
	d->gnttab_fd = fds[1];
	fds[0] = -1;
	fds[1] = -1;
	d->npages = npages;
	d->ngrants = ngrants;
	d->gen = b->next_gen++;
	if (b->next_gen == 0)
		b->next_gen = 1;
	c->role = BCONN_GUEST;
	c->domid = (uint16_t)domid;
	__atomic_store_n(&b->domtab[domid], d->gen, __ATOMIC_RELEASE);
	return 0;
}

/* A backend says hello: it gets an id (its pin lock value) and the
 * shared domain table. */
static int
do_backend_hello(struct xnb_sim_broker *b, struct bconn *c,
		 const struct xnb_sim_req *req, struct xnb_sim_rep *rep,
		 int *rfds, unsigned int *nrfds)
{
	uint32_t id;

	if (c->role != BCONN_NONE)
		return -EPERM;
	if (req->u.backend_hello.domid >= XNB_SIM_DOMID_MAX)
		return -EINVAL;
	for (id = 1; id <= XNB_SIM_BACKEND_ID_MAX; id++)
		if (b->backends[id] == NULL)
			break;
	if (id > XNB_SIM_BACKEND_ID_MAX)
		return -EMFILE;
	b->backends[id] = c;
	c->id = id;
	c->role = BCONN_BACKEND;
	c->domid = (uint16_t)req->u.backend_hello.domid;
	rep->u.backend_hello.id = id;
	rfds[(*nrfds)++] = b->domtab_fd;
	return 0;
}

static int
do_domain_get(struct xnb_sim_broker *b, struct bconn *c,
	      const struct xnb_sim_req *req, struct xnb_sim_rep *rep,
	      int *rfds, unsigned int *nrfds)
{
	struct bdom *d;
	int ret;

	if (c->role != BCONN_BACKEND)
		return -EPERM;
	if (req->u.domain_get.domid >= XNB_SIM_DOMID_MAX)
		return -EINVAL;
	d = b->doms[req->u.domain_get.domid];
	if (d == NULL || d->guest == NULL)
		return -ESRCH;
	ret = xnb_sim_broker_pins_get(d, c, &rfds[2], &rfds[3]);
	if (ret < 0)
		return ret;
	rep->u.domain_get.npages = d->npages;
	rep->u.domain_get.ngrants = d->ngrants;
	rep->u.domain_get.gen = d->gen;
	rfds[0] = d->mem_fd;
	rfds[1] = d->gnttab_fd;
	*nrfds = 4;
	return 0;
}

/* The toolstack's pause and destroy (xnb_sim_proto.h). */
static int
do_domain_ctl(struct xnb_sim_broker *b, struct bconn *c,
	      const struct xnb_sim_req *req)
{
	uint32_t domid = req->u.domain_ctl.domid;
	struct bconn *g;
	struct bdom *d;

	if (c->role != BCONN_BACKEND || c->domid != 0)
		return -EPERM;
	if (domid == 0 || domid >= XNB_SIM_DOMID_MAX)
		return -EINVAL;
	d = b->doms[domid];
	if (d == NULL || d->guest == NULL)
		return -ESRCH;
	if (req->type == XNB_SIM_DOMAIN_PAUSE) {
		if (d->pidfd < 0)
			return -EOPNOTSUPP;
		if (syscall(SYS_pidfd_send_signal, d->pidfd, SIGSTOP, NULL,
			    0) < 0)
			return -errno;
		return 0;
	}
	/* Destroy: the process goes, and the domain with it now, not when
	 * its connection closes; the guest connection is cut so that it
	 * closes at the next turn of the loop. */
	g = d->guest;
	if (d->pidfd >= 0 &&
	    syscall(SYS_pidfd_send_signal, d->pidfd, SIGKILL, NULL, 0) == 0) {
		struct pollfd pfd = { .fd = d->pidfd, .events = POLLIN };

		/* Dead before @releaseDomain fires, as on Xen (bounded: a
		 * process stuck in the kernel does not stall the broker). */
		poll(&pfd, 1, BROKER_KILL_WAIT_MS);
	}
	xnb_sim_broker_close_ports_of(b, g);
	domain_kill(b, d);
	shutdown(g->fd, SHUT_RDWR);
	return 0;
}

/* Handle one well-formed request; fills rep and the fds to send back. */
static int
dispatch(struct xnb_sim_broker *b, struct bconn *c,
	 const struct xnb_sim_req *req, int *fds, struct xnb_sim_rep *rep,
	 int *rfds, unsigned int *nrfds)
{
	int ret;

	switch (req->type) {
	case XNB_SIM_GUEST_REGISTER:
		return do_guest_register(b, c, req, fds);
	case XNB_SIM_BACKEND_HELLO:
		return do_backend_hello(b, c, req, rep, rfds, nrfds);
	case XNB_SIM_DOMAIN_GET:
		return do_domain_get(b, c, req, rep, rfds, nrfds);
	case XNB_SIM_EVTCHN_ALLOC_UNBOUND:
		if (c->role == BCONN_NONE)
			return -EPERM;
		if (req->u.evtchn_alloc_unbound.remote_domid >=
		    XNB_SIM_DOMID_MAX)
			return -EINVAL;
		ret = xnb_sim_broker_alloc_unbound(b, c,
			(uint16_t)req->u.evtchn_alloc_unbound.remote_domid,
			&rep->u.evtchn.port, &rfds[*nrfds]);
		if (ret == 0)
			(*nrfds)++;
		return ret;
	case XNB_SIM_EVTCHN_BIND:
		if (c->role != BCONN_BACKEND)
			return -EPERM;
		if (req->u.evtchn_bind.remote_domid >= XNB_SIM_DOMID_MAX)
			return -EINVAL;
		ret = xnb_sim_broker_bind(b, c,
			(uint16_t)req->u.evtchn_bind.remote_domid,
			req->u.evtchn_bind.remote_port,
			&rep->u.evtchn.port, &rfds[*nrfds]);
		if (ret == 0)
			(*nrfds)++;
		return ret;
	case XNB_SIM_EVTCHN_CLOSE:
		if (c->role == BCONN_NONE)
			return -EPERM;
		return xnb_sim_broker_close_port(b, c,
						 req->u.evtchn_close.port);
	case XNB_SIM_DOMAIN_PAUSE:
	case XNB_SIM_DOMAIN_DESTROY:
		return do_domain_ctl(b, c, req);
	default:
		return -ENOSYS;
	}
}

/* How many fds a request of this type must carry. */
static unsigned int
req_nfds(uint32_t type)
{
	return type == XNB_SIM_GUEST_REGISTER ? 2 : 0;
}

/* Serve one packet of c. Returns false when c must be dropped. */
static bool
conn_serve(struct xnb_sim_broker *b, struct bconn *c)
{
	struct xnb_sim_req req;
	struct xnb_sim_rep rep;
	int fds[XNB_SIM_REQ_MAX_FDS];
	int rfds[XNB_SIM_MSG_MAX_FDS];
	unsigned int nfds, nrfds = 0, i;
	ssize_t n;

	memset(&req, 0, sizeof(req));
	memset(&rep, 0, sizeof(rep));
	n = xnb_sim_msg_recv(c->fd, &req, sizeof(req), fds, &nfds,
			     XNB_SIM_REQ_MAX_FDS, MSG_DONTWAIT);
	if (n == -EAGAIN)
		return true;
	if (n == 0 || (n < 0 && n != -EMSGSIZE))
		return false;
	rep.type = req.type;
	if (n == -EMSGSIZE)
		rep.status = -EMSGSIZE;
	else if ((size_t)n != sizeof(req) || nfds != req_nfds(req.type))
		rep.status = -EINVAL;
	else
		rep.status = dispatch(b, c, &req, fds, &rep, rfds, &nrfds);
	for (i = 0; i < nfds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (rep.status < 0)
		nrfds = 0;
	/* A client that does not read its replies is dropped, not waited
	 * for. */
	return xnb_sim_msg_send(c->fd, &rep, sizeof(rep), rfds, nrfds,
				MSG_DONTWAIT) == 0;
}

static void
conn_accept(struct xnb_sim_broker *b)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct bconn *c;
	int fd;

	fd = accept4(b->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	if (b->nconns >= BROKER_MAX_CONNS) {
		BLOG("connection limit (%u) reached, refusing",
		     BROKER_MAX_CONNS);
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->role = BCONN_NONE;
	ev.data.ptr = c;
	if (epoll_ctl(b->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		free(c);
		return;
	}
	TAILQ_INSERT_TAIL(&b->conns, c, next);
	b->nconns++;
}

int
xnb_sim_broker_run_once(struct xnb_sim_broker *b, int timeout_ms)
{
	struct epoll_event evs[BROKER_EVENTS];
	struct bconn *c;
	int i, n;

	n = epoll_wait(b->epfd, evs, BROKER_EVENTS, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n; i++) {
		c = evs[i].data.ptr;
		if (c == NULL) {
			conn_accept(b);
			continue;
		}
		if (!conn_serve(b, c))
			conn_close(b, c);
	}
	return 0;
}

int
xnb_sim_broker_fd(const struct xnb_sim_broker *b)
{
	return b->epfd;
}

/* Refuse to take over a directory another live broker serves. */
static int
listen_socket(struct xnb_sim_broker *b)
{
	int fd, probe;

	probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (probe < 0)
		return -errno;
	if (connect(probe, (struct sockaddr *)&b->addr, sizeof(b->addr)) == 0) {
		close(probe);
		return -EADDRINUSE;
	}
	close(probe);
	unlink(b->addr.sun_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&b->addr, sizeof(b->addr)) < 0 ||
	    chmod(b->addr.sun_path, 0660) < 0 || listen(fd, 64) < 0) {
		int ret = -errno;

		close(fd);
		unlink(b->addr.sun_path);
		return ret;
	}
	return fd;
}

static int
domtab_create(struct xnb_sim_broker *b)
{
	void *p;

	b->domtab_fd = memfd_create("xnb-simhv-domtab", MFD_CLOEXEC);
	if (b->domtab_fd < 0)
		return -errno;
	if (ftruncate(b->domtab_fd, XNB_SIM_DOMTAB_SIZE) < 0)
		goto close_fd;
	p = mmap(NULL, XNB_SIM_DOMTAB_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 b->domtab_fd, 0);
	if (p == MAP_FAILED)
		goto close_fd;
	b->domtab = p;
	return 0;

close_fd:
	close(b->domtab_fd);
	return -errno;
}

struct xnb_sim_broker *
xnb_sim_broker_create(const char *dir, xnb_sim_broker_died_cb died,
		      xnb_sim_broker_known_cb known, void *arg)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	struct xnb_sim_broker *b;
	int len, ret;

	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return NULL;
	b->died = died;
	b->known = known;
	b->cb_arg = arg;
	b->next_gen = 1;
	TAILQ_INIT(&b->conns);
	b->addr.sun_family = AF_UNIX;
	len = snprintf(b->addr.sun_path, sizeof(b->addr.sun_path), "%s/%s",
		       dir, XNB_SIM_HV_SOCKET);
	if (len < 0 || (size_t)len >= sizeof(b->addr.sun_path)) {
		ret = -ENAMETOOLONG;
		goto free_broker;
	}
	ret = domtab_create(b);
	if (ret < 0)
		goto free_broker;
	b->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (b->epfd < 0) {
		ret = -errno;
		goto unmap_domtab;
	}
	b->listen_fd = listen_socket(b);
	if (b->listen_fd < 0) {
		ret = b->listen_fd;
		goto close_epoll;
	}
	if (epoll_ctl(b->epfd, EPOLL_CTL_ADD, b->listen_fd, &ev) < 0) {
		ret = -errno;
		goto close_listen;
	}
	return b;

close_listen:
	close(b->listen_fd);
	unlink(b->addr.sun_path);
close_epoll:
	close(b->epfd);
unmap_domtab:
	munmap(b->domtab, XNB_SIM_DOMTAB_SIZE);
	close(b->domtab_fd);
free_broker:
	free(b);
	errno = -ret;
	return NULL;
}

void
xnb_sim_broker_destroy(struct xnb_sim_broker *b)
{
	struct bconn *c;

	if (b == NULL)
		return;
	/* Every domain record belongs to a connection (its guest or its
	 * ports' owners), so closing them all frees everything. */
	b->died = NULL;
	while ((c = TAILQ_FIRST(&b->conns)) != NULL)
		conn_close(b, c);
	close(b->listen_fd);
	unlink(b->addr.sun_path);
	close(b->epfd);
	munmap(b->domtab, XNB_SIM_DOMTAB_SIZE);
	close(b->domtab_fd);
	free(b);
}
