/* SPDX-License-Identifier: BSD-3-Clause */
/* The control path of one vif: xenbus handshake over the seam. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "xnb_log.h"
#include "xnb_queue_int.h"
#include "xnb_vif_int.h"
#include "xnb_xsval.h"

static void vif_run(struct xnb_vif *vif, uint32_t act);

/* Write "error" (as xenbus_dev_fatal does) and log it. */
static void
vif_error(struct xnb_vif *vif, int err, const char *msg)
{
	char path[XNB_VIF_PATH_LEN];

	XNB_LOG(ERR, "vif %u.%u: %s (%s)", vif->domid, vif->devid, msg,
		strerror(err));
	if (vif->be_gone || xnb_vif_path_join(path, vif->be_path, "error") < 0)
		return;
	xnb_xs_printf(vif->hv, XNB_XS_TXN_NULL, path, "%d %s", err, msg);
}

static void
vif_queue_fatal(void *arg, uint16_t qid)
{
	struct xnb_vif *vif = arg;

	if (vif->cb.fatal != NULL)
		vif->cb.fatal(vif->cb_arg, qid);
}

static void
write_state(struct xnb_vif *vif)
{
	char path[XNB_VIF_PATH_LEN];
	int ret;

	if (vif->be_gone || xnb_vif_path_join(path, vif->be_path, "state") < 0)
		return;
	ret = xnb_xs_printf(vif->hv, XNB_XS_TXN_NULL, path, "%d", vif->sm.be);
	if (ret < 0)
		XNB_LOG(ERR, "vif %u.%u: cannot write state %s: %s",
			vif->domid, vif->devid, xnb_xb_state_name(vif->sm.be),
			strerror(-ret));
}

/* Read frontend key into *out; absent gives def. */
static int
fe_bool(struct xnb_vif *vif, const char *key, bool def, bool *out)
{
	char path[XNB_VIF_PATH_LEN];
	int ret;

	ret = xnb_vif_path_join(path, vif->fe_path, key);
	if (ret == 0)
		ret = xnb_xs_read_bool(vif->hv, path, def, out);
	if (ret < 0)
		vif_error(vif, -ret, key);
	return ret;
}

static int
fe_uint(struct xnb_vif *vif, const char *dir, const char *key, uint32_t max,
	uint32_t *out)
{
	char path[XNB_VIF_PATH_LEN];
	int ret;

	ret = xnb_vif_path_join(path, dir, key);
	if (ret == 0)
		ret = xnb_xs_read_uint(vif->hv, path, max, out);
	return ret;
}

/* Frontend feature keys; fills vif->feat except the queue layout. */
static int
read_features(struct xnb_vif *vif)
{
	struct xnb_vif_features *f = &vif->feat;
	uint32_t v;
	bool b;
	int ret;

	ret = fe_uint(vif, vif->fe_path, "request-rx-copy", 1, &v);
	if (ret < 0 || v != 1) {
		vif_error(vif, ret < 0 ? -ret : EOPNOTSUPP,
			  "frontend must use request-rx-copy");
		return ret < 0 ? ret : -EOPNOTSUPP;
	}
	if (fe_bool(vif, "feature-sg", false, &f->sg) < 0 ||
	    fe_bool(vif, "feature-gso-tcpv4", false, &f->gso_tcpv4) < 0 ||
	    fe_bool(vif, "feature-gso-tcpv6", false, &f->gso_tcpv6) < 0 ||
	    fe_bool(vif, "feature-no-csum-offload", false, &b) < 0 ||
	    fe_bool(vif, "feature-ipv6-csum-offload", false,
		    &f->csum_ipv6) < 0 ||
	    fe_bool(vif, "feature-rx-notify", false, &f->rx_notify) < 0 ||
	    fe_bool(vif, "request-multicast-control", false,
		    &f->mcast_control) < 0)
		return -EINVAL;
	f->csum_ipv4 = !b;
	/* GSO packets reach the guest only with a blank checksum. */
	f->gso_tcpv4 = f->gso_tcpv4 && f->sg;
	f->gso_tcpv6 = f->gso_tcpv6 && f->sg;

	ret = fe_uint(vif, vif->fe_path, "xdp-headroom", XNB_MAX_XDP_HEADROOM,
		      &v);
	if (ret == -ENOENT)
		v = 0;
	else if (ret < 0) {
		vif_error(vif, -ret, "bad xdp-headroom");
		return ret;
	}
	f->xdp_headroom = v;

	ret = fe_uint(vif, vif->fe_path, "multi-queue-num-queues",
		      vif->max_queues, &v);
	if (ret == -ENOENT)
		v = 1;
	else if (ret < 0 || v == 0) {
		vif_error(vif, ret < 0 ? -ret : EINVAL,
			  "bad multi-queue-num-queues");
		return ret < 0 ? ret : -EINVAL;
	}
	f->num_queues = v;
	return 0;
}

