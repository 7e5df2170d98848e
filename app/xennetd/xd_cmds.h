/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket's commands (see xd_proto.h for the wire format and
 * "xennetctl help" for the list), and starting/stopping the socket.
 */
#ifndef XD_CMDS_H
#define XD_CMDS_H

#include "xd_daemon.h"
#include "xd_proto.h"

extern const struct xd_cmd xd_cmds[];
extern const unsigned int xd_nb_cmds;

/* Open the control socket (path: config/--socket, else the DPDK runtime
 * dir's xennetd.sock). 0 or -errno. */
int xd_cmds_start(struct xd_daemon *d);
void xd_cmds_stop(struct xd_daemon *d);

#endif /* XD_CMDS_H */
