/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Grant map/unmap/copy through the "sim" seam against a guest in another
 * process: Xen's checks and GNTST_* codes, contents visible both ways,
 * revocation while in use, batches with per-op status, copies refusing a
 * local side inside a foreign mapping, concurrent copies.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "hv_test.h"
#include "xnb_hv.h"

#define DOMID 5
#define NPAGES 16
#define NGRANTS 64
#define GTF_PERMIT 0x1
#define GTF_RO 0x4

static struct xnb_hv *hv;
static struct hvt_guest guest;

static int
grant(unsigned int pfn, int readonly)
{
	int ref = hvt_guest_call(&guest, HVT_GRANT, 0, pfn, readonly, 0, NULL);

	CHECK(ref >= 8);
	return ref;
}

static int
in_use(int ref)
{
	return hvt_guest_call(&guest, HVT_IN_USE, ref, 0, 0, 0, NULL);
}

static void
end_grant(int ref)
{
	CHECK_EQ(hvt_guest_call(&guest, HVT_END_GRANT, ref, 0, 0, 0, NULL), 0);
}

static uint8_t
guest_byte(unsigned int pfn, unsigned int off)
{
	uint8_t data[HVT_DATA_MAX];

	CHECK_EQ(hvt_guest_call(&guest, HVT_READ, pfn, off, 1, 0, data), 0);
	return data[0];
}

static void
fill(unsigned int pfn, uint8_t byte)
{
	CHECK_EQ(hvt_guest_call(&guest, HVT_FILL, pfn, byte, 0, 0, NULL), 0);
}

/* One failing ref: map must fail and report code. */
static void
map_fails(xnb_gref_t ref, bool writable, int16_t code)
{
	int16_t st = 99;

	errno = 0;
	CHECK(hv->ops->map_grants(hv, DOMID, &ref, 1, writable, &st) == NULL);
	CHECK(errno != 0);
	CHECK_EQ(st, code);
}

/* A batch mapped writable: guest data visible, our writes visible to the
 * guest, grants busy until unmapped. */
static void
test_map_batch(void)
{
	xnb_gref_t refs[3];
	int16_t st[3];
	uint8_t *p;
	int i;

	for (i = 0; i < 3; i++) {
		fill(1 + i, 0x10 + i);
		refs[i] = grant(1 + i, 0);
	}
	p = hv->ops->map_grants(hv, DOMID, refs, 3, true, st);
	CHECK(p != NULL);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(st[i], XNB_GNTST_OKAY);
		CHECK_EQ(p[i * 4096], 0x10 + i);
		CHECK_EQ(p[i * 4096 + 4095], 0x10 + i);
		CHECK_EQ(in_use(refs[i]), 1);
	}
	p[4096 + 7] = 0xab;
	CHECK_EQ(guest_byte(2, 7), 0xab);
	/* Revocation while mapped fails, as on Xen/Linux. */
	CHECK_EQ(hvt_guest_call(&guest, HVT_END_GRANT, refs[1], 0, 0, 0, NULL),
		 -EBUSY);
	CHECK_EQ(hv->ops->unmap_grants(hv, p, 3), 0);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(in_use(refs[i]), 0);
		end_grant(refs[i]);
	}
	/* Unmapping something that is not a region is refused. */
	CHECK_EQ(hv->ops->unmap_grants(hv, p, 3), -EINVAL);
}

/* Non-consecutive and repeated frames in one region. */
static void
test_map_scattered(void)
{
	xnb_gref_t refs[4];
	uint8_t *p;

	fill(9, 0x99);
	fill(4, 0x44);
	refs[0] = grant(9, 1);
	refs[1] = grant(4, 1);
	refs[2] = refs[0];
	refs[3] = grant(4, 1);
	p = hv->ops->map_grants(hv, DOMID, refs, 4, false, NULL);
	CHECK(p != NULL);
	CHECK_EQ(p[0], 0x99);
	CHECK_EQ(p[4096], 0x44);
	CHECK_EQ(p[2 * 4096 + 100], 0x99);
	CHECK_EQ(p[3 * 4096 + 4095], 0x44);
	CHECK_EQ(hv->ops->unmap_grants(hv, p, 4), 0);
	CHECK_EQ(in_use(refs[0]), 0);
	end_grant(refs[0]);
	end_grant(refs[1]);
	end_grant(refs[3]);
}

