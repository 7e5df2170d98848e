/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Wire protocol of the simulated hypervisor's broker (DIR/hv.sock): the
 * "hypercalls" of the simulator. SOCK_SEQPACKET, one request per packet,
 * one reply per request, file descriptors passed with SCM_RIGHTS. The broker
 * never sends anything unsolicited. Every request is checked for its exact
 * size, its exact fd count and the caller's role before it is acted on.
 *
 * Roles: a connection is either a guest (XNB_SIM_GUEST_REGISTER: it owns a
 * domain, the domain dies when the connection closes) or a backend
 * (XNB_SIM_BACKEND_HELLO: a privileged process of domain N, typically dom0,
 * that may fetch guest memory and bind event channels; one of domain 0 may
 * also pause and destroy guests, as the toolstack does). A guest may
 * register only a domain the toolstack created (introduced to xenstore)
 * and not registered yet. A backend's grant pins live in tables the broker
 * handed out (xnb_sim_pins.h): when its connection closes, the broker
 * drops them, as Xen unmaps the grants of a process whose gntdev closes.
 *
 * Event channels are AF_UNIX SOCK_DGRAM socketpairs: each end is held only
 * by its own side (plus the broker), and a datagram sent on one end is an
 * event on the other. Unlike an eventfd shared between processes, a peer
 * cannot change the other side's blocking mode (O_NONBLOCK lives in the
 * open file description, which SCM_RIGHTS shares) and cannot drain the
 * other side's events.
 */
#ifndef XNB_SIM_PROTO_H
#define XNB_SIM_PROTO_H

#include <stdint.h>

#define XNB_SIM_PAGE_SIZE 4096u

/* Domain ids a guest may use: 1 .. DOMID_FIRST_RESERVED - 1. */
#define XNB_SIM_DOMID_MAX 0x7ff0u
/* Limits on what a guest may register (Xen's default max grant frames of
 * 64 hold 32768 v1 entries). */
#define XNB_SIM_MAX_PAGES (1u << 20)
#define XNB_SIM_MAX_GRANTS 32768u
/* Event-channel ports per domain (Xen's 2-level ABI on 64-bit guests). */
#define XNB_SIM_EVTCHN_PORTS 4096u

/*
 * Domain table shared read-only with backends: one 32-bit generation per
 * domid, 0 while no live domain has that id. A backend's cached view of a
 * domain is valid while the generation it fetched is still in the table.
 */
#define XNB_SIM_DOMTAB_SIZE (XNB_SIM_DOMID_MAX * sizeof(uint32_t))

enum xnb_sim_msg_type {
	XNB_SIM_GUEST_REGISTER = 1,	/* 2 fds: memory, grant table */
	XNB_SIM_BACKEND_HELLO,		/* reply: 1 fd, the domain table */
	/* backend; reply: 4 fds: memory, grant table, the domain's active
	 * table, the caller's own pin table (the same one on every call) */
	XNB_SIM_DOMAIN_GET,
	XNB_SIM_EVTCHN_ALLOC_UNBOUND,	/* reply: 1 fd, own end */
	XNB_SIM_EVTCHN_BIND,		/* backend; reply: 1 fd, own end */
	XNB_SIM_EVTCHN_CLOSE,
	/* The toolstack (a backend connection of domain 0), as xl pause and
	 * xl destroy: stop the guest's process, which keeps its memory and
	 * grants; kill it and the domain at once (@releaseDomain). -ESRCH
	 * without a live guest; pause -EOPNOTSUPP for a guest living in the
	 * broker's own process. */
	XNB_SIM_DOMAIN_PAUSE,
	XNB_SIM_DOMAIN_DESTROY,
};

/* Every request: this header, then the type's fixed body. */
struct xnb_sim_req {
	uint32_t type;
	union {
		struct {
			uint32_t domid;
			uint32_t npages;
			uint32_t ngrants;
		} guest_register;
		struct {
			uint32_t domid;
		} backend_hello;
		struct {
			uint32_t domid;
		} domain_get;
		struct {
			uint32_t remote_domid;
		} evtchn_alloc_unbound;
		struct {
			uint32_t remote_domid;
			uint32_t remote_port;
		} evtchn_bind;
		struct {
			uint32_t port;
		} evtchn_close;
		struct {
			uint32_t domid;
		} domain_ctl;
	} u;
};

/* Every reply: status is 0 or -errno; the rest depends on the request. */
struct xnb_sim_rep {
	uint32_t type;
	int32_t status;
	union {
		struct {
			uint32_t id;	/* lock value of this backend */
		} backend_hello;
		struct {
			uint32_t npages;
			uint32_t ngrants;
			uint32_t gen;
		} domain_get;
		struct {
			uint32_t port;
		} evtchn;
	} u;
};

/* Bytes of the grant table of a domain with ngrants entries (whole pages,
 * as Xen's grant frames). */
static inline uint64_t
xnb_sim_gnttab_bytes(uint32_t ngrants)
{
	uint64_t b = (uint64_t)ngrants * 8;

	return (b + XNB_SIM_PAGE_SIZE - 1) & ~(uint64_t)(XNB_SIM_PAGE_SIZE - 1);
}

#endif /* XNB_SIM_PROTO_H */
