/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Toolstack stand-in: domain creation and destruction as libxl does them
 * in xenstore (libxl__domain_make, XS_INTRODUCE; device teardown, node
 * removal, XS_RELEASE).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
	return 0;
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

	snprintf(path, sizeof(path), "/local/domain/%u", *domid);
	if (!xs_rm(xl->xs, t, path) && errno != ENOENT)
		return -errno;
	snprintf(path, sizeof(path), "/libxl/%u", *domid);
	if (!xs_rm(xl->xs, t, path) && errno != ENOENT)
		return -errno;
	return 0;
}

int
xnb_simxl_domain_destroy(struct xnb_simxl *xl, uint16_t domid)
{
	struct xnb_simxl_nic_info info[64];
	int n, i, ret, first_err = 0;

	if (domid == 0 || domid > SIMXL_DOMID_MAX) {
		SIMXL_ERR("invalid domain id %u", domid);
		return -EINVAL;
	}
	/* Detach removes the device's nodes even when its backend is
	 * stuck, so every round makes progress or fails. */
	while ((n = xnb_simxl_nic_list(xl, domid, info, 64)) > 0) {
		for (i = 0; i < n && i < 64; i++) {
			ret = xnb_simxl_nic_detach(xl, domid, info[i].devid,
						   SIMXL_DESTROY_WAIT_MS);
			if (ret < 0 && ret != -ETIMEDOUT) {
				first_err = ret;
				break;
			}
		}
		if (first_err < 0)
			break;
	}
	if (n < 0 && n != -ENOENT)
		return n;
	ret = simxl_txn(xl, domain_remove, &domid);
	if (ret < 0) {
		SIMXL_ERR("cannot remove domain %u from xenstore: %s", domid,
			  strerror(-ret));
		return ret;
	}
	/* Already gone if the hypervisor reported its death. */
	if (!xs_release_domain(xl->xs, domid) && errno != ENOENT) {
		ret = -errno;
		SIMXL_ERR("cannot release domain %u: %s", domid,
			  strerror(errno));
		return ret;
	}
	return first_err;
}
