/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The backend half of the xenbus handshake, as xen-netback does it: a new
 * vif under backend/vif gets the feature keys and InitWait; the frontend's
 * Connected maps the rings and binds the event channels; frontend Closing/
 * Closed, or the toolstack writing state=Closing (online=0), disconnect and
 * end in Closed. Everything read from xenstore is checked: frontend keys are
 * guest input.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fe_pkt.h"
#include "tb.h"

#define TB_PATH_MAX 256

static char *
xs_get(struct tb *tb, const char *dir, const char *key)
{
	char path[TB_PATH_MAX];
	unsigned int len;

	if (snprintf(path, sizeof(path), "%s/%s", dir, key) >=
	    (int)sizeof(path))
		return NULL;
	return tb->hv->ops->xs_read(tb->hv, XNB_XS_TXN_NULL, path, &len);
}

/* A decimal in [0, max]: 0, -ENOENT, or -EINVAL for anything else. */
static int
parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	unsigned long x = 0;
	const char *p;

	if (s[0] == '\0' || strlen(s) > 10)
		return -EINVAL;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		x = x * 10 + (unsigned long)(*p - '0');
	}
	if (x > max)
		return -EINVAL;
	*v = x;
	return 0;
}

static int
xs_get_uint(struct tb *tb, const char *dir, const char *key,
	    unsigned long max, unsigned long *v)
{
	char *s = xs_get(tb, dir, key);
	int ret;

	if (s == NULL)
		return -ENOENT;
	ret = parse_uint(s, max, v);
	free(s);
	return ret;
}

/* Like xs_get_uint, def when absent or malformed. */
static unsigned long
xs_get_uint_def(struct tb *tb, const char *dir, const char *key,
		unsigned long max, unsigned long def)
{
	unsigned long v;

	return xs_get_uint(tb, dir, key, max, &v) == 0 ? v : def;
}

