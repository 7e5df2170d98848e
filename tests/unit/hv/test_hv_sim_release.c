/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A dead guest's memory goes as soon as its death is known: hv_sim caches
 * each guest domain it copies from or maps (its memory memfd and four
 * mappings) and must release them once xenstore reports the death
 * (@releaseDomain, read through xs_read_watch), without any further grant
 * operation on that domid; a grant mapping held across the death keeps
 * them until it is unmapped; copies racing with the death stay safe. Live
 * domains stay cached. Counted in /proc/self/fd and /proc/self/maps.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv_test.h"
#include "xnb_hv.h"

#define LIVE_DOMID 7
#define DOMID 8

static struct xnb_hv *hv;

struct usage {
	int fds;	/* every fd but guest memory */
	int mem;	/* guest memory memfds */
	int maps;	/* lines of /proc/self/maps */
};

static void
usage_now(struct usage *u)
{
	char link[256];
	struct dirent *e;
	ssize_t n;
	FILE *f;
	DIR *d;
	int c;

	u->fds = 0;
	u->mem = 0;
	d = opendir("/proc/self/fd");
	CHECK(d != NULL);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		n = readlinkat(dirfd(d), e->d_name, link, sizeof(link) - 1);
		link[n < 0 ? 0 : n] = '\0';
		if (strstr(link, "memfd:xnb-simguest-mem") != NULL)
			u->mem++;
		else
			u->fds++;
	}
	closedir(d);
	u->maps = 0;
	f = fopen("/proc/self/maps", "r");
	CHECK(f != NULL);
	while ((c = fgetc(f)) != EOF)
		if (c == '\n')
			u->maps++;
	fclose(f);
}

static bool
usage_is(const struct usage *want)
{
	struct usage u;

	usage_now(&u);
	return u.fds == want->fds && u.mem == want->mem &&
	       u.maps == want->maps;
}

/* Read every queued watch event; only "rel" ones may come. */
static void
drain_watches(void)
{
	unsigned int num;
	char **v;

	while ((v = hv->ops->xs_read_watch(hv, &num)) != NULL) {
		CHECK_EQ(num, 2);
		CHECK(strcmp(v[0], "@releaseDomain") == 0);
		CHECK(strcmp(v[1], "rel") == 0);
		free(v);
	}
	CHECK_EQ(errno, EAGAIN);
}

/*
 * Serve watch events, as an owner's control thread does, until the usage
 * is back to want (bounded); want NULL (the warm-up round): for a while.
 * Only xs_read_watch runs: no grant operation names the dead domain.
 */
static void
wait_usage(const struct usage *want)
{
	struct pollfd pfd = { .events = POLLIN };
	struct usage u;
	int i;

	pfd.fd = hv->ops->xs_fd(hv);
	CHECK(pfd.fd >= 0);
	for (i = 0; i < (want == NULL ? 20 : HVT_TIMEOUT_MS / 10) &&
	     (want == NULL || !usage_is(want)); i++) {
		poll(&pfd, 1, 10);
		drain_watches();
	}
	if (want == NULL)
		return;
	usage_now(&u);
	CHECK_EQ(u.fds, want->fds);
	CHECK_EQ(u.mem, want->mem);
	CHECK_EQ(u.maps, want->maps);
}

static int16_t
copy_in(xnb_domid_t domid, xnb_gref_t ref, uint8_t *buf)
{
	struct xnb_gcopy op = {
		.source.foreign = { .ref = ref, .domid = domid },
		.dest.virt = buf,
		.len = 64,
		.flags = XNB_GCOPY_SOURCE_GREF,
		.status = 99,
	};

	CHECK_EQ(hv->ops->copy_grants(hv, &op, 1), 0);
	return op.status;
}

/* Start guest domid with page 1 full of byte, granted to us. */
static xnb_gref_t
start_guest(struct hvt_guest *g, uint16_t domid, uint8_t byte)
{
	int r;

	hvt_guest_start(g, domid, 4, 16, 0);
	CHECK_EQ(hvt_guest_call(g, HVT_FILL, 1, byte, 0, 0, NULL), 0);
	r = hvt_guest_call(g, HVT_GRANT, 0, 1, 0, 0, NULL);
	CHECK(r >= 8);
	return (xnb_gref_t)r;
}

