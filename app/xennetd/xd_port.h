/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The switch ports: one per ethdev port the daemon uses, either a guest
 * vif (a net_xen port) or a physical port from the config. Indexed by
 * ethdev port id.
 *
 * Publication rules: the control thread fills a port while it is not in
 * xd_active_ports and in no lcore's plan; the datapath reads the constant
 * part only while the port is active. Fields marked "atomic" change at
 * runtime and are read with relaxed atomic loads. The per-queue state is
 * owned by the one lcore whose plan holds that queue.
 */
#ifndef XD_PORT_H
#define XD_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_config.h>
#include <rte_ether.h>
#include <rte_flow.h>
#include <rte_spinlock.h>

#include "xd_config.h"
#include "xd_ratelim.h"

#define XD_MAX_QUEUES 16
#define XD_BURST 32

static_assert(RTE_MAX_ETHPORTS <= 64, "xd_active_ports is one word");

enum xd_port_kind {
	XD_PORT_NONE = 0,
	XD_PORT_VIF,
	XD_PORT_NIC,
};

/* Ingress counters of one Rx queue (written by its lcore). */
struct xd_rxq_stats {
	uint64_t pkts;      /* frames into the switch */
	uint64_t bytes;
	uint64_t spoofed;   /* source MAC not the guest's (or multicast) */
	uint64_t vlan;      /* tagged frame from an access vif */
	uint64_t runt;      /* shorter than an Ethernet header */
	uint64_t throttled; /* polls skipped: rate limit credit spent */
};

struct xd_rxq {
	int socket;         /* home: its mbufs' and its lcore's, -1: any */
	/* NIC queue bound to a vif (xd_bind.c); port ids are stored + 1 so
	 * that 0 means none. */
	uint16_t owner;     /* the bound vif (control thread) */
	uint16_t direct;    /* frames for owner's MAC go straight to it
			     * (flow mode; atomic) */
	struct xd_ratelim rl;
	uint64_t rl_cfg;    /* the rate rl was set up with */
	struct xd_rxq_stats st;
} __rte_cache_aligned;

struct xd_txq_lock {
	rte_spinlock_t lock;
} __rte_cache_aligned;

/* Ethdev events owed to the control thread (xd_port.events). */
#define XD_PORT_EV_LSC 0x1u
#define XD_PORT_EV_RMV 0x2u

struct xd_port {
	/* Constant while active. */
	enum xd_port_kind kind;
	char name[XD_NAME_LEN];   /* "vif<domid>.<devid>" or the config's */
	uint16_t domid;           /* vif */
	uint32_t devid;           /* vif */
	uint16_t nb_rxq;
	uint16_t nb_txq;
	bool txq_shared;          /* fewer Tx queues than lcores: lock */
	bool rx_intr;             /* Rx queues have interrupt fds */
	uint64_t tx_offloads;     /* enabled RTE_ETH_TX_OFFLOAD_* */
	bool lro;                 /* vif: guest GSO frames come whole (TSO) */
	uint16_t vlan;            /* vif: access VLAN, 0: untagged */
	bool has_mac;             /* vif: the toolstack gave the guest MAC */
	struct rte_ether_addr mac;
	int socket;               /* NUMA socket of the device, or -1 */
	/* Runtime settings (atomic). */
	bool trusted;             /* may send from any MAC */
	bool link_up;
	bool tso;                 /* takes TSO frames now (a vif: its guest
				   * negotiated GSO; set at link up) */
	uint64_t rate;            /* xd_ratelim_pack(); 0: unlimited */
	uint16_t max_queues;      /* vif: queues offered (devargs) */
	uint16_t bind_ref;        /* vif: 1 + the NIC port every frame of
				   * the guest goes to (xd_bind.c); 0:
				   * switched */
	/* vif binding, control thread (xd_bind.c). */
	uint16_t bind_queue;      /* the NIC Rx queue it owns */
	bool bind_flow;           /* rte_flow steers its frames there */
	struct rte_flow *flow;
	bool flow_refused;        /* NIC: the refusal was logged */
	/* Set by ethdev callbacks on any thread (atomic). */
	uint32_t events;
	/* Egress counters of the lcores at attach time (baseline). */
	uint64_t tx_base;
	uint64_t tx_drop_base;
	uint64_t attached_at;     /* TSC */
	struct xd_txq_lock txq_lock[XD_MAX_QUEUES];
	struct xd_rxq rxq[XD_MAX_QUEUES];
};

extern struct xd_port xd_ports[RTE_MAX_ETHPORTS];
/* Bit p: port p is in the switch (atomic). */
extern uint64_t xd_active_ports;

static inline bool
xd_port_active(uint64_t mask, uint16_t port)
{
	return port < RTE_MAX_ETHPORTS && (mask >> port) & 1;
}

#endif /* XD_PORT_H */
