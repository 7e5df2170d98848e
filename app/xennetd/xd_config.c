/* SPDX-License-Identifier: BSD-3-Clause */
/* Parsing and validating the daemon's INI configuration file. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_cfgfile.h>
#include <rte_common.h>
#include <rte_log.h>

#include "xd_config.h"

#define XD_CFG_MAX_SECTIONS (4 + XD_MAX_NIC_PORTS)
#define XD_CFG_MAX_ENTRIES 16
#define XD_CFG_LINE_MAX 1024
#define XD_PORT_PREFIX "port "

static const char *const level_names[] = {
	[RTE_LOG_EMERG] = "emerg", [RTE_LOG_ALERT] = "alert",
	[RTE_LOG_CRIT] = "crit", [RTE_LOG_ERR] = "err",
	[RTE_LOG_WARNING] = "warning", [RTE_LOG_NOTICE] = "notice",
	[RTE_LOG_INFO] = "info", [RTE_LOG_DEBUG] = "debug",
};

int
xd_config_log_level(const char *s)
{
	unsigned int i;
	uint64_t v;

	for (i = RTE_LOG_EMERG; i <= RTE_LOG_DEBUG; i++)
		if (strcasecmp(s, level_names[i]) == 0)
			return (int)i;
	if (xd_parse_u64(s, RTE_LOG_EMERG, RTE_LOG_DEBUG, &v) == 0)
		return (int)v;
	return -EINVAL;
}

const char *
xd_config_log_level_name(int level)
{
	if (level < (int)RTE_LOG_EMERG || level > (int)RTE_LOG_DEBUG)
		return "invalid";
	return level_names[level];
}

int
xd_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int
xd_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	unsigned int i;

	for (i = 0; i < RTE_DIM(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

void
xd_config_defaults(struct xd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->hv, sizeof(cfg->hv), "xen");
	cfg->max_clients = 8;
	cfg->log_level = RTE_LOG_INFO;
	cfg->mbufs = 16384;
	cfg->vif_queues = 1;
	cfg->mac_table_size = 4096;
	cfg->mac_aging_s = 300;
	cfg->adaptive = true;
	cfg->idle_us = 1000;
	cfg->sleep_max_ms = 10;
}

/* One parse: the file, where errors go. */
struct cfg_ctx {
	struct xd_config *cfg;
	char *err;
	size_t err_len;
};

static int __rte_format_printf(3, 4)
cfg_fail(struct cfg_ctx *c, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->err_len, fmt, ap);
	va_end(ap);
	return ret;
}

enum key_type { KEY_U32, KEY_U16, KEY_BOOL, KEY_STR, KEY_LEVEL, KEY_HV,
	KEY_TSO };

struct key_def {
	const char *name;
	enum key_type type;
	size_t offset;   /* in the target struct */
	size_t size;     /* KEY_STR: buffer size */
	uint64_t min, max;
};

#define CFG_OFF(f) offsetof(struct xd_config, f)
#define CFG_SZ(f) sizeof(((struct xd_config *)0)->f)
#define NIC_OFF(f) offsetof(struct xd_nic_conf, f)
#define NIC_SZ(f) sizeof(((struct xd_nic_conf *)0)->f)

static const struct key_def daemon_keys[] = {
	{ "hv", KEY_HV, CFG_OFF(hv), CFG_SZ(hv), 0, 0 },
	{ "sim_dir", KEY_STR, CFG_OFF(sim_dir), CFG_SZ(sim_dir), 0, 0 },
	{ "socket", KEY_STR, CFG_OFF(socket_path), CFG_SZ(socket_path), 0, 0 },
	{ "socket_group", KEY_STR, CFG_OFF(socket_group),
	  CFG_SZ(socket_group), 0, 0 },
	{ "max_clients", KEY_U32, CFG_OFF(max_clients), 0, 1, 64 },
	{ "log_level", KEY_LEVEL, CFG_OFF(log_level), 0, 0, 0 },
	{ "mbufs", KEY_U32, CFG_OFF(mbufs), 0, 2048, 1u << 22 },
};

