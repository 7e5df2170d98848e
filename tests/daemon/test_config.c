/* SPDX-License-Identifier: BSD-3-Clause */
/* The daemon's configuration parser: every key, every way to get it
 * wrong. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_log.h>

#include "td_check.h"
#include "xd_config.h"

static char path[64];

static int
load(const char *text, struct xd_config *cfg, char *err)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -errno;
	fputs(text, f);
	fclose(f);
	return xd_config_load(path, cfg, err, 512);
}

/* text must be refused with an error message containing what. */
static void
refused(const char *text, const char *what)
{
	struct xd_config cfg;
	char err[512];
	int ret = load(text, &cfg, err);

	if (ret >= 0 || strstr(err, what) == NULL) {
		fprintf(stderr, "config accepted or wrong error (%d, '%s') for "
			"[[%s]], wanted '%s'\n", ret, err, text, what);
		td_failures++;
	}
}

static void
test_defaults(void)
{
	struct xd_config cfg;
	char err[512];

	TD_EQ(load("# nothing but a comment\n\n", &cfg, err), 0);
	TD_STREQ(cfg.hv, "xen");
	TD_EQ(cfg.max_clients, 8);
	TD_EQ(cfg.log_level, RTE_LOG_INFO);
	TD_EQ(cfg.mbufs, 16384);
	TD_EQ(cfg.vif_queues, 1);
	TD_EQ(cfg.vif_trusted, false);
	TD_STREQ(cfg.vif_bind_port, "");
	TD_EQ(cfg.mac_table_size, 4096);
	TD_EQ(cfg.mac_aging_s, 300);
	TD_EQ(cfg.tso, XD_TSO_AUTO);
	TD_EQ(load("[switch]\ntso = yes\n", &cfg, err), 0);
	TD_EQ(cfg.tso, XD_TSO_YES);
	TD_EQ(load("[switch]\ntso = auto\n", &cfg, err), 0);
	TD_EQ(cfg.tso, XD_TSO_AUTO);
	TD_EQ(cfg.adaptive, true);
	TD_EQ(cfg.idle_us, 1000);
	TD_EQ(cfg.sleep_max_ms, 10);
	TD_EQ(cfg.nb_nics, 0);
	TD_STREQ(cfg.socket_path, "");
}

static void
test_full(void)
{
	struct xd_config cfg;
	char err[512];

	TD_EQ(load("[daemon]\n"
		   "hv = sim   # trailing comment\n"
		   "sim_dir = /tmp/sim\n"
		   "socket = /run/xennetd.sock\n"
		   "socket_group = xen\n"
		   "max_clients = 4\n"
		   "log_level = debug\n"
		   "mbufs = 8192\n"
		   "[vif]\n"
		   "max_queues = 4\n"
		   "trusted = yes\n"
		   "bind_port = nic1\n"
		   "[switch]\n"
		   "mac_table_size = 1024\n"
		   "mac_aging = 60\n"
		   "tso = no\n"
		   "[poll]\n"
		   "adaptive = off\n"
		   "idle_us = 200\n"
		   "sleep_max_ms = 5\n"
		   "[port uplink0]\n"
		   "devargs = net_tap0,iface=xnb0\n"
		   "queues = 2\n"
		   "[port nic1]\n"
		   "devargs = 0000:01:00.0\n", &cfg, err), 0);
	TD_STREQ(cfg.hv, "sim");
	TD_STREQ(cfg.sim_dir, "/tmp/sim");
	TD_STREQ(cfg.socket_path, "/run/xennetd.sock");
	TD_STREQ(cfg.socket_group, "xen");
	TD_EQ(cfg.max_clients, 4);
	TD_EQ(cfg.log_level, RTE_LOG_DEBUG);
	TD_EQ(cfg.mbufs, 8192);
	TD_EQ(cfg.vif_queues, 4);
	TD_EQ(cfg.vif_trusted, true);
	TD_STREQ(cfg.vif_bind_port, "nic1");
	TD_EQ(cfg.mac_table_size, 1024);
	TD_EQ(cfg.mac_aging_s, 60);
	TD_EQ(cfg.tso, XD_TSO_NO);
	TD_EQ(cfg.adaptive, false);
	TD_EQ(cfg.idle_us, 200);
	TD_EQ(cfg.sleep_max_ms, 5);
	TD_EQ(cfg.nb_nics, 2);
	TD_STREQ(cfg.nics[0].name, "uplink0");
	TD_STREQ(cfg.nics[0].devargs, "net_tap0,iface=xnb0");
	TD_EQ(cfg.nics[0].queues, 2);
	TD_STREQ(cfg.nics[1].name, "nic1");
	TD_STREQ(cfg.nics[1].devargs, "0000:01:00.0");
	TD_EQ(cfg.nics[1].queues, 1);
}

