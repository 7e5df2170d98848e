/* SPDX-License-Identifier: BSD-3-Clause */
/* The control protocol: valid requests reach their command, everything
 * malformed gets the right typed error and reaches nothing. */
#include <stdlib.h>
#include <string.h>

#include "td_check.h"
#include "xd_proto.h"

static int calls;

static json_t *
cmd_echo(void *ctx, json_t *args, struct xd_err *err)
{
	(void)ctx;
	(void)err;
	calls++;
	return json_deep_copy(args);
}

static json_t *
cmd_fail(void *ctx, json_t *args, struct xd_err *err)
{
	(void)ctx;
	(void)args;
	calls++;
	return xd_fail(err, XD_E_NOTFOUND, "no such %s", "thing");
}

static const struct xd_arg_spec echo_args[] = {
	{ "name", XD_ARG_STR, true, 0, 0, "a name" },
	{ "n", XD_ARG_INT, false, 1, 10, "a number" },
	{ "on", XD_ARG_BOOL, false, 0, 0, "a flag" },
	{ NULL, XD_ARG_STR, false, 0, 0, NULL },
};

static const struct xd_cmd cmds[] = {
	{ "echo", "returns its args", echo_args, cmd_echo },
	{ "fail", "always fails", NULL, cmd_fail },
};

/* Handle msg; check the error code (NULL: a result is expected). */
static json_t *
handle(const char *msg, const char *code)
{
	json_t *r = xd_proto_handle(cmds, 2, NULL, msg, strlen(msg));
	json_t *e;

	if (r == NULL) {
		fprintf(stderr, "no reply to %s\n", msg);
		td_failures++;
		return NULL;
	}
	e = json_object_get(r, "error");
	if (code == NULL && (e != NULL || json_object_get(r, "result") ==
			     NULL)) {
		fprintf(stderr, "error for %s: %s\n", msg,
			json_string_value(json_object_get(e, "message")));
		td_failures++;
	} else if (code != NULL &&
		   (e == NULL ||
		    strcmp(json_string_value(json_object_get(e, "code")),
			   code) != 0 ||
		    !json_is_string(json_object_get(e, "message")))) {
		fprintf(stderr, "expected %s for %s, got %s\n", code, msg,
			e != NULL ? json_string_value(json_object_get(e,
			"code")) : "a result");
		td_failures++;
	}
	return r;
}

static void
expect(const char *msg, const char *code, int ncalls)
{
	int before = calls;

	json_decref(handle(msg, code));
	if (calls - before != ncalls) {
		fprintf(stderr, "%s: command ran %d times, expected %d\n", msg,
			calls - before, ncalls);
		td_failures++;
	}
}

static void
test_valid(void)
{
	json_t *r;

	r = handle("{\"id\":7,\"cmd\":\"echo\",\"args\":{\"name\":\"x\","
		   "\"n\":10,\"on\":false}}", NULL);
	TD_EQ(json_integer_value(json_object_get(r, "id")), 7);
	TD_STREQ(json_string_value(json_object_get(json_object_get(r,
		 "result"), "name")), "x");
	TD_EQ(json_integer_value(json_object_get(json_object_get(r, "result"),
						 "n")), 10);
	json_decref(r);
	r = handle("{\"id\":\"abc\",\"cmd\":\"fail\"}", XD_E_NOTFOUND);
	TD_STREQ(json_string_value(json_object_get(r, "id")), "abc");
	TD_STREQ(json_string_value(json_object_get(json_object_get(r, "error"),
		 "message")), "no such thing");
	json_decref(r);
	/* args may be omitted when nothing is required */
	expect("{\"id\":1,\"cmd\":\"fail\",\"args\":{}}", XD_E_NOTFOUND, 1);
}

