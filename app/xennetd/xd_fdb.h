/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The switch's forwarding database: (MAC, VLAN) -> port, learned from
 * source addresses, aged out, plus static entries for the guests' own
 * addresses (never aged, never moved by learning).
 *
 * rte_hash with lock-free readers (RW_CONCURRENCY_LF): lookups and the
 * common learning case (a known address seen again on its port: only its
 * timestamp is stored) take no lock. Adding a new address or moving one
 * takes the hash's writer lock, which is rare.
 *
 * Deleted entries keep their slot until every lcore has moved on: the
 * control thread deletes (age, purge, flush), makes the lcores pass a
 * quiescent point, then calls xd_fdb_reclaim().
 */
#ifndef XD_FDB_H
#define XD_FDB_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_ether.h>

#define XD_FDB_NO_PORT UINT16_MAX

struct xd_fdb;

struct xd_fdb_key {
	uint8_t mac[RTE_ETHER_ADDR_LEN];
	uint16_t vlan;
};

/* One entry, for listing. */
struct xd_fdb_entry {
	struct xd_fdb_key key;
	uint16_t port;
	bool is_static;
	uint64_t age_ms; /* since last seen; 0 for static entries */
};

/* entries: capacity. NULL + rte_errno. */
struct xd_fdb *xd_fdb_create(const char *name, uint32_t entries,
			     int socket);
void xd_fdb_free(struct xd_fdb *fdb);

static inline void
xd_fdb_key_set(struct xd_fdb_key *k, const struct rte_ether_addr *mac,
	       uint16_t vlan)
{
	memcpy(k->mac, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	k->vlan = vlan;
}

/*
 * Datapath: port was seen sending from key at time now (TSC). 0; -ENOSPC
 * when the table is full; -EPERM when key is a static entry of another
 * port (not moved).
 */
int xd_fdb_learn(struct xd_fdb *fdb, const struct xd_fdb_key *key,
		 uint16_t port, uint64_t now);

/* Datapath: ports[i] for keys[i] (n <= 64), XD_FDB_NO_PORT when unknown. */
void xd_fdb_lookup_bulk(struct xd_fdb *fdb, const struct xd_fdb_key **keys,
			unsigned int n, uint16_t *ports);

/* Control thread. 0, -ENOSPC, -EEXIST (static for another port). */
int xd_fdb_add_static(struct xd_fdb *fdb, const struct xd_fdb_key *key,
		      uint16_t port);

/*
 * Control thread: delete learned entries not seen for max_age cycles
 * (xd_fdb_age), every entry of port (xd_fdb_purge_port, static ones
 * included), or every entry (xd_fdb_flush; static_too false keeps static
 * ones). Return how many were deleted; slots wait for xd_fdb_reclaim().
 */
unsigned int xd_fdb_age(struct xd_fdb *fdb, uint64_t now, uint64_t max_age);
unsigned int xd_fdb_purge_port(struct xd_fdb *fdb, uint16_t port);
unsigned int xd_fdb_flush(struct xd_fdb *fdb, bool static_too);
/* After every lcore passed a quiescent point: free deleted slots. */
void xd_fdb_reclaim(struct xd_fdb *fdb);

/* Control thread: entries into out (at most max); returns the total. */
unsigned int xd_fdb_list(struct xd_fdb *fdb, uint64_t now,
			 struct xd_fdb_entry *out, unsigned int max);
unsigned int xd_fdb_count(const struct xd_fdb *fdb);

/* Learning failures (table full), for stats. */
uint64_t xd_fdb_learn_fail(const struct xd_fdb *fdb);

#endif /* XD_FDB_H */