static const struct key_def vif_keys[] = {
	{ "max_queues", KEY_U16, CFG_OFF(vif_queues), 0, 1,
	  XD_VIF_MAX_QUEUES },
	{ "trusted", KEY_BOOL, CFG_OFF(vif_trusted), 0, 0, 0 },
	{ "bind_port", KEY_STR, CFG_OFF(vif_bind_port), CFG_SZ(vif_bind_port),
	  0, 0 },
};

static const struct key_def switch_keys[] = {
	{ "mac_table_size", KEY_U32, CFG_OFF(mac_table_size), 0, 64,
	  1u << 20 },
	{ "mac_aging", KEY_U32, CFG_OFF(mac_aging_s), 0, 1, 1000000 },
	{ "tso", KEY_TSO, CFG_OFF(tso), 0, 0, 0 },
};

static const struct key_def poll_keys[] = {
	{ "adaptive", KEY_BOOL, CFG_OFF(adaptive), 0, 0, 0 },
	{ "idle_us", KEY_U32, CFG_OFF(idle_us), 0, 10, 10000000 },
	{ "sleep_max_ms", KEY_U32, CFG_OFF(sleep_max_ms), 0, 1, 1000 },
};

static const struct key_def nic_keys[] = {
	{ "devargs", KEY_STR, NIC_OFF(devargs), NIC_SZ(devargs), 0, 0 },
	{ "queues", KEY_U16, NIC_OFF(queues), 0, 1, 16 },
};

static int
set_key(struct cfg_ctx *c, const char *sec, const struct key_def *k,
	void *base, const char *value)
{
	void *dst = (char *)base + k->offset;
	uint64_t v;
	bool b;
	int lvl;

	switch (k->type) {
	case KEY_U32:
	case KEY_U16:
		if (xd_parse_u64(value, k->min, k->max, &v) < 0)
			return cfg_fail(c, -EINVAL, "[%s] %s = '%s': want a "
					"number in %" PRIu64 "..%" PRIu64, sec,
					k->name, value, k->min, k->max);
		if (k->type == KEY_U32)
			*(uint32_t *)dst = (uint32_t)v;
		else
			*(uint16_t *)dst = (uint16_t)v;
		return 0;
	case KEY_BOOL:
		if (xd_parse_bool(value, &b) < 0)
			return cfg_fail(c, -EINVAL, "[%s] %s = '%s': want yes "
					"or no", sec, k->name, value);
		*(bool *)dst = b;
		return 0;
	case KEY_LEVEL:
		lvl = xd_config_log_level(value);
		if (lvl < 0)
			return cfg_fail(c, -EINVAL, "[%s] %s = '%s': want "
					"emerg..debug", sec, k->name, value);
		*(int *)dst = lvl;
		return 0;
	case KEY_TSO:
		if (strcmp(value, "auto") == 0)
			*(enum xd_tso_mode *)dst = XD_TSO_AUTO;
		else if (xd_parse_bool(value, &b) == 0)
			*(enum xd_tso_mode *)dst = b ? XD_TSO_YES : XD_TSO_NO;
		else
			return cfg_fail(c, -EINVAL, "[%s] %s = '%s': want "
					"auto, yes or no", sec, k->name, value);
		return 0;
	case KEY_HV:
		if (strcmp(value, "xen") != 0 && strcmp(value, "sim") != 0)
			return cfg_fail(c, -EINVAL, "[%s] %s = '%s': want xen "
					"or sim", sec, k->name, value);
		break;
	case KEY_STR:
		break;
	}
	if (strlen(value) >= k->size)
		return cfg_fail(c, -ENAMETOOLONG, "[%s] %s: value too long",
				sec, k->name);
	strcpy(dst, value);
	return 0;
}

