/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Simulated xenstored, node operations through the real libxenstore:
 * initial tree, read/write/mkdir/rm/directory (incl. the DIRECTORY_PART
 * fallback for big directories), path validation, relative paths,
 * permissions and quotas of an unprivileged guest.
 */
#include <stdlib.h>
#include <string.h>

#include "simxs_harness.h"

static void
test_initial_tree(struct xs_handle *h)
{
	char buf[256];

	CHECK(simxs_read_is(h, XBT_NULL, "/local/domain/0/domid", "0"));
	CHECK(simxs_read_is(h, XBT_NULL, "/local/domain/0/name", "Domain-0"));
	CHECK_OK(simxs_dir(h, XBT_NULL, "/", buf, sizeof(buf)));
	CHECK(strcmp(buf, "local,tool,vm") == 0);
	CHECK_OK(simxs_dir(h, XBT_NULL, "/local/domain/0", buf, sizeof(buf)));
	CHECK(strcmp(buf, "domid,name") == 0);
	CHECK_OK(simxs_perms(h, XBT_NULL, "/", buf, sizeof(buf)));
	CHECK(strcmp(buf, "n0") == 0);
	CHECK(xs_is_domain_introduced(h, 0));
	CHECK(!xs_is_domain_introduced(h, 7));
}

static void
test_read_write(struct xs_handle *h)
{
	char buf[256], big[4000], *v;
	unsigned int len;

	/* Writes create missing parents with empty values. */
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/a/b/c", "x"));
	CHECK(simxs_read_is(h, XBT_NULL, "/a/b/c", "x"));
	CHECK(simxs_read_is(h, XBT_NULL, "/a/b", ""));
	CHECK_OK(simxs_dir(h, XBT_NULL, "/a", buf, sizeof(buf)));
	CHECK(strcmp(buf, "b") == 0);
	/* Overwrite, binary data, empty value. */
	CHECK_OK(xs_write(h, XBT_NULL, "/a/b/c", "1\0002", 3));
	v = xs_read(h, XBT_NULL, "/a/b/c", &len);
	CHECK(v != NULL && len == 3 && memcmp(v, "1\0002", 3) == 0);
	free(v);
	CHECK_OK(xs_write(h, XBT_NULL, "/a/b/c", "", 0));
	CHECK(simxs_read_is(h, XBT_NULL, "/a/b/c", ""));
	/* Children keep creation order. */
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/a/z", "1"));
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/a/m", "2"));
	CHECK_OK(simxs_dir(h, XBT_NULL, "/a", buf, sizeof(buf)));
	CHECK(strcmp(buf, "b,z,m") == 0);
	/* mkdir: creates parents, existing is fine and keeps the value. */
	CHECK_OK(xs_mkdir(h, XBT_NULL, "/d/e/f"));
	CHECK(simxs_read_is(h, XBT_NULL, "/d/e/f", ""));
	CHECK_OK(xs_mkdir(h, XBT_NULL, "/a/z"));
	CHECK(simxs_read_is(h, XBT_NULL, "/a/z", "1"));
	/* A value of almost a full payload. */
	memset(big, 'v', sizeof(big));
	CHECK_OK(xs_write(h, XBT_NULL, "/big", big, sizeof(big)));
	v = xs_read(h, XBT_NULL, "/big", &len);
	CHECK(v != NULL && len == sizeof(big) &&
	      memcmp(v, big, sizeof(big)) == 0);
	free(v);
	/* Path plus data over the payload limit is refused by the client
	 * itself, before the server sees it. */
	CHECK_FAILS(xs_write(h, XBT_NULL, "/big", big, 4096), E2BIG);
}

static void
test_rm(struct xs_handle *h)
{
	char buf[64];

	CHECK_OK(simxs_write_str(h, XBT_NULL, "/r/x/y/z", "1"));
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/r/w", "2"));
	CHECK_OK(xs_rm(h, XBT_NULL, "/r/x"));
	CHECK_FAILS(simxs_read(h, XBT_NULL, "/r/x/y/z") != NULL, ENOENT);
	CHECK_FAILS(simxs_read(h, XBT_NULL, "/r/x") != NULL, ENOENT);
	CHECK_OK(simxs_dir(h, XBT_NULL, "/r", buf, sizeof(buf)));
	CHECK(strcmp(buf, "w") == 0);
	/* Missing node under an existing parent: fine. Missing parent:
	 * ENOENT. The root cannot go. */
	CHECK_OK(xs_rm(h, XBT_NULL, "/r/nothere"));
	CHECK_FAILS(xs_rm(h, XBT_NULL, "/r/no/there"), ENOENT);
	CHECK_FAILS(xs_rm(h, XBT_NULL, "/"), EINVAL);
	CHECK_FAILS(simxs_read(h, XBT_NULL, "/nothere") != NULL, ENOENT);
	CHECK_FAILS(simxs_dir(h, XBT_NULL, "/nothere", buf, sizeof(buf)),
		    ENOENT);
}

