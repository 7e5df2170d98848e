/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The frontend half of the xenbus handshake, as Linux 6.1 xen-netfront does
 * it: wait for the toolstack's device (backend, backend-id, mac), wait for
 * the backend's InitWait, read its features, write xdp-headroom, set up
 * rings and event channels (split ones when offered), write them in one
 * transaction, go Connected straight from Initialising (never Initialised;
 * feature-ctrl-ring is ignored, as 6.1 does). Backend Closing/Closed makes
 * us Closing then Closed, and Closed we stay: as netback_changed, InitWait
 * is heeded only from Initialising, so a backend that comes back (InitWait
 * after a clean stop) gets no new connection until the guest re-probes
 * the device: fe_xenbus_rebind(), what `echo vif-0 > unbind; echo vif-0 >
 * bind` in the guest's /sys/bus/xen/drivers/vif does. A backend restarted
 * after a kill, which takes the connection over without a state change,
 * keeps it. A device the toolstack re-made (our state back at
 * Initialising) is probed afresh (see device_remade()).
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenstore.h>

#include "xnb_simguest.h"

#include "simfront.h"

#define FE_XS_TXN_RETRIES 16
/* How long netfront's remove waits for each backend step. */
#define FE_CLOSE_WAIT_MS 3000
#define FE_PATH_MAX 256

static char *
xs_get(struct fe *fe, const char *dir, const char *key)
{
	char path[FE_PATH_MAX];
	unsigned int len;

	if (snprintf(path, sizeof(path), "%s/%s", dir, key) >=
	    (int)sizeof(path))
		return NULL;
	return xs_read(fe->xs, XBT_NULL, path, &len);
}

/* An unsigned decimal no larger than max; def when the key is absent. */
static unsigned long
xs_get_uint(struct fe *fe, const char *dir, const char *key,
	    unsigned long max, unsigned long def)
{
	char *s = xs_get(fe, dir, key), *end;
	unsigned long v;

	if (s == NULL)
		return def;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v > max)
		v = def;
	free(s);
	return v;
}

