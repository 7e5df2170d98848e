/* SPDX-License-Identifier: BSD-3-Clause */
/* Control socket commands: read-outs and runtime changes. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_version.h>

#include "xd_bind.h"
#include "xd_cmds.h"
#include "xd_fdb.h"
#include "xd_hotplug.h"
#include "xd_info.h"
#include "xd_log.h"
#include "xd_plan.h"
#include "xd_portctl.h"
#include "xd_ratelim.h"
#include "xd_sock.h"
#include "xd_worker.h"
#include "xd_xskeys.h"
#include "rte_pmd_xen.h"
#include "xnb_state.h"

#define XD_SOCK_NAME "xennetd.sock"
#define XD_PATH_LEN 256
#define XD_MAX_VIFS 256
#define XD_MAX_XSTATS 1024

/* ---- helpers ---- */

static int
json_set(json_t *o, const char *key, json_t *v)
{
	return json_object_set_new(o, key, v);
}

/* A xenstore value of the daemon's connection (malloc()ed) or NULL. */
static char *
xs_str(struct xd_daemon *d, const char *path)
{
	unsigned int len;
	char *v;

	v = d->hv->ops->xs_read(d->hv, XNB_XS_TXN_NULL, path, &len);
	if (v != NULL && strlen(v) != len) {
		free(v);
		return NULL;
	}
	return v;
}

static int
be_dir(struct xd_daemon *d, uint16_t domid, uint32_t devid, char *buf)
{
	char *dom = d->hv->ops->xs_domain_path(d->hv, d->hv->domid);
	int n;

	if (dom == NULL)
		return -ENOMEM;
	n = snprintf(buf, XD_PATH_LEN, "%s/backend/vif/%u/%u", dom, domid,
		     devid);
	free(dom);
	return n < 0 || n >= XD_PATH_LEN ? -ENAMETOOLONG : 0;
}

static char *
xs_key(struct xd_daemon *d, const char *dir, const char *key)
{
	char path[XD_PATH_LEN];

	if (snprintf(path, sizeof(path), "%s/%s", dir, key) >=
	    (int)sizeof(path))
		return NULL;
	return xs_str(d, path);
}

/* The frontend directory named by the backend (NULL when unknown). */
static char *
fe_dir(struct xd_daemon *d, const char *be)
{
	char *fe = xs_key(d, be, "frontend");

	if (fe != NULL && (fe[0] != '/' || strlen(fe) >= XD_PATH_LEN - 32)) {
		free(fe);
		return NULL;
	}
	return fe;
}

/* A state key as its name, or "absent"/"invalid". */
static json_t *
state_json(struct xd_daemon *d, const char *dir)
{
	char *v = dir != NULL ? xs_key(d, dir, "state") : NULL;
	int st;

	if (v == NULL)
		return json_string("absent");
	st = xd_xs_parse_state(v);
	free(v);
	return json_string(st < 0 ? "invalid" : xnb_xb_state_name(st));
}

/* A frontend unsigned key (hostile: strict), def when absent/invalid. */
static uint64_t
fe_uint(struct xd_daemon *d, const char *fe, const char *key, uint64_t max,
	uint64_t def)
{
	char *v = xs_key(d, fe, key);
	uint64_t r;

	if (v == NULL || xd_parse_u64(v, 0, max, &r) < 0)
		r = def;
	free(v);
	return r;
}

static bool
fe_has(struct xd_daemon *d, const char *fe, const char *key)
{
	char *v = xs_key(d, fe, key);

	free(v);
	return v != NULL;
}

static int
vif_port(struct xd_daemon *d, json_t *args, struct xd_err *err)
{
	const char *name = json_string_value(json_object_get(args, "vif"));
	int port;

	RTE_SET_USED(d);
	port = xd_port_find(name);
	if (port < 0 || xd_ports[port].kind != XD_PORT_VIF) {
		xd_fail(err, XD_E_NOTFOUND, "no served vif '%s'", name);
		return -1;
	}
	return port;
}

static json_t *
port_lcores(uint16_t port)
{
	static struct xd_plan_q q[XD_PLAN_MAX_QUEUES];
	json_t *a = json_array();
	unsigned int n, i;

	n = RTE_MIN(xd_plan_get(q, RTE_DIM(q)), (unsigned int)RTE_DIM(q));
	for (i = 0; a != NULL && i < n; i++)
		if (q[i].port == port && q[i].worker >= 0)
			json_array_append_new(a, json_pack("{s:i,s:i}", "queue",
					q[i].qid, "lcore",
					xd_workers[q[i].worker]->lcore_id));
	return a;
}

/* A vif's binding to a physical port queue, or null. */
static json_t *
bind_json(uint16_t vif)
{
	const struct xd_port *v = &xd_ports[vif];
	const char *mode = xd_bind_mode(vif);

	if (mode == NULL)
		return json_null();
	return json_pack("{s:s,s:i,s:s}", "port",
			 xd_ports[v->bind_ref - 1].name, "queue",
			 v->bind_queue, "mode", mode);
}

