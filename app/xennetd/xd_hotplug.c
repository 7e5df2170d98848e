/* SPDX-License-Identifier: BSD-3-Clause */
/* Following backend/vif in xenstore: vifs come and go as net_xen ports. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>

#include "xd_config.h"
#include "xd_hotplug.h"
#include "xd_log.h"
#include "xd_port.h"
#include "xd_portctl.h"
#include "xd_ratelim.h"
#include "xd_xskeys.h"
#include "rte_pmd_xen.h"
#include "xnb_state.h"

#define XD_TOKEN_VIF "xd:vif"
#define XD_TOKEN_REL "xd:rel"
#define XD_TOKEN_FE "xd:fe:" /* + domid:devid */
#define XD_PATH_LEN 256
#define XD_RESET_MS 3000
#define XD_SHUTDOWN_POLL_MS 20

enum rec_state {
	REC_IDLE,      /* known, not served (waiting for the toolstack) */
	REC_RESETTING, /* we wrote Closed; waiting for the frontend */
	REC_SERVED,    /* a port serves it */
	REC_HELD,      /* the operator detached it */
	REC_FAILED,    /* the last probe failed */
};

static const char *const rec_state_names[] = {
	[REC_IDLE] = "idle",
	[REC_RESETTING] = "resetting",
	[REC_SERVED] = "served",
	[REC_HELD] = "held",
	[REC_FAILED] = "failed",
};

struct rec {
	uint16_t domid;
	uint32_t devid;
	enum rec_state st;
	int port;
	uint16_t queues;     /* 0: the default */
	uint64_t deadline;   /* REC_RESETTING, timer cycles */
	bool fe_watched;
	bool closing;        /* shutdown: waiting for Closed */
	char fe_state[XD_PATH_LEN];
	struct rec *next;
};

struct xd_hotplug {
	struct xd_hotplug_conf conf;
	char base[XD_PATH_LEN];      /* <own domain path>/backend/vif */
	bool watching;
	struct rec *recs;
};

struct xd_hotplug *
xd_hotplug_new(const struct xd_hotplug_conf *conf)
{
	struct xd_hotplug *hp = calloc(1, sizeof(*hp));
	char *dom;

	if (hp == NULL)
		return NULL;
	hp->conf = *conf;
	dom = conf->hv->ops->xs_domain_path(conf->hv, conf->hv->domid);
	if (dom == NULL) {
		free(hp);
		return NULL;
	}
	snprintf(hp->base, sizeof(hp->base), "%s/backend/vif", dom);
	free(dom);
	return hp;
}

void
xd_hotplug_set_defaults(struct xd_hotplug *hp, uint16_t queues, bool trusted)
{
	hp->conf.queues = queues;
	hp->conf.trusted = trusted;
}

/* ---- xenstore helpers ---- */

static char *
xs_get(struct xd_hotplug *hp, const char *path)
{
	struct xnb_hv *hv = hp->conf.hv;
	unsigned int len;
	char *v;

	v = hv->ops->xs_read(hv, XNB_XS_TXN_NULL, path, &len);
	/* Values are not NUL-terminated by contract: refuse embedded NULs
	 * (a guest cannot write here, but the toolstack could be buggy). */
	if (v != NULL && strlen(v) != len) {
		free(v);
		errno = EINVAL;
		return NULL;
	}
	return v;
}

static int
be_path(const struct xd_hotplug *hp, const struct rec *r, const char *key,
	char *buf)
{
	int n = snprintf(buf, XD_PATH_LEN, "%s/%u/%u%s%s", hp->base, r->domid,
			 r->devid, key != NULL ? "/" : "",
			 key != NULL ? key : "");

	return n < 0 || n >= XD_PATH_LEN ? -ENAMETOOLONG : 0;
}

/* A backend key as a xenbus state / 0-1 flag; -ENOENT when absent. */
static int
be_int(struct xd_hotplug *hp, const struct rec *r, const char *key)
{
	char path[XD_PATH_LEN], *v;
	int ret;

	if (be_path(hp, r, key, path) < 0)
		return -ENAMETOOLONG;
	v = xs_get(hp, path);
	if (v == NULL)
		return errno == ENOENT ? -ENOENT : -EIO;
	ret = xd_xs_parse_state(v);
	free(v);
	return ret;
}

