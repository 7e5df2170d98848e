/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The toolstack stand-in: what libxl (Xen 4.17) writes to xenstore for
 * xl create, network-attach, network-detach, network-list and destroy,
 * done with the real libxenstore client on the dom0 socket of the
 * simulator (or of a real xenstored). Messages go to stderr, prefixed
 * "xnb-simxl:"; functions return 0 (or a count/devid) or -errno.
 */
#ifndef XNB_SIMXL_H
#define XNB_SIMXL_H

#include <stdint.h>

/* libxl's timeouts: backend state changes and hotplug scripts. */
#define XNB_SIMXL_TIMEOUT_MS 10000u

struct xnb_simxl;

/*
 * Connect to DIR/xenstored.sock; dir NULL: $XNB_SIM_DIR; neither set:
 * wherever libxenstore goes by default (XENSTORED_PATH or the real
 * xenstored). Sets XENSTORED_PATH in the process environment (libxenstore
 * reads it in xs_open) and passes it to hotplug scripts. NULL + errno.
 */
struct xnb_simxl *xnb_simxl_open(const char *dir);
void xnb_simxl_close(struct xnb_simxl *xl);

/*
 * libxl__domain_make + introduce: /local/domain/N readable by the guest
 * with name and domid, its device/data/drivers/feature/attr/error and
 * control/shutdown directories owned by the guest, /libxl/N/device made
 * afresh (dom0 only), then XS_INTRODUCE.
 * name NULL: "sim<domid>". -EEXIST if the domain is introduced already.
 */
int xnb_simxl_domain_create(struct xnb_simxl *xl, uint16_t domid,
			    const char *name);
/*
 * xl destroy, in libxl's order (as traced on Xen 4.17):
 *  1. the domain is paused (on the simulator: its guest process gets
 *     SIGSTOP), so the guest cannot react to what follows;
 *  2. for every vif, in one transaction each: the frontend directory is
 *     removed, the backend gets online=0 and state=5 (Closing; not when
 *     it is Closed already);
 *  3. wait (at most 2 s in all; libxl: 10 s) for each backend to reach
 *     6 (Closed), run its hotplug script offline, remove its nodes;
 *  4. /local/domain/N and /libxl/N are removed;
 *  5. the domain is destroyed (the guest process gets SIGKILL, the
 *     simulator fires @releaseDomain); without a guest process (or on a
 *     real xenstored) XS_RELEASE does it.
 * 0 or the first -errno; the domain is gone in any case.
 */
int xnb_simxl_domain_destroy(struct xnb_simxl *xl, uint16_t domid);

struct xnb_simxl_nic {
	uint16_t domid;
	int devid; /* < 0: next free, as libxl */
	uint16_t backend; /* backend domain */
	const char *mac; /* NULL: 00:16:3e + random, as libxl */
	const char *bridge; /* NULL: "xenbr0" */
	const char *script; /* NULL: none; names without '/' are looked up
			     * in /etc/xen/scripts, as libxl */
	const char *rate; /* xl syntax "10Mb/s@20ms"; NULL: unlimited */
	const char *vlan;
	const char *ip;
	unsigned int mtu; /* 0: 1500 */
	unsigned int timeout_ms; /* 0: XNB_SIMXL_TIMEOUT_MS */
};

/*
 * libxl's network-attach: frontend and backend directories in one
 * transaction with libxl's keys and permissions, wait for the backend to
 * reach InitWait, run the hotplug script ("online") and wait for
 * hotplug-status "connected". On failure the device's nodes are removed.
 * Returns the devid or -errno (-ETIMEDOUT, -EEXIST, -ENOENT, -EIO...).
 */
int xnb_simxl_nic_attach(struct xnb_simxl *xl,
			 const struct xnb_simxl_nic *nic);
/*
 * libxl's network-detach: online=0, state=5 (Closing), wait for state 6
 * (Closed) up to timeout_ms (0: XNB_SIMXL_TIMEOUT_MS), run the script
 * ("offline"), remove frontend and backend nodes. The nodes go even when
 * the backend does not answer (then -ETIMEDOUT).
 */
int xnb_simxl_nic_detach(struct xnb_simxl *xl, uint16_t domid, int devid,
			 unsigned int timeout_ms);

struct xnb_simxl_nic_info {
	int devid;
	int backend;
	char mac[18];
	int be_state; /* -1: unknown */
	int fe_state;
	int evtchn;
	int tx_ring_ref;
	int rx_ring_ref;
	char be_path[128];
};

/* The domain's vifs, at most max into info; returns how many there are
 * or -errno. */
int xnb_simxl_nic_list(struct xnb_simxl *xl, uint16_t domid,
		       struct xnb_simxl_nic_info *info, unsigned int max);

#endif /* XNB_SIMXL_H */
