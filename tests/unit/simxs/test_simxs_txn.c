/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Simulated xenstored, transactions through the real libxenstore:
 * isolation, commit, abort, EAGAIN on conflicting changes (value, child
 * list, removal, creation), watches firing on commit only, unknown
 * transaction ids, and the per-guest transaction quota.
 */
#include <stdlib.h>
#include <string.h>

#include "simxs_harness.h"

static void
test_commit_abort(struct xs_handle *h, struct xs_handle *o)
{
	xs_transaction_t t;
	char buf[64];

	t = xs_transaction_start(h);
	CHECK(t != XBT_NULL);
	CHECK_OK(simxs_write_str(h, t, "/t/a", "1"));
	CHECK_OK(xs_mkdir(h, t, "/t/b"));
	/* Visible inside, not outside. */
	CHECK(simxs_read_is(h, t, "/t/a", "1"));
	CHECK_OK(simxs_dir(h, t, "/t", buf, sizeof(buf)));
	CHECK(strcmp(buf, "a,b") == 0);
	CHECK_FAILS(simxs_read(o, XBT_NULL, "/t/a") != NULL, ENOENT);
	CHECK_FAILS(simxs_read(h, XBT_NULL, "/t") != NULL, ENOENT);
	CHECK_OK(xs_transaction_end(h, t, false));
	CHECK(simxs_read_is(o, XBT_NULL, "/t/a", "1"));
	CHECK_OK(simxs_dir(o, XBT_NULL, "/t", buf, sizeof(buf)));
	CHECK(strcmp(buf, "a,b") == 0);
	/* The transaction is gone after its end. */
	CHECK_FAILS(simxs_read(h, t, "/t/a") != NULL, ENOENT);
	CHECK_FAILS(xs_transaction_end(h, t, false), ENOENT);

	/* Abort discards everything. */
	t = xs_transaction_start(h);
	CHECK(t != XBT_NULL);
	CHECK_OK(simxs_write_str(h, t, "/t/a", "2"));
	CHECK_OK(xs_rm(h, t, "/t/b"));
	CHECK_OK(simxs_set_perms(h, t, "/t", "n3"));
	CHECK_OK(xs_transaction_end(h, t, true));
	CHECK(simxs_read_is(o, XBT_NULL, "/t/a", "1"));
	CHECK(simxs_read_is(o, XBT_NULL, "/t/b", ""));
	CHECK_OK(simxs_perms(o, XBT_NULL, "/t", buf, sizeof(buf)));
	CHECK(strcmp(buf, "n0") == 0);

	/* Removal and permissions are committed too. */
	t = xs_transaction_start(h);
	CHECK_OK(xs_rm(h, t, "/t/b"));
	CHECK_OK(simxs_set_perms(h, t, "/t/a", "n3,r4"));
	CHECK_OK(xs_transaction_end(h, t, false));
	CHECK_FAILS(simxs_read(o, XBT_NULL, "/t/b") != NULL, ENOENT);
	CHECK_OK(simxs_perms(o, XBT_NULL, "/t/a", buf, sizeof(buf)));
	CHECK(strcmp(buf, "n3,r4") == 0);
}