static int
parse_section(struct cfg_ctx *c, struct rte_cfgfile *f, int idx,
	      const char *sec, const struct key_def *keys, unsigned int nkeys,
	      void *base)
{
	struct rte_cfgfile_entry e[XD_CFG_MAX_ENTRIES];
	bool seen[XD_CFG_MAX_ENTRIES] = { false };
	char name[CFG_NAME_LEN];
	unsigned int j;
	int n, i, ret;

	n = rte_cfgfile_section_entries_by_index(f, idx, name, e, RTE_DIM(e));
	if (n < 0)
		return cfg_fail(c, -EINVAL, "[%s]: cannot read", sec);
	if (n > (int)nkeys)
		return cfg_fail(c, -EINVAL, "[%s]: too many keys", sec);
	for (i = 0; i < n; i++) {
		for (j = 0; j < nkeys; j++)
			if (strcmp(e[i].name, keys[j].name) == 0)
				break;
		if (j == nkeys)
			return cfg_fail(c, -EINVAL, "[%s]: unknown key '%s'",
					sec, e[i].name);
		if (seen[j])
			return cfg_fail(c, -EINVAL, "[%s]: '%s' given twice",
					sec, e[i].name);
		seen[j] = true;
		ret = set_key(c, sec, &keys[j], base, e[i].value);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static bool
valid_port_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= XD_NAME_LEN)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-' && s[i] != '.')
			return false;
	return true;
}

static int
parse_port(struct cfg_ctx *c, struct rte_cfgfile *f, int idx,
	   const char *sec)
{
	struct xd_config *cfg = c->cfg;
	const char *name = sec + strlen(XD_PORT_PREFIX);
	struct xd_nic_conf *nic;
	unsigned int i;
	int ret;

	if (!valid_port_name(name))
		return cfg_fail(c, -EINVAL, "[%s]: port names are 1-%d of "
				"A-Z a-z 0-9 _ - .", sec, XD_NAME_LEN - 1);
	for (i = 0; i < cfg->nb_nics; i++)
		if (strcmp(cfg->nics[i].name, name) == 0)
			return cfg_fail(c, -EINVAL, "[%s] given twice", sec);
	if (cfg->nb_nics == XD_MAX_NIC_PORTS)
		return cfg_fail(c, -E2BIG, "[%s]: at most %d ports", sec,
				XD_MAX_NIC_PORTS);
	nic = &cfg->nics[cfg->nb_nics];
	memset(nic, 0, sizeof(*nic));
	strcpy(nic->name, name);
	nic->queues = 1;
	ret = parse_section(c, f, idx, sec, nic_keys, RTE_DIM(nic_keys), nic);
	if (ret < 0)
		return ret;
	if (nic->devargs[0] == '\0')
		return cfg_fail(c, -EINVAL, "[%s]: devargs is required", sec);
	cfg->nb_nics++;
	return 0;
}

/*
 * rte_cfgfile skips lines it cannot split; a typo must not vanish
 * silently, so every line is checked first: blank, comment, [section] or
 * key = value.
 */
static int
lint(struct cfg_ctx *c, const char *path)
{
	char line[XD_CFG_LINE_MAX], *p;
	unsigned int lineno = 0;
	int ret = 0;
	FILE *fp;

	fp = fopen(path, "r");
	if (fp == NULL)
		return cfg_fail(c, -errno, "%s: %s", path, strerror(errno));
	while (ret == 0 && fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			ret = cfg_fail(c, -EINVAL, "%s:%u: line too long",
				       path, lineno);
			break;
		}
		p = strchr(line, '#');
		if (p != NULL)
			*p = '\0';
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (*p == '\0' || *p == '[')
			continue;
		if (*p == '=' || strchr(p, '=') == NULL)
			ret = cfg_fail(c, -EINVAL, "%s:%u: expected 'key = "
				       "value' or '[section]'", path, lineno);
	}
	fclose(fp);
	return ret;
}

