/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The daemon's configuration file: INI (DPDK's rte_cfgfile), '#' comments.
 * Sections [daemon], [vif], [switch], [poll] and one [port NAME] per
 * physical port. Parsing is strict: unknown sections or keys, malformed
 * lines, bad numbers or out-of-range values reject the whole file (the
 * caller keeps its previous configuration on SIGHUP). config/xennetd.conf
 * documents every key.
 */
#ifndef XD_CONFIG_H
#define XD_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#define XD_MAX_NIC_PORTS 8
#define XD_NAME_LEN 32
#define XD_DEVARGS_LEN 256

/* A physical port: any DPDK device (a NIC, net_tap, net_af_packet...).
 * It carries every VLAN, tagged, and any source MAC. */
struct xd_nic_conf {
	char name[XD_NAME_LEN];       /* from the section name */
	char devargs[XD_DEVARGS_LEN]; /* for rte_dev_probe; a PCI address
				       * or vdev string */
	uint16_t queues;              /* Rx queues (RSS above 1) */
};

/* [switch] tso: whether vif ports take guest GSO frames whole (LRO). */
enum xd_tso_mode {
	XD_TSO_AUTO = 0, /* yes unless a physical port lacks TSO */
	XD_TSO_YES,
	XD_TSO_NO,
};

struct xd_config {
	/* [daemon] */
	char hv[8];                   /* "xen" or "sim" */
	char sim_dir[PATH_MAX];       /* hv = sim: simulator directory */
	char socket_path[PATH_MAX];   /* "": <DPDK runtime dir>/xennetd.sock */
	char socket_group[64];        /* "": the daemon's own group */
	uint32_t max_clients;         /* control connections at once */
	int log_level;                /* RTE_LOG_* */
	uint32_t mbufs;               /* per NUMA socket */
	/* [vif] */
	uint16_t vif_queues;          /* multi-queue-max-queues offered */
	bool vif_trusted;             /* guests may send from any MAC */
	char vif_bind_port[XD_NAME_LEN]; /* "": switched; else the [port]
					  * whose free Rx queues new vifs
					  * are bound to (xd_bind.h) */
	/* [switch] */
	uint32_t mac_table_size;
	uint32_t mac_aging_s;
	enum xd_tso_mode tso;         /* guest GSO across the switch */
	/* [poll] */
	bool adaptive;                /* sleep on events when idle */
	uint32_t idle_us;             /* idle spell before sleeping */
	uint32_t sleep_max_ms;        /* bound on a sleep without events */
	/* [port NAME] */
	unsigned int nb_nics;
	struct xd_nic_conf nics[XD_MAX_NIC_PORTS];
};

/* Limits of the [vif] max_queues key (the net_xen PMD's). */
#define XD_VIF_MAX_QUEUES 16

/* The built-in defaults (what an empty file gives). */
void xd_config_defaults(struct xd_config *cfg);

/*
 * Parse file path into cfg (defaults first). 0, or -errno with a one-line
 * reason in err (for the log and the control socket).
 */
int xd_config_load(const char *path, struct xd_config *cfg, char *err,
		   size_t err_len);

/* Log level name ("emerg".."debug", or 1..8) to RTE_LOG_*; -EINVAL. */
int xd_config_log_level(const char *s);
/* RTE_LOG_* to its name. */
const char *xd_config_log_level_name(int level);

/* Strict helpers, shared with the control socket: decimal without sign or
 * trailing text, in [min, max]; booleans yes/no/true/false/on/off/1/0. */
int xd_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int xd_parse_bool(const char *s, bool *out);

#endif /* XD_CONFIG_H */
