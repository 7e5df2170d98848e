/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test harness for the simulated xenstored: a server in a fresh temporary
 * directory driven by its own thread (nesting the server's epoll fd in a
 * poll loop, as a bigger event loop would), real libxenstore handles on
 * its sockets, raw sockets for hostile input, and small check macros.
 */
#ifndef SIMXS_HARNESS_H
#define SIMXS_HARNESS_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <xenstore.h>
#include <xen/io/xs_wire.h>

#include "xnb_xs_server.h"

extern int simxs_failures;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, \
			__LINE__, #cond); \
		simxs_failures++; \
	} \
} while (0)

/* call (a bool libxenstore call) must fail with errno err. */
#define CHECK_FAILS(call, err) do { \
	bool ok_ = (call); \
	int errno_ = errno; \
	if (ok_ || errno_ != (err)) { \
		fprintf(stderr, "%s:%d: %s: expected errno %d, got %s " \
			"(errno %d)\n", __FILE__, __LINE__, #call, (err), \
			ok_ ? "success" : "failure", errno_); \
		simxs_failures++; \
	} \
} while (0)

#define CHECK_OK(call) do { \
	if (!(call)) { \
		fprintf(stderr, "%s:%d: %s failed: errno %d\n", __FILE__, \
			__LINE__, #call, errno); \
		simxs_failures++; \
	} \
} while (0)

struct simxs_env {
	char dir[64];
	struct xnb_xs_server *srv;
	pthread_t thread;
	int cmd[2]; /* commands to the server thread */
	int ack[2]; /* its answers */
};

/* Server in a new temporary directory, served by a thread. Aborts the
 * test on failure. */
void simxs_env_start(struct simxs_env *env);
/* Stop the thread, destroy the server, remove the directory. */
void simxs_env_stop(struct simxs_env *env);
/* Call xnb_xs_server_domain_died in the server thread and wait. */
void simxs_env_domain_died(struct simxs_env *env, uint16_t domid);
/* Wait until the server has exactly n client connections open. */
bool simxs_env_wait_conns(struct simxs_env *env, unsigned int n);
/* Socket path of dom0 (domid 0) or of an introduced guest. */
void simxs_env_sock(const struct simxs_env *env, uint16_t domid, char *buf,
		    size_t len);
/* A real libxenstore handle as that domain (XENSTORED_PATH). */
struct xs_handle *simxs_open(const struct simxs_env *env, uint16_t domid);

/* Read path as a NUL-terminated malloc()ed string, NULL + errno. */
char *simxs_read(struct xs_handle *h, xs_transaction_t t, const char *path);
/* path reads exactly as value. */
bool simxs_read_is(struct xs_handle *h, xs_transaction_t t, const char *path,
		   const char *value);
bool simxs_write_str(struct xs_handle *h, xs_transaction_t t,
		     const char *path, const char *value);
/* Permissions of path formatted "n0,r5" into buf; false + errno. */
bool simxs_perms(struct xs_handle *h, xs_transaction_t t, const char *path,
		 char *buf, size_t len);
/* Set permissions from "n5,r0" syntax. */
bool simxs_set_perms(struct xs_handle *h, xs_transaction_t t,
		     const char *path, const char *perms);
/* Directory as "a,b,c" into buf; false + errno. */
bool simxs_dir(struct xs_handle *h, xs_transaction_t t, const char *path,
	       char *buf, size_t len);

/* Watch events received by h, in order, until a private sync watch fires:
 * everything the server queued before now. "path|token" lines joined by
 * ';' into buf. Returns the number of events or -1. */
int simxs_events(struct xs_handle *h, char *buf, size_t len);

/* Raw protocol access for hostile tests. */
int simxs_raw_connect(const struct simxs_env *env, uint16_t domid);
int simxs_raw_send(int fd, uint32_t type, uint32_t req_id, uint32_t tx_id,
		   const void *payload, uint32_t len);
/* Next message (skipping watch events when skip_events); its payload
 * bytes, NUL-terminated, into buf. 0, -ETIMEDOUT, or -EPIPE on EOF. */
int simxs_raw_recv(int fd, struct xsd_sockmsg *hdr, char *buf, size_t len,
		   bool skip_events);
/* Wait until the server closes fd (reading and discarding): 0 or
 * -ETIMEDOUT. */
int simxs_raw_wait_eof(int fd);

#endif /* SIMXS_HARNESS_H */
