/* SPDX-License-Identifier: BSD-3-Clause */
/* The xenbus backend state machine, exhaustively and by scenario. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "xnb_state.h"

#define A_DOWN XNB_SM_ACT_LINK_DOWN
#define A_DISC XNB_SM_ACT_DISCONNECT
#define A_FEAT XNB_SM_ACT_WRITE_FEATURES
#define A_XDP XNB_SM_ACT_READ_XDP
#define A_STATE XNB_SM_ACT_WRITE_STATE
#define A_CONN XNB_SM_ACT_CONNECT
#define A_UP XNB_SM_ACT_LINK_UP
#define A_RM XNB_SM_ACT_REMOVE
#define A_ADOPT XNB_SM_ACT_ADOPT

static const enum xnb_xb_state be_states[] = {
	XNB_XB_INITIALISING, XNB_XB_INITWAIT, XNB_XB_CONNECTED,
	XNB_XB_CLOSING, XNB_XB_CLOSED, XNB_XB_RECONFIGURED,
};

static bool
connected(enum xnb_xb_state s)
{
	return s == XNB_XB_CONNECTED || s == XNB_XB_RECONFIGURED;
}

static bool
is_be_state(enum xnb_xb_state s)
{
	unsigned int i;

	for (i = 0; i < sizeof(be_states) / sizeof(be_states[0]); i++)
		if (be_states[i] == s)
			return true;
	return false;
}

/* The state xenstore holds: Connected while adopting (not rewritten). */
static enum xnb_xb_state
xs_state(const struct xnb_sm *sm)
{
	return sm->adopt ? XNB_XB_CONNECTED : sm->be;
}

/* Invariants over every (backend, frontend, online, adopting, event,
 * argument); adopting only in InitWait, where ADOPT leaves it. */
