/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fake hypervisor answers grant operations with the codes Xen gives
 * (as the simulator does), so no library code is tested against a status
 * real Xen never returns: an entry revoked, granted to another domain, or
 * read-only when written is GNTST_general_error (Xen's _set_status);
 * bad_gntref is for a ref beyond the table only.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "fake_hv.h"

static struct fake_hv *F;

static int16_t
map_status(uint32_t domid, uint32_t ref, bool writable)
{
	xnb_gref_t r = ref;
	int16_t st = 99;
	void *p;

	p = F->hv.ops->map_grants(&F->hv, domid, &r, 1, writable, &st);
	if (p != NULL) {
		CHECK_EQ(st, XNB_GNTST_OKAY);
		CHECK(p == fake_page(F, F->grants[ref].page));
		CHECK_EQ(F->hv.ops->unmap_grants(&F->hv, p, 1), 0);
	} else {
		CHECK(st != XNB_GNTST_OKAY);
	}
	return st;
}

/* Copy 16 bytes from local memory into ref at offset. */
static int16_t
copy_to(uint32_t ref, uint16_t offset)
{
	static const uint8_t src[16] = "0123456789abcde";
	struct xnb_gcopy op = {
		.source.virt = (void *)(uintptr_t)src,
		.dest.foreign = { .ref = ref, .offset = offset,
				  .domid = FAKE_DOMID },
		.len = sizeof(src),
		.flags = XNB_GCOPY_DEST_GREF,
		.status = 99,
	};

	CHECK_EQ(F->hv.ops->copy_grants(&F->hv, &op, 1), 0);
	if (op.status == XNB_GNTST_OKAY)
		CHECK(memcmp((uint8_t *)fake_page(F, F->grants[ref].page) +
			     offset, src, sizeof(src)) == 0);
	return op.status;
}

/* Copy 16 bytes out of ref into local memory. */
static int16_t
copy_from(uint32_t ref)
{
	uint8_t dst[16];
	struct xnb_gcopy op = {
		.source.foreign = { .ref = ref, .domid = FAKE_DOMID },
		.dest.virt = dst,
		.len = sizeof(dst),
		.flags = XNB_GCOPY_SOURCE_GREF,
		.status = 99,
	};

	CHECK_EQ(F->hv.ops->copy_grants(&F->hv, &op, 1), 0);
	return op.status;
}

static void
test_map(void)
{
	uint32_t rw = fake_grant(F, 1, false);
	uint32_t ro = fake_grant(F, 2, true);
	uint32_t other = fake_grant_to(F, 3, false, FAKE_DOMID + 1);
	uint32_t gone = fake_grant(F, 4, false);

	fake_revoke(F, gone);
	CHECK_EQ(map_status(FAKE_DOMID, rw, true), XNB_GNTST_OKAY);
	CHECK_EQ(map_status(FAKE_DOMID, ro, false), XNB_GNTST_OKAY);
	CHECK_EQ(map_status(FAKE_DOMID, ro, true), XNB_GNTST_GENERAL_ERROR);
	CHECK_EQ(map_status(FAKE_DOMID, other, false),
		 XNB_GNTST_GENERAL_ERROR);
	CHECK_EQ(map_status(FAKE_DOMID, gone, false),
		 XNB_GNTST_GENERAL_ERROR);
	CHECK_EQ(map_status(FAKE_DOMID, 5, false), XNB_GNTST_GENERAL_ERROR);
	CHECK_EQ(map_status(FAKE_DOMID, FAKE_NR_GRANTS, false),
		 XNB_GNTST_BAD_GNTREF);
	CHECK_EQ(map_status(FAKE_DOMID + 1, rw, false), XNB_GNTST_BAD_DOMAIN);
	CHECK_EQ(F->mapped, 0);
}

static void
test_copy(void)
{
	uint32_t rw = fake_grant(F, 5, false);
	uint32_t ro = fake_grant(F, 6, true);
	uint32_t other = fake_grant_to(F, 7, true, FAKE_DOMID + 1);

	CHECK_EQ(copy_to(rw, 100), XNB_GNTST_OKAY);
	CHECK_EQ(copy_to(ro, 0), XNB_GNTST_GENERAL_ERROR);
	CHECK_EQ(copy_to(rw, XNB_PAGE_SIZE - 8), XNB_GNTST_BAD_COPY_ARG);
	CHECK_EQ(copy_from(ro), XNB_GNTST_OKAY);
	CHECK_EQ(copy_from(other), XNB_GNTST_GENERAL_ERROR);
	CHECK_EQ(copy_from(FAKE_NR_GRANTS + 7), XNB_GNTST_BAD_GNTREF);
}

int
main(void)
{
	F = fake_hv_new();
	RUN(test_map);
	RUN(test_copy);
	fake_hv_free(F);
	return 0;
}
