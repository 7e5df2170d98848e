/* SPDX-License-Identifier: BSD-3-Clause */
/* xennetctl: the CLI of xennetd's control socket. */
#ifndef CTL_H
#define CTL_H

#include <stdbool.h>

#include <jansson.h>

/* Exit statuses. */
#define CTL_EXIT_OK 0
#define CTL_EXIT_ERROR 1      /* the daemon answered with an error */
#define CTL_EXIT_USAGE 2
#define CTL_EXIT_NO_DAEMON 3  /* nobody answers on the socket */

struct ctl_cmd {
	const char *name;
	const char *usage;    /* arguments, for the help line */
	const char *summary;  /* one line, for the command list */
	const char *help;     /* the details, several lines allowed */
	const char *daemon_cmd;
	/* Build the request's args from argv (after the command name);
	 * NULL after printing why (usage error). */
	json_t *(*args)(const struct ctl_cmd *c, int argc, char **argv);
	/* Print the result for people. */
	void (*print)(const json_t *result);
};

extern const struct ctl_cmd ctl_cmds[];
extern const unsigned int ctl_nb_cmds;

/* Usage error about command c (prints it and its usage line). */
json_t *ctl_usage_error(const struct ctl_cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- table output ---- */

#define CTL_TABLE_MAX_COLS 16

struct ctl_table;

struct ctl_table *ctl_table_new(unsigned int ncols, const char *const *heads);
/* Add a row of ncols cells (copied). */
void ctl_table_row(struct ctl_table *t, const char *const *cells);
/* Print with aligned columns and free. */
void ctl_table_print(struct ctl_table *t);

/* Cell text of a JSON value: strings as is, numbers, true/false, "-" for
 * null or absent. Returns buf. */
const char *ctl_cell(const json_t *v, char *buf, unsigned int len);

#endif /* CTL_H */