static void
test_exhaustive(void)
{
	unsigned int b, ev, on, ad;
	int fe, arg;
	unsigned int n = 0;

	for (b = 0; b < sizeof(be_states) / sizeof(be_states[0]); b++)
	for (ad = 0; ad < 2; ad++)
	for (fe = -1; fe <= XNB_XB_NR_STATES; fe++)
	for (on = 0; on < 2; on++)
	for (ev = 0; ev < XNB_SM_NR_EVENTS; ev++)
	for (arg = -2; arg <= XNB_XB_NR_STATES + 1; arg++) {
		struct xnb_sm sm = {
			.be = be_states[b], .fe = fe < 0 ? 0 : fe,
			.online = on || ad, .removed = false, .adopt = ad,
		};
		struct xnb_sm before;
		bool adopted;
		uint32_t act;

		if (ad && be_states[b] != XNB_XB_INITWAIT)
			continue;
		if (ad && !on)
			continue;
		before = sm;
		act = xnb_sm_step(&sm, ev, arg);
		adopted = ev == XNB_SM_EV_ADOPT &&
			before.be == XNB_XB_INITIALISING && before.online;

		n++;
		CHECK(is_be_state(sm.be));
		/* State written exactly when what xenstore holds changes (a
		 * reprobe always rewrites what the toolstack reset to
		 * Initialising; ADOPT finds Connected and leaves it; the
		 * adopted connection writes Connected again). */
		CHECK_EQ(!!(act & A_STATE), ev == XNB_SM_EV_REPROBE ||
			 (before.adopt && ev == XNB_SM_EV_CONNECTED) ||
			 (!adopted && xs_state(&sm) != xs_state(&before)));
		/* Adopting: only from a probe, only in InitWait, online; the
		 * connect it leads to takes the connection over. */
		CHECK_EQ(sm.adopt, adopted || (act & A_ADOPT));
		if (sm.adopt)
			CHECK(sm.be == XNB_XB_INITWAIT && sm.online);
		CHECK_EQ(!!(act & A_ADOPT), before.adopt && (act & A_CONN));
		/* Leaving a connection always tears it down, link first. */
		if (connected(before.be) && !connected(sm.be))
			CHECK_EQ(act & (A_DOWN | A_DISC), A_DOWN | A_DISC);
		else
			CHECK_EQ(act & A_DOWN, 0);
		/* Link up only on a successful connect. */
		CHECK_EQ(!!(act & A_UP), ev == XNB_SM_EV_CONNECTED &&
			 before.be == XNB_XB_INITWAIT);
		if (act & A_UP)
			CHECK_EQ(sm.be, XNB_XB_CONNECTED);
		/* Connect from InitWait only, online only. */
		if (act & A_CONN) {
			CHECK_EQ(sm.be, XNB_XB_INITWAIT);
			CHECK(sm.online);
			CHECK_EQ(sm.fe, XNB_XB_CONNECTED);
		}
		/* Features are advertised at (re)probe only, always with
		 * the state going to InitWait. */
		CHECK_EQ(!!(act & A_FEAT), ev == XNB_SM_EV_REPROBE ||
			 ((ev == XNB_SM_EV_PROBE || ev == XNB_SM_EV_ADOPT) &&
			  before.be == XNB_XB_INITIALISING && before.online));
		if (act & A_FEAT) {
			CHECK_EQ(!!(act & A_STATE), !adopted);
			CHECK_EQ(sm.be, XNB_XB_INITWAIT);
		}
		/* A reprobe starts over: online, frontend to be read. */
		if (ev == XNB_SM_EV_REPROBE) {
			CHECK(sm.online && !sm.removed && !sm.adopt);
			CHECK_EQ(sm.fe, XNB_XB_UNKNOWN);
			CHECK_EQ(act & ~(A_DOWN | A_DISC | A_FEAT | A_STATE),
				 0);
		}
		CHECK_EQ(!!(act & A_XDP), ev == XNB_SM_EV_FRONTEND &&
			 arg == XNB_XB_RECONFIGURING &&
			 before.be == XNB_XB_CONNECTED);
		/* Removal: offline, Closed, and recorded. */
		if (act & A_RM) {
			CHECK(!sm.online);
			CHECK_EQ(sm.be, XNB_XB_CLOSED);
			CHECK(sm.removed);
		}
		CHECK_EQ(sm.removed, !!(act & A_RM));
		/* Offline never reconnects. */
		if (!sm.online)
			CHECK(sm.be != XNB_XB_INITWAIT ||
			      before.be == XNB_XB_INITWAIT);
		/* Frontend values outside XenbusState count as Unknown. */
		if (ev == XNB_SM_EV_FRONTEND &&
		    (arg < 0 || arg >= XNB_XB_NR_STATES))
			CHECK_EQ(sm.fe, XNB_XB_UNKNOWN);
		/* A removed machine ignores everything but a reprobe. */
		if (sm.removed) {
			struct xnb_sm again = sm;

			CHECK_EQ(xnb_sm_step(&again, ev, arg), 0);
			CHECK(memcmp(&again, &sm, sizeof(sm)) == 0);
			CHECK_EQ(xnb_sm_step(&again, XNB_SM_EV_REPROBE, 0),
				 A_FEAT | A_STATE);
			CHECK_EQ(again.be, XNB_XB_INITWAIT);
			CHECK(!again.removed && again.online);
		}
	}
	CHECK_EQ(n, (6 * 2 + 1) * 11 * XNB_SM_NR_EVENTS * 13);
}

static uint32_t
step(struct xnb_sm *sm, enum xnb_sm_event ev, int fe)
{
	return xnb_sm_step(sm, ev, fe);
}