static struct xnb_rx_features
rx_features(const struct xnb_vif *vif)
{
	struct xnb_rx_features rf = {
		.sg = vif->feat.sg,
		.gso_tcpv4 = vif->feat.gso_tcpv4,
		.gso_tcpv6 = vif->feat.gso_tcpv6,
		.rx_notify = vif->feat.rx_notify,
		.mcast_filter = vif->feat.mcast_control,
		.xdp_headroom = vif->feat.xdp_headroom,
	};

	return rf;
}

static void *
map_ring(struct xnb_vif *vif, uint32_t gref)
{
	xnb_gref_t ref = gref;
	int16_t st = XNB_GNTST_OKAY;
	void *p;

	p = vif->hv->ops->map_grants(vif->hv, vif->domid, &ref, 1, true, &st);
	if (p == NULL)
		XNB_LOG(ERR, "vif %u.%u: cannot map ring gref %u: status %d",
			vif->domid, vif->devid, gref, st);
	return p;
}

static void
unmap_ring(struct xnb_vif *vif, void **ring)
{
	if (*ring == NULL)
		return;
	vif->hv->ops->unmap_grants(vif->hv, *ring, 1);
	*ring = NULL;
}

/* Rings and event channels of queue qid from directory dir. */
static int
connect_queue(struct xnb_vif *vif, uint16_t qid, const char *dir)
{
	struct xnb_queue *q = vif->queues[qid];
	uint32_t tx_ref, rx_ref, tx_port, rx_port;
	struct xnb_rx_features rf = rx_features(vif);
	int ret;

	if (fe_uint(vif, dir, "tx-ring-ref", UINT32_MAX, &tx_ref) < 0 ||
	    fe_uint(vif, dir, "rx-ring-ref", UINT32_MAX, &rx_ref) < 0) {
		vif_error(vif, EINVAL, "bad or missing ring-ref");
		return -EINVAL;
	}
	ret = fe_uint(vif, dir, "event-channel-tx", UINT32_MAX, &tx_port);
	if (ret == 0)
		ret = fe_uint(vif, dir, "event-channel-rx", UINT32_MAX,
			      &rx_port);
	if (ret == -ENOENT) {
		ret = fe_uint(vif, dir, "event-channel", UINT32_MAX,
			      &tx_port);
		rx_port = tx_port;
		vif->feat.split_evtchn = false;
	} else {
		vif->feat.split_evtchn = true;
	}
	if (ret < 0 || (vif->feat.split_evtchn && tx_port == rx_port)) {
		vif_error(vif, EINVAL, "bad or missing event-channel");
		return -EINVAL;
	}

	if (qid == 0)
		vif->probe_ref = tx_ref;
	vif->tx_ring[qid] = map_ring(vif, tx_ref);
	vif->rx_ring[qid] = map_ring(vif, rx_ref);
	if (vif->tx_ring[qid] == NULL || vif->rx_ring[qid] == NULL) {
		vif_error(vif, EIO, "cannot map rings");
		return -EIO;
	}
	ret = xnb_queue_bind(q, vif->domid, tx_port, rx_port);
	if (ret < 0) {
		vif_error(vif, -ret, "cannot bind event channel");
		return ret;
	}
	ret = xnb_txq_attach(xnb_queue_txq(q), vif->domid, vif->tx_ring[qid],
			     xnb_queue_evtchn(q),
			     xnb_queue_port(q, XNB_DIR_TX));
	if (ret == 0)
		ret = xnb_rxq_attach(xnb_queue_rxq(q), vif->domid,
				     vif->rx_ring[qid], xnb_queue_evtchn(q),
				     xnb_queue_port(q, XNB_DIR_RX), &rf);
	if (ret < 0)
		vif_error(vif, -ret, "frontend ring indices are corrupt");
	return ret;
}

