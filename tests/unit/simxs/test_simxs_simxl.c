/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The toolstack stand-in against the simulated xenstored with a tiny fake
 * backend (a thread that moves backend state 1 -> 2 and 5 -> 6): every key
 * and permission libxl writes for create and network-attach, devid and mac
 * defaults, network-list, detach, attach and detach timeouts (nodes
 * removed), hotplug scripts (this binary doubles as one), bad arguments,
 * destroy, and the CLI's exit statuses (argv[1]: the xnb-simxl binary).
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "simxs_harness.h"
#include "xnb_simxl.h"

#define BE_DIR "/local/domain/0/backend/vif"
#define LOG_ENV "SIMXS_HOTPLUG_LOG"

struct fake_be {
	struct xs_handle *xs;
	pthread_t thread;
	int stop[2];
	int silent; /* atomic: ignore state changes */
	int closings; /* atomic: state 5 seen with online 0 */
	int closings_fe_gone; /* atomic: ... with the frontend dir gone */
};

static void
fake_be_device(struct fake_be *fb, const char *dev)
{
	char path[600], *state, *online, *fe, *fe_dir;
	bool silent = __atomic_load_n(&fb->silent, __ATOMIC_SEQ_CST);

	snprintf(path, sizeof(path), "%s/state", dev);
	state = simxs_read(fb->xs, XBT_NULL, path);
	if (state != NULL && strcmp(state, "1") == 0 && !silent)
		simxs_write_str(fb->xs, XBT_NULL, path, "2");
	if (state != NULL && strcmp(state, "5") == 0) {
		snprintf(path, sizeof(path), "%s/online", dev);
		online = simxs_read(fb->xs, XBT_NULL, path);
		if (online != NULL && strcmp(online, "0") == 0)
			__atomic_add_fetch(&fb->closings, 1, __ATOMIC_SEQ_CST);
		free(online);
		snprintf(path, sizeof(path), "%s/frontend", dev);
		fe = simxs_read(fb->xs, XBT_NULL, path);
		fe_dir = fe != NULL ? simxs_read(fb->xs, XBT_NULL, fe) : NULL;
		if (fe != NULL && fe_dir == NULL)
			__atomic_add_fetch(&fb->closings_fe_gone, 1,
					   __ATOMIC_SEQ_CST);
		free(fe);
		free(fe_dir);
		snprintf(path, sizeof(path), "%s/state", dev);
		if (!silent)
			simxs_write_str(fb->xs, XBT_NULL, path, "6");
	}
	free(state);
}

static void
fake_be_scan(struct fake_be *fb)
{
	unsigned int i, j, nd, nv;
	char path[256], dev[512];
	char **doms, **devs;

	doms = xs_directory(fb->xs, XBT_NULL, BE_DIR, &nd);
	for (i = 0; doms != NULL && i < nd; i++) {
		snprintf(path, sizeof(path), BE_DIR "/%s", doms[i]);
		devs = xs_directory(fb->xs, XBT_NULL, path, &nv);
		for (j = 0; devs != NULL && j < nv; j++) {
			snprintf(dev, sizeof(dev), "%s/%s", path, devs[j]);
			fake_be_device(fb, dev);
		}
		free(devs);
	}
	free(doms);
}

static void *
fake_be_thread(void *arg)
{
	struct fake_be *fb = arg;
	struct pollfd pfd[2] = {
		{ .fd = xs_fileno(fb->xs), .events = POLLIN },
		{ .fd = fb->stop[0], .events = POLLIN },
	};
	char **ev;

	for (;;) {
		if (poll(pfd, 2, -1) < 0)
			continue;
		if (pfd[1].revents)
			break;
		while ((ev = xs_check_watch(fb->xs)) != NULL)
			free(ev);
		fake_be_scan(fb);
	}
	return NULL;
}

