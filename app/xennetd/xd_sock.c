/* SPDX-License-Identifier: BSD-3-Clause */
/* The control socket: connections, framing, limits, peer credentials. */
#include <errno.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "xd_log.h"
#include "xd_sock.h"

/* Replies waiting for a slow reader, per connection. */
#define XD_SOCK_MAX_OUT (8u << 20)

struct xd_conn {
	struct xd_sock *s;
	int fd;
	bool closing;        /* close once out is flushed */
	size_t in_len;
	char *in;            /* XD_PROTO_MAX_MSG + 1 */
	char *out;
	size_t out_len, out_off;
	struct xd_conn *next;
};

struct xd_sock {
	struct xd_sock_conf conf;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int lfd;
	gid_t gid;
	bool has_gid;
	unsigned int nb_conns;
	struct xd_conn *conns;
};

static void
conn_free(struct xd_conn *c)
{
	struct xd_sock *s = c->s;
	struct xd_conn **pp;

	for (pp = &s->conns; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	xd_loop_del(s->conf.loop, c->fd);
	close(c->fd);
	s->nb_conns--;
	free(c->in);
	free(c->out);
	free(c);
}

/* Write what is queued; 0, or -1 when the connection went away. */
static int
conn_flush(struct xd_conn *c)
{
	ssize_t n;

	while (c->out_off < c->out_len) {
		n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
			 MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0)
			return -1;
		c->out_off += (size_t)n;
	}
	if (c->out_off == c->out_len) {
		free(c->out);
		c->out = NULL;
		c->out_len = c->out_off = 0;
		xd_loop_set_events(c->s->conf.loop, c->fd, EPOLLIN);
		return c->closing ? -1 : 0;
	}
	xd_loop_set_events(c->s->conf.loop, c->fd, EPOLLIN | EPOLLOUT);
	return 0;
}

/* Queue a reply (consumed); -1 when the connection must go. */
static int
conn_send(struct xd_conn *c, json_t *reply)
{
	size_t len;
	char *line, *p;

	if (reply == NULL)
		return -1;
	line = xd_proto_dump(reply, &len);
	json_decref(reply);
	if (line == NULL)
		return -1;
	if (c->out_len - c->out_off + len > XD_SOCK_MAX_OUT) {
		XD_LOG_RL(WARNING, "control client does not read its replies: "
			  "disconnected");
		free(line);
		return -1;
	}
	p = realloc(c->out, c->out_len + len);
	if (p == NULL) {
		free(line);
		return -1;
	}
	memcpy(p + c->out_len, line, len);
	free(line);
	c->out = p;
	c->out_len += len;
	return conn_flush(c);
}

/* Handle every complete line in the input buffer. */
static int
conn_lines(struct xd_conn *c)
{
	const struct xd_sock_conf *conf = &c->s->conf;
	size_t start = 0, i;

	for (i = 0; i < c->in_len; i++) {
		if (c->in[i] != '\n')
			continue;
		if (i > start && conn_send(c, xd_proto_handle(conf->cmds,
				conf->nb_cmds, conf->ctx, c->in + start,
				i - start)) < 0)
			return -1;
		start = i + 1;
	}
	memmove(c->in, c->in + start, c->in_len - start);
	c->in_len -= start;
	if (c->in_len > XD_PROTO_MAX_MSG) {
		/* No resynchronising inside an oversized message. */
		c->closing = true;
		return conn_send(c, xd_proto_error(NULL, XD_E_TOOBIG,
				 "message larger than the limit: "
				 "disconnecting"));
	}
	return 0;
}

static void
on_conn(void *arg, uint32_t events)
{
	struct xd_conn *c = arg;
	ssize_t n;

	if (events & EPOLLOUT) {
		if (conn_flush(c) < 0)
			goto drop;
	}
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)) || c->closing)
		return;
	n = recv(c->fd, c->in + c->in_len, XD_PROTO_MAX_MSG + 1 - c->in_len,
		 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0)
		goto drop;
	c->in_len += (size_t)n;
	if (conn_lines(c) < 0)
		goto drop;
	return;
drop:
	conn_free(c);
}

