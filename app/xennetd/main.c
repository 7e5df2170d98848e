/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xennetd: the dom0 daemon. EAL, configuration, the control thread (this
 * one, on the main lcore: xenstore hotplug, ethdev events, control socket,
 * signals, timers) and the worker lcores that switch frames.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "xd_daemon.h"
#include "xd_fdb.h"
#include "xd_hotplug.h"
#include "xd_log.h"
#include "xd_loop.h"
#include "xd_plan.h"
#include "xd_pool.h"
#include "xd_portctl.h"
#include "xd_sim.h"
#include "xd_cmds.h"
#include "xd_telemetry.h"
#include "xd_worker.h"

#define XD_TICK_MS 100
#define XD_CLOSE_TIMEOUT_MS 3000

static struct xd_daemon xd;
static int xd_sig_fd = -1;
static int xd_tick_fd = -1;

/* ---- control thread handlers ---- */

static void
on_signal(void *arg, uint32_t events)
{
	struct xd_daemon *d = arg;
	struct signalfd_siginfo si;
	char err[256];

	RTE_SET_USED(events);
	while (read(xd_sig_fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			if (xd_daemon_reload(d, err, sizeof(err)) < 0)
				XD_LOG(ERR, "reload failed, configuration "
				       "unchanged: %s", err);
			break;
		case SIGCHLD:
			if (d->sim != NULL)
				xd_sim_reap(d->sim);
			break;
		default:
			XD_LOG(NOTICE, "signal %u: shutting down",
			       si.ssi_signo);
			d->stop = true;
			break;
		}
	}
}

static void
on_xs(void *arg, uint32_t events)
{
	struct xd_daemon *d = arg;

	if (events & (EPOLLERR | EPOLLHUP)) {
		XD_LOG(ERR, "xenstore connection lost: stopping");
		d->stop = true;
		return;
	}
	xd_hotplug_on_xs(d->hp);
}

static void
port_removed(uint16_t port, void *arg)
{
	struct xd_daemon *d = arg;
	unsigned int i;

	for (i = 0; i < d->cfg.nb_nics; i++)
		if (d->nic_port[i] == port)
			d->nic_port[i] = -1;
	xd_hotplug_port_removed(d->hp, port);
}

static void
on_ethdev(void *arg, uint32_t events)
{
	RTE_SET_USED(events);
	xd_portctl_events(port_removed, arg);
}

static void
on_tick(void *arg, uint32_t events)
{
	struct xd_daemon *d = arg;
	static unsigned int ticks;
	uint64_t exp;

	RTE_SET_USED(events);
	if (read(xd_tick_fd, &exp, sizeof(exp)) < 0 && errno != EAGAIN)
		return;
	xd_hotplug_tick(d->hp);
	if (++ticks % (1000 / XD_TICK_MS) != 0)
		return;
	xd_portctl_age(d->cfg.mac_aging_s);
	if (d->sim != NULL && xd_sim_tick(d->sim))
		d->stop = true;
}

/* ---- start-up and shut-down ---- */

static int
setup_fds(struct xd_daemon *d)
{
	struct itimerspec its = {
		.it_interval = { .tv_nsec = XD_TICK_MS * 1000000L },
		.it_value = { .tv_nsec = XD_TICK_MS * 1000000L },
	};
	sigset_t set;
	int ret;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	xd_sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	xd_tick_fd = timerfd_create(CLOCK_MONOTONIC,
				    TFD_NONBLOCK | TFD_CLOEXEC);
	if (xd_sig_fd < 0 || xd_tick_fd < 0 ||
	    timerfd_settime(xd_tick_fd, 0, &its, NULL) < 0)
		return -errno;
	ret = xd_loop_add(d->loop, xd_sig_fd, on_signal, d);
	if (ret == 0)
		ret = xd_loop_add(d->loop, xd_tick_fd, on_tick, d);
	if (ret == 0)
		ret = xd_loop_add(d->loop, d->hv->ops->xs_fd(d->hv), on_xs, d);
	if (ret == 0)
		ret = xd_loop_add(d->loop, xd_portctl_event_fd(), on_ethdev,
				  d);
	return ret;
}

/* Split argv at "--": the daemon's options are parsed before the EAL
 * starts (the simulator must be forked before any thread exists). */
static int
parse_own_args(int argc, char **argv, struct xd_opts *o)
{
	char *own[64];
	int i, n = 1;

	own[0] = argv[0];
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		/* Before "--" the EAL's help would hide ours. */
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			xd_opts_usage(argv[0]);
			return 1;
		}
	}
	for (i++; i < argc; i++) {
		if (n == (int)RTE_DIM(own) - 1) {
			fprintf(stderr, "%s: too many arguments\n", argv[0]);
			return -E2BIG;
		}
		own[n++] = argv[i];
	}
	own[n] = NULL;
	return xd_opts_parse(n, own, o);
}

static int
load_config(struct xd_daemon *d)
{
	char err[512];
	int ret;

	if (d->opts.config == NULL) {
		xd_config_defaults(&d->cfg);
	} else {
		ret = xd_config_load(d->opts.config, &d->cfg, err,
				     sizeof(err));
		if (ret < 0) {
			fprintf(stderr, "xennetd: %s\n", err);
			return ret;
		}
	}
	if (d->opts.socket != NULL)
		snprintf(d->cfg.socket_path, sizeof(d->cfg.socket_path), "%s",
			 d->opts.socket);
	if (d->opts.sim_dir != NULL && !d->opts.sim) {
		snprintf(d->cfg.hv, sizeof(d->cfg.hv), "sim");
		snprintf(d->cfg.sim_dir, sizeof(d->cfg.sim_dir), "%s",
			 d->opts.sim_dir);
	}
	if (strcmp(d->cfg.hv, "sim") == 0 && d->cfg.sim_dir[0] == '\0' &&
	    !d->opts.sim) {
		fprintf(stderr, "xennetd: hv = sim needs sim_dir (or "
			"--sim-dir)\n");
		return -EINVAL;
	}
	return 0;
}

