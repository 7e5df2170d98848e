/* SPDX-License-Identifier: BSD-3-Clause */
/* net_xen devargs: rte_kvargs parsing with strict range checks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_kvargs.h>

#include "eth_xen_args.h"
#include "eth_xen_log.h"
#include "sim/xnb_sim_paths.h"

static const char *const eth_xen_valid_args[] = {
	ETH_XEN_ARG_DOMID,
	ETH_XEN_ARG_DEVID,
	ETH_XEN_ARG_QUEUES,
	ETH_XEN_ARG_HV,
	ETH_XEN_ARG_SIMDIR,
	ETH_XEN_ARG_MAC,
	ETH_XEN_ARG_BACKLOG,
	ETH_XEN_ARG_REVIVE,
	ETH_XEN_ARG_COPY_THRESHOLD,
	NULL,
};

/* Strict unsigned decimal in [min, max]: no sign, no junk, no overflow. */
static int
eth_xen_parse_uint(const char *value, uint64_t min, uint64_t max,
		   uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (value == NULL || *value < '0' || *value > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(value, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int
eth_xen_arg_domid(const char *key __rte_unused, const char *value,
		  void *opaque)
{
	struct eth_xen_args *args = opaque;
	uint64_t v;

	if (eth_xen_parse_uint(value, 1, ETH_XEN_DOMID_LIMIT - 1, &v) < 0) {
		ETH_XEN_LOG(ERR, "bad %s '%s': want a guest domain id 1..%u",
			    ETH_XEN_ARG_DOMID, value ? value : "",
			    ETH_XEN_DOMID_LIMIT - 1);
		return -EINVAL;
	}
	args->domid = v;
	return 0;
}

static int
eth_xen_arg_devid(const char *key __rte_unused, const char *value,
		  void *opaque)
{
	struct eth_xen_args *args = opaque;
	uint64_t v;

	if (eth_xen_parse_uint(value, 0, UINT16_MAX, &v) < 0) {
		ETH_XEN_LOG(ERR, "bad %s '%s': want a vif index 0..%u",
			    ETH_XEN_ARG_DEVID, value ? value : "",
			    UINT16_MAX);
		return -EINVAL;
	}
	args->devid = v;
	return 0;
}

static int
eth_xen_arg_queues(const char *key __rte_unused, const char *value,
		   void *opaque)
{
	struct eth_xen_args *args = opaque;
	uint64_t v;

	if (eth_xen_parse_uint(value, 1, ETH_XEN_MAX_QUEUES, &v) < 0) {
		ETH_XEN_LOG(ERR, "bad %s '%s': want 1..%u",
			    ETH_XEN_ARG_QUEUES, value ? value : "",
			    ETH_XEN_MAX_QUEUES);
		return -EINVAL;
	}
	args->queues = v;
	return 0;
}

static int
eth_xen_arg_backlog(const char *key __rte_unused, const char *value,
		    void *opaque)
{
	struct eth_xen_args *args = opaque;
	uint64_t v;

	if (eth_xen_parse_uint(value, 1, ETH_XEN_MAX_BACKLOG, &v) < 0) {
		ETH_XEN_LOG(ERR, "bad %s '%s': want frames 1..%u",
			    ETH_XEN_ARG_BACKLOG, value ? value : "",
			    ETH_XEN_MAX_BACKLOG);
		return -EINVAL;
	}
	args->backlog = v;
	return 0;
}

static int
eth_xen_arg_revive(const char *key __rte_unused, const char *value,
		   void *opaque)
{
	struct eth_xen_args *args = opaque;
	uint64_t v;

	if (eth_xen_parse_uint(value, 0, 1, &v) < 0) {
		ETH_XEN_LOG(ERR, "bad %s '%s': want 0 or 1",
			    ETH_XEN_ARG_REVIVE, value ? value : "");
		return -EINVAL;
	}
	args->revive = v == 1;
	return 0;
}

static int
eth_xen_arg_copy_threshold(const char *key __rte_unused, const char *value,
			   void *opaque)
{
	struct eth_xen_args *args = opaque;
	uint64_t v;

	if (eth_xen_parse_uint(value, 0, ETH_XEN_MAX_COPY_THRESHOLD, &v) < 0) {
		ETH_XEN_LOG(ERR, "bad %s '%s': want bytes 0..%u",
			    ETH_XEN_ARG_COPY_THRESHOLD, value ? value : "",
			    ETH_XEN_MAX_COPY_THRESHOLD);
		return -EINVAL;
	}
	args->copy_threshold = v;
	args->has_copy_threshold = true;
	return 0;
}

static int
eth_xen_arg_hv(const char *key __rte_unused, const char *value, void *opaque)
{
	struct eth_xen_args *args = opaque;

	if (value == NULL ||
	    (strcmp(value, "xen") != 0 && strcmp(value, "sim") != 0)) {
		ETH_XEN_LOG(ERR, "bad %s '%s': want 'xen' or 'sim'",
			    ETH_XEN_ARG_HV, value ? value : "");
		return -EINVAL;
	}
	snprintf(args->hv, sizeof(args->hv), "%s", value);
	return 0;
}

static int
eth_xen_arg_simdir(const char *key __rte_unused, const char *value,
		   void *opaque)
{
	struct eth_xen_args *args = opaque;

	if (value == NULL || value[0] == '\0' ||
	    strlen(value) >= sizeof(args->simdir)) {
		ETH_XEN_LOG(ERR, "bad %s: want a directory path",
			    ETH_XEN_ARG_SIMDIR);
		return -EINVAL;
	}
	snprintf(args->simdir, sizeof(args->simdir), "%s", value);
	return 0;
}

static int
eth_xen_arg_mac(const char *key __rte_unused, const char *value, void *opaque)
{
	struct eth_xen_args *args = opaque;

	if (value == NULL || rte_ether_unformat_addr(value, &args->mac) < 0 ||
	    !rte_is_valid_assigned_ether_addr(&args->mac)) {
		ETH_XEN_LOG(ERR, "bad %s '%s': want a unicast xx:xx:xx:xx:xx:xx",
			    ETH_XEN_ARG_MAC, value ? value : "");
		return -EINVAL;
	}
	args->has_mac = true;
	return 0;
}

/* Every key at most once: a repeated key is a typo, not a list. */
static int
eth_xen_args_unique(const char *name, struct rte_kvargs *kvlist)
{
	unsigned int i;

	for (i = 0; eth_xen_valid_args[i] != NULL; i++) {
		if (rte_kvargs_count(kvlist, eth_xen_valid_args[i]) > 1) {
			ETH_XEN_LOG(ERR, "%s: %s given more than once", name,
				    eth_xen_valid_args[i]);
			return -EINVAL;
		}
	}
	return 0;
}

int
eth_xen_args_parse(const char *name, const char *params,
		   struct eth_xen_args *args)
{
	static const struct {
		const char *key;
		arg_handler_t handler;
	} handlers[] = {
		{ ETH_XEN_ARG_DOMID, eth_xen_arg_domid },
		{ ETH_XEN_ARG_DEVID, eth_xen_arg_devid },
		{ ETH_XEN_ARG_QUEUES, eth_xen_arg_queues },
		{ ETH_XEN_ARG_HV, eth_xen_arg_hv },
		{ ETH_XEN_ARG_SIMDIR, eth_xen_arg_simdir },
		{ ETH_XEN_ARG_MAC, eth_xen_arg_mac },
		{ ETH_XEN_ARG_BACKLOG, eth_xen_arg_backlog },
		{ ETH_XEN_ARG_REVIVE, eth_xen_arg_revive },
		{ ETH_XEN_ARG_COPY_THRESHOLD, eth_xen_arg_copy_threshold },
	};
	struct rte_kvargs *kvlist;
	const char *env;
	unsigned int i;
	int ret = 0;

	memset(args, 0, sizeof(*args));
	args->queues = ETH_XEN_DEFAULT_QUEUES;
	args->revive = true;
	snprintf(args->hv, sizeof(args->hv), "xen");

	if (params == NULL || params[0] == '\0') {
		ETH_XEN_LOG(ERR, "%s: missing required devarg %s=<guest domid>",
			    name, ETH_XEN_ARG_DOMID);
		return -EINVAL;
	}
	kvlist = rte_kvargs_parse(params, eth_xen_valid_args);
	if (kvlist == NULL) {
		ETH_XEN_LOG(ERR, "%s: cannot parse devargs '%s' (valid keys: "
			    "domid, devid, queues, hv, simdir, "
			    "mac, backlog, revive, copy_threshold)",
			    name, params);
		return -EINVAL;
	}
	ret = eth_xen_args_unique(name, kvlist);
	if (ret < 0)
		goto free_kvlist;
	if (rte_kvargs_count(kvlist, ETH_XEN_ARG_DOMID) != 1) {
		ETH_XEN_LOG(ERR, "%s: missing required devarg %s=<guest domid>",
			    name, ETH_XEN_ARG_DOMID);
		ret = -EINVAL;
		goto free_kvlist;
	}
	for (i = 0; i < RTE_DIM(handlers); i++) {
		if (rte_kvargs_process(kvlist, handlers[i].key,
				       handlers[i].handler, args) != 0) {
			ETH_XEN_LOG(ERR, "%s: probe refused (bad devargs)", name);
			ret = -EINVAL;
			goto free_kvlist;
		}
	}
	if (strcmp(args->hv, "sim") == 0) {
		if (args->simdir[0] == '\0') {
			env = getenv(XNB_SIM_DIR_ENV);
			if (env == NULL || env[0] == '\0' ||
			    strlen(env) >= sizeof(args->simdir)) {
				ETH_XEN_LOG(ERR, "%s: hv=sim needs %s=PATH or "
					    "XNB_SIM_DIR", name,
					    ETH_XEN_ARG_SIMDIR);
				ret = -EINVAL;
				goto free_kvlist;
			}
			snprintf(args->simdir, sizeof(args->simdir), "%s", env);
		}
	} else if (args->simdir[0] != '\0') {
		ETH_XEN_LOG(ERR, "%s: %s is only valid with hv=sim", name,
			    ETH_XEN_ARG_SIMDIR);
		ret = -EINVAL;
	}
free_kvlist:
	rte_kvargs_free(kvlist);
	return ret;
}
