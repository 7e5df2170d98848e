/* SPDX-License-Identifier: BSD-3-Clause */
/* Command-line options of xennetd. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "xd_config.h"
#include "xd_opts.h"

enum {
	OPT_CONFIG = 256,
	OPT_SOCKET,
	OPT_SIM,
	OPT_SIM_DIR,
	OPT_SIM_BIN_DIR,
	OPT_SIM_GUESTS,
	OPT_SIM_DURATION,
	OPT_SIM_RATE,
	OPT_SIM_NO_TAP,
	OPT_HELP,
};

static const struct option long_opts[] = {
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "sim", no_argument, NULL, OPT_SIM },
	{ "sim-dir", required_argument, NULL, OPT_SIM_DIR },
	{ "sim-bin-dir", required_argument, NULL, OPT_SIM_BIN_DIR },
	{ "sim-guests", required_argument, NULL, OPT_SIM_GUESTS },
	{ "sim-duration", required_argument, NULL, OPT_SIM_DURATION },
	{ "sim-rate", required_argument, NULL, OPT_SIM_RATE },
	{ "sim-no-tap", no_argument, NULL, OPT_SIM_NO_TAP },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

void
xd_opts_usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [options]\n"
	       "The userspace Xen network backend: serves guest vifs as net_xen\n"
	       "ports and switches them with the physical ports of the config.\n"
	       "\n"
	       "  --config FILE      configuration (INI; see xennetd.conf)\n"
	       "  --socket PATH      control socket (default: in the DPDK runtime\n"
	       "                     directory, xennetd.sock)\n"
	       "  --sim-dir DIR      serve the simulated hypervisor at DIR\n"
	       "                     (xnb-simhv --dir DIR) instead of Xen\n"
	       "  --sim              demo: start a simulated hypervisor (in\n"
	       "                     --sim-dir, else a new temporary directory),\n"
	       "                     guests exchanging traffic through the switch,\n"
	       "                     and print per-vif rates every second\n"
	       "  --sim-guests N     demo guests, 2..%d (default 3)\n"
	       "  --sim-rate PPS     packets per second per guest (default 20000,\n"
	       "                     0: as fast as possible)\n"
	       "  --sim-duration S   stop the demo after S seconds\n"
	       "  --sim-bin-dir DIR  where xnb-simhv, xnb-simxl and xnb-simfront\n"
	       "                     are (default: the build tree next to this\n"
	       "                     program, then its directory, then PATH)\n"
	       "  --sim-no-tap       no net_tap port in the demo\n"
	       "  --help             this text\n"
	       "\n"
	       "EAL options are DPDK's (e.g. -l 0-1: the first lcore runs the\n"
	       "control thread, the others switch frames; at least two).\n"
	       "Signals: SIGTERM/SIGINT close every vif (Closing -> Closed) and\n"
	       "exit; SIGHUP reloads the configuration file.\n",
	       prog, XD_SIM_MAX_GUESTS);
}

static int
bad(const char *prog, const char *opt, const char *arg)
{
	fprintf(stderr, "%s: invalid %s '%s' (see --help)\n", prog, opt, arg);
	return -EINVAL;
}

int
xd_opts_parse(int argc, char **argv, struct xd_opts *o)
{
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->sim_guests = 3;
	o->sim_rate = 20000;
	o->sim_tap = true;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_SOCKET:
			o->socket = optarg;
			break;
		case OPT_SIM:
			o->sim = true;
			break;
		case OPT_SIM_DIR:
			o->sim_dir = optarg;
			break;
		case OPT_SIM_BIN_DIR:
			o->sim_bin_dir = optarg;
			break;
		case OPT_SIM_GUESTS:
			if (xd_parse_u64(optarg, 2, XD_SIM_MAX_GUESTS, &v) < 0)
				return bad(argv[0], "--sim-guests", optarg);
			o->sim_guests = (unsigned int)v;
			break;
		case OPT_SIM_DURATION:
			if (xd_parse_u64(optarg, 1, 86400 * 365, &v) < 0)
				return bad(argv[0], "--sim-duration", optarg);
			o->sim_duration_s = v;
			break;
		case OPT_SIM_RATE:
			if (xd_parse_u64(optarg, 0, 100000000, &v) < 0)
				return bad(argv[0], "--sim-rate", optarg);
			o->sim_rate = (uint32_t)v;
			break;
		case OPT_SIM_NO_TAP:
			o->sim_tap = false;
			break;
		case OPT_HELP:
			xd_opts_usage(argv[0]);
			return 1;
		default:
			fprintf(stderr, "%s: unknown option '%s' (see --help)\n",
				argv[0], argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0],
			argv[optind]);
		return -EINVAL;
	}
	if (!o->sim && (o->sim_bin_dir != NULL || o->sim_duration_s != 0)) {
		fprintf(stderr, "%s: --sim-bin-dir and --sim-duration go with "
			"--sim\n", argv[0]);
		return -EINVAL;
	}
	return 0;
}
