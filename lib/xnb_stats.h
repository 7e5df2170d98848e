/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-queue counters. Names follow netif: "tx" is guest transmit (frontend
 * to backend, ethdev Rx), "rx" is guest receive (ethdev Tx). Each half is
 * written by the one lcore serving that direction and only read elsewhere
 * (64-bit loads are atomic on the supported targets).
 */
#ifndef XNB_STATS_H
#define XNB_STATS_H

#include <stddef.h>
#include <stdint.h>

struct xnb_tx_stats {
	uint64_t packets;      /* frames handed to the caller */
	uint64_t bytes;
	uint64_t drop_slots;   /* more than XNB_TX_LEGACY_SLOTS data slots */
	uint64_t drop_frag_size; /* a fragment larger than the remaining size */
	uint64_t drop_runt;    /* first slot shorter than an Ethernet header */
	uint64_t drop_grant;   /* a grant copy of the frame failed */
	uint64_t nobuf;        /* bursts cut short: caller had no buffer */
	uint64_t mcast_ok;     /* multicast filter add/del requests applied */
	uint64_t mcast_err;    /* multicast requests refused (filter full) */
	uint64_t fatal;        /* protocol violations that disabled the vif */
	uint64_t gcopy_ops;    /* grant-copy operations */
	uint64_t gcopy_calls;  /* grant-copy hypercalls (batches) */
	uint64_t gmap_ops;     /* grants mapped (zero-copy) */
	uint64_t gmap_calls;
	uint64_t gunmap_ops;
	uint64_t gunmap_calls;
	uint64_t notify;       /* event-channel notifications sent */
};

struct xnb_rx_stats {
	uint64_t packets;      /* frames delivered to the guest */
	uint64_t bytes;
	uint64_t drop_backlog; /* backlog full (guest not posting buffers) */
	uint64_t drop_grant;   /* a grant copy into the guest failed */
	uint64_t drop_size;    /* does not fit: empty, > 64 KiB, no sg, slots */
	uint64_t drop_gso;     /* GSO type the guest did not negotiate */
	uint64_t drop_mcast;   /* multicast not in the guest's filter */
	uint64_t drop_desc;    /* the caller could not describe the packet */
	uint64_t ring_full;    /* calls that found no free guest Rx request */
	uint64_t fatal;        /* protocol violations that disabled the vif */
	uint64_t gcopy_ops;
	uint64_t gcopy_calls;
	uint64_t notify;
};

struct xnb_queue_stats {
	struct xnb_tx_stats tx;
	struct xnb_rx_stats rx;
};

/* Name and offset (in struct xnb_queue_stats) of each uint64_t counter,
 * for xstats: "tx_packets", "tx_drop_slots", ..., "rx_notify". */
struct xnb_stat_name {
	const char *name;
	size_t offset;
};

extern const struct xnb_stat_name xnb_queue_stat_names[];
extern const unsigned int xnb_queue_nb_stats;

#endif /* XNB_STATS_H */
