/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the simulated xenstored's request parser and
 * handlers. The input is a sequence of chunks [who:1][len:2][bytes:len]
 * written to a privileged (dom0) or an unprivileged (guest 5) connection;
 * after each chunk the server runs until idle. Oracles: no sanitizer
 * report, and every message the server sends is well-formed.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <xen/io/xs_wire.h>

#include "xnb_xs_server.h"

#define GUEST 5
/* Reply bytes carried over between reads: at most one partial message. */
#define RX_BUF (2 * (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX))

struct client {
	int fd; /* our end, -1 once the server dropped it */
	uint8_t buf[RX_BUF];
	size_t used;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/fuzz-simxs-XXXXXX";

/* The server removes its sockets on destroy; the directory is ours. */
static void
remove_dir(void)
{
	rmdir(dir);
}

static void
run_idle(struct xnb_xs_server *srv)
{
	struct pollfd pfd = { .fd = xnb_xs_server_fd(srv), .events = POLLIN };

	while (poll(&pfd, 1, 0) > 0)
		if (xnb_xs_server_run_once(srv, 0) < 0)
			abort();
}

/* Read what the server sent; abort on a malformed message. */
static void
drain(struct client *c)
{
	struct xsd_sockmsg hdr;
	ssize_t n;
	size_t off;

	while (c->fd >= 0) {
		n = recv(c->fd, c->buf + c->used, sizeof(c->buf) - c->used,
			 MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			close(c->fd);
			c->fd = -1;
			break;
		}
		if (n < 0)
			break;
		c->used += (size_t)n;
		off = 0;
		while (c->used - off >= sizeof(hdr)) {
			memcpy(&hdr, c->buf + off, sizeof(hdr));
			if (hdr.len > XENSTORE_PAYLOAD_MAX ||
			    hdr.type >= XS_TYPE_COUNT)
				abort();
			if (c->used - off < sizeof(hdr) + hdr.len)
				break;
			off += sizeof(hdr) + hdr.len;
		}
		memmove(c->buf, c->buf + off, c->used - off);
		c->used -= off;
	}
}

static int
attach(struct xnb_xs_server *srv, struct client *c, uint16_t domid)
{
	int sv[2];

	c->used = 0;
	c->fd = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if (xnb_xs_server_attach(srv, sv[1], domid) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	c->fd = sv[0];
	return 0;
}

static void
introduce_guest(struct xnb_xs_server *srv, struct client *dom0)
{
	static const char req[] = "5\0" "0\0" "1";
	struct xsd_sockmsg hdr = {
		.type = XS_INTRODUCE, .len = sizeof(req),
	};

	if (send(dom0->fd, &hdr, sizeof(hdr), 0) != sizeof(hdr) ||
	    send(dom0->fd, req, sizeof(req), 0) != sizeof(req))
		abort();
	run_idle(srv);
	drain(dom0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	struct client cl[2];
	struct xnb_xs_server *srv;
	size_t off = 0;
	unsigned int i;

	if (!init) {
		if (mkdtemp(dir) == NULL)
			abort();
		atexit(remove_dir);
		init = 1;
	}
	srv = xnb_xs_server_create(dir);
	if (srv == NULL || attach(srv, &cl[0], 0) < 0)
		abort();
	introduce_guest(srv, &cl[0]);
	if (attach(srv, &cl[1], GUEST) < 0)
		abort();
	while (size - off >= 3) {
		struct client *c = &cl[data[off] & 1];
		size_t len = (size_t)data[off + 1] | (size_t)data[off + 2] << 8;

		off += 3;
		if (len > size - off)
			len = size - off;
		if (c->fd >= 0 &&
		    send(c->fd, data + off, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
		    errno != EAGAIN) {
			close(c->fd);
			c->fd = -1;
		}
		off += len;
		run_idle(srv);
		for (i = 0; i < 2; i++)
			drain(&cl[i]);
	}
	for (i = 0; i < 2; i++)
		if (cl[i].fd >= 0)
			close(cl[i].fd);
	xnb_xs_server_destroy(srv);
	return 0;
}