/* The vifs bound to a physical port's queues. */
static json_t *
bound_json(const struct xd_port *p)
{
	json_t *a = json_array();
	uint16_t q, vif;

	for (q = 0; a != NULL && p->kind == XD_PORT_NIC && q < p->nb_rxq;
	     q++) {
		if (p->rxq[q].owner == 0)
			continue;
		vif = (uint16_t)(p->rxq[q].owner - 1);
		json_array_append_new(a, json_pack("{s:i,s:s,s:s}", "queue", q,
				      "vif", xd_ports[vif].name, "mode",
				      xd_bind_mode(vif)));
	}
	return a;
}

/* The home socket of each Rx queue (its mbufs'), -1: any. */
static json_t *
rxq_sockets(const struct xd_port *p)
{
	json_t *a = json_array();
	uint16_t q;

	for (q = 0; a != NULL && q < p->nb_rxq; q++)
		json_array_append_new(a, json_integer(p->rxq[q].socket));
	return a;
}

static json_t *
features_json(struct xd_daemon *d, const char *fe)
{
	uint64_t nq = fe_uint(d, fe, "multi-queue-num-queues", 64, 1);
	char q0[64];

	snprintf(q0, sizeof(q0), "queue-0/event-channel-tx");
	return json_pack("{s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:I}",
		"sg", fe_uint(d, fe, "feature-sg", 1, 0) == 1,
		"gso_tcpv4", fe_uint(d, fe, "feature-gso-tcpv4", 1, 0) == 1,
		"gso_tcpv6", fe_uint(d, fe, "feature-gso-tcpv6", 1, 0) == 1,
		"csum_ipv4", fe_uint(d, fe, "feature-no-csum-offload", 1, 0) == 0,
		"csum_ipv6",
		fe_uint(d, fe, "feature-ipv6-csum-offload", 1, 0) == 1,
		"rx_notify", fe_uint(d, fe, "feature-rx-notify", 1, 0) == 1,
		"multicast_control",
		fe_uint(d, fe, "request-multicast-control", 1, 0) == 1,
		"ctrl_ring", fe_has(d, fe, "ctrl-ring-ref"),
		"split_event_channels", fe_has(d, fe, "event-channel-tx") ||
					fe_has(d, fe, q0),
		"queues", (json_int_t)nq);
}

static json_t *
vif_json(struct xd_daemon *d, const struct xd_hotplug_vif *v)
{
	char be[XD_PATH_LEN], name[32], mac[24], rate[48], *fe = NULL;
	const struct xd_port *p = v->port >= 0 ? &xd_ports[v->port] : NULL;
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	snprintf(name, sizeof(name), "vif%u.%u", v->domid, v->devid);
	json_set(o, "name", json_string(name));
	json_set(o, "domid", json_integer(v->domid));
	json_set(o, "devid", json_integer(v->devid));
	json_set(o, "hotplug", json_string(v->state));
	json_set(o, "next_max_queues", json_integer(v->queues));
	if (be_dir(d, v->domid, v->devid, be) == 0) {
		json_set(o, "state", state_json(d, be));
		fe = fe_dir(d, be);
	}
	json_set(o, "frontend_state", state_json(d, fe));
	if (p == NULL) {
		json_set(o, "port", json_null());
		free(fe);
		return o;
	}
	json_set(o, "port", json_integer(v->port));
	if (p->has_mac) {
		xd_info_mac(&p->mac, mac, sizeof(mac));
		json_set(o, "mac", json_string(mac));
	} else {
		json_set(o, "mac", json_null());
	}
	json_set(o, "link", json_string(__atomic_load_n(&p->link_up,
		 __ATOMIC_RELAXED) ? "up" : "down"));
	json_set(o, "max_queues", json_integer(p->nb_rxq));
	json_set(o, "lcores", port_lcores((uint16_t)v->port));
	json_set(o, "vlan", json_integer(p->vlan));
	xd_ratelim_format(__atomic_load_n(&p->rate, __ATOMIC_RELAXED), rate,
			  sizeof(rate));
	json_set(o, "rate", json_string(rate));
	json_set(o, "trusted", json_boolean(__atomic_load_n(&p->trusted,
		 __ATOMIC_RELAXED)));
	json_set(o, "bind", bind_json((uint16_t)v->port));
	if (fe != NULL && __atomic_load_n(&p->link_up, __ATOMIC_RELAXED))
		json_set(o, "features", features_json(d, fe));
	else
		json_set(o, "features", json_null());
	free(fe);
	return o;
}

/* ---- commands ---- */

static json_t *
cmd_help(void *ctx, json_t *args, struct xd_err *err)
{
	json_t *a = json_array(), *c, *al;
	const struct xd_arg_spec *s;
	unsigned int i;

	RTE_SET_USED(ctx);
	RTE_SET_USED(args);
	if (a == NULL)
		return xd_fail(err, XD_E_FAILED, "out of memory");
	for (i = 0; i < xd_nb_cmds; i++) {
		al = json_array();
		for (s = xd_cmds[i].args; s != NULL && s->name != NULL; s++)
			json_array_append_new(al, json_pack("{s:s,s:s,s:b,s:s}",
				"name", s->name, "type",
				s->type == XD_ARG_STR ? "string" :
				s->type == XD_ARG_INT ? "integer" : "boolean",
				"required", s->required, "help", s->help));
		c = json_pack("{s:s,s:s,s:o}", "name", xd_cmds[i].name, "help",
			      xd_cmds[i].help, "args", al);
		json_array_append_new(a, c);
	}
	return a;
}