static int
xs_put(struct tb *tb, const char *dir, const char *key, const char *fmt, ...)
{
	char path[TB_PATH_MAX], val[32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (snprintf(path, sizeof(path), "%s/%s", dir, key) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	return tb->hv->ops->xs_write(tb->hv, XNB_XS_TXN_NULL, path, val,
				     (unsigned int)strlen(val));
}

static void
set_state(struct tb *tb, struct tb_vif *v, int state)
{
	int ret = xs_put(tb, v->be, "state", "%d", state);

	if (ret < 0)
		fprintf(stderr, "testback: %s: writing state %d: %s\n", v->be,
			state, strerror(-ret));
	else
		fprintf(stderr, "testback: %s: state %d -> %d\n", v->be,
			v->state, state);
	v->state = state;
}

bool
tb_vif_usable(const struct tb_vif *v)
{
	return v->connected && !v->fatal && !v->dead;
}

static void
disconnect(struct tb *tb, struct tb_vif *v)
{
	const struct xnb_hv_ops *ops = tb->hv->ops;
	unsigned int i;

	for (i = 0; i < v->nqueues; i++) {
		struct tb_queue *q = &v->q[i];

		if (q->port_rx >= 0 && q->port_rx != q->port_tx) {
			ops->evtchn_unbind(tb->ec, (uint32_t)q->port_rx);
			tb->bound--;
		}
		if (q->port_tx >= 0) {
			ops->evtchn_unbind(tb->ec, (uint32_t)q->port_tx);
			tb->bound--;
		}
		if (q->tx_map != NULL) {
			ops->unmap_grants(tb->hv, q->tx_map, 1);
			tb->mapped--;
		}
		if (q->rx_map != NULL) {
			ops->unmap_grants(tb->hv, q->rx_map, 1);
			tb->mapped--;
		}
		free(q->arena);
		memset(q, 0, sizeof(*q));
	}
	if (v->connected)
		tb->st.disconnects++;
	v->nqueues = 0;
	v->connected = false;
	v->fatal = false;
}

static void *
map_ring(struct tb *tb, struct tb_vif *v, xnb_gref_t ref)
{
	void *p = tb->hv->ops->map_grants(tb->hv, v->domid, &ref, 1, true,
					  NULL);

	if (p != NULL)
		tb->mapped++;
	return p;
}

static int
bind_port(struct tb *tb, struct tb_vif *v, const char *dir, const char *key,
	  int *port)
{
	unsigned long remote;
	int ret;

	ret = xs_get_uint(tb, dir, key, UINT32_MAX, &remote);
	if (ret < 0)
		return ret;
	ret = tb->hv->ops->evtchn_bind(tb->ec, v->domid,
				       (xnb_evtchn_port_t)remote);
	if (ret < 0)
		return ret;
	*port = ret;
	tb->bound++;
	return 0;
}

static int
connect_queue(struct tb *tb, struct tb_vif *v, struct tb_queue *q,
	      const char *dir)
{
	unsigned long tx_ref, rx_ref;
	char *split;
	int ret;

	ret = xs_get_uint(tb, dir, "tx-ring-ref", UINT32_MAX, &tx_ref);
	if (ret == 0)
		ret = xs_get_uint(tb, dir, "rx-ring-ref", UINT32_MAX, &rx_ref);
	if (ret < 0)
		return ret;
	q->tx_ref = (xnb_gref_t)tx_ref;
	q->arena = malloc(TB_ARENA);
	if (q->arena == NULL)
		return -ENOMEM;
	q->tx_map = map_ring(tb, v, (xnb_gref_t)tx_ref);
	if (q->tx_map == NULL)
		return -errno;
	q->rx_map = map_ring(tb, v, (xnb_gref_t)rx_ref);
	if (q->rx_map == NULL)
		return -errno;
	BACK_RING_INIT(&q->tx, (netif_tx_sring_t *)q->tx_map, FE_PAGE_SIZE);
	BACK_RING_INIT(&q->rx, (netif_rx_sring_t *)q->rx_map, FE_PAGE_SIZE);

	split = xs_get(tb, dir, "event-channel-tx");
	if (split != NULL) {
		free(split);
		ret = bind_port(tb, v, dir, "event-channel-tx", &q->port_tx);
		if (ret == 0)
			ret = bind_port(tb, v, dir, "event-channel-rx",
					&q->port_rx);
	} else {
		ret = bind_port(tb, v, dir, "event-channel", &q->port_tx);
		q->port_rx = q->port_tx;
	}
	return ret;
}

/* netback's connect(): read what the frontend wrote, map, bind. */
static int
connect_vif(struct tb *tb, struct tb_vif *v)
{
	char dir[TB_PATH_MAX];
	unsigned long nq;
	unsigned int i;
	int ret;

	if (xs_get_uint_def(tb, v->fe, "request-rx-copy", 1, 0) != 1 ||
	    xs_get_uint_def(tb, v->fe, "feature-rx-notify", 1, 0) != 1)
		return -EOPNOTSUPP;
	/* Rx data always starts at offset 0 here: no XDP headroom. */
	if (xs_get_uint_def(tb, v->fe, "xdp-headroom", 0xffff, 0) != 0)
		return -EOPNOTSUPP;
	nq = xs_get_uint_def(tb, v->fe, "multi-queue-num-queues",
			     tb->max_queues, 0);
	if (nq == 0)
		return -EINVAL;
	v->fe_sg = xs_get_uint_def(tb, v->fe, "feature-sg", 1, 0);
	v->fe_gso4 = xs_get_uint_def(tb, v->fe, "feature-gso-tcpv4", 1, 0);
	v->fe_gso6 = xs_get_uint_def(tb, v->fe, "feature-gso-tcpv6", 1, 0);
	/* Queues not reached yet must look unconnected to disconnect(). */
	for (i = 0; i < nq; i++) {
		v->q[i].vif = v;
		v->q[i].id = i;
		v->q[i].port_tx = -1;
		v->q[i].port_rx = -1;
	}
	v->nqueues = (unsigned int)nq;
	for (i = 0; i < nq; i++) {
		if (nq == 1)
			snprintf(dir, sizeof(dir), "%s", v->fe);
		else
			snprintf(dir, sizeof(dir), "%s/queue-%u", v->fe, i);
		ret = connect_queue(tb, v, &v->q[i], dir);
		if (ret < 0) {
			disconnect(tb, v);
			return ret;
		}
	}
	v->connected = true;
	tb->st.connects++;
	return 0;
}

static void
write_features(struct tb *tb, struct tb_vif *v)
{
	static const char *const one[] = {
		"feature-sg", "feature-gso-tcpv4", "feature-gso-tcpv6",
		"feature-ipv6-csum-offload", "feature-rx-copy",
		"feature-split-event-channels", "feature-xdp-headroom",
	};
	unsigned int i;

	for (i = 0; i < sizeof(one) / sizeof(one[0]); i++)
		xs_put(tb, v->be, one[i], "1");
	xs_put(tb, v->be, "feature-rx-flip", "0");
	xs_put(tb, v->be, "multi-queue-max-queues", "%u", tb->max_queues);
}

static void
vif_free(struct tb *tb, struct tb_vif *v)
{
	disconnect(tb, v);
	if (v->fe_state_path != NULL)
		tb->hv->ops->xs_unwatch(tb->hv, v->fe_state_path, "fe");
	free(v->fe_state_path);
	free(v->fe);
	free(v->be);
	free(v);
}

/* A vif the toolstack created: say what we offer, InitWait. */
static struct tb_vif *
vif_new(struct tb *tb, unsigned long domid, unsigned long devid)
{
	struct tb_vif *v = calloc(1, sizeof(*v));
	char path[TB_PATH_MAX];
	unsigned long fe_domid, st;
	char *mac;

	if (v == NULL)
		return NULL;
	v->domid = (uint16_t)domid;
	v->devid = (unsigned int)devid;
	snprintf(path, sizeof(path), "%s/%lu/%lu", tb->vifdir, domid, devid);
	v->be = strdup(path);
	if (v->be == NULL)
		goto free;
	v->fe = xs_get(tb, v->be, "frontend");
	/* The toolstack writes these with the vif; until then, wait. */
	if (v->fe == NULL || v->fe[0] != '/' ||
	    strlen(v->fe) > TB_PATH_MAX - 32 ||
	    xs_get_uint(tb, v->be, "frontend-id", 0x7fef, &fe_domid) < 0 ||
	    fe_domid != domid)
		goto free;
	mac = xs_get(tb, v->be, "mac");
	if (mac == NULL || fe_mac_parse(mac, v->mac) < 0)
		memset(v->mac, 0, sizeof(v->mac));
	free(mac);
	snprintf(path, sizeof(path), "%s/state", v->fe);
	v->fe_state_path = strdup(path);
	if (v->fe_state_path == NULL ||
	    tb->hv->ops->xs_watch(tb->hv, v->fe_state_path, "fe") < 0)
		goto free;

	st = xs_get_uint_def(tb, v->fe, "state", 8, XenbusStateUnknown);
	v->fe_stale = st == XenbusStateInitialised ||
		      st == XenbusStateConnected;
	write_features(tb, v);
	set_state(tb, v, XenbusStateInitWait);
	tb->st.vifs_seen++;
	return v;
free:
	free(v->fe_state_path);
	v->fe_state_path = NULL;
	free(v->fe);
	free(v->be);
	free(v);
	return NULL;
}

/* One byte copied from a Tx ring grant: fails once the domain died. */
static bool
frontend_dead(struct tb *tb, struct tb_vif *v)
{
	uint8_t byte;
	struct xnb_gcopy op = {
		.source.foreign = {
			.ref = v->q[0].tx_ref,
			.domid = v->domid,
		},
		.dest.virt = &byte,
		.len = 1,
		.flags = XNB_GCOPY_SOURCE_GREF,
	};

	return tb->hv->ops->copy_grants(tb->hv, &op, 1) == 0 &&
	       op.status == XNB_GNTST_BAD_DOMAIN;
}

static void
reap_dead(struct tb *tb, struct tb_vif *v)
{
	fprintf(stderr, "testback: %s: frontend domain died\n", v->be);
	v->dead = true;
	tb->st.dead++;
	disconnect(tb, v);
}

/* netback's frontend_changed plus the toolstack's Closing request. */
static void
vif_step(struct tb *tb, struct tb_vif *v)
{
	int own = (int)xs_get_uint_def(tb, v->be, "state", 8, 0);
	bool online = xs_get_uint_def(tb, v->be, "online", 1, 1) == 1;
	int fe = (int)xs_get_uint_def(tb, v->fe, "state", 8, 0);
	int ret;

	if (fe != XenbusStateInitialised && fe != XenbusStateConnected)
		v->fe_stale = false;
	/* The toolstack asks us to close (libxl device removal), maybe
	 * because the guest died: then its frontend will never close. */
	if (own == XenbusStateClosing && v->state != XenbusStateClosing &&
	    v->state != XenbusStateClosed) {
		if (v->connected && (v->dead || frontend_dead(tb, v)))
			reap_dead(tb, v);
		disconnect(tb, v);
		v->state = XenbusStateClosing;
	}

	switch (fe) {
	case XenbusStateConnected:
		if (v->state != XenbusStateInitWait || v->fe_stale)
			break;
		ret = connect_vif(tb, v);
		if (ret == 0) {
			set_state(tb, v, XenbusStateConnected);
			break;
		}
		fprintf(stderr, "testback: %s: connecting: %s\n", v->be,
			strerror(-ret));
		set_state(tb, v, XenbusStateClosing);
		break;
	case XenbusStateClosing:
		disconnect(tb, v);
		if (v->state != XenbusStateClosing &&
		    v->state != XenbusStateClosed)
			set_state(tb, v, XenbusStateClosing);
		break;
	case XenbusStateClosed:
		/* Closed before we came (we restarted): it may come back
		 * through Initialising, so keep waiting for it. */
		if (v->state == XenbusStateInitWait && !v->connected)
			break;
		/* fall through */
	case XenbusStateUnknown:
		disconnect(tb, v);
		if (v->state != XenbusStateClosed)
			set_state(tb, v, XenbusStateClosed);
		break;
	case XenbusStateInitialising:
		/* A frontend starting over (reconnect). */
		if (online && (v->state == XenbusStateConnected ||
			       v->state == XenbusStateClosed)) {
			disconnect(tb, v);
			set_state(tb, v, XenbusStateInitWait);
		}
		break;
	default:
		break;
	}
	/* A dead frontend never answers our Closing. */
	if (v->state == XenbusStateClosing && v->dead)
		set_state(tb, v, XenbusStateClosed);
}

/* Is name/devid listed under backend/vif? Returns the vif slot index. */
static int
find_vif(struct tb *tb, unsigned long domid, unsigned long devid)
{
	unsigned int i;

	for (i = 0; i < TB_MAX_VIFS; i++)
		if (tb->vifs[i] != NULL && tb->vifs[i]->domid == domid &&
		    tb->vifs[i]->devid == devid)
			return (int)i;
	return -1;
}

static void
add_vif(struct tb *tb, unsigned long domid, unsigned long devid)
{
	int i = find_vif(tb, domid, devid);

	if (i >= 0) {
		tb->vifs[i]->present = true;
		return;
	}
	for (i = 0; i < (int)TB_MAX_VIFS; i++) {
		if (tb->vifs[i] == NULL) {
			tb->vifs[i] = vif_new(tb, domid, devid);
			if (tb->vifs[i] != NULL)
				tb->vifs[i]->present = true;
			return;
		}
	}
	fprintf(stderr, "testback: no room for vif %lu/%lu\n", domid, devid);
}

static void
scan_domain(struct tb *tb, const char *name)
{
	char path[TB_PATH_MAX];
	unsigned long domid, devid;
	unsigned int n, i;
	char **devs;

	if (parse_uint(name, 0x7fef, &domid) < 0)
		return;
	snprintf(path, sizeof(path), "%s/%lu", tb->vifdir, domid);
	devs = tb->hv->ops->xs_directory(tb->hv, XNB_XS_TXN_NULL, path, &n);
	for (i = 0; devs != NULL && i < n; i++)
		if (parse_uint(devs[i], 65535, &devid) == 0)
			add_vif(tb, domid, devid);
	free(devs);
}

/*
 * libxl's add removes and re-makes the device directory in one
 * transaction, so the directory never looks absent: only its state,
 * Initialising again (we never write it), tells a device re-created under
 * a vif we still hold. It is a new device: probe it from scratch.
 */
static bool
recreated(struct tb *tb, const struct tb_vif *v)
{
	return v->state != XenbusStateInitialising &&
	       xs_get_uint_def(tb, v->be, "state", 8, 0) ==
	       XenbusStateInitialising &&
	       xs_get_uint_def(tb, v->be, "online", 1, 1) == 1;
}

void
tb_vif_reconcile(struct tb *tb)
{
	unsigned int n = 0, i;
	char **doms;

	for (i = 0; i < TB_MAX_VIFS; i++)
		if (tb->vifs[i] != NULL)
			tb->vifs[i]->present = false;
	doms = tb->hv->ops->xs_directory(tb->hv, XNB_XS_TXN_NULL, tb->vifdir,
					 &n);
	for (i = 0; doms != NULL && i < n; i++)
		scan_domain(tb, doms[i]);
	free(doms);
	for (i = 0; i < TB_MAX_VIFS; i++) {
		struct tb_vif *v = tb->vifs[i];

		if (v == NULL)
			continue;
		if (!v->present) {
			/* The toolstack removed it. */
			vif_free(tb, v);
			tb->vifs[i] = NULL;
		} else if (recreated(tb, v)) {
			uint16_t domid = v->domid;
			unsigned int devid = v->devid;

			fprintf(stderr, "testback: %s: device re-created by "
				"the toolstack\n", v->be);
			vif_free(tb, v);
			tb->vifs[i] = vif_new(tb, domid, devid);
			if (tb->vifs[i] != NULL)
				tb->vifs[i]->present = true;
		} else {
			vif_step(tb, v);
		}
	}
}

void
tb_vif_check_dead(struct tb *tb, bool probe)
{
	unsigned int i;

	for (i = 0; i < TB_MAX_VIFS; i++) {
		struct tb_vif *v = tb->vifs[i];

		if (v != NULL && v->connected &&
		    (v->dead || (probe && frontend_dead(tb, v))))
			reap_dead(tb, v);
	}
}

void
tb_vif_shutdown(struct tb *tb)
{
	unsigned int i;

	for (i = 0; i < TB_MAX_VIFS; i++) {
		struct tb_vif *v = tb->vifs[i];

		if (v == NULL)
			continue;
		disconnect(tb, v);
		if (v->state != XenbusStateClosed) {
			if (v->state != XenbusStateClosing)
				set_state(tb, v, XenbusStateClosing);
			set_state(tb, v, XenbusStateClosed);
		}
		vif_free(tb, v);
		tb->vifs[i] = NULL;
	}
}

int
tb_vif_init(struct tb *tb)
{
	char *dom = tb->hv->ops->xs_domain_path(tb->hv, tb->hv->domid);
	size_t len;

	if (dom == NULL)
		return -errno;
	len = strlen(dom) + sizeof("/backend/vif");
	tb->vifdir = malloc(len);
	if (tb->vifdir != NULL)
		snprintf(tb->vifdir, len, "%s/backend/vif", dom);
	free(dom);
	if (tb->vifdir == NULL)
		return -ENOMEM;
	if (tb->hv->ops->xs_watch(tb->hv, tb->vifdir, "be") < 0 ||
	    tb->hv->ops->xs_watch(tb->hv, "@releaseDomain", "rel") < 0)
		return -EIO;
	return 0;
}
