/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xnb-test-xs: xenstore access for the sim test scripts, through the seam
 * (dom0's view), since the xenstore utilities need a real Xen.
 *   xnb-test-xs [--dir DIR] read PATH...     print values, 1 if one is absent
 *   xnb-test-xs [--dir DIR] ls PATH          print the children
 *   xnb-test-xs [--dir DIR] write PATH VALUE (tests play a hostile guest)
 *   xnb-test-xs [--dir DIR] rm PATH          (or a confused toolstack)
 *   xnb-test-xs [--dir DIR] wait PATH VALUE [SECONDS]
 *       block (watch, default 10 s) until PATH reads VALUE; VALUE
 *       "@absent" waits for its removal; 1 on timeout
 *   xnb-test-xs [--dir DIR] trace SECONDS PID UNTIL PATH...
 *       watch every PATH and print one line per event, in order:
 *       "EVENT-PATH VALUE|@absent|- PID-STATE" (the value read when the
 *       event is handled, "-" for special paths; PID-STATE is the state
 *       letter of process PID from /proc, "gone" once it is dead), as
 *       the e2e harness traces xenstore on Xen. "ready" goes to stderr
 *       once the watches are set (their initial events are not
 *       printed). Ends after a line starting with UNTIL (0) or after
 *       SECONDS (1)
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xnb_hv.h"

static const char *usage_text =
	"usage: xnb-test-xs [--dir DIR] read PATH... | ls PATH |"
	" write PATH VALUE | rm PATH | wait PATH VALUE [SECONDS] |"
	" trace SECONDS PID UNTIL PATH...\n";

/* Most paths trace watches at once. */
#define TRACE_MAX_PATHS 8

static char *
xs_get(struct xnb_hv *hv, const char *path)
{
	unsigned int len;

	return hv->ops->xs_read(hv, XNB_XS_TXN_NULL, path, &len);
}

static int
cmd_read(struct xnb_hv *hv, int argc, char **argv)
{
	int i, status = 0;
	char *v;

	for (i = 0; i < argc; i++) {
		v = xs_get(hv, argv[i]);
		if (v == NULL) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			status = 1;
			continue;
		}
		printf("%s\n", v);
		free(v);
	}
	return status;
}

static int
cmd_ls(struct xnb_hv *hv, const char *path)
{
	unsigned int n, i;
	char **d;

	d = hv->ops->xs_directory(hv, XNB_XS_TXN_NULL, path, &n);
	if (d == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++)
		printf("%s\n", d[i]);
	free(d);
	return 0;
}

static bool
matches(struct xnb_hv *hv, const char *path, const char *want, char **last)
{
	char *v = xs_get(hv, path);
	bool ok;

	if (v == NULL)
		ok = strcmp(want, "@absent") == 0;
	else
		ok = strcmp(want, v) == 0;
	free(*last);
	*last = v;
	return ok;
}

