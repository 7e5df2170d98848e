/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device of a vif as the toolstack writes it in xenstore: backend and
 * frontend paths, "mac", the MTU, probing (advertising features and
 * InitWait) and the watches.
 *
 * The toolstack may write the device before or after the vif is created
 * and rewrite it while the vif lives (libxl's attach removes and re-creates
 * the backend directory in one transaction). So a probe reads the device
 * and writes its answer in ONE transaction: if the toolstack commits in
 * between, the transaction fails and the probe starts over on the new
 * keys, instead of answering InitWait to a device it has not read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "xnb_log.h"
#include "xnb_vif_int.h"
#include "xnb_xsval.h"

/* What the toolstack wrote for the device, read at a probe. */
struct vif_device {
	char fe_path[XNB_VIF_PATH_LEN];
	bool mac_ok;
	uint8_t mac[6];
};

static const struct vif_watch {
	bool fe;          /* on the frontend path, else on the backend's */
	const char *key;
	const char *kind;
} vif_watches[] = {
	{ true, "state", XNB_VIF_WATCH_FE_STATE },
	{ true, "request-multicast-control", XNB_VIF_WATCH_MCAST },
	{ false, "online", XNB_VIF_WATCH_BE },
	{ false, "state", XNB_VIF_WATCH_BE },
};

int
xnb_vif_dev_init(struct xnb_vif *vif, const char *backend_path)
{
	char *own;
	int n;

	if (backend_path != NULL) {
		n = snprintf(vif->be_path, XNB_VIF_PATH_LEN, "%s",
			     backend_path);
	} else {
		own = vif->hv->ops->xs_domain_path(vif->hv, vif->hv->domid);
		if (own == NULL)
			return -errno;
		n = snprintf(vif->be_path, XNB_VIF_PATH_LEN,
			     "%s/backend/vif/%u/%u", own, vif->domid,
			     vif->devid);
		free(own);
	}
	return n < 0 || n >= XNB_VIF_PATH_LEN ? -ENAMETOOLONG : 0;
}

/* A character of a plain xenstore path component. */
static bool
xs_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '-' || c == '_';
}

/*
 * The toolstack names the frontend. Trust it only as a plain path inside
 * the guest's own domain: no empty component, no trailing '/', no NUL.
 */
static bool
fe_path_ok(const struct xnb_vif *vif, const char *p, unsigned int len)
{
	char prefix[32];
	unsigned int i;
	int n;

	n = snprintf(prefix, sizeof(prefix), "/local/domain/%u/", vif->domid);
	if (len <= (unsigned int)n || len >= XNB_VIF_PATH_LEN ||
	    memcmp(p, prefix, n) != 0)
		return false;
	for (i = n; i < len; i++)
		if (!xs_name_char(p[i]) &&
		    (p[i] != '/' || p[i - 1] == '/' || i + 1 == len))
			return false;
	return true;
}

static void
read_mac_key(struct xnb_vif *vif, xnb_xs_txn_t t, bool *ok, uint8_t mac[6])
{
	char path[XNB_VIF_PATH_LEN];
	unsigned int len = 0;
	char *v = NULL;

	*ok = false;
	if (xnb_vif_path_join(path, vif->be_path, "mac") == 0)
		v = vif->hv->ops->xs_read(vif->hv, t, path, &len);
	if (v != NULL)
		*ok = xnb_parse_mac(v, len, mac) == 0;
	free(v);
}

static void
read_device(struct xnb_vif *vif, xnb_xs_txn_t t, struct vif_device *d)
{
	char path[XNB_VIF_PATH_LEN];
	unsigned int len = 0;
	char *v = NULL;

	if (xnb_vif_path_join(path, vif->be_path, "frontend") == 0)
		v = vif->hv->ops->xs_read(vif->hv, t, path, &len);
	if (v != NULL && fe_path_ok(vif, v, len)) {
		memcpy(d->fe_path, v, len);
		d->fe_path[len] = '\0';
	} else {
		if (v != NULL)
			XNB_LOG(WARNING, "vif %u.%u: ignoring a frontend path "
				"that is not the guest's", vif->domid,
				vif->devid);
		snprintf(d->fe_path, sizeof(d->fe_path),
			 "/local/domain/%u/device/vif/%u", vif->domid,
			 vif->devid);
	}
	free(v);
	read_mac_key(vif, t, &d->mac_ok, d->mac);
}