/* Two mappings of one grant: flags clear only at the last unmap. */
static void
test_map_twice(void)
{
	xnb_gref_t ref = grant(5, 0);
	uint8_t *a, *b;

	a = hv->ops->map_grants(hv, DOMID, &ref, 1, true, NULL);
	b = hv->ops->map_grants(hv, DOMID, &ref, 1, false, NULL);
	CHECK(a != NULL && b != NULL && a != b);
	a[10] = 0x5a;
	CHECK_EQ(b[10], 0x5a);
	CHECK_EQ(hv->ops->unmap_grants(hv, a, 1), 0);
	CHECK_EQ(in_use(ref), 1);
	CHECK_EQ(hvt_guest_call(&guest, HVT_END_GRANT, ref, 0, 0, 0, NULL),
		 -EBUSY);
	CHECK_EQ(hv->ops->unmap_grants(hv, b, 1), 0);
	CHECK_EQ(in_use(ref), 0);
	end_grant(ref);
}

static void
test_map_permissions(void)
{
	xnb_gref_t refs[2], ro, other, raw;
	int16_t st[2];
	uint8_t *p;

	/* Read-only grant: fine read-only, refused writable. */
	ro = grant(6, 1);
	p = hv->ops->map_grants(hv, DOMID, &ro, 1, false, NULL);
	CHECK(p != NULL);
	CHECK_EQ(hv->ops->unmap_grants(hv, p, 1), 0);
	map_fails(ro, true, XNB_GNTST_GENERAL_ERROR);
	CHECK_EQ(in_use(ro), 0);
	/* Granted to another domain. */
	other = hvt_guest_call(&guest, HVT_GRANT, 7, 6, 0, 0, NULL);
	CHECK(other >= 8 && other < NGRANTS);
	map_fails(other, false, XNB_GNTST_GENERAL_ERROR);
	/* Never granted, and beyond the table. */
	map_fails(NGRANTS - 1, false, XNB_GNTST_GENERAL_ERROR);
	map_fails(NGRANTS, false, XNB_GNTST_BAD_GNTREF);
	map_fails(0xffffffffu, false, XNB_GNTST_BAD_GNTREF);
	/* A hostile entry naming a frame the guest does not have. */
	raw = NGRANTS - 2;
	CHECK_EQ(hvt_guest_call(&guest, HVT_GRANT_RAW, raw, GTF_PERMIT, 0,
				NPAGES, NULL), 0);
	map_fails(raw, false, XNB_GNTST_BAD_PAGE);
	CHECK_EQ(in_use(raw), 0);
	/* Transfer-type entry (GTF_accept_transfer) is not an access grant. */
	CHECK_EQ(hvt_guest_call(&guest, HVT_GRANT_RAW, raw, 2, 0, 1, NULL), 0);
	map_fails(raw, false, XNB_GNTST_GENERAL_ERROR);
	CHECK_EQ(hvt_guest_call(&guest, HVT_GRANT_RAW, raw, 0, 0, 0, NULL), 0);
	/* No such domain. */
	refs[0] = ro;
	st[0] = 99;
	CHECK(hv->ops->map_grants(hv, 9, refs, 1, false, st) == NULL);
	CHECK_EQ(st[0], XNB_GNTST_BAD_DOMAIN);
	/* All or nothing: the good ref of a failed batch is left unmapped. */
	refs[0] = ro;
	refs[1] = NGRANTS + 5;
	CHECK(hv->ops->map_grants(hv, DOMID, refs, 2, false, st) == NULL);
	CHECK_EQ(st[0], XNB_GNTST_OKAY);
	CHECK_EQ(st[1], XNB_GNTST_BAD_GNTREF);
	CHECK_EQ(in_use(ro), 0);
	end_grant(ro);
	end_grant(other);
}