static int
check(struct cfg_ctx *c)
{
	struct xd_config *cfg = c->cfg;
	unsigned int i, j;

	if (cfg->mac_table_size < 8u * RTE_MAX_ETHPORTS)
		return cfg_fail(c, -EINVAL, "[switch] mac_table_size below %u",
				8u * RTE_MAX_ETHPORTS);
	for (i = 0; i < cfg->nb_nics; i++)
		for (j = 0; j < i; j++)
			if (strcmp(cfg->nics[i].devargs,
				   cfg->nics[j].devargs) == 0)
				return cfg_fail(c, -EINVAL, "[port %s] and "
						"[port %s] name the same device",
						cfg->nics[j].name,
						cfg->nics[i].name);
	if (cfg->vif_bind_port[0] == '\0')
		return 0;
	for (i = 0; i < cfg->nb_nics; i++)
		if (strcmp(cfg->nics[i].name, cfg->vif_bind_port) == 0)
			return 0;
	return cfg_fail(c, -EINVAL, "[vif] bind_port = '%s': no such [port]",
			cfg->vif_bind_port);
}

int
xd_config_load(const char *path, struct xd_config *cfg, char *err,
	       size_t err_len)
{
	struct rte_cfgfile_parameters params = { .comment_character = '#' };
	struct cfg_ctx c = { .cfg = cfg, .err = err, .err_len = err_len };
	char names[XD_CFG_MAX_SECTIONS][CFG_NAME_LEN];
	char *secs[XD_CFG_MAX_SECTIONS];
	bool seen[4] = { false };
	struct rte_cfgfile *f;
	int i, n, s, ret;
	static const struct {
		const char *name;
		const struct key_def *keys;
		unsigned int nkeys;
	} fixed[] = {
		{ "daemon", daemon_keys, RTE_DIM(daemon_keys) },
		{ "vif", vif_keys, RTE_DIM(vif_keys) },
		{ "switch", switch_keys, RTE_DIM(switch_keys) },
		{ "poll", poll_keys, RTE_DIM(poll_keys) },
	};

	xd_config_defaults(cfg);
	err[0] = '\0';
	ret = lint(&c, path);
	if (ret < 0)
		return ret;
	f = rte_cfgfile_load_with_params(path, CFG_FLAG_EMPTY_VALUES, &params);
	if (f == NULL)
		return cfg_fail(&c, -EINVAL, "%s: not a valid INI file "
				"(unterminated section?)", path);
	for (i = 0; i < XD_CFG_MAX_SECTIONS; i++)
		secs[i] = names[i];
	n = rte_cfgfile_num_sections(f, NULL, 0);
	if (n > XD_CFG_MAX_SECTIONS) {
		ret = cfg_fail(&c, -E2BIG, "%s: too many sections", path);
		goto close;
	}
	n = rte_cfgfile_sections(f, secs, XD_CFG_MAX_SECTIONS);
	for (i = 0, ret = 0; i < n && ret == 0; i++) {
		if (strncmp(secs[i], XD_PORT_PREFIX,
			    strlen(XD_PORT_PREFIX)) == 0) {
			ret = parse_port(&c, f, i, secs[i]);
			continue;
		}
		for (s = 0; s < (int)RTE_DIM(fixed); s++)
			if (strcmp(secs[i], fixed[s].name) == 0)
				break;
		if (s == (int)RTE_DIM(fixed)) {
			ret = cfg_fail(&c, -EINVAL, "unknown section [%s]",
				       secs[i]);
		} else if (seen[s]) {
			ret = cfg_fail(&c, -EINVAL, "[%s] given twice",
				       secs[i]);
		} else {
			seen[s] = true;
			ret = parse_section(&c, f, i, secs[i], fixed[s].keys,
					    fixed[s].nkeys, cfg);
		}
	}
	if (ret == 0)
		ret = check(&c);
close:
	rte_cfgfile_close(f);
	return ret;
}