static int
connect_ctrl(struct xnb_vif *vif)
{
	uint32_t ref, port;
	int ret;

	ret = fe_uint(vif, vif->fe_path, "ctrl-ring-ref", UINT32_MAX, &ref);
	if (ret == -ENOENT) {
		vif->feat.ctrl_ring = false;
		return 0;
	}
	if (ret == 0)
		ret = fe_uint(vif, vif->fe_path, "event-channel-ctrl",
			      UINT32_MAX, &port);
	if (ret < 0) {
		vif_error(vif, EINVAL, "bad control ring keys");
		return -EINVAL;
	}
	vif->ctrl_ring = map_ring(vif, ref);
	if (vif->ctrl_ring == NULL) {
		vif_error(vif, EIO, "cannot map the control ring");
		return -EIO;
	}
	ret = vif->hv->ops->evtchn_bind(vif->ec, vif->domid, port);
	if (ret < 0) {
		vif_error(vif, -ret, "cannot bind the control event channel");
		return ret;
	}
	vif->ctrl_port = ret;
	vif->ctrl_bound = true;
	ret = xnb_ctrl_attach(vif->ctrl, vif->domid, vif->ctrl_ring, vif->ec,
			      vif->ctrl_port, vif->feat.num_queues);
	if (ret < 0) {
		vif_error(vif, -ret, "control ring indices are corrupt");
		return ret;
	}
	vif->feat.ctrl_ring = true;
	return 0;
}

static void
disconnect(struct xnb_vif *vif)
{
	uint16_t i;

	for (i = 0; i < vif->max_queues; i++) {
		struct xnb_queue *q = vif->queues[i];

		xnb_queue_close(q);
		xnb_txq_detach(xnb_queue_txq(q));
		xnb_rxq_detach(xnb_queue_rxq(q));
		xnb_queue_unbind(q);
		unmap_ring(vif, &vif->tx_ring[i]);
		unmap_ring(vif, &vif->rx_ring[i]);
	}
	xnb_ctrl_detach(vif->ctrl);
	if (vif->ctrl_bound)
		vif->hv->ops->evtchn_unbind(vif->ec, vif->ctrl_port);
	vif->ctrl_bound = false;
	unmap_ring(vif, &vif->ctrl_ring);
	xnb_mcast_clear(&vif->mcast);
	vif->num_queues = 0;
}

/* Read the frontend's keys, map and bind everything; 0 or -errno (the
 * error node is written; partial work is undone by DISCONNECT). */
