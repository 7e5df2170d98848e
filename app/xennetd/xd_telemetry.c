/* SPDX-License-Identifier: BSD-3-Clause */
/* The daemon's DPDK telemetry commands. */
#include <errno.h>
#include <stdio.h>

#include <rte_telemetry.h>

#include "xd_info.h"
#include "xd_log.h"
#include "xd_portctl.h"
#include "xd_telemetry.h"
#include "xd_worker.h"

/* Under xd_ctl_lock: the daemon is up. */
static bool tel_live;

static int
tel_ports(const char *cmd, const char *params, struct rte_tel_data *t)
{
	uint16_t port;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	pthread_mutex_lock(&xd_ctl_lock);
	if (!tel_live) {
		pthread_mutex_unlock(&xd_ctl_lock);
		return -ESHUTDOWN;
	}
	rte_tel_data_start_array(t, RTE_TEL_STRING_VAL);
	for (port = 0; port < RTE_MAX_ETHPORTS; port++)
		if (xd_ports[port].kind != XD_PORT_NONE)
			rte_tel_data_add_array_string(t, xd_ports[port].name);
	pthread_mutex_unlock(&xd_ctl_lock);
	return 0;
}

static int
tel_stats(const char *cmd, const char *params, struct rte_tel_data *t)
{
	struct xd_port_counters c;
	int port, ret = -EINVAL;

	RTE_SET_USED(cmd);
	if (params == NULL)
		return -EINVAL;
	pthread_mutex_lock(&xd_ctl_lock);
	if (!tel_live) {
		ret = -ESHUTDOWN;
		goto unlock;
	}
	port = xd_port_find(params);
	if (port < 0 || xd_info_port((uint16_t)port, &c) < 0)
		goto unlock;
	rte_tel_data_start_dict(t);
	rte_tel_data_add_dict_string(t, "name", xd_ports[port].name);
	rte_tel_data_add_dict_int(t, "port", port);
	rte_tel_data_add_dict_u64(t, "rx_packets", c.eth.ipackets);
	rte_tel_data_add_dict_u64(t, "rx_bytes", c.eth.ibytes);
	rte_tel_data_add_dict_u64(t, "rx_missed", c.eth.imissed);
	rte_tel_data_add_dict_u64(t, "rx_errors", c.eth.ierrors);
	rte_tel_data_add_dict_u64(t, "tx_packets", c.eth.opackets);
	rte_tel_data_add_dict_u64(t, "tx_bytes", c.eth.obytes);
	rte_tel_data_add_dict_u64(t, "tx_errors", c.eth.oerrors);
	rte_tel_data_add_dict_u64(t, "switch_in", c.in.pkts);
	rte_tel_data_add_dict_u64(t, "switch_spoofed", c.in.spoofed);
	rte_tel_data_add_dict_u64(t, "switch_vlan_drop", c.in.vlan);
	rte_tel_data_add_dict_u64(t, "switch_runt", c.in.runt);
	rte_tel_data_add_dict_u64(t, "switch_throttled", c.in.throttled);
	rte_tel_data_add_dict_u64(t, "switch_out", c.out);
	rte_tel_data_add_dict_u64(t, "switch_out_drop", c.out_drop);
	ret = 0;
unlock:
	pthread_mutex_unlock(&xd_ctl_lock);
	return ret;
}

static int
tel_lcores(const char *cmd, const char *params, struct rte_tel_data *t)
{
	struct xd_lcore_info li;
	struct rte_tel_data *c;
	unsigned int w;
	uint64_t total;
	char name[32];

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	pthread_mutex_lock(&xd_ctl_lock);
	if (!tel_live) {
		pthread_mutex_unlock(&xd_ctl_lock);
		return -ESHUTDOWN;
	}
	rte_tel_data_start_dict(t);
	for (w = 0; w < xd_nb_workers; w++) {
		c = rte_tel_data_alloc();
		if (c == NULL)
			break;
		xd_info_lcore(w, &li);
		total = li.busy + li.idle + li.sleep;
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_int(c, "queues", (int)li.nb_queues);
		/* Telemetry 22.11 has no floats: per mille. */
		rte_tel_data_add_dict_int(c, "busy_permille",
			(int)(xd_info_pct(li.busy, total) * 10));
		rte_tel_data_add_dict_int(c, "idle_permille",
			(int)(xd_info_pct(li.idle, total) * 10));
		rte_tel_data_add_dict_int(c, "sleep_permille",
			(int)(xd_info_pct(li.sleep, total) * 10));
		rte_tel_data_add_dict_u64(c, "sleeps", li.sleeps);
		rte_tel_data_add_dict_u64(c, "wakeups", li.wakeups);
		snprintf(name, sizeof(name), "lcore%u", li.lcore);
		rte_tel_data_add_dict_container(t, name, c, 0);
	}
	pthread_mutex_unlock(&xd_ctl_lock);
	return 0;
}

void
xd_telemetry_register(struct xd_daemon *d)
{
	static bool registered;

	RTE_SET_USED(d);
	tel_live = true;
	if (registered)
		return;
	registered = true;
	if (rte_telemetry_register_cmd("/xennetd/ports", tel_ports,
			"Switch ports of xennetd. Takes no parameters") < 0 ||
	    rte_telemetry_register_cmd("/xennetd/stats", tel_stats,
			"Counters of one xennetd port. Parameter: port name "
			"or id") < 0 ||
	    rte_telemetry_register_cmd("/xennetd/lcores", tel_lcores,
			"Worker lcores of xennetd: queues, busy/idle/sleep "
			"shares. Takes no parameters") < 0)
		XD_LOG(WARNING, "cannot register telemetry commands");
}

void
xd_telemetry_unregister(void)
{
	tel_live = false;
}
