/* SPDX-License-Identifier: BSD-3-Clause */
/* Devargs of a net_xen port, parsed and range-checked. */
#ifndef ETH_XEN_ARGS_H
#define ETH_XEN_ARGS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#define ETH_XEN_ARG_DOMID "domid"
#define ETH_XEN_ARG_DEVID "devid"
#define ETH_XEN_ARG_QUEUES "queues"
#define ETH_XEN_ARG_HV "hv"
#define ETH_XEN_ARG_SIMDIR "simdir"
#define ETH_XEN_ARG_MAC "mac"
#define ETH_XEN_ARG_BACKLOG "backlog"
#define ETH_XEN_ARG_REVIVE "revive"
#define ETH_XEN_ARG_COPY_THRESHOLD "copy_threshold"

/* Queues advertised in multi-queue-max-queues when queues= is not given. */
#define ETH_XEN_DEFAULT_QUEUES 1
#define ETH_XEN_MAX_QUEUES 16
/* Xen's DOMID_FIRST_RESERVED: guest domids are below it. */
#define ETH_XEN_DOMID_LIMIT 0x7ff0
/* Frames that may wait per queue for guest Rx buffers (0: libxnb's
 * default); beyond, frames are dropped and counted (XSA-392). */
#define ETH_XEN_MAX_BACKLOG 65536
/* copy_threshold: guest Tx fragments longer than this are grant-mapped
 * (zero-copy); the maximum (a page, the default) copies everything. */
#define ETH_XEN_MAX_COPY_THRESHOLD 4096

struct eth_xen_args {
	uint16_t domid;
	uint32_t devid;
	uint16_t queues;
	uint32_t backlog;
	char hv[8];
	char simdir[PATH_MAX];
	bool has_mac;
	/* Keep serving the vif across detach + attach (default); 0 when
	 * the application owns that (xennetd: one port per device). */
	bool revive;
	bool has_copy_threshold;
	uint32_t copy_threshold;
	struct rte_ether_addr mac;
};

/*
 * Parse a devargs string into args (defaults filled in). Returns 0 or
 * -EINVAL after logging one line naming the bad key and why.
 */
int eth_xen_args_parse(const char *name, const char *params,
		       struct eth_xen_args *args);

#endif /* ETH_XEN_ARGS_H */
