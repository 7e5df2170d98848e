/* SPDX-License-Identifier: BSD-3-Clause */
/* Harness for the hypervisor-seam tests (see hv_test.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xenstore.h>

#include "hv_test.h"
#include "xnb_sim_paths.h"
#include "xnb_simguest.h"

struct hvt_cmd {
	uint32_t op;
	uint32_t a, b, c, d;
};

struct hvt_rep {
	int32_t ret;
	uint8_t data[HVT_DATA_MAX];
};

static char simdir[64];
static pid_t simhv_pid = -1;
/* The toolstack's xenstore connection (dom0 socket of the simulator). */
static struct xs_handle *xsh;
/* The test process (not a forked guest) owns the daemon. */
static pid_t simhv_owner;

/* Wait (bounded) for pid to exit; returns its wait status or -1. */
static int
reap(pid_t pid)
{
	struct pollfd pfd = { .events = POLLIN };
	int status;

	pfd.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd.fd >= 0) {
		poll(&pfd, 1, HVT_TIMEOUT_MS);
		close(pfd.fd);
	}
	if (waitpid(pid, &status, WNOHANG) == pid)
		return status;
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static void
remove_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

int
hvt_simhv_stop(void)
{
	int status;

	if (simhv_pid < 0 || getpid() != simhv_owner)
		return -1;
	xs_close(xsh);
	xsh = NULL;
	kill(simhv_pid, SIGTERM);
	status = reap(simhv_pid);
	simhv_pid = -1;
	remove_dir(simdir);
	if (status < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void
simhv_atexit(void)
{
	hvt_simhv_stop();
}

int
hvt_simhv_alive(void)
{
	return simhv_pid > 0 && waitpid(simhv_pid, NULL, WNOHANG) == 0;
}

int
hvt_simhv_nfds(void)
{
	char path[64];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)simhv_pid);
	d = opendir(path);
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

const char *
hvt_simhv_start(void)
{
	const char *exe = getenv("XNB_SIMHV");
	struct pollfd pfd = { .events = POLLIN };
	char fdarg[16], buf[8], path[PATH_MAX];
	int pipefd[2];
	ssize_t n;

	CHECK(exe != NULL);
	snprintf(simdir, sizeof(simdir), "/tmp/xnb-hvtest-XXXXXX");
	CHECK(mkdtemp(simdir) != NULL);
	CHECK(pipe(pipefd) == 0);
	simhv_owner = getpid();
	simhv_pid = fork();
	CHECK(simhv_pid >= 0);
	if (simhv_pid == 0) {
		/* Never outlive the test, whatever happens to it. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		close(pipefd[0]);
		snprintf(fdarg, sizeof(fdarg), "%d", pipefd[1]);
		execl(exe, exe, "--dir", simdir, "--ready-fd", fdarg,
		      (char *)NULL);
		_exit(127);
	}
	atexit(simhv_atexit);
	close(pipefd[1]);
	pfd.fd = pipefd[0];
	CHECK(poll(&pfd, 1, HVT_TIMEOUT_MS) == 1);
	n = read(pipefd[0], buf, sizeof(buf));
	CHECK(n == 6 && memcmp(buf, "ready\n", 6) == 0);
	/* The daemon closes the fd right after: wait for that too, so the
	 * daemon's fd count is settled when we return. */
	CHECK(poll(&pfd, 1, HVT_TIMEOUT_MS) == 1);
	CHECK(read(pipefd[0], buf, sizeof(buf)) == 0);
	close(pipefd[0]);
	CHECK(setenv(XNB_SIM_DIR_ENV, simdir, 1) == 0);
	snprintf(path, sizeof(path), "%s/%s", simdir, XNB_SIM_XS_SOCKET);
	CHECK(setenv("XENSTORED_PATH", path, 1) == 0);
	xsh = xs_open(0);
	CHECK(xsh != NULL);
	/* An answer means the daemon accepted us: its fd count is settled. */
	CHECK(xs_is_domain_introduced(xsh, 0));
	return simdir;
}

int
hvt_domain_introduced(uint16_t domid)
{
	CHECK(xsh != NULL);
	return xs_is_domain_introduced(xsh, domid);
}

void
hvt_domain_create(uint16_t domid)
{
	if (hvt_domain_introduced(domid))
		return;
	/* The simulator has no store ring: mfn 0, any valid port. */
	CHECK(xs_introduce_domain(xsh, domid, 0, 1));
	CHECK(hvt_domain_introduced(domid));
}

static int
agent_evt_wait(struct xnb_simguest *g, int timeout_ms)
{
	struct pollfd pfd = { .events = POLLIN };

	pfd.fd = xnb_simguest_evtchn_fd(g);
	if (poll(&pfd, 1, timeout_ms) != 1)
		return -ETIMEDOUT;
	return xnb_simguest_evtchn_pending(g);
}

static int
agent_read(struct xnb_simguest *g, const struct hvt_cmd *c,
	   struct hvt_rep *r)
{
	uint8_t *p = xnb_simguest_page(g, c->a);

	if (p == NULL || c->c > HVT_DATA_MAX || c->b + c->c > 4096)
		return -EINVAL;
	memcpy(r->data, p + c->b, c->c);
	return 0;
}

static int
agent_exec(struct xnb_simguest *g, const struct hvt_cmd *c,
	   struct hvt_rep *r)
{
	uint8_t *p;

	switch (c->op) {
	case HVT_GRANT:
		return xnb_simguest_grant(g, (uint16_t)c->a, c->b, c->c != 0);
	case HVT_END_GRANT:
		return xnb_simguest_end_grant(g, c->a);
	case HVT_IN_USE:
		return xnb_simguest_grant_in_use(g, c->a);
	case HVT_GRANT_RAW:
		return xnb_simguest_grant_raw(g, c->a, (uint16_t)c->b,
					      (uint16_t)c->c, c->d);
	case HVT_FILL:
		p = xnb_simguest_page(g, c->a);
		if (p == NULL)
			return -EINVAL;
		memset(p, (int)c->b, 4096);
		return 0;
	case HVT_READ:
		return agent_read(g, c, r);
	case HVT_EVT_ALLOC:
		return xnb_simguest_evtchn_alloc_unbound(g, (uint16_t)c->a);
	case HVT_EVT_NOTIFY:
		return xnb_simguest_evtchn_notify(g, c->a);
	case HVT_EVT_WAIT:
		return agent_evt_wait(g, (int)c->a);
	case HVT_EVT_PENDING:
		return xnb_simguest_evtchn_pending(g);
	case HVT_EVT_UNMASK:
		return xnb_simguest_evtchn_unmask(g, c->a);
	default:
		return -ENOSYS;
	}
}

/* The guest process: open the domain, then serve commands until told to
 * stop or until the test goes away. */
static void __attribute__((noreturn))
agent_main(int sock, uint16_t domid, unsigned int npages,
	   unsigned int ngrants)
{
	struct xnb_simguest *g;
	struct hvt_cmd c;
	struct hvt_rep r;

	g = xnb_simguest_open(NULL, domid, npages, ngrants);
	r.ret = g == NULL ? -errno : 0;
	if (send(sock, &r, sizeof(r), MSG_NOSIGNAL) < 0 || g == NULL)
		_exit(0);
	while (recv(sock, &c, sizeof(c), 0) == sizeof(c)) {
		if (c.op == HVT_DIE)
			_exit(0);
		memset(&r, 0, sizeof(r));
		if (c.op == HVT_CLOSE) {
			xnb_simguest_close(g);
			send(sock, &r, sizeof(r), MSG_NOSIGNAL);
			_exit(0);
		}
		if (c.op == HVT_EVT_CLOSE)
			r.ret = xnb_simguest_evtchn_close(g, c.a);
		else
			r.ret = agent_exec(g, &c, &r);
		if (send(sock, &r, sizeof(r), MSG_NOSIGNAL) < 0)
			break;
	}
	_exit(0);
}

static int
agent_recv(struct hvt_guest *g, struct hvt_rep *r)
{
	struct pollfd pfd = { .fd = g->sock, .events = POLLIN };

	CHECK(poll(&pfd, 1, HVT_TIMEOUT_MS) == 1);
	CHECK(recv(g->sock, r, sizeof(*r), 0) == sizeof(*r));
	return r->ret;
}

int
hvt_guest_open(struct hvt_guest *g, uint16_t domid, unsigned int npages,
	       unsigned int ngrants)
{
	struct hvt_rep r;
	int sv[2];
	int ret;

	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
	fflush(NULL);
	g->pid = fork();
	CHECK(g->pid >= 0);
	if (g->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* Keep only the command socket: inherited descriptors (other
		 * guests' sockets, the backend's connections) would keep
		 * their peers from seeing a close. */
		if (sv[1] != 3)
			CHECK(dup2(sv[1], 3) == 3);
		close_range(4, ~0u, 0);
		agent_main(3, domid, npages, ngrants);
	}
	close(sv[1]);
	g->sock = sv[0];
	g->domid = domid;
	ret = agent_recv(g, &r);
	if (ret < 0) {
		reap(g->pid);
		close(g->sock);
		g->pid = -1;
	}
	return ret;
}

int
hvt_guest_start(struct hvt_guest *g, uint16_t domid, unsigned int npages,
		unsigned int ngrants, int allow_fail)
{
	int ret;

	hvt_domain_create(domid);
	ret = hvt_guest_open(g, domid, npages, ngrants);
	CHECK(ret == 0 || allow_fail);
	return ret;
}

int
hvt_guest_call(struct hvt_guest *g, enum hvt_op op, uint32_t a, uint32_t b,
	       uint32_t c, uint32_t d, void *data)
{
	struct hvt_cmd cmd = { .op = op, .a = a, .b = b, .c = c, .d = d };
	struct hvt_rep r;
	int ret;

	CHECK(send(g->sock, &cmd, sizeof(cmd), MSG_NOSIGNAL) ==
	      sizeof(cmd));
	ret = agent_recv(g, &r);
	if (data != NULL)
		memcpy(data, r.data, sizeof(r.data));
	return ret;
}

void
hvt_guest_stop(struct hvt_guest *g, enum hvt_op how)
{
	struct hvt_cmd cmd = { .op = how };
	struct hvt_rep r;
	int status, i;

	CHECK(send(g->sock, &cmd, sizeof(cmd), MSG_NOSIGNAL) ==
	      sizeof(cmd));
	if (how == HVT_CLOSE)
		agent_recv(g, &r);
	status = reap(g->pid);
	CHECK(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(g->sock);
	g->pid = -1;
	for (i = 0; i < HVT_TIMEOUT_MS && hvt_domain_introduced(g->domid); i++)
		usleep(1000);
	CHECK(!hvt_domain_introduced(g->domid));
}
