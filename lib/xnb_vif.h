/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control path of one vif (guest domid, device devid) over the
 * hypervisor seam: the xenbus handshake, negotiated features, the queues
 * and the control ring. Everything here runs on ONE control thread (the
 * PMD's or the daemon's), except the callbacks documented as datapath.
 *
 * Life cycle:
 *   vif = xnb_vif_create(&conf);   advertise features, InitWait, watches
 *   loop on the control thread:
 *     - xs_fd(hv) readable: for each event from hv->ops->xs_read_watch,
 *       xnb_vif_watch_event(vif, path, token) on each vif until one
 *       returns other than -ENOENT;
 *     - xnb_vif_event_fd(vif) readable: xnb_vif_handle_events(vif)
 *       (control ring);
 *     - after the fatal callback: xnb_vif_fatal(vif).
 *   xnb_vif_destroy(vif);          disconnect, Closed, unwatch, free
 *
 * Paths: backend <own domain path>/backend/vif/<domid>/<devid> (unless
 * conf.backend_path), frontend from its "frontend" key (must be a plain
 * xenstore path under /local/domain/<domid>/), else
 * /local/domain/<domid>/device/vif/<devid>.
 *
 * The vif may be created before the toolstack writes the device (e.g.
 * dpdk-testpmd --vdev net_xen0,domid=N before xl network-attach): whenever
 * the backend "state" reads Initialising while "online" is not 0, the
 * toolstack has (re)created the device and the vif probes it afresh, as a
 * newly probed netback: a live connection is torn down (link down),
 * "frontend" and "mac" are re-read, the features (and the MTU, if set)
 * advertised and InitWait written in one xenstore transaction, and the
 * frontend watches move to the (possibly new) frontend path.
 *
 * Once the toolstack has removed the device (xnb_vif_removed()), the vif
 * ignores a re-created one unless conf.revive: an owner that destroys a
 * removed vif and creates a new one for a new device (xennetd, an ethdev
 * application detaching a port on RTE_ETH_EVENT_INTR_RMV) must not have
 * the old vif claim the new device in between. With conf.revive (an owner
 * that keeps the vif across network-detach + network-attach of the same
 * device), it probes the new device and xnb_vif_removed() is false again.
 *
 * Backend restart: a backend that died (SIGKILL, crash) leaves the device
 * Connected; its grant maps and event-channel bindings died with it, and
 * the guest's ports are unbound again. A vif created on such a device
 * (backend "state" reads Connected) takes the connection over when the
 * frontend is Connected too: it advertises the features without touching
 * the state, reads, checks, maps and binds everything exactly as a fresh
 * connect (the rings resume from their shared indices: guest Tx requests
 * not yet answered are served again, a duplicate frame at worst; posted
 * guest Rx buffers not yet answered are reused), writes Connected again
 * and notifies the guest once on every channel. The frontend sees no
 * state change. Control-ring hash settings and the multicast list of the
 * dead backend are lost. If anything fails (or the frontend is not
 * Connected), the vif goes on as a fresh one: Closing then Closed (one
 * line logged), or InitWait. A clean stop (xnb_vif_close) instead
 * disconnects the guest: Linux netfront then stays Closed until the
 * guest re-probes the device (driver unbind/bind).
 *
 * Frontend keys are hostile input: numbers are parsed strictly (decimal,
 * no sign, no trailing text, range-checked); a missing request-rx-copy,
 * multi-queue-num-queues of 0 or above the maximum, inconsistent per-queue
 * keys, bad grant refs or ports, or a ring with req_prod - rsp_prod above
 * its size refuse the connection: "error" is written and the backend goes
 * Closing (as xenbus_dev_fatal). Only this vif is affected.
 */
#ifndef XNB_VIF_H
#define XNB_VIF_H

#include <stdbool.h>
#include <stdint.h>

#include "xnb_ctrl.h"
#include "xnb_hv.h"
#include "xnb_queue.h"
#include "xnb_state.h"

struct xnb_vif;

/* Default and hard limit of multi-queue-max-queues. */
#define XNB_VIF_DEFAULT_QUEUES 8
#define XNB_VIF_MAX_QUEUES 64
/* Default guest Rx backlog per queue, frames. */
#define XNB_VIF_DEFAULT_BACKLOG 256
/* MTU range of xnb_vif_set_mtu(), as Linux netback's (68 .. 65535 -
 * VLAN_ETH_HLEN). */
#define XNB_VIF_MIN_MTU 68
#define XNB_VIF_MAX_MTU 65517

struct xnb_vif_cb {
	/* Control thread: the guest connected (true) or the link is about to
	 * go down (false; the queues are already gated). May be NULL. */
	void (*link_change)(void *arg, bool up);
	/* Datapath lcore: queue qid saw a protocol violation and stopped.
	 * Must not block: schedule xnb_vif_fatal() on the control thread
	 * (e.g. rte_eal_alarm_set). May be NULL (the vif then stays
	 * connected with that queue stopped until the guest closes). */
	void (*fatal)(void *arg, uint16_t qid);
	/* Control thread: the backend "mac" key changed (appeared, went
	 * away or holds another address) at a (re)probe or a connect; read
	 * it with xnb_vif_mac(). Not called from xnb_vif_create(). At a
	 * connect it comes before link_change(up). May be NULL. */
	void (*mac_change)(void *arg);
};

struct xnb_vif_conf {
	struct xnb_hv *hv;
	xnb_domid_t domid;     /* frontend domain */
	uint32_t devid;        /* vif device number */
	uint16_t max_queues;   /* multi-queue-max-queues; 0: default */
	uint32_t backlog;      /* guest Rx backlog per queue; 0: default */
	const char *backend_path; /* NULL: the standard path */
	const struct xnb_vif_cb *cb;
	void *cb_arg;
	bool revive;           /* probe the device again after REMOVE */
};

