/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xnb-simxl: the toolstack stand-in on the command line, an "xl" for the
 * simulated hypervisor (create, network-attach/-detach/-list, destroy).
 * Exit status 0 on success, 1 on failure, 2 on bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xnb_simxl.h"

#define EXIT_USAGE 2

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: xnb-simxl [--dir DIR] COMMAND ARGS\n"
		"  create DOMID [name=NAME]\n"
		"  network-attach DOMID [mac=MAC] [devid=N] [script=PATH]\n"
		"                 [bridge=BR] [rate=RATE] [vlan=ID] [ip=IP]\n"
		"                 [mtu=N] [backend=DOMID]\n"
		"  network-detach DOMID DEVID\n"
		"  network-list DOMID\n"
		"  destroy DOMID\n"
		"DIR defaults to $XNB_SIM_DIR; RATE as in xl (10Mb/s@20ms).\n"
		"destroy follows libxl: pause the guest (SIGSTOP), per vif\n"
		"remove the frontend dir and write backend online=0 state=5,\n"
		"wait (2 s) for state 6, run the hotplug script offline, remove\n"
		"the backend dir; remove /local/domain/N and /libxl/N; kill the\n"
		"guest (@releaseDomain).\n");
}

static int
parse_num(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (*end != '\0' || errno != 0 || *out > max)
		return -EINVAL;
	return 0;
}

/* key=value into *value when arg starts with key=. */
static bool
kv(const char *arg, const char *key, const char **value)
{
	size_t n = strlen(key);

	if (strncmp(arg, key, n) != 0 || arg[n] != '=')
		return false;
	*value = arg + n + 1;
	return true;
}

static int
cmd_create(struct xnb_simxl *xl, uint16_t domid, int argc, char **argv)
{
	const char *name = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (!kv(argv[i], "name", &name)) {
			fprintf(stderr, "xnb-simxl: unknown argument '%s'\n",
				argv[i]);
			return -EINVAL;
		}
	}
	return xnb_simxl_domain_create(xl, domid, name);
}

static int
cmd_attach(struct xnb_simxl *xl, uint16_t domid, int argc, char **argv)
{
	struct xnb_simxl_nic nic = { .domid = domid, .devid = -1 };
	const char *v;
	unsigned long n;
	int i, ret;

	for (i = 0; i < argc; i++) {
		if (kv(argv[i], "mac", &nic.mac) ||
		    kv(argv[i], "script", &nic.script) ||
		    kv(argv[i], "bridge", &nic.bridge) ||
		    kv(argv[i], "rate", &nic.rate) ||
		    kv(argv[i], "vlan", &nic.vlan) ||
		    kv(argv[i], "ip", &nic.ip))
			continue;
		if (kv(argv[i], "devid", &v) && parse_num(v, INT32_MAX, &n) == 0)
			nic.devid = (int)n;
		else if (kv(argv[i], "mtu", &v) && parse_num(v, 65535, &n) == 0)
			nic.mtu = (unsigned int)n;
		else if (kv(argv[i], "backend", &v) &&
			 parse_num(v, UINT16_MAX, &n) == 0)
			nic.backend = (uint16_t)n;
		else {
			fprintf(stderr, "xnb-simxl: bad argument '%s'\n",
				argv[i]);
			return -EINVAL;
		}
	}
	ret = xnb_simxl_nic_attach(xl, &nic);
	if (ret >= 0)
		printf("%d\n", ret);
	return ret < 0 ? ret : 0;
}

static int
cmd_list(struct xnb_simxl *xl, uint16_t domid)
{
	struct xnb_simxl_nic_info info[256];
	int i, n;

	n = xnb_simxl_nic_list(xl, domid, info, 256);
	if (n < 0) {
		fprintf(stderr, "xnb-simxl: cannot list vifs of domain %u: "
			"%s\n", domid, strerror(-n));
		return n;
	}
	printf("Idx BE Mac Addr.         handle state evt-ch "
	       "tx-/rx-ring-ref BE-path\n");
	for (i = 0; i < n && i < 256; i++)
		printf("%-3d %-2d %-17s %6d %5d %6d %7d/%-7d %s\n",
		       info[i].devid, info[i].backend, info[i].mac,
		       info[i].devid, info[i].fe_state, info[i].evtchn,
		       info[i].tx_ring_ref, info[i].rx_ring_ref,
		       info[i].be_path);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *cmd;
	struct xnb_simxl *xl;
	unsigned long domid, devid;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+d:h", opts, NULL)) != -1) {
		if (c == 'd') {
			dir = optarg;
		} else if (c == 'h') {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind < 2 || parse_num(argv[optind + 1], UINT16_MAX,
					   &domid) < 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind];
	argc -= optind + 2;
	argv += optind + 2;
	if (strcmp(cmd, "network-detach") == 0 &&
	    (argc != 1 || parse_num(argv[0], INT32_MAX, &devid) < 0)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((strcmp(cmd, "network-list") == 0 || strcmp(cmd, "destroy") == 0) &&
	    argc != 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(cmd, "create") != 0 && strcmp(cmd, "network-attach") != 0 &&
	    strcmp(cmd, "network-detach") != 0 &&
	    strcmp(cmd, "network-list") != 0 && strcmp(cmd, "destroy") != 0) {
		fprintf(stderr, "xnb-simxl: unknown command '%s'\n", cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	xl = xnb_simxl_open(dir);
	if (xl == NULL)
		return EXIT_FAILURE;
	if (strcmp(cmd, "create") == 0)
		ret = cmd_create(xl, (uint16_t)domid, argc, argv);
	else if (strcmp(cmd, "network-attach") == 0)
		ret = cmd_attach(xl, (uint16_t)domid, argc, argv);
	else if (strcmp(cmd, "network-detach") == 0)
		ret = xnb_simxl_nic_detach(xl, (uint16_t)domid, (int)devid, 0);
	else if (strcmp(cmd, "network-list") == 0)
		ret = cmd_list(xl, (uint16_t)domid);
	else
		ret = xnb_simxl_domain_destroy(xl, (uint16_t)domid);
	xnb_simxl_close(xl);
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
