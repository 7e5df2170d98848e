/* SPDX-License-Identifier: BSD-3-Clause */
/* The pure xenbus backend state machine of a vif (see xnb_state.h). */
#include <stdbool.h>
#include <stdint.h>

#include <xen/io/xenbus.h>

#include "xnb_state.h"

_Static_assert(XNB_XB_CLOSED == (int)XenbusStateClosed &&
	       XNB_XB_RECONFIGURED == (int)XenbusStateReconfigured,
	       "xnb_xb_state must match XenbusState");

static const char *const state_names[XNB_XB_NR_STATES] = {
	[XNB_XB_UNKNOWN] = "Unknown",
	[XNB_XB_INITIALISING] = "Initialising",
	[XNB_XB_INITWAIT] = "InitWait",
	[XNB_XB_INITIALISED] = "Initialised",
	[XNB_XB_CONNECTED] = "Connected",
	[XNB_XB_CLOSING] = "Closing",
	[XNB_XB_CLOSED] = "Closed",
	[XNB_XB_RECONFIGURING] = "Reconfiguring",
	[XNB_XB_RECONFIGURED] = "Reconfigured",
};

const char *
xnb_xb_state_name(int state)
{
	if (state < 0 || state >= XNB_XB_NR_STATES)
		return "Invalid";
	return state_names[state];
}

void
xnb_sm_init(struct xnb_sm *sm)
{
	sm->be = XNB_XB_INITIALISING;
	sm->fe = XNB_XB_UNKNOWN;
	sm->online = true;
	sm->removed = false;
	sm->adopt = false;
}

static bool
be_connected(const struct xnb_sm *sm)
{
	return sm->be == XNB_XB_CONNECTED || sm->be == XNB_XB_RECONFIGURED;
}

/* The frontend no longer uses the rings and will not answer a Closing. */
static bool
fe_gone(const struct xnb_sm *sm)
{
	return sm->fe == XNB_XB_CLOSED || sm->fe == XNB_XB_UNKNOWN ||
		sm->fe == XNB_XB_INITIALISING;
}

static uint32_t
goto_state(struct xnb_sm *sm, enum xnb_xb_state next)
{
	if (sm->be == next)
		return 0;
	sm->be = next;
	return XNB_SM_ACT_WRITE_STATE;
}

/* Leave a connection (if any) towards Closing or Closed; Closed ends in
 * REMOVE when the toolstack has taken the device offline. */
static uint32_t
shut(struct xnb_sm *sm, enum xnb_xb_state next)
{
	uint32_t act = 0;

	if (be_connected(sm))
		act |= XNB_SM_ACT_LINK_DOWN | XNB_SM_ACT_DISCONNECT;
	if (sm->be == XNB_XB_CLOSED && next == XNB_XB_CLOSING)
		next = XNB_XB_CLOSED;
	act |= goto_state(sm, next);
	if (sm->be == XNB_XB_CLOSED && !sm->online) {
		act |= XNB_SM_ACT_REMOVE;
		sm->removed = true;
	}
	return act;
}

/*
 * No frontend (yet or any more), or a Closed one. While we only wait in
 * InitWait there is nothing to undo, and announcing Closed would make a
 * frontend that is just being created close itself, and leave one that is
 * Closed (from an earlier connection, after a detach + attach or a backend
 * restart) waiting for an InitWait it may have missed; so InitWait stays.
 */
static uint32_t
gone(struct xnb_sm *sm)
{
	if (sm->be == XNB_XB_INITWAIT && sm->online)
		return 0;
	return shut(sm, XNB_XB_CLOSED);
}

static uint32_t
on_frontend(struct xnb_sm *sm, int fe)
{
	if (fe < 0 || fe >= XNB_XB_NR_STATES)
		fe = XNB_XB_UNKNOWN;
	sm->fe = fe;
	if (sm->be == XNB_XB_INITIALISING)
		return 0;

	switch (sm->fe) {
	case XNB_XB_INITIALISING:
		if (!sm->online)
			return sm->be == XNB_XB_CLOSED ? 0 :
				shut(sm, XNB_XB_CLOSED);
		if (sm->be == XNB_XB_INITWAIT)
			return 0;
		return shut(sm, XNB_XB_INITWAIT);
	case XNB_XB_CONNECTED:
		if (!sm->online)
			return 0;
		if (sm->be == XNB_XB_INITWAIT)
			return XNB_SM_ACT_CONNECT;
		if (sm->be == XNB_XB_RECONFIGURED)
			return goto_state(sm, XNB_XB_CONNECTED);
		if (sm->be == XNB_XB_CLOSED && sm->online)
			return goto_state(sm, XNB_XB_INITWAIT) |
				XNB_SM_ACT_CONNECT;
		return 0;
	case XNB_XB_CLOSING:
		return shut(sm, XNB_XB_CLOSING);
	case XNB_XB_CLOSED:
	case XNB_XB_UNKNOWN:
		return gone(sm);
	case XNB_XB_RECONFIGURING:
		if (sm->be != XNB_XB_CONNECTED)
			return 0;
		return XNB_SM_ACT_READ_XDP |
			goto_state(sm, XNB_XB_RECONFIGURED);
	default: /* InitWait, Initialised, Reconfigured: nothing to do */
		return 0;
	}
}

