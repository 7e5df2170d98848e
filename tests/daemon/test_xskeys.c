/* SPDX-License-Identifier: BSD-3-Clause */
/* Parsing what the toolstack writes (vlan, state) and watch paths. */
#include <errno.h>
#include <stdint.h>

#include "td_check.h"
#include "xd_xskeys.h"

#define BASE "/local/domain/0/backend/vif"

static void
test_vlan(void)
{
	uint16_t v = 0;

	TD_EQ(xd_xs_parse_vlan("10", &v), 0);
	TD_EQ(v, 10);
	TD_EQ(xd_xs_parse_vlan("4094", &v), 0);
	TD_EQ(v, 4094);
	TD_EQ(xd_xs_parse_vlan("1p", &v), 0);
	TD_EQ(v, 1);
	TD_EQ(xd_xs_parse_vlan("20pu", &v), 0);
	TD_EQ(v, 20);
	TD_EQ(xd_xs_parse_vlan("20up", &v), 0);
	/* trunks: several VLANs or ranges */
	TD_EQ(xd_xs_parse_vlan("10p/20", &v), -ENOTSUP);
	TD_EQ(xd_xs_parse_vlan("20-30", &v), -ENOTSUP);
	/* garbage */
	TD_EQ(xd_xs_parse_vlan("", &v), -EINVAL);
	TD_EQ(xd_xs_parse_vlan("0", &v), -EINVAL);
	TD_EQ(xd_xs_parse_vlan("4095", &v), -EINVAL);
	TD_EQ(xd_xs_parse_vlan("010", &v), -EINVAL);
	TD_EQ(xd_xs_parse_vlan("99999", &v), -EINVAL);
	TD_EQ(xd_xs_parse_vlan("-5", &v), -EINVAL);
	TD_EQ(xd_xs_parse_vlan("10pp", &v), -EINVAL);
	TD_EQ(xd_xs_parse_vlan("10x", &v), -EINVAL);
	TD_EQ(xd_xs_parse_vlan(" 10", &v), -EINVAL);
	TD_EQ(xd_xs_parse_vlan("vlan10", &v), -EINVAL);
	TD_EQ(v, 20);
}

static void
test_path(void)
{
	uint16_t d = 0;
	uint32_t v = 0;

	TD_EQ(xd_xs_parse_vif_path(BASE, BASE, &d, &v), 0);
	TD_EQ(xd_xs_parse_vif_path(BASE "/5", BASE, &d, &v), 1);
	TD_EQ(d, 5);
	TD_EQ(xd_xs_parse_vif_path(BASE "/7/3", BASE, &d, &v), 2);
	TD_EQ(d, 7);
	TD_EQ(v, 3);
	TD_EQ(xd_xs_parse_vif_path(BASE "/32751/65535/state", BASE, &d, &v),
	      2);
	TD_EQ(d, 32751);
	TD_EQ(v, 65535);
	/* not below base, or not numbers */
	TD_EQ(xd_xs_parse_vif_path("/local/domain/0/backend/vbd/5/0", BASE,
				   &d, &v), -EINVAL);
	TD_EQ(xd_xs_parse_vif_path(BASE "x/5/0", BASE, &d, &v), -EINVAL);
	TD_EQ(xd_xs_parse_vif_path(BASE "/abc/0", BASE, &d, &v), -EINVAL);
	TD_EQ(xd_xs_parse_vif_path(BASE "/5/x", BASE, &d, &v), -EINVAL);
	TD_EQ(xd_xs_parse_vif_path(BASE "/5/0x", BASE, &d, &v), -EINVAL);
	TD_EQ(xd_xs_parse_vif_path(BASE "/32752/0", BASE, &d, &v), -EINVAL);
	TD_EQ(xd_xs_parse_vif_path(BASE "/5/65536", BASE, &d, &v), -EINVAL);
	TD_EQ(xd_xs_parse_vif_path(BASE "/05/0", BASE, &d, &v), -EINVAL);
	TD_EQ(xd_xs_parse_vif_path(BASE "//0", BASE, &d, &v), -EINVAL);
	TD_EQ(xd_xs_parse_vif_path(BASE "/-1/0", BASE, &d, &v), -EINVAL);
	TD_EQ(xd_xs_parse_vif_path(BASE "/99999999999999999999/0", BASE, &d,
				   &v), -EINVAL);
	TD_EQ(xd_xs_parse_vif_path("", BASE, &d, &v), -EINVAL);
}

static void
test_state(void)
{
	TD_EQ(xd_xs_parse_state("0"), 0);
	TD_EQ(xd_xs_parse_state("4"), 4);
	TD_EQ(xd_xs_parse_state("8"), 8);
	TD_EQ(xd_xs_parse_state("9"), -EINVAL);
	TD_EQ(xd_xs_parse_state("04"), -EINVAL);
	TD_EQ(xd_xs_parse_state("4\n"), -EINVAL);
	TD_EQ(xd_xs_parse_state(""), -EINVAL);
	TD_EQ(xd_xs_parse_state("Connected"), -EINVAL);
}

int
main(void)
{
	test_vlan();
	test_path();
	test_state();
	TD_DONE();
}