static int
connect(struct xnb_vif *vif)
{
	char dir[XNB_VIF_PATH_LEN];
	uint16_t i;
	int ret;

	/* The owner learns a new MAC before the link comes up. */
	xnb_vif_dev_read_mac(vif);
	memset(&vif->feat, 0, sizeof(vif->feat));
	ret = read_features(vif);
	if (ret < 0)
		return ret;
	for (i = 0; i < vif->feat.num_queues; i++) {
		if (vif->feat.num_queues == 1) {
			strcpy(dir, vif->fe_path);
		} else if (snprintf(dir, sizeof(dir), "%s/queue-%u",
				    vif->fe_path, i) >= (int)sizeof(dir)) {
			return -ENAMETOOLONG;
		}
		ret = connect_queue(vif, i, dir);
		if (ret < 0)
			return ret;
	}
	ret = connect_ctrl(vif);
	if (ret < 0)
		return ret;
	vif->num_queues = vif->feat.num_queues;
	for (i = 0; i < vif->num_queues; i++)
		xnb_queue_open(vif->queues[i]);
	XNB_LOG(INFO, "vif %u.%u: connected, %u queue(s)%s%s%s", vif->domid,
		vif->devid, vif->num_queues,
		vif->feat.split_evtchn ? ", split event channels" : "",
		vif->feat.sg ? ", sg" : "",
		vif->feat.ctrl_ring ? ", control ring" : "");
	return 0;
}

/*
 * An adopted connection: the guest may have responses or buffers waiting
 * for a kick the dead backend never sent. One notify on every channel.
 */
static void
notify_all(struct xnb_vif *vif)
{
	const struct xnb_hv_ops *ops = vif->hv->ops;
	struct xnb_queue *q;
	uint16_t i;

	for (i = 0; i < vif->num_queues; i++) {
		q = vif->queues[i];
		ops->evtchn_notify(xnb_queue_evtchn(q),
				   xnb_queue_port(q, XNB_DIR_TX));
		if (xnb_queue_port(q, XNB_DIR_RX) !=
		    xnb_queue_port(q, XNB_DIR_TX))
			ops->evtchn_notify(xnb_queue_evtchn(q),
					   xnb_queue_port(q, XNB_DIR_RX));
	}
	if (vif->ctrl_bound)
		ops->evtchn_notify(vif->ec, vif->ctrl_port);
}

/* CONNECT (adopt: take over the live connection of a dead backend). */
static void
run_connect(struct xnb_vif *vif, bool adopt)
{
	int ret = connect(vif);

	if (ret < 0 && adopt)
		XNB_LOG(WARNING, "vif %u.%u: cannot take over the connection "
			"left by an earlier backend (%s): closing it",
			vif->domid, vif->devid, strerror(-ret));
	vif_run(vif, xnb_sm_step(&vif->sm, ret == 0 ? XNB_SM_EV_CONNECTED :
				 XNB_SM_EV_CONNECT_FAILED, 0));
	if (ret == 0 && adopt && xnb_vif_connected(vif)) {
		notify_all(vif);
		XNB_LOG(INFO, "vif %u.%u: took over the connection left by an "
			"earlier backend", vif->domid, vif->devid);
	}
}

static void
close_gates(struct xnb_vif *vif)
{
	uint16_t i;

	for (i = 0; i < vif->max_queues; i++)
		xnb_queue_close(vif->queues[i]);
}

static void
read_xdp(struct xnb_vif *vif)
{
	struct xnb_rx_features rf;
	uint32_t v;
	uint16_t i;
	int ret;

	ret = fe_uint(vif, vif->fe_path, "xdp-headroom", XNB_MAX_XDP_HEADROOM,
		      &v);
	if (ret == -ENOENT)
		v = 0;
	else if (ret < 0) {
		/* Keep the old headroom; the guest only hurts itself. */
		vif_error(vif, -ret, "bad xdp-headroom");
		return;
	}
	vif->feat.xdp_headroom = v;
	rf = rx_features(vif);
	for (i = 0; i < vif->num_queues; i++)
		xnb_rxq_set_features(xnb_queue_rxq(vif->queues[i]), &rf);
}

