/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Vif hotplug, as a netback in dom0 does it: watch backend/vif under the
 * daemon's own domain path (and @releaseDomain) through the seam, with a
 * hypervisor connection of the daemon's own.
 *
 *  - a vif the toolstack creates (online=1, state=1 Initialising) becomes
 *    a net_xen port at once (the port writes InitWait while it probes);
 *  - online=0 + Closed (libxl's detach, once the port went Closing ->
 *    Closed), the backend directory's removal, the port reporting removal
 *    (RMV) or the guest's domain disappearing tear the port down; on
 *    @releaseDomain a domain is gone when its xenstore directory is, or
 *    when it died with its frontend still open (crash, killed): a grant
 *    copy from it fails with GNTST_bad_domain;
 *  - at start, existing vifs are adopted: one left Closed (online=1) is
 *    probed; one left Connected by a backend that died (killed, crashed)
 *    is probed too and the port takes the live connection over (the guest
 *    sees nothing: Linux netfront would not reconnect after a Closed);
 *    one left in another state is first put Closed, then probed once the
 *    frontend is Closed (or after a bound);
 *  - at shutdown every served vif is asked to close (backend Closing, the
 *    frontend answers Closed) within a bound, then its port is removed
 *    (Closed).
 * Control thread only.
 */
#ifndef XD_HOTPLUG_H
#define XD_HOTPLUG_H

#include <stdbool.h>
#include <stdint.h>

#include "xnb_hv.h"

struct xd_hotplug;

struct xd_hotplug_conf {
	struct xnb_hv *hv;   /* the daemon's own connection */
	const char *hv_kind; /* for the ports: "xen" or "sim" */
	const char *sim_dir; /* hv_kind "sim" */
	uint16_t queues;     /* multi-queue-max-queues to offer */
	bool trusted;        /* guests may send from any MAC */
};

/* What the control socket lists. */
struct xd_hotplug_vif {
	uint16_t domid;
	uint32_t devid;
	const char *state;   /* "served", "idle", "resetting", "held", ... */
	int port;            /* -1 when not served */
	uint16_t queues;     /* offered at the next attach (0: default) */
};

struct xd_hotplug *xd_hotplug_new(const struct xd_hotplug_conf *conf);
/* Watch and adopt what exists. 0 or -errno. */
int xd_hotplug_start(struct xd_hotplug *hp);
/* Close every served vif (bounded by timeout_ms), remove their ports,
 * unwatch, free. */
void xd_hotplug_free(struct xd_hotplug *hp, unsigned int timeout_ms);

/* The xenstore fd of the connection became readable. */
void xd_hotplug_on_xs(struct xd_hotplug *hp);
/* Periodic (100 ms): deadlines of vifs being reset. */
void xd_hotplug_tick(struct xd_hotplug *hp);
/* The port reported its removal (ethdev RMV event). */
void xd_hotplug_port_removed(struct xd_hotplug *hp, uint16_t port);

/* New values for vifs attached from now on (SIGHUP). */
void xd_hotplug_set_defaults(struct xd_hotplug *hp, uint16_t queues,
			     bool trusted);

/*
 * The operator's attach/detach. attach serves the vif (it must exist in
 * xenstore): at once when the toolstack just created it, else once its
 * frontend is Closed (bounded), as at adoption: 0, -ENOENT, -EALREADY,
 * -errno of the probe. detach takes the port down (backend Closed) and
 * holds the vif until the toolstack recreates it or attach is asked: 0,
 * -ENOENT.
 */
int xd_hotplug_attach(struct xd_hotplug *hp, uint16_t domid, uint32_t devid);
int xd_hotplug_detach(struct xd_hotplug *hp, uint16_t domid, uint32_t devid);
/*
 * Queues offered to the vif from its next attach on (the toolstack
 * re-creating the device, or the operator's detach + attach). The current
 * connection is left alone: the guest chose its queues when it connected,
 * and Linux netfront does not follow a backend that closes and offers
 * again (it stays Closed). 0 or -ENOENT.
 */
int xd_hotplug_set_queues(struct xd_hotplug *hp, uint16_t domid,
			  uint32_t devid, uint16_t queues);

/* Known vifs, up to max into out; returns the total. */
unsigned int xd_hotplug_list(const struct xd_hotplug *hp,
			     struct xd_hotplug_vif *out, unsigned int max);

#endif /* XD_HOTPLUG_H */
