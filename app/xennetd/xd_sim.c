/* SPDX-License-Identifier: BSD-3-Clause */
/* The --sim demo: simulator, guests, traffic and live rates. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "xd_log.h"
#include "xd_port.h"
#include "xd_portctl.h"
#include "xd_sim.h"

#define SIM_READY_MS 10000
#define SIM_CMD_MS 10000
#define SIM_STOP_MS 5000
#define SIM_MAX_CHILDREN (3 * XD_SIM_MAX_GUESTS + 2)

extern char **environ;

enum child_kind { CHILD_HV, CHILD_XL, CHILD_FRONT };

struct child {
	pid_t pid;
	enum child_kind kind;
	char what[48];
};

struct rate_prev {
	uint64_t ipackets, opackets, ibytes, obytes;
	bool valid;
};

struct xd_sim {
	struct xd_opts o;
	char dir[PATH_MAX];
	bool made_dir;
	char bin[3][PATH_MAX]; /* simhv, simxl, simfront */
	struct child kids[SIM_MAX_CHILDREN];
	unsigned int nb_kids;
	int tap_port;
	uint64_t start;        /* timer cycles */
	unsigned int seconds;
	struct rate_prev prev[RTE_MAX_ETHPORTS];
};

static const char *const bin_names[] = {
	"xnb-simhv", "xnb-simxl", "xnb-simfront",
};

/* ---- finding and running the simulator's programs ---- */

static bool
executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, X_OK) == 0;
}

/* --sim-bin-dir, then the build tree next to us (app/xennetd/xennetd ->
 * app/xnb-simhv/xnb-simhv), then our own directory, then PATH. */
static void
find_bin(const struct xd_opts *o, const char *name, char *out)
{
	char self[PATH_MAX], *slash;
	ssize_t n;

	if (o->sim_bin_dir != NULL) {
		snprintf(out, PATH_MAX, "%s/%s", o->sim_bin_dir, name);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash != NULL) {
			*slash = '\0';
			if (snprintf(out, PATH_MAX, "%s/../%s/%s", self, name,
				     name) < PATH_MAX && executable(out))
				return;
			if (snprintf(out, PATH_MAX, "%s/%s", self, name) <
			    PATH_MAX && executable(out))
				return;
		}
	}
	snprintf(out, PATH_MAX, "%s", name);
}

static pid_t
spawn(struct xd_sim *s, enum child_kind kind, const char *what,
      const char *log, char *const argv[])
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char logpath[PATH_MAX];
	sigset_t none, dflt;
	pid_t pid = -1;
	int ret;

	if (s->nb_kids == SIM_MAX_CHILDREN)
		return -1;
	if (snprintf(logpath, sizeof(logpath), "%s/%s.log", s->dir, log) >=
	    (int)sizeof(logpath))
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	/* The daemon blocks its signals for the signalfd and ignores
	 * SIGPIPE: children start with neither. */
	sigemptyset(&none);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGPIPE);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dflt);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
					 O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, logpath,
					 O_WRONLY | O_CREAT | O_APPEND, 0644);
	posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
	ret = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (ret != 0) {
		fprintf(stderr, "xennetd: cannot run %s: %s\n", argv[0],
			strerror(ret));
		return -1;
	}
	s->kids[s->nb_kids].pid = pid;
	s->kids[s->nb_kids].kind = kind;
	snprintf(s->kids[s->nb_kids].what, sizeof(s->kids[0].what), "%s",
		 what);
	s->nb_kids++;
	return pid;
}

static struct child *
kid(struct xd_sim *s, pid_t pid)
{
	unsigned int i;

	for (i = 0; i < s->nb_kids; i++)
		if (s->kids[i].pid == pid)
			return &s->kids[i];
	return NULL;
}

static void
forget(struct xd_sim *s, struct child *c)
{
	*c = s->kids[--s->nb_kids];
}

/* Wait for pid up to ms; its exit status, or -ETIMEDOUT. */
static int
wait_pid(struct xd_sim *s, pid_t pid, unsigned int ms)
{
	struct child *c;
	int status;
	unsigned int t;

	for (t = 0; t <= ms; t += 10) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			c = kid(s, pid);
			if (c != NULL)
				forget(s, c);
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
		}
		usleep(10000);
	}
	return -ETIMEDOUT;
}

static void
stop_pid(struct xd_sim *s, pid_t pid, unsigned int ms)
{
	kill(pid, SIGTERM);
	if (wait_pid(s, pid, ms) == -ETIMEDOUT) {
		kill(pid, SIGKILL);
		wait_pid(s, pid, 1000);
	}
}

/* ---- the simulator ---- */