/* Advertise the features (and the MTU, if set) in transaction t. */
static int
write_features(struct xnb_vif *vif, xnb_xs_txn_t t)
{
	static const char *const one[] = {
		"feature-sg", "feature-gso-tcpv4", "feature-gso-tcpv6",
		"feature-ipv6-csum-offload", "feature-rx-copy",
		"feature-split-event-channels", "feature-ctrl-ring",
		"feature-multicast-control",
		"feature-dynamic-multicast-control", "feature-xdp-headroom",
	};
	char path[XNB_VIF_PATH_LEN];
	unsigned int i;
	int ret = 0;

	for (i = 0; i < RTE_DIM(one) && ret == 0; i++) {
		ret = xnb_vif_path_join(path, vif->be_path, one[i]);
		if (ret == 0)
			ret = xnb_xs_printf(vif->hv, t, path, "1");
	}
	if (ret == 0)
		ret = xnb_vif_path_join(path, vif->be_path, "feature-rx-flip");
	if (ret == 0)
		ret = xnb_xs_printf(vif->hv, t, path, "0");
	if (ret == 0)
		ret = xnb_vif_path_join(path, vif->be_path,
					"multi-queue-max-queues");
	if (ret == 0)
		ret = xnb_xs_printf(vif->hv, t, path, "%u", vif->max_queues);
	if (ret == 0 && vif->mtu != 0) {
		ret = xnb_vif_path_join(path, vif->be_path, "mtu");
		if (ret == 0)
			ret = xnb_xs_printf(vif->hv, t, path, "%u", vif->mtu);
	}
	return ret;
}

/* One probe transaction (the state too, if asked); d is filled even
 * when it fails. */
static int
probe_once(struct xnb_vif *vif, struct vif_device *d, bool state)
{
	const struct xnb_hv_ops *ops = vif->hv->ops;
	char path[XNB_VIF_PATH_LEN];
	xnb_xs_txn_t t;
	int ret = 0;

	t = ops->xs_transaction_start(vif->hv);
	if (t == XNB_XS_TXN_NULL)
		ret = errno != 0 ? -errno : -EIO;
	read_device(vif, t, d);
	if (ret < 0)
		return ret;
	ret = write_features(vif, t);
	if (ret == 0 && state)
		ret = xnb_vif_path_join(path, vif->be_path, "state");
	if (ret == 0 && state)
		ret = xnb_xs_printf(vif->hv, t, path, "%d", vif->sm.be);
	if (ret < 0) {
		ops->xs_transaction_end(vif->hv, t, true);
		return ret;
	}
	return ops->xs_transaction_end(vif->hv, t, false);
}

static int
set_watch(struct xnb_vif *vif, const struct vif_watch *w, bool add)
{
	char path[XNB_VIF_PATH_LEN], token[XNB_VIF_TOKEN_LEN + 4];
	int ret;

	ret = xnb_vif_path_join(path, w->fe ? vif->fe_path : vif->be_path,
				w->key);
	if (ret < 0)
		return ret;
	snprintf(token, sizeof(token), "%s%s", vif->token, w->kind);
	if (add)
		return vif->hv->ops->xs_watch(vif->hv, path, token);
	return vif->hv->ops->xs_unwatch(vif->hv, path, token);
}

/* (Un)register the frontend's (fe) or the backend's watches. */
static int
set_watches(struct xnb_vif *vif, bool fe, bool add)
{
	unsigned int i;
	int ret = 0, r;

	for (i = 0; i < RTE_DIM(vif_watches); i++) {
		if (vif_watches[i].fe != fe)
			continue;
		r = set_watch(vif, &vif_watches[i], add);
		if (r < 0 && ret == 0)
			ret = r;
		if (r < 0 && add)
			break;
	}
	return ret;
}

int
xnb_vif_dev_watches(struct xnb_vif *vif, bool add)
{
	int ret = set_watches(vif, true, add);

	if (ret == 0 || !add) {
		int r = set_watches(vif, false, add);

		if (ret == 0)
			ret = r;
	}
	return ret;
}

/* Follow the frontend to path (the watches too, once created). */
static void
set_frontend(struct xnb_vif *vif, const char *path)
{
	int ret;

	if (strcmp(path, vif->fe_path) == 0)
		return;
	if (vif->watching)
		set_watches(vif, true, false);
	snprintf(vif->fe_path, sizeof(vif->fe_path), "%s", path);
	if (!vif->watching)
		return;
	XNB_LOG(INFO, "vif %u.%u: frontend now at %s", vif->domid, vif->devid,
		vif->fe_path);
	/* A new watch fires once: the frontend's state is read then. */
	ret = set_watches(vif, true, true);
	if (ret < 0)
		XNB_LOG(ERR, "vif %u.%u: cannot watch the frontend: %s",
			vif->domid, vif->devid, strerror(-ret));
}

