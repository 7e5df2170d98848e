/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Event channels through the "sim" seam against a guest in another
 * process: wake-ups both ways, masking (no wake-up while masked, nothing
 * lost), Xen's bind errors, closing either end, rebinding.
 */
#include <errno.h>
#include <poll.h>

#include "hv_test.h"
#include "xnb_hv.h"

#define DOMID 3

static struct xnb_hv *hv;
static struct xnb_hv_evtchn *ec;
static struct hvt_guest guest;

/* Is the backend's event fd readable right now? */
static int
backend_ready(int timeout_ms)
{
	struct pollfd pfd = { .fd = hv->ops->evtchn_fd(ec), .events = POLLIN };

	return poll(&pfd, 1, timeout_ms);
}

static int
guest_call(enum hvt_op op, uint32_t a)
{
	return hvt_guest_call(&guest, op, a, 0, 0, 0, NULL);
}

/* Bind to a fresh unbound port of the guest; consume the event Xen raises
 * on bind. Returns our port, *gport the guest's. */
static int
bind_new(int *gport)
{
	int lport;

	*gport = guest_call(HVT_EVT_ALLOC, 0);
	CHECK(*gport > 0);
	lport = hv->ops->evtchn_bind(ec, DOMID, *gport);
	CHECK(lport > 0);
	CHECK_EQ(backend_ready(HVT_TIMEOUT_MS), 1);
	CHECK_EQ(hv->ops->evtchn_pending(ec), lport);
	CHECK_EQ(hv->ops->evtchn_unmask(ec, lport), 0);
	CHECK_EQ(hv->ops->evtchn_pending(ec), -EAGAIN);
	return lport;
}

static void
test_wakeups(void)
{
	int gport, lport, i;

	lport = bind_new(&gport);
	/* Guest -> backend: the fd wakes, pending names the port once. */
	for (i = 0; i < 3; i++) {
		CHECK_EQ(guest_call(HVT_EVT_NOTIFY, gport), 0);
		CHECK_EQ(backend_ready(HVT_TIMEOUT_MS), 1);
		CHECK_EQ(hv->ops->evtchn_pending(ec), lport);
		CHECK_EQ(hv->ops->evtchn_pending(ec), -EAGAIN);
		CHECK_EQ(hv->ops->evtchn_unmask(ec, lport), 0);
	}
	/* Backend -> guest: the guest blocks in poll and wakes. */
	for (i = 0; i < 3; i++) {
		CHECK_EQ(hv->ops->evtchn_notify(ec, lport), 0);
		CHECK_EQ(guest_call(HVT_EVT_WAIT, HVT_TIMEOUT_MS), gport);
		CHECK_EQ(guest_call(HVT_EVT_PENDING, 0), -EAGAIN);
		CHECK_EQ(guest_call(HVT_EVT_UNMASK, gport), 0);
	}
	/* Several notifications before anyone looks collapse into one. */
	CHECK_EQ(guest_call(HVT_EVT_NOTIFY, gport), 0);
	CHECK_EQ(guest_call(HVT_EVT_NOTIFY, gport), 0);
	CHECK_EQ(backend_ready(HVT_TIMEOUT_MS), 1);
	CHECK_EQ(hv->ops->evtchn_pending(ec), lport);
	CHECK_EQ(hv->ops->evtchn_unmask(ec, lport), 0);
	CHECK_EQ(backend_ready(0), 0);
	CHECK_EQ(hv->ops->evtchn_unbind(ec, lport), 0);
	CHECK_EQ(guest_call(HVT_EVT_CLOSE, gport), 0);
}