static int
start(struct xd_daemon *d)
{
	struct xd_hotplug_conf hc;
	const char *arg;
	unsigned int i;
	int ret;

	xd_daemon_apply_runtime(d);
	d->started_at = rte_get_tsc_cycles();
	xd_pool_set_size(d->cfg.mbufs);
	d->fdb = xd_fdb_create("xd_fdb", d->cfg.mac_table_size,
			       (int)rte_socket_id());
	if (d->fdb == NULL) {
		XD_LOG(ERR, "cannot create the MAC table: %s",
		       rte_strerror(rte_errno));
		return -rte_errno;
	}
	ret = xd_workers_init(d->fdb);
	if (ret < 0)
		return ret;
	ret = xd_portctl_init(d->fdb);
	if (ret < 0)
		return ret;
	arg = strcmp(d->cfg.hv, "sim") == 0 ? d->cfg.sim_dir : NULL;
	d->hv = xnb_hv_open(d->cfg.hv, arg);
	if (d->hv == NULL) {
		XD_LOG(ERR, "cannot open hypervisor '%s': %s", d->cfg.hv,
		       strerror(errno));
		return -errno;
	}
	d->loop = xd_loop_new();
	if (d->loop == NULL)
		return -ENOMEM;
	hc = (struct xd_hotplug_conf){
		.hv = d->hv,
		.hv_kind = d->cfg.hv,
		.sim_dir = arg,
		.queues = d->cfg.vif_queues,
		.trusted = d->cfg.vif_trusted,
	};
	d->hp = xd_hotplug_new(&hc);
	if (d->hp == NULL)
		return -ENOMEM;
	ret = setup_fds(d);
	if (ret < 0)
		return ret;
	for (i = 0; i < XD_MAX_NIC_PORTS; i++)
		d->nic_port[i] = -1;
	ret = xd_workers_start();
	if (ret < 0)
		return ret;
	xd_daemon_attach_nics(d);
	ret = xd_cmds_start(d);
	if (ret < 0)
		return ret;
	xd_telemetry_register(d);
	ret = xd_hotplug_start(d->hp);
	if (ret < 0)
		return ret;
	XD_LOG(NOTICE, "serving vifs of %s (domain %u) with %u worker "
	       "lcore(s); control socket %s", d->cfg.hv, d->hv->domid,
	       xd_nb_workers, d->socket_path);
	return 0;
}

static void
shutdown_all(struct xd_daemon *d)
{
	unsigned int i;

	xd_telemetry_unregister();
	xd_cmds_stop(d);
	/* The demo's guests stop sending first, then every vif closes. */
	if (d->sim != NULL)
		xd_sim_quiesce(d->sim);
	xd_hotplug_free(d->hp, XD_CLOSE_TIMEOUT_MS);
	d->hp = NULL;
	for (i = 0; i < d->cfg.nb_nics; i++)
		if (d->nic_port[i] >= 0)
			xd_port_detach((uint16_t)d->nic_port[i]);
	xd_workers_fini();
	xd_plan_reset();
	xd_portctl_fini();
	xd_loop_free(d->loop);
	d->loop = NULL;
	if (xd_sig_fd >= 0)
		close(xd_sig_fd);
	if (xd_tick_fd >= 0)
		close(xd_tick_fd);
	xnb_hv_close(d->hv);
	d->hv = NULL;
	xd_fdb_free(d->fdb);
	d->fdb = NULL;
	xd_pool_free_all();
}

int
main(int argc, char **argv)
{
	sigset_t set;
	int ret;

	ret = parse_own_args(argc, argv, &xd.opts);
	if (ret != 0)
		return ret > 0 ? 0 : 2;
	ret = load_config(&xd);
	if (ret < 0)
		return 2;
	/* Signals go to the signalfd: block them before any thread. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (xd.opts.sim) {
		ret = xd_sim_start_hv(&xd.sim, &xd.opts, xd.cfg.sim_dir,
				      sizeof(xd.cfg.sim_dir));
		if (ret < 0)
			return 1;
		snprintf(xd.cfg.hv, sizeof(xd.cfg.hv), "sim");
	}
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "xennetd: EAL initialisation failed: %s\n",
			rte_strerror(rte_errno));
		xd_sim_free(xd.sim);
		return 1;
	}
	pthread_mutex_lock(&xd_ctl_lock);
	ret = start(&xd);
	if (ret == 0 && xd.sim != NULL)
		ret = xd_sim_start_guests(xd.sim, xd.loop);
	while (ret == 0 && !xd.stop) {
		pthread_mutex_unlock(&xd_ctl_lock);
		ret = xd_loop_run_once(xd.loop, -1);
		pthread_mutex_lock(&xd_ctl_lock);
	}
	if (ret < 0)
		XD_LOG(ERR, "stopping on error: %s", strerror(-ret));
	shutdown_all(&xd);
	pthread_mutex_unlock(&xd_ctl_lock);
	xd_sim_free(xd.sim);
	rte_eal_cleanup();
	return ret < 0 ? 1 : 0;
}
