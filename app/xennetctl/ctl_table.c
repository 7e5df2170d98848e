/* SPDX-License-Identifier: BSD-3-Clause */
/* Aligned text tables. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

struct ctl_table {
	unsigned int ncols;
	unsigned int nrows;
	char **cells; /* nrows * ncols, row 0 the heads */
};

struct ctl_table *
ctl_table_new(unsigned int ncols, const char *const *heads)
{
	struct ctl_table *t = calloc(1, sizeof(*t));

	if (t == NULL || ncols > CTL_TABLE_MAX_COLS) {
		free(t);
		return NULL;
	}
	t->ncols = ncols;
	ctl_table_row(t, heads);
	return t;
}

void
ctl_table_row(struct ctl_table *t, const char *const *cells)
{
	char **p;
	unsigned int i;

	if (t == NULL)
		return;
	p = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*p));
	if (p == NULL)
		return;
	t->cells = p;
	for (i = 0; i < t->ncols; i++)
		p[t->nrows * t->ncols + i] = strdup(cells[i] != NULL ?
						    cells[i] : "-");
	t->nrows++;
}

void
ctl_table_print(struct ctl_table *t)
{
	size_t w[CTL_TABLE_MAX_COLS] = { 0 }, n;
	unsigned int r, c;
	const char *s;

	if (t == NULL)
		return;
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			s = t->cells[r * t->ncols + c];
			n = s != NULL ? strlen(s) : 1;
			if (n > w[c])
				w[c] = n;
		}
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			s = t->cells[r * t->ncols + c];
			if (c + 1 == t->ncols)
				printf("%s\n", s != NULL ? s : "-");
			else
				printf("%-*s  ", (int)w[c], s != NULL ? s : "-");
		}
	}
	for (r = 0; r < t->nrows * t->ncols; r++)
		free(t->cells[r]);
	free(t->cells);
	free(t);
}

const char *
ctl_cell(const json_t *v, char *buf, unsigned int len)
{
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.1f", json_real_value(v));
	else if (json_is_true(v))
		snprintf(buf, len, "yes");
	else if (json_is_false(v))
		snprintf(buf, len, "no");
	else
		snprintf(buf, len, "-");
	return buf;
}