static int
be_write_state(struct xd_hotplug *hp, const struct rec *r, int state)
{
	struct xnb_hv *hv = hp->conf.hv;
	char path[XD_PATH_LEN], v[4];

	if (be_path(hp, r, "state", path) < 0)
		return -ENAMETOOLONG;
	snprintf(v, sizeof(v), "%d", state);
	return hv->ops->xs_write(hv, XNB_XS_TXN_NULL, path, v,
				 (unsigned int)strlen(v));
}

/* ---- records ---- */

static struct rec *
rec_find(struct xd_hotplug *hp, uint16_t domid, uint32_t devid)
{
	struct rec *r;

	for (r = hp->recs; r != NULL; r = r->next)
		if (r->domid == domid && r->devid == devid)
			return r;
	return NULL;
}

static struct rec *
rec_get(struct xd_hotplug *hp, uint16_t domid, uint32_t devid)
{
	struct rec *r = rec_find(hp, domid, devid);

	if (r != NULL)
		return r;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->domid = domid;
	r->devid = devid;
	r->port = -1;
	r->next = hp->recs;
	hp->recs = r;
	return r;
}

static void
fe_unwatch(struct xd_hotplug *hp, struct rec *r)
{
	char token[48];

	if (!r->fe_watched)
		return;
	snprintf(token, sizeof(token), XD_TOKEN_FE "%u:%u", r->domid,
		 r->devid);
	hp->conf.hv->ops->xs_unwatch(hp->conf.hv, r->fe_state, token);
	r->fe_watched = false;
}

static void
rec_drop(struct xd_hotplug *hp, struct rec *r)
{
	struct rec **pp;

	fe_unwatch(hp, r);
	for (pp = &hp->recs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	}
	free(r);
}

/* ---- serving ---- */

static void
unserve(struct rec *r, enum rec_state next)
{
	if (r->st == REC_SERVED && r->port >= 0)
		xd_port_detach((uint16_t)r->port);
	r->port = -1;
	r->st = next;
}

/* Read what the toolstack configured for the vif and probe its port. */
static int
serve(struct xd_hotplug *hp, struct rec *r)
{
	struct xd_vif_params vp = {
		.domid = r->domid,
		.devid = r->devid,
		.queues = r->queues != 0 ? r->queues : hp->conf.queues,
		.trusted = hp->conf.trusted,
		.hv = hp->conf.hv_kind,
		.sim_dir = hp->conf.sim_dir,
	};
	char path[XD_PATH_LEN], *v;
	int ret;

	fe_unwatch(hp, r);
	if (be_path(hp, r, "vlan", path) == 0 &&
	    (v = xs_get(hp, path)) != NULL) {
		ret = v[0] == '\0' ? 0 : xd_xs_parse_vlan(v, &vp.vlan);
		if (ret < 0) {
			XD_LOG(ERR, "vif%u.%u: vlan '%.32s' %s: not served",
			       r->domid, r->devid, v, ret == -ENOTSUP ?
			       "makes a trunk (one VLAN only)" : "is invalid");
			free(v);
			r->st = REC_FAILED;
			return ret;
		}
		free(v);
	}
	if (be_path(hp, r, "rate", path) == 0 &&
	    (v = xs_get(hp, path)) != NULL) {
		/* As netback: a bad rate means no limit, with a warning. */
		if (v[0] != '\0' && xd_ratelim_parse(v, &vp.rate) < 0) {
			XD_LOG(WARNING, "vif%u.%u: rate '%.32s' invalid: "
			       "unlimited", r->domid, r->devid, v);
			vp.rate = 0;
		}
		free(v);
	}
	ret = xd_vif_attach(&vp);
	if (ret < 0) {
		XD_LOG(ERR, "vif%u.%u: cannot serve: %s", r->domid, r->devid,
		       strerror(-ret));
		r->st = REC_FAILED;
		return ret;
	}
	r->port = ret;
	r->st = REC_SERVED;
	return 0;
}