static void
vif_run(struct xnb_vif *vif, uint32_t act)
{
	if (act & XNB_SM_ACT_LINK_DOWN) {
		close_gates(vif);
		if (vif->cb.link_change != NULL)
			vif->cb.link_change(vif->cb_arg, false);
	}
	if (act & XNB_SM_ACT_DISCONNECT)
		disconnect(vif);
	if (act & XNB_SM_ACT_WRITE_FEATURES) {
		/* Probing writes the state (InitWait) in its transaction;
		 * adopting leaves it as found (Connected). */
		xnb_vif_dev_probe(vif, act & XNB_SM_ACT_WRITE_STATE);
		act &= ~XNB_SM_ACT_WRITE_STATE;
	}
	if (act & XNB_SM_ACT_READ_XDP)
		read_xdp(vif);
	if (act & XNB_SM_ACT_WRITE_STATE)
		write_state(vif);
	if (act & XNB_SM_ACT_CONNECT)
		run_connect(vif, act & XNB_SM_ACT_ADOPT);
	if ((act & XNB_SM_ACT_LINK_UP) && vif->cb.link_change != NULL)
		vif->cb.link_change(vif->cb_arg, true);
	if (act & XNB_SM_ACT_REMOVE)
		XNB_LOG(INFO, "vif %u.%u: removed by the toolstack",
			vif->domid, vif->devid);
}

static void
free_vif(struct xnb_vif *vif)
{
	uint16_t i;

	if (vif->queues != NULL)
		for (i = 0; i < vif->max_queues; i++)
			xnb_queue_destroy(vif->queues[i]);
	if (vif->ec != NULL)
		vif->hv->ops->evtchn_close(vif->ec);
	xnb_ctrl_destroy(vif->ctrl);
	free(vif->queues);
	free(vif->tx_ring);
	free(vif->rx_ring);
	free(vif);
}

static int
alloc_queues(struct xnb_vif *vif, uint32_t backlog)
{
	struct xnb_queue_conf qc = {
		.hv = vif->hv, .backlog = backlog, .mcast = &vif->mcast,
		.fatal = vif_queue_fatal, .fatal_arg = vif,
	};
	uint16_t i;

	vif->queues = calloc(vif->max_queues, sizeof(*vif->queues));
	vif->tx_ring = calloc(vif->max_queues, sizeof(*vif->tx_ring));
	vif->rx_ring = calloc(vif->max_queues, sizeof(*vif->rx_ring));
	if (vif->queues == NULL || vif->tx_ring == NULL ||
	    vif->rx_ring == NULL)
		return -ENOMEM;
	for (i = 0; i < vif->max_queues; i++) {
		qc.qid = i;
		vif->queues[i] = xnb_queue_create(&qc);
		if (vif->queues[i] == NULL)
			return -errno;
	}
	return 0;
}

struct xnb_vif *
xnb_vif_create(const struct xnb_vif_conf *conf)
{
	struct xnb_vif *vif;
	int ret;

	if (conf->hv == NULL || conf->max_queues > XNB_VIF_MAX_QUEUES) {
		errno = EINVAL;
		return NULL;
	}
	vif = calloc(1, sizeof(*vif));
	if (vif == NULL)
		return NULL;
	vif->hv = conf->hv;
	vif->domid = conf->domid;
	vif->devid = conf->devid;
	vif->max_queues = conf->max_queues != 0 ? conf->max_queues :
		XNB_VIF_DEFAULT_QUEUES;
	if (conf->cb != NULL)
		vif->cb = *conf->cb;
	vif->cb_arg = conf->cb_arg;
	vif->revive = conf->revive;
	snprintf(vif->token, sizeof(vif->token), "xnb:%u:%u:", vif->domid,
		 vif->devid);
	xnb_sm_init(&vif->sm);
	xnb_mcast_init(&vif->mcast);

	ret = xnb_vif_dev_init(vif, conf->backend_path);
	if (ret < 0)
		goto free_vif;
	ret = alloc_queues(vif, conf->backlog != 0 ? conf->backlog :
			   XNB_VIF_DEFAULT_BACKLOG);
	if (ret < 0)
		goto free_vif;
	vif->ctrl = xnb_ctrl_create(vif->hv);
	vif->ec = vif->hv->ops->evtchn_open(vif->hv);
	if (vif->ctrl == NULL || vif->ec == NULL) {
		ret = -ENOMEM;
		goto free_vif;
	}
	/* A backend that died (killed, crashed) left the device Connected
	 * and its frontend maybe still using the rings: take them over when
	 * the frontend's state is read (the watch fires at once). */
	vif_run(vif, xnb_sm_step(&vif->sm, xnb_vif_dev_left_connected(vif) ?
				 XNB_SM_EV_ADOPT : XNB_SM_EV_PROBE, 0));
	ret = xnb_vif_dev_watches(vif, true);
	if (ret < 0)
		goto unwatch;
	vif->watching = true;
	return vif;

unwatch:
	xnb_vif_dev_watches(vif, false);
free_vif:
	free_vif(vif);
	errno = -ret;
	return NULL;
}

