/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "xen" implementation of the seam: libxengnttab (/dev/xen/gntdev),
 * libxenevtchn (/dev/xen/evtchn) and libxenstore, in a Xen dom0 or driver
 * domain.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xen/grant_table.h>
#include <xenevtchn.h>
#include <xengnttab.h>

#include <rte_common.h>

#include "hv_xs.h"
#include "xnb_log.h"

/* The seam's codes are Xen's codes. */
_Static_assert(XNB_GNTST_OKAY == GNTST_okay, "GNTST");
_Static_assert(XNB_GNTST_GENERAL_ERROR == GNTST_general_error, "GNTST");
_Static_assert(XNB_GNTST_BAD_DOMAIN == GNTST_bad_domain, "GNTST");
_Static_assert(XNB_GNTST_BAD_GNTREF == GNTST_bad_gntref, "GNTST");
_Static_assert(XNB_GNTST_BAD_HANDLE == GNTST_bad_handle, "GNTST");
_Static_assert(XNB_GNTST_BAD_VIRT_ADDR == GNTST_bad_virt_addr, "GNTST");
_Static_assert(XNB_GNTST_BAD_DEV_ADDR == GNTST_bad_dev_addr, "GNTST");
_Static_assert(XNB_GNTST_NO_DEVICE_SPACE == GNTST_no_device_space, "GNTST");
_Static_assert(XNB_GNTST_PERMISSION_DENIED == GNTST_permission_denied,
	       "GNTST");
_Static_assert(XNB_GNTST_BAD_PAGE == GNTST_bad_page, "GNTST");
_Static_assert(XNB_GNTST_BAD_COPY_ARG == GNTST_bad_copy_arg, "GNTST");
_Static_assert(XNB_GNTST_ADDRESS_TOO_BIG == GNTST_address_too_big, "GNTST");
_Static_assert(XNB_GNTST_EAGAIN == GNTST_eagain, "GNTST");
_Static_assert(XNB_GNTST_NO_SPACE == GNTST_no_space, "GNTST");
_Static_assert(XNB_GCOPY_SOURCE_GREF == GNTCOPY_source_gref, "GNTCOPY");
_Static_assert(XNB_GCOPY_DEST_GREF == GNTCOPY_dest_gref, "GNTCOPY");

#define XEN_GNTDEV "/dev/xen/gntdev"
#define XEN_EVTCHN "/dev/xen/evtchn"
/* Copy segments translated per library call (stack space). */
#define XEN_COPY_CHUNK 64u

struct hv_xen {
	struct xnb_hv_xs xs; /* first: the shared xenstore ops use it */
	xengnttab_handle *xgt;
};

struct xnb_hv_evtchn {
	xenevtchn_handle *xce;
};

/* Without Xen the device nodes are missing: say so in one line instead of
 * letting the libraries print their own errors. */
static int
check_device(const char *dev, const char *what)
{
	if (access(dev, R_OK | W_OK) == 0)
		return 0;
	XNB_LOG(ERR, "xen: %s: %s (%s); not a Xen dom0? Without Xen use the "
		"simulator: hv=sim (xennetd --sim)", dev, strerror(errno),
		what);
	return -ENODEV;
}

static int
xen_open(struct xnb_hv *hv, const char *arg __rte_unused)
{
	struct hv_xen *x;
	int ret;

	ret = check_device(XEN_GNTDEV, "grant device, module xen-gntdev");
	if (ret == 0)
		ret = check_device(XEN_EVTCHN,
				   "event channel device, module xen-evtchn");
	if (ret < 0)
		return ret;
	x = calloc(1, sizeof(*x));
	if (x == NULL)
		return -ENOMEM;
	hv->priv = x;
	x->xgt = xengnttab_open(NULL, 0);
	if (x->xgt == NULL) {
		ret = -errno;
		XNB_LOG(ERR, "xen: xengnttab_open: %s", strerror(errno));
		goto free_xen;
	}
	ret = xnb_hv_xs_connect(hv, &x->xs, NULL);
	if (ret < 0) {
		XNB_LOG(ERR, "xen: cannot connect to xenstored (its socket or "
			"/dev/xen/xenbus): %s", strerror(-ret));
		goto close_gnttab;
	}
	return 0;

close_gnttab:
	xengnttab_close(x->xgt);
free_xen:
	free(x);
	hv->priv = NULL;
	return ret;
}

static void
xen_close(struct xnb_hv *hv)
{
	struct hv_xen *x = hv->priv;

	xnb_hv_xs_disconnect(&x->xs);
	xengnttab_close(x->xgt);
	free(x);
}

/*
 * libxengnttab maps all or nothing and does not report per-ref status:
 * on failure every ref is marked GNTST_general_error.
 */
static void *
xen_map_grants(struct xnb_hv *hv, xnb_domid_t domid, const xnb_gref_t *refs,
	       uint32_t count, bool writable, int16_t *status)
{
	struct hv_xen *x = hv->priv;
	uint32_t i;
	void *p;
	int err;

	p = xengnttab_map_domain_grant_refs(x->xgt, count, domid,
			(uint32_t *)(uintptr_t)refs,
			PROT_READ | (writable ? PROT_WRITE : 0));
	err = errno;
	for (i = 0; status != NULL && i < count; i++)
		status[i] = p != NULL ? XNB_GNTST_OKAY :
					XNB_GNTST_GENERAL_ERROR;
	errno = err;
	return p;
}

