/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xennetd --sim, the demo: a simulated hypervisor (xnb-simhv), guests
 * created and attached as the toolstack does it (xnb-simxl create,
 * network-attach: the same hotplug path as on Xen), simulated netfronts
 * (xnb-simfront) sending to each other through the switch, a net_tap port
 * when one can be made, and live per-port rates every second.
 */
#ifndef XD_SIM_H
#define XD_SIM_H

#include <stdbool.h>
#include <stddef.h>

#include "xd_opts.h"

struct xd_sim;
struct xd_loop;

/*
 * Before the EAL starts (no threads yet): make the simulator directory,
 * start xnb-simhv in it and wait until it serves. The directory goes to
 * dir. 0 or -errno (reason printed).
 */
int xd_sim_start_hv(struct xd_sim **out, const struct xd_opts *o, char *dir,
		    size_t dir_len);
/* Once the daemon serves: guests, their vifs, traffic, the tap port. */
int xd_sim_start_guests(struct xd_sim *s, struct xd_loop *loop);
/* Every second: print the rates. True when --sim-duration is over. */
bool xd_sim_tick(struct xd_sim *s);
/* Reap exited children (SIGCHLD). */
void xd_sim_reap(struct xd_sim *s);
/* Before the vifs close: stop the guests (bounded), drop the tap port. */
void xd_sim_quiesce(struct xd_sim *s);
/* Stop whatever still runs, the simulator last; remove a directory we
 * made. NULL is ignored. */
void xd_sim_free(struct xd_sim *s);

#endif /* XD_SIM_H */
