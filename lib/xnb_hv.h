/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The hypervisor seam: everything a netback asks of Xen, as one ops table.
 *
 * Two implementations sit below it: "xen" (libxengnttab, libxenevtchn,
 * libxenstore) and "sim" (the simulated hypervisor of lib/sim). Nothing
 * above this header includes a libxen header for these calls.
 *
 * Thread safety: grant map/unmap/copy and event-channel notify may be called
 * concurrently from datapath lcores. Xenstore calls and event-channel
 * bind/unbind belong to one control thread. An xnb_hv_evtchn handle (one
 * pollable fd) is used by one thread at a time.
 */
#ifndef XNB_HV_H
#define XNB_HV_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define XNB_PAGE_SIZE 4096u
#define XNB_PAGE_SHIFT 12

typedef uint16_t xnb_domid_t;
typedef uint32_t xnb_gref_t;
typedef uint32_t xnb_evtchn_port_t;
typedef uint32_t xnb_xs_txn_t;

#define XNB_XS_TXN_NULL 0u

/* Per-op grant status, numerically identical to Xen's GNTST_* codes. */
#define XNB_GNTST_OKAY 0
#define XNB_GNTST_GENERAL_ERROR (-1)
#define XNB_GNTST_BAD_DOMAIN (-2)
#define XNB_GNTST_BAD_GNTREF (-3)
#define XNB_GNTST_BAD_HANDLE (-4)
#define XNB_GNTST_BAD_VIRT_ADDR (-5)
#define XNB_GNTST_BAD_DEV_ADDR (-6)
#define XNB_GNTST_NO_DEVICE_SPACE (-7)
#define XNB_GNTST_PERMISSION_DENIED (-8)
#define XNB_GNTST_BAD_PAGE (-9)
#define XNB_GNTST_BAD_COPY_ARG (-10)
#define XNB_GNTST_ADDRESS_TOO_BIG (-11)
#define XNB_GNTST_EAGAIN (-12)
#define XNB_GNTST_NO_SPACE (-13)

/* xnb_gcopy.flags: which side is a foreign grant (else a local pointer). */
#define XNB_GCOPY_SOURCE_GREF 0x1
#define XNB_GCOPY_DEST_GREF 0x2

/* One side of a grant copy: a foreign grant or a local virtual address. */
union xnb_gcopy_ptr {
	struct {
		xnb_gref_t ref;
		uint16_t offset;
		xnb_domid_t domid;
	} foreign;
	void *virt;
};

/* One grant-copy op (as GNTTABOP_copy); status is written per op. */
struct xnb_gcopy {
	union xnb_gcopy_ptr source;
	union xnb_gcopy_ptr dest;
	uint16_t len;
	uint16_t flags;
	int16_t status;
};

struct xnb_hv;
struct xnb_hv_evtchn;

struct xnb_hv_ops {
	const char *name;
	/* arg: implementation specific (sim: the simulator directory). */
	int (*open)(struct xnb_hv *hv, const char *arg);
	void (*close)(struct xnb_hv *hv);

	/*
	 * Map count grants of one domain into one contiguous, page-aligned
	 * region. All or nothing: NULL and errno on failure, with the per-ref
	 * GNTST_* code in status[] when status is not NULL.
	 */
	void *(*map_grants)(struct xnb_hv *hv, xnb_domid_t domid,
			    const xnb_gref_t *refs, uint32_t count,
			    bool writable, int16_t *status);
	/* Unmap a whole region returned by map_grants. */
	int (*unmap_grants)(struct xnb_hv *hv, void *addr, uint32_t count);
	/* Batched grant copy: returns 0 if the batch was processed (check each
	 * op's status) or -errno if the call itself failed. */
	int (*copy_grants)(struct xnb_hv *hv, struct xnb_gcopy *ops,
			   uint32_t count);

