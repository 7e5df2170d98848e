/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hostile "guests" on the broker socket: garbage, wrong sizes, wrong fd
 * counts, fds that are not acceptable guest memory, requests outside the
 * caller's role, a client that never reads its replies. Each is refused
 * with the expected error, the daemon leaks no fd and keeps serving.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hv_test.h"
#include "xnb_hv.h"
#include "xnb_sim_msg.h"

static const char *dir;

static int
conn(void)
{
	int s = xnb_sim_connect(dir);

	CHECK(s >= 0);
	return s;
}

/* Send a raw packet with fds, return the reply's status. */
static int
raw(int s, const void *buf, size_t len, const int *fds, unsigned int nfds)
{
	struct pollfd pfd = { .fd = s, .events = POLLIN };
	struct xnb_sim_rep rep;
	unsigned int nr;
	int rfds[2];
	ssize_t n;

	CHECK_EQ(xnb_sim_msg_send(s, buf, len, fds, nfds, 0), 0);
	CHECK_EQ(poll(&pfd, 1, HVT_TIMEOUT_MS), 1);
	n = xnb_sim_msg_recv(s, &rep, sizeof(rep), rfds, &nr, 2, 0);
	CHECK_EQ(n, sizeof(rep));
	CHECK_EQ(nr, 0);
	return rep.status;
}

static int
req(int s, uint32_t type, uint32_t a, uint32_t b, uint32_t c,
    const int *fds, unsigned int nfds)
{
	struct xnb_sim_req r;

	memset(&r, 0, sizeof(r));
	r.type = type;
	r.u.guest_register.domid = a;
	r.u.guest_register.npages = b;
	r.u.guest_register.ngrants = c;
	return raw(s, &r, sizeof(r), fds, nfds);
}

static int
memfd(size_t len, unsigned int seals)
{
	int fd = memfd_create("hostile", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	CHECK(fd >= 0);
	CHECK(ftruncate(fd, (off_t)len) == 0);
	if (seals != 0)
		CHECK(fcntl(fd, F_ADD_SEALS, seals) == 0);
	return fd;
}

static void
test_malformed(void)
{
	char big[sizeof(struct xnb_sim_req) + 100];
	int s = conn();
	int fds[3];

	memset(big, 0xa5, sizeof(big));
	CHECK_EQ(raw(s, "xyz", 3, NULL, 0), -EINVAL);
	CHECK_EQ(raw(s, big, sizeof(big), NULL, 0), -EMSGSIZE);
	CHECK_EQ(raw(s, big, sizeof(struct xnb_sim_req), NULL, 0), -ENOSYS);
	CHECK_EQ(req(s, 77, 0, 0, 0, NULL, 0), -ENOSYS);
	CHECK_EQ(req(s, 0, 0, 0, 0, NULL, 0), -ENOSYS);
	/* Wrong fd counts, on a type that takes none and one that takes 2. */
	fds[0] = memfd(4096, F_SEAL_SHRINK);
	fds[1] = memfd(4096, F_SEAL_SHRINK);
	fds[2] = memfd(4096, F_SEAL_SHRINK);
	CHECK_EQ(req(s, XNB_SIM_BACKEND_HELLO, 0, 0, 0, fds, 1), -EINVAL);
	CHECK_EQ(req(s, XNB_SIM_GUEST_REGISTER, 6, 1, 16, NULL, 0), -EINVAL);
	CHECK_EQ(req(s, XNB_SIM_GUEST_REGISTER, 6, 1, 16, fds, 1), -EINVAL);
	/* More fds than any request carries: sent by hand. */
	{
		union {
			char buf[CMSG_SPACE(sizeof(int) * 3)];
			struct cmsghdr align;
		} ctl;
		struct xnb_sim_req r = { .type = XNB_SIM_GUEST_REGISTER };
		struct iovec iov = { .iov_base = &r, .iov_len = sizeof(r) };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl.buf,
			.msg_controllen = sizeof(ctl.buf),
		};
		struct pollfd pfd = { .fd = s, .events = POLLIN };
		struct xnb_sim_rep rep;
		struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * 3);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * 3);
		CHECK_EQ(sendmsg(s, &msg, 0), sizeof(r));
		CHECK_EQ(poll(&pfd, 1, HVT_TIMEOUT_MS), 1);
		CHECK_EQ(recv(s, &rep, sizeof(rep), 0), sizeof(rep));
		CHECK_EQ(rep.status, -EMSGSIZE);
	}
	close(fds[0]);
	close(fds[1]);
	close(fds[2]);
	/* Still a usable connection after all that. */
	CHECK_EQ(req(s, XNB_SIM_EVTCHN_CLOSE, 1, 0, 0, NULL, 0), -EPERM);
	close(s);

	/* An empty packet reads as a hang-up: that client is dropped. */
	s = conn();
	CHECK_EQ(xnb_sim_msg_send(s, "", 0, NULL, 0, 0), 0);
	{
		struct pollfd pfd = { .fd = s, .events = POLLIN };
		char c;

		CHECK_EQ(poll(&pfd, 1, HVT_TIMEOUT_MS), 1);
		CHECK_EQ(recv(s, &c, 1, 0), 0);
	}
	close(s);
}

