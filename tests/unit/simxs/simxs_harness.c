/* SPDX-License-Identifier: BSD-3-Clause */
/* Test harness for the simulated xenstored (see simxs_harness.h). */
#include <dirent.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "xnb_sim_paths.h"
#include "simxs_harness.h"

/* Upper bound for anything a test waits for; never reached when the
 * server works. */
#define SIMXS_WAIT_MS 5000

int simxs_failures;

static pthread_mutex_t env_lock = PTHREAD_MUTEX_INITIALIZER;

struct simxs_cmd {
	char op; /* 'q' quit, 'd' domain died, 'c' connection count */
	uint16_t domid;
};

static void
die(const char *what)
{
	perror(what);
	abort();
}

static void *
server_thread(void *arg)
{
	struct simxs_env *env = arg;
	struct pollfd pfd[2] = {
		{ .fd = xnb_xs_server_fd(env->srv), .events = POLLIN },
		{ .fd = env->cmd[0], .events = POLLIN },
	};
	struct simxs_cmd cmd;
	unsigned int n;

	for (;;) {
		if (poll(pfd, 2, -1) < 0)
			continue;
		if (pfd[0].revents & POLLIN)
			if (xnb_xs_server_run_once(env->srv, 0) < 0)
				die("run_once");
		if (!(pfd[1].revents & POLLIN))
			continue;
		if (read(env->cmd[0], &cmd, sizeof(cmd)) != sizeof(cmd))
			die("command pipe");
		if (cmd.op == 'q')
			break;
		if (cmd.op == 'd') {
			xnb_xs_server_domain_died(env->srv, cmd.domid);
			n = 0;
		} else {
			n = xnb_xs_server_conn_count(env->srv);
		}
		if (write(env->ack[1], &n, sizeof(n)) != sizeof(n))
			die("ack pipe");
	}
	return NULL;
}

void
simxs_env_start(struct simxs_env *env)
{
	strcpy(env->dir, "/tmp/simxs-XXXXXX");
	if (mkdtemp(env->dir) == NULL)
		die("mkdtemp");
	env->srv = xnb_xs_server_create(env->dir);
	if (env->srv == NULL)
		die("xnb_xs_server_create");
	if (pipe(env->cmd) < 0 || pipe(env->ack) < 0)
		die("pipe");
	if (pthread_create(&env->thread, NULL, server_thread, env) != 0)
		die("pthread_create");
}

static void
send_cmd(struct simxs_env *env, char op, uint16_t domid)
{
	struct simxs_cmd cmd = { .op = op, .domid = domid };

	if (write(env->cmd[1], &cmd, sizeof(cmd)) != sizeof(cmd))
		die("command pipe");
}

static unsigned int
server_cmd(struct simxs_env *env, char op, uint16_t domid)
{
	unsigned int n;

	send_cmd(env, op, domid);
	if (read(env->ack[0], &n, sizeof(n)) != sizeof(n))
		die("ack pipe");
	return n;
}

void
simxs_env_domain_died(struct simxs_env *env, uint16_t domid)
{
	server_cmd(env, 'd', domid);
}

bool
simxs_env_wait_conns(struct simxs_env *env, unsigned int n)
{
	unsigned int i;

	/* The server sees clients hang up asynchronously. */
	for (i = 0; i < SIMXS_WAIT_MS / 10; i++) {
		if (server_cmd(env, 'c', 0) == n)
			return true;
		poll(NULL, 0, 10);
	}
	return false;
}

void
simxs_env_stop(struct simxs_env *env)
{
	char path[sizeof(env->dir) + 256 + 2];
	struct dirent *de;
	DIR *d;

	send_cmd(env, 'q', 0);
	pthread_join(env->thread, NULL);
	xnb_xs_server_destroy(env->srv);
	close(env->cmd[0]);
	close(env->cmd[1]);
	close(env->ack[0]);
	close(env->ack[1]);
	/* The server removes its sockets; anything left is a finding. */
	d = opendir(env->dir);
	if (d != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			fprintf(stderr, "left behind: %s\n", de->d_name);
			simxs_failures++;
			snprintf(path, sizeof(path), "%s/%s", env->dir,
				 de->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(env->dir);
}

void
simxs_env_sock(const struct simxs_env *env, uint16_t domid, char *buf,
	       size_t len)
{
	if (domid == 0)
		snprintf(buf, len, "%s/%s", env->dir, XNB_SIM_XS_SOCKET);
	else
		snprintf(buf, len, "%s/" XNB_SIM_XS_DOM_SOCKET_FMT, env->dir,
			 domid);
}

struct xs_handle *
simxs_open(const struct simxs_env *env, uint16_t domid)
{
	struct xs_handle *h;
	char path[128];

	simxs_env_sock(env, domid, path, sizeof(path));
	/* libxenstore reads XENSTORED_PATH inside xs_open only. */
	pthread_mutex_lock(&env_lock);
	setenv("XENSTORED_PATH", path, 1);
	/* Not XS_UNWATCH_FILTER: libxenstore 4.17 leaks the body of every
	 * event that flag filters out. */
	h = xs_open(0);
	pthread_mutex_unlock(&env_lock);
	return h;
}

char *
simxs_read(struct xs_handle *h, xs_transaction_t t, const char *path)
{
	unsigned int len;

	return xs_read(h, t, path, &len);
}

bool
simxs_read_is(struct xs_handle *h, xs_transaction_t t, const char *path,
	      const char *value)
{
	char *v = simxs_read(h, t, path);
	bool same = v != NULL && strcmp(v, value) == 0;

	if (!same)
		fprintf(stderr, "%s = '%s' (errno %d), expected '%s'\n", path,
			v != NULL ? v : "(null)", v != NULL ? 0 : errno, value);
	free(v);
	return same;
}

bool
simxs_write_str(struct xs_handle *h, xs_transaction_t t, const char *path,
		const char *value)
{
	return xs_write(h, t, path, value, strlen(value));
}

bool
simxs_perms(struct xs_handle *h, xs_transaction_t t, const char *path,
	    char *buf, size_t len)
{
	struct xs_permissions *p;
	unsigned int i, n;
	size_t off = 0;

	p = xs_get_permissions(h, t, path, &n);
	if (p == NULL)
		return false;
	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++) {
		static const char letter[] = "nrwb";

		off += snprintf(buf + off, len - off, "%s%c%u", i ? "," : "",
				letter[p[i].perms & 3], p[i].id);
	}
	free(p);
	return true;
}

bool
simxs_set_perms(struct xs_handle *h, xs_transaction_t t, const char *path,
		const char *perms)
{
	struct xs_permissions p[16];
	char copy[128], *tok, *save = NULL;
	unsigned int n = 0;

	snprintf(copy, sizeof(copy), "%s", perms);
	for (tok = strtok_r(copy, ",", &save); tok != NULL && n < 16;
	     tok = strtok_r(NULL, ",", &save)) {
		switch (tok[0]) {
		case 'r':
			p[n].perms = XS_PERM_READ;
			break;
		case 'w':
			p[n].perms = XS_PERM_WRITE;
			break;
		case 'b':
			p[n].perms = XS_PERM_READ | XS_PERM_WRITE;
			break;
		default:
			p[n].perms = XS_PERM_NONE;
			break;
		}
		p[n++].id = (unsigned int)atoi(tok + 1);
	}
	return xs_set_permissions(h, t, path, p, n);
}

bool
simxs_dir(struct xs_handle *h, xs_transaction_t t, const char *path,
	  char *buf, size_t len)
{
	unsigned int i, n;
	size_t off = 0;
	char **d;

	d = xs_directory(h, t, path, &n);
	if (d == NULL)
		return false;
	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? "," : "",
				d[i]);
	free(d);
	return true;
}

