/* SPDX-License-Identifier: BSD-3-Clause */
/* The daemon as a whole: what the control thread's parts share. */
#ifndef XD_DAEMON_H
#define XD_DAEMON_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_config.h>

#include "xd_config.h"
#include "xd_opts.h"
#include "xnb_hv.h"

struct xd_hotplug;
struct xd_loop;
struct xd_fdb;
struct xd_sock;
struct xd_sim;

struct xd_daemon {
	struct xd_opts opts;
	struct xd_config cfg;
	char socket_path[PATH_MAX];  /* effective control socket path */
	struct xnb_hv *hv;           /* our own hypervisor connection */
	struct xd_hotplug *hp;
	struct xd_loop *loop;
	struct xd_fdb *fdb;
	struct xd_sock *sock;
	struct xd_sim *sim;
	int nic_port[XD_MAX_NIC_PORTS]; /* per cfg.nics[i], -1: none */
	uint64_t started_at;         /* TSC */
	bool stop;
};

/*
 * Held by the control thread whenever it runs (not while it sleeps in
 * epoll), and by telemetry callbacks, which run on DPDK's telemetry
 * thread: the port table and the hotplug records change only under it.
 */
extern pthread_mutex_t xd_ctl_lock;

/* Apply the runtime part of d->cfg (log level, polling). */
void xd_daemon_apply_runtime(struct xd_daemon *d);
/* Attach the physical ports of d->cfg not attached yet. */
void xd_daemon_attach_nics(struct xd_daemon *d);
/* Re-read the configuration file and apply what can change at runtime.
 * 0 or -errno with the reason in err. */
int xd_daemon_reload(struct xd_daemon *d, char *err, size_t err_len);

#endif /* XD_DAEMON_H */