/* A netfront life: probe, connect, reconfigure, close, reconnect. */
static void
test_netfront_lifecycle(void)
{
	struct xnb_sm sm;

	xnb_sm_init(&sm);
	CHECK_EQ(sm.be, XNB_XB_INITIALISING);
	/* Frontend events before the probe are only recorded. */
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_INITIALISING), 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_PROBE, 0), A_FEAT | A_STATE);
	CHECK_EQ(sm.be, XNB_XB_INITWAIT);
	CHECK_EQ(step(&sm, XNB_SM_EV_PROBE, 0), 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_INITIALISING), 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_INITIALISED), 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CONNECTED), A_CONN);
	CHECK_EQ(step(&sm, XNB_SM_EV_CONNECTED, 0), A_STATE | A_UP);
	CHECK_EQ(sm.be, XNB_XB_CONNECTED);
	/* Duplicate watch events change nothing. */
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CONNECTED), 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_CONNECTED, 0), 0);
	/* XDP headroom change. */
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_RECONFIGURING),
		 A_XDP | A_STATE);
	CHECK_EQ(sm.be, XNB_XB_RECONFIGURED);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CONNECTED), A_STATE);
	CHECK_EQ(sm.be, XNB_XB_CONNECTED);
	/* Orderly close by the frontend. */
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CLOSING),
		 A_DOWN | A_DISC | A_STATE);
	CHECK_EQ(sm.be, XNB_XB_CLOSING);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CLOSED), A_STATE);
	CHECK_EQ(sm.be, XNB_XB_CLOSED);
	/* netfront comes back (module reload). */
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_INITIALISING), A_STATE);
	CHECK_EQ(sm.be, XNB_XB_INITWAIT);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CONNECTED), A_CONN);
	/* This time the frontend's keys are bad. */
	CHECK_EQ(step(&sm, XNB_SM_EV_CONNECT_FAILED, 0), A_DISC | A_STATE);
	CHECK_EQ(sm.be, XNB_XB_CLOSING);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CONNECTED), 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CLOSED), A_STATE);
	CHECK_EQ(sm.be, XNB_XB_CLOSED);
}

static void
connect_sm(struct xnb_sm *sm)
{
	xnb_sm_init(sm);
	step(sm, XNB_SM_EV_PROBE, 0);
	step(sm, XNB_SM_EV_FRONTEND, XNB_XB_CONNECTED);
	step(sm, XNB_SM_EV_CONNECTED, 0);
	CHECK_EQ(sm->be, XNB_XB_CONNECTED);
}

static void
test_fatal_and_death(void)
{
	struct xnb_sm sm;

	/* A fatal datapath error closes; the guest may reconnect. */
	connect_sm(&sm);
	CHECK_EQ(step(&sm, XNB_SM_EV_FATAL, 0), A_DOWN | A_DISC | A_STATE);
	CHECK_EQ(sm.be, XNB_XB_CLOSING);
	CHECK_EQ(step(&sm, XNB_SM_EV_FATAL, 0), 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CLOSED), A_STATE);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_INITIALISING), A_STATE);
	CHECK_EQ(sm.be, XNB_XB_INITWAIT);

	/* The guest dies while connected. */
	connect_sm(&sm);
	CHECK_EQ(step(&sm, XNB_SM_EV_GUEST_GONE, 0),
		 A_DOWN | A_DISC | A_STATE);
	CHECK_EQ(sm.be, XNB_XB_CLOSED);
	CHECK(!sm.removed);

	/* A garbage frontend state while connected is a dead frontend. */
	connect_sm(&sm);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, 77),
		 A_DOWN | A_DISC | A_STATE);
	CHECK_EQ(sm.be, XNB_XB_CLOSED);

	/* No frontend yet: InitWait stays (the guest may be booting). */
	xnb_sm_init(&sm);
	step(&sm, XNB_SM_EV_PROBE, 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_GUEST_GONE, 0), 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_UNKNOWN), 0);
	CHECK_EQ(sm.be, XNB_XB_INITWAIT);

	/* A frontend restarting without closing gets fresh rings. */
	connect_sm(&sm);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_INITIALISING),
		 A_DOWN | A_DISC | A_STATE);
	CHECK_EQ(sm.be, XNB_XB_INITWAIT);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CONNECTED), A_CONN);

	/* Frontend Connected while we are Closed: walk back and connect. */
	connect_sm(&sm);
	step(&sm, XNB_SM_EV_GUEST_GONE, 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CONNECTED),
		 A_STATE | A_CONN);
	CHECK_EQ(sm.be, XNB_XB_INITWAIT);
}