/* A frontend state key: 0..8, -errno when absent or invalid. */
static int
fe_state_at(struct xd_hotplug *hp, const char *path)
{
	char *v = xs_get(hp, path);
	int st;

	if (v == NULL)
		return -ENOENT;
	st = xd_xs_parse_state(v);
	free(v);
	return st;
}

/* The frontend state of a vif (path from the backend's "frontend"). */
static int
fe_state(struct xd_hotplug *hp, const struct rec *r)
{
	char path[XD_PATH_LEN], *fe;
	int n;

	fe = be_path(hp, r, "frontend", path) == 0 ? xs_get(hp, path) : NULL;
	if (fe == NULL)
		return -ENOENT;
	n = snprintf(path, sizeof(path), "%s/state", fe);
	free(fe);
	if (n < 0 || n >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return fe_state_at(hp, path);
}

/* Frontend closed (or gone, or never there): a reset vif may be probed. */
static bool
fe_settled(struct xd_hotplug *hp, struct rec *r)
{
	int st = r->fe_state[0] != '\0' ? fe_state_at(hp, r->fe_state) :
		 -ENOENT;

	return st < 0 || st == XNB_XB_UNKNOWN || st == XNB_XB_INITIALISING ||
	       st == XNB_XB_CLOSED;
}

/*
 * Put a vif Closed and wait for its frontend to follow before probing: a
 * frontend still closing when the new port writes InitWait would take the
 * port to Closed with it, and both would wait for the other.
 */
static void
reset(struct xd_hotplug *hp, struct rec *r, const char *why)
{
	char path[XD_PATH_LEN], token[48], *fe;
	int ret;

	r->st = REC_RESETTING;
	r->deadline = rte_get_timer_cycles() +
		      rte_get_timer_hz() * XD_RESET_MS / 1000;
	XD_LOG(INFO, "vif%u.%u: %s: Closed first, so the guest reconnects",
	       r->domid, r->devid, why);
	ret = be_write_state(hp, r, XNB_XB_CLOSED);
	if (ret < 0)
		XD_LOG(WARNING, "vif%u.%u: cannot write state: %s", r->domid,
		       r->devid, strerror(-ret));
	fe = be_path(hp, r, "frontend", path) == 0 ? xs_get(hp, path) : NULL;
	if (fe == NULL || snprintf(r->fe_state, sizeof(r->fe_state),
				   "%s/state", fe) >= (int)sizeof(r->fe_state)) {
		free(fe);
		r->fe_state[0] = '\0';
		return;
	}
	free(fe);
	snprintf(token, sizeof(token), XD_TOKEN_FE "%u:%u", r->domid,
		 r->devid);
	r->fe_watched = hp->conf.hv->ops->xs_watch(hp->conf.hv, r->fe_state,
						   token) == 0;
}

/* Decide what a vif needs from its backend directory. */
static void
evaluate(struct xd_hotplug *hp, uint16_t domid, uint32_t devid, bool adopt)
{
	struct rec *r = rec_find(hp, domid, devid);
	struct rec tmp = { .domid = domid, .devid = devid };
	int st, online;

	st = be_int(hp, r != NULL ? r : &tmp, "state");
	online = be_int(hp, r != NULL ? r : &tmp, "online");
	if (st == -ENOENT) {
		/* The toolstack removed the device. */
		if (r != NULL) {
			unserve(r, REC_IDLE);
			rec_drop(hp, r);
		}
		return;
	}
	if (st < 0)
		return;
	if (r == NULL) {
		r = rec_get(hp, domid, devid);
		if (r == NULL)
			return;
	}
	switch (r->st) {
	case REC_SERVED:
		if (online == 0 && st == XNB_XB_CLOSED) {
			unserve(r, REC_IDLE);
		} else if (st == XNB_XB_INITIALISING && online == 1) {
			/* Recreated by the toolstack under our port. */
			unserve(r, REC_IDLE);
			serve(hp, r);
		}
		break;
	case REC_RESETTING:
		break;
	case REC_HELD:
		if (st == XNB_XB_INITIALISING && online == 1)
			serve(hp, r);
		break;
	case REC_IDLE:
	case REC_FAILED:
		if (online != 1)
			break;
		if (st == XNB_XB_INITIALISING || (adopt &&
		    (st == XNB_XB_CLOSED || st == XNB_XB_CONNECTED)))
			serve(hp, r);
		else if (adopt && st != XNB_XB_CLOSING)
			reset(hp, r, "left by a previous backend");
		break;
	}
}

/* Every vif below base (adopt: the start-up scan). */
static void
scan(struct xd_hotplug *hp, bool adopt)
{
	struct xnb_hv *hv = hp->conf.hv;
	char **doms, **devs, path[XD_PATH_LEN];
	unsigned int nd, nv, i, j;
	uint16_t domid;
	uint32_t devid;

	doms = hv->ops->xs_directory(hv, XNB_XS_TXN_NULL, hp->base, &nd);
	if (doms == NULL)
		return;
	for (i = 0; i < nd; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", hp->base, doms[i]) >=
		    (int)sizeof(path) ||
		    xd_xs_parse_vif_path(path, hp->base, &domid, &devid) != 1)
			continue;
		devs = hv->ops->xs_directory(hv, XNB_XS_TXN_NULL, path, &nv);
		for (j = 0; devs != NULL && j < nv; j++) {
			char p2[XD_PATH_LEN];

			if (snprintf(p2, sizeof(p2), "%s/%s", path, devs[j]) <
			    (int)sizeof(p2) &&
			    xd_xs_parse_vif_path(p2, hp->base, &domid,
						 &devid) == 2)
				evaluate(hp, domid, devid, adopt);
		}
		free(devs);
	}
	free(doms);
}