static void
test_bad_paths(struct xs_handle *h)
{
	static const char *const bad[] = {
		"/a//b", "/a/", "/a b", "/a/b\xff", "/a\\b", "/a.b",
	};
	char long_path[3100];
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_FAILS(simxs_write_str(h, XBT_NULL, bad[i], "1"), EINVAL);
		CHECK_FAILS(simxs_read(h, XBT_NULL, bad[i]) != NULL, EINVAL);
		CHECK_FAILS(xs_mkdir(h, XBT_NULL, bad[i]), EINVAL);
		CHECK_FAILS(xs_rm(h, XBT_NULL, bad[i]), EINVAL);
	}
	/* Empty relative path is the domain path plus a trailing '/'. */
	CHECK_FAILS(simxs_read(h, XBT_NULL, "") != NULL, EINVAL);
	/* @ paths are watch-only. */
	CHECK_FAILS(simxs_read(h, XBT_NULL, "@introduceDomain") != NULL,
		    EINVAL);
	/* XENSTORE_ABS_PATH_MAX is the limit, for dom0 too. */
	long_path[0] = '/';
	memset(long_path + 1, 'p', 3072);
	long_path[3073] = '\0';
	CHECK_FAILS(simxs_write_str(h, XBT_NULL, long_path, "1"), EINVAL);
	long_path[3072] = '\0';
	CHECK_OK(simxs_write_str(h, XBT_NULL, long_path, "1"));
	CHECK_OK(xs_rm(h, XBT_NULL, long_path));
}

static void
test_relative(struct xs_handle *h)
{
	char *p;

	CHECK_OK(simxs_write_str(h, XBT_NULL, "rel/key", "v"));
	CHECK(simxs_read_is(h, XBT_NULL, "/local/domain/0/rel/key", "v"));
	CHECK(simxs_read_is(h, XBT_NULL, "rel/key", "v"));
	CHECK_OK(xs_rm(h, XBT_NULL, "rel"));
	CHECK_FAILS(simxs_read(h, XBT_NULL, "/local/domain/0/rel") != NULL,
		    ENOENT);
	p = xs_get_domain_path(h, 5);
	CHECK(p != NULL && strcmp(p, "/local/domain/5") == 0);
	free(p);
}

static void
test_big_directory(struct xs_handle *h)
{
	unsigned int i, n;
	char path[64];
	char **d;

	/* 600 names of 11 bytes: more than one payload, so libxenstore
	 * gets E2BIG for XS_DIRECTORY and pages with XS_DIRECTORY_PART. */
	for (i = 0; i < 600; i++) {
		snprintf(path, sizeof(path), "/bigdir/child%05u", i);
		CHECK_OK(xs_mkdir(h, XBT_NULL, path));
	}
	d = xs_directory(h, XBT_NULL, "/bigdir", &n);
	CHECK(d != NULL && n == 600);
	for (i = 0; d != NULL && i < n; i++) {
		snprintf(path, sizeof(path), "child%05u", i);
		CHECK(strcmp(d[i], path) == 0);
	}
	free(d);
	CHECK_OK(xs_rm(h, XBT_NULL, "/bigdir"));
}

static void
test_perms_dom0(struct xs_handle *h)
{
	char buf[64], *r;

	CHECK_OK(simxs_write_str(h, XBT_NULL, "/p/q", "1"));
	CHECK_OK(simxs_set_perms(h, XBT_NULL, "/p", "n5,r7,b8"));
	CHECK_OK(simxs_perms(h, XBT_NULL, "/p", buf, sizeof(buf)));
	CHECK(strcmp(buf, "n5,r7,b8") == 0);
	/* Existing children keep theirs; new ones inherit; dom0 creating
	 * keeps the inherited owner. */
	CHECK_OK(simxs_perms(h, XBT_NULL, "/p/q", buf, sizeof(buf)));
	CHECK(strcmp(buf, "n0") == 0);
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/p/new/deep", "1"));
	CHECK_OK(simxs_perms(h, XBT_NULL, "/p/new/deep", buf, sizeof(buf)));
	CHECK(strcmp(buf, "n5,r7,b8") == 0);
	CHECK_FAILS(simxs_perms(h, XBT_NULL, "/p/none", buf, sizeof(buf)),
		    ENOENT);
	r = xs_control_command(h, "check", NULL, 0);
	CHECK(r != NULL && strcmp(r, "OK") == 0);
	free(r);
	CHECK_FAILS(xs_control_command(h, "bogus", NULL, 0) != NULL, EINVAL);
}