static json_t *
cmd_version(void *ctx, json_t *args, struct xd_err *err)
{
	struct xd_daemon *d = ctx;

	RTE_SET_USED(args);
	RTE_SET_USED(err);
	return json_pack("{s:s,s:s,s:i,s:s,s:I,s:i}",
		"version", XD_VERSION, "dpdk", rte_version(),
		"protocol", XD_PROTO_VERSION, "hv", d->cfg.hv,
		"uptime_s", (json_int_t)((rte_get_tsc_cycles() -
					  d->started_at) / rte_get_tsc_hz()),
		"workers", (int)xd_nb_workers);
}

static int
vif_cmp(const void *a, const void *b)
{
	const struct xd_hotplug_vif *x = a, *y = b;

	if (x->domid != y->domid)
		return x->domid < y->domid ? -1 : 1;
	return x->devid < y->devid ? -1 : x->devid > y->devid;
}

static json_t *
cmd_list(void *ctx, json_t *args, struct xd_err *err)
{
	struct xd_daemon *d = ctx;
	static struct xd_hotplug_vif v[XD_MAX_VIFS];
	json_t *a = json_array();
	unsigned int n, i;

	RTE_SET_USED(args);
	if (a == NULL)
		return xd_fail(err, XD_E_FAILED, "out of memory");
	n = RTE_MIN(xd_hotplug_list(d->hp, v, XD_MAX_VIFS),
		    (unsigned int)XD_MAX_VIFS);
	qsort(v, n, sizeof(v[0]), vif_cmp);
	for (i = 0; i < n; i++)
		json_array_append_new(a, vif_json(d, &v[i]));
	return a;
}

static json_t *
cmd_ports(void *ctx, json_t *args, struct xd_err *err)
{
	json_t *a = json_array();
	char mac[24];
	uint16_t port;

	RTE_SET_USED(ctx);
	RTE_SET_USED(args);
	if (a == NULL)
		return xd_fail(err, XD_E_FAILED, "out of memory");
	for (port = 0; port < RTE_MAX_ETHPORTS; port++) {
		const struct xd_port *p = &xd_ports[port];
		struct rte_ether_addr addr;

		if (p->kind == XD_PORT_NONE)
			continue;
		if (rte_eth_macaddr_get(port, &addr) < 0)
			memset(&addr, 0, sizeof(addr));
		xd_info_mac(&addr, mac, sizeof(mac));
		json_array_append_new(a, json_pack(
			"{s:s,s:i,s:s,s:s,s:s,s:i,s:i,s:b,s:b,s:b,s:o,s:o,"
			"s:o,s:o}",
			"name", p->name, "port", port,
			"kind", p->kind == XD_PORT_VIF ? "vif" : "nic",
			"mac", mac, "link", __atomic_load_n(&p->link_up,
				__ATOMIC_RELAXED) ? "up" : "down",
			"rx_queues", p->nb_rxq, "tx_queues", p->nb_txq,
			"rx_interrupts", p->rx_intr,
			"lro", p->lro,
			"tso", __atomic_load_n(&p->tso, __ATOMIC_RELAXED),
			"lcores", port_lcores(port),
			"rx_sockets", rxq_sockets(p),
			"bind", bind_json(port), "bound", bound_json(p)));
	}
	return a;
}

/* The queue of an xstat name ("tx_q3_packets" -> 3), or -1. */
static int
xstat_queue(const char *name)
{
	const char *p = strstr(name, "_q");
	char *end;
	long q;

	if (p == NULL || p[2] < '0' || p[2] > '9')
		return -1;
	q = strtol(p + 2, &end, 10);
	return *end == '_' && q < XD_MAX_QUEUES ? (int)q : -1;
}