/* Records whose backend directory vanished without a watch event we could
 * attribute (a whole domid directory removed). */
static void
sweep(struct xd_hotplug *hp, int only_domid)
{
	struct rec *r, *next;

	for (r = hp->recs; r != NULL; r = next) {
		next = r->next;
		if (only_domid < 0 || r->domid == only_domid)
			evaluate(hp, r->domid, r->devid, false);
	}
}

/* The grant reference of the frontend's (first) Tx ring, which the
 * guest wrote: parsed strictly. 0 or -errno. */
static int
fe_ring_ref(struct xd_hotplug *hp, const struct rec *r, uint32_t *ref)
{
	static const char *const keys[] = {
		"tx-ring-ref", "queue-0/tx-ring-ref",
	};
	char path[XD_PATH_LEN], *fe, *v;
	unsigned int i;
	uint64_t x;
	int ret = -ENOENT;

	if (be_path(hp, r, "frontend", path) < 0)
		return -ENAMETOOLONG;
	fe = xs_get(hp, path);
	if (fe == NULL)
		return -ENOENT;
	for (i = 0; i < RTE_DIM(keys) && ret == -ENOENT; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", fe, keys[i]) >=
		    (int)sizeof(path)) {
			ret = -ENAMETOOLONG;
			break;
		}
		v = xs_get(hp, path);
		if (v == NULL)
			continue;
		ret = xd_parse_u64(v, 0, UINT32_MAX, &x);
		*ref = (uint32_t)x;
		free(v);
	}
	free(fe);
	return ret;
}

/*
 * Whether r's domain is gone: the toolstack removed its xenstore directory
 * (xl destroy), or it died on its own while connected (a crash, a killed
 * process: its xenstore nodes stay until a toolstack cleans up, and its
 * grants stay mapped unless we let go), which its Tx ring grant tells. A
 * frontend that closed first (a clean shutdown) left nothing mapped: its
 * vif waits for the toolstack, as with netback.
 */
static bool
domain_gone(struct xd_hotplug *hp, const struct rec *r)
{
	struct xnb_hv *hv = hp->conf.hv;
	xnb_gref_t ref;
	unsigned int n;
	char **d, *dom;

	dom = hv->ops->xs_domain_path(hv, r->domid);
	if (dom == NULL)
		return false;
	d = hv->ops->xs_directory(hv, XNB_XS_TXN_NULL, dom, &n);
	free(dom);
	free(d);
	if (d == NULL && errno == ENOENT)
		return true;
	if (r->st != REC_SERVED || fe_state(hp, r) == XNB_XB_CLOSED ||
	    fe_ring_ref(hp, r, &ref) < 0)
		return false;
	return xnb_hv_domain_dead(hv, r->domid, ref);
}

