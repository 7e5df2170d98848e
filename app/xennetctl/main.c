/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xennetctl: talk to xennetd's control socket. One request per run: the
 * reply as a table (default) or as JSON (--json, for scripts).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"

/* Replies can be large (MAC table, stats of every port). */
#define CTL_MAX_REPLY (16u << 20)
#define CTL_SOCK_NAME "xennetd.sock"

struct ctl_opts {
	const char *socket;
	const char *prefix;
	bool json;
	int timeout_ms;
};

static void
usage(FILE *f)
{
	unsigned int i;

	fprintf(f, "Usage: xennetctl [options] COMMAND [ARGS]\n"
		"Control and inspect a running xennetd.\n\n"
		"Options:\n"
		"  --socket PATH       the daemon's control socket (default:\n"
		"                      $XENNETD_SOCKET, else xennetd.sock in the\n"
		"                      DPDK runtime directory of --file-prefix)\n"
		"  --file-prefix NAME  the daemon's EAL --file-prefix (default rte)\n"
		"  --json              print the daemon's JSON result\n"
		"  --timeout S         wait at most S seconds for the reply (5)\n"
		"  --help              this text; COMMAND --help for a command\n\n"
		"Commands:\n");
	for (i = 0; i < ctl_nb_cmds; i++)
		fprintf(f, "  %-12s %-18s %s\n", ctl_cmds[i].name,
			ctl_cmds[i].usage, ctl_cmds[i].summary);
	fprintf(f, "\nExit status: 0 done, 1 the daemon refused, 2 usage, "
		"3 daemon not running.\n");
}

static void
cmd_usage(const struct ctl_cmd *c)
{
	printf("Usage: xennetctl [options] %s %s\n%s.\n\n%s\n", c->name,
	       c->usage, c->summary, c->help);
}

/* DPDK's runtime directory rule (eal_create_runtime_dir). */
static void
default_socket(const struct ctl_opts *o, char *buf, size_t len)
{
	const char *env = getenv("XENNETD_SOCKET");
	const char *base = "/var/run";

	if (env != NULL && env[0] != '\0') {
		snprintf(buf, len, "%s", env);
		return;
	}
	if (getuid() != 0) {
		base = getenv("XDG_RUNTIME_DIR");
		if (base == NULL)
			base = "/tmp";
	}
	snprintf(buf, len, "%s/dpdk/%s/%s", base, o->prefix, CTL_SOCK_NAME);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One line from fd (without the newline), bounded in size and time.
 * *buf grows as needed; leftover bytes stay in it for the next line. */
static int
read_line(int fd, char **buf, size_t *have, size_t *cap, int64_t deadline,
	  char **line)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char *nl, *p;
	ssize_t n;
	int left;

	for (;;) {
		nl = *have > 0 ? memchr(*buf, '\n', *have) : NULL;
		if (nl != NULL) {
			size_t len = (size_t)(nl - *buf);

			*line = strndup(*buf, len);
			memmove(*buf, nl + 1, *have - len - 1);
			*have -= len + 1;
			return *line != NULL ? 0 : -ENOMEM;
		}
		if (*have == CTL_MAX_REPLY)
			return -E2BIG;
		if (*have == *cap) {
			size_t ncap = *cap == 0 ? 65536 : *cap * 2;

			if (ncap > CTL_MAX_REPLY)
				ncap = CTL_MAX_REPLY;
			p = realloc(*buf, ncap);
			if (p == NULL)
				return -ENOMEM;
			*buf = p;
			*cap = ncap;
		}
		left = (int)(deadline - now_ms());
		if (left <= 0 || poll(&pfd, 1, left) != 1)
			return -ETIMEDOUT;
		n = recv(fd, *buf + *have, *cap - *have, 0);
		if (n == 0)
			return -ECONNRESET;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		*have += (size_t)n;
	}
}