static void
test_copy(void)
{
	uint8_t buf[4096];
	struct xnb_gcopy ops[5];
	int rw, ro, i;

	fill(7, 0x77);
	fill(8, 0x00);
	ro = grant(7, 1);
	rw = grant(8, 0);
	memset(ops, 0, sizeof(ops));
	memset(buf, 0, sizeof(buf));
	/* 0: guest -> local, 1: local -> guest, 2: guest -> guest,
	 * 3: into a read-only grant, 4: across a page end. */
	ops[0].source.foreign.ref = ro;
	ops[0].source.foreign.domid = DOMID;
	ops[0].source.foreign.offset = 100;
	ops[0].dest.virt = buf;
	ops[0].len = 50;
	ops[0].flags = XNB_GCOPY_SOURCE_GREF;
	for (i = 0; i < 8; i++)
		buf[1000 + i] = 0xc0 + i;
	ops[1].source.virt = buf + 1000;
	ops[1].dest.foreign.ref = rw;
	ops[1].dest.foreign.domid = DOMID;
	ops[1].dest.foreign.offset = 4088;
	ops[1].len = 8;
	ops[1].flags = XNB_GCOPY_DEST_GREF;
	ops[2].source.foreign.ref = ro;
	ops[2].source.foreign.domid = DOMID;
	ops[2].dest.foreign.ref = rw;
	ops[2].dest.foreign.domid = DOMID;
	ops[2].len = 16;
	ops[2].flags = XNB_GCOPY_SOURCE_GREF | XNB_GCOPY_DEST_GREF;
	ops[3] = ops[2];
	ops[3].dest.foreign.ref = ro;
	ops[4] = ops[1];
	ops[4].dest.foreign.offset = 4089;
	for (i = 0; i < 5; i++)
		ops[i].status = 99;
	CHECK_EQ(hv->ops->copy_grants(hv, ops, 5), 0);
	CHECK_EQ(ops[0].status, XNB_GNTST_OKAY);
	CHECK_EQ(ops[1].status, XNB_GNTST_OKAY);
	CHECK_EQ(ops[2].status, XNB_GNTST_OKAY);
	CHECK_EQ(ops[3].status, XNB_GNTST_GENERAL_ERROR);
	CHECK_EQ(ops[4].status, XNB_GNTST_BAD_COPY_ARG);
	CHECK_EQ(buf[100], 0);
	CHECK_EQ(buf[0], 0x77);
	CHECK_EQ(buf[49], 0x77);
	CHECK_EQ(buf[50], 0);
	CHECK_EQ(guest_byte(8, 4088), 0xc0);
	CHECK_EQ(guest_byte(8, 4095), 0xc7);
	CHECK_EQ(guest_byte(8, 0), 0x77);
	CHECK_EQ(guest_byte(8, 15), 0x77);
	CHECK_EQ(guest_byte(8, 16), 0x00);
	/* Flags were held for the copies only. */
	CHECK_EQ(in_use(ro), 0);
	CHECK_EQ(in_use(rw), 0);

	/* Mixed batch: bad domain, bad ref, wrong domid, source overrun. */
	memset(ops, 0, sizeof(ops));
	for (i = 0; i < 4; i++) {
		ops[i].source.foreign.ref = ro;
		ops[i].source.foreign.domid = DOMID;
		ops[i].dest.virt = buf;
		ops[i].len = 1;
		ops[i].flags = XNB_GCOPY_SOURCE_GREF;
	}
	ops[0].source.foreign.domid = 9;
	ops[1].source.foreign.ref = NGRANTS;
	ops[2].source.foreign.ref = NGRANTS - 1;
	ops[3].source.foreign.offset = 4000;
	ops[3].len = 97;
	CHECK_EQ(hv->ops->copy_grants(hv, ops, 4), 0);
	CHECK_EQ(ops[0].status, XNB_GNTST_BAD_DOMAIN);
	CHECK_EQ(ops[1].status, XNB_GNTST_BAD_GNTREF);
	CHECK_EQ(ops[2].status, XNB_GNTST_GENERAL_ERROR);
	CHECK_EQ(ops[3].status, XNB_GNTST_BAD_COPY_ARG);
	/* A copy alongside a mapping leaves the mapping's pin alone. */
	{
		xnb_gref_t r = ro;
		uint8_t *p = hv->ops->map_grants(hv, DOMID, &r, 1, false,
						 NULL);

		CHECK(p != NULL);
		ops[0] = ops[3];
		ops[0].source.foreign.offset = 0;
		ops[0].len = 4096;
		CHECK_EQ(hv->ops->copy_grants(hv, ops, 1), 0);
		CHECK_EQ(ops[0].status, XNB_GNTST_OKAY);
		CHECK_EQ(in_use(ro), 1);
		CHECK_EQ(hv->ops->unmap_grants(hv, p, 1), 0);
		CHECK_EQ(in_use(ro), 0);
	}
	end_grant(ro);
	end_grant(rw);
}

