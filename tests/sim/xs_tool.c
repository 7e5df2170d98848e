/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xnb-test-xs: xenstore access for the sim test scripts, through the seam
 * (dom0's view), since the xenstore utilities need a real Xen.
 *   xnb-test-xs [--dir DIR] read PATH...     print values, 1 if one is absent
 *   xnb-test-xs [--dir DIR] ls PATH          print the children
 *   xnb-test-xs [--dir DIR] write PATH VALUE (tests play a hostile guest)
 *   xnb-test-xs [--dir DIR] wait PATH VALUE [SECONDS]
 *       block (watch, default 10 s) until PATH reads VALUE; VALUE
 *       "@absent" waits for its removal; 1 on timeout
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xnb_hv.h"

static const char *usage_text =
	"usage: xnb-test-xs [--dir DIR] read PATH... | ls PATH |"
	" write PATH VALUE | wait PATH VALUE [SECONDS]\n";

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
	} else {
		fputs(usage_text, stderr);
	}
close:
	xnb_hv_close(hv);
	return status;
}
