/* SPDX-License-Identifier: BSD-3-Clause */
/* Assertions for the daemon's unit tests: count failures, keep going. */
#ifndef TD_CHECK_H
#define TD_CHECK_H

#include <stdio.h>
#include <string.h>

static int td_failures;

#define TD_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
			__LINE__, #cond); \
		td_failures++; \
	} \
} while (0)

#define TD_EQ(a, b) do { \
	long long td_a_ = (long long)(a), td_b_ = (long long)(b); \
	if (td_a_ != td_b_) { \
		fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", \
			__FILE__, __LINE__, #a, td_a_, #b, td_b_); \
		td_failures++; \
	} \
} while (0)

#define TD_STREQ(a, b) do { \
	const char *td_a_ = (a), *td_b_ = (b); \
	if (td_a_ == NULL || td_b_ == NULL || strcmp(td_a_, td_b_) != 0) { \
		fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", \
			__FILE__, __LINE__, #a, td_a_ ? td_a_ : "(null)", \
			td_b_ ? td_b_ : "(null)"); \
		td_failures++; \
	} \
} while (0)

/* main's last line. */
#define TD_DONE() do { \
	if (td_failures != 0) \
		fprintf(stderr, "%d check(s) failed\n", td_failures); \
	return td_failures != 0; \
} while (0)

#endif /* TD_CHECK_H */
