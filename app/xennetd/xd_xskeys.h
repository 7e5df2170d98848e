/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Parsers for what the toolstack writes in a vif's backend directory and
 * for watch paths. Pure functions; every input is treated as hostile.
 */
#ifndef XD_XSKEYS_H
#define XD_XSKEYS_H

#include <stdbool.h>
#include <stdint.h>

/* Xen's DOMID_FIRST_RESERVED: guest domids are below it. */
#define XD_DOMID_LIMIT 0x7ff0u
#define XD_DEVID_MAX 65535u

/*
 * The "vlan" key (xl's vlan=): one VLAN ID 1..4094, optionally with the
 * p (PVID) and u (untagged) flags of Xen's syntax, "10", "10p", "10pu".
 * Several VLANs or ranges ("10p/20", "20-30") would make the vif a trunk,
 * which is not supported: -ENOTSUP. Anything else: -EINVAL.
 */
int xd_xs_parse_vlan(const char *s, uint16_t *vlan);

/*
 * A path below base ("<own domain path>/backend/vif"): base itself gives
 * depth 0; "base/D" depth 1 (domid set); "base/D/V[/...]" depth 2 (domid
 * and devid set). Returns the depth, or -EINVAL when the path is not below
 * base or a component is not a valid domid/devid.
 */
int xd_xs_parse_vif_path(const char *path, const char *base, uint16_t *domid,
			 uint32_t *devid);

/* A xenbus state value: 0..8, -EINVAL otherwise. */
int xd_xs_parse_state(const char *s);

#endif /* XD_XSKEYS_H */
