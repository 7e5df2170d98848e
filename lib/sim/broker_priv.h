/* SPDX-License-Identifier: BSD-3-Clause */
/* Broker internals shared by its connection handling and its event
 * channels. */
#ifndef XNB_SIM_BROKER_PRIV_H
#define XNB_SIM_BROKER_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/un.h>

#include "xnb_sim_broker.h"
#include "xnb_sim_gnttab.h"
#include "xnb_sim_pins.h"
#include "xnb_sim_proto.h"

enum bconn_role {
	BCONN_NONE,
	BCONN_GUEST,	/* registered a domain; closing it kills the domain */
	BCONN_BACKEND,	/* privileged process of some domain */
};

struct bconn {
	TAILQ_ENTRY(bconn) next;
	int fd;
	enum bconn_role role;
	uint16_t domid;
	uint32_t id;	/* backends: 1 .. XNB_SIM_BACKEND_ID_MAX */
};

/* One backend's own pin table of one domain (xnb_sim_pins.h). */
struct bpins {
	TAILQ_ENTRY(bpins) next;
	struct bconn *conn;
	int fd;
	struct xnb_sim_own *own;
};

/*
 * An interdomain channel: a SOCK_DGRAM socketpair, end[s] is the socket of
 * whichever port sits on side s (0: the port that allocated it unbound,
 * 1: the port that bound to it). The broker keeps both ends for as long as
 * any port uses the channel, so a port whose peer closed can be bound
 * again, and sends towards a closed peer are silently absorbed as Xen
 * drops sends on an unbound port.
 */
struct bchan {
	int end[2];
	unsigned int refs;
};

enum bport_state {
	BPORT_FREE = 0,
	BPORT_UNBOUND,		/* waiting for remote_dom to bind */
	BPORT_INTERDOMAIN,	/* connected to remote_dom:remote_port */
};

struct bport {
	uint8_t state;
	uint8_t side;
	uint16_t remote_dom;
	uint32_t remote_port;
	struct bchan *chan;
	struct bconn *owner;
};

/* Everything the broker knows of one domain id. */
struct bdom {
	uint16_t domid;
	struct bconn *guest;	/* registering connection, NULL if none */
	int pidfd;	/* the guest's process (pause, destroy); -1: none */
	int mem_fd;
	int gnttab_fd;
	uint32_t npages;
	uint32_t ngrants;
	uint32_t gen;
	/* Grant table (to clear what dead backends pinned), active table
	 * and own tables, made at the first DOMAIN_GET; while a guest lives. */
	struct xnb_sim_grant_entry *gnttab;
	int active_fd;
	struct xnb_sim_active *active;
	TAILQ_HEAD(, bpins) pins;
	struct bport *ports;	/* port 0 is never handed out, as on Xen */
	uint32_t nports;
	uint32_t ports_used;
};

struct xnb_sim_broker {
	struct sockaddr_un addr;
	int listen_fd;
	int epfd;
	TAILQ_HEAD(, bconn) conns;
	unsigned int nconns;
	uint32_t *domtab;	/* shared generation table */
	int domtab_fd;
	uint32_t next_gen;
	xnb_sim_broker_died_cb died;
	xnb_sim_broker_known_cb known;
	void *cb_arg;
	struct bconn *backends[XNB_SIM_BACKEND_ID_MAX + 1]; /* by id */
	struct bdom *doms[XNB_SIM_DOMID_MAX];
};

/* The domain record of domid, created on demand when create is set. */
struct bdom *xnb_sim_broker_dom(struct xnb_sim_broker *b, uint16_t domid,
				bool create);
/* Free d if it holds neither a guest nor ports. */
void xnb_sim_broker_dom_put(struct xnb_sim_broker *b, struct bdom *d);

/* Event channels (broker_evtchn.c). Return 0 or -errno; on success *sock
 * is the broker's copy of the caller's end, to be sent, not closed. */
int xnb_sim_broker_alloc_unbound(struct xnb_sim_broker *b, struct bconn *c,
				 uint16_t remote, uint32_t *port, int *sock);
int xnb_sim_broker_bind(struct xnb_sim_broker *b, struct bconn *c,
			uint16_t remote, uint32_t remote_port, uint32_t *port,
			int *sock);
int xnb_sim_broker_close_port(struct xnb_sim_broker *b, struct bconn *c,
			      uint32_t port);
/* Close every port c owns (c is going away). */
void xnb_sim_broker_close_ports_of(struct xnb_sim_broker *b, struct bconn *c);

/* Grant pins (broker_pins.c). The active table of d and c's own table of
 * it, made on first use: 0 or -errno; the fds are the broker's, to be
 * sent, not closed. */
int xnb_sim_broker_pins_get(struct bdom *d, struct bconn *c, int *active_fd,
			    int *own_fd);
/* Drop every pin backend c holds (c is going away). */
void xnb_sim_broker_pins_release(struct xnb_sim_broker *b, struct bconn *c);
/* Free the pin tables of d (its guest died). */
void xnb_sim_broker_pins_free(struct bdom *d);

#endif /* XNB_SIM_BROKER_PRIV_H */
