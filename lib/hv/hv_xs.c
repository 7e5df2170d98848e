/* SPDX-License-Identifier: BSD-3-Clause */
/* Xenstore through the real libxenstore client, for both implementations. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "hv_xs.h"
#include "xnb_log.h"

/* Largest domid a domain can have (DOMID_FIRST_RESERVED - 1). */
#define HV_XS_DOMID_MAX 0x7fefu

static struct xs_handle *
xsh(struct xnb_hv *hv)
{
	return ((struct xnb_hv_xs *)hv->priv)->h;
}

/* libxenstore reports failure as false/NULL + errno. */
static int
xs_ret(bool ok)
{
	return ok ? 0 : -(errno != 0 ? errno : EIO);
}

/*
 * Own domain id from the relative node "domid" (the connection's home is
 * /local/domain/<own id>). A toolstack that never wrote it is a dom0 that
 * predates xen-init-dom0: domain 0.
 */
static int
read_own_domid(struct xnb_hv *hv, struct xnb_hv_xs *x)
{
	unsigned long v;
	unsigned int len;
	char *s, *end;

	s = xs_read(x->h, XBT_NULL, "domid", &len);
	if (s == NULL) {
		if (errno != ENOENT)
			return -errno;
		hv->domid = 0;
		return 0;
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v > HV_XS_DOMID_MAX) {
		XNB_LOG(ERR, "xenstore: bad own domid '%s'", s);
		free(s);
		return -EINVAL;
	}
	free(s);
	hv->domid = (xnb_domid_t)v;
	return 0;
}

int
xnb_hv_xs_connect(struct xnb_hv *hv, struct xnb_hv_xs *x,
		  const char *socket_path)
{
	char *saved = NULL;
	const char *old;
	int ret;

	if (socket_path == NULL) {
		x->h = xs_open(0);
	} else {
		/* libxenstore takes the socket from the environment only;
		 * restore it so a later open elsewhere is not misled. */
		old = getenv("XENSTORED_PATH");
		if (old != NULL) {
			saved = strdup(old);
			if (saved == NULL)
				return -ENOMEM;
		}
		if (setenv("XENSTORED_PATH", socket_path, 1) < 0) {
			free(saved);
			return -errno;
		}
		x->h = xs_open(XS_OPEN_SOCKETONLY);
		ret = errno;
		if (saved != NULL)
			setenv("XENSTORED_PATH", saved, 1);
		else
			unsetenv("XENSTORED_PATH");
		free(saved);
		errno = ret;
	}
	if (x->h == NULL)
		return -(errno != 0 ? errno : ENOENT);
	ret = read_own_domid(hv, x);
	if (ret < 0) {
		xs_close(x->h);
		x->h = NULL;
	}
	return ret;
}

void
xnb_hv_xs_disconnect(struct xnb_hv_xs *x)
{
	if (x->h != NULL)
		xs_close(x->h);
	x->h = NULL;
}

void *
xnb_hv_xs_read(struct xnb_hv *hv, xnb_xs_txn_t t, const char *path,
	       unsigned int *len)
{
	return xs_read(xsh(hv), t, path, len);
}

int
xnb_hv_xs_write(struct xnb_hv *hv, xnb_xs_txn_t t, const char *path,
		const void *data, unsigned int len)
{
	return xs_ret(xs_write(xsh(hv), t, path, data, len));
}

int
xnb_hv_xs_mkdir(struct xnb_hv *hv, xnb_xs_txn_t t, const char *path)
{
	return xs_ret(xs_mkdir(xsh(hv), t, path));
}

int
xnb_hv_xs_rm(struct xnb_hv *hv, xnb_xs_txn_t t, const char *path)
{
	return xs_ret(xs_rm(xsh(hv), t, path));
}

char **
xnb_hv_xs_directory(struct xnb_hv *hv, xnb_xs_txn_t t, const char *path,
		    unsigned int *num)
{
	return xs_directory(xsh(hv), t, path, num);
}

int
xnb_hv_xs_watch(struct xnb_hv *hv, const char *path, const char *token)
{
	return xs_ret(xs_watch(xsh(hv), path, token));
}

int
xnb_hv_xs_unwatch(struct xnb_hv *hv, const char *path, const char *token)
{
	return xs_ret(xs_unwatch(xsh(hv), path, token));
}

int
xnb_hv_xs_fd(struct xnb_hv *hv)
{
	return xs_fileno(xsh(hv));
}

char **
xnb_hv_xs_read_watch(struct xnb_hv *hv, unsigned int *num)
{
	char **v;

	v = xs_check_watch(xsh(hv));
	if (v != NULL)
		*num = 2;
	else if (errno == 0)
		errno = EAGAIN;
	return v;
}

xnb_xs_txn_t
xnb_hv_xs_transaction_start(struct xnb_hv *hv)
{
	return xs_transaction_start(xsh(hv));
}

int
xnb_hv_xs_transaction_end(struct xnb_hv *hv, xnb_xs_txn_t t, bool abort)
{
	return xs_ret(xs_transaction_end(xsh(hv), t, abort));
}

char *
xnb_hv_xs_domain_path(struct xnb_hv *hv __rte_unused, xnb_domid_t domid)
{
	char *p;

	if (asprintf(&p, "/local/domain/%u", (unsigned int)domid) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	return p;
}
