/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control protocol (vhost-user-like in spirit, JSON on the wire): one
 * JSON object per line, at most XD_PROTO_MAX_MSG bytes.
 *
 *   server greeting: {"xennetd": {"version", "protocol", "max_message",
 *                     "max_clients", "commands": [...]}}
 *   request:  {"id": <integer or string>, "cmd": "<name>", "args": {...}}
 *   reply:    {"id": <same>, "result": <any>}
 *         or  {"id": <same or null>, "error": {"code": "<code>",
 *                                             "message": "<text>"}}
 *
 * A request that does not parse, has unknown members, an unknown command,
 * or arguments that do not match the command's declaration gets an error
 * and changes nothing. Pure: no sockets here.
 */
#ifndef XD_PROTO_H
#define XD_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define XD_PROTO_VERSION 1
#define XD_PROTO_MAX_MSG 65536
#define XD_PROTO_MAX_ID_LEN 64

/* Error codes. */
#define XD_E_PARSE "parse_error"           /* not JSON */
#define XD_E_REQUEST "invalid_request"     /* not a request object */
#define XD_E_UNKNOWN "unknown_command"
#define XD_E_ARGS "invalid_args"
#define XD_E_NOTFOUND "not_found"
#define XD_E_EXISTS "already_exists"
#define XD_E_FAILED "failed"               /* the action failed */
#define XD_E_TOOBIG "too_large"            /* message over the limit */
#define XD_E_LIMIT "too_many_clients"
#define XD_E_DENIED "permission_denied"

enum xd_arg_type {
	XD_ARG_STR,
	XD_ARG_INT,
	XD_ARG_BOOL,
};

struct xd_arg_spec {
	const char *name;
	enum xd_arg_type type;
	bool required;
	int64_t min, max;  /* XD_ARG_INT */
	const char *help;
};

struct xd_err {
	const char *code;
	char msg[256];
};

struct xd_cmd {
	const char *name;
	const char *help;
	const struct xd_arg_spec *args; /* ends with a NULL name */
	/* The result (a new reference), or NULL with err set. args is an
	 * object that matched the declaration. */
	json_t *(*fn)(void *ctx, json_t *args, struct xd_err *err);
};

/* Set err; returns NULL for "return xd_fail(...)". */
json_t *xd_fail(struct xd_err *err, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The reply to one message (without its newline): a new reference. */
json_t *xd_proto_handle(const struct xd_cmd *cmds, unsigned int n, void *ctx,
			const char *msg, size_t len);
/* An error reply without a request (oversize, refused connection). */
json_t *xd_proto_error(json_t *id, const char *code, const char *msg);
/* The greeting. */
json_t *xd_proto_greeting(const struct xd_cmd *cmds, unsigned int n,
			  const char *version, unsigned int max_clients);
/* Serialise a reply as one line with its newline: malloc()ed, NULL on
 * ENOMEM. */
char *xd_proto_dump(const json_t *reply, size_t *len);

#endif /* XD_PROTO_H */