/* @releaseDomain: drop the vifs of domains that no longer exist. */
static void
released(struct xd_hotplug *hp)
{
	struct rec *r, *next;

	for (r = hp->recs; r != NULL; r = next) {
		next = r->next;
		if (!domain_gone(hp, r))
			continue;
		XD_LOG(INFO, "vif%u.%u: domain %u is gone", r->domid, r->devid,
		       r->domid);
		unserve(r, REC_IDLE);
		rec_drop(hp, r);
	}
}

static void
on_event(struct xd_hotplug *hp, const char *path, const char *token)
{
	unsigned int domid, devid;
	uint16_t d = 0;
	uint32_t v = 0;
	struct rec *r;
	int depth;

	if (strcmp(token, XD_TOKEN_REL) == 0) {
		released(hp);
		return;
	}
	if (strncmp(token, XD_TOKEN_FE, strlen(XD_TOKEN_FE)) == 0) {
		if (sscanf(token + strlen(XD_TOKEN_FE), "%u:%u", &domid,
			   &devid) != 2)
			return;
		r = rec_find(hp, (uint16_t)domid, devid);
		if (r != NULL && r->st == REC_RESETTING && fe_settled(hp, r))
			serve(hp, r);
		return;
	}
	if (strcmp(token, XD_TOKEN_VIF) != 0)
		return;
	depth = xd_xs_parse_vif_path(path, hp->base, &d, &v);
	/* Paths we cannot parse are not vifs: ignored. */
	if (depth == 2) {
		evaluate(hp, d, v, false);
	} else if (depth >= 0) {
		sweep(hp, depth == 1 ? d : -1);
		scan(hp, false);
	}
}

void
xd_hotplug_on_xs(struct xd_hotplug *hp)
{
	struct xnb_hv *hv = hp->conf.hv;
	unsigned int num;
	char **vec;

	for (;;) {
		vec = hv->ops->xs_read_watch(hv, &num);
		if (vec == NULL) {
			if (errno != EAGAIN)
				XD_LOG_RL(ERR, "reading xenstore watches: %s",
					  strerror(errno));
			return;
		}
		if (num >= 2)
			on_event(hp, vec[0], vec[1]);
		free(vec);
	}
}

void
xd_hotplug_tick(struct xd_hotplug *hp)
{
	uint64_t now = rte_get_timer_cycles();
	struct rec *r;

	for (r = hp->recs; r != NULL; r = r->next) {
		if (r->st != REC_RESETTING)
			continue;
		if (now >= r->deadline || fe_settled(hp, r)) {
			if (now >= r->deadline)
				XD_LOG(NOTICE, "vif%u.%u: frontend did not "
				       "close in %d ms: serving anyway",
				       r->domid, r->devid, XD_RESET_MS);
			serve(hp, r);
		}
	}
}

void
xd_hotplug_port_removed(struct xd_hotplug *hp, uint16_t port)
{
	struct rec *r;

	for (r = hp->recs; r != NULL; r = r->next) {
		if (r->st == REC_SERVED && r->port == port) {
			XD_LOG(INFO, "vif%u.%u: removed by the toolstack",
			       r->domid, r->devid);
			unserve(r, REC_IDLE);
			return;
		}
	}
	/* Not a vif we serve (a physical port unplugged). */
	xd_port_detach(port);
}

int
xd_hotplug_start(struct xd_hotplug *hp)
{
	struct xnb_hv *hv = hp->conf.hv;
	int ret;

	ret = hv->ops->xs_watch(hv, hp->base, XD_TOKEN_VIF);
	if (ret == 0)
		ret = hv->ops->xs_watch(hv, "@releaseDomain", XD_TOKEN_REL);
	if (ret < 0) {
		XD_LOG(ERR, "cannot watch %s: %s", hp->base, strerror(-ret));
		return ret;
	}
	hp->watching = true;
	scan(hp, true);
	return 0;
}

