/* SPDX-License-Identifier: BSD-3-Clause */
/* Minimal assertions for the netif unit tests: fail loudly, exit 1. */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, \
			__LINE__, #cond); \
		exit(1); \
	} \
} while (0)

#define CHECK_EQ(a, b) do { \
	long long check_a_ = (long long)(a), check_b_ = (long long)(b); \
	if (check_a_ != check_b_) { \
		fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", \
			__FILE__, __LINE__, #a, check_a_, #b, check_b_); \
		exit(1); \
	} \
} while (0)

#define RUN(test) do { \
	printf("%s\n", #test); \
	test(); \
} while (0)

#endif /* CHECK_H */
