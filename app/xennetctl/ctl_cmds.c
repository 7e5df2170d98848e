/* SPDX-License-Identifier: BSD-3-Clause */
/* xennetctl commands: arguments to requests, results to tables. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

#define CELL 64

json_t *
ctl_usage_error(const struct ctl_cmd *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xennetctl %s: ", c->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: xennetctl %s %s\n", c->name, c->usage);
	return NULL;
}

/* A strict decimal in [min, max]. */
static int
num(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static json_t *
args_none(const struct ctl_cmd *c, int argc, char **argv)
{
	(void)argv;
	if (argc != 0)
		return ctl_usage_error(c, "takes no arguments");
	return json_object();
}

static json_t *
args_vif(const struct ctl_cmd *c, int argc, char **argv)
{
	if (argc != 1)
		return ctl_usage_error(c, "one vif expected");
	return json_pack("{s:s}", "vif", argv[0]);
}

static json_t *
args_stats(const struct ctl_cmd *c, int argc, char **argv)
{
	if (argc > 1)
		return ctl_usage_error(c, "at most one port");
	return argc == 0 ? json_object() :
	       json_pack("{s:s}", "port", argv[0]);
}

static json_t *
args_attach(const struct ctl_cmd *c, int argc, char **argv)
{
	long long domid, devid = 0;

	if (argc < 1 || argc > 2)
		return ctl_usage_error(c, "DOMID [DEVID] expected");
	if (num(argv[0], 1, 32751, &domid) < 0)
		return ctl_usage_error(c, "bad domid '%s'", argv[0]);
	if (argc == 2 && num(argv[1], 0, 65535, &devid) < 0)
		return ctl_usage_error(c, "bad devid '%s'", argv[1]);
	return json_pack("{s:I,s:I}", "domid", (json_int_t)domid, "devid",
			 (json_int_t)devid);
}

static json_t *
args_rate(const struct ctl_cmd *c, int argc, char **argv)
{
	if (argc != 2)
		return ctl_usage_error(c, "VIF RATE expected");
	return json_pack("{s:s,s:s}", "vif", argv[0], "rate", argv[1]);
}

static json_t *
args_queues(const struct ctl_cmd *c, int argc, char **argv)
{
	long long q;

	if (argc != 2)
		return ctl_usage_error(c, "VIF QUEUES expected");
	if (num(argv[1], 1, 16, &q) < 0)
		return ctl_usage_error(c, "bad queue count '%s' (1..16)",
				       argv[1]);
	return json_pack("{s:s,s:I}", "vif", argv[0], "queues",
			 (json_int_t)q);
}

static json_t *
args_bind(const struct ctl_cmd *c, int argc, char **argv)
{
	long long q;

	if (argc != 3)
		return ctl_usage_error(c, "VIF PORT QUEUE expected");
	if (num(argv[2], 0, 15, &q) < 0)
		return ctl_usage_error(c, "QUEUE '%s': 0..15", argv[2]);
	return json_pack("{s:s,s:s,s:I}", "vif", argv[0], "port", argv[1],
			 "queue", (json_int_t)q);
}

static json_t *
args_trusted(const struct ctl_cmd *c, int argc, char **argv)
{
	bool t;

	if (argc != 2)
		return ctl_usage_error(c, "VIF yes|no expected");
	if (strcmp(argv[1], "yes") == 0 || strcmp(argv[1], "on") == 0)
		t = true;
	else if (strcmp(argv[1], "no") == 0 || strcmp(argv[1], "off") == 0)
		t = false;
	else
		return ctl_usage_error(c, "'%s': yes or no", argv[1]);
	return json_pack("{s:s,s:b}", "vif", argv[0], "trusted", t);
}

static json_t *
args_log(const struct ctl_cmd *c, int argc, char **argv)
{
	if (argc > 2)
		return ctl_usage_error(c, "[LEVEL [PATTERN]] expected");
	if (argc == 0)
		return json_object();
	if (argc == 1)
		return json_pack("{s:s}", "level", argv[0]);
	return json_pack("{s:s,s:s}", "level", argv[0], "pattern", argv[1]);
}

static json_t *
args_ring(const struct ctl_cmd *c, int argc, char **argv)
{
	long long q;

	if (argc < 1 || argc > 2)
		return ctl_usage_error(c, "VIF [QUEUE] expected");
	if (argc == 1)
		return json_pack("{s:s}", "vif", argv[0]);
	if (num(argv[1], 0, 15, &q) < 0)
		return ctl_usage_error(c, "bad queue '%s'", argv[1]);
	return json_pack("{s:s,s:I}", "vif", argv[0], "queue",
			 (json_int_t)q);
}

/* ---- printers ---- */

static const char *
cell(const json_t *o, const char *key, char *buf)
{
	return ctl_cell(json_object_get(o, key), buf, CELL);
}

static void
print_kv(const json_t *result)
{
	const char *key;
	json_t *v;
	char buf[CELL];

	json_object_foreach((json_t *)(uintptr_t)result, key, v)
		printf("%-14s %s\n", key, ctl_cell(v, buf, sizeof(buf)));
}

static void
lcores_cell(const json_t *a, char *buf)
{
	size_t i, n = 0;
	json_t *e;

	buf[0] = '\0';
	json_array_foreach(a, i, e) {
		n += (size_t)snprintf(buf + n, n < CELL ? CELL - n : 0, "%s%"
				      JSON_INTEGER_FORMAT, i > 0 ? "," : "",
				      json_integer_value(json_object_get(e,
						"lcore")));
		if (n >= CELL)
			break;
	}
	if (buf[0] == '\0')
		snprintf(buf, CELL, "-");
}

static void
features_cell(const json_t *f, char *buf)
{
	static const struct { const char *key, *abbr; } names[] = {
		{ "sg", "sg" }, { "gso_tcpv4", "gso4" },
		{ "gso_tcpv6", "gso6" }, { "csum_ipv6", "csum6" },
		{ "rx_notify", "notify" }, { "split_event_channels", "split" },
		{ "ctrl_ring", "ctrl" }, { "multicast_control", "mcast" },
	};
	size_t n = 0, i;

	buf[0] = '\0';
	if (!json_is_object(f)) {
		snprintf(buf, CELL, "-");
		return;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (json_is_true(json_object_get(f, names[i].key)) &&
		    n < CELL)
			n += (size_t)snprintf(buf + n, CELL - n, "%s%s",
					      n > 0 ? "," : "", names[i].abbr);
}

/* "uplink0:1/flow", or "-" when not bound. */
static void
bind_cell(const json_t *b, char *buf)
{
	char port[CELL], mode[CELL];

	if (!json_is_object(b)) {
		snprintf(buf, CELL, "-");
		return;
	}
	snprintf(buf, CELL, "%s:%" JSON_INTEGER_FORMAT "/%s",
		 ctl_cell(json_object_get(b, "port"), port, CELL),
		 json_integer_value(json_object_get(b, "queue")),
		 ctl_cell(json_object_get(b, "mode"), mode, CELL));
}

static void
print_list(const json_t *result)
{
	static const char *const heads[] = {
		"VIF", "PORT", "HOTPLUG", "BACKEND", "FRONTEND", "MAC", "LINK",
		"QUEUES", "LCORES", "VLAN", "RATE", "TRUSTED", "BIND",
		"FEATURES",
	};
	char c[14][CELL];
	const char *row[14];
	struct ctl_table *t = ctl_table_new(14, heads);
	json_t *v, *f;
	size_t i;
	int k;

	json_array_foreach(result, i, v) {
		f = json_object_get(v, "features");
		cell(v, "name", c[0]);
		cell(v, "port", c[1]);
		cell(v, "hotplug", c[2]);
		cell(v, "state", c[3]);
		cell(v, "frontend_state", c[4]);
		cell(v, "mac", c[5]);
		cell(v, "link", c[6]);
		if (json_is_object(f))
			snprintf(c[7], CELL, "%" JSON_INTEGER_FORMAT "/%s",
				 json_integer_value(json_object_get(f,
							"queues")),
				 cell(v, "max_queues", c[12]));
		else
			cell(v, "max_queues", c[7]);
		lcores_cell(json_object_get(v, "lcores"), c[8]);
		cell(v, "vlan", c[9]);
		cell(v, "rate", c[10]);
		cell(v, "trusted", c[11]);
		bind_cell(json_object_get(v, "bind"), c[12]);
		features_cell(f, c[13]);
		for (k = 0; k < 14; k++)
			row[k] = c[k];
		ctl_table_row(t, row);
	}
	ctl_table_print(t);
}

static void
print_ports(const json_t *result)
{
	static const char *const heads[] = {
		"PORT", "ID", "KIND", "MAC", "LINK", "RXQ", "TXQ", "RX-INTR",
		"LRO", "TSO", "LCORES",
	};
	static const char *const keys[] = {
		"name", "port", "kind", "mac", "link", "rx_queues",
		"tx_queues", "rx_interrupts", "lro", "tso",
	};
	struct ctl_table *t = ctl_table_new(11, heads);
	char c[11][CELL];
	const char *row[11];
	json_t *v;
	size_t i;
	int k;

	json_array_foreach(result, i, v) {
		for (k = 0; k < 10; k++)
			row[k] = cell(v, keys[k], c[k]);
		lcores_cell(json_object_get(v, "lcores"), c[10]);
		row[10] = c[10];
		ctl_table_row(t, row);
	}
	ctl_table_print(t);
}

static const char *
sub(const json_t *o, const char *a, const char *b, char *buf)
{
	return ctl_cell(json_object_get(json_object_get(o, a), b), buf, CELL);
}

static void
print_stats_rows(struct ctl_table *t, const json_t *v)
{
	char c[11][CELL];
	const char *row[11];
	int k;

	cell(v, "name", c[0]);
	sub(v, "rx", "packets", c[1]);
	sub(v, "rx", "bytes", c[2]);
	sub(v, "tx", "packets", c[3]);
	sub(v, "tx", "bytes", c[4]);
	sub(v, "switch", "in", c[5]);
	sub(v, "switch", "spoofed", c[6]);
	sub(v, "switch", "vlan_drop", c[7]);
	sub(v, "switch", "throttled", c[8]);
	sub(v, "switch", "out", c[9]);
	sub(v, "switch", "out_drop", c[10]);
	for (k = 0; k < 11; k++)
		row[k] = c[k];
	ctl_table_row(t, row);
}

static void
print_stats(const json_t *result)
{
	static const char *const heads[] = {
		"PORT", "RX-PKTS", "RX-BYTES", "TX-PKTS", "TX-BYTES", "SW-IN",
		"SPOOFED", "VLAN-DROP", "THROTTLED", "SW-OUT", "OUT-DROP",
	};
	struct ctl_table *t = ctl_table_new(11, heads);
	const char *key;
	json_t *v, *q, *x;
	size_t i, j;
	char buf[CELL];

	if (json_is_array(result)) {
		json_array_foreach(result, i, v)
			print_stats_rows(t, v);
		ctl_table_print(t);
		return;
	}
	print_stats_rows(t, result);
	ctl_table_print(t);
	/* One port: its queues' counters too (zeros left out). */
	json_array_foreach(json_object_get(result, "queues"), j, q) {
		printf("\nqueue %" JSON_INTEGER_FORMAT ":\n",
		       json_integer_value(json_object_get(q, "queue")));
		x = json_object_get(q, "xstats");
		json_object_foreach(x, key, v)
			if (json_integer_value(v) != 0)
				printf("  %-28s %s\n", key,
				       ctl_cell(v, buf, sizeof(buf)));
	}
}

static void
print_mac(const json_t *result)
{
	static const char *const heads[] = {
		"MAC", "VLAN", "PORT", "TYPE", "AGE-S",
	};
	struct ctl_table *t = ctl_table_new(5, heads);
	char c[5][CELL];
	const char *row[5];
	json_t *v;
	size_t i;

	json_array_foreach(result, i, v) {
		row[0] = cell(v, "mac", c[0]);
		row[1] = cell(v, "vlan", c[1]);
		row[2] = cell(v, "port", c[2]);
		row[3] = json_is_true(json_object_get(v, "static")) ?
			 "static" : "learned";
		snprintf(c[4], CELL, "%.1f", (double)json_integer_value(
				json_object_get(v, "age_ms")) / 1000.0);
		row[4] = c[4];
		ctl_table_row(t, row);
	}
	ctl_table_print(t);
}

static void
print_lcores(const json_t *result)
{
	static const char *const heads[] = {
		"LCORE", "SOCKET", "BUSY%", "IDLE%", "SLEEP%", "SLEEPS",
		"WAKEUPS", "QUEUES",
	};
	static const char *const keys[] = {
		"lcore", "socket", "busy_pct", "idle_pct", "sleep_pct",
		"sleeps", "wakeups",
	};
	struct ctl_table *t = ctl_table_new(8, heads);
	char c[8][CELL * 4];
	const char *row[8];
	json_t *v, *q;
	size_t i, j, n;
	int k;

	json_array_foreach(result, i, v) {
		for (k = 0; k < 7; k++)
			row[k] = ctl_cell(json_object_get(v, keys[k]), c[k],
					  CELL);
		n = 0;
		c[7][0] = '\0';
		json_array_foreach(json_object_get(v, "queues"), j, q) {
			if (n >= sizeof(c[7]))
				break;
			n += (size_t)snprintf(c[7] + n, sizeof(c[7]) - n,
				"%s%s/%" JSON_INTEGER_FORMAT, j > 0 ? "," : "",
				json_string_value(json_object_get(q, "port")),
				json_integer_value(json_object_get(q,
								   "queue")));
		}
		row[7] = c[7][0] != '\0' ? c[7] : "-";
		ctl_table_row(t, row);
	}
	ctl_table_print(t);
}

static void
print_log(const json_t *result)
{
	static const char *const heads[] = { "LOGTYPE", "LEVEL" };
	struct ctl_table *t = ctl_table_new(2, heads);
	const char *key, *row[2];
	json_t *v;

	json_object_foreach((json_t *)(uintptr_t)result, key, v) {
		row[0] = key;
		row[1] = json_string_value(v);
		ctl_table_row(t, row);
	}
	ctl_table_print(t);
}

/* Columns of the ring-dump table. */
#define RING_COLS 12
#define RING_KEYS 9

static void
print_ring(const json_t *result)
{
	static const char *const heads[RING_COLS] = {
		"QUEUE", "RING", "REF", "REQ-PROD", "REQ-EVENT", "RSP-PROD",
		"RSP-EVENT", "PENDING", "REQ-CONS", "RSP-PVT", "BACKLOG",
		"EVTCHN",
	};
	static const char *const keys[RING_KEYS] = {
		"ring_ref", "req_prod", "req_event", "rsp_prod", "rsp_event",
		"pending", "req_cons", "rsp_prod_pvt", "backlog",
	};
	static const char *const rings[] = { "tx", "rx" };
	struct ctl_table *t = ctl_table_new(RING_COLS, heads);
	char c[RING_COLS][CELL];
	const char *row[RING_COLS];
	const unsigned int ev_col = RING_COLS - 1;
	json_t *q, *r, *ev;
	unsigned int k;
	size_t i;
	int j;

	printf("%s (frontend %s)\n", json_string_value(json_object_get(result,
	       "vif")), json_string_value(json_object_get(result,
	       "frontend_state")));
	json_array_foreach(json_object_get(result, "queues"), i, q) {
		ev = json_object_get(q, "event_channel");
		for (j = 0; j < 2; j++) {
			r = json_object_get(q, rings[j]);
			row[0] = cell(q, "queue", c[0]);
			row[1] = rings[j];
			for (k = 0; k < RING_KEYS; k++)
				row[2 + k] = cell(r, keys[k], c[2 + k]);
			if (json_object_get(ev, "shared") != NULL)
				row[ev_col] = cell(ev, "shared", c[ev_col]);
			else
				row[ev_col] = cell(ev, rings[j], c[ev_col]);
			ctl_table_row(t, row);
		}
	}
	ctl_table_print(t);
}

static void
print_help(const json_t *result)
{
	json_t *v;
	size_t i;

	json_array_foreach(result, i, v)
		printf("%-12s %s\n", json_string_value(json_object_get(v,
		       "name")), json_string_value(json_object_get(v, "help")));
}

#define HELP_VIF "VIF is a vif name (vif5.0: domain 5, device 0) or port id."

const struct ctl_cmd ctl_cmds[] = {
	{ "list", "", "The vifs",
	  "The vifs: hotplug state, xenbus states, guest MAC,\n"
	  "link, queues (used/max), lcores, VLAN, rate limit, trust and\n"
	  "the features the guest negotiated.", "list", args_none,
	  print_list },
	{ "ports", "", "Every switch port",
	  "Every switch port, vifs and physical ports. LRO: the vif\n"
	  "hands guest GSO frames over whole; TSO: the port takes TSO\n"
	  "frames now (else the switch segments them for it).",
	  "ports", args_none, print_ports },
	{ "stats", "[PORT]", "Counters per port and per queue",
	  "Counters per port: the PMD's (rx/tx), the\n"
	  "switch's (in, spoofed, VLAN drops, throttled, out, out-drop);\n"
	  "for one port also the per-queue counters.\n"
	  "PORT is a vif name, a config port name or a port id.", "stats",
	  args_stats, print_stats },
	{ "attach", "DOMID [DEVID]", "Serve a vif now",
	  "Serve vif DOMID.DEVID now (it must "
	  "exist in xenstore).", "attach", args_attach, print_kv },
	{ "detach", "VIF", "Stop serving a vif",
	  "Stop serving a vif: its backend goes Closed; it "
	  "stays\ndetached until the toolstack recreates it or attach.\n"
	  HELP_VIF, "detach", args_vif, print_kv },
	{ "set-rate", "VIF RATE", "Limit a guest's transmit rate",
	  "Limit what a guest may send. RATE is "
	  "BYTES,USEC (as\nthe xenstore \"rate\" key), an xl rate such as "
	  "10Mb/s@20ms,\nor unlimited.\n" HELP_VIF, "set-rate", args_rate,
	  print_kv },
	{ "set-queues", "VIF QUEUES", "Change the queues offered to a guest",
	  "Change the queues offered to a guest "
	  "(1..16) from the vif's\nnext attach on; a connected guest keeps "
	  "its queues.\n" HELP_VIF, "set-queues",
	  args_queues, print_kv },
	{ "set-trusted", "VIF yes|no", "Allow or forbid any source MAC",
	  "Allow (yes) or forbid (no) a guest "
	  "to send from any\nMAC address.\n" HELP_VIF, "set-trusted",
	  args_trusted, print_kv },
	{ "bind", "VIF PORT QUEUE", "Bind a vif to a physical port queue",
	  "Send every frame of the guest to physical port PORT\n"
	  "(its config name) without a switch lookup, and steer the\n"
	  "frames for the guest's MAC to PORT's Rx queue QUEUE with an\n"
	  "rte_flow rule, handed to the vif directly (mode flow); where\n"
	  "the port's PMD refuses the rule, the switch finds the vif as\n"
	  "usual (mode sw). One vif per queue; a bound vif reaches other\n"
	  "vifs only through the wire.\n" HELP_VIF, "bind", args_bind,
	  print_kv },
	{ "unbind", "VIF", "Switch a bound vif again",
	  "Remove a vif's binding (and its rte_flow rule): its frames\n"
	  "are switched again.\n" HELP_VIF, "unbind", args_vif, print_kv },
	{ "mac-show", "", "The MAC table",
	  "The switch's MAC table.", "mac-show", args_none,
	  print_mac },
	{ "mac-flush", "", "Forget learned MAC addresses",
	  "Forget every learned MAC address (the guests' "
	  "own stay).", "mac-flush", args_none, print_kv },
	{ "lcores", "", "Lcore plan and busy/idle/sleep shares",
	  "Worker lcores: their queues and the share of time "
	  "spent\nbusy (moving frames), idle (polling) and asleep.",
	  "lcores", args_none, print_lcores },
	{ "log-level", "[LEVEL [PATTERN]]", "Show or set log levels",
	  "Without arguments, the log "
	  "levels of xennetd and the net_xen PMD.\nWith LEVEL (emerg..debug), "
	  "set it for the log types matching\nPATTERN (a glob; default "
	  "xennetd; e.g. 'pmd.net.xen.*', '*').",
	  "log-level", args_log, print_log },
	{ "ring-dump", "VIF [QUEUE]", "Ring indices of a vif",
	  "Shared ring indices (request/response "
	  "producers and\nevents, pending requests), the backend's private "
	  "ones (REQ-CONS,\nRSP-PVT), the guest Rx backlog and the event "
	  "channels of a vif's\nqueues, for debugging.\n" HELP_VIF,
	  "ring-dump", args_ring, print_ring },
	{ "reload", "", "Re-read the configuration file",
	  "Re-read the configuration file (as SIGHUP).",
	  "reload", args_none, print_kv },
	{ "version", "", "Versions",
	  "Versions of the daemon, DPDK and the protocol.",
	  "version", args_none, print_kv },
	{ "commands", "", "The daemon's own command list",
	  "The daemon's own list of commands.", "help",
	  args_none, print_help },
};
const unsigned int ctl_nb_cmds = sizeof(ctl_cmds) / sizeof(ctl_cmds[0]);