/* What the frontend negotiated (valid while connected). */
struct xnb_vif_features {
	uint16_t num_queues;   /* multi-queue-num-queues (1 if absent) */
	bool split_evtchn;     /* event-channel-tx/-rx instead of one */
	bool ctrl_ring;        /* ctrl-ring-ref given */
	bool sg;               /* feature-sg: multi-slot guest Rx */
	bool gso_tcpv4;        /* guest takes TCPv4 GSO on Rx */
	bool gso_tcpv6;        /* guest takes TCPv6 GSO on Rx */
	bool csum_ipv4;        /* guest takes blank IPv4 L4 csums (!no-csum) */
	bool csum_ipv6;        /* feature-ipv6-csum-offload */
	bool rx_notify;        /* feature-rx-notify */
	bool mcast_control;    /* request-multicast-control (dynamic) */
	uint16_t xdp_headroom; /* xdp-headroom */
};

/*
 * Create the vif: read "frontend" and "mac", write the features and
 * InitWait, register watches (which fire once at once: feed them as
 * usual). NULL + errno.
 */
struct xnb_vif *xnb_vif_create(const struct xnb_vif_conf *conf);
/* Disconnect (gates closed first), write Closed (unless the backend
 * "state" reads Initialising: a device the toolstack re-created, not this
 * vif's), unwatch, free. The caller must have drained the queues'
 * backlogs (xnb_rxq_drain). */
void xnb_vif_destroy(struct xnb_vif *vif);

/*
 * Graceful close, as Linux netback on unbind: link down (gates closed
 * first), disconnect and write Closing, so that the frontend closes too;
 * the vif writes Closed once the frontend is Closed or gone (seen through
 * the watch events the owner keeps feeding). Non-blocking: returns 0 when
 * the backend is Closed already (nothing to wait for: also when the
 * frontend's device directory is gone or its domain is dead, logged),
 * -EINPROGRESS while it waits for the frontend. The owner bounds the wait itself, polling
 * xnb_vif_state() == XNB_XB_CLOSED, then calls xnb_vif_destroy(), which
 * writes Closed anyway. From then on the vif serves no frontend (as a
 * device the toolstack took offline: xnb_vif_removed() is true once
 * Closed) unless the toolstack re-creates the device (conf.revive).
 */
int xnb_vif_close(struct xnb_vif *vif);

/*
 * A watch event read from the hv. -ENOENT when token is not this vif's;
 * otherwise 0 (or -errno on a xenstore failure). Drives the state machine.
 */
int xnb_vif_watch_event(struct xnb_vif *vif, const char *path,
			const char *token);

/* The fd of the vif's control-ring event channel (stable). */
int xnb_vif_event_fd(const struct xnb_vif *vif);
/* Serve the control ring after xnb_vif_event_fd() became readable. */
int xnb_vif_handle_events(struct xnb_vif *vif);

/* Control thread, after the fatal callback: disconnect and close. */
void xnb_vif_fatal(struct xnb_vif *vif);

/* Link state: true while Connected (or Reconfigured). */
bool xnb_vif_connected(const struct xnb_vif *vif);
/* Backend xenbus state (XNB_XB_*). */
enum xnb_xb_state xnb_vif_state(const struct xnb_vif *vif);
/* True once the toolstack removed the device (offline and Closed);
 * with conf.revive, false again when it re-creates it (see above). */
bool xnb_vif_removed(const struct xnb_vif *vif);

/* Features negotiated by the current connection. */
const struct xnb_vif_features *xnb_vif_features(const struct xnb_vif *vif);
/* Queues of the current connection (0 when disconnected). */
uint16_t xnb_vif_num_queues(const struct xnb_vif *vif);
/* Advertised maximum: the number of queue objects. */
uint16_t xnb_vif_max_queues(const struct xnb_vif *vif);
/* Queue qid < xnb_vif_max_queues(), valid for the vif's life. */
struct xnb_queue *xnb_vif_queue(struct xnb_vif *vif, uint16_t qid);
/* The control ring (hash configuration); valid for the vif's life. */
struct xnb_ctrl *xnb_vif_ctrl(struct xnb_vif *vif);

/*
 * MAC from the backend "mac" key, as read at the last (re)probe or connect
 * (see the mac_change callback): 0, or -ENOENT when absent/invalid.
 */
int xnb_vif_mac(const struct xnb_vif *vif, uint8_t mac[6]);

/*
 * Announce the MTU to the frontend: mtu in [XNB_VIF_MIN_MTU,
 * XNB_VIF_MAX_MTU], else -EINVAL. Linux netback itself writes no MTU key:
 * the toolstack (libxl) keeps a configured MTU in the backend's "mtu" and
 * writes "<frontend>/mtu", which frontends read (netif.h "MTU": absent
 * means 1500; the Windows PV drivers and MirageOS honour it). This writes
 * both: backend "mtu" (0 or -errno), and "<frontend>/mtu" when the
 * frontend device exists (never creating it) as best effort, since a
 * driver domain may not be allowed to (logged). The value is kept and
 * written again at every (re)probe; while the toolstack has removed the
 * device, only kept. Frames a guest without feature-sg cannot take in one
 * page are still dropped and counted by the Rx path.
 */
int xnb_vif_set_mtu(struct xnb_vif *vif, uint32_t mtu);

const char *xnb_vif_backend_path(const struct xnb_vif *vif);
const char *xnb_vif_frontend_path(const struct xnb_vif *vif);

#endif /* XNB_VIF_H */