static void
test_toolstack_removal(void)
{
	struct xnb_sm sm;

	/* Connected: close, wait for the frontend, then remove. */
	connect_sm(&sm);
	CHECK_EQ(step(&sm, XNB_SM_EV_OFFLINE, 0), A_DOWN | A_DISC | A_STATE);
	CHECK_EQ(sm.be, XNB_XB_CLOSING);
	CHECK_EQ(step(&sm, XNB_SM_EV_OFFLINE, 0), 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CLOSING), 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CLOSED),
		 A_STATE | A_RM);
	CHECK(sm.removed);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_INITIALISING), 0);

	/* A frontend that never started: Closed and removed at once. */
	xnb_sm_init(&sm);
	step(&sm, XNB_SM_EV_PROBE, 0);
	step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_INITIALISING);
	CHECK_EQ(step(&sm, XNB_SM_EV_OFFLINE, 0), A_STATE | A_RM);
	CHECK_EQ(sm.be, XNB_XB_CLOSED);

	/* Closed already: just remove. */
	connect_sm(&sm);
	step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CLOSED);
	CHECK_EQ(sm.be, XNB_XB_CLOSED);
	CHECK_EQ(step(&sm, XNB_SM_EV_OFFLINE, 0), A_RM);

	/* Offline while closing: a reconnect attempt ends in removal. */
	connect_sm(&sm);
	step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CLOSING);
	step(&sm, XNB_SM_EV_OFFLINE, 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_INITIALISING),
		 A_STATE | A_RM);

	/* Before the probe. */
	xnb_sm_init(&sm);
	CHECK_EQ(step(&sm, XNB_SM_EV_OFFLINE, 0), A_STATE | A_RM);
}

/* The toolstack (re)creates the device under a live machine. */
static void
test_reprobe(void)
{
	struct xnb_sm sm;

	/* Created before network-attach: attach resets the state node. */
	xnb_sm_init(&sm);
	CHECK_EQ(step(&sm, XNB_SM_EV_PROBE, 0), A_FEAT | A_STATE);
	CHECK_EQ(step(&sm, XNB_SM_EV_REPROBE, 0), A_FEAT | A_STATE);
	CHECK_EQ(sm.be, XNB_XB_INITWAIT);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_INITIALISING), 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CONNECTED), A_CONN);

	/* Before the first probe. */
	xnb_sm_init(&sm);
	CHECK_EQ(step(&sm, XNB_SM_EV_REPROBE, 0), A_FEAT | A_STATE);
	CHECK_EQ(sm.be, XNB_XB_INITWAIT);

	/* Detach (offline, Closing, frontend Closed: removed), attach. */
	connect_sm(&sm);
	CHECK_EQ(step(&sm, XNB_SM_EV_OFFLINE, 0), A_DOWN | A_DISC | A_STATE);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CLOSED),
		 A_STATE | A_RM);
	CHECK(sm.removed);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_INITIALISING), 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_PROBE, 0), 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_REPROBE, 0), A_FEAT | A_STATE);
	CHECK_EQ(sm.be, XNB_XB_INITWAIT);
	CHECK(sm.online && !sm.removed);
	CHECK_EQ(sm.fe, XNB_XB_UNKNOWN);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_INITIALISING), 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CONNECTED), A_CONN);
	CHECK_EQ(step(&sm, XNB_SM_EV_CONNECTED, 0), A_STATE | A_UP);

	/* Detach and attach seen only as the result (events coalesced):
	 * the stale connection goes down first. */
	CHECK_EQ(step(&sm, XNB_SM_EV_REPROBE, 0),
		 A_DOWN | A_DISC | A_FEAT | A_STATE);
	CHECK_EQ(sm.be, XNB_XB_INITWAIT);

	/* While closing towards a frontend. */
	connect_sm(&sm);
	step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CLOSING);
	CHECK_EQ(sm.be, XNB_XB_CLOSING);
	CHECK_EQ(step(&sm, XNB_SM_EV_REPROBE, 0), A_FEAT | A_STATE);
	CHECK_EQ(sm.be, XNB_XB_INITWAIT);
}

/* A Closed frontend left over does not close a waiting backend. */
static void
test_closed_frontend_in_initwait(void)
{
	struct xnb_sm sm;

	xnb_sm_init(&sm);
	step(&sm, XNB_SM_EV_PROBE, 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CLOSED), 0);
	CHECK_EQ(sm.be, XNB_XB_INITWAIT);
	CHECK_EQ(sm.fe, XNB_XB_CLOSED);
	/* It starts again on seeing InitWait. */
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_INITIALISING), 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CONNECTED), A_CONN);

	/* The toolstack's removal still ends it. */
	xnb_sm_init(&sm);
	step(&sm, XNB_SM_EV_PROBE, 0);
	step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CLOSED);
	CHECK_EQ(step(&sm, XNB_SM_EV_OFFLINE, 0), A_STATE | A_RM);
	CHECK_EQ(sm.be, XNB_XB_CLOSED);
}

