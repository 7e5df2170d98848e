/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Library-internal side of a vif, shared by xnb_vif.c (the connection and
 * the state machine) and xnb_vif_dev.c (the device's xenstore keys the
 * toolstack writes, probing and watches).
 */
#ifndef XNB_VIF_INT_H
#define XNB_VIF_INT_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "xnb_mcast.h"
#include "xnb_vif.h"

#define XNB_VIF_PATH_LEN 256
#define XNB_VIF_TOKEN_LEN 48
#define XNB_VIF_TXN_RETRIES 8

/* Watch kinds, appended to the vif's token prefix. */
#define XNB_VIF_WATCH_FE_STATE "fe"
#define XNB_VIF_WATCH_BE "be"
#define XNB_VIF_WATCH_MCAST "mc"

struct xnb_vif {
	struct xnb_hv *hv;
	xnb_domid_t domid;
	uint32_t devid;
	char be_path[XNB_VIF_PATH_LEN];
	char fe_path[XNB_VIF_PATH_LEN]; /* the one watched once created */
	char token[XNB_VIF_TOKEN_LEN];
	struct xnb_vif_cb cb;
	void *cb_arg;
	struct xnb_sm sm;
	bool be_gone;   /* toolstack removed our directory: write nothing */
	bool watching;  /* created: watches set, callbacks allowed */
	bool revive;    /* conf.revive */
	uint32_t mtu;   /* xnb_vif_set_mtu(); 0: never set */
	struct xnb_vif_features feat;
	uint16_t max_queues;
	uint16_t num_queues; /* connected queues */
	struct xnb_queue **queues;
	/* Queue 0's Tx ring (while connected): a grant copy from it tells
	 * whether the frontend's domain still exists. */
	xnb_gref_t probe_ref;
	void **tx_ring;      /* mapped rings per queue, NULL when not */
	void **rx_ring;
	struct xnb_mcast mcast;
	struct xnb_ctrl *ctrl;
	struct xnb_hv_evtchn *ec; /* control-ring event channel */
	bool ctrl_bound;
	xnb_evtchn_port_t ctrl_port;
	void *ctrl_ring;
	bool mac_ok;
	uint8_t mac[6];
};

static inline int
xnb_vif_path_join(char *buf, const char *dir, const char *key)
{
	int n = snprintf(buf, XNB_VIF_PATH_LEN, "%s/%s", dir, key);

	return n < 0 || n >= XNB_VIF_PATH_LEN ? -ENAMETOOLONG : 0;
}

/* The backend path: backend_path, or the standard one. 0 or -errno. */
int xnb_vif_dev_init(struct xnb_vif *vif, const char *backend_path);

/*
 * Probe (sm.be is InitWait): read "frontend" and "mac", advertise the
 * features and the MTU and write the state (if state) in one transaction
 * (retried while the toolstack rewrites the device), then move the
 * frontend watches to the frontend read and tell the owner about a new
 * MAC.
 */
void xnb_vif_dev_probe(struct xnb_vif *vif, bool state);

/* The backend "state" reads Connected: an earlier backend left it so. */
bool xnb_vif_dev_left_connected(struct xnb_vif *vif);

/* Re-read "mac" (at connect); mac_change when it changed. */
void xnb_vif_dev_read_mac(struct xnb_vif *vif);

/* (Un)register all watches; unregistering tries every one. 0 or -errno. */
int xnb_vif_dev_watches(struct xnb_vif *vif, bool add);

#endif /* XNB_VIF_INT_H */
