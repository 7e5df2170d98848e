/* SPDX-License-Identifier: BSD-3-Clause */
/* Rate limit: the xenstore/xl rate syntaxes and netback's credit rules,
 * on a synthetic clock. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "td_check.h"
#include "xd_ratelim.h"

#define HZ 1000000ull /* one cycle per microsecond */

static void
test_parse(void)
{
	uint64_t p;
	char buf[48];

	/* netback / libxl's xenstore form */
	TD_EQ(xd_ratelim_parse("6250,50000", &p), 0);
	TD_EQ(xd_ratelim_bytes(p), 6250);
	TD_EQ(xd_ratelim_usec(p), 50000);
	xd_ratelim_format(p, buf, sizeof(buf));
	TD_STREQ(buf, "6250,50000");
	/* xl: 10 Mbit/s at the default 50 ms: 62500 bytes per interval */
	TD_EQ(xd_ratelim_parse("10Mb/s", &p), 0);
	TD_EQ(xd_ratelim_bytes(p), 62500);
	TD_EQ(xd_ratelim_usec(p), 50000);
	TD_EQ(xd_ratelim_parse("1MB/s@20ms", &p), 0);
	TD_EQ(xd_ratelim_bytes(p), 20000);
	TD_EQ(xd_ratelim_usec(p), 20000);
	TD_EQ(xd_ratelim_parse("1GB/s@1s", &p), 0);
	TD_EQ(xd_ratelim_bytes(p), 1000000000);
	TD_EQ(xd_ratelim_parse("800Kb/s@100us", &p), 0);
	TD_EQ(xd_ratelim_bytes(p), 10);
	TD_EQ(xd_ratelim_usec(p), 100);
	TD_EQ(xd_ratelim_parse("unlimited", &p), 0);
	TD_EQ(p, 0);
	TD_EQ(xd_ratelim_parse("0", &p), 0);
	TD_EQ(p, 0);
	xd_ratelim_format(0, buf, sizeof(buf));
	TD_STREQ(buf, "unlimited");

	/* garbage */
	TD_EQ(xd_ratelim_parse("", &p), -EINVAL);
	TD_EQ(xd_ratelim_parse("fast", &p), -EINVAL);
	TD_EQ(xd_ratelim_parse("10", &p), -EINVAL);
	TD_EQ(xd_ratelim_parse("10Mb", &p), -EINVAL);
	TD_EQ(xd_ratelim_parse("10Xb/s", &p), -EINVAL);
	TD_EQ(xd_ratelim_parse("10Mb/s@", &p), -EINVAL);
	TD_EQ(xd_ratelim_parse("10Mb/s@5", &p), -EINVAL);
	TD_EQ(xd_ratelim_parse("10Mb/s@5h", &p), -EINVAL);
	TD_EQ(xd_ratelim_parse("10Mb/sx", &p), -EINVAL);
	TD_EQ(xd_ratelim_parse("10Mb/s@0ms", &p), -ERANGE);
	TD_EQ(xd_ratelim_parse("1b/s", &p), -ERANGE); /* rounds to 0 */
	TD_EQ(xd_ratelim_parse("99999999999999999999Mb/s", &p), -ERANGE);
	TD_EQ(xd_ratelim_parse("1,", &p), -EINVAL);
	TD_EQ(xd_ratelim_parse(",1", &p), -EINVAL);
	TD_EQ(xd_ratelim_parse("1,2,3", &p), -EINVAL);
	TD_EQ(xd_ratelim_parse("0,100", &p), -ERANGE);
	TD_EQ(xd_ratelim_parse("100,0", &p), -ERANGE);
	TD_EQ(xd_ratelim_parse("100,99999999", &p), -ERANGE);
	TD_EQ(xd_ratelim_parse("1,-5", &p), -EINVAL);
	TD_EQ(xd_ratelim_parse("99999999999999999999,5", &p), -ERANGE);
}