static bool
peer_allowed(const struct xd_sock *s, int fd, struct ucred *cred)
{
	socklen_t len = sizeof(*cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cred, &len) < 0)
		return false;
	return cred->uid == 0 || cred->uid == geteuid() ||
	       (s->has_gid && cred->gid == s->gid);
}

/* Refuse a connection with one error line. */
static void
refuse(int fd, const char *code, const char *msg)
{
	json_t *r = xd_proto_error(NULL, code, msg);
	size_t len;
	char *line;

	line = r != NULL ? xd_proto_dump(r, &len) : NULL;
	json_decref(r);
	if (line != NULL && send(fd, line, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		XD_LOG_RL(DEBUG, "refusing a control client: %s",
			  strerror(errno));
	free(line);
	close(fd);
}

static void
on_listen(void *arg, uint32_t events)
{
	struct xd_sock *s = arg;
	struct xd_conn *c;
	struct ucred cred = { .pid = 0 };
	int fd;

	RTE_SET_USED(events);
	fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (!peer_allowed(s, fd, &cred)) {
		XD_LOG_RL(WARNING, "control client pid %d uid %u refused",
			  (int)cred.pid, cred.uid);
		refuse(fd, XD_E_DENIED, "not allowed");
		return;
	}
	if (s->nb_conns >= s->conf.max_clients) {
		refuse(fd, XD_E_LIMIT, "too many control clients");
		return;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->in = malloc(XD_PROTO_MAX_MSG + 1)) == NULL) {
		free(c);
		close(fd);
		return;
	}
	c->s = s;
	c->fd = fd;
	if (xd_loop_add(s->conf.loop, fd, on_conn, c) < 0) {
		free(c->in);
		free(c);
		close(fd);
		return;
	}
	c->next = s->conns;
	s->conns = c;
	s->nb_conns++;
	if (conn_send(c, xd_proto_greeting(s->conf.cmds, s->conf.nb_cmds,
					   s->conf.version,
					   s->conf.max_clients)) < 0)
		conn_free(c);
}

/* Is someone answering at path already? */
static bool
in_use(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool used;

	if (fd < 0)
		return false;
	used = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return used;
}

struct xd_sock *
xd_sock_open(const struct xd_sock_conf *conf)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct xd_sock *s;
	struct group *gr;
	struct stat st;
	mode_t old;
	int ret;

	if (strlen(conf->path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->conf = *conf;
	s->lfd = -1;
	strcpy(s->path, conf->path);
	strcpy(sa.sun_path, conf->path);
	if (conf->group != NULL && conf->group[0] != '\0') {
		gr = getgrnam(conf->group);
		if (gr == NULL) {
			XD_LOG(ERR, "socket group '%s' does not exist",
			       conf->group);
			ret = ENOENT;
			goto free;
		}
		s->gid = gr->gr_gid;
		s->has_gid = true;
	}
	if (lstat(conf->path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			ret = EEXIST;
			goto free;
		}
		if (in_use(&sa)) {
			ret = EADDRINUSE;
			goto free;
		}
		unlink(conf->path);
	}
	s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);
	if (s->lfd < 0) {
		ret = errno;
		goto free;
	}
	/* The path never exists with wider permissions than 0660. */
	old = umask(0117);
	ret = bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret < 0) {
		ret = errno;
		goto close;
	}
	if (chmod(conf->path, 0660) < 0 ||
	    (s->has_gid && chown(conf->path, (uid_t)-1, s->gid) < 0) ||
	    listen(s->lfd, 16) < 0) {
		ret = errno;
		goto unlink;
	}
	ret = -xd_loop_add(conf->loop, s->lfd, on_listen, s);
	if (ret != 0)
		goto unlink;
	return s;

unlink:
	unlink(conf->path);
close:
	close(s->lfd);
free:
	free(s);
	errno = ret;
	return NULL;
}

void
xd_sock_close(struct xd_sock *s)
{
	if (s == NULL)
		return;
	while (s->conns != NULL)
		conn_free(s->conns);
	xd_loop_del(s->conf.loop, s->lfd);
	close(s->lfd);
	unlink(s->path);
	free(s);
}
