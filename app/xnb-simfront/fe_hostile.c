/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hostile mode: generators of malformed Tx input, one per class. Each puts
 * exactly that kind of bad packet on the ring; a correct backend answers it
 * with an error response (or disconnects, for fatal classes) and keeps
 * serving everyone else. Add a class by adding a row to the table.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xnb_simguest.h"

#include "simfront.h"

/* A grant reference no guest grant table has. */
#define FE_BAD_GREF 0x7ffffff0u

/* A malformed packet made of plain Tx request slots. */
struct bad_tx {
	unsigned int nslots;
	bool grant; /* grant the pages, else name FE_BAD_GREF */
	uint16_t offset; /* of every slot */
	uint16_t size; /* of every slot; the first carries the sum */
};

/* Queue the bad packet: 1, or 0 while the ring has no room. */
static int
emit_bad_tx(struct fe_queue *q, const struct bad_tx *b)
{
	int ids[FE_RING_SIZE];
	netif_tx_request_t *req;
	unsigned int i;
	int ret = 0;

	if (fe_tx_ring_free(q) < b->nslots || q->tx_nfree < b->nslots)
		return 0;
	for (i = 0; i < b->nslots; i++) {
		ids[i] = fe_tx_slot_get(q, i == 0, true);
		if (b->grant && ret >= 0)
			ret = fe_tx_slot_grant(q, ids[i]);
	}
	if (ret < 0) {
		for (i = 0; i < b->nslots; i++)
			fe_tx_slot_put(q, ids[i]);
		return ret;
	}
	for (i = 0; i < b->nslots; i++) {
		req = fe_tx_next_req(q);
		req->gref = b->grant ? q->txs[ids[i]].gref : FE_BAD_GREF;
		req->offset = b->offset;
		req->flags = i + 1 < b->nslots ? NETTXF_more_data : 0;
		req->id = (uint16_t)ids[i];
		req->size = (uint16_t)(i == 0 ? b->size * b->nslots : b->size);
	}
	return 1;
}

static int
emit_bad_gref(struct fe_queue *q)
{
	static const struct bad_tx b = { 1, false, 0, 60 };

	return emit_bad_tx(q, &b);
}

static int
emit_bad_offset(struct fe_queue *q)
{
	/* offset + size crosses the end of the granted page */
	static const struct bad_tx b = { 1, true, FE_PAGE_SIZE - 100, 200 };

	return emit_bad_tx(q, &b);
}

static int
emit_too_many_slots(struct fe_queue *q)
{
	static const struct bad_tx b = { FE_MAX_SLOTS + 1, true, 0, 64 };

	return emit_bad_tx(q, &b);
}

static int
emit_runt(struct fe_queue *q)
{
	/* shorter than an Ethernet header */
	static const struct bad_tx b = { 1, true, 0, 8 };

	return emit_bad_tx(q, &b);
}

static const struct fe_hostile hostile_classes[] = {
	{ "bad-gref", "a Tx request naming a grant that does not exist",
	  emit_bad_gref },
	{ "bad-offset", "offset + size beyond the end of the granted page",
	  emit_bad_offset },
	{ "too-many-slots", "a packet chained over more slots than allowed",
	  emit_too_many_slots },
	{ "runt", "a packet shorter than an Ethernet header", emit_runt },
};

const struct fe_hostile *
fe_hostile_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(hostile_classes) / sizeof(hostile_classes[0]);
	     i++)
		if (strcmp(hostile_classes[i].name, name) == 0)
			return &hostile_classes[i];
	return NULL;
}

void
fe_hostile_list(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(hostile_classes) / sizeof(hostile_classes[0]);
	     i++)
		printf("      %-14s %s\n", hostile_classes[i].name,
		       hostile_classes[i].help);
}
