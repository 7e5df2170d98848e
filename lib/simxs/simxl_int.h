/* SPDX-License-Identifier: BSD-3-Clause */
/* Internals of the toolstack stand-in (xnb_simxl.h). */
#ifndef SIMXL_INT_H
#define SIMXL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <xenstore.h>

#include "xnb_simxl.h"

#define SIMXL_ERR(fmt, ...) \
	fprintf(stderr, "xnb-simxl: " fmt "\n", ##__VA_ARGS__)

/* Domain ids a toolstack may create: 1 .. DOMID_FIRST_RESERVED - 1. */
#define SIMXL_DOMID_MAX 0x7fefu
/* xenbus states (xen/io/xenbus.h). */
#define SIMXL_STATE_INITWAIT 2
#define SIMXL_STATE_CONNECTED 4
#define SIMXL_STATE_CLOSED 6
/* How long destroy waits for the backends before removing anyway (libxl:
 * 10 s; shorter here, as tests destroy domains whose backend is gone). */
#define SIMXL_DESTROY_WAIT_MS 2000u

struct xnb_simxl {
	struct xs_handle *xs;
	char *xs_path; /* socket we connected to, NULL: libxenstore default */
	char *sim_dir; /* simulator directory, NULL: not the simulator */
	unsigned int seq; /* for watch tokens */
};

int64_t simxl_now_ms(void);
/* Value at path, NUL-terminated and malloc()ed; NULL + errno. */
char *simxl_read(struct xnb_simxl *xl, xs_transaction_t t, const char *path);
/* Value at path as a number in [0, INT32_MAX]; -1 when absent or not a
 * number. */
int simxl_read_int(struct xnb_simxl *xl, xs_transaction_t t,
		   const char *path);
int simxl_write(struct xnb_simxl *xl, xs_transaction_t t, const char *path,
		const char *value);
/* mkdir path with permissions (owner first, then one reader). */
int simxl_mkdir_perms(struct xnb_simxl *xl, xs_transaction_t t,
		      const char *path, uint16_t owner, int reader);
int simxl_set_perms(struct xnb_simxl *xl, xs_transaction_t t,
		    const char *path, uint16_t owner, int reader);
/* Run body in a transaction, retried on EAGAIN as libxl does. */
int simxl_txn(struct xnb_simxl *xl,
	      int (*body)(struct xnb_simxl *xl, xs_transaction_t t, void *arg),
	      void *arg);
/* Wait (with a watch) until done(value at path) holds, value NULL when
 * the node is absent. 0 or -ETIMEDOUT at deadline (simxl_now_ms). */
int simxl_wait(struct xnb_simxl *xl, const char *path,
	       bool (*done)(const char *value), int64_t deadline);
/* libxl__xs_path_cleanup: remove path, then its parents while they have
 * neither a value nor children. */
int simxl_path_cleanup(struct xnb_simxl *xl, xs_transaction_t t,
		       const char *path);
/* "00:16:3E:01:02:03" (any case) into out[18], lower case. 0 or -EINVAL. */
int simxl_parse_mac(const char *s, char *out);
/* A random MAC with Xen's OUI 00:16:3e, as libxl. */
int simxl_random_mac(char *out);
/* xl's vif rate ("10Mb/s@20ms") as libxl writes it: "<bytes>,<usecs>". */
int simxl_parse_rate(const char *s, char *out, size_t len);
/*
 * Destroy every vif of a dying domain as libxl's forced remove does:
 * frontend nodes removed and backend asked to close (online=0, Closing) in
 * one transaction per vif, all vifs first; then wait (bounded) for each
 * backend to be Closed, run its hotplug script offline and remove its
 * nodes, whatever the backend did. 0 or the first -errno.
 */
int simxl_nic_destroy_all(struct xnb_simxl *xl, uint16_t domid);
/*
 * The simulated hypervisor's part of a domain's life (DIR/hv.sock):
 * XNB_SIM_DOMAIN_PAUSE or XNB_SIM_DOMAIN_DESTROY of domid. -ESRCH when no
 * guest process has the domain, -ENOTSUP when xl is not on a simulator.
 */
int simxl_hv_domain_ctl(struct xnb_simxl *xl, uint16_t domid, uint32_t type);
/* Run a vif hotplug script as libxl does and wait for it (and, online,
 * for hotplug-status "connected"). */
int simxl_hotplug(struct xnb_simxl *xl, const char *script,
		  const char *be_path, uint16_t domid, int devid, bool online,
		  int64_t deadline);

#endif /* SIMXL_INT_H */
