/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket server: a UNIX stream socket, mode 0660 (group
 * socket_group when set), peers checked with SO_PEERCRED (root, the
 * daemon's user or the socket's group), at most max_clients connections,
 * messages as in xd_proto.h. Runs on the control thread's event loop.
 */
#ifndef XD_SOCK_H
#define XD_SOCK_H

#include "xd_loop.h"
#include "xd_proto.h"

struct xd_sock;

struct xd_sock_conf {
	const char *path;
	const char *group;      /* NULL or "": the daemon's group */
	unsigned int max_clients;
	const char *version;    /* in the greeting */
	struct xd_loop *loop;
	const struct xd_cmd *cmds;
	unsigned int nb_cmds;
	void *ctx;              /* for the commands */
};

/* Listen at conf->path (an existing socket nobody answers on is
 * replaced). NULL + errno (EADDRINUSE: another daemon answers there). */
struct xd_sock *xd_sock_open(const struct xd_sock_conf *conf);
/* Close every connection and the socket, unlink the path. */
void xd_sock_close(struct xd_sock *s);

#endif /* XD_SOCK_H */
