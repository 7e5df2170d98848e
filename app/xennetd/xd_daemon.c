/* SPDX-License-Identifier: BSD-3-Clause */
/* Daemon-wide pieces: the log type, the control lock, configuration
 * changes at runtime. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#include "xd_daemon.h"
#include "xd_hotplug.h"
#include "xd_log.h"
#include "xd_portctl.h"
#include "xd_worker.h"

RTE_LOG_REGISTER(xd_logtype, xennetd, INFO);

pthread_mutex_t xd_ctl_lock = PTHREAD_MUTEX_INITIALIZER;

void
xd_daemon_apply_runtime(struct xd_daemon *d)
{
	rte_log_set_level(xd_logtype, (uint32_t)d->cfg.log_level);
	__atomic_store_n(&xd_poll.adaptive, d->cfg.adaptive, __ATOMIC_RELAXED);
	__atomic_store_n(&xd_poll.idle_us, d->cfg.idle_us, __ATOMIC_RELAXED);
	__atomic_store_n(&xd_poll.sleep_max_ms, d->cfg.sleep_max_ms,
			 __ATOMIC_RELAXED);
	xd_portctl_set_tso(d->cfg.tso);
	xd_portctl_set_bind_port(d->cfg.vif_bind_port);
}

void
xd_daemon_attach_nics(struct xd_daemon *d)
{
	unsigned int i;
	int ret;

	for (i = 0; i < d->cfg.nb_nics; i++) {
		if (d->nic_port[i] >= 0)
			continue;
		ret = xd_nic_attach(&d->cfg.nics[i]);
		d->nic_port[i] = ret >= 0 ? ret : -1;
	}
}

int
xd_daemon_reload(struct xd_daemon *d, char *err, size_t err_len)
{
	struct xd_config *ncfg;
	int nport[XD_MAX_NIC_PORTS];
	unsigned int i, j;
	int ret;

	if (d->opts.config == NULL) {
		snprintf(err, err_len, "started without --config: nothing to "
			 "reload");
		return -ENOENT;
	}
	ncfg = malloc(sizeof(*ncfg));
	if (ncfg == NULL)
		return -ENOMEM;
	ret = xd_config_load(d->opts.config, ncfg, err, err_len);
	if (ret < 0) {
		free(ncfg);
		return ret;
	}
	if (strcmp(ncfg->hv, d->cfg.hv) != 0 ||
	    strcmp(ncfg->sim_dir, d->cfg.sim_dir) != 0 ||
	    strcmp(ncfg->socket_path, d->cfg.socket_path) != 0 ||
	    strcmp(ncfg->socket_group, d->cfg.socket_group) != 0 ||
	    ncfg->mbufs != d->cfg.mbufs ||
	    ncfg->mac_table_size != d->cfg.mac_table_size ||
	    ncfg->max_clients != d->cfg.max_clients)
		XD_LOG(NOTICE, "reload: hv, sim_dir, socket, socket_group, "
		       "max_clients, mbufs and mac_table_size take effect at "
		       "the next start");
	/* Ports gone or changed go; new ones come. */
	for (i = 0; i < XD_MAX_NIC_PORTS; i++)
		nport[i] = -1;
	for (i = 0; i < d->cfg.nb_nics; i++) {
		const struct xd_nic_conf *o = &d->cfg.nics[i];

		for (j = 0; j < ncfg->nb_nics; j++)
			if (memcmp(o, &ncfg->nics[j], sizeof(*o)) == 0)
				break;
		if (j < ncfg->nb_nics) {
			nport[j] = d->nic_port[i];
		} else if (d->nic_port[i] >= 0) {
			xd_port_detach((uint16_t)d->nic_port[i]);
		}
	}
	/* Keep the file's values except those that need a restart. */
	snprintf(ncfg->hv, sizeof(ncfg->hv), "%s", d->cfg.hv);
	memcpy(ncfg->sim_dir, d->cfg.sim_dir, sizeof(ncfg->sim_dir));
	memcpy(ncfg->socket_path, d->cfg.socket_path,
	       sizeof(ncfg->socket_path));
	memcpy(ncfg->socket_group, d->cfg.socket_group,
	       sizeof(ncfg->socket_group));
	ncfg->mbufs = d->cfg.mbufs;
	ncfg->mac_table_size = d->cfg.mac_table_size;
	ncfg->max_clients = d->cfg.max_clients;
	d->cfg = *ncfg;
	free(ncfg);
	memcpy(d->nic_port, nport, sizeof(nport));
	xd_daemon_apply_runtime(d);
	xd_hotplug_set_defaults(d->hp, d->cfg.vif_queues, d->cfg.vif_trusted);
	xd_daemon_attach_nics(d);
	XD_LOG(NOTICE, "configuration reloaded from %s", d->opts.config);
	return 0;
}
