/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Simulated xenstored against hostile clients on raw sockets: oversize and
 * truncated messages, unknown types, missing NULs, malformed arguments,
 * bad transaction ids, pipelined and byte-by-byte requests, a watcher that
 * never reads, and the connection limits. After each, the server must
 * still serve others.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "simxs_harness.h"

/* One request, its reply must be an error named err. */
static bool
raw_error(int fd, uint32_t type, uint32_t tx_id, const void *payload,
	  uint32_t len, const char *err)
{
	static uint32_t req_id = 100;
	struct xsd_sockmsg hdr;
	char buf[128];
	uint32_t id = ++req_id;

	if (simxs_raw_send(fd, type, id, tx_id, payload, len) < 0 ||
	    simxs_raw_recv(fd, &hdr, buf, sizeof(buf), true) < 0)
		return false;
	if (hdr.type != XS_ERROR || hdr.req_id != id || hdr.tx_id != tx_id ||
	    strcmp(buf, err) != 0) {
		fprintf(stderr, "type %u: reply type %u id %u '%s', expected "
			"error %s\n", type, hdr.type, hdr.req_id, buf, err);
		return false;
	}
	return true;
}

/* The server still answers a fresh, well-behaved client. */
static bool
server_alive(struct simxs_env *env)
{
	struct xs_handle *h = simxs_open(env, 0);
	bool ok;

	if (h == NULL)
		return false;
	ok = simxs_read_is(h, XBT_NULL, "/local/domain/0/domid", "0");
	xs_close(h);
	return ok;
}

#define S(lit) lit, sizeof(lit) - 1

static void
test_malformed(struct simxs_env *env)
{
	int fd = simxs_raw_connect(env, 0);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	/* Unknown or server-only types. */
	CHECK(raw_error(fd, 99, 0, S("x\0"), "ENOSYS"));
	CHECK(raw_error(fd, XS_TYPE_COUNT, 0, S(""), "ENOSYS"));
	CHECK(raw_error(fd, XS_WATCH_EVENT, 0, S("/a\0t\0"), "ENOSYS"));
	CHECK(raw_error(fd, XS_ERROR, 0, S("EINVAL\0"), "ENOSYS"));
	CHECK(raw_error(fd, XS_SET_TARGET, 0, S("1\0002\0"), "ENOSYS"));
	CHECK(raw_error(fd, 0xffffffffu, 0, S(""), "ENOSYS"));
	/* Paths without NUL, with two NULs, empty payloads. */
	CHECK(raw_error(fd, XS_READ, 0, S("/local"), "EINVAL"));
	CHECK(raw_error(fd, XS_READ, 0, S("/local\0/tool\0"), "EINVAL"));
	CHECK(raw_error(fd, XS_READ, 0, S(""), "EINVAL"));
	CHECK(raw_error(fd, XS_DIRECTORY, 0, S("/lo\0cal"), "EINVAL"));
	CHECK(raw_error(fd, XS_MKDIR, 0, S("\0"), "EINVAL"));
	CHECK(raw_error(fd, XS_RM, 0, S("/x"), "EINVAL"));
	CHECK(raw_error(fd, XS_WRITE, 0, S("/nonul"), "EINVAL"));
	CHECK(raw_error(fd, XS_GET_PERMS, 0, S(""), "EINVAL"));
	/* Watch needs exactly path and token. */
	CHECK(raw_error(fd, XS_WATCH, 0, S("/a\0"), "EINVAL"));
	CHECK(raw_error(fd, XS_WATCH, 0, S("/a\0t\0x\0"), "EINVAL"));
	CHECK(raw_error(fd, XS_UNWATCH, 0, S("/a"), "EINVAL"));
	/* Permission strings. */
	CHECK(raw_error(fd, XS_SET_PERMS, 0, S("/local\0"), "EINVAL"));
	CHECK(raw_error(fd, XS_SET_PERMS, 0, S("/local\0x0\0"), "EINVAL"));
	CHECK(raw_error(fd, XS_SET_PERMS, 0, S("/local\0r\0"), "EINVAL"));
	CHECK(raw_error(fd, XS_SET_PERMS, 0, S("/local\0r99999\0"), "EINVAL"));
	CHECK(raw_error(fd, XS_SET_PERMS, 0, S("/local\0r5x\0"), "EINVAL"));
	CHECK(raw_error(fd, XS_SET_PERMS, 0, S("/local\0r-1\0"), "EINVAL"));
	CHECK(raw_error(fd, XS_SET_PERMS, 0, S("/local\0n0\0trail"), "EINVAL"));
	CHECK(raw_error(fd, XS_SET_PERMS, 0, S("@bogus\0n0\0"), "ENOENT"));
	/* Domain requests. */
	CHECK(raw_error(fd, XS_INTRODUCE, 0, S("abc\0001\0001\0"), "EINVAL"));
	CHECK(raw_error(fd, XS_INTRODUCE, 0, S("5\0001\0"), "EINVAL"));
	CHECK(raw_error(fd, XS_INTRODUCE, 0, S("5\0x\0001\0"), "EINVAL"));
	CHECK(raw_error(fd, XS_INTRODUCE, 0, S("99999\0001\0001\0"), "EINVAL"));
	CHECK(raw_error(fd, XS_RELEASE, 0, S("5"), "EINVAL"));
	CHECK(raw_error(fd, XS_RELEASE, 0, S("+5\0"), "EINVAL"));
	CHECK(raw_error(fd, XS_GET_DOMAIN_PATH, 0, S("65536\0"), "EINVAL"));
	CHECK(raw_error(fd, XS_GET_DOMAIN_PATH, 0, S(" 1\0"), "EINVAL"));
	CHECK(raw_error(fd, XS_IS_DOMAIN_INTRODUCED, 0, S(""), "EINVAL"));
	CHECK(raw_error(fd, XS_CONTROL, 0, S(""), "EINVAL"));
	CHECK(raw_error(fd, XS_DIRECTORY_PART, 0, S("/\0"), "EINVAL"));
	CHECK(raw_error(fd, XS_DIRECTORY_PART, 0, S("/\0x\0"), "EINVAL"));
	/* Transactions: unknown ids, bad end argument, nested start. */
	CHECK(raw_error(fd, XS_READ, 4242, S("/local\0"), "ENOENT"));
	CHECK(raw_error(fd, XS_TRANSACTION_END, 0, S("T\0"), "ENOENT"));
	CHECK(raw_error(fd, XS_TRANSACTION_END, 4242, S("T\0"), "ENOENT"));
	CHECK(raw_error(fd, XS_TRANSACTION_START, 4242, S("\0"), "ENOENT"));
	{
		struct xsd_sockmsg hdr;
		char buf[64];
		unsigned long id;

		CHECK(simxs_raw_send(fd, XS_TRANSACTION_START, 1, 0,
				     S("\0")) == 0);
		CHECK(simxs_raw_recv(fd, &hdr, buf, sizeof(buf), true) == 0);
		CHECK(hdr.type == XS_TRANSACTION_START && hdr.len > 1);
		id = strtoul(buf, NULL, 10);
		CHECK(raw_error(fd, XS_TRANSACTION_END, id, S("X\0"),
				"EINVAL"));
		CHECK(raw_error(fd, XS_TRANSACTION_END, id, S("T"), "EINVAL"));
		CHECK(raw_error(fd, XS_TRANSACTION_START, id, S("\0"),
				"EBUSY"));
		CHECK(simxs_raw_send(fd, XS_TRANSACTION_END, 2, id,
				     S("F\0")) == 0);
		CHECK(simxs_raw_recv(fd, &hdr, buf, sizeof(buf), true) == 0);
		CHECK(hdr.type == XS_TRANSACTION_END && strcmp(buf, "OK") == 0);
	}
	close(fd);
	CHECK(server_alive(env));
}