static int
xen_unmap_grants(struct xnb_hv *hv, void *addr, uint32_t count)
{
	struct hv_xen *x = hv->priv;

	return xengnttab_unmap(x->xgt, addr, count) < 0 ? -errno : 0;
}

static void
copy_ptr_to_seg(union xengnttab_copy_ptr *d, const union xnb_gcopy_ptr *s,
		bool gref)
{
	if (gref) {
		d->foreign.ref = s->foreign.ref;
		d->foreign.offset = s->foreign.offset;
		d->foreign.domid = s->foreign.domid;
	} else {
		d->virt = s->virt;
	}
}

static int
xen_copy_grants(struct xnb_hv *hv, struct xnb_gcopy *ops, uint32_t count)
{
	xengnttab_grant_copy_segment_t segs[XEN_COPY_CHUNK];
	struct hv_xen *x = hv->priv;
	uint32_t done, n, i;

	for (done = 0; done < count; done += n) {
		n = RTE_MIN(count - done, XEN_COPY_CHUNK);
		for (i = 0; i < n; i++) {
			const struct xnb_gcopy *op = &ops[done + i];

			copy_ptr_to_seg(&segs[i].source, &op->source,
					op->flags & XNB_GCOPY_SOURCE_GREF);
			copy_ptr_to_seg(&segs[i].dest, &op->dest,
					op->flags & XNB_GCOPY_DEST_GREF);
			segs[i].len = op->len;
			segs[i].flags = op->flags;
			segs[i].status = XNB_GNTST_GENERAL_ERROR;
		}
		if (xengnttab_grant_copy(x->xgt, n, segs) < 0)
			return -errno;
		for (i = 0; i < n; i++)
			ops[done + i].status = segs[i].status;
	}
	return 0;
}

static struct xnb_hv_evtchn *
xen_evtchn_open(struct xnb_hv *hv __rte_unused)
{
	struct xnb_hv_evtchn *ec;

	ec = malloc(sizeof(*ec));
	if (ec == NULL)
		return NULL;
	ec->xce = xenevtchn_open(NULL, 0);
	if (ec->xce == NULL) {
		free(ec);
		return NULL;
	}
	return ec;
}

static void
xen_evtchn_close(struct xnb_hv_evtchn *ec)
{
	if (ec == NULL)
		return;
	xenevtchn_close(ec->xce);
	free(ec);
}

static int
xen_evtchn_fd(struct xnb_hv_evtchn *ec)
{
	return xenevtchn_fd(ec->xce);
}

static int
xen_evtchn_bind(struct xnb_hv_evtchn *ec, xnb_domid_t domid,
		xnb_evtchn_port_t remote_port)
{
	xenevtchn_port_or_error_t port;

	port = xenevtchn_bind_interdomain(ec->xce, domid, remote_port);
	return port < 0 ? -errno : (int)port;
}

static int
xen_evtchn_unbind(struct xnb_hv_evtchn *ec, xnb_evtchn_port_t port)
{
	return xenevtchn_unbind(ec->xce, port) < 0 ? -errno : 0;
}

static int
xen_evtchn_notify(struct xnb_hv_evtchn *ec, xnb_evtchn_port_t port)
{
	return xenevtchn_notify(ec->xce, port) < 0 ? -errno : 0;
}

/* xenevtchn_pending reads the device, which blocks when nothing is
 * pending: look first. */
static int
xen_evtchn_pending(struct xnb_hv_evtchn *ec)
{
	struct pollfd pfd = { .fd = xenevtchn_fd(ec->xce), .events = POLLIN };
	xenevtchn_port_or_error_t port;
	int n;

	n = poll(&pfd, 1, 0);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EAGAIN;
	port = xenevtchn_pending(ec->xce);
	return port < 0 ? -errno : (int)port;
}

static int
xen_evtchn_unmask(struct xnb_hv_evtchn *ec, xnb_evtchn_port_t port)
{
	return xenevtchn_unmask(ec->xce, port) < 0 ? -errno : 0;
}

const struct xnb_hv_ops xnb_hv_xen_ops = {
	.name = "xen",
	.open = xen_open,
	.close = xen_close,
	.map_grants = xen_map_grants,
	.unmap_grants = xen_unmap_grants,
	.copy_grants = xen_copy_grants,
	.evtchn_open = xen_evtchn_open,
	.evtchn_close = xen_evtchn_close,
	.evtchn_fd = xen_evtchn_fd,
	.evtchn_bind = xen_evtchn_bind,
	.evtchn_unbind = xen_evtchn_unbind,
	.evtchn_notify = xen_evtchn_notify,
	.evtchn_pending = xen_evtchn_pending,
	.evtchn_unmask = xen_evtchn_unmask,
	.xs_read = xnb_hv_xs_read,
	.xs_write = xnb_hv_xs_write,
	.xs_mkdir = xnb_hv_xs_mkdir,
	.xs_rm = xnb_hv_xs_rm,
	.xs_directory = xnb_hv_xs_directory,
	.xs_watch = xnb_hv_xs_watch,
	.xs_unwatch = xnb_hv_xs_unwatch,
	.xs_fd = xnb_hv_xs_fd,
	.xs_read_watch = xnb_hv_xs_read_watch,
	.xs_transaction_start = xnb_hv_xs_transaction_start,
	.xs_transaction_end = xnb_hv_xs_transaction_end,
	.xs_domain_path = xnb_hv_xs_domain_path,
};