/*
 * Xen takes a copy's local side only from the caller's own pages: a local
 * pointer into a page we mapped from a guest is GNTST_bad_page for that
 * op (source or destination, even one byte of it), the other ops of the
 * batch go on, and naming the grants instead works.
 */
static void
test_copy_local_in_mapping(void)
{
	struct xnb_gcopy ops[5];
	xnb_gref_t refs[2];
	uint8_t buf[64], *p;
	int i;

	fill(9, 0x99);
	fill(10, 0x10);
	refs[0] = grant(9, 1);
	refs[1] = grant(10, 0);
	p = hv->ops->map_grants(hv, DOMID, &refs[1], 1, true, NULL);
	CHECK(p != NULL);
	memset(ops, 0, sizeof(ops));
	memset(buf, 0xee, sizeof(buf));
	/* 0: grant -> into the mapping, 1: the mapping -> own buffer,
	 * 2: own buffer -> grant, 3: the mapping's last byte -> own buffer,
	 * 4: grant -> grant (what a copy between guests must do). */
	ops[0].source.foreign.ref = refs[0];
	ops[0].source.foreign.domid = DOMID;
	ops[0].dest.virt = p + 100;
	ops[0].len = 8;
	ops[0].flags = XNB_GCOPY_SOURCE_GREF;
	ops[1].source.virt = p;
	ops[1].dest.virt = buf;
	ops[1].len = 8;
	ops[2].source.virt = buf;
	ops[2].dest.foreign.ref = refs[1];
	ops[2].dest.foreign.domid = DOMID;
	ops[2].dest.foreign.offset = 200;
	ops[2].len = 4;
	ops[2].flags = XNB_GCOPY_DEST_GREF;
	ops[3].source.virt = p + 4095;
	ops[3].dest.virt = buf;
	ops[3].len = 1;
	ops[4].source.foreign.ref = refs[0];
	ops[4].source.foreign.domid = DOMID;
	ops[4].dest.foreign.ref = refs[1];
	ops[4].dest.foreign.domid = DOMID;
	ops[4].dest.foreign.offset = 300;
	ops[4].len = 8;
	ops[4].flags = XNB_GCOPY_SOURCE_GREF | XNB_GCOPY_DEST_GREF;
	for (i = 0; i < 5; i++)
		ops[i].status = 99;
	CHECK_EQ(hv->ops->copy_grants(hv, ops, 5), 0);
	CHECK_EQ(ops[0].status, XNB_GNTST_BAD_PAGE);
	CHECK_EQ(ops[1].status, XNB_GNTST_BAD_PAGE);
	CHECK_EQ(ops[2].status, XNB_GNTST_OKAY);
	CHECK_EQ(ops[3].status, XNB_GNTST_BAD_PAGE);
	CHECK_EQ(ops[4].status, XNB_GNTST_OKAY);
	/* Refused ops touched nothing; the others landed. */
	CHECK_EQ(p[100], 0x10);
	CHECK_EQ(buf[0], 0xee);
	CHECK_EQ(p[200], 0xee);
	CHECK_EQ(p[300], 0x99);
	CHECK_EQ(p[307], 0x99);
	CHECK_EQ(p[308], 0x10);
	/* The source pin of the refused op 0 was dropped again. */
	CHECK_EQ(in_use(refs[0]), 0);
	CHECK_EQ(hv->ops->unmap_grants(hv, p, 1), 0);
	/* Unmapped, the address is still not ours to copy from. */
	ops[1].status = 99;
	CHECK_EQ(hv->ops->copy_grants(hv, &ops[1], 1), 0);
	CHECK_EQ(ops[1].status, XNB_GNTST_BAD_PAGE);
	end_grant(refs[0]);
	end_grant(refs[1]);
}

