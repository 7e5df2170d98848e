/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A guest domain dies (its process exits): xenstore fires @releaseDomain,
 * later grant operations on it fail with GNTST_bad_domain, pages mapped
 * before stay valid, and a new domain with the same id starts afresh once
 * the toolstack made it again. A guest may register only a domain the
 * toolstack made (-ESRCH) and not one that is registered already
 * (-EEXIST).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hv_test.h"
#include "xnb_hv.h"

#define DOMID 4

static struct xnb_hv *hv;

/* Wait for the next watch event and check it. */
static void
expect_watch(const char *path, const char *token)
{
	struct pollfd pfd = { .events = POLLIN };
	unsigned int num = 0;
	char **v;

	pfd.fd = hv->ops->xs_fd(hv);
	CHECK(pfd.fd >= 0);
	/* The fd also wakes for hv_sim's own watch, which it keeps. */
	while ((v = hv->ops->xs_read_watch(hv, &num)) == NULL) {
		CHECK_EQ(errno, EAGAIN);
		CHECK_EQ(poll(&pfd, 1, HVT_TIMEOUT_MS), 1);
	}
	CHECK_EQ(num, 2);
	CHECK(strcmp(v[0], path) == 0);
	CHECK(strcmp(v[1], token) == 0);
	free(v);
}

static void
no_more_watches(void)
{
	unsigned int num;

	CHECK(hv->ops->xs_read_watch(hv, &num) == NULL);
	CHECK_EQ(errno, EAGAIN);
}

static int16_t
copy_in(xnb_gref_t ref, uint8_t *buf)
{
	struct xnb_gcopy op = {
		.source.foreign = { .ref = ref, .domid = DOMID },
		.dest.virt = buf,
		.len = 64,
		.flags = XNB_GCOPY_SOURCE_GREF,
		.status = 99,
	};

	CHECK_EQ(hv->ops->copy_grants(hv, &op, 1), 0);
	return op.status;
}

static uint8_t *
start_and_map(struct hvt_guest *g, uint8_t byte, xnb_gref_t *ref)
{
	uint8_t *p;
	int r;

	hvt_guest_start(g, DOMID, 4, 16, 0);
	CHECK_EQ(hvt_guest_call(g, HVT_FILL, 1, byte, 0, 0, NULL), 0);
	r = hvt_guest_call(g, HVT_GRANT, 0, 1, 0, 0, NULL);
	CHECK(r >= 8);
	*ref = (xnb_gref_t)r;
	p = hv->ops->map_grants(hv, DOMID, ref, 1, true, NULL);
	CHECK(p != NULL);
	CHECK_EQ(p[0], byte);
	return p;
}

/* After the death: bad domain everywhere, but our mapping lives on. */
static void
check_dead(xnb_gref_t ref, uint8_t *p, uint8_t byte)
{
	uint8_t buf[64];
	int16_t st = 99;

	CHECK_EQ(copy_in(ref, buf), XNB_GNTST_BAD_DOMAIN);
	CHECK(hv->ops->map_grants(hv, DOMID, &ref, 1, false, &st) == NULL);
	CHECK_EQ(st, XNB_GNTST_BAD_DOMAIN);
	CHECK_EQ(p[4095], byte);
	p[0] = byte + 1;
	CHECK_EQ(p[0], byte + 1);
	CHECK_EQ(hv->ops->unmap_grants(hv, p, 1), 0);
}

struct racer {
	xnb_gref_t ref;
	int result;	/* 1: saw the domain go, -1: wrong status */
};

/* Copy until the domain is gone: every status is OKAY, then BAD_DOMAIN. */
static void *
racer_main(void *arg)
{
	struct racer *r = arg;
	uint8_t buf[64];
	long i;
	int16_t st;

	r->result = -1;
	for (i = 0; i < 100000000L; i++) {
		st = copy_in(r->ref, buf);
		if (st == XNB_GNTST_BAD_DOMAIN) {
			r->result = 1;
			break;
		}
		if (st != XNB_GNTST_OKAY || buf[0] != 0x2d)
			break;
	}
	return NULL;
}

/* The domain dies while two threads copy from it. */
static void
test_death_under_load(void)
{
	struct racer r[2];
	struct hvt_guest g;
	pthread_t t[2];
	xnb_gref_t ref;
	uint8_t *p;
	int i;

	p = start_and_map(&g, 0x2d, &ref);
	for (i = 0; i < 2; i++) {
		r[i].ref = ref;
		CHECK(pthread_create(&t[i], NULL, racer_main, &r[i]) == 0);
	}
	hvt_guest_stop(&g, HVT_DIE);
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ(r[i].result, 1);
	}
	expect_watch("@releaseDomain", "rel");
	check_dead(ref, p, 0x2d);
}

/* Only domains the toolstack made, each registered once. */
static void
test_registration(void)
{
	struct hvt_guest g, twin;

	/* Never made; and the domain that died above is gone for good. */
	CHECK(!hvt_domain_introduced(DOMID + 1));
	CHECK_EQ(hvt_guest_open(&g, DOMID + 1, 4, 16), -ESRCH);
	CHECK(!hvt_domain_introduced(DOMID));
	CHECK_EQ(hvt_guest_open(&g, DOMID, 4, 16), -ESRCH);
	/* Made: one guest may have it, a second is refused. */
	hvt_domain_create(DOMID);
	CHECK_EQ(hvt_guest_open(&g, DOMID, 4, 16), 0);
	CHECK_EQ(hvt_guest_open(&twin, DOMID, 4, 16), -EEXIST);
	CHECK_EQ(hvt_guest_start(&twin, DOMID, 4, 16, 1), -EEXIST);
	/* The refusals did not disturb the registered guest. */
	CHECK(hvt_guest_call(&g, HVT_GRANT, 0, 1, 0, 0, NULL) >= 8);
	hvt_guest_stop(&g, HVT_CLOSE);
	expect_watch("@releaseDomain", "rel");
	no_more_watches();
}

int
main(void)
{
	struct hvt_guest g;
	uint8_t buf[64];
	xnb_gref_t ref;
	uint8_t *p;

	hvt_simhv_start();
	hv = xnb_hv_open("sim", NULL);
	CHECK(hv != NULL);
	CHECK_EQ(hv->ops->xs_watch(hv, "@releaseDomain", "rel"), 0);
	/* Xenstored fires every new watch once. */
	expect_watch("@releaseDomain", "rel");
	no_more_watches();

	/* A crash: the process exits without unregistering. */
	p = start_and_map(&g, 0x42, &ref);
	CHECK_EQ(copy_in(ref, buf), XNB_GNTST_OKAY);
	CHECK_EQ(buf[63], 0x42);
	hvt_guest_stop(&g, HVT_DIE);
	expect_watch("@releaseDomain", "rel");
	check_dead(ref, p, 0x42);

	/* The same domid again is a new domain; then a clean shutdown. */
	p = start_and_map(&g, 0x17, &ref);
	CHECK_EQ(copy_in(ref, buf), XNB_GNTST_OKAY);
	CHECK_EQ(buf[0], 0x17);
	hvt_guest_stop(&g, HVT_CLOSE);
	expect_watch("@releaseDomain", "rel");
	check_dead(ref, p, 0x17);

	test_death_under_load();

	test_registration();

	CHECK_EQ(hv->ops->xs_unwatch(hv, "@releaseDomain", "rel"), 0);
	xnb_hv_close(hv);
	CHECK_EQ(hvt_simhv_stop(), 0);
	printf("test_hv_sim_death: ok\n");
	return 0;
}