/*
 * Closed at destroy, in one transaction with reading the state: when it
 * reads Initialising (or is gone), the toolstack has re-created the device
 * since this vif last probed it, and its owner (xennetd) probes a new vif
 * for it; the dying one must not close that device under it.
 */
static int
write_final_state_once(struct xnb_vif *vif, const char *path)
{
	const struct xnb_hv_ops *ops = vif->hv->ops;
	unsigned int len;
	xnb_xs_txn_t t;
	char *v;
	int ret;

	t = ops->xs_transaction_start(vif->hv);
	if (t == XNB_XS_TXN_NULL)
		return errno != 0 ? -errno : -EIO;
	v = ops->xs_read(vif->hv, t, path, &len);
	if (v == NULL || (len == 1 && v[0] == '0' + XNB_XB_INITIALISING)) {
		free(v);
		ops->xs_transaction_end(vif->hv, t, true);
		return 0;
	}
	free(v);
	ret = xnb_xs_printf(vif->hv, t, path, "%d", XNB_XB_CLOSED);
	if (ret < 0) {
		ops->xs_transaction_end(vif->hv, t, true);
		return ret;
	}
	return ops->xs_transaction_end(vif->hv, t, false);
}

static void
write_final_state(struct xnb_vif *vif)
{
	char path[XNB_VIF_PATH_LEN];
	unsigned int tries;
	int ret;

	vif->sm.be = XNB_XB_CLOSED;
	if (vif->be_gone || xnb_vif_path_join(path, vif->be_path, "state") < 0)
		return;
	for (tries = 1; ; tries++) {
		ret = write_final_state_once(vif, path);
		if (ret != -EAGAIN || tries == XNB_VIF_TXN_RETRIES)
			break;
	}
	if (ret < 0)
		XNB_LOG(ERR, "vif %u.%u: cannot write state Closed: %s",
			vif->domid, vif->devid, strerror(-ret));
}

void
xnb_vif_destroy(struct xnb_vif *vif)
{
	if (vif == NULL)
		return;
	if (vif->watching)
		xnb_vif_dev_watches(vif, false);
	if (xnb_vif_connected(vif)) {
		close_gates(vif);
		if (vif->cb.link_change != NULL)
			vif->cb.link_change(vif->cb_arg, false);
	}
	disconnect(vif);
	if (vif->sm.be != XNB_XB_CLOSED && vif->sm.be != XNB_XB_INITIALISING)
		write_final_state(vif);
	free_vif(vif);
}

/*
 * Connected: why the frontend cannot answer a Closing, or NULL when it
 * may. Its device directory is gone (the watch event may still be
 * queued), or its domain died (crashed, killed: its xenstore nodes stay
 * until a toolstack cleans up), which its Tx ring grant tells.
 */
static const char *
frontend_gone(struct xnb_vif *vif)
{
	char path[XNB_VIF_PATH_LEN];
	uint32_t st;

	if (xnb_vif_path_join(path, vif->fe_path, "state") == 0 &&
	    xnb_xs_read_uint(vif->hv, path, UINT32_MAX, &st) == -ENOENT)
		return "its device was removed";
	if (xnb_hv_domain_dead(vif->hv, vif->domid, vif->probe_ref))
		return "its domain is dead";
	return NULL;
}