/* The toolstack wrote Initialising over our state: a new device. */
static uint32_t
reprobe(struct xnb_sm *sm)
{
	uint32_t act = 0;

	if (be_connected(sm))
		act = XNB_SM_ACT_LINK_DOWN | XNB_SM_ACT_DISCONNECT;
	sm->be = XNB_XB_INITIALISING;
	sm->fe = XNB_XB_UNKNOWN;
	sm->online = true;
	sm->removed = false;
	sm->adopt = false;
	return act | XNB_SM_ACT_WRITE_FEATURES |
		goto_state(sm, XNB_XB_INITWAIT);
}

/* PROBE, or ADOPT a device whose "state" was left Connected. */
static uint32_t
probe(struct xnb_sm *sm, bool adopt)
{
	if (sm->be != XNB_XB_INITIALISING)
		return 0;
	if (!sm->online)
		return shut(sm, XNB_XB_CLOSED);
	if (adopt) {
		/* InitWait in our view only: xenstore keeps Connected. */
		sm->be = XNB_XB_INITWAIT;
		sm->adopt = true;
		return XNB_SM_ACT_WRITE_FEATURES;
	}
	return XNB_SM_ACT_WRITE_FEATURES | goto_state(sm, XNB_XB_INITWAIT);
}

static uint32_t
step(struct xnb_sm *sm, enum xnb_sm_event ev, int fe)
{
	if (ev == XNB_SM_EV_REPROBE)
		return reprobe(sm);
	if (sm->removed)
		return 0;

	switch (ev) {
	case XNB_SM_EV_PROBE:
	case XNB_SM_EV_ADOPT:
		return probe(sm, ev == XNB_SM_EV_ADOPT);
	case XNB_SM_EV_FRONTEND:
		return on_frontend(sm, fe);
	case XNB_SM_EV_CONNECTED:
		if (sm->be != XNB_XB_INITWAIT)
			return 0;
		return goto_state(sm, XNB_XB_CONNECTED) | XNB_SM_ACT_LINK_UP;
	case XNB_SM_EV_CONNECT_FAILED:
		if (sm->be != XNB_XB_INITWAIT)
			return 0;
		return XNB_SM_ACT_DISCONNECT | shut(sm, XNB_XB_CLOSING);
	case XNB_SM_EV_FATAL:
		if (!be_connected(sm))
			return 0;
		return shut(sm, fe_gone(sm) ? XNB_XB_CLOSED : XNB_XB_CLOSING);
	case XNB_SM_EV_OFFLINE:
		sm->online = false;
		if (sm->be == XNB_XB_INITIALISING || fe_gone(sm))
			return shut(sm, XNB_XB_CLOSED);
		return shut(sm, XNB_XB_CLOSING);
	case XNB_SM_EV_GUEST_GONE:
		sm->fe = XNB_XB_UNKNOWN;
		if (sm->be == XNB_XB_INITIALISING)
			return 0;
		return gone(sm);
	case XNB_SM_EV_REPROBE: /* handled above */
		break;
	}
	return 0;
}

uint32_t
xnb_sm_step(struct xnb_sm *sm, enum xnb_sm_event ev, int fe)
{
	bool adopting = sm->adopt;
	uint32_t act = step(sm, ev, fe);

	if (!adopting)
		return act;
	/* Taking the connection over: the outcome (CONNECTED, or
	 * CONNECT_FAILED) ends the adoption. */
	if (act & XNB_SM_ACT_CONNECT)
		return act | XNB_SM_ACT_ADOPT;
	/* Anything else: the InitWait not written at ADOPT is owed now. */
	sm->adopt = false;
	if (sm->be == XNB_XB_INITWAIT)
		act |= XNB_SM_ACT_WRITE_STATE;
	return act;
}