static void
test_malformed(void)
{
	char *big;
	json_t *r;

	expect("", XD_E_PARSE, 0);
	expect("garbage", XD_E_PARSE, 0);
	expect("{\"id\":1,\"cmd\":\"echo\"", XD_E_PARSE, 0);
	expect("{\"id\":1,\"id\":2,\"cmd\":\"fail\"}", XD_E_PARSE, 0);
	expect("{\"id\":1,\"cmd\":\"e\\u0000cho\"}", XD_E_PARSE, 0);
	expect("[1,2,3]", XD_E_REQUEST, 0);
	expect("42", XD_E_PARSE, 0);
	expect("{\"cmd\":\"fail\"}", XD_E_REQUEST, 0);
	expect("{\"id\":1}", XD_E_REQUEST, 0);
	expect("{\"id\":1,\"cmd\":5}", XD_E_REQUEST, 0);
	expect("{\"id\":1.5,\"cmd\":\"fail\"}", XD_E_REQUEST, 0);
	expect("{\"id\":[1],\"cmd\":\"fail\"}", XD_E_REQUEST, 0);
	expect("{\"id\":\"01234567890123456789012345678901234567890123456789"
	       "0123456789xxxxx\",\"cmd\":\"fail\"}", XD_E_REQUEST, 0);
	expect("{\"id\":1,\"cmd\":\"fail\",\"extra\":1}", XD_E_REQUEST, 0);
	expect("{\"id\":1,\"cmd\":\"rm -rf\"}", XD_E_UNKNOWN, 0);
	expect("{\"id\":1,\"cmd\":\"fail\",\"args\":[]}", XD_E_ARGS, 0);
	expect("{\"id\":1,\"cmd\":\"fail\",\"args\":{\"x\":1}}", XD_E_ARGS,
	       0);
	expect("{\"id\":1,\"cmd\":\"echo\"}", XD_E_ARGS, 0);
	expect("{\"id\":1,\"cmd\":\"echo\",\"args\":{\"name\":1}}", XD_E_ARGS,
	       0);
	expect("{\"id\":1,\"cmd\":\"echo\",\"args\":{\"name\":\"\"}}",
	       XD_E_ARGS, 0);
	expect("{\"id\":1,\"cmd\":\"echo\",\"args\":{\"name\":\"a\",\"n\":0}}",
	       XD_E_ARGS, 0);
	expect("{\"id\":1,\"cmd\":\"echo\",\"args\":{\"name\":\"a\",\"n\":11}}",
	       XD_E_ARGS, 0);
	expect("{\"id\":1,\"cmd\":\"echo\",\"args\":{\"name\":\"a\",\"n\":"
	       "\"5\"}}", XD_E_ARGS, 0);
	expect("{\"id\":1,\"cmd\":\"echo\",\"args\":{\"name\":\"a\",\"on\":1}}",
	       XD_E_ARGS, 0);
	expect("{\"id\":1,\"cmd\":\"echo\",\"args\":{\"name\":\"a\",\"n\":"
	       "99999999999999999999999}}", XD_E_PARSE, 0);
	/* The id of a request with bad arguments comes back. */
	r = handle("{\"id\":9,\"cmd\":\"echo\"}", XD_E_ARGS);
	TD_EQ(json_integer_value(json_object_get(r, "id")), 9);
	json_decref(r);

	/* Oversize: refused before parsing. */
	big = malloc(XD_PROTO_MAX_MSG + 2);
	memset(big, ' ', XD_PROTO_MAX_MSG + 1);
	big[XD_PROTO_MAX_MSG + 1] = '\0';
	r = xd_proto_handle(cmds, 2, NULL, big, XD_PROTO_MAX_MSG + 1);
	TD_STREQ(json_string_value(json_object_get(json_object_get(r, "error"),
		 "code")), XD_E_TOOBIG);
	json_decref(r);
	free(big);
	/* Deep nesting is refused by the parser, not a crash. */
	big = malloc(20001);
	memset(big, '[', 20000);
	big[20000] = '\0';
	expect(big, XD_E_PARSE, 0);
	free(big);
}

static void
test_greeting_dump(void)
{
	json_t *g = xd_proto_greeting(cmds, 2, "9.9", 3), *x;
	size_t len;
	char *line;

	x = json_object_get(g, "xennetd");
	TD_STREQ(json_string_value(json_object_get(x, "version")), "9.9");
	TD_EQ(json_integer_value(json_object_get(x, "protocol")),
	      XD_PROTO_VERSION);
	TD_EQ(json_integer_value(json_object_get(x, "max_message")),
	      XD_PROTO_MAX_MSG);
	TD_EQ(json_integer_value(json_object_get(x, "max_clients")), 3);
	TD_EQ(json_array_size(json_object_get(x, "commands")), 2);
	line = xd_proto_dump(g, &len);
	TD_CHECK(line != NULL && len == strlen(line) && line[len - 1] == '\n');
	TD_CHECK(memchr(line, '\n', len - 1) == NULL);
	free(line);
	json_decref(g);
}

int
main(void)
{
	test_valid();
	test_malformed();
	test_greeting_dump();
	TD_DONE();
}