int
xnb_vif_close(struct xnb_vif *vif)
{
	const char *why;

	/* Never probed (no device yet) or already done: nothing to say. */
	if (vif->sm.removed || vif->sm.be == XNB_XB_INITIALISING)
		return 0;
	why = xnb_vif_connected(vif) ? frontend_gone(vif) : NULL;
	if (why != NULL) {
		XNB_LOG(INFO, "vif %u.%u: frontend gone (%s): closing without "
			"waiting for it", vif->domid, vif->devid, why);
		vif_run(vif, xnb_sm_step(&vif->sm, XNB_SM_EV_GUEST_GONE, 0));
	}
	/* The same path as the toolstack asking us to close (backend
	 * Closing or online=0): Closed at once when no frontend is there to
	 * answer, and no reconnect afterwards. */
	vif_run(vif, xnb_sm_step(&vif->sm, XNB_SM_EV_OFFLINE, 0));
	return vif->sm.be == XNB_XB_CLOSED ? 0 : -EINPROGRESS;
}

static void
on_frontend_state(struct xnb_vif *vif)
{
	char path[XNB_VIF_PATH_LEN];
	uint32_t st;
	int ret;

	ret = xnb_vif_path_join(path, vif->fe_path, "state");
	if (ret == 0)
		ret = xnb_xs_read_uint(vif->hv, path, UINT32_MAX, &st);
	if (ret == -ENOENT) {
		vif_run(vif, xnb_sm_step(&vif->sm, XNB_SM_EV_GUEST_GONE, 0));
		return;
	}
	if (ret < 0 || st >= XNB_XB_NR_STATES)
		st = XNB_XB_UNKNOWN;
	vif_run(vif, xnb_sm_step(&vif->sm, XNB_SM_EV_FRONTEND, st));
}

/* The toolstack (re)created the device: probe it as a new one. */
static void
reprobe(struct xnb_vif *vif)
{
	XNB_LOG(INFO, "vif %u.%u: device (re)created by the toolstack, "
		"probing it", vif->domid, vif->devid);
	vif->be_gone = false;
	vif_run(vif, xnb_sm_step(&vif->sm, XNB_SM_EV_REPROBE, 0));
	/* The frontend may be past Initialising already. */
	on_frontend_state(vif);
}

/*
 * The backend's "online" or "state" changed. Watch events may come late,
 * coalesced or out of order: act on the values read now, never on which
 * event fired.
 */
static void
on_backend(struct xnb_vif *vif)
{
	char path[XNB_VIF_PATH_LEN];
	uint32_t online = 1, st = 0;
	int ron, rst;

	ron = xnb_vif_path_join(path, vif->be_path, "online");
	if (ron == 0)
		ron = xnb_xs_read_uint(vif->hv, path, UINT32_MAX, &online);
	rst = xnb_vif_path_join(path, vif->be_path, "state");
	if (rst == 0)
		rst = xnb_xs_read_uint(vif->hv, path, UINT32_MAX, &st);
	/* We never write Initialising: only the toolstack does, when it
	 * writes the device. */
	if (rst == 0 && st == XNB_XB_INITIALISING &&
	    (ron < 0 || online != 0) && (!vif->sm.removed || vif->revive)) {
		reprobe(vif);
		return;
	}
	if (vif->sm.removed)
		return;
	if (ron == 0 && online == 0) {
		vif_run(vif, xnb_sm_step(&vif->sm, XNB_SM_EV_OFFLINE, 0));
	} else if (rst == -ENOENT) {
		/* Our directory went away: the toolstack tore us down. */
		vif->be_gone = true;
		vif_run(vif, xnb_sm_step(&vif->sm, XNB_SM_EV_OFFLINE, 0));
	} else if (rst == 0 && st == XNB_XB_CLOSING &&
		   vif->sm.be != XNB_XB_CLOSING) {
		/* The toolstack asks us to close (libxl device removal). */
		vif_run(vif, xnb_sm_step(&vif->sm, XNB_SM_EV_OFFLINE, 0));
	}
}

