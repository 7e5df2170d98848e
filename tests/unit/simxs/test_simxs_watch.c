/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Simulated xenstored, watches through the real libxenstore: the initial
 * event, change events on the node and its ancestors, removal of a
 * subtree, relative watches, permission filtering, unwatch, duplicates,
 * the watch quota, and @introduceDomain/@releaseDomain (incl. a guest
 * dying under the hypervisor).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "simxs_harness.h"

#define EVBUF 2048

static bool
events_are(struct xs_handle *h, const char *expected)
{
	char buf[EVBUF];

	if (simxs_events(h, buf, sizeof(buf)) < 0) {
		fprintf(stderr, "no sync event\n");
		return false;
	}
	if (strcmp(buf, expected) != 0) {
		fprintf(stderr, "events '%s', expected '%s'\n", buf, expected);
		return false;
	}
	return true;
}

static void
test_basic(struct xs_handle *h, struct xs_handle *w)
{
	/* The first event comes right away, node or not. */
	CHECK_OK(xs_watch(w, "/w", "t1"));
	CHECK(events_are(w, "/w|t1"));
	/* Changes at the node and below; not beside it. */
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/w", "1"));
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/w/a/b", "2"));
	CHECK_OK(xs_mkdir(h, XBT_NULL, "/w/c"));
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/wx", "3"));
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/v", "4"));
	CHECK(events_are(w, "/w|t1;/w/a/b|t1;/w/c|t1"));
	/* mkdir of an existing node and rm of a missing one change
	 * nothing. */
	CHECK_OK(xs_mkdir(h, XBT_NULL, "/w/c"));
	CHECK_OK(xs_rm(h, XBT_NULL, "/w/none"));
	CHECK(events_are(w, ""));
	/* Two watches matching the same change both fire. */
	CHECK_OK(xs_watch(w, "/w/a", "t2"));
	CHECK(events_are(w, "/w/a|t2"));
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/w/a/b", "5"));
	CHECK(events_are(w, "/w/a/b|t1;/w/a/b|t2"));
	/* Same path and token twice: EEXIST; other token: fine. */
	CHECK_FAILS(xs_watch(w, "/w/a", "t2"), EEXIST);
	/* The watcher's own writes fire its watches too. */
	CHECK_OK(simxs_write_str(w, XBT_NULL, "/w/own", "1"));
	CHECK(events_are(w, "/w/own|t1"));
}

static void
test_rm_subtree(struct xs_handle *h, struct xs_handle *w)
{
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/w/a/b/c", "1"));
	CHECK_OK(xs_watch(w, "/w/a/b/c", "deep"));
	CHECK_OK(xs_watch(w, "/w/a/b/c/none", "none"));
	CHECK(events_are(w, "/w/a/b/c|t1;/w/a/b/c|t2;/w/a/b/c|deep;"
			 "/w/a/b/c/none|none"));
	/* Removing /w/a: watches on it and above see /w/a; a watch on a
	 * removed descendant sees its own path; none for missing ones. */
	CHECK_OK(xs_rm(h, XBT_NULL, "/w/a"));
	CHECK(events_are(w, "/w/a|t1;/w/a|t2;/w/a/b/c|deep"));
	CHECK_OK(xs_unwatch(w, "/w/a/b/c", "deep"));
	CHECK_OK(xs_unwatch(w, "/w/a/b/c/none", "none"));
	CHECK_OK(xs_unwatch(w, "/w/a", "t2"));
	CHECK_FAILS(xs_unwatch(w, "/w/a", "t2"), ENOENT);
	CHECK_FAILS(xs_unwatch(w, "/w", "other"), ENOENT);
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/w/a/b/c", "1"));
	CHECK(events_are(w, "/w/a/b/c|t1"));
	CHECK_OK(xs_unwatch(w, "/w", "t1"));
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/w/a", "1"));
	CHECK(events_are(w, ""));
}

static void
test_relative(struct xs_handle *h, struct xs_handle *w)
{
	CHECK_OK(xs_watch(w, "rel", "r"));
	CHECK(events_are(w, "rel|r"));
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/local/domain/0/rel/x", "1"));
	CHECK(events_are(w, "rel/x|r"));
	CHECK_OK(xs_unwatch(w, "rel", "r"));
	/* An absolute watch on the same node reports absolute paths. */
	CHECK_OK(xs_watch(w, "/local/domain/0/rel", "a"));
	CHECK_OK(simxs_write_str(h, XBT_NULL, "rel/y", "1"));
	CHECK(events_are(w, "/local/domain/0/rel|a;/local/domain/0/rel/y|a"));
	CHECK_OK(xs_unwatch(w, "/local/domain/0/rel", "a"));
	CHECK_FAILS(xs_watch(w, "/bad//path", "b"), EINVAL);
}