/* Guest 5 against libxl's layout: its domain dir readable, its device dir
 * its own, a backend dir owned by dom0 and readable by it. */
static void
setup_guest_tree(struct xs_handle *h0)
{
	CHECK_OK(xs_introduce_domain(h0, 5, 0, 1));
	CHECK_OK(xs_mkdir(h0, XBT_NULL, "/local/domain/5"));
	CHECK_OK(simxs_set_perms(h0, XBT_NULL, "/local/domain/5", "n0,r5"));
	CHECK_OK(simxs_write_str(h0, XBT_NULL, "/local/domain/5/name", "g5"));
	CHECK_OK(xs_mkdir(h0, XBT_NULL, "/local/domain/5/device"));
	CHECK_OK(simxs_set_perms(h0, XBT_NULL, "/local/domain/5/device",
				 "n5"));
	CHECK_OK(xs_mkdir(h0, XBT_NULL, "/local/domain/0/backend/vif/5/0"));
	CHECK_OK(simxs_set_perms(h0, XBT_NULL,
				 "/local/domain/0/backend/vif/5/0", "n0,r5"));
	CHECK_OK(simxs_write_str(h0, XBT_NULL,
				 "/local/domain/0/backend/vif/5/0/state", "2"));
	CHECK_OK(xs_mkdir(h0, XBT_NULL, "/local/domain/6/secret"));
}

static void
test_guest_access(struct xs_handle *h0, struct xs_handle *g)
{
	const char *be = "/local/domain/0/backend/vif/5/0";
	char buf[64], path[128];

	/* Other domains' and dom0's nodes: EACCES, also for missing nodes
	 * below unreadable parents (no information leak). */
	CHECK_FAILS(simxs_read(g, XBT_NULL, "/local/domain/0/name") != NULL,
		    EACCES);
	CHECK_FAILS(simxs_read(g, XBT_NULL, "/local/domain/0/none") != NULL,
		    EACCES);
	CHECK_FAILS(simxs_read(g, XBT_NULL, "/local/domain/6/secret") != NULL,
		    EACCES);
	CHECK_FAILS(simxs_dir(g, XBT_NULL, "/", buf, sizeof(buf)), EACCES);
	CHECK_FAILS(simxs_write_str(g, XBT_NULL, "/local/domain/6/x", "1"),
		    EACCES);
	CHECK_FAILS(simxs_write_str(g, XBT_NULL, "/newtop", "1"), EACCES);
	/* Its domain dir: readable, not writable. */
	CHECK(simxs_read_is(g, XBT_NULL, "name", "g5"));
	CHECK_FAILS(simxs_write_str(g, XBT_NULL, "name", "evil"), EACCES);
	CHECK_FAILS(simxs_write_str(g, XBT_NULL, "other", "1"), EACCES);
	CHECK_FAILS(simxs_read(g, XBT_NULL, "none") != NULL, ENOENT);
	/* The backend dir: readable, not writable; ENOENT below it. */
	snprintf(path, sizeof(path), "%s/state", be);
	CHECK(simxs_read_is(g, XBT_NULL, path, "2"));
	CHECK_FAILS(simxs_write_str(g, XBT_NULL, path, "6"), EACCES);
	CHECK_FAILS(xs_rm(g, XBT_NULL, path), EACCES);
	snprintf(path, sizeof(path), "%s/none", be);
	CHECK_FAILS(simxs_read(g, XBT_NULL, path) != NULL, ENOENT);
	CHECK_FAILS(simxs_write_str(g, XBT_NULL, path, "1"), EACCES);
	/* Its device dir: it creates and owns nodes there. */
	CHECK_OK(simxs_write_str(g, XBT_NULL, "device/vif/0/state", "1"));
	CHECK(simxs_read_is(h0, XBT_NULL,
			    "/local/domain/5/device/vif/0/state", "1"));
	CHECK_OK(simxs_perms(g, XBT_NULL, "device/vif/0/state", buf,
			     sizeof(buf)));
	CHECK(strcmp(buf, "n5") == 0);
	CHECK_OK(simxs_perms(h0, XBT_NULL, "/local/domain/5/device/vif", buf,
			     sizeof(buf)));
	CHECK(strcmp(buf, "n5") == 0);
	/* SET_PERMS: the owner may share but not give away; not-owned
	 * nodes are out of reach. */
	CHECK_OK(simxs_set_perms(g, XBT_NULL, "device/vif/0", "n5,r0,b9"));
	CHECK_OK(simxs_perms(g, XBT_NULL, "device/vif/0", buf, sizeof(buf)));
	CHECK(strcmp(buf, "n5,r0,b9") == 0);
	CHECK_FAILS(simxs_set_perms(g, XBT_NULL, "device/vif/0", "n0"), EPERM);
	CHECK_FAILS(simxs_set_perms(g, XBT_NULL, be, "n5"), EACCES);
	CHECK_FAILS(simxs_set_perms(g, XBT_NULL, "/local/domain/5", "n5"),
		    EACCES);
	/* Write access granted explicitly. */
	CHECK_OK(simxs_set_perms(h0, XBT_NULL, "/local/domain/6/secret",
				 "n6,w5"));
	CHECK_OK(simxs_write_str(g, XBT_NULL, "/local/domain/6/secret/k",
				 "1"));
	CHECK_FAILS(simxs_read(g, XBT_NULL, "/local/domain/6/secret") != NULL,
		    EACCES);
	CHECK_OK(simxs_perms(h0, XBT_NULL, "/local/domain/6/secret/k", buf,
			     sizeof(buf)));
	CHECK(strcmp(buf, "n5,w5") == 0);
	/* Privileged requests. */
	CHECK_FAILS(xs_introduce_domain(g, 9, 0, 1), EACCES);
	CHECK_FAILS(xs_release_domain(g, 5), EACCES);
	CHECK_FAILS(xs_control_command(g, "check", NULL, 0) != NULL, EACCES);
	CHECK(!xs_is_domain_introduced(g, 5) && errno == EACCES);
}

