/* SPDX-License-Identifier: BSD-3-Clause */
/* Choosing and opening a hypervisor implementation behind the seam. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#include "xnb_hv.h"
#include "xnb_log.h"

RTE_LOG_REGISTER_SUFFIX(xnb_logtype, lib, NOTICE);

static const struct xnb_hv_ops *const hv_impls[] = {
	&xnb_hv_xen_ops,
	&xnb_hv_sim_ops,
};

struct xnb_hv *
xnb_hv_open(const char *kind, const char *arg)
{
	const struct xnb_hv_ops *ops = NULL;
	struct xnb_hv *hv;
	unsigned int i;
	int ret;

	for (i = 0; i < RTE_DIM(hv_impls); i++)
		if (strcmp(hv_impls[i]->name, kind) == 0)
			ops = hv_impls[i];
	if (ops == NULL) {
		XNB_LOG(ERR, "unknown hypervisor '%s' (use 'xen' or 'sim')",
			kind);
		errno = EINVAL;
		return NULL;
	}
	hv = calloc(1, sizeof(*hv));
	if (hv == NULL)
		return NULL;
	hv->ops = ops;
	ret = ops->open(hv, arg);
	if (ret < 0) {
		free(hv);
		errno = -ret;
		return NULL;
	}
	return hv;
}

void
xnb_hv_close(struct xnb_hv *hv)
{
	if (hv == NULL)
		return;
	hv->ops->close(hv);
	free(hv);
}

bool
xnb_hv_domain_dead(struct xnb_hv *hv, xnb_domid_t domid, xnb_gref_t ref)
{
	uint8_t byte;
	struct xnb_gcopy op = {
		.source.foreign = { .ref = ref, .domid = domid },
		.dest.virt = &byte,
		.len = 1,
		.flags = XNB_GCOPY_SOURCE_GREF,
	};

	return hv->ops->copy_grants(hv, &op, 1) == 0 &&
	       op.status == XNB_GNTST_BAD_DOMAIN;
}