static void
test_perms_filter(struct xs_handle *h, struct xs_handle *g)
{
	char buf[64];

	CHECK_OK(xs_mkdir(h, XBT_NULL, "/local/domain/0/secret"));
	/* The initial event is always sent. */
	CHECK_OK(xs_watch(g, "/local/domain/0/secret", "s"));
	CHECK(events_are(g, "/local/domain/0/secret|s"));
	/* Unreadable changes are not reported. */
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/local/domain/0/secret", "1"));
	CHECK(events_are(g, ""));
	/* Granting read fires (new perms readable); then changes show;
	 * revoking fires (old perms readable); then silence again. */
	CHECK_OK(simxs_set_perms(h, XBT_NULL, "/local/domain/0/secret",
				 "n0,r5"));
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/local/domain/0/secret", "2"));
	CHECK_OK(simxs_set_perms(h, XBT_NULL, "/local/domain/0/secret", "n0"));
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/local/domain/0/secret", "3"));
	CHECK(events_are(g, "/local/domain/0/secret|s;"
			 "/local/domain/0/secret|s;/local/domain/0/secret|s"));
	/* A readable parent is enough (xenstored's watch_permitted). */
	CHECK_OK(simxs_set_perms(h, XBT_NULL, "/local/domain/0/secret",
				 "n0,r5"));
	CHECK(events_are(g, "/local/domain/0/secret|s"));
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/local/domain/0/secret/k", "1"));
	CHECK_OK(simxs_set_perms(h, XBT_NULL, "/local/domain/0/secret/k",
				 "n0"));
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/local/domain/0/secret/k", "2"));
	CHECK(events_are(g, "/local/domain/0/secret/k|s;"
			 "/local/domain/0/secret/k|s;/local/domain/0/secret/k|s"));
	/* Special watches belong to dom0 unless granted. */
	CHECK_OK(xs_watch(g, "@releaseDomain", "rel"));
	CHECK(events_are(g, "@releaseDomain|rel"));
	CHECK_OK(xs_introduce_domain(h, 8, 0, 1));
	CHECK_OK(xs_release_domain(h, 8));
	CHECK(events_are(g, ""));
	/* dom0 may grant them; the guest may not change that. */
	CHECK_OK(simxs_set_perms(h, XBT_NULL, "@releaseDomain", "n0,r5"));
	CHECK_OK(simxs_perms(g, XBT_NULL, "@releaseDomain", buf, sizeof(buf)));
	CHECK(strcmp(buf, "n0,r5") == 0);
	CHECK_FAILS(simxs_perms(g, XBT_NULL, "@introduceDomain", buf,
				sizeof(buf)), EACCES);
	CHECK_FAILS(simxs_set_perms(g, XBT_NULL, "@releaseDomain", "n0,r5,r6"),
		    EACCES);
	CHECK_OK(xs_introduce_domain(h, 8, 0, 1));
	CHECK_OK(xs_release_domain(h, 8));
	CHECK(events_are(g, "@releaseDomain|rel"));
	CHECK_OK(simxs_set_perms(h, XBT_NULL, "@releaseDomain", "n0"));
	CHECK_OK(xs_unwatch(g, "@releaseDomain", "rel"));
}

/* RESET_WATCHES (sent by guest kernels at boot) drops the connection's
 * watches and transactions. */
static void
test_reset(struct simxs_env *env, struct xs_handle *h)
{
	struct xsd_sockmsg hdr;
	char buf[128];
	unsigned long id;
	int fd;

	fd = simxs_raw_connect(env, 0);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(simxs_raw_send(fd, XS_WATCH, 1, 0, "/reset\0tok", 11) == 0);
	CHECK(simxs_raw_recv(fd, &hdr, buf, sizeof(buf), false) == 0);
	CHECK(hdr.type == XS_WATCH && hdr.req_id == 1 && strcmp(buf, "OK") == 0);
	CHECK(simxs_raw_recv(fd, &hdr, buf, sizeof(buf), false) == 0);
	CHECK(hdr.type == XS_WATCH_EVENT && hdr.req_id == 0 && hdr.len == 11 &&
	      memcmp(buf, "/reset\0tok", 11) == 0);
	CHECK(simxs_raw_send(fd, XS_TRANSACTION_START, 2, 0, "", 1) == 0);
	CHECK(simxs_raw_recv(fd, &hdr, buf, sizeof(buf), false) == 0);
	id = strtoul(buf, NULL, 10);
	CHECK(hdr.type == XS_TRANSACTION_START && id != 0);
	CHECK(simxs_raw_send(fd, XS_RESET_WATCHES, 3, 0, "", 0) == 0);
	CHECK(simxs_raw_recv(fd, &hdr, buf, sizeof(buf), false) == 0);
	CHECK(hdr.type == XS_RESET_WATCHES && strcmp(buf, "OK") == 0);
	/* No event for this change: the next message is the reply. */
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/reset", "1"));
	CHECK(simxs_raw_send(fd, XS_TRANSACTION_END, 4, (uint32_t)id, "F", 2) ==
	      0);
	CHECK(simxs_raw_recv(fd, &hdr, buf, sizeof(buf), false) == 0);
	CHECK(hdr.type == XS_ERROR && hdr.req_id == 4 &&
	      strcmp(buf, "ENOENT") == 0);
	close(fd);
}

