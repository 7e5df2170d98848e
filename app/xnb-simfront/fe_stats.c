/* SPDX-License-Identifier: BSD-3-Clause */
/* Counters: a human line per interval (stderr), one JSON line at exit. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "simfront.h"

void
fe_stats_sum(const struct fe *fe, struct fe_qstats *sum)
{
	unsigned int i, k;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < FE_MAX_QUEUES; i++) {
		const struct fe_qstats *s = &fe->q[i].st;

		sum->tx_pkts += s->tx_pkts;
		sum->tx_bytes += s->tx_bytes;
		sum->tx_errors += s->tx_errors;
		sum->tx_dropped += s->tx_dropped;
		sum->tx_bad_rsp += s->tx_bad_rsp;
		sum->hostile_sent += s->hostile_sent;
		sum->hostile_rejected += s->hostile_rejected;
		sum->hostile_accepted += s->hostile_accepted;
		sum->rx_pkts += s->rx_pkts;
		sum->rx_bytes += s->rx_bytes;
		sum->rx_bad += s->rx_bad;
		sum->rx_proto += s->rx_proto;
		sum->rx_lost += s->rx_lost;
		sum->rx_reordered += s->rx_reordered;
		sum->rx_dup += s->rx_dup;
		sum->rx_untracked += s->rx_untracked;
		sum->rx_csum_blank += s->rx_csum_blank;
		sum->rx_gso += s->rx_gso;
		for (k = 0; k < FE_PKT_VERDICT_MAX; k++)
			sum->rx_why[k] += s->rx_why[k];
	}
}

void
fe_stats_interval(const struct fe *fe, double elapsed)
{
	struct fe_qstats s;

	fe_stats_sum(fe, &s);
	fprintf(stderr, "simfront dom%u %.1fs: tx %" PRIu64 " (err %" PRIu64
		") rx %" PRIu64 " (bad %" PRIu64 " lost %" PRId64 ")\n",
		fe->opt.domid, elapsed, s.tx_pkts, s.tx_errors + s.tx_dropped,
		s.rx_pkts, s.rx_bad, s.rx_lost);
}

static void
json_counters(const struct fe_qstats *s)
{
	unsigned int k;

	printf("\"tx_pkts\":%" PRIu64 ",\"tx_bytes\":%" PRIu64
	       ",\"tx_errors\":%" PRIu64 ",\"tx_dropped\":%" PRIu64
	       ",\"tx_bad_rsp\":%" PRIu64 ",\"hostile_sent\":%" PRIu64
	       ",\"hostile_rejected\":%" PRIu64
	       ",\"hostile_accepted\":%" PRIu64,
	       s->tx_pkts, s->tx_bytes, s->tx_errors, s->tx_dropped,
	       s->tx_bad_rsp, s->hostile_sent, s->hostile_rejected,
	       s->hostile_accepted);
	printf(",\"rx_pkts\":%" PRIu64 ",\"rx_bytes\":%" PRIu64
	       ",\"rx_bad\":%" PRIu64 ",\"rx_proto\":%" PRIu64
	       ",\"rx_lost\":%" PRId64 ",\"rx_reordered\":%" PRIu64
	       ",\"rx_dup\":%" PRIu64 ",\"rx_untracked\":%" PRIu64
	       ",\"rx_csum_blank\":%" PRIu64 ",\"rx_gso\":%" PRIu64,
	       s->rx_pkts, s->rx_bytes, s->rx_bad, s->rx_proto, s->rx_lost,
	       s->rx_reordered, s->rx_dup, s->rx_untracked, s->rx_csum_blank,
	       s->rx_gso);
	printf(",\"rx_bad_why\":{");
	for (k = 1; k < FE_PKT_VERDICT_MAX; k++)
		printf("%s\"%s\":%" PRIu64, k > 1 ? "," : "",
		       fe_pkt_verdict_name(k), s->rx_why[k]);
	printf("}");
}

void
fe_stats_json(const struct fe *fe, double elapsed, bool ok, const char *why)
{
	struct fe_qstats sum;
	unsigned int i;

	fe_stats_sum(fe, &sum);
	printf("{\"domid\":%u,\"devid\":%u,\"ok\":%s,\"why\":\"%s\","
	       "\"hostile\":\"%s\",\"connects\":%" PRIu64
	       ",\"queues_used\":%u,\"elapsed_s\":%.3f,",
	       fe->opt.domid, fe->opt.devid, ok ? "true" : "false",
	       why == NULL ? "" : why,
	       fe->opt.hostile == NULL ? "" : fe->opt.hostile->name,
	       fe->connects, fe->queues_used, elapsed);
	json_counters(&sum);
	printf(",\"tx_pps\":%.0f,\"rx_pps\":%.0f,\"queues\":[",
	       elapsed > 0 ? sum.tx_pkts / elapsed : 0.0,
	       elapsed > 0 ? sum.rx_pkts / elapsed : 0.0);
	for (i = 0; i < fe->opt.queues && i < FE_MAX_QUEUES; i++) {
		printf("%s{\"queue\":%u,", i > 0 ? "," : "", i);
		json_counters(&fe->q[i].st);
		printf("}");
	}
	printf("]}\n");
	fflush(stdout);
}
