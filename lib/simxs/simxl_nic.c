/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Toolstack stand-in: vif attach, detach and listing with libxl's xenstore
 * layout (libxl__device_nic_add / libxl__device_generic_add,
 * libxl__initiate_device_generic_remove, libxl__device_destroy). libxl
 * keeps its own copy of each device under /libxl/<domid>/device/vif/<devid>
 * (readable by dom0 only); detach and list trust that copy, not the
 * guest-writable frontend directory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "simxl_int.h"

#define SIMXL_SCRIPT_DIR "/etc/xen/scripts"
#define SIMXL_MTU_DEFAULT 1500u
#define SIMXL_PATH_LEN 128
#define DIM(a) (sizeof(a) / sizeof((a)[0]))

struct kv {
	const char *key;
	const char *value; /* NULL: not written */
};

struct nic_paths {
	char fe[SIMXL_PATH_LEN];
	char be[SIMXL_PATH_LEN];
	char lx[SIMXL_PATH_LEN];
};

struct attach_args {
	const struct xnb_simxl_nic *nic;
	struct nic_paths p;
	char *script;
	char mac[18];
	char rate[48];
	unsigned int mtu;
	int devid;
};

static int
join(char *buf, const char *dir, const char *key)
{
	size_t dl = strlen(dir), kl = strlen(key);

	if (dl + 1 + kl + 1 > SIMXL_PATH_LEN)
		return -ENAMETOOLONG;
	memcpy(buf, dir, dl);
	buf[dl] = '/';
	memcpy(buf + dl + 1, key, kl + 1);
	return 0;
}