static json_t *
port_stats(uint16_t port)
{
	static struct rte_eth_xstat_name names[XD_MAX_XSTATS];
	static struct rte_eth_xstat xs[XD_MAX_XSTATS];
	const struct xd_port *p = &xd_ports[port];
	json_t *o, *queues, *qs[XD_MAX_QUEUES], *other;
	struct xd_port_counters c;
	int n, i, q;
	uint16_t k;

	if (xd_info_port(port, &c) < 0)
		return NULL;
	o = json_pack("{s:s,s:i,s:s,s:{s:I,s:I,s:I,s:I,s:I},"
		      "s:{s:I,s:I,s:I},"
		      "s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}}",
		"name", p->name, "port", port,
		"kind", p->kind == XD_PORT_VIF ? "vif" : "nic",
		"rx", "packets", (json_int_t)c.eth.ipackets,
		"bytes", (json_int_t)c.eth.ibytes,
		"missed", (json_int_t)c.eth.imissed,
		"errors", (json_int_t)c.eth.ierrors,
		"nombuf", (json_int_t)c.eth.rx_nombuf,
		"tx", "packets", (json_int_t)c.eth.opackets,
		"bytes", (json_int_t)c.eth.obytes,
		"errors", (json_int_t)c.eth.oerrors,
		"switch", "in", (json_int_t)c.in.pkts,
		"in_bytes", (json_int_t)c.in.bytes,
		"spoofed", (json_int_t)c.in.spoofed,
		"vlan_drop", (json_int_t)c.in.vlan,
		"runt", (json_int_t)c.in.runt,
		"throttled", (json_int_t)c.in.throttled,
		"out", (json_int_t)c.out,
		"out_drop", (json_int_t)c.out_drop);
	if (o == NULL)
		return NULL;
	queues = json_array();
	other = json_object();
	for (k = 0; k < XD_MAX_QUEUES; k++)
		qs[k] = NULL;
	for (k = 0; k < p->nb_rxq; k++) {
		const struct xd_rxq_stats *s = &p->rxq[k].st;

		qs[k] = json_pack("{s:i,s:{s:I,s:I,s:I,s:I},s:o}", "queue", k,
			"switch",
			"in", (json_int_t)__atomic_load_n(&s->pkts,
							  __ATOMIC_RELAXED),
			"spoofed", (json_int_t)__atomic_load_n(&s->spoofed,
							 __ATOMIC_RELAXED),
			"vlan_drop", (json_int_t)__atomic_load_n(&s->vlan,
							 __ATOMIC_RELAXED),
			"throttled", (json_int_t)__atomic_load_n(&s->throttled,
							 __ATOMIC_RELAXED),
			"xstats", json_object());
	}
	n = rte_eth_xstats_get_names(port, names, XD_MAX_XSTATS);
	if (n > 0 && n <= XD_MAX_XSTATS &&
	    rte_eth_xstats_get(port, xs, (unsigned int)n) == n) {
		for (i = 0; i < n; i++) {
			json_t *v = json_integer((json_int_t)xs[i].value);

			q = xstat_queue(names[xs[i].id].name);
			if (q >= 0 && qs[q] != NULL)
				json_set(json_object_get(qs[q], "xstats"),
					 names[xs[i].id].name, v);
			else
				json_set(other, names[xs[i].id].name, v);
		}
	}
	for (k = 0; k < XD_MAX_QUEUES; k++)
		if (qs[k] != NULL)
			json_array_append_new(queues, qs[k]);
	json_set(o, "queues", queues);
	json_set(o, "xstats", other);
	return o;
}

static json_t *
cmd_stats(void *ctx, json_t *args, struct xd_err *err)
{
	const char *name = json_string_value(json_object_get(args, "port"));
	json_t *a;
	uint16_t port;
	int p;

	RTE_SET_USED(ctx);
	if (name != NULL) {
		p = xd_port_find(name);
		if (p < 0)
			return xd_fail(err, XD_E_NOTFOUND, "no port '%s'",
				       name);
		return port_stats((uint16_t)p);
	}
	a = json_array();
	for (port = 0; a != NULL && port < RTE_MAX_ETHPORTS; port++)
		if (xd_ports[port].kind != XD_PORT_NONE)
			json_array_append_new(a, port_stats(port));
	return a;
}

static json_t *
cmd_attach(void *ctx, json_t *args, struct xd_err *err)
{
	struct xd_daemon *d = ctx;
	uint16_t domid = (uint16_t)json_integer_value(json_object_get(args,
							      "domid"));
	uint32_t devid = (uint32_t)json_integer_value(json_object_get(args,
							      "devid"));
	int ret;

	ret = xd_hotplug_attach(d->hp, domid, devid);
	if (ret == -ENOENT)
		return xd_fail(err, XD_E_NOTFOUND, "no vif %u.%u in xenstore",
			       domid, devid);
	if (ret == -EALREADY)
		return xd_fail(err, XD_E_EXISTS, "vif%u.%u is served already",
			       domid, devid);
	if (ret < 0)
		return xd_fail(err, XD_E_FAILED, "vif%u.%u: %s", domid, devid,
			       strerror(-ret));
	return json_pack("{s:i,s:i,s:s}", "domid", domid, "devid", devid,
			 "hotplug", xd_port_find_vif(domid, devid) >= 0 ?
			 "served" : "resetting");
}

static json_t *
cmd_detach(void *ctx, json_t *args, struct xd_err *err)
{
	struct xd_daemon *d = ctx;
	int port = vif_port(d, args, err);
	uint16_t domid;
	uint32_t devid;

	if (port < 0)
		return NULL;
	domid = xd_ports[port].domid;
	devid = xd_ports[port].devid;
	if (xd_hotplug_detach(d->hp, domid, devid) < 0)
		return xd_fail(err, XD_E_NOTFOUND, "vif%u.%u is not served by "
			       "the hotplug path", domid, devid);
	return json_pack("{s:i,s:i}", "domid", domid, "devid", devid);
}

static json_t *
cmd_set_rate(void *ctx, json_t *args, struct xd_err *err)
{
	const char *s = json_string_value(json_object_get(args, "rate"));
	int port = vif_port(ctx, args, err);
	uint64_t packed;
	char buf[48];

	if (port < 0)
		return NULL;
	if (xd_ratelim_parse(s, &packed) < 0)
		return xd_fail(err, XD_E_ARGS, "rate '%s': want BYTES,USEC, "
			       "an xl rate (10Mb/s@20ms) or unlimited", s);
	__atomic_store_n(&xd_ports[port].rate, packed, __ATOMIC_RELAXED);
	xd_ratelim_format(packed, buf, sizeof(buf));
	XD_LOG(INFO, "%s: rate %s", xd_ports[port].name, buf);
	return json_pack("{s:s,s:s}", "vif", xd_ports[port].name, "rate", buf);
}

