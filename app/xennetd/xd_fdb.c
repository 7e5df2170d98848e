/* SPDX-License-Identifier: BSD-3-Clause */
/* The forwarding database on rte_hash. */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "xd_fdb.h"

struct xd_fdb {
	struct rte_hash *h;
	uint32_t nb_slots;   /* positions are below this */
	uint64_t *seen;      /* per position: last seen (TSC) */
	uint8_t *is_static;  /* per position */
	int32_t *deleted;    /* positions waiting for reclaim */
	uint32_t nb_deleted;
	uint64_t learn_fail;
};

static_assert(sizeof(struct xd_fdb_key) == 8, "one 8-byte hash key");

struct xd_fdb *
xd_fdb_create(const char *name, uint32_t entries, int socket)
{
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = entries,
		.key_len = sizeof(struct xd_fdb_key),
		.hash_func = rte_hash_crc,
		.socket_id = socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD |
			      RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	struct xd_fdb *fdb;
	int32_t max;

	fdb = rte_zmalloc_socket("xd_fdb", sizeof(*fdb), 0, socket);
	if (fdb == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	fdb->h = rte_hash_create(&hp);
	if (fdb->h == NULL)
		goto free;
	max = rte_hash_max_key_id(fdb->h);
	if (max < 0) {
		rte_errno = EINVAL;
		goto free;
	}
	fdb->nb_slots = (uint32_t)max + 1;
	fdb->seen = rte_zmalloc_socket("xd_fdb_seen",
				       fdb->nb_slots * sizeof(*fdb->seen),
				       RTE_CACHE_LINE_SIZE, socket);
	fdb->is_static = rte_zmalloc_socket("xd_fdb_static", fdb->nb_slots,
					    0, socket);
	fdb->deleted = rte_malloc_socket("xd_fdb_deleted",
					 fdb->nb_slots * sizeof(*fdb->deleted),
					 0, socket);
	if (fdb->seen == NULL || fdb->is_static == NULL ||
	    fdb->deleted == NULL) {
		rte_errno = ENOMEM;
		goto free;
	}
	return fdb;

free:
	xd_fdb_free(fdb);
	return NULL;
}

void
xd_fdb_free(struct xd_fdb *fdb)
{
	if (fdb == NULL)
		return;
	rte_hash_free(fdb->h);
	rte_free(fdb->seen);
	rte_free(fdb->is_static);
	rte_free(fdb->deleted);
	rte_free(fdb);
}

int
xd_fdb_learn(struct xd_fdb *fdb, const struct xd_fdb_key *key,
	     uint16_t port, uint64_t now)
{
	void *data;
	int32_t pos;
	int ret;

	pos = rte_hash_lookup_data(fdb->h, key, &data);
	if (likely(pos >= 0)) {
		if (likely((uintptr_t)data == port)) {
			/* Benign race with other lcores: any recent
			 * time keeps the entry alive. */
			__atomic_store_n(&fdb->seen[pos], now,
					 __ATOMIC_RELAXED);
			return 0;
		}
		if (fdb->is_static[pos])
			return -EPERM;
	}
	/* New or moved: the writer lock inside rte_hash, rarely. */
	ret = rte_hash_add_key_data(fdb->h, key, (void *)(uintptr_t)port);
	if (ret < 0) {
		__atomic_fetch_add(&fdb->learn_fail, 1, __ATOMIC_RELAXED);
		return ret;
	}
	pos = rte_hash_lookup(fdb->h, key);
	if (pos >= 0)
		__atomic_store_n(&fdb->seen[pos], now, __ATOMIC_RELAXED);
	return 0;
}

void
xd_fdb_lookup_bulk(struct xd_fdb *fdb, const struct xd_fdb_key **keys,
		   unsigned int n, uint16_t *ports)
{
	void *data[RTE_HASH_LOOKUP_BULK_MAX];
	uint64_t hits = 0;
	unsigned int i;

	if (n == 0)
		return;
	rte_hash_lookup_bulk_data(fdb->h, (const void **)keys, n, &hits,
				  data);
	for (i = 0; i < n; i++)
		ports[i] = hits & (1ull << i) ? (uint16_t)(uintptr_t)data[i] :
			   XD_FDB_NO_PORT;
}

int
xd_fdb_add_static(struct xd_fdb *fdb, const struct xd_fdb_key *key,
		  uint16_t port)
{
	void *data;
	int32_t pos;
	int ret;

	pos = rte_hash_lookup_data(fdb->h, key, &data);
	if (pos >= 0 && fdb->is_static[pos] && (uintptr_t)data != port)
		return -EEXIST;
	ret = rte_hash_add_key_data(fdb->h, key, (void *)(uintptr_t)port);
	if (ret < 0)
		return ret;
	pos = rte_hash_lookup(fdb->h, key);
	if (pos < 0)
		return pos;
	fdb->is_static[pos] = 1;
	return 0;
}

enum fdb_select { SEL_AGED, SEL_PORT, SEL_ALL, SEL_ALL_LEARNED };

/* Delete the selected entries: keys are collected first, then deleted,
 * so the iteration never sees the table change under it. */
static unsigned int
fdb_delete(struct xd_fdb *fdb, enum fdb_select sel, uint64_t now,
	   uint64_t max_age, uint16_t port)
{
	struct xd_fdb_key *keys;
	unsigned int n = 0, i, done = 0;
	uint32_t next = 0, cap;
	const void *k;
	void *data;
	int32_t pos;
	bool del;

	cap = (uint32_t)rte_hash_count(fdb->h);
	if (cap == 0)
		return 0;
	keys = malloc(cap * sizeof(*keys));
	if (keys == NULL)
		return 0;
	while (n < cap && (pos = rte_hash_iterate(fdb->h, &k, &data,
						  &next)) >= 0) {
		uint64_t seen = __atomic_load_n(&fdb->seen[pos],
						__ATOMIC_RELAXED);

		switch (sel) {
		case SEL_AGED:
			del = !fdb->is_static[pos] && now > seen &&
			      now - seen > max_age;
			break;
		case SEL_PORT:
			del = (uintptr_t)data == port;
			break;
		case SEL_ALL_LEARNED:
			del = !fdb->is_static[pos];
			break;
		default:
			del = true;
			break;
		}
		if (del)
			memcpy(&keys[n++], k, sizeof(*keys));
	}
	for (i = 0; i < n; i++) {
		pos = rte_hash_del_key(fdb->h, &keys[i]);
		if (pos < 0)
			continue;
		fdb->deleted[fdb->nb_deleted++] = pos;
		done++;
	}
	free(keys);
	return done;
}

unsigned int
xd_fdb_age(struct xd_fdb *fdb, uint64_t now, uint64_t max_age)
{
	return fdb_delete(fdb, SEL_AGED, now, max_age, 0);
}

unsigned int
xd_fdb_purge_port(struct xd_fdb *fdb, uint16_t port)
{
	return fdb_delete(fdb, SEL_PORT, 0, 0, port);
}

unsigned int
xd_fdb_flush(struct xd_fdb *fdb, bool static_too)
{
	return fdb_delete(fdb, static_too ? SEL_ALL : SEL_ALL_LEARNED, 0, 0,
			  0);
}

void
xd_fdb_reclaim(struct xd_fdb *fdb)
{
	uint32_t i;

	for (i = 0; i < fdb->nb_deleted; i++) {
		fdb->is_static[fdb->deleted[i]] = 0;
		rte_hash_free_key_with_position(fdb->h, fdb->deleted[i]);
	}
	fdb->nb_deleted = 0;
}

unsigned int
xd_fdb_list(struct xd_fdb *fdb, uint64_t now, struct xd_fdb_entry *out,
	    unsigned int max)
{
	uint64_t hz = rte_get_tsc_hz(), seen;
	unsigned int n = 0;
	uint32_t next = 0;
	const void *k;
	void *data;
	int32_t pos;

	while ((pos = rte_hash_iterate(fdb->h, &k, &data, &next)) >= 0) {
		if (n < max) {
			struct xd_fdb_entry *e = &out[n];

			memcpy(&e->key, k, sizeof(e->key));
			e->port = (uint16_t)(uintptr_t)data;
			e->is_static = fdb->is_static[pos] != 0;
			seen = __atomic_load_n(&fdb->seen[pos],
					       __ATOMIC_RELAXED);
			e->age_ms = e->is_static || seen >= now ? 0 :
				    (now - seen) * 1000 / hz;
		}
		n++;
	}
	return n;
}

unsigned int
xd_fdb_count(const struct xd_fdb *fdb)
{
	return (unsigned int)rte_hash_count(fdb->h);
}

uint64_t
xd_fdb_learn_fail(const struct xd_fdb *fdb)
{
	return __atomic_load_n(&fdb->learn_fail, __ATOMIC_RELAXED);
}
