/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A small xenstored-compatible server speaking the xenstore wire protocol
 * (xs_wire.h) over UNIX sockets, so backend and guests use the real
 * libxenstore client. DIR/xenstored.sock is the privileged dom0 socket;
 * XS_INTRODUCE of domain N creates DIR/xs-domN.sock, whose connections act
 * as domain N (permissions enforced as xenstored does). Single-threaded:
 * drive it from one event loop.
 */
#ifndef XNB_XS_SERVER_H
#define XNB_XS_SERVER_H

#include <stdbool.h>
#include <stdint.h>

struct xnb_xs_server;

/* Create the server and its dom0 socket in dir (which must exist).
 * NULL + errno. */
struct xnb_xs_server *xnb_xs_server_create(const char *dir);
void xnb_xs_server_destroy(struct xnb_xs_server *srv);
/* An epoll fd covering all of the server's sockets: readable when
 * xnb_xs_server_run_once has work. */
int xnb_xs_server_fd(const struct xnb_xs_server *srv);
/* Handle whatever is ready, waiting at most timeout_ms (0: do not wait).
 * Returns 0 or -errno on a fatal server error. */
int xnb_xs_server_run_once(struct xnb_xs_server *srv, int timeout_ms);
/* The hypervisor says domain domid died: fire @releaseDomain, as xenstored
 * does on VIRQ_DOM_EXC, and forget the domain (its socket and connections
 * go; a later XS_RELEASE gets ENOENT). */
void xnb_xs_server_domain_died(struct xnb_xs_server *srv, uint16_t domid);
/* Is domain domid introduced (and not released or dead since)? Domain 0
 * always is, as XS_IS_DOMAIN_INTRODUCED answers. */
bool xnb_xs_server_domain_introduced(struct xnb_xs_server *srv,
				     uint16_t domid);
/*
 * Serve an already connected stream socket as domain domid (0: privileged;
 * others must have been introduced). Takes ownership of fd on success.
 * Returns 0 or -errno (-EMFILE over the connection limits).
 */
int xnb_xs_server_attach(struct xnb_xs_server *srv, int fd, uint16_t domid);
/* Client connections currently open (for tests and diagnostics). */
unsigned int xnb_xs_server_conn_count(const struct xnb_xs_server *srv);

#endif /* XNB_XS_SERVER_H */
