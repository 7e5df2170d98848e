/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An in-process fake of the hypervisor seam for unit tests: one guest
 * (FAKE_DOMID) whose memory is an array of test-owned pages, a grant table
 * with the status codes Xen gives (GNTST_general_error for an entry that
 * is not granted to the backend or is read-only when written, as Xen's
 * _set_status; bad_gntref only beyond the table; bad_domain for a domain
 * that does not exist), event channels that count notifications, and
 * an in-memory xenstore with watches and transactions. The test plays the
 * frontend (and the toolstack) directly on these pages and keys.
 */
#ifndef FAKE_HV_H
#define FAKE_HV_H

#include <stdbool.h>
#include <stdint.h>

#include "xnb_hv.h"

struct xnb_vif;

#define FAKE_DOMID 7
#define FAKE_BACKEND_DOMID 0
#define FAKE_NR_PAGES 256
#define FAKE_NR_GRANTS 1024
#define FAKE_NR_PORTS 256
#define FAKE_MAX_NODES 512
#define FAKE_MAX_WATCHES 64
#define FAKE_MAX_EVENTS 1024

struct fake_grant {
	bool valid;
	bool readonly;
	xnb_domid_t grantee;    /* the domain allowed to use it */
	uint32_t page;
	int maps;
};

struct fake_node {
	char *path;
	char *val;
	unsigned int len;
};

struct fake_watch {
	char *path;
	char *token;
};

struct fake_hv {
	struct xnb_hv hv; /* what the library gets */
	uint8_t (*pages)[XNB_PAGE_SIZE];
	struct fake_grant grants[FAKE_NR_GRANTS];
	uint32_t next_gref;
	/* Grant work seen. */
	unsigned int copy_calls;
	unsigned int copy_ops;
	int copy_call_ret;      /* returned by copy_grants when nonzero */
	unsigned int map_calls;
	unsigned int unmap_calls;
	int mapped;             /* grants currently mapped */
	/* Event channels: per local port. */
	unsigned int notify[FAKE_NR_PORTS];
	int remote[FAKE_NR_PORTS]; /* -1: unbound */
	struct xnb_hv_evtchn *owner[FAKE_NR_PORTS];
	uint32_t next_port;
	int bound;
	int handles;
	/* Xenstore. */
	struct fake_node nodes[FAKE_MAX_NODES];
	unsigned int nr_nodes;
	struct fake_watch watches[FAKE_MAX_WATCHES];
	unsigned int nr_watches;
	struct fake_watch events[FAKE_MAX_EVENTS];
	unsigned int ev_head;
	unsigned int ev_tail;
	int txn_eagain;         /* transaction_end fails -EAGAIN this often */
	/* Run once at the next commit, before it is decided: another writer
	 * (the toolstack) commits in between; it may set txn_eagain. */
	void (*txn_hook)(struct fake_hv *f);
};

struct fake_hv *fake_hv_new(void);
void fake_hv_free(struct fake_hv *f);

void *fake_page(struct fake_hv *f, uint32_t page);
/* Grant page to the backend; returns the gref. */
uint32_t fake_grant(struct fake_hv *f, uint32_t page, bool readonly);
/* Grant page to another domain than the backend; returns the gref. */
uint32_t fake_grant_to(struct fake_hv *f, uint32_t page, bool readonly,
		       xnb_domid_t grantee);
void fake_revoke(struct fake_hv *f, uint32_t gref);

/* Guest side of a local (backend) port: the backend's notify count. */
unsigned int fake_notified(const struct fake_hv *f, uint32_t local_port);
/* Local port bound to the guest's remote port, or -1. */
int fake_local_port(const struct fake_hv *f, uint32_t remote_port);
/* The guest notifies its remote port: the backend's handle sees it. */
void fake_kick(struct fake_hv *f, uint32_t remote_port);

/* Write/remove a key as another domain would (fires watches). */
void fake_xs_set(struct fake_hv *f, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void fake_xs_rm(struct fake_hv *f, const char *path);
/* Current value or NULL. */
const char *fake_xs_get(const struct fake_hv *f, const char *path);
/* Hand every queued watch event to vif; returns how many. */
int fake_xs_pump(struct fake_hv *f, struct xnb_vif *vif);

#endif /* FAKE_HV_H */
