/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Toolstack stand-in: vif hotplug scripts run as libxl runs them on a
 * Linux dom0 (libxl__hotplug_nic, get_hotplug_env): "SCRIPT online|offline
 * type_if=vif" with script, XENBUS_TYPE, XENBUS_PATH, XENBUS_BASE_PATH,
 * netdev and vif added to the environment (and XENSTORED_PATH, so that it
 * talks to the same store), killed at the deadline. A failing script
 * reports why in the backend's hotplug-error node.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "simxl_int.h"

#define HOTPLUG_NENV 7

extern char **environ;

static bool
same_name(const char *a, const char *b)
{
	size_t n = strcspn(a, "=");

	return strncmp(a, b, n) == 0 && b[n] == '=';
}

/* environ with add[] replacing same-named variables; NULL on ENOMEM. */
static char **
build_env(char *const add[], unsigned int nadd)
{
	unsigned int i, j, n = 0, out = 0;
	char **envp;
	bool replaced;

	while (environ[n] != NULL)
		n++;
	envp = calloc(n + nadd + 1, sizeof(*envp));
	if (envp == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		replaced = false;
		for (j = 0; j < nadd; j++)
			replaced |= same_name(add[j], environ[i]);
		if (!replaced)
			envp[out++] = environ[i];
	}
	for (j = 0; j < nadd; j++)
		envp[out++] = add[j];
	return envp;
}

/* Fork and exec; wait until it exits or the deadline (then kill it). */
static int
run(const char *script, bool online, char **envp, int64_t deadline,
    int *status)
{
	char *const argv[] = {
		(char *)script, online ? "online" : "offline", "type_if=vif",
		NULL,
	};
	struct pollfd pfd = { .events = POLLIN };
	int64_t left;
	pid_t pid;
	int ret = 0;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execve(script, argv, envp);
		_exit(127);
	}
	pfd.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd.fd < 0) {
		ret = -errno;
		kill(pid, SIGKILL);
		goto reap;
	}
	for (;;) {
		left = deadline - simxl_now_ms();
		if (left <= 0) {
			ret = -ETIMEDOUT;
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&pfd, 1, (int)left) > 0)
			break;
	}
	close(pfd.fd);
reap:
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return ret;
}

static bool
hotplug_done(const char *v)
{
	return v != NULL &&
		(strcmp(v, "connected") == 0 || strcmp(v, "error") == 0);
}

static void
report_error(struct xnb_simxl *xl, const char *be_path, const char *what)
{
	char path[160], *err;

	snprintf(path, sizeof(path), "%s/hotplug-error", be_path);
	err = simxl_read(xl, XBT_NULL, path);
	SIMXL_ERR("%s%s%s", what, err != NULL ? ": " : "",
		  err != NULL ? err : "");
	free(err);
}

int
simxl_hotplug(struct xnb_simxl *xl, const char *script, const char *be_path,
	      uint16_t domid, int devid, bool online, int64_t deadline)
{
	const char *action = online ? "online" : "offline";
	char *add[HOTPLUG_NENV] = { NULL }, **envp = NULL;
	char path[160], msg[256], *gw, *st;
	unsigned int i;
	int ret, status = 0;

	snprintf(path, sizeof(path), "%s/gatewaydev", be_path);
	gw = simxl_read(xl, XBT_NULL, path);
	ret = -ENOMEM;
	if (asprintf(&add[0], "script=%s", script) < 0 ||
	    asprintf(&add[1], "XENBUS_TYPE=vif") < 0 ||
	    asprintf(&add[2], "XENBUS_PATH=backend/vif/%u/%d", domid,
		     devid) < 0 ||
	    asprintf(&add[3], "XENBUS_BASE_PATH=backend") < 0 ||
	    asprintf(&add[4], "netdev=%s", gw != NULL ? gw : "") < 0 ||
	    asprintf(&add[5], "vif=vif%u.%d", domid, devid) < 0)
		goto out;
	/* The script must reach the store we use (xenstore-write...). */
	if (xl->xs_path != NULL &&
	    asprintf(&add[6], "XENSTORED_PATH=%s", xl->xs_path) < 0)
		goto out;
	envp = build_env(add, add[6] != NULL ? HOTPLUG_NENV : HOTPLUG_NENV - 1);
	if (envp == NULL)
		goto out;
	ret = run(script, online, envp, deadline, &status);
	if (ret == -ETIMEDOUT) {
		SIMXL_ERR("hotplug script %s %s timed out: killed", script,
			  action);
		goto out;
	}
	if (ret < 0) {
		SIMXL_ERR("cannot run hotplug script %s: %s", script,
			  strerror(-ret));
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(msg, sizeof(msg), "hotplug script %s %s failed (%s %d)",
			 script, action, WIFEXITED(status) ? "exit" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) :
			 WTERMSIG(status));
		report_error(xl, be_path, msg);
		ret = -EIO;
		goto out;
	}
	if (!online)
		goto out;
	/* The backend goes on only once the script says "connected". */
	snprintf(path, sizeof(path), "%s/hotplug-status", be_path);
	ret = simxl_wait(xl, path, hotplug_done, deadline);
	st = simxl_read(xl, XBT_NULL, path);
	if (ret == 0 && (st == NULL || strcmp(st, "connected") != 0)) {
		snprintf(msg, sizeof(msg), "hotplug script %s reported an "
			 "error", script);
		report_error(xl, be_path, msg);
		ret = -EIO;
	} else if (ret < 0) {
		SIMXL_ERR("hotplug script %s did not set %s to connected",
			  script, path);
	}
	free(st);
out:
	free(envp);
	for (i = 0; i < HOTPLUG_NENV; i++)
		free(add[i]);
	free(gw);
	return ret;
}
