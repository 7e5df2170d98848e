/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Toolstack stand-in: domain creation and destruction as libxl does them
 * (libxl__domain_make, XS_INTRODUCE; libxl__destroy_domid: pause, forced
 * device removal, node removal, domain destruction).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xnb_sim_proto.h"
#include "simxl_int.h"

struct domain_args {
	uint16_t domid;
	const char *name;
};

static int
domain_make(struct xnb_simxl *xl, xs_transaction_t t, void *arg)
{
	/* Guest-owned directories libxl creates (rwperm). */
	static const char *const rw_dirs[] = {
		"device", "data", "drivers", "feature", "attr", "error",
		"control/shutdown",
	};
	const struct domain_args *a = arg;
	char path[96], id[8];
	unsigned int i;
	int ret;

	snprintf(path, sizeof(path), "/local/domain/%u", a->domid);
	if (!xs_rm(xl->xs, t, path) && errno != ENOENT)
		return -errno;
	/* roperm: dom0's, readable by the guest. */
	ret = simxl_mkdir_perms(xl, t, path, 0, a->domid);
	if (ret < 0)
		return ret;
	snprintf(path, sizeof(path), "/local/domain/%u/name", a->domid);
	ret = simxl_write(xl, t, path, a->name);
	if (ret < 0)
		return ret;
	snprintf(path, sizeof(path), "/local/domain/%u/domid", a->domid);
	snprintf(id, sizeof(id), "%u", a->domid);
	ret = simxl_write(xl, t, path, id);
	if (ret < 0)
		return ret;
	snprintf(path, sizeof(path), "/local/domain/%u/control", a->domid);
	ret = simxl_mkdir_perms(xl, t, path, 0, a->domid);
	if (ret < 0)
		return ret;
	for (i = 0; i < sizeof(rw_dirs) / sizeof(rw_dirs[0]); i++) {
		snprintf(path, sizeof(path), "/local/domain/%u/%s", a->domid,
			 rw_dirs[i]);
		ret = simxl_mkdir_perms(xl, t, path, a->domid, -1);
		if (ret < 0)
			return ret;
	}
	/* libxl's private records start empty (noperm): whatever a domain
	 * of the same id left there is gone. */
	snprintf(path, sizeof(path), "/libxl/%u", a->domid);
	if (!xs_rm(xl->xs, t, path) && errno != ENOENT)
		return -errno;
	ret = simxl_mkdir_perms(xl, t, path, 0, -1);
	if (ret < 0)
		return ret;
	snprintf(path, sizeof(path), "/libxl/%u/device", a->domid);
	return simxl_mkdir_perms(xl, t, path, 0, -1);
}

int
xnb_simxl_domain_create(struct xnb_simxl *xl, uint16_t domid,
			const char *name)
{
	struct domain_args a = { .domid = domid, .name = name };
	char def[16];
	int ret;

	if (domid == 0 || domid > SIMXL_DOMID_MAX) {
		SIMXL_ERR("invalid domain id %u", domid);
		return -EINVAL;
	}
	if (name == NULL) {
		snprintf(def, sizeof(def), "sim%u", domid);
		a.name = def;
	}
	if (xs_is_domain_introduced(xl->xs, domid)) {
		SIMXL_ERR("domain %u already exists", domid);
		return -EEXIST;
	}
	ret = simxl_txn(xl, domain_make, &a);
	if (ret < 0) {
		SIMXL_ERR("cannot write domain %u to xenstore: %s", domid,
			  strerror(-ret));
		return ret;
	}
	/* The simulator has no store ring: mfn 0, any valid port. */
	if (!xs_introduce_domain(xl->xs, domid, 0, 1)) {
		ret = -errno;
		SIMXL_ERR("cannot introduce domain %u: %s", domid,
			  strerror(errno));
		return ret;
	}
	return 0;
}

static int
domain_remove(struct xnb_simxl *xl, xs_transaction_t t, void *arg)
{
	const uint16_t *domid = arg;
	char path[96];
	int ret;

	snprintf(path, sizeof(path), "/local/domain/%u", *domid);
	ret = simxl_path_cleanup(xl, t, path);
	if (ret < 0 && ret != -ENOENT)
		return ret;
	snprintf(path, sizeof(path), "/libxl/%u", *domid);
	ret = simxl_path_cleanup(xl, t, path);
	return ret == -ENOENT ? 0 : ret;
}

/* A hypervisor call that may find nothing to act on: no simulator (a
 * real xenstored), no guest process registered, or one we cannot stop. */
static bool
hv_nothing_to_do(int ret)
{
	return ret == -ENOTSUP || ret == -ESRCH || ret == -EOPNOTSUPP ||
	       ret == -ENOENT || ret == -ECONNREFUSED;
}

int
xnb_simxl_domain_destroy(struct xnb_simxl *xl, uint16_t domid)
{
	int ret, first_err;

	if (domid == 0 || domid > SIMXL_DOMID_MAX) {
		SIMXL_ERR("invalid domain id %u", domid);
		return -EINVAL;
	}
	/* libxl__destroy_domid: the guest stops running first, so it never
	 * sees its devices go. */
	ret = simxl_hv_domain_ctl(xl, domid, XNB_SIM_DOMAIN_PAUSE);
	if (ret < 0 && !hv_nothing_to_do(ret))
		SIMXL_ERR("cannot pause domain %u: %s", domid, strerror(-ret));
	first_err = simxl_nic_destroy_all(xl, domid);
	ret = simxl_txn(xl, domain_remove, &domid);
	if (ret < 0) {
		SIMXL_ERR("cannot remove domain %u from xenstore: %s", domid,
			  strerror(-ret));
		return ret;
	}
	/* xc_domain_destroy: the guest process dies, the simulator fires
	 * @releaseDomain as Xen's VIRQ_DOM_EXC makes xenstored do. */
	ret = simxl_hv_domain_ctl(xl, domid, XNB_SIM_DOMAIN_DESTROY);
	if (ret < 0 && !hv_nothing_to_do(ret))
		SIMXL_ERR("cannot destroy domain %u: %s", domid,
			  strerror(-ret));
	/* No guest process (or a real xenstored): release it ourselves.
	 * Already gone if the domain died above or before. */
	if (!xs_release_domain(xl->xs, domid) && errno != ENOENT) {
		ret = -errno;
		SIMXL_ERR("cannot release domain %u: %s", domid,
			  strerror(errno));
		return ret;
	}
	return first_err;
}
