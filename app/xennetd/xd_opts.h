/* SPDX-License-Identifier: BSD-3-Clause */
/* The daemon's own command line (after the EAL arguments and "--"). */
#ifndef XD_OPTS_H
#define XD_OPTS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#define XD_SIM_MAX_GUESTS 8

struct xd_opts {
	const char *config;     /* NULL: built-in defaults */
	const char *socket;     /* overrides [daemon] socket */
	bool sim;               /* the demo: own simulator, guests, rates */
	const char *sim_dir;    /* --sim: where; else: attach to it */
	const char *sim_bin_dir; /* xnb-simhv/-simxl/-simfront location */
	unsigned int sim_guests;
	uint64_t sim_duration_s; /* 0: until stopped */
	uint32_t sim_rate;      /* packets/s per guest, 0: unlimited */
	bool sim_tap;           /* try a net_tap port */
};

/*
 * Parse argv (argv[0] is the program name). 0; 1 when --help was given
 * (usage printed); -EINVAL after printing why.
 */
int xd_opts_parse(int argc, char **argv, struct xd_opts *o);
void xd_opts_usage(const char *prog);

#endif /* XD_OPTS_H */
