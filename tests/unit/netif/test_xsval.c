/* SPDX-License-Identifier: BSD-3-Clause */
/* Strict xenstore value parsing and the multicast filter. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "fake_hv.h"
#include "xnb_mcast.h"
#include "xnb_xsval.h"

static int
pu(const char *s, uint32_t max, uint32_t *out)
{
	return xnb_parse_uint(s, strlen(s), max, out);
}

static void
test_parse_uint(void)
{
	uint32_t v = 12345;

	CHECK_EQ(pu("0", 10, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(pu("4294967295", UINT32_MAX, &v), 0);
	CHECK_EQ(v, UINT32_MAX);
	CHECK_EQ(pu("007", 10, &v), 0);
	CHECK_EQ(v, 7);
	v = 99;
	CHECK_EQ(pu("4294967296", UINT32_MAX, &v), -EINVAL);
	CHECK_EQ(pu("99999999999", UINT32_MAX, &v), -EINVAL);
	CHECK_EQ(pu("11", 10, &v), -EINVAL);
	CHECK_EQ(pu("", 10, &v), -EINVAL);
	CHECK_EQ(pu("-1", 10, &v), -EINVAL);
	CHECK_EQ(pu("+1", 10, &v), -EINVAL);
	CHECK_EQ(pu(" 1", 10, &v), -EINVAL);
	CHECK_EQ(pu("1 ", 10, &v), -EINVAL);
	CHECK_EQ(pu("0x1", 10, &v), -EINVAL);
	CHECK_EQ(pu("1e3", 10000, &v), -EINVAL);
	CHECK_EQ(v, 99);
	/* Length, not NUL, ends the value. */
	CHECK_EQ(xnb_parse_uint("12\0" "3", 4, 1000, &v), -EINVAL);
	CHECK_EQ(xnb_parse_uint("123", 2, 1000, &v), 0);
	CHECK_EQ(v, 12);
}

static void
test_parse_mac(void)
{
	uint8_t m[6] = { 0 };

	CHECK_EQ(xnb_parse_mac("00:16:3e:aB:Cd:ff", 17, m), 0);
	CHECK(memcmp(m, "\x00\x16\x3e\xab\xcd\xff", 6) == 0);
	CHECK_EQ(xnb_parse_mac("00:16:3e:ab:cd", 14, m), -EINVAL);
	CHECK_EQ(xnb_parse_mac("00:16:3e:ab:cd:ff:", 18, m), -EINVAL);
	CHECK_EQ(xnb_parse_mac("00-16-3e-ab-cd-ff", 17, m), -EINVAL);
	CHECK_EQ(xnb_parse_mac("00:16:3e:ab:cd:fg", 17, m), -EINVAL);
	CHECK_EQ(xnb_parse_mac("0:016:3e:ab:cd:ff", 17, m), -EINVAL);
}

static void
test_read(void)
{
	struct fake_hv *f = fake_hv_new();
	uint32_t v;
	bool b;

	fake_xs_set(f, "/a", "17");
	fake_xs_set(f, "/b", "1");
	fake_xs_set(f, "/c", "2");
	fake_xs_set(f, "/d", "%s", "");
	CHECK_EQ(xnb_xs_read_uint(&f->hv, "/a", 100, &v), 0);
	CHECK_EQ(v, 17);
	CHECK_EQ(xnb_xs_read_uint(&f->hv, "/a", 16, &v), -EINVAL);
	CHECK_EQ(xnb_xs_read_uint(&f->hv, "/none", 16, &v), -ENOENT);
	CHECK_EQ(xnb_xs_read_uint(&f->hv, "/d", 16, &v), -EINVAL);
	CHECK_EQ(xnb_xs_read_bool(&f->hv, "/b", false, &b), 0);
	CHECK(b);
	CHECK_EQ(xnb_xs_read_bool(&f->hv, "/none", true, &b), 0);
	CHECK(b);
	CHECK_EQ(xnb_xs_read_bool(&f->hv, "/none", false, &b), 0);
	CHECK(!b);
	CHECK_EQ(xnb_xs_read_bool(&f->hv, "/c", false, &b), -EINVAL);
	CHECK_EQ(xnb_xs_printf(&f->hv, XNB_XS_TXN_NULL, "/e", "%u-%s", 5, "x"),
		 0);
	CHECK(strcmp(fake_xs_get(f, "/e"), "5-x") == 0);
	fake_hv_free(f);
}

static void
test_mcast(void)
{
	uint8_t a[6] = { 1, 0, 0x5e, 0, 0, 0 };
	struct xnb_mcast m;
	unsigned int i;

	xnb_mcast_init(&m);
	CHECK(!xnb_mcast_match(&m, a));
	CHECK_EQ(xnb_mcast_del(&m, a), -ENOENT);
	for (i = 0; i < XNB_MCAST_MAX; i++) {
		a[5] = i;
		CHECK_EQ(xnb_mcast_add(&m, a), 0);
		CHECK_EQ(xnb_mcast_add(&m, a), 0); /* duplicate: no-op */
	}
	CHECK_EQ(m.count, XNB_MCAST_MAX);
	a[5] = 200;
	CHECK_EQ(xnb_mcast_add(&m, a), -ENOSPC);
	CHECK(!xnb_mcast_match(&m, a));
	a[5] = 10;
	CHECK(xnb_mcast_match(&m, a));
	CHECK_EQ(xnb_mcast_del(&m, a), 0);
	CHECK(!xnb_mcast_match(&m, a));
	a[5] = XNB_MCAST_MAX - 1; /* the one moved into the hole */
	CHECK(xnb_mcast_match(&m, a));
	a[5] = 200;
	CHECK_EQ(xnb_mcast_add(&m, a), 0);
	xnb_mcast_clear(&m);
	CHECK(!xnb_mcast_match(&m, a));
	CHECK_EQ(m.count, 0);
}

int
main(void)
{
	RUN(test_parse_uint);
	RUN(test_parse_mac);
	RUN(test_read);
	RUN(test_mcast);
	return 0;
}
