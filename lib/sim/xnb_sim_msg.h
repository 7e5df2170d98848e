/* SPDX-License-Identifier: BSD-3-Clause */
/* Packets with file descriptors over the broker's SOCK_SEQPACKET socket. */
#ifndef XNB_SIM_MSG_H
#define XNB_SIM_MSG_H

#include <stddef.h>
#include <sys/types.h>

#include "xnb_sim_proto.h"

/* Most fds any packet of the protocol carries (a DOMAIN_GET reply). */
#define XNB_SIM_MSG_MAX_FDS 4u
/* Most fds any request carries (GUEST_REGISTER). */
#define XNB_SIM_REQ_MAX_FDS 2u
/* How long a client waits for the broker's reply. */
#define XNB_SIM_RPC_TIMEOUT_MS 5000

/* Send one packet and nfds fds (never raises SIGPIPE). 0 or -errno. */
int xnb_sim_msg_send(int sock, const void *buf, size_t len, const int *fds,
		     unsigned int nfds, int flags);

/*
 * Receive one packet of at most len bytes and at most maxfds fds (flags as
 * recvmsg, e.g. MSG_DONTWAIT). Returns the packet length (0: the peer
 * closed) or -errno: -EMSGSIZE when the packet or its fds did not fit, in
 * which case every fd that came with it is already closed. Received fds are
 * close-on-exec.
 */
ssize_t xnb_sim_msg_recv(int sock, void *buf, size_t len, int *fds,
			 unsigned int *nfds, unsigned int maxfds, int flags);

/* Connect to DIR/hv.sock. Returns the socket or -errno. */
int xnb_sim_connect(const char *dir);

/*
 * One request/reply exchange: sends req with fds, waits (bounded) for the
 * reply and exactly nrfds fds when the reply's status is 0. Returns the
 * reply's status (0 or -errno) or -errno of the exchange itself; on
 * success the caller owns rfds[0 .. nrfds-1].
 */
int xnb_sim_rpc(int sock, const struct xnb_sim_req *req, const int *fds,
		unsigned int nfds, struct xnb_sim_rep *rep, int *rfds,
		unsigned int nrfds);

#endif /* XNB_SIM_MSG_H */