static json_t *
cmd_set_queues(void *ctx, json_t *args, struct xd_err *err)
{
	struct xd_daemon *d = ctx;
	uint16_t q = (uint16_t)json_integer_value(json_object_get(args,
							      "queues"));
	int port = vif_port(d, args, err);
	uint16_t domid;
	uint32_t devid;
	int ret;

	if (port < 0)
		return NULL;
	domid = xd_ports[port].domid;
	devid = xd_ports[port].devid;
	/* The maximum is advertised at probe: it applies from the next
	 * attach, the connected guest keeps its queues. */
	ret = xd_hotplug_set_queues(d->hp, domid, devid, q);
	if (ret < 0)
		return xd_fail(err, XD_E_FAILED, "vif%u.%u: %s", domid, devid,
			       strerror(-ret));
	XD_LOG(INFO, "vif%u.%u: %u queue(s) offered from the next attach",
	       domid, devid, q);
	return json_pack("{s:i,s:i,s:i,s:s}", "domid", domid, "devid", devid,
			 "max_queues", q, "applies", "next attach");
}

static json_t *
cmd_bind(void *ctx, json_t *args, struct xd_err *err)
{
	const char *name = json_string_value(json_object_get(args, "port"));
	json_int_t q = json_integer_value(json_object_get(args, "queue"));
	int vif = vif_port(ctx, args, err), nic, ret;

	if (vif < 0)
		return NULL;
	nic = xd_port_find(name);
	if (nic < 0 || xd_ports[nic].kind != XD_PORT_NIC)
		return xd_fail(err, XD_E_NOTFOUND, "no physical port '%s'",
			       name);
	if (q >= xd_ports[nic].nb_rxq)
		return xd_fail(err, XD_E_ARGS, "%s has %u Rx queue(s)",
			       xd_ports[nic].name, xd_ports[nic].nb_rxq);
	ret = xd_bind((uint16_t)vif, (uint16_t)nic, (uint16_t)q);
	if (ret == -EALREADY)
		return xd_fail(err, XD_E_EXISTS, "%s is bound: unbind it "
			       "first", xd_ports[vif].name);
	if (ret == -EBUSY)
		return xd_fail(err, XD_E_EXISTS, "%s queue %d belongs to %s",
			       xd_ports[nic].name, (int)q, xd_ports[
			       xd_ports[nic].rxq[q].owner - 1].name);
	if (ret < 0)
		return xd_fail(err, XD_E_FAILED, "%s: no guest MAC to steer by",
			       xd_ports[vif].name);
	return bind_json((uint16_t)vif);
}

static json_t *
cmd_unbind(void *ctx, json_t *args, struct xd_err *err)
{
	int vif = vif_port(ctx, args, err);

	if (vif < 0)
		return NULL;
	if (xd_unbind((uint16_t)vif) < 0)
		return xd_fail(err, XD_E_NOTFOUND, "%s is not bound",
			       xd_ports[vif].name);
	return json_pack("{s:s,s:n}", "vif", xd_ports[vif].name, "bind");
}

static json_t *
cmd_set_trusted(void *ctx, json_t *args, struct xd_err *err)
{
	bool t = json_is_true(json_object_get(args, "trusted"));
	int port = vif_port(ctx, args, err);

	if (port < 0)
		return NULL;
	__atomic_store_n(&xd_ports[port].trusted, t, __ATOMIC_RELAXED);
	XD_LOG(INFO, "%s: %strusted", xd_ports[port].name, t ? "" : "not ");
	return json_pack("{s:s,s:b}", "vif", xd_ports[port].name, "trusted", t);
}

static json_t *
cmd_mac_show(void *ctx, json_t *args, struct xd_err *err)
{
	struct xd_daemon *d = ctx;
	struct xd_fdb_entry *e;
	unsigned int n, i, cap;
	json_t *a;
	char mac[24];

	RTE_SET_USED(args);
	cap = xd_fdb_count(d->fdb) + 64;
	e = malloc(cap * sizeof(*e));
	a = json_array();
	if (e == NULL || a == NULL) {
		free(e);
		json_decref(a);
		return xd_fail(err, XD_E_FAILED, "out of memory");
	}
	n = RTE_MIN(xd_fdb_list(d->fdb, rte_get_tsc_cycles(), e, cap), cap);
	for (i = 0; i < n; i++) {
		struct rte_ether_addr addr;

		memcpy(addr.addr_bytes, e[i].key.mac, RTE_ETHER_ADDR_LEN);
		xd_info_mac(&addr, mac, sizeof(mac));
		json_array_append_new(a, json_pack("{s:s,s:i,s:s,s:i,s:b,s:I}",
			"mac", mac, "vlan", e[i].key.vlan,
			"port", e[i].port < RTE_MAX_ETHPORTS ?
				xd_ports[e[i].port].name : "?",
			"port_id", e[i].port, "static", e[i].is_static,
			"age_ms", (json_int_t)e[i].age_ms));
	}
	free(e);
	return a;
}