static int
make_dir(struct xd_sim *s, const struct xd_opts *o)
{
	if (o->sim_dir == NULL) {
		snprintf(s->dir, sizeof(s->dir), "%s/xennetd-sim.XXXXXX",
			 getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
		if (mkdtemp(s->dir) == NULL)
			return -errno;
		s->made_dir = true;
		return 0;
	}
	if (strlen(o->sim_dir) >= sizeof(s->dir))
		return -ENAMETOOLONG;
	strcpy(s->dir, o->sim_dir);
	if (mkdir(s->dir, 0700) == 0)
		s->made_dir = true;
	else if (errno != EEXIST)
		return -errno;
	return 0;
}

int
xd_sim_start_hv(struct xd_sim **out, const struct xd_opts *o, char *dir,
		size_t dir_len)
{
	struct xd_sim *s = calloc(1, sizeof(*s));
	char fdarg[16], buf[16];
	struct pollfd pfd;
	int pipefd[2] = { -1, -1 }, ret, i;
	pid_t pid;

	if (s == NULL)
		return -ENOMEM;
	s->o = *o;
	s->tap_port = -1;
	for (i = 0; i < 3; i++)
		find_bin(o, bin_names[i], s->bin[i]);
	ret = make_dir(s, o);
	if (ret < 0) {
		fprintf(stderr, "xennetd: simulator directory: %s\n",
			strerror(-ret));
		free(s);
		return ret;
	}
	if (strlen(s->dir) >= dir_len || pipe2(pipefd, O_CLOEXEC) < 0 ||
	    fcntl(pipefd[1], F_SETFD, 0) < 0) {
		ret = -EINVAL;
		goto fail;
	}
	/* Only the write end of the ready pipe goes to the child. */
	snprintf(fdarg, sizeof(fdarg), "%d", pipefd[1]);
	{
		char *argv[] = { s->bin[0], "--dir", s->dir, "--ready-fd",
				 fdarg, NULL };

		pid = spawn(s, CHILD_HV, "xnb-simhv", "simhv", argv);
	}
	close(pipefd[1]);
	if (pid < 0) {
		ret = -ENOENT;
		goto fail;
	}
	pfd.fd = pipefd[0];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, SIM_READY_MS) != 1 ||
	    read(pipefd[0], buf, sizeof(buf)) <= 0) {
		fprintf(stderr, "xennetd: %s did not become ready (see "
			"%s/simhv.log)\n", s->bin[0], s->dir);
		ret = -ETIMEDOUT;
		goto fail;
	}
	close(pipefd[0]);
	strcpy(dir, s->dir);
	*out = s;
	return 0;

fail:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	xd_sim_free(s);
	return ret;
}

static void
guest_mac(unsigned int domid, char *buf, size_t len)
{
	snprintf(buf, len, "00:16:3e:00:%02x:%02x", domid >> 8, domid & 0xff);
}

/* Run xnb-simxl synchronously (steps that need no backend). */
static int
simxl(struct xd_sim *s, char *const args[])
{
	char *argv[12];
	unsigned int i, n = 0;
	pid_t pid;

	argv[n++] = s->bin[1];
	argv[n++] = "--dir";
	argv[n++] = s->dir;
	for (i = 0; args[i] != NULL && n < RTE_DIM(argv) - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	pid = spawn(s, CHILD_XL, "xnb-simxl", "simxl", argv);
	if (pid < 0)
		return -ENOENT;
	return wait_pid(s, pid, SIM_CMD_MS);
}

static void
start_tap(struct xd_sim *s)
{
	struct xd_nic_conf nic = { .queues = 1 };

	if (!s->o.sim_tap)
		return;
	if (geteuid() != 0 || access("/dev/net/tun", R_OK | W_OK) != 0) {
		printf("xennetd --sim: no net_tap port (needs root and "
		       "/dev/net/tun): guests only\n");
		return;
	}
	snprintf(nic.name, sizeof(nic.name), "tap0");
	snprintf(nic.devargs, sizeof(nic.devargs),
		 "net_tap_xd0,iface=xnbtap%d", (int)getpid() % 10000);
	s->tap_port = xd_nic_attach(&nic);
	if (s->tap_port < 0)
		printf("xennetd --sim: no net_tap port (%s): guests only\n",
		       strerror(-s->tap_port));
	else
		printf("xennetd --sim: port tap0 is the kernel interface "
		       "xnbtap%d\n", (int)getpid() % 10000);
}

int
xd_sim_start_guests(struct xd_sim *s, struct xd_loop *loop)
{
	char dom[16], mac[24], dst[24], rate[16], what[48];
	unsigned int i, domid;
	int ret;

	RTE_SET_USED(loop);
	for (i = 0; i < s->o.sim_guests; i++) {
		domid = i + 1;
		snprintf(dom, sizeof(dom), "%u", domid);
		{
			char *args[] = { "create", dom, NULL };

			ret = simxl(s, args);
		}
		if (ret != 0) {
			XD_LOG(ERR, "xnb-simxl create %u failed (%d): see "
			       "%s/simxl.log", domid, ret, s->dir);
			return -EIO;
		}
		/* Each guest sends to the next one: unicast, learned. */
		guest_mac(domid % s->o.sim_guests + 1, dst, sizeof(dst));
		snprintf(rate, sizeof(rate), "%u", s->o.sim_rate);
		snprintf(what, sizeof(what), "guest %u", domid);
		{
			char *argv[] = { s->bin[2], "--dir", s->dir,
					 "--domid", dom, "--dst-mac", dst,
					 "--rate", rate, "--allow-loss",
					 "--timeout", "60", NULL };
			char log[16];

			snprintf(log, sizeof(log), "guest%u", domid);
			if (spawn(s, CHILD_FRONT, what, log, argv) < 0)
				return -ENOENT;
		}
		/* Asynchronous: it waits for our InitWait. */
		guest_mac(domid, mac, sizeof(mac));
		{
			char macarg[32];
			char *argv[] = { s->bin[1], "--dir", s->dir,
					 "network-attach", dom, macarg, NULL };

			snprintf(macarg, sizeof(macarg), "mac=%s", mac);
			snprintf(what, sizeof(what), "network-attach %u",
				 domid);
			if (spawn(s, CHILD_XL, what, "simxl", argv) < 0)
				return -ENOENT;
		}
	}
	start_tap(s);
	s->start = rte_get_timer_cycles();
	printf("xennetd --sim: %u guests in %s, each sending %s%u pps to the "
	       "next through the switch; Ctrl-C stops\n", s->o.sim_guests,
	       s->dir, s->o.sim_rate == 0 ? "(unlimited) " : "",
	       s->o.sim_rate);
	fflush(stdout);
	return 0;
}

void
xd_sim_reap(struct xd_sim *s)
{
	struct child *c;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		c = kid(s, pid);
		if (c == NULL)
			continue;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			XD_LOG(WARNING, "sim: %s exited with status %d (logs "
			       "in %s)", c->what, WIFEXITED(status) ?
			       WEXITSTATUS(status) : 128 + WTERMSIG(status),
			       s->dir);
		forget(s, c);
	}
}