static void
on_mcast(struct xnb_vif *vif)
{
	struct xnb_rx_features rf;
	bool b;
	uint16_t i;

	if (fe_bool(vif, "request-multicast-control", false, &b) < 0)
		return;
	vif->feat.mcast_control = b;
	rf = rx_features(vif);
	for (i = 0; i < vif->num_queues; i++)
		xnb_rxq_set_features(xnb_queue_rxq(vif->queues[i]), &rf);
}

int
xnb_vif_watch_event(struct xnb_vif *vif, const char *path, const char *token)
{
	size_t n = strlen(vif->token);
	const char *kind;

	RTE_SET_USED(path);
	if (token == NULL || strncmp(token, vif->token, n) != 0)
		return -ENOENT;
	kind = token + n;
	if (strcmp(kind, XNB_VIF_WATCH_BE) == 0) {
		/* Even when removed: see conf.revive. */
		on_backend(vif);
	} else if (strcmp(kind, XNB_VIF_WATCH_FE_STATE) == 0) {
		if (!vif->sm.removed)
			on_frontend_state(vif);
	} else if (strcmp(kind, XNB_VIF_WATCH_MCAST) == 0) {
		if (!vif->sm.removed)
			on_mcast(vif);
	} else {
		return -ENOENT;
	}
	return 0;
}

int
xnb_vif_event_fd(const struct xnb_vif *vif)
{
	return vif->hv->ops->evtchn_fd(vif->ec);
}

int
xnb_vif_handle_events(struct xnb_vif *vif)
{
	const struct xnb_hv_ops *ops = vif->hv->ops;
	int port, ret;

	while ((port = ops->evtchn_pending(vif->ec)) >= 0)
		ops->evtchn_unmask(vif->ec, port);
	if (!vif->ctrl_bound || !xnb_vif_connected(vif))
		return 0;
	ret = xnb_ctrl_process(vif->ctrl);
	if (ret == -EPROTO) {
		vif_error(vif, EPROTO, "control ring overrun");
		vif_run(vif, xnb_sm_step(&vif->sm, XNB_SM_EV_FATAL, 0));
	}
	return ret;
}

void
xnb_vif_fatal(struct xnb_vif *vif)
{
	if (!xnb_vif_connected(vif))
		return;
	vif_error(vif, EPROTO, "frontend broke the netif protocol");
	vif_run(vif, xnb_sm_step(&vif->sm, XNB_SM_EV_FATAL, 0));
}

bool
xnb_vif_connected(const struct xnb_vif *vif)
{
	return vif->sm.be == XNB_XB_CONNECTED ||
		vif->sm.be == XNB_XB_RECONFIGURED;
}

enum xnb_xb_state
xnb_vif_state(const struct xnb_vif *vif)
{
	return vif->sm.be;
}

bool
xnb_vif_removed(const struct xnb_vif *vif)
{
	return vif->sm.removed;
}

const struct xnb_vif_features *
xnb_vif_features(const struct xnb_vif *vif)
{
	return &vif->feat;
}

uint16_t
xnb_vif_num_queues(const struct xnb_vif *vif)
{
	return vif->num_queues;
}

uint16_t
xnb_vif_max_queues(const struct xnb_vif *vif)
{
	return vif->max_queues;
}

struct xnb_queue *
xnb_vif_queue(struct xnb_vif *vif, uint16_t qid)
{
	return qid < vif->max_queues ? vif->queues[qid] : NULL;
}

struct xnb_ctrl *
xnb_vif_ctrl(struct xnb_vif *vif)
{
	return vif->ctrl;
}

const char *
xnb_vif_backend_path(const struct xnb_vif *vif)
{
	return vif->be_path;
}

const char *
xnb_vif_frontend_path(const struct xnb_vif *vif)
{
	return vif->fe_path;
}