static void
fake_be_start(struct simxs_env *env, struct fake_be *fb)
{
	memset(fb, 0, sizeof(*fb));
	fb->xs = simxs_open(env, 0);
	CHECK(fb->xs != NULL);
	CHECK(pipe(fb->stop) == 0);
	CHECK_OK(xs_watch(fb->xs, BE_DIR, "fake-be"));
	CHECK(pthread_create(&fb->thread, NULL, fake_be_thread, fb) == 0);
}

static void
fake_be_stop(struct fake_be *fb)
{
	CHECK(write(fb->stop[1], "q", 1) == 1);
	pthread_join(fb->thread, NULL);
	close(fb->stop[0]);
	close(fb->stop[1]);
	xs_close(fb->xs);
}

static bool
perms_are(struct xs_handle *h, const char *path, const char *want)
{
	char buf[64];

	if (!simxs_perms(h, XBT_NULL, path, buf, sizeof(buf))) {
		fprintf(stderr, "perms of %s: errno %d\n", path, errno);
		return false;
	}
	if (strcmp(buf, want) != 0) {
		fprintf(stderr, "perms of %s: %s, expected %s\n", path, buf,
			want);
		return false;
	}
	return true;
}

static bool
gone(struct xs_handle *h, const char *path)
{
	char *v = simxs_read(h, XBT_NULL, path);

	free(v);
	return v == NULL && errno == ENOENT;
}

static void
test_create(struct xnb_simxl *xl, struct xs_handle *h)
{
	/* Left by an earlier domain 2 that was never destroyed. */
	CHECK_OK(simxs_write_str(h, XBT_NULL, "/libxl/2/device/vif/7/backend",
				 "/stale"));
	CHECK(xnb_simxl_domain_create(xl, 2, "guest2") == 0);
	CHECK(perms_are(h, "/libxl/2", "n0"));
	CHECK(perms_are(h, "/libxl/2/device", "n0"));
	CHECK(simxs_read(h, XBT_NULL, "/libxl/2/device/vif") == NULL);
	CHECK(xs_is_domain_introduced(h, 2));
	CHECK(simxs_read_is(h, XBT_NULL, "/local/domain/2/name", "guest2"));
	CHECK(simxs_read_is(h, XBT_NULL, "/local/domain/2/domid", "2"));
	CHECK(perms_are(h, "/local/domain/2", "n0,r2"));
	CHECK(perms_are(h, "/local/domain/2/name", "n0,r2"));
	CHECK(perms_are(h, "/local/domain/2/device", "n2"));
	CHECK(perms_are(h, "/local/domain/2/data", "n2"));
	CHECK(perms_are(h, "/local/domain/2/control", "n0,r2"));
	CHECK(perms_are(h, "/local/domain/2/control/shutdown", "n2"));
	CHECK(xnb_simxl_domain_create(xl, 2, "again") == -EEXIST);
	CHECK(xnb_simxl_domain_create(xl, 0, NULL) == -EINVAL);
	CHECK(xnb_simxl_domain_create(xl, 0x7ff0, NULL) == -EINVAL);
}