static void
test_credit(void)
{
	struct xd_ratelim rl;
	uint64_t t = 1000;

	/* 15140 bytes every 1000 us: ten 1514-byte frames. */
	xd_ratelim_init(&rl, xd_ratelim_pack(15140, 1000), t, HZ);
	TD_EQ(rl.remaining, 15140);
	TD_EQ(rl.max_burst, XD_RATELIM_MIN_BURST);
	TD_EQ(xd_ratelim_budget(&rl, t, 32), 10);
	xd_ratelim_consume(&rl, 15140);
	TD_EQ(xd_ratelim_budget(&rl, t, 32), 0);
	TD_EQ(xd_ratelim_wait(&rl, t), 1000);
	TD_EQ(xd_ratelim_wait(&rl, t + 400), 600);
	TD_EQ(xd_ratelim_budget(&rl, t + 999, 32), 0);
	/* One interval later: one credit. */
	TD_EQ(xd_ratelim_budget(&rl, t + 1000, 32), 10);
	TD_EQ(rl.remaining, 15140);
	TD_EQ(xd_ratelim_wait(&rl, t + 1000), 0);
	/* A burst may overshoot; the debt is paid by later credit. */
	xd_ratelim_consume(&rl, 15140 + 20000);
	TD_EQ(rl.remaining, -20000);
	TD_EQ(xd_ratelim_budget(&rl, t + 2000, 32), 0);
	TD_EQ(rl.remaining, -4860);
	TD_EQ(xd_ratelim_budget(&rl, t + 3000, 32), 7);
	TD_EQ(rl.remaining, 10280);
	/* A little credit lets one frame through. */
	xd_ratelim_consume(&rl, 10279);
	TD_EQ(xd_ratelim_budget(&rl, t + 3000, 32), 1);
	/* Idle for long: capped at max(credit, 128 KiB). */
	TD_EQ(xd_ratelim_budget(&rl, t + 100000000, 32), 32);
	TD_EQ(rl.remaining, XD_RATELIM_MIN_BURST);
	/* Even an absurd idle time does not overflow. */
	TD_EQ(xd_ratelim_budget(&rl, UINT64_MAX / 2, 32), 32);
	TD_EQ(rl.remaining, XD_RATELIM_MIN_BURST);

	/* A credit above 128 KiB is its own cap. */
	xd_ratelim_init(&rl, xd_ratelim_pack(1000000, 1000), 0, HZ);
	TD_EQ(rl.max_burst, 1000000);
	TD_EQ(xd_ratelim_budget(&rl, 5000000, 16), 16);
	TD_EQ(rl.remaining, 1000000);

	/* Unlimited: everything, always. */
	xd_ratelim_init(&rl, 0, 0, HZ);
	TD_EQ(xd_ratelim_budget(&rl, 0, 32), 32);
	xd_ratelim_consume(&rl, 1u << 30);
	TD_EQ(xd_ratelim_budget(&rl, 0, 32), 32);
	TD_EQ(xd_ratelim_wait(&rl, 0), 0);
}

static void
test_throughput(void)
{
	struct xd_ratelim rl;
	uint64_t t, sent = 0;
	uint16_t b;

	/* 1 s of a greedy sender of 1000-byte frames at 1 MB/s (50 ms
	 * intervals): what passes is the initial credit plus one credit
	 * per interval, plus at most one frame of overshoot. */
	xd_ratelim_init(&rl, xd_ratelim_pack(50000, 50000), 0, HZ);
	for (t = 0; t < HZ; t += 100) {
		b = xd_ratelim_budget(&rl, t, 32);
		xd_ratelim_consume(&rl, (uint64_t)b * 1000);
		sent += (uint64_t)b * 1000;
	}
	TD_CHECK(sent >= 1000000);
	TD_CHECK(sent <= 1000000 + 50000 + 2 * 1514 * 32);
}

int
main(void)
{
	test_parse();
	test_credit();
	test_throughput();
	TD_DONE();
}