int
simxs_events(struct xs_handle *h, char *buf, size_t len)
{
	static unsigned int seq;
	char sync_path[64], sync_tok[64];
	struct pollfd pfd = { .fd = xs_fileno(h), .events = POLLIN };
	size_t off = 0;
	int n = 0;

	snprintf(sync_path, sizeof(sync_path), "/simxs-sync-%u", seq);
	snprintf(sync_tok, sizeof(sync_tok), "simxs-sync-%u", seq++);
	buf[0] = '\0';
	if (!xs_watch(h, sync_path, sync_tok))
		return -1;
	for (;;) {
		char **ev = xs_check_watch(h);

		if (ev == NULL) {
			if (errno != EAGAIN)
				return -1;
			if (poll(&pfd, 1, SIMXS_WAIT_MS) <= 0)
				return -1;
			continue;
		}
		if (strcmp(ev[XS_WATCH_TOKEN], sync_tok) == 0) {
			free(ev);
			break;
		}
		if (off < len)
			off += snprintf(buf + off, len - off, "%s%s|%s",
					n ? ";" : "", ev[XS_WATCH_PATH],
					ev[XS_WATCH_TOKEN]);
		n++;
		free(ev);
	}
	xs_unwatch(h, sync_path, sync_tok);
	return n;
}

int
simxs_raw_connect(const struct simxs_env *env, uint16_t domid)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	simxs_env_sock(env, domid, sa.sun_path, sizeof(sa.sun_path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

int
simxs_raw_send(int fd, uint32_t type, uint32_t req_id, uint32_t tx_id,
	       const void *payload, uint32_t len)
{
	struct xsd_sockmsg hdr = {
		.type = type, .req_id = req_id, .tx_id = tx_id, .len = len,
	};
	char buf[sizeof(hdr) + 8192];

	if (len > sizeof(buf) - sizeof(hdr))
		return -EINVAL;
	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), payload, len);
	if (send(fd, buf, sizeof(hdr) + len, MSG_NOSIGNAL) !=
	    (ssize_t)(sizeof(hdr) + len))
		return -errno;
	return 0;
}

static int
recv_all(int fd, void *buf, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t got = 0;

	while (got < len) {
		ssize_t n;

		if (poll(&pfd, 1, SIMXS_WAIT_MS) <= 0)
			return -ETIMEDOUT;
		n = recv(fd, (char *)buf + got, len - got, 0);
		if (n <= 0)
			return -EPIPE;
		got += (size_t)n;
	}
	return 0;
}

int
simxs_raw_recv(int fd, struct xsd_sockmsg *hdr, char *buf, size_t len,
	       bool skip_events)
{
	char payload[XENSTORE_PAYLOAD_MAX + 1];
	int ret;

	do {
		ret = recv_all(fd, hdr, sizeof(*hdr));
		if (ret < 0)
			return ret;
		if (hdr->len > XENSTORE_PAYLOAD_MAX)
			return -EPROTO;
		ret = recv_all(fd, payload, hdr->len);
		if (ret < 0)
			return ret;
	} while (skip_events && hdr->type == XS_WATCH_EVENT);
	if (hdr->len < len) {
		memcpy(buf, payload, hdr->len);
		buf[hdr->len] = '\0';
	} else {
		memcpy(buf, payload, len - 1);
		buf[len - 1] = '\0';
	}
	return 0;
}

int
simxs_raw_wait_eof(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[65536];

	for (;;) {
		if (poll(&pfd, 1, SIMXS_WAIT_MS) <= 0)
			return -ETIMEDOUT;
		if (recv(fd, buf, sizeof(buf), 0) <= 0)
			return 0;
	}
}