/* Guest memory must be sealed, writable, big enough memfds; the domain
 * must exist (made by the toolstack). */
static void
test_bad_memory(void)
{
	int s = conn();
	int fds[2], p[2];

	/* Good memory, but no toolstack made domain 6. */
	fds[0] = memfd(4096, F_SEAL_SHRINK);
	fds[1] = memfd(4096, F_SEAL_SHRINK);
	CHECK_EQ(req(s, XNB_SIM_GUEST_REGISTER, 6, 1, 16, fds, 2), -ESRCH);
	close(fds[0]);
	close(fds[1]);
	hvt_domain_create(6);

	CHECK(pipe(p) == 0);
	CHECK_EQ(req(s, XNB_SIM_GUEST_REGISTER, 6, 1, 16, p, 2), -EINVAL);
	close(p[0]);
	close(p[1]);
	/* Not sealed against shrinking. */
	fds[0] = memfd(4096, 0);
	fds[1] = memfd(4096, F_SEAL_SHRINK);
	CHECK_EQ(req(s, XNB_SIM_GUEST_REGISTER, 6, 1, 16, fds, 2), -EINVAL);
	close(fds[0]);
	/* Too small for npages / for the grant table. */
	fds[0] = memfd(4096, F_SEAL_SHRINK);
	CHECK_EQ(req(s, XNB_SIM_GUEST_REGISTER, 6, 2, 16, fds, 2), -EINVAL);
	CHECK_EQ(req(s, XNB_SIM_GUEST_REGISTER, 6, 1, 1024, fds, 2), -EINVAL);
	close(fds[0]);
	/* Sealed against writes: a backend could not write into it. */
	fds[0] = memfd(4096, F_SEAL_SHRINK | F_SEAL_WRITE);
	CHECK_EQ(req(s, XNB_SIM_GUEST_REGISTER, 6, 1, 16, fds, 2), -EINVAL);
	close(fds[0]);
	/* Bad ids and sizes. */
	fds[0] = memfd(4096, F_SEAL_SHRINK);
	CHECK_EQ(req(s, XNB_SIM_GUEST_REGISTER, 0, 1, 16, fds, 2), -EINVAL);
	CHECK_EQ(req(s, XNB_SIM_GUEST_REGISTER, 0x7ff0, 1, 16, fds, 2),
		 -EINVAL);
	CHECK_EQ(req(s, XNB_SIM_GUEST_REGISTER, 6, 0, 16, fds, 2), -EINVAL);
	CHECK_EQ(req(s, XNB_SIM_GUEST_REGISTER, 6, 1, 0, fds, 2), -EINVAL);
	CHECK_EQ(req(s, XNB_SIM_GUEST_REGISTER, 6, 1, 1u << 30, fds, 2),
		 -EINVAL);
	/* Finally a good one; this connection is now domain 6 ... */
	CHECK_EQ(req(s, XNB_SIM_GUEST_REGISTER, 6, 1, 16, fds, 2), 0);
	/* ... which may not register again nor act as a backend. */
	CHECK_EQ(req(s, XNB_SIM_GUEST_REGISTER, 8, 1, 16, fds, 2), -EPERM);
	CHECK_EQ(req(s, XNB_SIM_BACKEND_HELLO, 0, 0, 0, NULL, 0), -EPERM);
	CHECK_EQ(req(s, XNB_SIM_DOMAIN_GET, 6, 0, 0, NULL, 0), -EPERM);
	CHECK_EQ(req(s, XNB_SIM_EVTCHN_BIND, 6, 1, 0, NULL, 0), -EPERM);
	CHECK_EQ(req(s, XNB_SIM_EVTCHN_CLOSE, 1, 0, 0, NULL, 0), -EINVAL);
	CHECK_EQ(req(s, XNB_SIM_EVTCHN_ALLOC_UNBOUND, 0x7ff0, 0, 0, NULL, 0),
		 -EINVAL);
	close(fds[0]);
	close(fds[1]);
	close(s);
}