static void
test_errors(void)
{
	struct xd_config cfg;
	char err[512];
	char big[2048];
	int i;

	refused("[daemon]\nhv = kvm\n", "want xen or sim");
	refused("[daemon]\nmax_clients = 0\n", "max_clients");
	refused("[daemon]\nmax_clients = 65\n", "max_clients");
	refused("[daemon]\nmax_clients = -1\n", "max_clients");
	refused("[daemon]\nmax_clients = 4x\n", "max_clients");
	refused("[daemon]\nmax_clients = \n", "max_clients");
	refused("[daemon]\nmax_clients = 99999999999999999999999\n",
		"max_clients");
	refused("[daemon]\nlog_level = loud\n", "emerg..debug");
	refused("[daemon]\nmbufs = 100\n", "mbufs");
	refused("[daemon]\ncolour = blue\n", "unknown key 'colour'");
	refused("[daemon]\nhv = xen\nhv = sim\n", "given twice");
	refused("[daemon]\n[daemon]\n", "given twice");
	refused("[vif]\nmax_queues = 17\n", "max_queues");
	refused("[vif]\ntrusted = maybe\n", "want yes or no");
	refused("[switch]\nmac_table_size = 10\n", "mac_table_size");
	refused("[switch]\nmac_aging = 0\n", "mac_aging");
	refused("[switch]\ntso = maybe\n", "want auto, yes or no");
	refused("[vif]\nbind_port = up\n", "bind_port = 'up': no such");
	refused("[poll]\nidle_us = 1\n", "idle_us");
	refused("[poll]\nsleep_max_ms = 5000\n", "sleep_max_ms");
	refused("[nonsense]\n", "unknown section [nonsense]");
	refused("[daemon\nhv = xen\n", "not a valid INI");
	refused("[daemon]\njust words\n", ":2: expected");
	refused("[daemon]\n= value\n", ":2: expected");
	refused("[port ]\ndevargs = x\n", "unknown section [port]");
	refused("[port a/b]\ndevargs = x\n", "port names");
	refused("[port up]\nqueues = 1\n", "devargs is required");
	refused("[port up]\ndevargs = net_tap0\nqueues = 0\n", "queues");
	refused("[port up]\ndevargs = net_tap0\ntrusted = no\n",
		"unknown key 'trusted'");
	refused("[port up]\ndevargs = net_tap0\n[port up]\ndevargs = y\n",
		"given twice");
	refused("[port a]\ndevargs = net_tap0\n[port b]\ndevargs = net_tap0\n",
		"name the same device");
	refused("[port p0]\ndevargs=a0\n[port p1]\ndevargs=a1\n"
		"[port p2]\ndevargs=a2\n[port p3]\ndevargs=a3\n"
		"[port p4]\ndevargs=a4\n[port p5]\ndevargs=a5\n"
		"[port p6]\ndevargs=a6\n[port p7]\ndevargs=a7\n"
		"[port p8]\ndevargs=a8\n", "at most 8 ports");
	refused("[port p0]\ndevargs=a0\n[port p1]\ndevargs=a1\n"
		"[port p2]\ndevargs=a2\n[port p3]\ndevargs=a3\n"
		"[port p4]\ndevargs=a4\n[port p5]\ndevargs=a5\n"
		"[port p6]\ndevargs=a6\n[port p7]\ndevargs=a7\n"
		"[port p8]\ndevargs=a8\n[port p9]\ndevargs=a9\n"
		"[port pa]\ndevargs=aa\n[port pb]\ndevargs=ab\n"
		"[port pc]\ndevargs=ac\n", "too many sections");
	/* A line longer than the parser's buffer. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "[daemon]\nsocket=", 16);
	refused(big, "line too long");
	/* Binary garbage. */
	for (i = 0; i < 255; i++)
		big[i] = (char)(i + 1);
	big[255] = '\0';
	TD_CHECK(load(big, &cfg, err) < 0);
	/* A file that is not there. */
	TD_CHECK(xd_config_load("/nonexistent/xennetd.conf", &cfg, err,
				sizeof(err)) == -ENOENT);
	TD_CHECK(strstr(err, "/nonexistent/xennetd.conf") != NULL);
}

static void
test_helpers(void)
{
	uint64_t v;
	bool b;

	TD_EQ(xd_parse_u64("0", 0, 10, &v), 0);
	TD_EQ(v, 0);
	TD_EQ(xd_parse_u64("10", 0, 10, &v), 0);
	TD_EQ(v, 10);
	TD_EQ(xd_parse_u64("11", 0, 10, &v), -ERANGE);
	TD_EQ(xd_parse_u64("+1", 0, 10, &v), -EINVAL);
	TD_EQ(xd_parse_u64(" 1", 0, 10, &v), -EINVAL);
	TD_EQ(xd_parse_u64("1 ", 0, 10, &v), -ERANGE);
	TD_EQ(xd_parse_u64("", 0, 10, &v), -EINVAL);
	TD_EQ(xd_parse_u64(NULL, 0, 10, &v), -EINVAL);
	TD_EQ(xd_parse_bool("ON", &b), 0);
	TD_EQ(b, true);
	TD_EQ(xd_parse_bool("0", &b), 0);
	TD_EQ(b, false);
	TD_EQ(xd_parse_bool("nope", &b), -EINVAL);
	TD_EQ(xd_config_log_level("warning"), RTE_LOG_WARNING);
	TD_EQ(xd_config_log_level("8"), RTE_LOG_DEBUG);
	TD_EQ(xd_config_log_level("9"), -EINVAL);
	TD_STREQ(xd_config_log_level_name(RTE_LOG_ERR), "err");
	TD_STREQ(xd_config_log_level_name(42), "invalid");
}

/* The shipped example parses, and says what the defaults are. */
static void
test_example(const char *file)
{
	struct xd_config cfg, def;
	char err[512];

	TD_EQ(xd_config_load(file, &cfg, err, sizeof(err)), 0);
	if (err[0] != '\0')
		fprintf(stderr, "%s: %s\n", file, err);
	xd_config_defaults(&def);
	TD_CHECK(memcmp(&cfg, &def, sizeof(cfg)) == 0);
}

int
main(int argc, char **argv)
{
	if (argc == 2) {
		test_example(argv[1]);
		TD_DONE();
	}
	snprintf(path, sizeof(path), "/tmp/xd-test-config.%d", (int)getpid());
	test_defaults();
	test_full();
	test_errors();
	test_helpers();
	unlink(path);
	TD_DONE();
}
