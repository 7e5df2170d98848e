/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port life cycle on the control thread: probe a net_xen port for a vif or
 * a physical port from the config, configure and start it, put it into the
 * switch and the lcore plan; and the reverse.
 */
#ifndef XD_PORTCTL_H
#define XD_PORTCTL_H

#include <stdbool.h>
#include <stdint.h>

#include "xd_config.h"
#include "xd_port.h"

struct xd_fdb;

struct xd_vif_params {
	uint16_t domid;
	uint32_t devid;
	uint16_t queues;     /* multi-queue-max-queues to offer */
	uint16_t vlan;       /* from the backend "vlan" key, 0: none */
	uint64_t rate;       /* from the backend "rate" key (packed) */
	bool trusted;
	const char *hv;      /* "xen" or "sim" */
	const char *sim_dir; /* hv = sim */
};

/* The FDB the ports use; registers the ethdev event callbacks. Rx queues
 * take mbufs from xd_pool_get() of their home socket. 0 or -errno. */
int xd_portctl_init(struct xd_fdb *fdb);
/* [switch] tso for vifs attached from now on: with LRO (yes, or auto and
 * every physical port takes TSO) a vif hands guest GSO frames over whole
 * and the switch segments them for ports that cannot take them. */
void xd_portctl_set_tso(enum xd_tso_mode mode);
/* [vif] bind_port for vifs attached from now on: "" or a physical port
 * (config name) whose first free Rx queue each new vif is bound to. */
void xd_portctl_set_bind_port(const char *name);
/* Remove the callbacks. */
void xd_portctl_fini(void);
/* Readable when ethdev events are pending for xd_portctl_events(). */
int xd_portctl_event_fd(void);

/* Serve a vif: returns the port id, or -errno. */
int xd_vif_attach(const struct xd_vif_params *vp);
/* Use a physical port: returns the port id, or -errno. */
int xd_nic_attach(const struct xd_nic_conf *nic);
/* Take a port out of the switch, stop it and remove its device (a vif's
 * backend goes Closed). 0 or -errno. */
int xd_port_detach(uint16_t port);

/* The port serving vif domid.devid, or -ENOENT. */
int xd_port_find_vif(uint16_t domid, uint32_t devid);
/* The port whose switch name (vif5.0, uplink0) or ethdev id (decimal) is
 * name, or -ENOENT. */
int xd_port_find(const char *name);

/*
 * Handle pending ethdev events: link changes update the switch; a port
 * removed under us (RMV) is reported through removed(port, arg).
 */
void xd_portctl_events(void (*removed)(uint16_t port, void *arg), void *arg);

/* Drop learned entries of the FDB not seen for aging_s seconds. */
void xd_portctl_age(uint32_t aging_s);
/* Empty the FDB of learned entries (static ones stay). Returns how many
 * went. */
unsigned int xd_portctl_flush_fdb(void);

/* Switch egress counters of port summed over the workers, since attach. */
void xd_port_tx_counters(uint16_t port, uint64_t *pkts, uint64_t *drops);

#endif /* XD_PORTCTL_H */
