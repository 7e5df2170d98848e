/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A vif bound straight to an Rx queue of a physical port (a dedicated
 * hardware queue per guest): every frame the guest sends goes out through
 * that port with no switch lookup (nor flooding to other vifs: a bound vif
 * talks to the wire only); on the port an rte_flow rule (Ethernet
 * destination = the guest's MAC, and its VLAN -> that queue) steers the
 * guest's frames to the queue, whose lcore hands them to the vif directly
 * (mode "flow"). Where the PMD refuses the rule (rte_flow_validate) the
 * switch demuxes them as for any vif (mode "sw"), logged once per port.
 * Frames the queue delivers for other MACs go through the switch. One vif
 * per queue. Control thread only.
 */
#ifndef XD_BIND_H
#define XD_BIND_H

#include <stdint.h>

/*
 * Bind vif port vif to Rx queue queue of physical port nic. 0, -EINVAL
 * (not a vif and a physical port, no queue, the vif has no MAC),
 * -EALREADY (the vif is bound: unbind first), -EBUSY (another vif owns
 * the queue).
 */
int xd_bind(uint16_t vif, uint16_t nic, uint16_t queue);
/* xd_bind() to the first queue of nic no vif owns; -ENOSPC: none. */
int xd_bind_any(uint16_t vif, uint16_t nic);
/* Undo xd_bind(). 0, -ENOENT (not bound). */
int xd_unbind(uint16_t vif);
/* Before port goes: unbind it, or every vif bound to it. */
void xd_unbind_port(uint16_t port);
/* "flow", "sw", or NULL when vif is not bound. */
const char *xd_bind_mode(uint16_t vif);

#endif /* XD_BIND_H */