/* Ask the served vifs to close and give their frontends a bounded time
 * to answer, so guests see the backend go Closing -> Closed. */
static void
close_all(struct xd_hotplug *hp, unsigned int timeout_ms)
{
	uint64_t deadline = rte_get_timer_cycles() +
			    rte_get_timer_hz() * timeout_ms / 1000;
	unsigned int left;
	struct rec *r;

	/* Only connected guests have anything to answer; the others just
	 * see Closed when the port goes. The PMD writes Closing and, once
	 * the frontend closed, Closed (its control thread follows the
	 * frontend meanwhile). */
	for (r = hp->recs; r != NULL; r = r->next) {
		r->closing = r->st == REC_SERVED && r->port >= 0 &&
			     fe_state(hp, r) == XNB_XB_CONNECTED;
		if (r->closing)
			r->closing = rte_pmd_xen_close((uint16_t)r->port) ==
				     -EINPROGRESS;
	}
	do {
		left = 0;
		for (r = hp->recs; r != NULL; r = r->next)
			if (r->closing &&
			    rte_pmd_xen_close((uint16_t)r->port) ==
			    -EINPROGRESS)
				left++;
		if (left == 0)
			break;
		rte_delay_us_sleep(XD_SHUTDOWN_POLL_MS * 1000);
	} while (rte_get_timer_cycles() < deadline);
	if (left > 0)
		XD_LOG(NOTICE, "%u vif(s) did not close in %u ms", left,
		       timeout_ms);
}

void
xd_hotplug_free(struct xd_hotplug *hp, unsigned int timeout_ms)
{
	struct xnb_hv *hv;

	if (hp == NULL)
		return;
	hv = hp->conf.hv;
	if (hp->watching) {
		hv->ops->xs_unwatch(hv, hp->base, XD_TOKEN_VIF);
		hv->ops->xs_unwatch(hv, "@releaseDomain", XD_TOKEN_REL);
	}
	close_all(hp, timeout_ms);
	while (hp->recs != NULL) {
		unserve(hp->recs, REC_IDLE);
		rec_drop(hp, hp->recs);
	}
	free(hp);
}

int
xd_hotplug_attach(struct xd_hotplug *hp, uint16_t domid, uint32_t devid)
{
	struct rec *r;
	int st;

	r = rec_get(hp, domid, devid);
	if (r == NULL)
		return -ENOMEM;
	if (r->st == REC_SERVED)
		return -EALREADY;
	st = be_int(hp, r, "state");
	if (st == -ENOENT) {
		rec_drop(hp, r);
		return -ENOENT;
	}
	if (st == XNB_XB_INITIALISING)
		return serve(hp, r);
	reset(hp, r, "attached by the operator");
	return 0;
}

int
xd_hotplug_detach(struct xd_hotplug *hp, uint16_t domid, uint32_t devid)
{
	struct rec *r = rec_find(hp, domid, devid);

	if (r == NULL || r->st != REC_SERVED)
		return -ENOENT;
	unserve(r, REC_HELD);
	return 0;
}

int
xd_hotplug_set_queues(struct xd_hotplug *hp, uint16_t domid, uint32_t devid,
		      uint16_t queues)
{
	struct rec *r = rec_find(hp, domid, devid);

	if (r == NULL)
		return -ENOENT;
	r->queues = queues;
	return 0;
}

unsigned int
xd_hotplug_list(const struct xd_hotplug *hp, struct xd_hotplug_vif *out,
		unsigned int max)
{
	const struct rec *r;
	unsigned int n = 0;

	for (r = hp->recs; r != NULL; r = r->next, n++) {
		if (n >= max)
			continue;
		out[n].domid = r->domid;
		out[n].devid = r->devid;
		out[n].state = rec_state_names[r->st];
		out[n].port = r->st == REC_SERVED ? r->port : -1;
		out[n].queues = r->queues != 0 ? r->queues : hp->conf.queues;
	}
	return n;
}
