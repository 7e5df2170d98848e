/* SPDX-License-Identifier: BSD-3-Clause */
/* Validating control requests and dispatching them to commands. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xd_proto.h"

json_t *
xd_fail(struct xd_err *err, const char *code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return NULL;
}

json_t *
xd_proto_error(json_t *id, const char *code, const char *msg)
{
	return json_pack("{s:O?,s:{s:s,s:s}}", "id", id, "error", "code",
			 code, "message", msg);
}

static const struct xd_cmd *
find_cmd(const struct xd_cmd *cmds, unsigned int n, const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

static const char *
type_name(enum xd_arg_type t)
{
	switch (t) {
	case XD_ARG_STR:
		return "a string";
	case XD_ARG_INT:
		return "an integer";
	case XD_ARG_BOOL:
		return "true or false";
	}
	return "?";
}

/* args against the declaration: no unknown keys, types, ranges,
 * required ones present. */
static int
check_args(const struct xd_cmd *c, json_t *args, struct xd_err *err)
{
	const struct xd_arg_spec *a;
	const char *key;
	json_t *v;
	bool ok;

	json_object_foreach(args, key, v) {
		for (a = c->args; a != NULL && a->name != NULL; a++)
			if (strcmp(a->name, key) == 0)
				break;
		if (a == NULL || a->name == NULL) {
			xd_fail(err, XD_E_ARGS, "%s: unknown argument '%.64s'",
				c->name, key);
			return -1;
		}
		switch (a->type) {
		case XD_ARG_STR:
			ok = json_is_string(v) && json_string_length(v) > 0 &&
			     json_string_length(v) < 256 &&
			     strlen(json_string_value(v)) ==
			     json_string_length(v);
			break;
		case XD_ARG_INT:
			ok = json_is_integer(v) &&
			     json_integer_value(v) >= a->min &&
			     json_integer_value(v) <= a->max;
			break;
		default:
			ok = json_is_boolean(v);
			break;
		}
		if (!ok) {
			if (a->type == XD_ARG_INT)
				xd_fail(err, XD_E_ARGS, "%s: '%s' must be an "
					"integer in %" JSON_INTEGER_FORMAT
					"..%" JSON_INTEGER_FORMAT, c->name,
					a->name, (json_int_t)a->min,
					(json_int_t)a->max);
			else
				xd_fail(err, XD_E_ARGS, "%s: '%s' must be %s%s",
					c->name, a->name, type_name(a->type),
					a->type == XD_ARG_STR ?
					" of 1-255 characters" : "");
			return -1;
		}
	}
	for (a = c->args; a != NULL && a->name != NULL; a++) {
		if (a->required && json_object_get(args, a->name) == NULL) {
			xd_fail(err, XD_E_ARGS, "%s: missing argument '%s'",
				c->name, a->name);
			return -1;
		}
	}
	return 0;
}

static bool
valid_id(const json_t *id)
{
	return json_is_integer(id) ||
	       (json_is_string(id) &&
		json_string_length(id) <= XD_PROTO_MAX_ID_LEN);
}

json_t *
xd_proto_handle(const struct xd_cmd *cmds, unsigned int n, void *ctx,
		const char *msg, size_t len)
{
	struct xd_err err = { .code = NULL };
	json_t *req, *id = NULL, *cmd, *args, *res, *reply;
	const struct xd_cmd *c;
	json_error_t jerr;
	const char *key;
	json_t *v;

	if (len > XD_PROTO_MAX_MSG)
		return xd_proto_error(NULL, XD_E_TOOBIG, "message too large");
	req = json_loadb(msg, len, JSON_REJECT_DUPLICATES, &jerr);
	if (req == NULL) {
		snprintf(err.msg, sizeof(err.msg), "not JSON: %s", jerr.text);
		return xd_proto_error(NULL, XD_E_PARSE, err.msg);
	}
	if (!json_is_object(req)) {
		reply = xd_proto_error(NULL, XD_E_REQUEST,
				       "a request is a JSON object");
		goto out;
	}
	id = json_object_get(req, "id");
	if (id != NULL && !valid_id(id)) {
		reply = xd_proto_error(NULL, XD_E_REQUEST, "'id' must be an "
				       "integer or a short string");
		goto out;
	}
	json_object_foreach(req, key, v) {
		if (strcmp(key, "id") != 0 && strcmp(key, "cmd") != 0 &&
		    strcmp(key, "args") != 0) {
			snprintf(err.msg, sizeof(err.msg), "unknown member "
				 "'%.64s' (a request has id, cmd, args)", key);
			reply = xd_proto_error(id, XD_E_REQUEST, err.msg);
			goto out;
		}
	}
	cmd = json_object_get(req, "cmd");
	if (id == NULL || !json_is_string(cmd)) {
		reply = xd_proto_error(id, XD_E_REQUEST, "a request needs 'id' "
				       "and 'cmd' (a string)");
		goto out;
	}
	c = find_cmd(cmds, n, json_string_value(cmd));
	if (c == NULL) {
		snprintf(err.msg, sizeof(err.msg), "unknown command '%.64s' "
			 "(try 'help')", json_string_value(cmd));
		reply = xd_proto_error(id, XD_E_UNKNOWN, err.msg);
		goto out;
	}
	args = json_object_get(req, "args");
	if (args != NULL && !json_is_object(args)) {
		reply = xd_proto_error(id, XD_E_ARGS, "'args' must be an "
				       "object");
		goto out;
	}
	if (args == NULL) {
		args = json_object();
		if (args == NULL || json_object_set_new(req, "args", args) < 0) {
			reply = xd_proto_error(id, XD_E_FAILED, "out of memory");
			goto out;
		}
	}
	if (check_args(c, args, &err) < 0) {
		reply = xd_proto_error(id, err.code, err.msg);
		goto out;
	}
	res = c->fn(ctx, args, &err);
	if (res == NULL)
		reply = xd_proto_error(id, err.code != NULL ? err.code :
				       XD_E_FAILED, err.msg);
	else
		reply = json_pack("{s:O,s:o}", "id", id, "result", res);
out:
	json_decref(req);
	return reply;
}

json_t *
xd_proto_greeting(const struct xd_cmd *cmds, unsigned int n,
		  const char *version, unsigned int max_clients)
{
	json_t *names = json_array();
	unsigned int i;

	if (names == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		json_array_append_new(names, json_string(cmds[i].name));
	return json_pack("{s:{s:s,s:i,s:i,s:i,s:o}}", "xennetd", "version",
			 version, "protocol", XD_PROTO_VERSION, "max_message",
			 XD_PROTO_MAX_MSG, "max_clients", (int)max_clients,
			 "commands", names);
}

char *
xd_proto_dump(const json_t *reply, size_t *len)
{
	char *s, *line;
	size_t n;

	s = json_dumps(reply, JSON_COMPACT | JSON_REAL_PRECISION(4));
	if (s == NULL)
		return NULL;
	n = strlen(s);
	line = realloc(s, n + 2);
	if (line == NULL) {
		free(s);
		return NULL;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	*len = n + 1;
	return line;
}