/* Take a MAC just read; tell the owner when it changed. */
static void
set_mac(struct xnb_vif *vif, bool ok, const uint8_t mac[6])
{
	bool changed = ok != vif->mac_ok ||
		(ok && memcmp(mac, vif->mac, sizeof(vif->mac)) != 0);

	vif->mac_ok = ok;
	if (ok)
		memcpy(vif->mac, mac, sizeof(vif->mac));
	if (changed && vif->watching && vif->cb.mac_change != NULL)
		vif->cb.mac_change(vif->cb_arg);
}

/*
 * "<frontend>/mtu" (netif.h "MTU"), only into a frontend device that
 * exists (its "state" is there), checked and written in one transaction:
 * never create a device directory in the guest's tree. Best effort.
 */
static void
write_fe_mtu(struct xnb_vif *vif)
{
	const struct xnb_hv_ops *ops = vif->hv->ops;
	char state[XNB_VIF_PATH_LEN], path[XNB_VIF_PATH_LEN];
	unsigned int tries, len = 0;
	xnb_xs_txn_t t;
	int ret = -EAGAIN;
	char *v;

	if (xnb_vif_path_join(state, vif->fe_path, "state") < 0 ||
	    xnb_vif_path_join(path, vif->fe_path, "mtu") < 0)
		return;
	for (tries = 0; tries < XNB_VIF_TXN_RETRIES && ret == -EAGAIN;
	     tries++) {
		t = ops->xs_transaction_start(vif->hv);
		if (t == XNB_XS_TXN_NULL) {
			ret = errno != 0 ? -errno : -EIO;
			break;
		}
		v = ops->xs_read(vif->hv, t, state, &len);
		if (v == NULL) {
			ops->xs_transaction_end(vif->hv, t, true);
			return;
		}
		free(v);
		ret = xnb_xs_printf(vif->hv, t, path, "%u", vif->mtu);
		if (ret < 0) {
			ops->xs_transaction_end(vif->hv, t, true);
			break;
		}
		ret = ops->xs_transaction_end(vif->hv, t, false);
	}
	if (ret < 0)
		XNB_LOG(NOTICE, "vif %u.%u: cannot tell the frontend its MTU "
			"at %s: %s", vif->domid, vif->devid, path,
			strerror(-ret));
}

void
xnb_vif_dev_probe(struct xnb_vif *vif, bool state)
{
	struct vif_device d;
	unsigned int tries;
	int ret;

	for (tries = 1; ; tries++) {
		ret = probe_once(vif, &d, state);
		if (ret != -EAGAIN || tries == XNB_VIF_TXN_RETRIES)
			break;
	}
	if (ret < 0)
		XNB_LOG(ERR, "vif %u.%u: cannot advertise the features and "
			"%s: %s", vif->domid, vif->devid,
			xnb_xb_state_name(vif->sm.be), strerror(-ret));
	set_frontend(vif, d.fe_path);
	set_mac(vif, d.mac_ok, d.mac);
	if (vif->mtu != 0)
		write_fe_mtu(vif);
}

bool
xnb_vif_dev_left_connected(struct xnb_vif *vif)
{
	char path[XNB_VIF_PATH_LEN];
	uint32_t st;

	return xnb_vif_path_join(path, vif->be_path, "state") == 0 &&
		xnb_xs_read_uint(vif->hv, path, XNB_XB_NR_STATES - 1,
				 &st) == 0 &&
		st == XNB_XB_CONNECTED;
}

void
xnb_vif_dev_read_mac(struct xnb_vif *vif)
{
	uint8_t mac[6];
	bool ok;

	read_mac_key(vif, XNB_XS_TXN_NULL, &ok, mac);
	set_mac(vif, ok, mac);
}

int
xnb_vif_mac(const struct xnb_vif *vif, uint8_t mac[6])
{
	if (!vif->mac_ok)
		return -ENOENT;
	memcpy(mac, vif->mac, sizeof(vif->mac));
	return 0;
}

int
xnb_vif_set_mtu(struct xnb_vif *vif, uint32_t mtu)
{
	char path[XNB_VIF_PATH_LEN];
	int ret;

	if (mtu < XNB_VIF_MIN_MTU || mtu > XNB_VIF_MAX_MTU)
		return -EINVAL;
	vif->mtu = mtu;
	/* Never re-create a directory the toolstack removed: the next
	 * probe writes it. */
	if (vif->be_gone || vif->sm.removed)
		return 0;
	ret = xnb_vif_path_join(path, vif->be_path, "mtu");
	if (ret == 0)
		ret = xnb_xs_printf(vif->hv, XNB_XS_TXN_NULL, path, "%u", mtu);
	if (ret < 0)
		return ret;
	write_fe_mtu(vif);
	return 0;
}