static int
connect_daemon(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "xennetctl: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			fprintf(stderr, "xennetctl: xennetd is not running "
				"(nothing answers at %s)\n", path);
		else
			fprintf(stderr, "xennetctl: cannot connect to %s: "
				"%s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* An error object from the daemon: print it; returns the exit status. */
static int
print_error(const json_t *e)
{
	fprintf(stderr, "xennetctl: %s: %s\n",
		json_string_value(json_object_get(e, "code")),
		json_string_value(json_object_get(e, "message")));
	return CTL_EXIT_ERROR;
}

static int
run(const struct ctl_opts *o, const struct ctl_cmd *c, json_t *args)
{
	char path[256], *buf = NULL, *line = NULL, *req;
	size_t have = 0, cap = 0;
	int64_t deadline = now_ms() + o->timeout_ms;
	json_t *greet = NULL, *reply = NULL, *v;
	json_error_t jerr;
	int fd, ret, status = CTL_EXIT_ERROR;

	if (o->socket != NULL)
		snprintf(path, sizeof(path), "%s", o->socket);
	else
		default_socket(o, path, sizeof(path));
	fd = connect_daemon(path);
	if (fd < 0) {
		json_decref(args);
		return CTL_EXIT_NO_DAEMON;
	}
	ret = read_line(fd, &buf, &have, &cap, deadline, &line);
	if (ret == 0)
		greet = json_loads(line, 0, &jerr);
	free(line);
	line = NULL;
	if (greet == NULL) {
		fprintf(stderr, "xennetctl: no greeting from %s: %s\n", path,
			ret < 0 ? strerror(-ret) : "not JSON");
		goto out;
	}
	v = json_object_get(greet, "error");
	if (v != NULL) {
		status = print_error(v);
		goto out;
	}
	if (json_object_get(greet, "xennetd") == NULL) {
		fprintf(stderr, "xennetctl: %s is not xennetd's socket\n", path);
		goto out;
	}
	v = json_pack("{s:i,s:s,s:O}", "id", 1, "cmd", c->daemon_cmd, "args",
		      args);
	req = v != NULL ? json_dumps(v, JSON_COMPACT) : NULL;
	json_decref(v);
	if (req == NULL)
		goto out;
	ret = send(fd, req, strlen(req), MSG_NOSIGNAL) < 0 ||
	      send(fd, "\n", 1, MSG_NOSIGNAL) < 0 ? -errno : 0;
	free(req);
	if (ret == 0)
		ret = read_line(fd, &buf, &have, &cap, deadline, &line);
	if (ret < 0) {
		fprintf(stderr, "xennetctl: no reply from xennetd: %s\n",
			strerror(-ret));
		goto out;
	}
	reply = json_loads(line, 0, &jerr);
	if (reply == NULL) {
		fprintf(stderr, "xennetctl: bad reply: %s\n", jerr.text);
		goto out;
	}
	v = json_object_get(reply, "error");
	if (v != NULL) {
		status = print_error(v);
		goto out;
	}
	v = json_object_get(reply, "result");
	if (o->json) {
		json_dumpf(v, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(4) |
			   JSON_ENCODE_ANY);
		printf("\n");
	} else {
		c->print(v);
	}
	status = CTL_EXIT_OK;
out:
	json_decref(args);
	json_decref(greet);
	json_decref(reply);
	free(line);
	free(buf);
	close(fd);
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "file-prefix", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_opts o = { .prefix = "rte", .timeout_ms = 5000 };
	const struct ctl_cmd *c = NULL;
	json_t *args;
	unsigned int i;
	char *end;
	long t;
	int opt;

	/* Options stop at the command: its arguments are its own. */
	while ((opt = getopt_long(argc, argv, "+", lopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			o.socket = optarg;
			break;
		case 'p':
			o.prefix = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 't':
			t = strtol(optarg, &end, 10);
			if (*end != '\0' || t < 1 || t > 3600) {
				fprintf(stderr, "xennetctl: bad --timeout "
					"'%s'\n", optarg);
				return CTL_EXIT_USAGE;
			}
			o.timeout_ms = (int)t * 1000;
			break;
		case 'h':
			usage(stdout);
			return CTL_EXIT_OK;
		default:
			usage(stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CTL_EXIT_USAGE;
	}
	for (i = 0; i < ctl_nb_cmds; i++)
		if (strcmp(ctl_cmds[i].name, argv[optind]) == 0)
			c = &ctl_cmds[i];
	if (c == NULL) {
		fprintf(stderr, "xennetctl: unknown command '%s' (see "
			"--help)\n", argv[optind]);
		return CTL_EXIT_USAGE;
	}
	for (i = (unsigned int)optind + 1; i < (unsigned int)argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			cmd_usage(c);
			return CTL_EXIT_OK;
		}
	}
	args = c->args(c, argc - optind - 1, argv + optind + 1);
	if (args == NULL)
		return CTL_EXIT_USAGE;
	return run(&o, c, args);
}
