/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The simulated hypervisor's broker: serves DIR/hv.sock (protocol in
 * xnb_sim_proto.h), keeps the registry of guest domains (memory and grant
 * table memfds) and the event-channel port tables of every domain.
 * Single-threaded: drive it from one event loop. Nothing a client sends is
 * trusted: requests are size-, fd- and role-checked, and a bad one gets an
 * error reply while the broker keeps serving everyone else.
 */
#ifndef XNB_SIM_BROKER_H
#define XNB_SIM_BROKER_H

#include <stdbool.h>
#include <stdint.h>

struct xnb_sim_broker;

/* Called when a guest domain dies (its registering connection closed). */
typedef void (*xnb_sim_broker_died_cb)(void *arg, uint16_t domid);
/* Does the toolstack know domain domid (created it, introduced it to
 * xenstore)? A guest may register only such a domain. */
typedef bool (*xnb_sim_broker_known_cb)(void *arg, uint16_t domid);

/* Create DIR/hv.sock. NULL + errno (EADDRINUSE: a broker already serves
 * dir). died may be NULL; known may not. Both get arg. */
struct xnb_sim_broker *xnb_sim_broker_create(const char *dir,
					     xnb_sim_broker_died_cb died,
					     xnb_sim_broker_known_cb known,
					     void *arg);
/* Close every connection and remove DIR/hv.sock. */
void xnb_sim_broker_destroy(struct xnb_sim_broker *b);
/* An epoll fd, readable when xnb_sim_broker_run_once has work. */
int xnb_sim_broker_fd(const struct xnb_sim_broker *b);
/* Serve what is ready, waiting at most timeout_ms (0: do not wait).
 * Returns 0 or -errno on a fatal error. */
int xnb_sim_broker_run_once(struct xnb_sim_broker *b, int timeout_ms);

#endif /* XNB_SIM_BROKER_H */
