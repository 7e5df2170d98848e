/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Opening the seam where it cannot work: "xen" on a machine without Xen
 * fails with ENODEV and exactly one log line pointing at the simulator;
 * "sim" without a directory or without a running simulator fails cleanly;
 * an unknown name is EINVAL. (Skipped on a real Xen dom0.)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv_test.h"
#include "xnb_hv.h"

/* Open kind/arg with stderr captured; returns the captured text. */
static char *
open_captured(const char *kind, const char *arg, struct xnb_hv **hv,
	      int *err)
{
	static char out[4096];
	FILE *tmp = tmpfile();
	int saved;
	size_t n;

	CHECK(tmp != NULL);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	CHECK(saved >= 0);
	CHECK(dup2(fileno(tmp), STDERR_FILENO) == STDERR_FILENO);
	errno = 0;
	*hv = xnb_hv_open(kind, arg);
	*err = errno;
	fflush(stderr);
	CHECK(dup2(saved, STDERR_FILENO) == STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, sizeof(out) - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	return out;
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

int
main(void)
{
	char dir[] = "/tmp/xnb-hvopen-XXXXXX";
	struct xnb_hv *hv;
	const char *log;
	int err;

	if (access("/dev/xen/gntdev", F_OK) == 0) {
		printf("Xen is present: nothing to test here\n");
		return 77;
	}
	unsetenv("XENSTORED_PATH");
	unsetenv("XNB_SIM_DIR");

	log = open_captured("xen", NULL, &hv, &err);
	CHECK(hv == NULL);
	CHECK_EQ(err, ENODEV);
	CHECK_EQ(count_lines(log), 1);
	CHECK(strstr(log, "/dev/xen/gntdev") != NULL);
	CHECK(strstr(log, "hv=sim") != NULL);

	log = open_captured("kvm", NULL, &hv, &err);
	CHECK(hv == NULL);
	CHECK_EQ(err, EINVAL);
	CHECK_EQ(count_lines(log), 1);

	log = open_captured("sim", NULL, &hv, &err);
	CHECK(hv == NULL);
	CHECK_EQ(err, EINVAL);
	CHECK_EQ(count_lines(log), 1);

	/* A directory where no simulator runs. */
	CHECK(mkdtemp(dir) != NULL);
	log = open_captured("sim", dir, &hv, &err);
	rmdir(dir);
	CHECK(hv == NULL);
	CHECK_EQ(err, ENOENT);
	CHECK_EQ(count_lines(log), 1);
	CHECK(strstr(log, "xnb-simhv") != NULL);

	printf("test_hv_open: ok\n");
	return 0;
}