/* Copy from the guest (it gets cached), then it dies. */
static void
die_after_copy(const struct usage *base)
{
	struct hvt_guest g;
	struct usage u;
	uint8_t buf[64];
	xnb_gref_t ref;

	ref = start_guest(&g, DOMID, 0x31);
	CHECK_EQ(copy_in(DOMID, ref, buf), XNB_GNTST_OKAY);
	CHECK_EQ(buf[17], 0x31);
	usage_now(&u);
	CHECK(base == NULL || u.mem == base->mem + 1);
	CHECK(base == NULL || u.maps > base->maps);
	hvt_guest_stop(&g, HVT_DIE);
	wait_usage(base);
}

/* A mapping held over the death keeps the domain until it is unmapped. */
static void
die_while_mapped(const struct usage *base)
{
	struct hvt_guest g;
	struct usage u;
	xnb_gref_t ref;
	uint8_t *p;
	int i;

	ref = start_guest(&g, DOMID, 0x52);
	p = hv->ops->map_grants(hv, DOMID, &ref, 1, true, NULL);
	CHECK(p != NULL);
	hvt_guest_stop(&g, HVT_CLOSE);
	/* Give the death every chance to be swept. */
	for (i = 0; i < 20; i++) {
		usleep(5000);
		drain_watches();
	}
	usage_now(&u);
	CHECK(base == NULL || u.mem == base->mem + 1);
	CHECK_EQ(p[4095], 0x52);
	CHECK_EQ(hv->ops->unmap_grants(hv, p, 1), 0);
	wait_usage(base);
}

struct racer {
	xnb_gref_t ref;
	int result;	/* 1: saw the domain go, -1: wrong status or data */
};

static void *
racer_main(void *arg)
{
	struct racer *r = arg;
	uint8_t buf[64];
	long i;
	int16_t st;

	r->result = -1;
	for (i = 0; i < 100000000L; i++) {
		st = copy_in(DOMID, r->ref, buf);
		if (st == XNB_GNTST_BAD_DOMAIN) {
			r->result = 1;
			break;
		}
		if (st != XNB_GNTST_OKAY || buf[0] != 0x6b)
			break;
	}
	return NULL;
}

/* Two threads copy from the guest while it dies and we sweep: the last
 * user of the retired domain releases it. */
static void
die_under_copies(const struct usage *base)
{
	struct racer r[2];
	struct hvt_guest g;
	pthread_t t[2];
	xnb_gref_t ref;
	int i;

	ref = start_guest(&g, DOMID, 0x6b);
	for (i = 0; i < 2; i++) {
		r[i].ref = ref;
		CHECK(pthread_create(&t[i], NULL, racer_main, &r[i]) == 0);
	}
	hvt_guest_stop(&g, HVT_DIE);
	drain_watches();
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ(r[i].result, 1);
	}
	wait_usage(base);
}

int
main(void)
{
	struct hvt_guest live;
	struct usage base;
	xnb_gref_t live_ref;
	uint8_t buf[64];

	hvt_simhv_start();
	hv = xnb_hv_open("sim", NULL);
	CHECK(hv != NULL);
	CHECK_EQ(hv->ops->xs_watch(hv, "@releaseDomain", "rel"), 0);
	live_ref = start_guest(&live, LIVE_DOMID, 0x99);
	CHECK_EQ(copy_in(LIVE_DOMID, live_ref, buf), XNB_GNTST_OKAY);

	/* A first round settles lazy allocations (the watch pipe, thread
	 * stacks, caches, arenas). */
	die_after_copy(NULL);
	die_while_mapped(NULL);
	die_under_copies(NULL);
	usage_now(&base);
	CHECK_EQ(base.mem, 1);

	die_after_copy(&base);
	die_while_mapped(&base);
	die_under_copies(&base);

	/* The live guest was left alone. */
	CHECK_EQ(copy_in(LIVE_DOMID, live_ref, buf), XNB_GNTST_OKAY);
	CHECK_EQ(buf[5], 0x99);
	hvt_guest_stop(&live, HVT_CLOSE);
	CHECK_EQ(hv->ops->xs_unwatch(hv, "@releaseDomain", "rel"), 0);
	xnb_hv_close(hv);
	CHECK_EQ(hvt_simhv_stop(), 0);
	printf("test_hv_sim_release: ok\n");
	return 0;
}