static void
test_quota(struct simxs_env *env, struct xs_handle *g)
{
	struct xs_handle *g2;
	char tok[32];
	unsigned int i;

	/* 128 watches per domain (1 set above), over all its
	 * connections. */
	for (i = 0; i < 127; i++) {
		snprintf(tok, sizeof(tok), "q%u", i);
		CHECK_OK(xs_watch(g, "device", tok));
	}
	CHECK_FAILS(xs_watch(g, "device", "over"), E2BIG);
	g2 = simxs_open(env, 5);
	CHECK(g2 != NULL);
	if (g2 != NULL) {
		CHECK_FAILS(xs_watch(g2, "device", "over"), E2BIG);
		xs_close(g2);
	}
	CHECK_OK(xs_unwatch(g, "device", "q0"));
	CHECK_OK(xs_watch(g, "device", "again"));
}

static void
test_domains(struct simxs_env *env, struct xs_handle *h,
	     struct xs_handle *w)
{
	struct xs_handle *g;
	struct stat st;
	char sock[128];

	CHECK_OK(xs_watch(w, "@introduceDomain", "in"));
	CHECK_OK(xs_watch(w, "@releaseDomain", "out"));
	CHECK(events_are(w, "@introduceDomain|in;@releaseDomain|out"));
	CHECK_OK(xs_introduce_domain(h, 3, 1234, 7));
	CHECK(xs_is_domain_introduced(h, 3));
	simxs_env_sock(env, 3, sock, sizeof(sock));
	CHECK(stat(sock, &st) == 0 && S_ISSOCK(st.st_mode));
	/* Introducing again: accepted, no second event. */
	CHECK_OK(xs_introduce_domain(h, 3, 1234, 7));
	CHECK(events_are(w, "@introduceDomain|in"));
	CHECK_FAILS(xs_introduce_domain(h, 0, 0, 1), EINVAL);
	CHECK_FAILS(xs_introduce_domain(h, 4, 0, 0), EINVAL);
	CHECK_FAILS(xs_introduce_domain(h, 0x7ff0, 0, 1), EINVAL);
	CHECK_FAILS(xs_release_domain(h, 4), ENOENT);
	CHECK_FAILS(xs_release_domain(h, 0), EINVAL);

	/* Release: socket gone, its connections dropped, event. */
	g = simxs_open(env, 3);
	CHECK(g != NULL);
	if (g != NULL)
		CHECK(simxs_read(g, XBT_NULL, "/local/domain/3") == NULL &&
		      errno == EACCES);
	CHECK_OK(xs_release_domain(h, 3));
	CHECK(events_are(w, "@releaseDomain|out"));
	CHECK(!xs_is_domain_introduced(h, 3));
	CHECK(stat(sock, &st) < 0 && errno == ENOENT);
	if (g != NULL) {
		CHECK(simxs_read(g, XBT_NULL, "/local/domain/3") == NULL);
		xs_close(g);
	}
	CHECK_FAILS(xs_release_domain(h, 3), ENOENT);

	/* The hypervisor reports a guest death: @releaseDomain, domain
	 * forgotten (a later RELEASE finds nothing). */
	CHECK_OK(xs_introduce_domain(h, 4, 1, 1));
	g = simxs_open(env, 4);
	CHECK(g != NULL);
	CHECK(events_are(w, "@introduceDomain|in"));
	simxs_env_domain_died(env, 4);
	CHECK(events_are(w, "@releaseDomain|out"));
	CHECK(!xs_is_domain_introduced(h, 4));
	CHECK_FAILS(xs_release_domain(h, 4), ENOENT);
	if (g != NULL) {
		CHECK(simxs_read(g, XBT_NULL, "/local/domain/4") == NULL);
		xs_close(g);
	}
	/* And it can come back under the same id. */
	CHECK_OK(xs_introduce_domain(h, 4, 1, 1));
	CHECK(events_are(w, "@introduceDomain|in"));
	CHECK_OK(xs_release_domain(h, 4));
	CHECK(events_are(w, "@releaseDomain|out"));
}

int
main(void)
{
	struct simxs_env env;
	struct xs_handle *h, *w, *g;

	simxs_env_start(&env);
	h = simxs_open(&env, 0);
	w = simxs_open(&env, 0);
	CHECK(h != NULL && w != NULL);
	if (h == NULL || w == NULL)
		return 1;
	test_basic(h, w);
	test_rm_subtree(h, w);
	test_relative(h, w);
	CHECK_OK(xs_introduce_domain(h, 5, 0, 1));
	g = simxs_open(&env, 5);
	CHECK(g != NULL);
	if (g != NULL) {
		test_perms_filter(h, g);
		test_quota(&env, g);
		xs_close(g);
	}
	test_domains(&env, h, w);
	test_reset(&env, h);
	xs_close(w);
	xs_close(h);
	simxs_env_stop(&env);
	if (simxs_failures)
		fprintf(stderr, "%d check(s) failed\n", simxs_failures);
	return simxs_failures ? 1 : 0;
}