static int
xs_put(struct fe *fe, xs_transaction_t t, const char *dir, const char *key,
       const char *fmt, ...)
{
	char path[FE_PATH_MAX], val[32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (snprintf(path, sizeof(path), "%s/%s", dir, key) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	if (!xs_write(fe->xs, t, path, val, strlen(val)))
		return -errno;
	return 0;
}

static void
switch_state(struct fe *fe, int state)
{
	int ret = xs_put(fe, XBT_NULL, fe->fe_dir, "state", "%d", state);

	if (ret < 0)
		fprintf(stderr, "simfront: writing state %d: %s\n", state,
			strerror(-ret));
	else
		fprintf(stderr, "simfront: %s: state %d -> %d\n", fe->fe_dir,
			fe->state, state);
	fe->state = state;
}

static void
disconnect(struct fe *fe)
{
	unsigned int i;

	for (i = 0; i < fe->nqueues; i++)
		fe_queue_teardown(&fe->q[i]);
	fe->nqueues = 0;
}

static int
write_queue_keys(struct fe *fe, xs_transaction_t t, struct fe_queue *q,
		 bool hierarchical)
{
	char dir[FE_PATH_MAX];
	int ret;

	if (hierarchical)
		snprintf(dir, sizeof(dir), "%s/queue-%u", fe->fe_dir, q->id);
	else
		snprintf(dir, sizeof(dir), "%s", fe->fe_dir);
	ret = xs_put(fe, t, dir, "tx-ring-ref", "%u", q->tx_ring_gref);
	if (ret == 0)
		ret = xs_put(fe, t, dir, "rx-ring-ref", "%u", q->rx_ring_gref);
	if (ret == 0 && q->evtchn_tx == q->evtchn_rx)
		ret = xs_put(fe, t, dir, "event-channel", "%d", q->evtchn_tx);
	else if (ret == 0)
		ret = xs_put(fe, t, dir, "event-channel-tx", "%d",
			     q->evtchn_tx) ?:
		      xs_put(fe, t, dir, "event-channel-rx", "%d",
			     q->evtchn_rx);
	return ret;
}

/*
 * Everything netfront writes in talk_to_netback's transaction, in its
 * order: Linux 6.1 writes multi-queue-num-queues whenever the backend
 * offers multi-queue-max-queues, even for one queue (seen on Xen 4.17).
 */
static int
write_keys(struct fe *fe, xs_transaction_t t, bool has_mq)
{
	const char *d = fe->fe_dir;
	unsigned int i;
	int ret = 0;

	if (has_mq)
		ret = xs_put(fe, t, d, "multi-queue-num-queues", "%u",
			     fe->nqueues);
	for (i = 0; ret == 0 && i < fe->nqueues; i++)
		ret = write_queue_keys(fe, t, &fe->q[i], fe->nqueues > 1);
	if (ret == 0)
		ret = xs_put(fe, t, d, "request-rx-copy", "1") ?:
		      xs_put(fe, t, d, "feature-rx-notify", "1") ?:
		      xs_put(fe, t, d, "feature-sg", "%d", !fe->opt.no_sg) ?:
		      xs_put(fe, t, d, "feature-gso-tcpv4", "%d",
			     !fe->opt.no_gso) ?:
		      xs_put(fe, t, d, "feature-gso-tcpv6", "%d",
			     !fe->opt.no_gso) ?:
		      xs_put(fe, t, d, "feature-ipv6-csum-offload", "1");
	return ret;
}

/* Can the traffic asked for run over what the backend offers? */
static int
check_features(struct fe *fe)
{
	if (fe->opt.rx_only)
		return 0;
	if (fe->opt.size > FE_PAGE_SIZE && !fe->be_sg) {
		fprintf(stderr, "simfront: --size %u needs feature-sg "
			"(backend or --no-sg says no)\n", fe->opt.size);
		return -ENOTSUP;
	}
	if (fe->opt.gso && (!fe->be_sg || !fe->be_gso4)) {
		fprintf(stderr, "simfront: --gso needs feature-sg and "
			"feature-gso-tcpv4 on both ends\n");
		return -ENOTSUP;
	}
	return 0;
}

/* netfront's talk_to_netback. */
static int
connect_backend(struct fe *fe)
{
	const char *be = fe->be_path;
	unsigned long max_q;
	bool has_mq, split;
	xs_transaction_t t;
	unsigned int i, n;
	char *s;
	int ret, tries;

	if (xs_get_uint(fe, be, "feature-rx-copy", 1, 0) != 1) {
		fe->fail = "backend lacks feature-rx-copy";
		return -ENOTSUP;
	}
	s = xs_get(fe, be, "multi-queue-max-queues");
	has_mq = s != NULL;
	free(s);
	max_q = xs_get_uint(fe, be, "multi-queue-max-queues", 65535, 1);
	n = fe->opt.queues < max_q ? fe->opt.queues : (unsigned int)max_q;
	n = n == 0 ? 1 : n;
	split = !fe->opt.single_evtchn &&
		xs_get_uint(fe, be, "feature-split-event-channels", 1, 0);
	fe->be_sg = !fe->opt.no_sg && xs_get_uint(fe, be, "feature-sg", 1, 0);
	fe->be_gso4 = !fe->opt.no_gso &&
		      xs_get_uint(fe, be, "feature-gso-tcpv4", 1, 0);
	ret = check_features(fe);
	if (ret < 0) {
		fe->fail = "traffic needs features the vif lacks";
		return ret;
	}
	/* Linux 6.1 tells a backend with feature-xdp-headroom its XDP
	 * headroom (0: no XDP program) first, outside the transaction. */
	if (xs_get_uint(fe, be, "feature-xdp-headroom", 1, 0)) {
		ret = xs_put(fe, XBT_NULL, fe->fe_dir, "xdp-headroom", "0");
		if (ret < 0)
			return ret;
	}
	/* Pages of the last connection must be ours again before reuse. */
	if (fe_grant_reclaim(fe) != 0) {
		fe->retry = true;
		return -EBUSY;
	}

	for (i = 0; i < n; i++) {
		ret = fe_queue_setup(&fe->q[i], split);
		if (ret < 0) {
			fprintf(stderr, "simfront: queue %u setup: %s\n", i,
				strerror(-ret));
			goto disconnect;
		}
		fe->nqueues = i + 1;
	}

	for (tries = 0; tries < FE_XS_TXN_RETRIES; tries++) {
		t = xs_transaction_start(fe->xs);
		if (t == XBT_NULL) {
			ret = -errno;
			goto disconnect;
		}
		ret = write_keys(fe, t, has_mq);
		if (ret < 0) {
			xs_transaction_end(fe->xs, t, true);
			goto disconnect;
		}
		if (xs_transaction_end(fe->xs, t, false))
			break;
		ret = -errno;
		if (ret != -EAGAIN)
			goto disconnect;
	}
	if (tries == FE_XS_TXN_RETRIES)
		goto disconnect;
	fe->connects++;
	fe->queues_used = n;
	return 0;

disconnect:
	fprintf(stderr, "simfront: connecting: %s\n", strerror(-ret));
	disconnect(fe);
	return ret;
}

/* The toolstack's device nodes: backend path, its domid, our MAC. */
static int
find_device(struct fe *fe)
{
	char *be = xs_get(fe, fe->fe_dir, "backend");
	char *mac = xs_get(fe, fe->fe_dir, "mac");
	size_t len;
	int ret = -ENOENT;

	if (be == NULL || mac == NULL)
		goto free;
	ret = -EINVAL;
	if (fe_mac_parse(mac, fe->mac) < 0 || be[0] != '/' ||
	    strlen(be) > FE_PATH_MAX - 32) {
		fprintf(stderr, "simfront: bad device nodes (backend '%s', "
			"mac '%s')\n", be, mac);
		goto free;
	}
	fe->be_domid = (uint16_t)xs_get_uint(fe, fe->fe_dir, "backend-id",
					     0x7fef, 0);
	len = strlen(be) + sizeof("/state");
	fe->be_state_path = malloc(len);
	if (fe->be_state_path == NULL) {
		ret = -ENOMEM;
		goto free;
	}
	snprintf(fe->be_state_path, len, "%s/state", be);
	if (!xs_watch(fe->xs, fe->be_state_path, "be")) {
		ret = -errno;
		free(fe->be_state_path);
		fe->be_state_path = NULL;
		goto free;
	}
	fe->be_path = be;
	be = NULL;
	fe->be_state = XenbusStateUnknown;
	/* A driver starting on a device begins from Initialising. */
	if (xs_get_uint(fe, fe->fe_dir, "state", 8, 0) !=
	    XenbusStateInitialising)
		switch_state(fe, XenbusStateInitialising);
	else
		fe->state = XenbusStateInitialising;
	ret = 0;
free:
	free(be);
	free(mac);
	return ret;
}

static void
lose_device(struct fe *fe)
{
	disconnect(fe);
	xs_unwatch(fe->xs, fe->be_state_path, "be");
	free(fe->be_state_path);
	free(fe->be_path);
	fe->be_state_path = NULL;
	fe->be_path = NULL;
	fe->state = XenbusStateUnknown;
	fe->be_state = XenbusStateUnknown;
}

static void
close_frontend(struct fe *fe)
{
	disconnect(fe);
	if (fe->state != XenbusStateClosing)
		switch_state(fe, XenbusStateClosing);
	switch_state(fe, XenbusStateClosed);
}

/* netback_changed: react to the backend's state. */
static void
backend_changed(struct fe *fe, int be_state)
{
	int last = fe->be_state;

	fe->be_state = be_state;
	switch (be_state) {
	case XenbusStateInitWait:
		if (fe->state != XenbusStateInitialising)
			break;
		fe->retry = false;
		if (connect_backend(fe) == 0)
			switch_state(fe, XenbusStateConnected);
		else if (!fe->retry)
			close_frontend(fe);
		break;
	case XenbusStateClosing:
	case XenbusStateClosed:
		/* A re-probed driver waits for the Closed backend to
		 * answer its Initialising (netback goes InitWait). */
		if (fe->state != XenbusStateClosed &&
		    !(fe->state == XenbusStateInitialising && last == be_state))
			close_frontend(fe);
		break;
	default:
		break;
	}
}

/*
 * The toolstack re-made the device (libxl's add of an existing one:
 * directories removed and made again in one transaction, our state back
 * at Initialising, which we did not write): probe it as a new device.
 * Linux 6.1 keeps the old device bound there and would wait for a re-probe
 * (unverified on Xen); the simulator re-probes so that the backend's
 * handling of a re-made device stays testable (sim-recreate).
 */
static bool
device_remade(struct fe *fe)
{
	return fe->state != XenbusStateInitialising &&
	       xs_get_uint(fe, fe->fe_dir, "state", 8, XenbusStateUnknown) ==
	       XenbusStateInitialising;
}

void
fe_xenbus_poll(struct fe *fe)
{
	char **ev;
	char *s;

	while ((ev = xs_check_watch(fe->xs)) != NULL)
		free(ev);
	if (fe->be_path != NULL) {
		s = xs_get(fe, fe->fe_dir, "backend");
		if (s == NULL || strcmp(s, fe->be_path) != 0 ||
		    device_remade(fe))
			lose_device(fe);
		free(s);
	}
	if (fe->be_path == NULL && find_device(fe) < 0)
		return;
	backend_changed(fe, (int)xs_get_uint(fe, fe->be_path, "state", 8,
					     XenbusStateUnknown));
}

bool
fe_xenbus_ready(const struct fe *fe)
{
	return fe->nqueues > 0 && fe->state == XenbusStateConnected &&
	       fe->be_state == XenbusStateConnected;
}

int
fe_xenbus_fd(struct fe *fe)
{
	return xs_fileno(fe->xs);
}

int
fe_xenbus_open(struct fe *fe)
{
	const char *path = xnb_simguest_xs_path(fe->g);

	snprintf(fe->fe_dir, sizeof(fe->fe_dir),
		 "/local/domain/%u/device/vif/%u", fe->opt.domid,
		 fe->opt.devid);
	/* libxenstore takes its socket from the environment. */
	if (setenv("XENSTORED_PATH", path, 1) < 0)
		return -errno;
	fe->xs = xs_open(XS_OPEN_SOCKETONLY);
	if (fe->xs == NULL) {
		fprintf(stderr, "simfront: xenstore at %s: %s\n", path,
			strerror(errno));
		return -errno;
	}
	if (!xs_watch(fe->xs, fe->fe_dir, "fe")) {
		xs_close(fe->xs);
		fe->xs = NULL;
		return -errno;
	}
	return 0;
}

void
fe_xenbus_close(struct fe *fe)
{
	if (fe->be_path != NULL)
		lose_device(fe);
	if (fe->xs != NULL)
		xs_close(fe->xs);
	fe->xs = NULL;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Wait (bounded) until the backend state is one of want (bit mask). */
static void
wait_backend(struct fe *fe, unsigned int want)
{
	uint64_t end = now_ms() + FE_CLOSE_WAIT_MS, now;
	struct pollfd pfd = { .fd = xs_fileno(fe->xs), .events = POLLIN };
	char **ev;
	int st;

	for (;;) {
		st = (int)xs_get_uint(fe, fe->be_path, "state", 8,
				      XenbusStateUnknown);
		now = now_ms();
		if ((want & (1u << st)) || now >= end)
			break;
		if (poll(&pfd, 1, (int)(end - now)) > 0)
			while ((ev = xs_check_watch(fe->xs)) != NULL)
				free(ev);
	}
}

void
fe_xenbus_rebind(struct fe *fe)
{
	if (fe->be_path == NULL)
		return;
	fprintf(stderr, "simfront: %s: driver unbind, bind\n", fe->fe_dir);
	fe_xenbus_shutdown(fe);
	fe->be_state = (int)xs_get_uint(fe, fe->be_path, "state", 8,
					XenbusStateUnknown);
	switch_state(fe, XenbusStateInitialising);
	backend_changed(fe, fe->be_state);
}

void
fe_xenbus_shutdown(struct fe *fe)
{
	const unsigned int gone = 1u << XenbusStateClosed |
				  1u << XenbusStateUnknown;
	uint64_t end;

	if (fe->be_path == NULL || fe->state == XenbusStateClosed ||
	    fe->state == XenbusStateUnknown)
		goto reclaim;
	switch_state(fe, XenbusStateClosing);
	wait_backend(fe, gone | 1u << XenbusStateClosing);
	disconnect(fe);
	switch_state(fe, XenbusStateClosed);
	wait_backend(fe, gone);
reclaim:
	disconnect(fe);
	end = now_ms() + FE_CLOSE_WAIT_MS;
	while (fe_grant_reclaim(fe) != 0 && now_ms() < end)
		poll(NULL, 0, 10);
	if (fe->nzombies != 0)
		fprintf(stderr, "simfront: %u grants still in use by the "
			"backend at exit\n", fe->nzombies);
}