static void
test_guest_quota(struct xs_handle *g)
{
	char path[64], big[2100], rel[2100];
	unsigned int i;
	bool full = false;

	/* Node size quota (2048 bytes) for unprivileged domains. */
	memset(big, 'b', sizeof(big));
	CHECK_FAILS(xs_write(g, XBT_NULL, "device/big", big, sizeof(big)),
		    ENOSPC);
	CHECK_OK(xs_write(g, XBT_NULL, "device/big", big, 1500));
	/* Relative part limited to XENSTORE_REL_PATH_MAX. */
	memset(rel, 'r', sizeof(rel));
	memcpy(rel, "device/", 7);
	rel[2060] = '\0';
	CHECK_FAILS(simxs_write_str(g, XBT_NULL, rel, "1"), EINVAL);
	/* At most five permission entries. */
	CHECK_FAILS(simxs_set_perms(g, XBT_NULL, "device/big",
				    "n5,r1,r2,r3,r4,r6"), ENOSPC);
	/* Node count quota (1000 nodes; groups of 50 keep each parent's
	 * child list under the size quota). */
	for (i = 0; i < 1100 && !full; i++) {
		snprintf(path, sizeof(path), "device/g%u/n%u", i / 50, i % 50);
		if (!simxs_write_str(g, XBT_NULL, path, "1")) {
			CHECK(errno == ENOSPC);
			full = true;
		}
	}
	CHECK(full && i > 900);
	/* Removing gives the room back. */
	CHECK_OK(xs_rm(g, XBT_NULL, "device/g0"));
	CHECK_OK(simxs_write_str(g, XBT_NULL, "device/again", "1"));
}

int
main(void)
{
	struct simxs_env env;
	struct xs_handle *h, *g;

	simxs_env_start(&env);
	h = simxs_open(&env, 0);
	CHECK(h != NULL);
	if (h == NULL)
		return 1;
	test_initial_tree(h);
	test_read_write(h);
	test_rm(h);
	test_bad_paths(h);
	test_relative(h);
	test_big_directory(h);
	test_perms_dom0(h);
	setup_guest_tree(h);
	g = simxs_open(&env, 5);
	CHECK(g != NULL);
	if (g != NULL) {
		test_guest_access(h, g);
		test_guest_quota(g);
		xs_close(g);
	}
	xs_close(h);
	simxs_env_stop(&env);
	if (simxs_failures)
		fprintf(stderr, "%d check(s) failed\n", simxs_failures);
	return simxs_failures ? 1 : 0;
}