static void
test_framing(struct simxs_env *env)
{
	static const char get_path[] = "\x0a\0\0\0\x07\0\0\0\0\0\0\0\x02\0\0\0"
		"7";
	struct xsd_sockmsg hdr;
	char buf[8192];
	unsigned int i;
	int fd;

	/* Payload length beyond XENSTORE_PAYLOAD_MAX: dropped. */
	fd = simxs_raw_connect(env, 0);
	CHECK(fd >= 0);
	CHECK(simxs_raw_send(fd, XS_READ, 1, 0, "", 0) == 0);
	CHECK(simxs_raw_recv(fd, &hdr, buf, sizeof(buf), true) == 0);
	hdr = (struct xsd_sockmsg){ .type = XS_READ, .len = 4097 };
	CHECK(send(fd, &hdr, sizeof(hdr), MSG_NOSIGNAL) == sizeof(hdr));
	CHECK(simxs_raw_wait_eof(fd) == 0);
	close(fd);
	fd = simxs_raw_connect(env, 0);
	hdr = (struct xsd_sockmsg){ .type = XS_WRITE, .len = 0xffffffffu };
	CHECK(send(fd, &hdr, sizeof(hdr), MSG_NOSIGNAL) == sizeof(hdr));
	CHECK(simxs_raw_wait_eof(fd) == 0);
	close(fd);
	/* Truncated header, truncated payload, then gone. */
	fd = simxs_raw_connect(env, 0);
	CHECK(send(fd, "\x02\0\0", 3, MSG_NOSIGNAL) == 3);
	close(fd);
	fd = simxs_raw_connect(env, 0);
	hdr = (struct xsd_sockmsg){ .type = XS_WRITE, .len = 100 };
	CHECK(send(fd, &hdr, sizeof(hdr), MSG_NOSIGNAL) == sizeof(hdr));
	CHECK(send(fd, "/a\0b", 4, MSG_NOSIGNAL) == 4);
	close(fd);
	CHECK(server_alive(env));

	/* A request dribbled in byte by byte (GET_DOMAIN_PATH "7"). */
	fd = simxs_raw_connect(env, 0);
	for (i = 0; i < sizeof(get_path); i++)
		CHECK(send(fd, get_path + i, 1, MSG_NOSIGNAL) == 1);
	CHECK(simxs_raw_recv(fd, &hdr, buf, sizeof(buf), true) == 0);
	CHECK(hdr.type == XS_GET_DOMAIN_PATH && hdr.req_id == 7 &&
	      strcmp(buf, "/local/domain/7") == 0);
	/* Pipelined requests are answered in order. */
	for (i = 0; i < 3; i++) {
		char dom[8];

		snprintf(dom, sizeof(dom), "%u", i);
		CHECK(simxs_raw_send(fd, XS_GET_DOMAIN_PATH, 20 + i, 0, dom,
				     strlen(dom) + 1) == 0);
	}
	for (i = 0; i < 3; i++) {
		char want[32];

		snprintf(want, sizeof(want), "/local/domain/%u", i);
		CHECK(simxs_raw_recv(fd, &hdr, buf, sizeof(buf), true) == 0);
		CHECK(hdr.req_id == 20 + i && strcmp(buf, want) == 0);
	}
	close(fd);
}

