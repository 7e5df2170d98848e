/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-source sequence tracking of received test frames: every (domid,
 * queue) stream numbers its frames from 0; the tracker tells in-order,
 * lost, reordered (late but new) and duplicated frames apart within a
 * window of recent sequence numbers.
 */
#ifndef FE_SEQ_H
#define FE_SEQ_H

#include <stdbool.h>
#include <stdint.h>

#define FE_SEQ_WINDOW 1024u /* power of two */
#define FE_SEQ_MAX_STREAMS 64u

struct fe_seq_stream {
	bool used;
	uint16_t domid;
	uint16_t queue;
	uint64_t next; /* lowest sequence number not yet accounted for */
	uint64_t seen[FE_SEQ_WINDOW / 64]; /* bit (seq % WINDOW), seq < next */
};

struct fe_seq_table {
	struct fe_seq_stream s[FE_SEQ_MAX_STREAMS];
};

/* Counter deltas for one frame; lost may go down when a late frame fills
 * a gap counted as lost earlier. */
struct fe_seq_delta {
	int64_t lost;
	uint64_t reordered;
	uint64_t dup;
	uint64_t untracked; /* stream table full */
};

void fe_seq_init(struct fe_seq_table *t);
void fe_seq_track(struct fe_seq_table *t, uint16_t domid, uint16_t queue,
		  uint64_t seq, struct fe_seq_delta *d);

#endif /* FE_SEQ_H */