static void
test_conflicts(struct xs_handle *h, struct xs_handle *o)
{
	xs_transaction_t t;
	char buf[64];

	CHECK_OK(simxs_write_str(h, XBT_NULL, "/c/x", "0"));
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/c/y", "0"));

	/* Read, then someone else changes it: EAGAIN, nothing applied. */
	t = xs_transaction_start(h);
	CHECK(simxs_read_is(h, t, "/c/x", "0"));
	CHECK_OK(simxs_write_str(h, t, "/c/y", "t"));
	CHECK_OK(simxs_write_str(o, XBT_NULL, "/c/x", "o"));
	/* Snapshot: the transaction still sees its start state. */
	CHECK(simxs_read_is(h, t, "/c/x", "0"));
	CHECK_FAILS(xs_transaction_end(h, t, false), EAGAIN);
	CHECK(simxs_read_is(o, XBT_NULL, "/c/y", "0"));

	/* Write/write conflict. */
	t = xs_transaction_start(h);
	CHECK_OK(simxs_write_str(h, t, "/c/y", "t"));
	CHECK_OK(simxs_write_str(o, XBT_NULL, "/c/y", "o"));
	CHECK_FAILS(xs_transaction_end(h, t, false), EAGAIN);
	CHECK(simxs_read_is(o, XBT_NULL, "/c/y", "o"));

	/* A listed directory gaining a child conflicts. */
	t = xs_transaction_start(h);
	CHECK_OK(simxs_dir(h, t, "/c", buf, sizeof(buf)));
	CHECK_OK(simxs_write_str(h, t, "/c/z", "t"));
	CHECK_OK(simxs_write_str(o, XBT_NULL, "/c/new", "o"));
	CHECK_FAILS(xs_transaction_end(h, t, false), EAGAIN);
	CHECK_FAILS(simxs_read(o, XBT_NULL, "/c/z") != NULL, ENOENT);

	/* A node found missing and then created elsewhere conflicts. */
	t = xs_transaction_start(h);
	CHECK_FAILS(simxs_read(h, t, "/c/late") != NULL, ENOENT);
	CHECK_OK(simxs_write_str(h, t, "/c/other", "t"));
	CHECK_OK(simxs_write_str(o, XBT_NULL, "/c/late", "o"));
	CHECK_FAILS(xs_transaction_end(h, t, false), EAGAIN);

	/* Removing a subtree in which something changed conflicts. */
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/c/sub/deep/k", "0"));
	t = xs_transaction_start(h);
	CHECK_OK(xs_rm(h, t, "/c/sub"));
	CHECK_OK(simxs_write_str(o, XBT_NULL, "/c/sub/deep/k", "o"));
	CHECK_FAILS(xs_transaction_end(h, t, false), EAGAIN);
	CHECK(simxs_read_is(o, XBT_NULL, "/c/sub/deep/k", "o"));

	/* Changes to untouched nodes do not conflict; retry succeeds. */
	t = xs_transaction_start(h);
	CHECK(simxs_read_is(h, t, "/c/x", "o"));
	CHECK_OK(simxs_write_str(h, t, "/c/x", "t"));
	CHECK_OK(simxs_write_str(o, XBT_NULL, "/c/y", "o2"));
	CHECK_OK(xs_transaction_end(h, t, false));
	CHECK(simxs_read_is(o, XBT_NULL, "/c/x", "t"));
	CHECK(simxs_read_is(o, XBT_NULL, "/c/y", "o2"));

	/* Two transactions on one connection are independent. */
	{
		xs_transaction_t t1 = xs_transaction_start(h);
		xs_transaction_t t2 = xs_transaction_start(h);

		CHECK(t1 != XBT_NULL && t2 != XBT_NULL && t1 != t2);
		CHECK_OK(simxs_write_str(h, t1, "/c/x", "t1"));
		CHECK(simxs_read_is(h, t2, "/c/x", "t"));
		CHECK_OK(simxs_write_str(h, t2, "/c/x", "t2"));
		CHECK_OK(xs_transaction_end(h, t1, false));
		CHECK_FAILS(xs_transaction_end(h, t2, false), EAGAIN);
		CHECK(simxs_read_is(o, XBT_NULL, "/c/x", "t1"));
	}
}

static void
test_watch_on_commit(struct xs_handle *h, struct xs_handle *w)
{
	xs_transaction_t t;
	char buf[256];

	CHECK_OK(xs_watch(w, "/tw", "tw"));
	CHECK(simxs_events(w, buf, sizeof(buf)) == 1);
	t = xs_transaction_start(h);
	CHECK_OK(simxs_write_str(h, t, "/tw/a", "1"));
	CHECK_OK(simxs_write_str(h, t, "/tw/b", "2"));
	CHECK(simxs_events(w, buf, sizeof(buf)) == 0);
	CHECK_OK(xs_transaction_end(h, t, false));
	CHECK(simxs_events(w, buf, sizeof(buf)) == 2);
	CHECK(strcmp(buf, "/tw/a|tw;/tw/b|tw") == 0);
	/* Aborted and failed transactions fire nothing. */
	t = xs_transaction_start(h);
	CHECK_OK(simxs_write_str(h, t, "/tw/a", "3"));
	CHECK_OK(xs_transaction_end(h, t, true));
	t = xs_transaction_start(h);
	CHECK_OK(simxs_write_str(h, t, "/tw/a", "3"));
	CHECK_OK(simxs_write_str(w, XBT_NULL, "/tw/a", "w"));
	CHECK_FAILS(xs_transaction_end(h, t, false), EAGAIN);
	CHECK(simxs_events(w, buf, sizeof(buf)) == 1);
	CHECK(strcmp(buf, "/tw/a|tw") == 0);
	CHECK_OK(xs_unwatch(w, "/tw", "tw"));
}

/*
 * As the C xenstored: a commit fires once per changed node, in the order
 * the transaction first touched the nodes, not once per request in
 * request order. libxl's remove transaction (read state; write online,
 * then state) fires "state" before "online" on Xen 4.17; its add
 * transaction (rm, mkdir, set_perms of a directory, then keys) fires the
 * directory once.
 */
