/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-process control side of net_xen: one hypervisor connection and
 * one control thread shared by every net_xen port, refcounted by the ports.
 * The thread sleeps in epoll on the xenstore watch fd, the ports' own fds
 * (control-ring event channels) and a kick eventfd, and runs the ports'
 * handlers.
 *
 * Locking: one process-wide mutex serialises everything that touches the
 * control path (xenstore, vif state), whether it runs on the control thread
 * (handlers) or on an application thread (ethdev ops). The datapath never
 * takes it; it only calls eth_xen_ctrl_kick().
 */
#ifndef ETH_XEN_CTRL_H
#define ETH_XEN_CTRL_H

#include <stdbool.h>

#include "xnb_hv.h"

/* A port as the control thread sees it. Handlers run on the control thread
 * with the control lock held, except on_event. */
struct eth_xen_ctrl_client {
	/* A watch event: -ENOENT when it is not this client's. */
	int (*on_watch)(void *arg, const char *path, const char *token);
	/* fd (>= 0) became readable. */
	void (*on_fd)(void *arg);
	/* Someone called eth_xen_ctrl_kick(). */
	void (*on_kick)(void *arg);
	/* Without the lock, after a handler set event_pending: deliver
	 * ethdev events (application callbacks may call back into ethdev). */
	void (*on_event)(void *arg);
	void *arg;
	int fd;
	/* Set by handlers (under the lock) to have on_event called. */
	bool event_pending;
	/* Private to eth_xen_ctrl.c. */
	struct eth_xen_ctrl_client *next;
};

/*
 * Take a reference on the process-wide hypervisor connection, opening it
 * and starting the control thread on first use. kind/arg must match the
 * open connection (one hypervisor per process). Returns 0 or -errno.
 */
int eth_xen_ctrl_get(const char *kind, const char *arg, struct xnb_hv **hv);
/* Drop a reference (without the lock held); the last one stops the
 * thread and closes the hv. */
void eth_xen_ctrl_put(void);

void eth_xen_ctrl_lock(void);
void eth_xen_ctrl_unlock(void);

/* Add/remove a client, with the lock held and a reference taken. Removing
 * waits for a running on_event of that client (unless called from it). */
int eth_xen_ctrl_client_add(struct eth_xen_ctrl_client *c);
void eth_xen_ctrl_client_del(struct eth_xen_ctrl_client *c);

/* Wake the control thread to run every client's on_kick. Lock-free and
 * non-blocking: callable from a datapath lcore (while holding a ref). */
void eth_xen_ctrl_kick(void);

#endif /* ETH_XEN_CTRL_H */