static void
test_roles(void)
{
	int s = conn();

	CHECK_EQ(req(s, XNB_SIM_DOMAIN_GET, 6, 0, 0, NULL, 0), -EPERM);
	CHECK_EQ(req(s, XNB_SIM_EVTCHN_ALLOC_UNBOUND, 0, 0, 0, NULL, 0),
		 -EPERM);
	CHECK_EQ(req(s, XNB_SIM_EVTCHN_BIND, 6, 1, 0, NULL, 0), -EPERM);
	CHECK_EQ(req(s, XNB_SIM_BACKEND_HELLO, 0x8000, 0, 0, NULL, 0),
		 -EINVAL);
	close(s);
}

/* A client that sends and never reads is dropped, not waited for. */
static void
test_flood(void)
{
	struct xnb_sim_req r = { .type = 77 };
	int s = conn();
	int i, dropped = 0;

	for (i = 0; i < 1000000 && !dropped; i++) {
		if (send(s, &r, sizeof(r), MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
			continue;
		if (errno == EAGAIN) {
			struct pollfd pfd = { .fd = s, .events = POLLOUT };

			CHECK_EQ(poll(&pfd, 1, HVT_TIMEOUT_MS), 1);
			if (pfd.revents & (POLLHUP | POLLERR))
				dropped = 1;
			continue;
		}
		dropped = 1;
	}
	CHECK(dropped);
	close(s);
}

/* The daemon's fd count goes back to where it was (bounded wait for it
 * to see the hang-ups). */
static void
check_no_fd_leak(int baseline)
{
	int i, n = -1;

	for (i = 0; i < 500; i++) {
		n = hvt_simhv_nfds();
		if (n == baseline)
			break;
		usleep(10000);
	}
	CHECK_EQ(n, baseline);
}

int
main(void)
{
	struct hvt_guest g;
	struct xnb_hv *hv;
	xnb_gref_t ref;
	uint8_t *p;
	int baseline, r;

	dir = hvt_simhv_start();
	baseline = hvt_simhv_nfds();
	CHECK(baseline > 0);

	test_malformed();
	test_bad_memory();
	test_roles();
	test_flood();
	check_no_fd_leak(baseline);

	/* Everyone else is still served. */
	CHECK(hvt_simhv_alive());
	hvt_guest_start(&g, 6, 2, 16, 0);
	CHECK_EQ(hvt_guest_call(&g, HVT_FILL, 1, 0x66, 0, 0, NULL), 0);
	r = hvt_guest_call(&g, HVT_GRANT, 0, 1, 1, 0, NULL);
	CHECK(r >= 8);
	ref = (xnb_gref_t)r;
	hv = xnb_hv_open("sim", NULL);
	CHECK(hv != NULL);
	p = hv->ops->map_grants(hv, 6, &ref, 1, false, NULL);
	CHECK(p != NULL);
	CHECK_EQ(p[123], 0x66);
	CHECK_EQ(hv->ops->unmap_grants(hv, p, 1), 0);
	xnb_hv_close(hv);
	hvt_guest_stop(&g, HVT_CLOSE);
	check_no_fd_leak(baseline);

	CHECK_EQ(hvt_simhv_stop(), 0);
	printf("test_hv_sim_hostile: ok\n");
	return 0;
}