struct copier {
	int src_ref;
	int dst_ref;
	uint8_t byte;
	int ok;
};

#define COPY_ROUNDS 2000

/* Copy a guest page out and a local pattern in, over and over. */
static void *
copier_main(void *arg)
{
	struct copier *c = arg;
	uint8_t in[256], out[256];
	struct xnb_gcopy ops[2];
	int i;

	memset(out, c->byte, sizeof(out));
	for (i = 0; i < COPY_ROUNDS; i++) {
		memset(ops, 0, sizeof(ops));
		ops[0].source.foreign.ref = c->src_ref;
		ops[0].source.foreign.domid = DOMID;
		ops[0].source.foreign.offset = 512;
		ops[0].dest.virt = in;
		ops[0].len = sizeof(in);
		ops[0].flags = XNB_GCOPY_SOURCE_GREF;
		ops[1].source.virt = out;
		ops[1].dest.foreign.ref = c->dst_ref;
		ops[1].dest.foreign.domid = DOMID;
		ops[1].len = sizeof(out);
		ops[1].flags = XNB_GCOPY_DEST_GREF;
		if (hv->ops->copy_grants(hv, ops, 2) != 0 ||
		    ops[0].status != XNB_GNTST_OKAY ||
		    ops[1].status != XNB_GNTST_OKAY || in[0] != 0x3c ||
		    in[255] != 0x3c)
			return NULL;
	}
	c->ok = 1;
	return NULL;
}

/* Map and unmap the grant the copiers read, sharing its pin count. */
static void *
mapper_main(void *arg)
{
	struct copier *c = arg;
	xnb_gref_t ref = c->src_ref;
	uint8_t *p;
	int i;

	for (i = 0; i < COPY_ROUNDS / 4; i++) {
		p = hv->ops->map_grants(hv, DOMID, &ref, 1, false, NULL);
		if (p == NULL || p[512] != 0x3c ||
		    hv->ops->unmap_grants(hv, p, 1) != 0)
			return NULL;
	}
	c->ok = 1;
	return NULL;
}

static void
test_concurrent_copies(void)
{
	struct copier c[3];
	pthread_t t[3];
	int shared, i;

	fill(10, 0x3c);
	shared = grant(10, 1);
	c[2].src_ref = shared;
	c[2].ok = 0;
	CHECK(pthread_create(&t[2], NULL, mapper_main, &c[2]) == 0);
	for (i = 0; i < 2; i++) {
		c[i].src_ref = shared;
		c[i].dst_ref = grant(11 + i, 0);
		c[i].byte = 0xe0 + i;
		c[i].ok = 0;
		CHECK(pthread_create(&t[i], NULL, copier_main, &c[i]) == 0);
	}
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ(c[i].ok, 1);
		CHECK_EQ(guest_byte(11 + i, 255), 0xe0 + i);
		CHECK_EQ(in_use(c[i].dst_ref), 0);
		end_grant(c[i].dst_ref);
	}
	pthread_join(t[2], NULL);
	CHECK_EQ(c[2].ok, 1);
	CHECK_EQ(in_use(shared), 0);
	end_grant(shared);
}

int
main(void)
{
	hvt_simhv_start();
	hvt_guest_start(&guest, DOMID, NPAGES, NGRANTS, 0);
	hv = xnb_hv_open("sim", NULL);
	CHECK(hv != NULL);
	CHECK_EQ(hv->domid, 0);

	test_map_batch();
	test_map_scattered();
	test_map_twice();
	test_map_permissions();
	test_copy();
	test_copy_local_in_mapping();
	test_concurrent_copies();

	xnb_hv_close(hv);
	hvt_guest_stop(&guest, HVT_CLOSE);
	CHECK_EQ(hvt_simhv_stop(), 0);
	printf("test_hv_sim_grant: ok\n");
	return 0;
}
