/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The xenstore half of the seam, shared by both implementations: the real
 * libxenstore client, on the real xenstored or on the simulator's server.
 * Each implementation's private state starts with a struct xnb_hv_xs, so
 * these functions serve directly as the xs_* ops of struct xnb_hv_ops.
 */
#ifndef XNB_HV_XS_H
#define XNB_HV_XS_H

#include "xnb_hv.h"

struct xs_handle;

struct xnb_hv_xs {
	struct xs_handle *h;
};

/*
 * Connect (socket_path NULL: libxenstore's default, else that UNIX socket
 * only) and read the own domain id into hv->domid. 0 or -errno.
 */
int xnb_hv_xs_connect(struct xnb_hv *hv, struct xnb_hv_xs *x,
		      const char *socket_path);
void xnb_hv_xs_disconnect(struct xnb_hv_xs *x);

void *xnb_hv_xs_read(struct xnb_hv *hv, xnb_xs_txn_t t, const char *path,
		     unsigned int *len);
int xnb_hv_xs_write(struct xnb_hv *hv, xnb_xs_txn_t t, const char *path,
		    const void *data, unsigned int len);
int xnb_hv_xs_mkdir(struct xnb_hv *hv, xnb_xs_txn_t t, const char *path);
int xnb_hv_xs_rm(struct xnb_hv *hv, xnb_xs_txn_t t, const char *path);
char **xnb_hv_xs_directory(struct xnb_hv *hv, xnb_xs_txn_t t,
			   const char *path, unsigned int *num);
int xnb_hv_xs_watch(struct xnb_hv *hv, const char *path, const char *token);
int xnb_hv_xs_unwatch(struct xnb_hv *hv, const char *path,
		      const char *token);
int xnb_hv_xs_fd(struct xnb_hv *hv);
char **xnb_hv_xs_read_watch(struct xnb_hv *hv, unsigned int *num);
xnb_xs_txn_t xnb_hv_xs_transaction_start(struct xnb_hv *hv);
int xnb_hv_xs_transaction_end(struct xnb_hv *hv, xnb_xs_txn_t t, bool abort);
char *xnb_hv_xs_domain_path(struct xnb_hv *hv, xnb_domid_t domid);

#endif /* XNB_HV_XS_H */