static json_t *
cmd_mac_flush(void *ctx, json_t *args, struct xd_err *err)
{
	RTE_SET_USED(ctx);
	RTE_SET_USED(args);
	RTE_SET_USED(err);
	return json_pack("{s:i}", "flushed", (int)xd_portctl_flush_fdb());
}

static json_t *
cmd_lcores(void *ctx, json_t *args, struct xd_err *err)
{
	static struct xd_plan_q q[XD_PLAN_MAX_QUEUES];
	json_t *a = json_array(), *qa;
	struct xd_lcore_info li;
	unsigned int w, i, n;
	uint64_t total;

	RTE_SET_USED(ctx);
	RTE_SET_USED(args);
	if (a == NULL)
		return xd_fail(err, XD_E_FAILED, "out of memory");
	n = RTE_MIN(xd_plan_get(q, RTE_DIM(q)), (unsigned int)RTE_DIM(q));
	for (w = 0; w < xd_nb_workers; w++) {
		xd_info_lcore(w, &li);
		total = li.busy + li.idle + li.sleep;
		qa = json_array();
		for (i = 0; i < n; i++)
			if (q[i].worker == (int)w)
				json_array_append_new(qa, json_pack("{s:s,s:i}",
					"port", xd_ports[q[i].port].name,
					"queue", q[i].qid));
		json_array_append_new(a, json_pack(
			"{s:i,s:i,s:o,s:f,s:f,s:f,s:I,s:I,s:I,s:I,s:I,s:I,"
			"s:I,s:I,s:I,s:I,s:I,s:I}",
			"lcore", li.lcore, "socket", li.socket, "queues", qa,
			"busy_pct", xd_info_pct(li.busy, total),
			"idle_pct", xd_info_pct(li.idle, total),
			"sleep_pct", xd_info_pct(li.sleep, total),
			"busy_cycles", (json_int_t)li.busy,
			"idle_cycles", (json_int_t)li.idle,
			"sleep_cycles", (json_int_t)li.sleep,
			"rounds", (json_int_t)li.rounds,
			"sleeps", (json_int_t)li.sleeps,
			"wakeups", (json_int_t)li.wakeups,
			"flood", (json_int_t)li.flood,
			"copy_fail", (json_int_t)li.copy_fail,
			"offload_drop", (json_int_t)li.offload_drop,
			"gso", (json_int_t)li.gso,
			"gso_segs", (json_int_t)li.gso_segs,
			"hairpin_drop", (json_int_t)li.no_dest));
	}
	return a;
}

/* Current levels of the log types matching pattern (NULL: the daemon's
 * and the PMD's), from rte_log_dump. */
static json_t *
log_levels(const char *pattern)
{
	char *buf = NULL, *line, *save = NULL, name[128], level[32];
	json_t *o = json_object();
	size_t len = 0;
	unsigned int id;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (f == NULL || o == NULL) {
		if (f != NULL)
			fclose(f);
		json_decref(o);
		return NULL;
	}
	rte_log_dump(f);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "id %u: %127[^,], level is %31s", &id, name,
			   level) != 3)
			continue;
		if (pattern != NULL ? fnmatch(pattern, name, 0) == 0 :
		    strcmp(name, "xennetd") == 0 ||
		    fnmatch("pmd.net.xen*", name, 0) == 0)
			json_set(o, name, json_string(level));
	}
	free(buf);
	return o;
}

static json_t *
cmd_log_level(void *ctx, json_t *args, struct xd_err *err)
{
	const char *lvl = json_string_value(json_object_get(args, "level"));
	const char *pat = json_string_value(json_object_get(args, "pattern"));
	int level;

	RTE_SET_USED(ctx);
	if (lvl == NULL)
		return log_levels(pat);
	level = xd_config_log_level(lvl);
	if (level < 0)
		return xd_fail(err, XD_E_ARGS, "level '%s': want emerg, alert, "
			       "crit, err, warning, notice, info or debug",
			       lvl);
	if (pat == NULL)
		pat = "xennetd";
	if (rte_log_set_level_pattern(pat, (uint32_t)level) < 0)
		return xd_fail(err, XD_E_FAILED, "cannot set level");
	return log_levels(pat);
}

/* One ring: its grant ref from the frontend's keys, and the indices the
 * PMD reports (none when the queue is not connected: state_error). */
static json_t *
ring_json(struct xd_daemon *d, const char *dir, const char *key,
	  const struct rte_pmd_xen_ring_index *ix, int ret)
{
	char *v = xs_key(d, dir, key);
	uint64_t r;

	if (v == NULL || xd_parse_u64(v, 0, UINT32_MAX, &r) < 0) {
		free(v);
		return json_null();
	}
	free(v);
	if (ret < 0)
		return json_pack("{s:I,s:s}", "ring_ref", (json_int_t)r,
				 "state_error", strerror(-ret));
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
		"ring_ref", (json_int_t)r,
		"req_prod", (json_int_t)ix->req_prod,
		"req_event", (json_int_t)ix->req_event,
		"rsp_prod", (json_int_t)ix->rsp_prod,
		"rsp_event", (json_int_t)ix->rsp_event,
		"pending", (json_int_t)(uint32_t)(ix->req_prod - ix->rsp_prod),
		"req_cons", (json_int_t)ix->req_cons,
		"rsp_prod_pvt", (json_int_t)ix->rsp_prod_pvt);
}

