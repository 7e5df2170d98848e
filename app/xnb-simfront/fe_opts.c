/* SPDX-License-Identifier: BSD-3-Clause */
/* Command line of xnb-simfront. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xnb_sim_paths.h"

#include "simfront.h"

enum {
	OPT_DIR = 256,
	OPT_DOMID,
	OPT_DEVID,
	OPT_QUEUES,
	OPT_SIZE,
	OPT_FLOWS,
	OPT_RATE,
	OPT_COUNT,
	OPT_DURATION,
	OPT_TIMEOUT,
	OPT_DST_MAC,
	OPT_VERIFY,
	OPT_NO_VERIFY,
	OPT_RX_ONLY,
	OPT_TX_ONLY,
	OPT_HOSTILE,
	OPT_CPU,
	OPT_SPLIT,
	OPT_SINGLE,
	OPT_NO_SG,
	OPT_NO_GSO,
	OPT_GSO,
	OPT_EXPECT_RX,
	OPT_ALLOW_LOSS,
	OPT_STATS,
	OPT_WAIT_START,
	OPT_FAST_TX,
	OPT_HELP,
};

static const struct option long_opts[] = {
	{ "dir", required_argument, NULL, OPT_DIR },
	{ "domid", required_argument, NULL, OPT_DOMID },
	{ "devid", required_argument, NULL, OPT_DEVID },
	{ "queues", required_argument, NULL, OPT_QUEUES },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "flows", required_argument, NULL, OPT_FLOWS },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "dst-mac", required_argument, NULL, OPT_DST_MAC },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "no-verify", no_argument, NULL, OPT_NO_VERIFY },
	{ "rx-only", no_argument, NULL, OPT_RX_ONLY },
	{ "tx-only", no_argument, NULL, OPT_TX_ONLY },
	{ "hostile", required_argument, NULL, OPT_HOSTILE },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "split-evtchn", no_argument, NULL, OPT_SPLIT },
	{ "single-evtchn", no_argument, NULL, OPT_SINGLE },
	{ "no-sg", no_argument, NULL, OPT_NO_SG },
	{ "no-gso", no_argument, NULL, OPT_NO_GSO },
	{ "gso", no_argument, NULL, OPT_GSO },
	{ "expect-rx", required_argument, NULL, OPT_EXPECT_RX },
	{ "allow-loss", no_argument, NULL, OPT_ALLOW_LOSS },
	{ "stats-interval", required_argument, NULL, OPT_STATS },
	{ "wait-start", no_argument, NULL, OPT_WAIT_START },
	{ "fast-tx", no_argument, NULL, OPT_FAST_TX },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void
usage(const char *prog)
{
	printf("Usage: %s --domid N [options]\n"
	       "A simulated guest whose netif frontend behaves like Linux "
	       "xen-netfront.\n\n"
	       "  --dir DIR           simulator directory (default $%s)\n"
	       "  --domid N           this guest's domain id (created by "
	       "xnb-simxl create)\n"
	       "  --devid N           vif device id (default 0)\n"
	       "  --queues N          queues to ask for (default 1, max %u)\n"
	       "  --split-evtchn      separate Tx/Rx event channels when "
	       "offered (the default,\n"
	       "                      as Linux netfront does)\n"
	       "  --single-evtchn     one event channel per queue even when "
	       "split ones are\n"
	       "                      offered\n"
	       "  --no-sg, --no-gso   do not offer scatter-gather / GSO\n"
	       "  --size B            frame length, %u..%u (default 60)\n"
	       "  --gso               IPv4/TCP frames with csum_blank, GSO "
	       "extra above the MTU\n"
	       "  --flows N           with --gso: N TCP flows (source ports) "
	       "per queue in turn,\n"
	       "                      each numbered and checked on its own "
	       "(default 1, max %u)\n"
	       "  --rate PPS          packets per second (default 0: as fast "
	       "as possible)\n"
	       "  --count N           stop sending after N packets\n"
	       "  --duration S        stop the traffic after S seconds\n"
	       "  --wait-start        connect, then send only after SIGUSR1 "
	       "(start many guests\n"
	       "                      at once)\n"
	       "  --fast-tx           send pre-built frames from a pool granted "
	       "once (only the\n"
	       "                      sequence number is written per packet): "
	       "a minimal-cost\n"
	       "                      guest for benchmarks\n"
	       "  --timeout S         bound on the handshake and on the final "
	       "drain (default 30)\n"
	       "  --dst-mac M         destination MAC (default broadcast)\n"
	       "  --verify, --no-verify  check every received frame "
	       "(default on)\n"
	       "  --rx-only, --tx-only   receive or send only\n"
	       "  --expect-rx N       succeed only after N good frames "
	       "arrived\n"
	       "  --allow-loss        lost/reordered/dropped frames do not "
	       "fail the run\n"
	       "  --hostile CLASS     every other packet is malformed; "
	       "classes:\n",
	       prog, XNB_SIM_DIR_ENV, FE_MAX_QUEUES, FE_PKT_MIN_PLAIN,
	       FE_PKT_MAX_LEN, FE_MAX_FLOWS);
	fe_hostile_list();
	printf("  --stats-interval S  print counters every S seconds "
	       "(stderr)\n"
	       "  --cpu C             pin to CPU C\n"
	       "SIGHUP re-probes the device, as a driver unbind + bind in "
	       "the guest does.\n"
	       "Prints one JSON line of counters at exit; exit status 0 when "
	       "every check passed,\n1 when one failed, 2 on a usage or "
	       "set-up error.\n");
}

static int
parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	unsigned long long x;
	char *end;

	errno = 0;
	x = strtoull(s, &end, 0);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || x > max)
		return -EINVAL;
	*v = x;
	return 0;
}

static int
parse_secs(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !(*v >= 0) ||
	    *v > 1e7)
		return -EINVAL;
	return 0;
}

static int
check(struct fe_opts *o, bool have_domid)
{
	uint32_t min = o->gso ? FE_PKT_MIN_TCP : FE_PKT_MIN_PLAIN;

	if (!have_domid) {
		fprintf(stderr, "simfront: --domid is required\n");
		return -EINVAL;
	}
	if (o->dir == NULL) {
		fprintf(stderr, "simfront: no --dir and no $%s\n",
			XNB_SIM_DIR_ENV);
		return -EINVAL;
	}
	if (o->size < min || o->size > FE_PKT_MAX_LEN) {
		fprintf(stderr, "simfront: --size must be %u..%u\n", min,
			FE_PKT_MAX_LEN);
		return -EINVAL;
	}
	if (o->rx_only && o->tx_only) {
		fprintf(stderr, "simfront: --rx-only and --tx-only exclude "
			"each other\n");
		return -EINVAL;
	}
	/* Plain frames have no ports; pre-built ones one flow per queue. */
	if (o->flows > 1 && (!o->gso || o->fast_tx)) {
		fprintf(stderr, "simfront: --flows needs --gso and excludes "
			"--fast-tx\n");
		return -EINVAL;
	}
	if (o->gso && o->no_gso) {
		fprintf(stderr, "simfront: --gso and --no-gso exclude each "
			"other\n");
		return -EINVAL;
	}
	/* The simulator's grant table holds at most 32768 entries. */
	if (o->fast_tx && 2 * o->queues * (FE_PAGES_PER_QUEUE +
	    fe_fast_pool_pages(o->size)) > 32768) {
		fprintf(stderr, "simfront: --fast-tx pool of %u queues of "
			"%u-byte frames is too large\n", o->queues, o->size);
		return -EINVAL;
	}
	if (o->tx_only)
		o->verify = false;
	return 0;
}