static void
test_masking(void)
{
	int gport, lport, g2, l2;

	lport = bind_new(&gport);
	l2 = bind_new(&g2);
	/* Delivered, hence masked: a new event raises no wake-up... */
	CHECK_EQ(guest_call(HVT_EVT_NOTIFY, gport), 0);
	CHECK_EQ(backend_ready(HVT_TIMEOUT_MS), 1);
	CHECK_EQ(hv->ops->evtchn_pending(ec), lport);
	CHECK_EQ(guest_call(HVT_EVT_NOTIFY, gport), 0);
	CHECK_EQ(backend_ready(0), 0);
	CHECK_EQ(hv->ops->evtchn_pending(ec), -EAGAIN);
	/* ...while the other port still wakes us... */
	CHECK_EQ(guest_call(HVT_EVT_NOTIFY, g2), 0);
	CHECK_EQ(backend_ready(HVT_TIMEOUT_MS), 1);
	CHECK_EQ(hv->ops->evtchn_pending(ec), l2);
	CHECK_EQ(hv->ops->evtchn_unmask(ec, l2), 0);
	/* ...and the masked event is delivered on unmask. */
	CHECK_EQ(hv->ops->evtchn_unmask(ec, lport), 0);
	CHECK_EQ(backend_ready(0), 1);
	CHECK_EQ(hv->ops->evtchn_pending(ec), lport);
	CHECK_EQ(hv->ops->evtchn_unmask(ec, lport), 0);
	CHECK_EQ(backend_ready(0), 0);

	/* The same on the guest side. */
	CHECK_EQ(hv->ops->evtchn_notify(ec, lport), 0);
	CHECK_EQ(guest_call(HVT_EVT_WAIT, HVT_TIMEOUT_MS), gport);
	CHECK_EQ(hv->ops->evtchn_notify(ec, lport), 0);
	CHECK_EQ(guest_call(HVT_EVT_WAIT, 0), -ETIMEDOUT);
	CHECK_EQ(guest_call(HVT_EVT_UNMASK, gport), 0);
	CHECK_EQ(guest_call(HVT_EVT_WAIT, 0), gport);
	CHECK_EQ(guest_call(HVT_EVT_UNMASK, gport), 0);
	CHECK_EQ(guest_call(HVT_EVT_WAIT, 0), -ETIMEDOUT);

	CHECK_EQ(hv->ops->evtchn_unbind(ec, lport), 0);
	CHECK_EQ(hv->ops->evtchn_unbind(ec, l2), 0);
	CHECK_EQ(guest_call(HVT_EVT_CLOSE, gport), 0);
	CHECK_EQ(guest_call(HVT_EVT_CLOSE, g2), 0);
}

static void
test_bind_errors(void)
{
	int gport, other, lport;

	/* No such domain; no such port; port 0 is never valid. */
	CHECK_EQ(hv->ops->evtchn_bind(ec, 9, 1), -ESRCH);
	CHECK_EQ(hv->ops->evtchn_bind(ec, DOMID, 4000), -EINVAL);
	CHECK_EQ(hv->ops->evtchn_bind(ec, DOMID, 0), -EINVAL);
	/* A port offered to another domain. */
	other = guest_call(HVT_EVT_ALLOC, 7);
	CHECK(other > 0);
	CHECK_EQ(hv->ops->evtchn_bind(ec, DOMID, other), -EINVAL);
	CHECK_EQ(guest_call(HVT_EVT_CLOSE, other), 0);
	/* Already bound. */
	lport = bind_new(&gport);
	CHECK_EQ(hv->ops->evtchn_bind(ec, DOMID, gport), -EINVAL);
	/* Unbinding makes it bindable again (the guest's port waits). */
	CHECK_EQ(hv->ops->evtchn_unbind(ec, lport), 0);
	CHECK_EQ(hv->ops->evtchn_unbind(ec, lport), -ENOTCONN);
	CHECK_EQ(hv->ops->evtchn_notify(ec, lport), -ENOTCONN);
	lport = bind_new(&gport);
	/* The guest closes its end: our sends are dropped, as on Xen, and
	 * the closed port cannot be bound. */
	CHECK_EQ(guest_call(HVT_EVT_CLOSE, gport), 0);
	CHECK_EQ(hv->ops->evtchn_notify(ec, lport), 0);
	CHECK_EQ(hv->ops->evtchn_bind(ec, DOMID, gport), -EINVAL);
	CHECK_EQ(guest_call(HVT_EVT_CLOSE, gport), -EINVAL);
	CHECK_EQ(guest_call(HVT_EVT_NOTIFY, gport), -ENOTCONN);
	CHECK_EQ(hv->ops->evtchn_unbind(ec, lport), 0);
}

int
main(void)
{
	struct xnb_hv_evtchn *ec2;
	int gport, lport;

	hvt_simhv_start();
	hvt_guest_start(&guest, DOMID, 4, 16, 0);
	hv = xnb_hv_open("sim", NULL);
	CHECK(hv != NULL);
	ec = hv->ops->evtchn_open(hv);
	CHECK(ec != NULL);

	test_wakeups();
	test_masking();
	test_bind_errors();

	/* Closing a handle unbinds its ports: the guest's port is free to
	 * be bound from another handle. */
	ec2 = hv->ops->evtchn_open(hv);
	CHECK(ec2 != NULL);
	gport = guest_call(HVT_EVT_ALLOC, 0);
	CHECK(gport > 0);
	CHECK(hv->ops->evtchn_bind(ec2, DOMID, gport) > 0);
	hv->ops->evtchn_close(ec2);
	lport = hv->ops->evtchn_bind(ec, DOMID, gport);
	CHECK(lport > 0);

	/* A guest that dies leaves our port bound but silent. */
	hvt_guest_stop(&guest, HVT_DIE);
	CHECK_EQ(hv->ops->evtchn_notify(ec, lport), 0);
	CHECK_EQ(hv->ops->evtchn_unbind(ec, lport), 0);

	hv->ops->evtchn_close(ec);
	xnb_hv_close(hv);
	CHECK_EQ(hvt_simhv_stop(), 0);
	printf("test_hv_sim_evtchn: ok\n");
	return 0;
}