static json_t *
evtchn_json(struct xd_daemon *d, const char *dir)
{
	uint64_t tx = fe_uint(d, dir, "event-channel-tx", UINT32_MAX,
			      UINT64_MAX);
	uint64_t rx = fe_uint(d, dir, "event-channel-rx", UINT32_MAX,
			      UINT64_MAX);
	uint64_t one = fe_uint(d, dir, "event-channel", UINT32_MAX,
			       UINT64_MAX);

	if (tx != UINT64_MAX && rx != UINT64_MAX)
		return json_pack("{s:I,s:I}", "tx", (json_int_t)tx, "rx",
				 (json_int_t)rx);
	if (one != UINT64_MAX)
		return json_pack("{s:I}", "shared", (json_int_t)one);
	return json_null();
}

static json_t *
cmd_ring_dump(void *ctx, json_t *args, struct xd_err *err)
{
	struct xd_daemon *d = ctx;
	json_t *jq = json_object_get(args, "queue"), *a, *res, *rx;
	char be[XD_PATH_LEN], dir[XD_PATH_LEN], *fe;
	struct rte_pmd_xen_ring_state st;
	const struct xd_port *p;
	uint64_t nq, q, first, last;
	int port, ret;

	port = vif_port(d, args, err);
	if (port < 0)
		return NULL;
	p = &xd_ports[port];
	if (be_dir(d, p->domid, p->devid, be) < 0 ||
	    (fe = fe_dir(d, be)) == NULL)
		return xd_fail(err, XD_E_NOTFOUND, "%s has no frontend",
			       p->name);
	nq = fe_uint(d, fe, "multi-queue-num-queues", XD_MAX_QUEUES, 1);
	if (nq == 0)
		nq = 1;
	first = jq != NULL ? (uint64_t)json_integer_value(jq) : 0;
	last = jq != NULL ? first : nq - 1;
	if (first >= nq) {
		free(fe);
		return xd_fail(err, XD_E_NOTFOUND, "%s: the guest uses %" PRIu64
			       " queue(s)", p->name, nq);
	}
	a = json_array();
	for (q = first; a != NULL && q <= last; q++) {
		/* netfront writes per-queue keys below queue-N only when
		 * it uses several queues. */
		if (nq > 1)
			snprintf(dir, sizeof(dir), "%s/queue-%" PRIu64, fe, q);
		else
			snprintf(dir, sizeof(dir), "%s", fe);
		ret = rte_pmd_xen_ring_state((uint16_t)port, (uint16_t)q,
					     &st);
		rx = ring_json(d, dir, "rx-ring-ref", &st.rx, ret);
		if (json_is_object(rx))
			json_set(rx, "backlog", json_integer(st.rx_backlog));
		json_array_append_new(a, json_pack("{s:I,s:o,s:o,s:o}",
			"queue", (json_int_t)q,
			"tx", ring_json(d, dir, "tx-ring-ref", &st.tx, ret),
			"rx", rx,
			"event_channel", evtchn_json(d, dir)));
	}
	res = json_pack("{s:s,s:o,s:o}", "vif", p->name, "frontend_state",
			state_json(d, fe), "queues", a);
	free(fe);
	return res;
}

static json_t *
cmd_reload(void *ctx, json_t *args, struct xd_err *err)
{
	struct xd_daemon *d = ctx;
	char msg[256];

	RTE_SET_USED(args);
	if (xd_daemon_reload(d, msg, sizeof(msg)) < 0)
		return xd_fail(err, XD_E_FAILED, "%s", msg);
	return json_pack("{s:s}", "config", d->opts.config);
}

/* ---- the table ---- */

static const struct xd_arg_spec vif_arg[] = {
	{ "vif", XD_ARG_STR, true, 0, 0, "vif name (vif5.0) or port id" },
	{ NULL, XD_ARG_STR, false, 0, 0, NULL },
};

static const struct xd_arg_spec stats_args[] = {
	{ "port", XD_ARG_STR, false, 0, 0,
	  "one port (vif5.0, a config port name or a port id)" },
	{ NULL, XD_ARG_STR, false, 0, 0, NULL },
};

static const struct xd_arg_spec attach_args[] = {
	{ "domid", XD_ARG_INT, true, 1, XD_DOMID_LIMIT - 1, "guest domain" },
	{ "devid", XD_ARG_INT, true, 0, XD_DEVID_MAX, "vif device number" },
	{ NULL, XD_ARG_STR, false, 0, 0, NULL },
};

static const struct xd_arg_spec rate_args[] = {
	{ "vif", XD_ARG_STR, true, 0, 0, "vif name (vif5.0) or port id" },
	{ "rate", XD_ARG_STR, true, 0, 0,
	  "BYTES,USEC, an xl rate (10Mb/s@20ms) or unlimited" },
	{ NULL, XD_ARG_STR, false, 0, 0, NULL },
};