	/* Event channels: a handle owns one pollable fd and many ports. */
	struct xnb_hv_evtchn *(*evtchn_open)(struct xnb_hv *hv);
	void (*evtchn_close)(struct xnb_hv_evtchn *ec);
	int (*evtchn_fd)(struct xnb_hv_evtchn *ec);
	/* Returns the local port (>= 0) or -errno. */
	int (*evtchn_bind)(struct xnb_hv_evtchn *ec, xnb_domid_t domid,
			   xnb_evtchn_port_t remote_port);
	int (*evtchn_unbind)(struct xnb_hv_evtchn *ec, xnb_evtchn_port_t port);
	int (*evtchn_notify)(struct xnb_hv_evtchn *ec, xnb_evtchn_port_t port);
	/* Next pending local port (now masked) or -EAGAIN when none. */
	int (*evtchn_pending)(struct xnb_hv_evtchn *ec);
	int (*evtchn_unmask)(struct xnb_hv_evtchn *ec, xnb_evtchn_port_t port);

	/*
	 * Xenstore. Strings returned are malloc()ed (free()), NULL + errno on
	 * failure. directory returns one allocation holding the array and
	 * the strings. Relative paths are relative to the own domain path.
	 */
	void *(*xs_read)(struct xnb_hv *hv, xnb_xs_txn_t t, const char *path,
			 unsigned int *len);
	int (*xs_write)(struct xnb_hv *hv, xnb_xs_txn_t t, const char *path,
			const void *data, unsigned int len);
	int (*xs_mkdir)(struct xnb_hv *hv, xnb_xs_txn_t t, const char *path);
	int (*xs_rm)(struct xnb_hv *hv, xnb_xs_txn_t t, const char *path);
	char **(*xs_directory)(struct xnb_hv *hv, xnb_xs_txn_t t,
			       const char *path, unsigned int *num);
	int (*xs_watch)(struct xnb_hv *hv, const char *path, const char *token);
	int (*xs_unwatch)(struct xnb_hv *hv, const char *path,
			  const char *token);
	/* Pollable fd that becomes readable when a watch event is queued. */
	int (*xs_fd)(struct xnb_hv *hv);
	/* Non-blocking: NULL + errno EAGAIN when no event is queued, else a
	 * malloc()ed vector, [0] = path, [1] = token (num set to 2). */
	char **(*xs_read_watch)(struct xnb_hv *hv, unsigned int *num);
	/* Returns XNB_XS_TXN_NULL + errno on failure. */
	xnb_xs_txn_t (*xs_transaction_start)(struct xnb_hv *hv);
	/* 0, -EAGAIN when the transaction must be retried, other -errno. */
	int (*xs_transaction_end)(struct xnb_hv *hv, xnb_xs_txn_t t,
				  bool abort);
	/* malloc()ed "/local/domain/<domid>". */
	char *(*xs_domain_path)(struct xnb_hv *hv, xnb_domid_t domid);
};

/* An open hypervisor connection. */
struct xnb_hv {
	const struct xnb_hv_ops *ops;
	xnb_domid_t domid; /* own domain id, read at open */
	void *priv; /* implementation state */
};

/*
 * Open the hypervisor named kind ("xen" or "sim"). Returns NULL and sets
 * errno on failure, after logging one line that says what is missing.
 */
struct xnb_hv *xnb_hv_open(const char *kind, const char *arg);
void xnb_hv_close(struct xnb_hv *hv);
/*
 * Whether domid is dead although its xenstore nodes may stay (a crash, a
 * killed process): a one-byte copy from ref, a grant it gave us, fails
 * with GNTST_bad_domain, as Xen answers for a domain that no longer
 * exists.
 */
bool xnb_hv_domain_dead(struct xnb_hv *hv, xnb_domid_t domid, xnb_gref_t ref);

/* The implementations, for xnb_hv_open. */
extern const struct xnb_hv_ops xnb_hv_xen_ops;
extern const struct xnb_hv_ops xnb_hv_sim_ops;

#ifdef __cplusplus
}
#endif

#endif /* XNB_HV_H */