int
fe_opts_parse(int argc, char **argv, struct fe_opts *o)
{
	bool have_domid = false;
	uint64_t v = 0;
	int c, ret = 0;

	memset(o, 0, sizeof(*o));
	o->dir = getenv(XNB_SIM_DIR_ENV);
	o->queues = 1;
	o->flows = 1;
	o->size = 60;
	o->timeout = 30;
	o->verify = true;
	o->cpu = -1;
	memset(o->dst_mac, 0xff, sizeof(o->dst_mac));

	while (ret == 0 &&
	       (c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_DIR:
			o->dir = optarg;
			break;
		case OPT_DOMID:
			/* not dom0, below DOMID_FIRST_RESERVED */
			ret = parse_u64(optarg, 0x7fef, &v);
			ret = ret == 0 && v == 0 ? -EINVAL : ret;
			o->domid = (uint16_t)v;
			have_domid = true;
			break;
		case OPT_DEVID:
			ret = parse_u64(optarg, 65535, &v);
			o->devid = (unsigned int)v;
			break;
		case OPT_QUEUES:
			ret = parse_u64(optarg, FE_MAX_QUEUES, &v);
			ret = ret == 0 && v == 0 ? -EINVAL : ret;
			o->queues = (unsigned int)v;
			break;
		case OPT_FLOWS:
			ret = parse_u64(optarg, FE_MAX_FLOWS, &v);
			ret = ret == 0 && v == 0 ? -EINVAL : ret;
			o->flows = (unsigned int)v;
			break;
		case OPT_SIZE:
			ret = parse_u64(optarg, FE_PKT_MAX_LEN, &v);
			o->size = (uint32_t)v;
			break;
		case OPT_RATE:
			ret = parse_u64(optarg, UINT32_MAX, &o->rate);
			break;
		case OPT_COUNT:
			ret = parse_u64(optarg, UINT64_MAX, &o->count);
			break;
		case OPT_DURATION:
			ret = parse_secs(optarg, &o->duration);
			break;
		case OPT_TIMEOUT:
			ret = parse_secs(optarg, &o->timeout);
			break;
		case OPT_DST_MAC:
			ret = fe_mac_parse(optarg, o->dst_mac);
			break;
		case OPT_VERIFY:
			o->verify = true;
			break;
		case OPT_NO_VERIFY:
			o->verify = false;
			break;
		case OPT_RX_ONLY:
			o->rx_only = true;
			break;
		case OPT_TX_ONLY:
			o->tx_only = true;
			break;
		case OPT_HOSTILE:
			o->hostile = fe_hostile_find(optarg);
			ret = o->hostile == NULL ? -EINVAL : 0;
			break;
		case OPT_CPU:
			ret = parse_u64(optarg, 1023, &v);
			o->cpu = (int)v;
			break;
		case OPT_SPLIT:
			o->single_evtchn = false;
			break;
		case OPT_SINGLE:
			o->single_evtchn = true;
			break;
		case OPT_NO_SG:
			o->no_sg = true;
			break;
		case OPT_NO_GSO:
			o->no_gso = true;
			break;
		case OPT_GSO:
			o->gso = true;
			break;
		case OPT_EXPECT_RX:
			ret = parse_u64(optarg, UINT64_MAX, &o->expect_rx);
			break;
		case OPT_ALLOW_LOSS:
			o->allow_loss = true;
			break;
		case OPT_STATS:
			ret = parse_secs(optarg, &o->stats_interval);
			break;
		case OPT_WAIT_START:
			o->wait_start = true;
			break;
		case OPT_FAST_TX:
			o->fast_tx = true;
			break;
		case OPT_HELP:
			usage(argv[0]);
			return 1;
		default:
			ret = -EINVAL;
			break;
		}
		if (ret < 0 && c >= OPT_DIR)
			fprintf(stderr, "simfront: bad value '%s' for --%s\n",
				optarg, long_opts[c - OPT_DIR].name);
	}
	if (ret == 0 && optind < argc) {
		fprintf(stderr, "simfront: unexpected argument '%s'\n",
			argv[optind]);
		ret = -EINVAL;
	}
	if (ret == 0)
		ret = check(o, have_domid);
	if (ret < 0)
		fprintf(stderr, "Try '%s --help'.\n", argv[0]);
	return ret;
}
