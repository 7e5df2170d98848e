/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "sim" implementation of the seam: the simulated hypervisor of
 * lib/sim (xnb-simhv --dir DIR). Xenstore is the real libxenstore client on
 * DIR/xenstored.sock; grants and event channels come from the broker on
 * DIR/hv.sock.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xen/grant_table.h>

#include "hv_sim.h"
#include "xnb_log.h"
#include "sim/xnb_sim_evtchn.h"
#include "sim/xnb_sim_msg.h"
#include "sim/xnb_sim_paths.h"

/* The simulated grant table is Xen's v1 table, bit for bit. */
_Static_assert(sizeof(struct xnb_sim_grant_entry) == sizeof(grant_entry_v1_t),
	       "grant entry layout");
_Static_assert(XNB_SIM_GTF_PERMIT_ACCESS == GTF_permit_access, "GTF");
_Static_assert(XNB_SIM_GTF_TYPE_MASK == GTF_type_mask, "GTF");
_Static_assert(XNB_SIM_GTF_READONLY == GTF_readonly, "GTF");
_Static_assert(XNB_SIM_GTF_READING == GTF_reading, "GTF");
_Static_assert(XNB_SIM_GTF_WRITING == GTF_writing, "GTF");
_Static_assert(XNB_SIM_GNTTAB_RESERVED == GNTTAB_NR_RESERVED_ENTRIES, "GTF");

struct xnb_hv_evtchn {
	struct hv_sim *s;
	struct xnb_sim_evset *set;
};

/* Say hello to the broker as a backend of our domain: learn our backend
 * id and map the shared domain table. */
