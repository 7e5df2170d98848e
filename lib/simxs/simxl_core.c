/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Toolstack stand-in plumbing: the xenstore connection, small read/write
 * helpers, transactions retried on EAGAIN, waiting on a node with a watch
 * (never by sleeping), and libxl's path cleanup.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xnb_sim_paths.h"
#include "simxl_int.h"

/* libxl retries conflicting transactions without limit; a bound keeps a
 * livelock visible. */
#define SIMXL_TXN_RETRIES 100

struct xnb_simxl *
xnb_simxl_open(const char *dir)
{
	struct xnb_simxl *xl;
	char *path = NULL;
	const char *cur;
	int err;

	if (dir == NULL)
		dir = getenv(XNB_SIM_DIR_ENV);
	if (dir != NULL) {
		if (asprintf(&path, "%s/%s", dir, XNB_SIM_XS_SOCKET) < 0)
			return NULL;
		/* libxenstore only reads it in xs_open. Leave it alone when
		 * already right (other threads may read the environment). */
		cur = getenv("XENSTORED_PATH");
		if ((cur == NULL || strcmp(cur, path) != 0) &&
		    setenv("XENSTORED_PATH", path, 1) < 0) {
			free(path);
			return NULL;
		}
	}
	xl = calloc(1, sizeof(*xl));
	if (xl == NULL) {
		free(path);
		return NULL;
	}
	/* Not XS_UNWATCH_FILTER: libxenstore 4.17 leaks what it filters. */
	xl->xs = xs_open(0);
	if (xl->xs == NULL) {
		err = errno;
		SIMXL_ERR("cannot connect to xenstore%s%s: %s",
			  path != NULL ? " at " : "", path != NULL ? path : "",
			  strerror(err));
		free(path);
		free(xl);
		errno = err;
		return NULL;
	}
	if (dir != NULL) {
		xl->sim_dir = strdup(dir);
		if (xl->sim_dir == NULL) {
			xs_close(xl->xs);
			free(path);
			free(xl);
			errno = ENOMEM;
			return NULL;
		}
	}
	xl->xs_path = path;
	return xl;
}

void
xnb_simxl_close(struct xnb_simxl *xl)
{
	if (xl == NULL)
		return;
	xs_close(xl->xs);
	free(xl->xs_path);
	free(xl->sim_dir);
	free(xl);
}

int64_t
simxl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *
simxl_read(struct xnb_simxl *xl, xs_transaction_t t, const char *path)
{
	unsigned int len;

	/* libxenstore NUL-terminates what it returns. */
	return xs_read(xl->xs, t, path, &len);
}

int
simxl_read_int(struct xnb_simxl *xl, xs_transaction_t t, const char *path)
{
	char *v = simxl_read(xl, t, path), *end;
	long n;

	if (v == NULL)
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (end == v || *end != '\0' || errno != 0 || n < 0 || n > INT32_MAX)
		n = -1;
	free(v);
	return (int)n;
}

int
simxl_write(struct xnb_simxl *xl, xs_transaction_t t, const char *path,
	    const char *value)
{
	if (!xs_write(xl->xs, t, path, value, strlen(value)))
		return -errno;
	return 0;
}

int
simxl_set_perms(struct xnb_simxl *xl, xs_transaction_t t, const char *path,
		uint16_t owner, int reader)
{
	struct xs_permissions p[2] = {
		{ .id = owner, .perms = XS_PERM_NONE },
		{ .id = (unsigned int)reader, .perms = XS_PERM_READ },
	};

	if (!xs_set_permissions(xl->xs, t, path, p, reader < 0 ? 1 : 2))
		return -errno;
	return 0;
}

int
simxl_mkdir_perms(struct xnb_simxl *xl, xs_transaction_t t, const char *path,
		  uint16_t owner, int reader)
{
	if (!xs_mkdir(xl->xs, t, path))
		return -errno;
	return simxl_set_perms(xl, t, path, owner, reader);
}

int
simxl_txn(struct xnb_simxl *xl,
	  int (*body)(struct xnb_simxl *xl, xs_transaction_t t, void *arg),
	  void *arg)
{
	unsigned int tries;
	xs_transaction_t t;
	int ret;

	for (tries = 0; tries < SIMXL_TXN_RETRIES; tries++) {
		t = xs_transaction_start(xl->xs);
		if (t == XBT_NULL)
			return -errno;
		ret = body(xl, t, arg);
		if (ret < 0) {
			xs_transaction_end(xl->xs, t, true);
			return ret;
		}
		if (xs_transaction_end(xl->xs, t, false))
			return 0;
		if (errno != EAGAIN)
			return -errno;
	}
	SIMXL_ERR("transaction kept conflicting, gave up after %u tries",
		  tries);
	return -EAGAIN;
}

int
simxl_wait(struct xnb_simxl *xl, const char *path,
	   bool (*done)(const char *value), int64_t deadline)
{
	struct pollfd pfd = { .events = POLLIN };
	char token[32], **ev, *v;
	int64_t left;
	int ret;

	snprintf(token, sizeof(token), "xnb-simxl-%u", xl->seq++);
	if (!xs_watch(xl->xs, path, token))
		return -errno;
	pfd.fd = xs_fileno(xl->xs);
	for (;;) {
		v = simxl_read(xl, XBT_NULL, path);
		if (done(v)) {
			free(v);
			ret = 0;
			break;
		}
		free(v);
		left = deadline - simxl_now_ms();
		if (left <= 0) {
			ret = -ETIMEDOUT;
			break;
		}
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
		/* Any event means: look again. */
		while ((ev = xs_check_watch(xl->xs)) != NULL)
			free(ev);
	}
	xs_unwatch(xl->xs, path, token);
	return ret;
}

int
simxl_path_cleanup(struct xnb_simxl *xl, xs_transaction_t t,
		   const char *path)
{
	char *p, *slash, *v, **d;
	unsigned int n;
	bool empty;

	if (!xs_rm(xl->xs, t, path))
		return -errno;
	p = strdup(path);
	if (p == NULL)
		return -ENOMEM;
	while ((slash = strrchr(p, '/')) != NULL && slash != p) {
		*slash = '\0';
		v = simxl_read(xl, t, p);
		empty = v != NULL && v[0] == '\0';
		free(v);
		if (!empty)
			break;
		d = xs_directory(xl->xs, t, p, &n);
		empty = d != NULL && n == 0;
		free(d);
		if (!empty)
			break;
		if (!xs_rm(xl->xs, t, p))
			break;
	}
	free(p);
	return 0;
}
