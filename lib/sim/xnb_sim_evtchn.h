/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One side's set of simulated event-channel ports, as /dev/xen/evtchn
 * gives a process: one pollable fd for all ports, pending() hands out the
 * next port with an event and masks it, unmask() re-arms it. Each port is
 * this side's end of a SOCK_DGRAM socketpair (see xnb_sim_proto.h); a
 * datagram is an event. Masking is EPOLLONESHOT: a delivered port raises
 * no new wakeup until unmasked, and an event that arrives meanwhile stays
 * queued in the socket, so it is delivered after unmask.
 *
 * notify() may be called from many threads at once; add/remove/pending/
 * unmask belong to one thread. Notifying a port while another thread
 * removes it is a caller bug (as with a port being unbound).
 */
#ifndef XNB_SIM_EVTCHN_H
#define XNB_SIM_EVTCHN_H

#include <stdbool.h>
#include <stdint.h>

struct xnb_sim_evset;

/* NULL + errno. */
struct xnb_sim_evset *xnb_sim_evset_create(void);
/* Closes every port's socket. */
void xnb_sim_evset_destroy(struct xnb_sim_evset *s);
int xnb_sim_evset_fd(const struct xnb_sim_evset *s);
/* Add port with its socket (ownership passes, also on failure). 0/-errno. */
int xnb_sim_evset_add(struct xnb_sim_evset *s, uint32_t port, int sock);
/* Drop port and close its socket. 0, -EINVAL (out of range), -ENOTCONN. */
int xnb_sim_evset_remove(struct xnb_sim_evset *s, uint32_t port);
bool xnb_sim_evset_has(const struct xnb_sim_evset *s, uint32_t port);
/* Signal the peer. 0 also when the peer is gone or already has an event
 * queued (Xen drops sends on an unbound port). -EINVAL, -ENOTCONN. */
int xnb_sim_evset_notify(struct xnb_sim_evset *s, uint32_t port);
/* Next pending port, now masked, or -EAGAIN. */
int xnb_sim_evset_pending(struct xnb_sim_evset *s);
int xnb_sim_evset_unmask(struct xnb_sim_evset *s, uint32_t port);

#endif /* XNB_SIM_EVTCHN_H */