static int
broker_hello(struct hv_sim *s, xnb_domid_t self)
{
	struct xnb_sim_req req = { .type = XNB_SIM_BACKEND_HELLO };
	struct xnb_sim_rep rep;
	void *p;
	int ret, fd;

	req.u.backend_hello.domid = self;
	ret = xnb_sim_rpc(s->sock, &req, NULL, 0, &rep, &fd, 1);
	if (ret < 0)
		return ret;
	if (rep.u.backend_hello.id == 0 ||
	    rep.u.backend_hello.id > XNB_SIM_BACKEND_ID_MAX) {
		close(fd);
		return -EPROTO;
	}
	p = mmap(NULL, XNB_SIM_DOMTAB_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	ret = p == MAP_FAILED ? -errno : 0;
	close(fd);
	if (ret == 0) {
		s->domtab = p;
		s->id = rep.u.backend_hello.id;
	}
	return ret;
}

static int
sim_open(struct xnb_hv *hv, const char *arg)
{
	char path[4096];
	struct hv_sim *s;
	int ret;

	if (arg == NULL)
		arg = getenv(XNB_SIM_DIR_ENV);
	if (arg == NULL || arg[0] == '\0') {
		XNB_LOG(ERR, "sim: no simulator directory (set %s or pass the "
			"directory of xnb-simhv --dir)", XNB_SIM_DIR_ENV);
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	hv->priv = s;
	pthread_mutex_init(&s->lock, NULL);
	ret = snprintf(path, sizeof(path), "%s/%s", arg, XNB_SIM_XS_SOCKET);
	if (ret < 0 || (size_t)ret >= sizeof(path)) {
		ret = -ENAMETOOLONG;
		goto free_sim;
	}
	ret = xnb_hv_xs_connect(hv, &s->xs, path);
	if (ret < 0) {
		XNB_LOG(ERR, "sim: cannot connect to xenstore at %s: %s "
			"(is xnb-simhv --dir %s running?)", path,
			strerror(-ret), arg);
		goto free_sim;
	}
	ret = hv_sim_win_init(s);
	if (ret < 0) {
		XNB_LOG(ERR, "sim: cannot reserve the grant-mapping window: %s",
			strerror(-ret));
		goto close_xs;
	}
	s->sock = xnb_sim_connect(arg);
	if (s->sock < 0) {
		ret = s->sock;
		XNB_LOG(ERR, "sim: cannot connect to %s/%s: %s", arg,
			XNB_SIM_HV_SOCKET, strerror(-ret));
		goto free_win;
	}
	ret = broker_hello(s, hv->domid);
	if (ret < 0) {
		XNB_LOG(ERR, "sim: broker refused backend of domain %u: %s",
			hv->domid, strerror(-ret));
		goto close_sock;
	}
	ret = xnb_hv_xs_watch(hv, "@releaseDomain", HV_SIM_REL_TOKEN);
	if (ret < 0) {
		XNB_LOG(ERR, "sim: cannot watch @releaseDomain: %s",
			strerror(-ret));
		goto unmap_domtab;
	}
	return 0;

unmap_domtab:
	munmap((void *)(uintptr_t)s->domtab, XNB_SIM_DOMTAB_SIZE);
close_sock:
	close(s->sock);
free_win:
	hv_sim_win_fini(s);
close_xs:
	xnb_hv_xs_disconnect(&s->xs);
free_sim:
	pthread_mutex_destroy(&s->lock);
	free(s);
	hv->priv = NULL;
	return ret;
}

static void
sim_close(struct xnb_hv *hv)
{
	struct hv_sim *s = hv->priv;

	hv_sim_grant_fini(s);
	hv_sim_win_fini(s);
	munmap((void *)(uintptr_t)s->domtab, XNB_SIM_DOMTAB_SIZE);
	close(s->sock);
	xnb_hv_xs_disconnect(&s->xs);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* The owner's watch events; ours (a domain died) sweep the domain cache
 * and are not passed on. */
static char **
sim_xs_read_watch(struct xnb_hv *hv, unsigned int *num)
{
	struct hv_sim *s = hv->priv;
	char **v;

	while ((v = xnb_hv_xs_read_watch(hv, num)) != NULL &&
	       strcmp(v[1], HV_SIM_REL_TOKEN) == 0) {
		free(v);
		pthread_mutex_lock(&s->lock);
		hv_sim_dom_sweep(s);
		pthread_mutex_unlock(&s->lock);
	}
	return v;
}

static struct xnb_hv_evtchn *
sim_evtchn_open(struct xnb_hv *hv)
{
	struct xnb_hv_evtchn *ec;

	ec = malloc(sizeof(*ec));
	if (ec == NULL)
		return NULL;
	ec->s = hv->priv;
	ec->set = xnb_sim_evset_create();
	if (ec->set == NULL) {
		free(ec);
		return NULL;
	}
	return ec;
}

static int
sim_evtchn_bind(struct xnb_hv_evtchn *ec, xnb_domid_t domid,
		xnb_evtchn_port_t remote_port)
{
	struct xnb_sim_req req = { .type = XNB_SIM_EVTCHN_BIND };
	struct xnb_sim_rep rep;
	int ret, sock;

	req.u.evtchn_bind.remote_domid = domid;
	req.u.evtchn_bind.remote_port = remote_port;
	pthread_mutex_lock(&ec->s->lock);
	ret = xnb_sim_rpc(ec->s->sock, &req, NULL, 0, &rep, &sock, 1);
	pthread_mutex_unlock(&ec->s->lock);
	if (ret < 0)
		return ret;
	ret = xnb_sim_evset_add(ec->set, rep.u.evtchn.port, sock);
	return ret < 0 ? ret : (int)rep.u.evtchn.port;
}

static int
sim_evtchn_unbind(struct xnb_hv_evtchn *ec, xnb_evtchn_port_t port)
{
	struct xnb_sim_req req = { .type = XNB_SIM_EVTCHN_CLOSE };
	struct xnb_sim_rep rep;
	int ret;

	if (!xnb_sim_evset_has(ec->set, port))
		return -ENOTCONN;
	req.u.evtchn_close.port = port;
	pthread_mutex_lock(&ec->s->lock);
	ret = xnb_sim_rpc(ec->s->sock, &req, NULL, 0, &rep, NULL, 0);
	pthread_mutex_unlock(&ec->s->lock);
	xnb_sim_evset_remove(ec->set, port);
	return ret;
}

static void
sim_evtchn_close(struct xnb_hv_evtchn *ec)
{
	uint32_t port;

	if (ec == NULL)
		return;
	for (port = 0; port < XNB_SIM_EVTCHN_PORTS; port++)
		if (xnb_sim_evset_has(ec->set, port))
			sim_evtchn_unbind(ec, port);
	xnb_sim_evset_destroy(ec->set);
	free(ec);
}

static int
sim_evtchn_fd(struct xnb_hv_evtchn *ec)
{
	return xnb_sim_evset_fd(ec->set);
}

static int
sim_evtchn_notify(struct xnb_hv_evtchn *ec, xnb_evtchn_port_t port)
{
	return xnb_sim_evset_notify(ec->set, port);
}

static int
sim_evtchn_pending(struct xnb_hv_evtchn *ec)
{
	return xnb_sim_evset_pending(ec->set);
}

static int
sim_evtchn_unmask(struct xnb_hv_evtchn *ec, xnb_evtchn_port_t port)
{
	return xnb_sim_evset_unmask(ec->set, port);
}

const struct xnb_hv_ops xnb_hv_sim_ops = {
	.name = "sim",
	.open = sim_open,
	.close = sim_close,
	.map_grants = hv_sim_map_grants,
	.unmap_grants = hv_sim_unmap_grants,
	.copy_grants = hv_sim_copy_grants,
	.evtchn_open = sim_evtchn_open,
	.evtchn_close = sim_evtchn_close,
	.evtchn_fd = sim_evtchn_fd,
	.evtchn_bind = sim_evtchn_bind,
	.evtchn_unbind = sim_evtchn_unbind,
	.evtchn_notify = sim_evtchn_notify,
	.evtchn_pending = sim_evtchn_pending,
	.evtchn_unmask = sim_evtchn_unmask,
	.xs_read = xnb_hv_xs_read,
	.xs_write = xnb_hv_xs_write,
	.xs_mkdir = xnb_hv_xs_mkdir,
	.xs_rm = xnb_hv_xs_rm,
	.xs_directory = xnb_hv_xs_directory,
	.xs_watch = xnb_hv_xs_watch,
	.xs_unwatch = xnb_hv_xs_unwatch,
	.xs_fd = xnb_hv_xs_fd,
	.xs_read_watch = sim_xs_read_watch,
	.xs_transaction_start = xnb_hv_xs_transaction_start,
	.xs_transaction_end = xnb_hv_xs_transaction_end,
	.xs_domain_path = xnb_hv_xs_domain_path,
};