static void
test_commit_event_order(struct xs_handle *h, struct xs_handle *w)
{
	xs_transaction_t t;
	char buf[512], *v;

	CHECK_OK(simxs_write_str(h, XBT_NULL, "/to/dev/state", "4"));
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/to/dev/online", "1"));
	CHECK_OK(xs_watch(w, "/to", "to"));
	CHECK(simxs_events(w, buf, sizeof(buf)) == 1);
	t = xs_transaction_start(h);
	v = simxs_read(h, t, "/to/dev/state");
	free(v);
	CHECK_OK(simxs_write_str(h, t, "/to/dev/online", "0"));
	CHECK_OK(simxs_write_str(h, t, "/to/dev/state", "5"));
	CHECK_OK(simxs_write_str(h, t, "/to/dev/online", "0"));
	CHECK_OK(xs_transaction_end(h, t, false));
	CHECK(simxs_events(w, buf, sizeof(buf)) == 2);
	CHECK(strcmp(buf, "/to/dev/state|to;/to/dev/online|to") == 0);
	/* Remove and make again, with permissions and keys. */
	t = xs_transaction_start(h);
	CHECK_OK(xs_rm(h, t, "/to/dev"));
	CHECK_OK(xs_mkdir(h, t, "/to/dev"));
	CHECK_OK(simxs_set_perms(h, t, "/to/dev", "n0,r5"));
	CHECK_OK(simxs_write_str(h, t, "/to/dev/frontend", "f"));
	CHECK_OK(simxs_write_str(h, t, "/to/dev/state", "1"));
	CHECK_OK(xs_transaction_end(h, t, false));
	/* online went with the old directory: only a watch on it exactly
	 * would hear of it. */
	CHECK(simxs_events(w, buf, sizeof(buf)) == 3);
	CHECK(strcmp(buf, "/to/dev|to;/to/dev/state|to;/to/dev/frontend|to")
	      == 0);
	CHECK(simxs_read_is(h, XBT_NULL, "/to/dev/state", "1"));
	CHECK_FAILS(simxs_read(h, XBT_NULL, "/to/dev/online") != NULL,
		    ENOENT);
	CHECK_OK(xs_unwatch(w, "/to", "to"));
	CHECK_OK(xs_rm(h, XBT_NULL, "/to"));
}

static void
test_guest(struct simxs_env *env, struct xs_handle *h)
{
	xs_transaction_t t[11];
	struct xs_handle *g, *g2;
	unsigned int i;

	CHECK_OK(xs_introduce_domain(h, 5, 0, 1));
	CHECK_OK(xs_mkdir(h, XBT_NULL, "/local/domain/5/device"));
	CHECK_OK(simxs_set_perms(h, XBT_NULL, "/local/domain/5/device", "n5"));
	g = simxs_open(env, 5);
	CHECK(g != NULL);
	if (g == NULL)
		return;
	/* Permissions hold inside transactions. */
	t[0] = xs_transaction_start(g);
	CHECK_FAILS(simxs_write_str(g, t[0], "/local/domain/0/x", "1"), EACCES);
	CHECK_OK(simxs_write_str(g, t[0], "device/k", "1"));
	CHECK_OK(xs_transaction_end(g, t[0], false));
	CHECK(simxs_read_is(h, XBT_NULL, "/local/domain/5/device/k", "1"));
	/* At most 10 open transactions per guest, over all its
	 * connections; ending or disconnecting gives them back. */
	g2 = simxs_open(env, 5);
	CHECK(g2 != NULL);
	if (g2 == NULL)
		return;
	for (i = 0; i < 10; i++) {
		t[i] = xs_transaction_start(i < 5 ? g : g2);
		CHECK(t[i] != XBT_NULL);
	}
	CHECK(xs_transaction_start(g) == XBT_NULL && errno == ENOSPC);
	CHECK(xs_transaction_start(g2) == XBT_NULL && errno == ENOSPC);
	for (i = 0; i < 5; i++)
		CHECK_OK(xs_transaction_end(g, t[i], true));
	xs_close(g2);
	CHECK(simxs_env_wait_conns(env, 3));
	for (i = 0; i < 10; i++) {
		t[i] = xs_transaction_start(g);
		CHECK(t[i] != XBT_NULL);
	}
	for (i = 0; i < 10; i++)
		CHECK_OK(xs_transaction_end(g, t[i], true));
	/* Another connection's transaction id is unknown here. */
	t[0] = xs_transaction_start(h);
	CHECK_FAILS(simxs_read(g, t[0], "device/k") != NULL, ENOENT);
	CHECK_OK(xs_transaction_end(h, t[0], true));
	xs_close(g);
}

int
main(void)
{
	struct simxs_env env;
	struct xs_handle *h, *o;

	simxs_env_start(&env);
	h = simxs_open(&env, 0);
	o = simxs_open(&env, 0);
	CHECK(h != NULL && o != NULL);
	if (h == NULL || o == NULL)
		return 1;
	test_commit_abort(h, o);
	test_conflicts(h, o);
	test_watch_on_commit(h, o);
	test_commit_event_order(h, o);
	test_guest(&env, h);
	CHECK_FAILS(simxs_read(h, 12345, "/t") != NULL, ENOENT);
	xs_close(o);
	xs_close(h);
	simxs_env_stop(&env);
	if (simxs_failures)
		fprintf(stderr, "%d check(s) failed\n", simxs_failures);
	return simxs_failures ? 1 : 0;
}