static void
test_slow_reader(struct simxs_env *env, struct xs_handle *h)
{
	char token[3000], path[64];
	unsigned int i;
	int fd;

	/* A watcher that never reads, with fat events: it must be dropped
	 * once its backlog passes the limit, while writers go on. */
	fd = simxs_raw_connect(env, 0);
	CHECK(fd >= 0);
	memset(token, 't', sizeof(token));
	memcpy(token, "/\0", 2);
	token[sizeof(token) - 1] = '\0';
	CHECK(simxs_raw_send(fd, XS_WATCH, 1, 0, token, sizeof(token)) == 0);
	for (i = 0; i < 600; i++) {
		snprintf(path, sizeof(path), "/slow/%u", i);
		CHECK_OK(simxs_write_str(h, XBT_NULL, path, "1"));
	}
	CHECK(simxs_raw_wait_eof(fd) == 0);
	close(fd);
	CHECK_OK(xs_rm(h, XBT_NULL, "/slow"));
}

static void
test_limits(struct simxs_env *env, struct xs_handle *h)
{
	struct xsd_sockmsg hdr;
	int fds[300], n = 0, refused = 0, i;
	char buf[64];

	/* 256 connections at most (h is one): the rest are closed at
	 * once. */
	CHECK(simxs_env_wait_conns(env, 1));
	for (i = 0; i < 300; i++) {
		fds[n] = simxs_raw_connect(env, 0);
		if (fds[n] >= 0)
			n++;
	}
	for (i = 0; i < n; i++) {
		if (simxs_raw_send(fds[i], XS_GET_DOMAIN_PATH, 1, 0, "1", 2) < 0 ||
		    simxs_raw_recv(fds[i], &hdr, buf, sizeof(buf), true) < 0)
			refused++;
	}
	CHECK(n == 300 && refused == n - 255);
	for (i = 0; i < n; i++)
		close(fds[i]);
	CHECK(simxs_env_wait_conns(env, 1));
	/* 16 connections per guest. */
	CHECK_OK(xs_introduce_domain(h, 9, 0, 1));
	n = 0;
	refused = 0;
	for (i = 0; i < 20; i++) {
		fds[n] = simxs_raw_connect(env, 9);
		if (fds[n] >= 0)
			n++;
	}
	for (i = 0; i < n; i++) {
		if (simxs_raw_send(fds[i], XS_GET_DOMAIN_PATH, 1, 0, "1", 2) < 0 ||
		    simxs_raw_recv(fds[i], &hdr, buf, sizeof(buf), true) < 0)
			refused++;
	}
	CHECK(n == 20 && refused == 4);
	/* A guest cannot use privileged requests on the raw wire either. */
	CHECK(raw_error(fds[0], XS_INTRODUCE, 0, S("10\0001\0001\0"), "EACCES"));
	CHECK(raw_error(fds[0], XS_SET_PERMS, 0, S("@releaseDomain\0r9\0"),
			"EACCES"));
	for (i = 0; i < n; i++)
		close(fds[i]);
	CHECK_OK(xs_release_domain(h, 9));
}

int
main(void)
{
	struct simxs_env env;
	struct xs_handle *h;

	simxs_env_start(&env);
	h = simxs_open(&env, 0);
	CHECK(h != NULL);
	if (h == NULL)
		return 1;
	test_malformed(&env);
	test_framing(&env);
	test_slow_reader(&env, h);
	CHECK(server_alive(&env));
	test_limits(&env, h);
	xs_close(h);
	simxs_env_stop(&env);
	if (simxs_failures)
		fprintf(stderr, "%d check(s) failed\n", simxs_failures);
	return simxs_failures ? 1 : 0;
}