static int
cmd_wait(struct xnb_hv *hv, const char *path, const char *want, double secs)
{
	struct pollfd pfd = { .fd = hv->ops->xs_fd(hv), .events = POLLIN };
	struct timespec t0, t;
	char *last = NULL;
	unsigned int num;
	double left;
	char **ev;
	int status = 1;

	if (hv->ops->xs_watch(hv, path, "w") < 0) {
		fprintf(stderr, "watch %s failed\n", path);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (matches(hv, path, want, &last)) {
			status = 0;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = secs - (double)(t.tv_sec - t0.tv_sec) -
		       (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
		if (left <= 0)
			break;
		if (poll(&pfd, 1, (int)(left * 1000) + 1) < 0 && errno != EINTR)
			break;
		while ((ev = hv->ops->xs_read_watch(hv, &num)) != NULL)
			free(ev);
	}
	if (status != 0)
		fprintf(stderr, "%s: wanted '%s', still '%s' after %.1f s\n",
			path, want, last == NULL ? "@absent" : last, secs);
	free(last);
	hv->ops->xs_unwatch(hv, path, "w");
	return status;
}

static double
elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Field 3 of /proc/PID/stat: R, S, T (stopped)...; "gone" if dead. */
static void
pid_state(long pid, char *out, size_t len)
{
	char path[64], buf[512], *p;
	FILE *f;

	snprintf(out, len, "gone");
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return;
	/* The command name may hold spaces and parentheses: skip to the
	 * last ')'. */
	if (fgets(buf, sizeof(buf), f) != NULL &&
	    (p = strrchr(buf, ')')) != NULL && p[1] == ' ' && p[2] != '\0' &&
	    p[2] != 'Z' && p[2] != 'X')
		snprintf(out, len, "%c", p[2]);
	fclose(f);
}

static int
cmd_trace(struct xnb_hv *hv, double secs, long pid, const char *until,
	  int npaths, char **paths)
{
	struct pollfd pfd = { .fd = hv->ops->xs_fd(hv), .events = POLLIN };
	bool initial[TRACE_MAX_PATHS] = { false };
	char token[16], st[8], line[4096], *v;
	struct timespec t0;
	unsigned int num;
	double left;
	char **ev;
	int i, tok;

	for (i = 0; i < npaths; i++) {
		snprintf(token, sizeof(token), "%d", i);
		if (hv->ops->xs_watch(hv, paths[i], token) < 0) {
			fprintf(stderr, "watch %s failed\n", paths[i]);
			return 1;
		}
	}
	fprintf(stderr, "ready\n");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((left = secs - elapsed(&t0)) > 0) {
		if (poll(&pfd, 1, (int)(left * 1000) + 1) < 0 && errno != EINTR)
			return 1;
		while ((ev = hv->ops->xs_read_watch(hv, &num)) != NULL) {
			tok = atoi(ev[1]);
			/* xenstored fires each watch once when it is set. */
			if (tok < 0 || tok >= npaths || !initial[tok]) {
				if (tok >= 0 && tok < npaths)
					initial[tok] = true;
				free(ev);
				continue;
			}
			pid_state(pid, st, sizeof(st));
			v = ev[0][0] == '@' ? NULL : xs_get(hv, ev[0]);
			snprintf(line, sizeof(line), "%s %s %s", ev[0],
				 ev[0][0] == '@' ? "-" :
				 v == NULL ? "@absent" :
				 v[0] == '\0' ? "\"\"" : v, st);
			free(v);
			free(ev);
			printf("%s\n", line);
			fflush(stdout);
			if (strncmp(line, until, strlen(until)) == 0)
				return 0;
		}
	}
	return 1;
}

int
main(int argc, char **argv)
{
	const char *dir = NULL;
	struct xnb_hv *hv;
	double secs = 10;
	int status = 2;
	char *end;

	if (argc > 2 && strcmp(argv[1], "--dir") == 0) {
		dir = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 3) {
		fputs(usage_text, stderr);
		return 2;
	}
	hv = xnb_hv_open("sim", dir);
	if (hv == NULL) {
		fprintf(stderr, "xnb-test-xs: %s\n", strerror(errno));
		return 2;
	}
	if (strcmp(argv[1], "read") == 0) {
		status = cmd_read(hv, argc - 2, argv + 2);
	} else if (strcmp(argv[1], "ls") == 0 && argc == 3) {
		status = cmd_ls(hv, argv[2]);
	} else if (strcmp(argv[1], "write") == 0 && argc == 4) {
		status = hv->ops->xs_write(hv, XNB_XS_TXN_NULL, argv[2],
					   argv[3],
					   (unsigned int)strlen(argv[3])) < 0;
	} else if (strcmp(argv[1], "rm") == 0 && argc == 3) {
		status = hv->ops->xs_rm(hv, XNB_XS_TXN_NULL, argv[2]) < 0;
	} else if (strcmp(argv[1], "wait") == 0 &&
		   (argc == 4 || argc == 5)) {
		if (argc == 5) {
			secs = strtod(argv[4], &end);
			if (*end != '\0' || !(secs > 0)) {
				fputs(usage_text, stderr);
				goto close;
			}
		}
		status = cmd_wait(hv, argv[2], argv[3], secs);
	} else if (strcmp(argv[1], "trace") == 0 && argc >= 6 &&
		   argc - 5 <= TRACE_MAX_PATHS) {
		secs = strtod(argv[2], &end);
		if (*end != '\0' || !(secs > 0)) {
			fputs(usage_text, stderr);
			goto close;
		}
		status = cmd_trace(hv, secs, strtol(argv[3], NULL, 10),
				   argv[4], argc - 5, argv + 5);
	} else {
		fputs(usage_text, stderr);
	}
close:
	xnb_hv_close(hv);
	return status;
}
