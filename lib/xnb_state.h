/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The xenbus backend state machine of a vif, as a pure function: (state,
 * event) -> (next state, actions). No I/O: xnb_vif performs the actions.
 *
 * Actions are a bit mask; the performer runs them in ascending bit order
 * (link down before unmapping, state written after the work it reports).
 * CONNECT is asynchronous from the machine's view: the performer reports
 * the outcome with XNB_SM_EV_CONNECTED or XNB_SM_EV_CONNECT_FAILED.
 *
 * WRITE_FEATURES ("probe the device") comes together with WRITE_STATE to
 * InitWait (or, at ADOPT, alone: the state stays as found): the performer
 * re-reads the toolstack's keys of the device (frontend, mac), advertises
 * the features and writes the state if asked, and may do all of it in one
 * xenstore transaction.
 *
 * Behaviour (as Linux netback, with the differences noted):
 *  - PROBE: Initialising -> InitWait, advertise features.
 *  - ADOPT (instead of PROBE): the device's "state" reads Connected, left
 *    so by a backend that died (SIGKILL, crash) while its frontend may
 *    still be Connected and using the rings. Advertise the features but
 *    leave the state as it is (be is InitWait in our view, sm.adopt set):
 *    a frontend seeing InitWait or Closing would drop the connection, and
 *    Linux netfront does not come back by itself. If the frontend is
 *    Connected, CONNECT with ADOPT (resume the rings where the shared
 *    indices say, notify the guest once), then Connected as usual; any
 *    other frontend state, or any other event, first writes the InitWait
 *    owed, and goes on as from InitWait. Unlike Linux, which has no way
 *    to take a connection over.
 *  - REPROBE: the toolstack (re)created the backend directory (its "state"
 *    reads Initialising while online), e.g. network-attach after the vif
 *    was created, or detach + attach of the same device: from any state,
 *    even after REMOVE, tear a live connection down and probe afresh
 *    (online again, frontend state unknown until read).
 *  - frontend Connected in InitWait: CONNECT (read keys, map, bind);
 *    success -> Connected + link up; failure -> Closing.
 *  - frontend Closing/Closed, a fatal datapath error, or the toolstack
 *    (online=0 / backend state Closing): link down, disconnect,
 *    Closing (Closed once the frontend is Closed or gone).
 *  - frontend Initialising again (netfront reconnect) while Closing/Closed
 *    and online: back to InitWait. Unlike Linux, also from Connected (a
 *    frontend that restarted without closing gets fresh rings).
 *  - frontend Reconfiguring while Connected (xdp-headroom changed):
 *    READ_XDP, Reconfigured; frontend Connected again: Connected.
 *  - frontend gone (Unknown, unparsable, node removed) or Closed:
 *    disconnect, Closed. Unlike Linux, InitWait stays while online: the
 *    frontend may not exist yet, or be a Closed one left over from an
 *    earlier connection that starts again (from Initialising, once its
 *    driver is re-probed).
 *  - offline and Closed: REMOVE, once; afterwards every event but REPROBE
 *    is ignored.
 */
#ifndef XNB_STATE_H
#define XNB_STATE_H

#include <stdbool.h>
#include <stdint.h>

/* Numerically XenbusState (xen/io/xenbus.h). */
enum xnb_xb_state {
	XNB_XB_UNKNOWN = 0,
	XNB_XB_INITIALISING = 1,
	XNB_XB_INITWAIT = 2,
	XNB_XB_INITIALISED = 3,
	XNB_XB_CONNECTED = 4,
	XNB_XB_CLOSING = 5,
	XNB_XB_CLOSED = 6,
	XNB_XB_RECONFIGURING = 7,
	XNB_XB_RECONFIGURED = 8,
};
#define XNB_XB_NR_STATES 9

enum xnb_sm_event {
	XNB_SM_EV_PROBE,          /* backend device is ours: advertise */
	XNB_SM_EV_FRONTEND,       /* frontend state changed (fe argument) */
	XNB_SM_EV_CONNECTED,      /* CONNECT succeeded */
	XNB_SM_EV_CONNECT_FAILED, /* CONNECT failed (error node written) */
	XNB_SM_EV_FATAL,          /* datapath saw a hostile guest */
	XNB_SM_EV_OFFLINE,        /* toolstack removes the device */
	XNB_SM_EV_GUEST_GONE,     /* frontend domain died / node removed */
	XNB_SM_EV_REPROBE,        /* toolstack (re)created the device */
	XNB_SM_EV_ADOPT,          /* probe a device left Connected */
};
#define XNB_SM_NR_EVENTS 9

#define XNB_SM_ACT_LINK_DOWN (1u << 0)      /* tell the owner: link down */
#define XNB_SM_ACT_DISCONNECT (1u << 1)     /* gate, unbind, unmap */
#define XNB_SM_ACT_WRITE_FEATURES (1u << 2) /* probe: read, advertise */
#define XNB_SM_ACT_READ_XDP (1u << 3)       /* re-read xdp-headroom */
#define XNB_SM_ACT_WRITE_STATE (1u << 4)    /* write sm.be to "state" */
#define XNB_SM_ACT_CONNECT (1u << 5)        /* read keys, map, bind */
#define XNB_SM_ACT_LINK_UP (1u << 6)        /* tell the owner: link up */
#define XNB_SM_ACT_REMOVE (1u << 7)         /* toolstack is done with us */
/* With CONNECT only: the connection is a live one to take over. */
#define XNB_SM_ACT_ADOPT (1u << 8)

struct xnb_sm {
	enum xnb_xb_state be; /* backend state (as last written) */
	enum xnb_xb_state fe; /* frontend state (as last seen) */
	bool online;          /* toolstack's "online" */
	bool removed;         /* REMOVE was issued */
	bool adopt;           /* ADOPT: "state" still reads Connected */
};

/* Initial: backend Initialising, frontend Unknown, online. */
void xnb_sm_init(struct xnb_sm *sm);

/*
 * Apply ev (fe is the frontend state for XNB_SM_EV_FRONTEND, ignored
 * otherwise; any value outside XenbusState counts as Unknown). Updates
 * sm and returns the XNB_SM_ACT_* mask to perform.
 */
uint32_t xnb_sm_step(struct xnb_sm *sm, enum xnb_sm_event ev, int fe);

/* "InitWait", "Connected", ...; "Invalid" outside the enum. */
const char *xnb_xb_state_name(int state);

#endif /* XNB_STATE_H */