static const struct xd_arg_spec queues_args[] = {
	{ "vif", XD_ARG_STR, true, 0, 0, "vif name (vif5.0) or port id" },
	{ "queues", XD_ARG_INT, true, 1, XD_VIF_MAX_QUEUES,
	  "multi-queue-max-queues to offer (the guest reconnects)" },
	{ NULL, XD_ARG_STR, false, 0, 0, NULL },
};

static const struct xd_arg_spec trusted_args[] = {
	{ "vif", XD_ARG_STR, true, 0, 0, "vif name (vif5.0) or port id" },
	{ "trusted", XD_ARG_BOOL, true, 0, 0,
	  "true: the guest may send from any MAC address" },
	{ NULL, XD_ARG_STR, false, 0, 0, NULL },
};

static const struct xd_arg_spec bind_args[] = {
	{ "vif", XD_ARG_STR, true, 0, 0, "vif name (vif5.0) or port id" },
	{ "port", XD_ARG_STR, true, 0, 0,
	  "physical port (a config port name or a port id)" },
	{ "queue", XD_ARG_INT, true, 0, XD_MAX_QUEUES - 1,
	  "its Rx queue the guest's frames are steered to" },
	{ NULL, XD_ARG_STR, false, 0, 0, NULL },
};

static const struct xd_arg_spec log_args[] = {
	{ "level", XD_ARG_STR, false, 0, 0,
	  "emerg..debug; without it the levels are shown" },
	{ "pattern", XD_ARG_STR, false, 0, 0,
	  "log types (glob; default: xennetd to set, xennetd and "
	  "pmd.net.xen* to show)" },
	{ NULL, XD_ARG_STR, false, 0, 0, NULL },
};

static const struct xd_arg_spec ring_args[] = {
	{ "vif", XD_ARG_STR, true, 0, 0, "vif name (vif5.0) or port id" },
	{ "queue", XD_ARG_INT, false, 0, XD_MAX_QUEUES - 1,
	  "one queue (default: all the guest uses)" },
	{ NULL, XD_ARG_STR, false, 0, 0, NULL },
};

const struct xd_cmd xd_cmds[] = {
	{ "help", "commands and their arguments", NULL, cmd_help },
	{ "version", "daemon, DPDK and protocol versions", NULL, cmd_version },
	{ "list", "vifs: state, MAC, queues, lcores, features", NULL,
	  cmd_list },
	{ "ports", "every switch port (vifs and physical)", NULL, cmd_ports },
	{ "stats", "counters per port and per queue", stats_args, cmd_stats },
	{ "attach", "serve a vif now", attach_args, cmd_attach },
	{ "detach", "stop serving a vif (until the toolstack recreates it)",
	  vif_arg, cmd_detach },
	{ "set-rate", "limit a vif's transmit rate", rate_args, cmd_set_rate },
	{ "set-queues", "change the queues offered to a guest", queues_args,
	  cmd_set_queues },
	{ "set-trusted", "allow or forbid any source MAC", trusted_args,
	  cmd_set_trusted },
	{ "bind", "send a vif's frames to a physical port queue and steer "
	  "its frames there", bind_args, cmd_bind },
	{ "unbind", "switch a bound vif's frames again", vif_arg, cmd_unbind },
	{ "mac-show", "the MAC table", NULL, cmd_mac_show },
	{ "mac-flush", "forget learned MAC addresses", NULL, cmd_mac_flush },
	{ "lcores", "lcore plan and busy/idle/sleep shares", NULL,
	  cmd_lcores },
	{ "log-level", "show or set log levels", log_args, cmd_log_level },
	{ "ring-dump", "ring indices and backlog of a vif's queues", ring_args,
	  cmd_ring_dump },
	{ "reload", "re-read the configuration file (as SIGHUP)", NULL,
	  cmd_reload },
};
const unsigned int xd_nb_cmds = RTE_DIM(xd_cmds);

int
xd_cmds_start(struct xd_daemon *d)
{
	struct xd_sock_conf sc = {
		.group = d->cfg.socket_group,
		.max_clients = d->cfg.max_clients,
		.version = XD_VERSION,
		.loop = d->loop,
		.cmds = xd_cmds,
		.nb_cmds = xd_nb_cmds,
		.ctx = d,
	};
	int n;

	if (d->cfg.socket_path[0] != '\0')
		n = snprintf(d->socket_path, sizeof(d->socket_path), "%s",
			     d->cfg.socket_path);
	else
		n = snprintf(d->socket_path, sizeof(d->socket_path), "%s/%s",
			     rte_eal_get_runtime_dir(), XD_SOCK_NAME);
	if (n < 0 || n >= (int)sizeof(d->socket_path))
		return -ENAMETOOLONG;
	sc.path = d->socket_path;
	d->sock = xd_sock_open(&sc);
	if (d->sock == NULL) {
		XD_LOG(ERR, "control socket %s: %s", d->socket_path,
		       errno == EADDRINUSE ? "another xennetd answers there" :
		       strerror(errno));
		return -errno;
	}
	return 0;
}

void
xd_cmds_stop(struct xd_daemon *d)
{
	xd_sock_close(d->sock);
	d->sock = NULL;
}
