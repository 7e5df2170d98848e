/* SPDX-License-Identifier: BSD-3-Clause */
/* Sequence tracking of received test frames. */
#include <string.h>

#include "fe_seq.h"

void
fe_seq_init(struct fe_seq_table *t)
{
	memset(t, 0, sizeof(*t));
}

static struct fe_seq_stream *
stream_get(struct fe_seq_table *t, uint16_t domid, uint16_t queue)
{
	unsigned int i;

	for (i = 0; i < FE_SEQ_MAX_STREAMS; i++) {
		struct fe_seq_stream *s = &t->s[i];

		if (!s->used) {
			s->used = true;
			s->domid = domid;
			s->queue = queue;
			return s;
		}
		if (s->domid == domid && s->queue == queue)
			return s;
	}
	return NULL;
}

static bool
bit_test(const struct fe_seq_stream *s, uint64_t seq)
{
	uint64_t b = seq % FE_SEQ_WINDOW;

	return (s->seen[b / 64] >> (b % 64)) & 1;
}

static void
bit_set(struct fe_seq_stream *s, uint64_t seq, bool v)
{
	uint64_t b = seq % FE_SEQ_WINDOW;

	if (v)
		s->seen[b / 64] |= UINT64_C(1) << (b % 64);
	else
		s->seen[b / 64] &= ~(UINT64_C(1) << (b % 64));
}

void
fe_seq_track(struct fe_seq_table *t, uint16_t domid, uint16_t queue,
	     uint64_t seq, struct fe_seq_delta *d)
{
	struct fe_seq_stream *s = stream_get(t, domid, queue);
	uint64_t q;

	memset(d, 0, sizeof(*d));
	if (s == NULL) {
		d->untracked = 1;
		return;
	}
	if (seq >= s->next) {
		/* New: everything skipped is lost until it shows up late. */
		d->lost = (int64_t)(seq - s->next);
		if (seq - s->next >= FE_SEQ_WINDOW)
			memset(s->seen, 0, sizeof(s->seen));
		else
			for (q = s->next; q < seq; q++)
				bit_set(s, q, false);
		bit_set(s, seq, true);
		s->next = seq + 1;
	} else if (s->next - seq > FE_SEQ_WINDOW || bit_test(s, seq)) {
		/* Seen (or too old to tell): a duplicate. */
		d->dup = 1;
	} else {
		bit_set(s, seq, true);
		d->lost = -1;
		d->reordered = 1;
	}
}