/* A backend restarted after a kill finds the device Connected. */
static void
test_adopt(void)
{
	struct xnb_sm sm;

	/* The frontend is Connected: take over, no state change seen
	 * before Connected is written again. */
	xnb_sm_init(&sm);
	CHECK_EQ(step(&sm, XNB_SM_EV_ADOPT, 0), A_FEAT);
	CHECK_EQ(sm.be, XNB_XB_INITWAIT);
	CHECK(sm.adopt);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CONNECTED),
		 A_CONN | A_ADOPT);
	CHECK(sm.adopt);
	CHECK_EQ(step(&sm, XNB_SM_EV_CONNECTED, 0), A_STATE | A_UP);
	CHECK_EQ(sm.be, XNB_XB_CONNECTED);
	CHECK(!sm.adopt);
	/* From then on an ordinary connection. */
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CONNECTED), 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CLOSING),
		 A_DOWN | A_DISC | A_STATE);

	/* The rings or keys do not pass: today's path, Closing. */
	xnb_sm_init(&sm);
	step(&sm, XNB_SM_EV_ADOPT, 0);
	step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CONNECTED);
	CHECK_EQ(step(&sm, XNB_SM_EV_CONNECT_FAILED, 0), A_DISC | A_STATE);
	CHECK_EQ(sm.be, XNB_XB_CLOSING);
	CHECK(!sm.adopt);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CLOSED), A_STATE);
	CHECK_EQ(sm.be, XNB_XB_CLOSED);

	/* The frontend started over meanwhile: the InitWait owed. */
	xnb_sm_init(&sm);
	step(&sm, XNB_SM_EV_ADOPT, 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_INITIALISING), A_STATE);
	CHECK_EQ(sm.be, XNB_XB_INITWAIT);
	CHECK(!sm.adopt);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CONNECTED), A_CONN);

	/* A frontend that closed while no backend was there. */
	xnb_sm_init(&sm);
	step(&sm, XNB_SM_EV_ADOPT, 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CLOSED), A_STATE);
	CHECK_EQ(sm.be, XNB_XB_INITWAIT);
	/* ... or is closing now. */
	xnb_sm_init(&sm);
	step(&sm, XNB_SM_EV_ADOPT, 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_FRONTEND, XNB_XB_CLOSING), A_STATE);
	CHECK_EQ(sm.be, XNB_XB_CLOSING);

	/* The toolstack takes the device away before the frontend is read. */
	xnb_sm_init(&sm);
	step(&sm, XNB_SM_EV_ADOPT, 0);
	CHECK_EQ(step(&sm, XNB_SM_EV_OFFLINE, 0), A_STATE | A_RM);
	CHECK_EQ(sm.be, XNB_XB_CLOSED);
	CHECK(!sm.adopt);

	/* Offline already: nothing to adopt. */
	xnb_sm_init(&sm);
	sm.online = false;
	CHECK_EQ(step(&sm, XNB_SM_EV_ADOPT, 0), A_STATE | A_RM);
	CHECK(!sm.adopt);

	/* Only a fresh machine adopts. */
	connect_sm(&sm);
	CHECK_EQ(step(&sm, XNB_SM_EV_ADOPT, 0), 0);
	CHECK(!sm.adopt);
}

static void
test_names(void)
{
	CHECK(strcmp(xnb_xb_state_name(XNB_XB_CONNECTED), "Connected") == 0);
	CHECK(strcmp(xnb_xb_state_name(XNB_XB_RECONFIGURED),
		     "Reconfigured") == 0);
	CHECK(strcmp(xnb_xb_state_name(-1), "Invalid") == 0);
	CHECK(strcmp(xnb_xb_state_name(9), "Invalid") == 0);
}

int
main(void)
{
	RUN(test_exhaustive);
	RUN(test_netfront_lifecycle);
	RUN(test_fatal_and_death);
	RUN(test_toolstack_removal);
	RUN(test_reprobe);
	RUN(test_closed_frontend_in_initwait);
	RUN(test_adopt);
	RUN(test_names);
	return 0;
}