static int
write_kvs(struct xnb_simxl *xl, xs_transaction_t t, const char *dir,
	  const struct kv *kv, unsigned int n)
{
	char path[SIMXL_PATH_LEN];
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		if (kv[i].value == NULL)
			continue;
		ret = join(path, dir, kv[i].key);
		if (ret == 0)
			ret = simxl_write(xl, t, path, kv[i].value);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int
rm_ok_if_gone(struct xnb_simxl *xl, xs_transaction_t t, const char *path)
{
	if (!xs_rm(xl->xs, t, path) && errno != ENOENT)
		return -errno;
	return 0;
}

static void
nic_paths(struct nic_paths *p, uint16_t domid, uint16_t backend, int devid)
{
	snprintf(p->fe, sizeof(p->fe), "/local/domain/%u/device/vif/%d",
		 domid, devid);
	snprintf(p->be, sizeof(p->be), "/local/domain/%u/backend/vif/%u/%d",
		 backend, domid, devid);
	snprintf(p->lx, sizeof(p->lx), "/libxl/%u/device/vif/%d", domid,
		 devid);
}

static int
attach_txn(struct xnb_simxl *xl, xs_transaction_t t, void *arg)
{
	struct attach_args *a = arg;
	const struct xnb_simxl_nic *nic = a->nic;
	char dom[8], be_dom[8], handle[12], mtu[12], path[SIMXL_PATH_LEN];
	struct kv front[] = {
		{ "backend", a->p.be },
		{ "backend-id", be_dom },
		{ "state", "1" }, /* Initialising */
		{ "handle", handle },
		{ "mac", a->mac },
		{ "trusted", "1" },
	};
	struct kv back[] = {
		{ "frontend", a->p.fe },
		{ "frontend-id", dom },
		{ "online", "1" },
		{ "state", "1" }, /* Initialising */
		{ "script", a->script },
		{ "mac", a->mac },
		{ "ip", nic->ip },
		{ "rate", a->rate[0] != '\0' ? a->rate : NULL },
		{ "mtu", a->mtu != SIMXL_MTU_DEFAULT ? mtu : NULL },
		{ "vlan", nic->vlan },
		{ "bridge", nic->bridge != NULL ? nic->bridge : "xenbr0" },
		{ "handle", handle },
		{ "type", "vif" },
		/* Makes the backend wait for the hotplug script. */
		{ "hotplug-status", "" },
	};
	char *v;
	int ret;

	snprintf(dom, sizeof(dom), "%u", nic->domid);
	snprintf(be_dom, sizeof(be_dom), "%u", nic->backend);
	snprintf(handle, sizeof(handle), "%d", a->devid);
	snprintf(mtu, sizeof(mtu), "%u", a->mtu);
	ret = join(path, a->p.lx, "backend");
	if (ret < 0)
		return ret;
	v = simxl_read(xl, t, path);
	if (v != NULL) {
		free(v);
		return -EEXIST;
	}
	/* Frontend: the guest's, readable by the backend domain; mtu is the
	 * backend domain's, readable by the guest. */
	ret = rm_ok_if_gone(xl, t, a->p.fe);
	if (ret == 0)
		ret = simxl_mkdir_perms(xl, t, a->p.fe, nic->domid,
					nic->backend);
	if (ret == 0)
		ret = write_kvs(xl, t, a->p.fe, front, DIM(front));
	if (ret == 0)
		ret = join(path, a->p.fe, "mtu");
	if (ret == 0)
		ret = simxl_write(xl, t, path, mtu);
	if (ret == 0)
		ret = simxl_set_perms(xl, t, path, nic->backend, nic->domid);
	/* Backend: the backend domain's, readable by the guest. */
	if (ret == 0)
		ret = rm_ok_if_gone(xl, t, a->p.be);
	if (ret == 0)
		ret = simxl_mkdir_perms(xl, t, a->p.be, nic->backend,
					nic->domid);
	if (ret == 0)
		ret = write_kvs(xl, t, a->p.be, back, DIM(back));
	/* libxl's private copy: frontend, backend and the backend keys. */
	if (ret == 0)
		ret = rm_ok_if_gone(xl, t, a->p.lx);
	if (ret == 0)
		ret = write_kvs(xl, t, a->p.lx, back, DIM(back));
	if (ret == 0)
		ret = write_kvs(xl, t, a->p.lx, front, 1);
	return ret;
}

static int
remove_txn(struct xnb_simxl *xl, xs_transaction_t t, void *arg)
{
	const struct nic_paths *p = arg;
	int ret;

	ret = simxl_path_cleanup(xl, t, p->fe);
	if (ret == 0 || ret == -ENOENT)
		ret = simxl_path_cleanup(xl, t, p->be);
	if (ret == 0 || ret == -ENOENT)
		ret = simxl_path_cleanup(xl, t, p->lx);
	return ret == -ENOENT ? 0 : ret;
}

static int
remove_nodes(struct xnb_simxl *xl, struct nic_paths *p)
{
	int ret = simxl_txn(xl, remove_txn, p);

	if (ret < 0)
		SIMXL_ERR("cannot remove %s and %s: %s", p->fe, p->be,
			  strerror(-ret));
	return ret;
}

/* Highest numeric entry of dir plus one (0 when none), as libxl. */
static int
next_devid(struct xnb_simxl *xl, const char *dir)
{
	unsigned int i, n;
	char **d, *end;
	long id, next = 0;

	d = xs_directory(xl->xs, XBT_NULL, dir, &n);
	if (d == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		id = strtol(d[i], &end, 10);
		if (*end == '\0' && id >= 0 && id < INT32_MAX && id >= next)
			next = id + 1;
	}
	free(d);
	return (int)next;
}

static int
resolve_script(const char *script, char **out)
{
	int ret;

	if (strchr(script, '/') != NULL)
		ret = asprintf(out, "%s", script);
	else
		ret = asprintf(out, "%s/%s", SIMXL_SCRIPT_DIR, script);
	if (ret < 0)
		return -ENOMEM;
	if (access(*out, X_OK) < 0) {
		ret = -errno;
		SIMXL_ERR("hotplug script %s is not executable: %s", *out,
			  strerror(errno));
		free(*out);
		*out = NULL;
		return ret;
	}
	return 0;
}

static bool
backend_ready(const char *v)
{
	long s = v != NULL ? strtol(v, NULL, 10) : 0;

	/* InitWait, or already past it when the frontend was quick. */
	return s >= SIMXL_STATE_INITWAIT && s <= SIMXL_STATE_CONNECTED;
}

static int
check_nic(const struct xnb_simxl_nic *nic, struct attach_args *a)
{
	int ret;

	if (nic->domid == 0 || nic->domid > SIMXL_DOMID_MAX ||
	    nic->backend > SIMXL_DOMID_MAX || nic->backend == nic->domid) {
		SIMXL_ERR("invalid domain ids (guest %u, backend %u)",
			  nic->domid, nic->backend);
		return -EINVAL;
	}
	a->mtu = nic->mtu != 0 ? nic->mtu : SIMXL_MTU_DEFAULT;
	if (a->mtu < 68 || a->mtu > 65535) {
		SIMXL_ERR("invalid mtu %u", a->mtu);
		return -EINVAL;
	}
	ret = nic->mac != NULL ? simxl_parse_mac(nic->mac, a->mac) :
		simxl_random_mac(a->mac);
	if (ret < 0) {
		SIMXL_ERR("invalid mac '%s' (want xx:xx:xx:xx:xx:xx)",
			  nic->mac != NULL ? nic->mac : "");
		return ret;
	}
	if (nic->rate != NULL &&
	    simxl_parse_rate(nic->rate, a->rate, sizeof(a->rate)) < 0) {
		SIMXL_ERR("invalid rate '%s' (want e.g. 10Mb/s or 1MB/s@20ms)",
			  nic->rate);
		return -EINVAL;
	}
	if (nic->script != NULL)
		return resolve_script(nic->script, &a->script);
	return 0;
}

int
xnb_simxl_nic_attach(struct xnb_simxl *xl, const struct xnb_simxl_nic *nic)
{
	unsigned int timeout = nic->timeout_ms != 0 ? nic->timeout_ms :
		XNB_SIMXL_TIMEOUT_MS;
	struct attach_args a = { .nic = nic, .devid = nic->devid };
	char path[SIMXL_PATH_LEN];
	int ret;

	ret = check_nic(nic, &a);
	if (ret < 0)
		return ret;
	if (!xs_is_domain_introduced(xl->xs, nic->domid)) {
		SIMXL_ERR("domain %u does not exist", nic->domid);
		ret = -ENOENT;
		goto free_script;
	}
	if (a.devid < 0) {
		snprintf(path, sizeof(path), "/local/domain/%u/device/vif",
			 nic->domid);
		a.devid = next_devid(xl, path);
	}
	nic_paths(&a.p, nic->domid, nic->backend, a.devid);
	ret = simxl_txn(xl, attach_txn, &a);
	if (ret == -EEXIST) {
		SIMXL_ERR("vif %d of domain %u already exists", a.devid,
			  nic->domid);
		goto free_script;
	}
	if (ret < 0) {
		SIMXL_ERR("cannot write vif %d of domain %u: %s", a.devid,
			  nic->domid, strerror(-ret));
		goto free_script;
	}
	join(path, a.p.be, "state");
	ret = simxl_wait(xl, path, backend_ready, simxl_now_ms() + timeout);
	if (ret < 0) {
		SIMXL_ERR("backend %s did not reach InitWait within %u ms: "
			  "removing the device", a.p.be, timeout);
		goto remove;
	}
	if (a.script != NULL) {
		ret = simxl_hotplug(xl, a.script, a.p.be, nic->domid, a.devid,
				    true, simxl_now_ms() + timeout);
		if (ret < 0)
			goto remove;
	}
	free(a.script);
	return a.devid;

remove:
	remove_nodes(xl, &a.p);
free_script:
	free(a.script);
	return ret;
}

struct close_args {
	const struct nic_paths *p;
	bool force; /* domain destroy: the frontend goes first */
};

/* libxl__initiate_device_generic_remove's transaction. */
static int
close_txn(struct xnb_simxl *xl, xs_transaction_t t, void *arg)
{
	const struct close_args *a = arg;
	char path[SIMXL_PATH_LEN];
	int state, ret;

	/* Forced (destroy), the guest's nodes go before anything is asked:
	 * the guest is paused and must not see its backend close. */
	if (a->force) {
		ret = simxl_path_cleanup(xl, t, a->p->fe);
		if (ret < 0 && ret != -ENOENT)
			return ret;
	}
	ret = join(path, a->p->be, "state");
	if (ret < 0)
		return ret;
	state = simxl_read_int(xl, t, path);
	/* No backend left: only the frontend to clean up. */
	if (state < 0)
		return 0;
	ret = join(path, a->p->be, "online");
	if (ret == 0)
		ret = simxl_write(xl, t, path, "0");
	/* A backend that is Closed already stays so. */
	if (ret == 0 && state != SIMXL_STATE_CLOSED) {
		ret = join(path, a->p->be, "state");
		if (ret == 0)
			ret = simxl_write(xl, t, path, "5"); /* Closing */
	}
	return ret;
}

static bool
backend_closed(const char *v)
{
	return v == NULL || strtol(v, NULL, 10) == SIMXL_STATE_CLOSED;
}

/* The device's paths from libxl's private copy; -ENOENT if none. */
static int
lookup_nic(struct xnb_simxl *xl, uint16_t domid, int devid,
	   struct nic_paths *p, char **script)
{
	char path[SIMXL_PATH_LEN], *fe, *be;
	int ret = -ENOENT;

	snprintf(p->lx, sizeof(p->lx), "/libxl/%u/device/vif/%d", domid,
		 devid);
	join(path, p->lx, "frontend");
	fe = simxl_read(xl, XBT_NULL, path);
	join(path, p->lx, "backend");
	be = simxl_read(xl, XBT_NULL, path);
	if (fe != NULL && be != NULL && strlen(fe) < sizeof(p->fe) &&
	    strlen(be) < sizeof(p->be)) {
		strcpy(p->fe, fe);
		strcpy(p->be, be);
		ret = 0;
	}
	free(fe);
	free(be);
	if (ret == 0 && script != NULL) {
		join(path, p->lx, "script");
		*script = simxl_read(xl, XBT_NULL, path);
	}
	return ret;
}

int
xnb_simxl_nic_detach(struct xnb_simxl *xl, uint16_t domid, int devid,
		     unsigned int timeout_ms)
{
	unsigned int timeout = timeout_ms != 0 ? timeout_ms :
		XNB_SIMXL_TIMEOUT_MS;
	char path[SIMXL_PATH_LEN], *script = NULL;
	struct close_args ca;
	struct nic_paths p;
	int ret, hp;

	if (lookup_nic(xl, domid, devid, &p, &script) < 0) {
		SIMXL_ERR("domain %u has no vif %d", domid, devid);
		return -ENOENT;
	}
	ca.p = &p;
	ca.force = false;
	ret = simxl_txn(xl, close_txn, &ca);
	if (ret < 0) {
		SIMXL_ERR("cannot ask backend %s to close: %s", p.be,
			  strerror(-ret));
		goto out;
	}
	join(path, p.be, "state");
	ret = simxl_wait(xl, path, backend_closed, simxl_now_ms() + timeout);
	if (ret < 0)
		SIMXL_ERR("backend %s did not close within %u ms: removing "
			  "the device anyway", p.be, timeout);
	if (script != NULL) {
		hp = simxl_hotplug(xl, script, p.be, domid, devid, false,
				   simxl_now_ms() + timeout);
		if (hp < 0 && ret == 0)
			ret = hp;
	}
	hp = remove_nodes(xl, &p);
	if (hp < 0 && ret == 0)
		ret = hp;
out:
	free(script);
	return ret;
}

/* One vif of a domain being destroyed. */
struct doomed_nic {
	struct nic_paths p;
	char *script;
	int devid;
};

/* The domain's vifs from libxl's copy: a malloc()ed array (NULL when
 * there are none), count in *n. 0 or -ENOMEM. */
static int
doomed_nics(struct xnb_simxl *xl, uint16_t domid, struct doomed_nic **out,
	    unsigned int *n)
{
	char dir[SIMXL_PATH_LEN], **d, *end;
	struct doomed_nic *nics;
	unsigned int i, nd;
	long devid;

	*n = 0;
	*out = NULL;
	snprintf(dir, sizeof(dir), "/libxl/%u/device/vif", domid);
	d = xs_directory(xl->xs, XBT_NULL, dir, &nd);
	if (d == NULL || nd == 0) {
		free(d);
		return 0;
	}
	nics = calloc(nd, sizeof(*nics));
	if (nics == NULL) {
		free(d);
		return -ENOMEM;
	}
	for (i = 0; i < nd; i++) {
		devid = strtol(d[i], &end, 10);
		if (*end != '\0' || devid < 0 || devid > INT32_MAX ||
		    lookup_nic(xl, domid, (int)devid, &nics[*n].p,
			       &nics[*n].script) < 0)
			continue;
		nics[(*n)++].devid = (int)devid;
	}
	free(d);
	*out = nics;
	return 0;
}

int
simxl_nic_destroy_all(struct xnb_simxl *xl, uint16_t domid)
{
	struct close_args ca = { .force = true };
	char path[SIMXL_PATH_LEN];
	struct doomed_nic *nics;
	unsigned int i, n;
	int64_t deadline;
	int ret, first_err = 0;

	ret = doomed_nics(xl, domid, &nics, &n);
	if (ret < 0)
		return ret;
	/* As libxl's multidev: every device asked first, then waited for. */
	for (i = 0; i < n; i++) {
		ca.p = &nics[i].p;
		ret = simxl_txn(xl, close_txn, &ca);
		if (ret < 0) {
			SIMXL_ERR("cannot ask backend %s to close: %s",
				  nics[i].p.be, strerror(-ret));
			first_err = first_err ? first_err : ret;
		}
	}
	deadline = simxl_now_ms() + SIMXL_DESTROY_WAIT_MS;
	for (i = 0; i < n; i++) {
		join(path, nics[i].p.be, "state");
		if (simxl_wait(xl, path, backend_closed, deadline) < 0)
			SIMXL_ERR("backend %s did not close within %u ms: "
				  "removing the device anyway", nics[i].p.be,
				  SIMXL_DESTROY_WAIT_MS);
	}
	/* Forced: a failing script or node removal does not stop the
	 * destruction. */
	for (i = 0; i < n; i++) {
		if (nics[i].script != NULL)
			simxl_hotplug(xl, nics[i].script, nics[i].p.be, domid,
				      nics[i].devid, false,
				      simxl_now_ms() + XNB_SIMXL_TIMEOUT_MS);
		ret = remove_nodes(xl, &nics[i].p);
		first_err = first_err ? first_err : ret;
		free(nics[i].script);
	}
	free(nics);
	return first_err;
}

int
xnb_simxl_nic_list(struct xnb_simxl *xl, uint16_t domid,
		   struct xnb_simxl_nic_info *info, unsigned int max)
{
	char dir[SIMXL_PATH_LEN], path[SIMXL_PATH_LEN], **d, *end, *v;
	unsigned int i, n, count = 0;
	struct xnb_simxl_nic_info *ni;
	struct nic_paths p;
	long devid;

	snprintf(dir, sizeof(dir), "/libxl/%u/device/vif", domid);
	d = xs_directory(xl->xs, XBT_NULL, dir, &n);
	if (d == NULL)
		return errno == ENOENT ? 0 : -errno;
	for (i = 0; i < n; i++) {
		devid = strtol(d[i], &end, 10);
		if (*end != '\0' || devid < 0 || devid > INT32_MAX ||
		    lookup_nic(xl, domid, (int)devid, &p, NULL) < 0)
			continue;
		if (count++ >= max)
			continue;
		ni = &info[count - 1];
		memset(ni, 0, sizeof(*ni));
		ni->devid = (int)devid;
		ni->backend = -1;
		sscanf(p.be, "/local/domain/%d/", &ni->backend);
		snprintf(ni->be_path, sizeof(ni->be_path), "%s", p.be);
		join(path, p.lx, "mac");
		v = simxl_read(xl, XBT_NULL, path);
		snprintf(ni->mac, sizeof(ni->mac), "%s", v != NULL ? v : "");
		free(v);
		join(path, p.be, "state");
		ni->be_state = simxl_read_int(xl, XBT_NULL, path);
		join(path, p.fe, "state");
		ni->fe_state = simxl_read_int(xl, XBT_NULL, path);
		join(path, p.fe, "event-channel");
		ni->evtchn = simxl_read_int(xl, XBT_NULL, path);
		join(path, p.fe, "tx-ring-ref");
		ni->tx_ring_ref = simxl_read_int(xl, XBT_NULL, path);
		join(path, p.fe, "rx-ring-ref");
		ni->rx_ring_ref = simxl_read_int(xl, XBT_NULL, path);
	}
	free(d);
	return (int)count;
}
