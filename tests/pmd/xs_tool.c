/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xs_tool: read, write or remove one xenstore node through libxenstore
 * (XENSTORED_PATH names the simulator's socket), for the PMD tests.
 *   xs_tool read PATH          print the value; exit 1 when absent
 *   xs_tool write PATH VALUE
 *   xs_tool rm PATH
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

int
main(int argc, char **argv)
{
	struct xs_handle *xs;
	unsigned int len;
	int ret = 1;
	char *v;

	if (argc < 3 || (strcmp(argv[1], "write") == 0 && argc != 4) ||
	    (strcmp(argv[1], "write") != 0 && argc != 3)) {
		fprintf(stderr, "usage: %s read|rm PATH | write PATH VALUE\n",
			argv[0]);
		return 2;
	}
	xs = xs_open(0);
	if (xs == NULL) {
		perror("xs_open");
		return 2;
	}
	if (strcmp(argv[1], "read") == 0) {
		v = xs_read(xs, XBT_NULL, argv[2], &len);
		if (v != NULL) {
			printf("%.*s\n", (int)len, v);
			free(v);
			ret = 0;
		}
	} else if (strcmp(argv[1], "write") == 0) {
		ret = xs_write(xs, XBT_NULL, argv[2], argv[3],
			       strlen(argv[3])) ? 0 : 1;
	} else if (strcmp(argv[1], "rm") == 0) {
		ret = xs_rm(xs, XBT_NULL, argv[2]) ? 0 : 1;
	} else {
		fprintf(stderr, "unknown command %s\n", argv[1]);
		ret = 2;
	}
	xs_close(xs);
	return ret;
}
