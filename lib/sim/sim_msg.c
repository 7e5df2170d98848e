/* SPDX-License-Identifier: BSD-3-Clause */
/* Packets with file descriptors over the broker's SOCK_SEQPACKET socket. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "xnb_sim_msg.h"
#include "xnb_sim_paths.h"

int
xnb_sim_msg_send(int sock, const void *buf, size_t len, const int *fds,
		 unsigned int nfds, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * XNB_SIM_MSG_MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf,
			     .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cmsg;
	ssize_t n;

	if (nfds > XNB_SIM_MSG_MAX_FDS)
		return -EINVAL;
	if (nfds > 0) {
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * nfds);
	}
	do {
		n = sendmsg(sock, &msg, flags | MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

/* Take the SCM_RIGHTS fds out of a received message; close what does not
 * fit. Returns how many fds arrived in total. */
static unsigned int
take_fds(struct msghdr *msg, int *fds, unsigned int *nfds, unsigned int maxfds)
{
	struct cmsghdr *cmsg;
	unsigned int total = 0;
	unsigned int i, n;
	int fd;

	*nfds = 0;
	for (cmsg = CMSG_FIRSTHDR(msg); cmsg != NULL;
	     cmsg = CMSG_NXTHDR(msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int),
			       sizeof(fd));
			if (*nfds < maxfds)
				fds[(*nfds)++] = fd;
			else
				close(fd);
			total++;
		}
	}
	return total;
}

ssize_t
xnb_sim_msg_recv(int sock, void *buf, size_t len, int *fds,
		 unsigned int *nfds, unsigned int maxfds, int flags)
{
	/* Room for more fds than allowed, to tell "too many" from "enough". */
	union {
		char buf[CMSG_SPACE(sizeof(int) * (XNB_SIM_MSG_MAX_FDS + 1))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	unsigned int total, i;
	ssize_t n;

	do {
		n = recvmsg(sock, &msg, flags | MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		*nfds = 0;
		return -errno;
	}
	total = take_fds(&msg, fds, nfds, maxfds);
	if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || total > maxfds) {
		for (i = 0; i < *nfds; i++)
			close(fds[i]);
		*nfds = 0;
		return -EMSGSIZE;
	}
	return n;
}

int
xnb_sim_connect(const char *dir)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int sock, len;

	len = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", dir,
		       XNB_SIM_HV_SOCKET);
	if (len < 0 || (size_t)len >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return -errno;
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		len = -errno;
		close(sock);
		return len;
	}
	return sock;
}

int
xnb_sim_rpc(int sock, const struct xnb_sim_req *req, const int *fds,
	    unsigned int nfds, struct xnb_sim_rep *rep, int *rfds,
	    unsigned int nrfds)
{
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	unsigned int got, i;
	ssize_t n;
	int ret;

	ret = xnb_sim_msg_send(sock, req, sizeof(*req), fds, nfds, 0);
	if (ret < 0)
		return ret;
	do {
		ret = poll(&pfd, 1, XNB_SIM_RPC_TIMEOUT_MS);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return -ETIMEDOUT;
	n = xnb_sim_msg_recv(sock, rep, sizeof(*rep), rfds, &got, nrfds,
			     MSG_DONTWAIT);
	if (n < 0)
		return (int)n;
	if (n == 0)
		return -ECONNRESET;
	if ((size_t)n != sizeof(*rep) || rep->type != req->type ||
	    rep->status > 0 || (rep->status == 0 && got != nrfds) ||
	    (rep->status < 0 && got != 0)) {
		for (i = 0; i < got; i++)
			close(rfds[i]);
		return -EPROTO;
	}
	return rep->status;
}