static void
test_attach(struct simxs_env *env, struct xnb_simxl *xl, struct xs_handle *h)
{
	const char *be = BE_DIR "/2/0", *fe = "/local/domain/2/device/vif/0";
	struct xnb_simxl_nic nic = {
		.domid = 2, .devid = -1, .mac = "00:16:3E:AA:bb:cc",
		.bridge = "br1", .rate = "10Mb/s@20ms", .vlan = "7",
		.ip = "10.0.0.2",
	};
	static const char *const be_keys[][2] = {
		{ "frontend", "/local/domain/2/device/vif/0" },
		{ "frontend-id", "2" }, { "online", "1" }, { "state", "2" },
		{ "mac", "00:16:3e:aa:bb:cc" }, { "bridge", "br1" },
		{ "handle", "0" }, { "type", "vif" }, { "hotplug-status", "" },
		{ "rate", "25000,20000" }, { "vlan", "7" }, { "ip", "10.0.0.2" },
	};
	static const char *const fe_keys[][2] = {
		{ "backend", BE_DIR "/2/0" }, { "backend-id", "0" },
		{ "state", "1" }, { "handle", "0" },
		{ "mac", "00:16:3e:aa:bb:cc" }, { "trusted", "1" },
		{ "mtu", "1500" },
	};
	char path[256], buf[256], *mac;
	struct xs_handle *g;
	unsigned int i;

	CHECK(xnb_simxl_nic_attach(xl, &nic) == 0);
	CHECK(perms_are(h, be, "n0,r2"));
	for (i = 0; i < sizeof(be_keys) / sizeof(be_keys[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", be, be_keys[i][0]);
		CHECK(simxs_read_is(h, XBT_NULL, path, be_keys[i][1]));
		CHECK(perms_are(h, path, "n0,r2"));
	}
	CHECK_OK(simxs_dir(h, XBT_NULL, be, buf, sizeof(buf)));
	CHECK(strcmp(buf, "frontend,frontend-id,online,state,mac,ip,rate,"
		     "vlan,bridge,handle,type,hotplug-status") == 0);
	CHECK(perms_are(h, fe, "n2,r0"));
	for (i = 0; i < sizeof(fe_keys) / sizeof(fe_keys[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fe, fe_keys[i][0]);
		CHECK(simxs_read_is(h, XBT_NULL, path, fe_keys[i][1]));
		CHECK(perms_are(h, path, strcmp(fe_keys[i][0], "mtu") == 0 ?
				"n0,r2" : "n2,r0"));
	}
	CHECK(simxs_read_is(h, XBT_NULL, "/libxl/2/device/vif/0/backend", be));
	CHECK(simxs_read_is(h, XBT_NULL, "/libxl/2/device/vif/0/frontend", fe));
	CHECK(perms_are(h, "/libxl/2/device/vif/0", "n0"));

	/* The guest's view of it. */
	g = simxs_open(env, 2);
	CHECK(g != NULL);
	if (g != NULL) {
		CHECK(simxs_read_is(g, XBT_NULL, BE_DIR "/2/0/state", "2"));
		CHECK_FAILS(simxs_write_str(g, XBT_NULL, BE_DIR "/2/0/state",
					    "4"), EACCES);
		CHECK_FAILS(simxs_write_str(g, XBT_NULL, "device/vif/0/mtu",
					    "9000"), EACCES);
		CHECK_OK(simxs_write_str(g, XBT_NULL, "device/vif/0/tx-ring-ref",
					 "8"));
		CHECK_FAILS(simxs_read(g, XBT_NULL, "/libxl/2/device") != NULL,
			    EACCES);
		xs_close(g);
	}

	/* Defaults: next devid, random mac with Xen's OUI. */
	nic = (struct xnb_simxl_nic){ .domid = 2, .devid = -1, .mtu = 9000 };
	CHECK(xnb_simxl_nic_attach(xl, &nic) == 1);
	mac = simxs_read(h, XBT_NULL, BE_DIR "/2/1/mac");
	CHECK(mac != NULL && strlen(mac) == 17 &&
	      strncmp(mac, "00:16:3e:", 9) == 0 && strchr("01234567", mac[9]));
	free(mac);
	CHECK(simxs_read_is(h, XBT_NULL, BE_DIR "/2/1/bridge", "xenbr0"));
	CHECK(simxs_read_is(h, XBT_NULL, BE_DIR "/2/1/mtu", "9000"));
	CHECK(simxs_read_is(h, XBT_NULL, "/local/domain/2/device/vif/1/mtu",
			    "9000"));
	CHECK(gone(h, BE_DIR "/2/1/rate"));
	CHECK(gone(h, BE_DIR "/2/1/script"));
	/* Taken devid. */
	nic.devid = 0;
	CHECK(xnb_simxl_nic_attach(xl, &nic) == -EEXIST);
}

static void
test_list_detach(struct xnb_simxl *xl, struct xs_handle *h,
		 struct fake_be *fb)
{
	struct xnb_simxl_nic_info info[4];

	CHECK(xnb_simxl_nic_list(xl, 2, info, 4) == 2);
	CHECK(info[0].devid == 0 && info[1].devid == 1);
	CHECK(info[0].backend == 0 && info[0].be_state == 2 &&
	      info[0].fe_state == 1 && info[0].evtchn == -1 &&
	      info[0].tx_ring_ref == 8 && info[0].rx_ring_ref == -1);
	CHECK(strcmp(info[0].mac, "00:16:3e:aa:bb:cc") == 0);
	CHECK(strcmp(info[0].be_path, BE_DIR "/2/0") == 0);
	CHECK(xnb_simxl_nic_list(xl, 2, info, 1) == 2);
	CHECK(xnb_simxl_nic_list(xl, 7, info, 4) == 0);

	CHECK(xnb_simxl_nic_detach(xl, 2, 1, 0) == 0);
	CHECK(__atomic_load_n(&fb->closings, __ATOMIC_SEQ_CST) == 1);
	/* Not forced: the frontend is there to close too. */
	CHECK(__atomic_load_n(&fb->closings_fe_gone, __ATOMIC_SEQ_CST) == 0);
	CHECK(gone(h, "/local/domain/2/device/vif/1"));
	CHECK(gone(h, BE_DIR "/2/1"));
	CHECK(gone(h, "/libxl/2/device/vif/1"));
	CHECK(simxs_read_is(h, XBT_NULL, BE_DIR "/2/0/state", "2"));
	CHECK(xnb_simxl_nic_list(xl, 2, info, 4) == 1);
	CHECK(xnb_simxl_nic_detach(xl, 2, 1, 0) == -ENOENT);
}

static void
test_timeouts(struct xnb_simxl *xl, struct xs_handle *h, struct fake_be *fb)
{
	struct xnb_simxl_nic nic = {
		.domid = 2, .devid = 5, .timeout_ms = 300,
	};

	__atomic_store_n(&fb->silent, 1, __ATOMIC_SEQ_CST);
	/* No backend: libxl gives up and removes the device. */
	CHECK(xnb_simxl_nic_attach(xl, &nic) == -ETIMEDOUT);
	CHECK(gone(h, "/local/domain/2/device/vif/5"));
	CHECK(gone(h, BE_DIR "/2/5"));
	CHECK(gone(h, "/libxl/2/device/vif/5"));
	CHECK(simxs_read_is(h, XBT_NULL, BE_DIR "/2/0/state", "2"));
	/* Backend never closes: removed anyway, reported. */
	CHECK(xnb_simxl_nic_detach(xl, 2, 0, 300) == -ETIMEDOUT);
	CHECK(gone(h, "/libxl/2"));
	CHECK(gone(h, "/local/domain/2/device/vif"));
	CHECK(gone(h, BE_DIR "/2"));
	/* The guest-owned device dir went with its last vif, as libxl's
	 * path cleanup does; the domain dir stays. */
	CHECK(gone(h, "/local/domain/2/device"));
	CHECK(simxs_read_is(h, XBT_NULL, "/local/domain/2/name", "guest2"));
	__atomic_store_n(&fb->silent, 0, __ATOMIC_SEQ_CST);
}

static void
test_bad_args(struct xnb_simxl *xl, const char *dir)
{
	struct xnb_simxl_nic nic = { .domid = 9, .devid = -1 };
	char plain[128];
	FILE *f;

	/* A script that is not executable. */
	snprintf(plain, sizeof(plain), "%s.notexec", dir);
	f = fopen(plain, "w");
	CHECK(f != NULL && chmod(plain, 0644) == 0);
	if (f != NULL)
		fclose(f);

	CHECK(xnb_simxl_nic_attach(xl, &nic) == -ENOENT);
	nic.domid = 2;
	nic.mac = "00:16:3e:00:00";
	CHECK(xnb_simxl_nic_attach(xl, &nic) == -EINVAL);
	nic.mac = "00:16:3e:00:00:0g";
	CHECK(xnb_simxl_nic_attach(xl, &nic) == -EINVAL);
	nic.mac = "00-16-3e-00-00-01";
	CHECK(xnb_simxl_nic_attach(xl, &nic) == -EINVAL);
	nic.mac = NULL;
	nic.rate = "10Mb";
	CHECK(xnb_simxl_nic_attach(xl, &nic) == -EINVAL);
	nic.rate = "0Mb/s";
	CHECK(xnb_simxl_nic_attach(xl, &nic) == -EINVAL);
	nic.rate = "10Mb/s@5h";
	CHECK(xnb_simxl_nic_attach(xl, &nic) == -EINVAL);
	nic.rate = NULL;
	nic.mtu = 20;
	CHECK(xnb_simxl_nic_attach(xl, &nic) == -EINVAL);
	nic.mtu = 0;
	nic.script = "/nonexistent/vif-script";
	CHECK(xnb_simxl_nic_attach(xl, &nic) == -ENOENT);
	nic.script = plain;
	CHECK(xnb_simxl_nic_attach(xl, &nic) == -EACCES);
	nic.script = NULL;
	nic.backend = 2;
	CHECK(xnb_simxl_nic_attach(xl, &nic) == -EINVAL);
	CHECK(xnb_simxl_nic_detach(xl, 2, 42, 0) == -ENOENT);
	unlink(plain);
}

static char *
read_file(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static void
test_hotplug(struct xnb_simxl *xl, struct xs_handle *h, const char *self,
	     const char *log)
{
	struct xnb_simxl_nic nic = { .domid = 2, .devid = -1, .script = self };
	char want[1024], fail[300];
	int devid;

	unlink(log);
	devid = xnb_simxl_nic_attach(xl, &nic);
	CHECK(devid == 0);
	CHECK(simxs_read_is(h, XBT_NULL, BE_DIR "/2/0/hotplug-status",
			    "connected"));
	CHECK(simxs_read_is(h, XBT_NULL, BE_DIR "/2/0/script", self));
	snprintf(want, sizeof(want), "online type_if=vif XENBUS_PATH=backend/"
		 "vif/2/0 XENBUS_TYPE=vif XENBUS_BASE_PATH=backend vif=vif2.0 "
		 "netdev= script=%s\n", self);
	CHECK(strcmp(read_file(log), want) == 0);
	CHECK(xnb_simxl_nic_detach(xl, 2, 0, 0) == 0);
	snprintf(want + strlen(want), sizeof(want) - strlen(want),
		 "offline type_if=vif XENBUS_PATH=backend/vif/2/0 "
		 "XENBUS_TYPE=vif XENBUS_BASE_PATH=backend vif=vif2.0 netdev= "
		 "script=%s\n", self);
	CHECK(strcmp(read_file(log), want) == 0);

	/* A failing script: its hotplug-error is reported, device
	 * removed. */
	snprintf(fail, sizeof(fail), "%s.fail", log);
	fclose(fopen(fail, "w"));
	CHECK(xnb_simxl_nic_attach(xl, &nic) == -EIO);
	CHECK(gone(h, BE_DIR "/2/0"));
	CHECK(gone(h, "/libxl/2/device/vif/0"));
	unlink(fail);
	unlink(log);
}

static void
test_destroy(struct xnb_simxl *xl, struct xs_handle *h, struct fake_be *fb)
{
	struct xnb_simxl_nic nic = { .domid = 2, .devid = -1 };
	char buf[256];
	int closings, fe_gone;

	CHECK_OK(xs_watch(h, "@releaseDomain", "rel"));
	CHECK(simxs_events(h, buf, sizeof(buf)) == 1);
	CHECK(xnb_simxl_nic_attach(xl, &nic) == 0);
	CHECK(xnb_simxl_nic_attach(xl, &nic) == 1);
	closings = __atomic_load_n(&fb->closings, __ATOMIC_SEQ_CST);
	fe_gone = __atomic_load_n(&fb->closings_fe_gone, __ATOMIC_SEQ_CST);
	CHECK(xnb_simxl_domain_destroy(xl, 2) == 0);
	CHECK(__atomic_load_n(&fb->closings, __ATOMIC_SEQ_CST) ==
	      closings + 2);
	/* libxl's forced remove: the frontend goes before the backend is
	 * asked to close. */
	CHECK(__atomic_load_n(&fb->closings_fe_gone, __ATOMIC_SEQ_CST) ==
	      fe_gone + 2);
	CHECK(gone(h, "/local/domain/2"));
	CHECK(gone(h, "/libxl/2"));
	CHECK(gone(h, BE_DIR "/2"));
	CHECK(!xs_is_domain_introduced(h, 2));
	CHECK(simxs_events(h, buf, sizeof(buf)) == 1);
	CHECK(strcmp(buf, "@releaseDomain|rel") == 0);
	CHECK_OK(xs_unwatch(h, "@releaseDomain", "rel"));
	/* The id can be used again. */
	CHECK(xnb_simxl_domain_create(xl, 2, NULL) == 0);
	CHECK(simxs_read_is(h, XBT_NULL, "/local/domain/2/name", "sim2"));
}

/*
 * A backend Closed already (it closed by itself, as xennetd does when its
 * application quits): libxl's remove still writes online=0 but leaves the
 * state alone (datapath/xenstore-trace.txt: "online" after the frontend
 * went, no state write).
 */
static void
test_destroy_closed(struct xnb_simxl *xl, struct xs_handle *h)
{
	struct xnb_simxl_nic nic = { .domid = 4, .devid = 0 };
	char buf[256];

	CHECK(xnb_simxl_domain_create(xl, 4, NULL) == 0);
	CHECK(xnb_simxl_nic_attach(xl, &nic) == 0);
	CHECK_OK(simxs_write_str(h, XBT_NULL, BE_DIR "/4/0/state", "6"));
	CHECK_OK(xs_watch(h, BE_DIR "/4/0", "be"));
	CHECK(simxs_events(h, buf, sizeof(buf)) == 1);
	CHECK(xnb_simxl_domain_destroy(xl, 4) == 0);
	CHECK(simxs_events(h, buf, sizeof(buf)) == 2);
	CHECK(strcmp(buf, BE_DIR "/4/0/online|be;" BE_DIR "/4/0|be") == 0);
	CHECK_OK(xs_unwatch(h, BE_DIR "/4/0", "be"));
	CHECK(gone(h, "/local/domain/4"));
}

static int
run_cli(const char *cli, const char *dir, const char *const args[])
{
	const char *argv[16] = { cli, "--dir", dir };
	unsigned int n = 3;
	int status;
	pid_t pid;

	while (*args != NULL && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	pid = fork();
	if (pid == 0) {
		execv(cli, (char *const *)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void
test_cli(struct simxs_env *env, struct xs_handle *h, const char *cli)
{
	static const char *const create[] = { "create", "3", "name=c3", NULL };
	static const char *const attach[] = {
		"network-attach", "3", "mac=00:16:3e:01:02:03", "devid=4", NULL,
	};
	static const char *const list[] = { "network-list", "3", NULL };
	static const char *const detach[] = { "network-detach", "3", "4", NULL };
	static const char *const destroy[] = { "destroy", "3", NULL };
	static const char *const bad_arg[] = {
		"network-attach", "3", "colour=blue", NULL,
	};
	static const char *const no_dom[] = { "destroy", NULL };
	static const char *const bad_cmd[] = { "reboot", "3", NULL };
	static const char *const bad_dev[] = {
		"network-detach", "3", "x", NULL,
	};

	CHECK(run_cli(cli, env->dir, create) == 0);
	CHECK(simxs_read_is(h, XBT_NULL, "/local/domain/3/name", "c3"));
	CHECK(run_cli(cli, env->dir, create) == 1);
	CHECK(run_cli(cli, env->dir, attach) == 0);
	CHECK(simxs_read_is(h, XBT_NULL, BE_DIR "/3/4/mac",
			    "00:16:3e:01:02:03"));
	CHECK(run_cli(cli, env->dir, attach) == 1);
	CHECK(run_cli(cli, env->dir, list) == 0);
	CHECK(run_cli(cli, env->dir, detach) == 0);
	CHECK(gone(h, BE_DIR "/3/4"));
	CHECK(run_cli(cli, env->dir, detach) == 1);
	CHECK(run_cli(cli, env->dir, bad_arg) == 1);
	CHECK(run_cli(cli, env->dir, destroy) == 0);
	CHECK(gone(h, "/local/domain/3"));
	CHECK(run_cli(cli, env->dir, no_dom) == 2);
	CHECK(run_cli(cli, env->dir, bad_cmd) == 2);
	CHECK(run_cli(cli, env->dir, bad_dev) == 2);
	CHECK(run_cli(cli, "/nonexistent", list) == 1);
}

/* Invoked by the stand-in as a vif hotplug script: log what libxl would
 * pass, then report through xenstore as vif-bridge does. */
static int
hotplug_script(char **argv)
{
	const char *log = getenv(LOG_ENV), *xbp = getenv("XENBUS_PATH");
	static const char *const vars[] = {
		"XENBUS_PATH", "XENBUS_TYPE", "XENBUS_BASE_PATH", "vif",
		"netdev", "script",
	};
	char path[256], fail[300];
	struct xs_handle *h;
	unsigned int i;
	FILE *f;
	bool ok;

	if (log == NULL || xbp == NULL)
		return 3;
	f = fopen(log, "a");
	if (f == NULL)
		return 3;
	fprintf(f, "%s %s", argv[1], argv[2]);
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		fprintf(f, " %s=%s", vars[i],
			getenv(vars[i]) != NULL ? getenv(vars[i]) : "(unset)");
	fprintf(f, "\n");
	fclose(f);
	if (strcmp(argv[1], "online") != 0)
		return 0;
	snprintf(fail, sizeof(fail), "%s.fail", log);
	h = xs_open(0);
	if (h == NULL)
		return 4;
	if (access(fail, F_OK) == 0) {
		snprintf(path, sizeof(path), "%s/hotplug-error", xbp);
		simxs_write_str(h, XBT_NULL, path, "bridge xenbr9 is missing");
		snprintf(path, sizeof(path), "%s/hotplug-status", xbp);
		simxs_write_str(h, XBT_NULL, path, "error");
		xs_close(h);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/hotplug-status", xbp);
	ok = simxs_write_str(h, XBT_NULL, path, "connected");
	xs_close(h);
	return ok ? 0 : 5;
}

int
main(int argc, char **argv)
{
	char self[256], log[128];
	struct simxs_env env;
	struct xnb_simxl *xl;
	struct xs_handle *h;
	struct fake_be fb;
	ssize_t n;

	if (argc == 3 && strcmp(argv[2], "type_if=vif") == 0)
		return hotplug_script(argv);
	if (argc != 2) {
		fprintf(stderr, "usage: %s XNB-SIMXL-BINARY\n", argv[0]);
		return 1;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	CHECK(n > 0);
	if (n <= 0)
		return 1;
	self[n] = '\0';
	simxs_env_start(&env);
	snprintf(log, sizeof(log), "%s.hotplug.log", env.dir);
	setenv(LOG_ENV, log, 1);
	h = simxs_open(&env, 0);
	xl = xnb_simxl_open(env.dir);
	CHECK(h != NULL && xl != NULL);
	if (h == NULL || xl == NULL)
		return 1;
	fake_be_start(&env, &fb);
	test_create(xl, h);
	test_attach(&env, xl, h);
	test_list_detach(xl, h, &fb);
	test_timeouts(xl, h, &fb);
	test_bad_args(xl, env.dir);
	test_hotplug(xl, h, self, log);
	test_destroy(xl, h, &fb);
	test_destroy_closed(xl, h);
	test_cli(&env, h, argv[1]);
	fake_be_stop(&fb);
	xnb_simxl_close(xl);
	xs_close(h);
	simxs_env_stop(&env);
	if (simxs_failures)
		fprintf(stderr, "%d check(s) failed\n", simxs_failures);
	return simxs_failures ? 1 : 0;
}