static void
fmt_rate(char *buf, size_t len, double pps, double bps)
{
	snprintf(buf, len, "%9.0f pps %8.2f Mb/s", pps, bps / 1e6);
}

bool
xd_sim_tick(struct xd_sim *s)
{
	char in[48], out[48];
	struct rte_eth_stats st;
	uint16_t port;

	s->seconds++;
	printf("--- %u s ---\n", s->seconds);
	for (port = 0; port < RTE_MAX_ETHPORTS; port++) {
		const struct xd_port *p = &xd_ports[port];
		struct rate_prev *r = &s->prev[port];

		if (p->kind == XD_PORT_NONE) {
			r->valid = false;
			continue;
		}
		if (rte_eth_stats_get(port, &st) < 0)
			continue;
		if (r->valid) {
			fmt_rate(in, sizeof(in), (double)(st.ipackets -
				 r->ipackets), (double)(st.ibytes - r->ibytes) *
				 8);
			fmt_rate(out, sizeof(out), (double)(st.opackets -
				 r->opackets), (double)(st.obytes - r->obytes) *
				 8);
			printf("  %-8s %-4s in %s   out %s\n", p->name,
			       p->link_up ? "up" : "down", in, out);
		}
		r->ipackets = st.ipackets;
		r->opackets = st.opackets;
		r->ibytes = st.ibytes;
		r->obytes = st.obytes;
		r->valid = true;
	}
	fflush(stdout);
	return s->o.sim_duration_s != 0 && s->seconds >= s->o.sim_duration_s;
}

void
xd_sim_quiesce(struct xd_sim *s)
{
	unsigned int i;

	/* The guests close their frontends as they exit. */
	for (i = 0; i < s->nb_kids; i++)
		if (s->kids[i].kind == CHILD_FRONT)
			kill(s->kids[i].pid, SIGTERM);
	for (i = s->nb_kids; i-- > 0;)
		if (s->kids[i].kind == CHILD_FRONT)
			stop_pid(s, s->kids[i].pid, SIM_STOP_MS);
	if (s->tap_port >= 0)
		xd_port_detach((uint16_t)s->tap_port);
	s->tap_port = -1;
}

static void
remove_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) <
		    (int)sizeof(path))
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

void
xd_sim_free(struct xd_sim *s)
{
	unsigned int i;

	if (s == NULL)
		return;
	/* Everything but the simulator first, then the simulator. */
	for (i = s->nb_kids; i-- > 0;)
		if (s->kids[i].kind != CHILD_HV)
			stop_pid(s, s->kids[i].pid, SIM_STOP_MS);
	while (s->nb_kids > 0)
		stop_pid(s, s->kids[s->nb_kids - 1].pid, SIM_STOP_MS);
	if (s->made_dir && getenv("XNB_SIM_KEEP") == NULL)
		remove_dir(s->dir);
	free(s);
}
