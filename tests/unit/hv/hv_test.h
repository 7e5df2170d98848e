/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Harness for the hypervisor-seam tests: runs a private xnb-simhv (path in
 * $XNB_SIMHV) on a fresh directory, and simulated guests as separate
 * processes driven by commands over a socket ("guest agents").
 */
#ifndef HV_TEST_H
#define HV_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, \
			__LINE__, #cond); \
		exit(1); \
	} \
} while (0)

#define CHECK_EQ(a, b) do { \
	long long check_a_ = (long long)(a), check_b_ = (long long)(b); \
	if (check_a_ != check_b_) { \
		fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%lld != " \
			"%lld)\n", __FILE__, __LINE__, #a, #b, check_a_, \
			check_b_); \
		exit(1); \
	} \
} while (0)

/* Bound on every wait for another process, so a bug fails, never hangs. */
#define HVT_TIMEOUT_MS 5000

/*
 * Start xnb-simhv on a new temporary directory, set $XNB_SIM_DIR to it,
 * connect to its xenstore as the toolstack and arrange for it to be
 * stopped at exit. Exits the test on failure.
 */
const char *hvt_simhv_start(void);
/* SIGTERM the daemon; returns its exit status (0: clean) or -1. */
int hvt_simhv_stop(void);
/* Is the daemon still running? */
int hvt_simhv_alive(void);
/* How many fds the daemon has open (from /proc), or -1. */
int hvt_simhv_nfds(void);

enum hvt_op {
	HVT_GRANT = 1,		/* a: to, b: pfn, c: readonly -> gref */
	HVT_END_GRANT,		/* a: gref */
	HVT_IN_USE,		/* a: gref -> 0/1 */
	HVT_GRANT_RAW,		/* a: gref, b: flags, c: domid, d: frame */
	HVT_FILL,		/* a: pfn, b: byte */
	HVT_READ,		/* a: pfn, b: offset, c: len <= 64 -> data */
	HVT_EVT_ALLOC,		/* a: remote -> port */
	HVT_EVT_NOTIFY,		/* a: port */
	HVT_EVT_WAIT,		/* a: timeout ms -> pending port/-ETIMEDOUT */
	HVT_EVT_PENDING,	/* -> port or -EAGAIN, never waits */
	HVT_EVT_UNMASK,		/* a: port */
	HVT_EVT_CLOSE,		/* a: port */
	HVT_CLOSE,		/* xnb_simguest_close, then exit */
	HVT_DIE,		/* exit at once, as a crashing domain */
};

#define HVT_DATA_MAX 64

struct hvt_guest {
	pid_t pid;
	int sock;
	uint16_t domid;
};

/* The toolstack's part of creating domain domid: introduce it to
 * xenstore (as xnb-simxl create does), unless it is already. */
void hvt_domain_create(uint16_t domid);
/* Does xenstore know domain domid (introduced, not dead)? */
int hvt_domain_introduced(uint16_t domid);

/* Fork a guest process that opens domain domid as it is (the toolstack
 * may not have made it). Returns 0 or -errno of xnb_simguest_open. */
int hvt_guest_open(struct hvt_guest *g, uint16_t domid, unsigned int npages,
		   unsigned int ngrants);
/* Create domain domid (hvt_domain_create), then hvt_guest_open. Exits the
 * test on failure (or returns -errno of xnb_simguest_open when
 * allow_fail). */
int hvt_guest_start(struct hvt_guest *g, uint16_t domid, unsigned int npages,
		    unsigned int ngrants, int allow_fail);
/* Run one command in the guest; returns its result. data (if not NULL)
 * receives up to HVT_DATA_MAX bytes of HVT_READ. */
int hvt_guest_call(struct hvt_guest *g, enum hvt_op op, uint32_t a,
		   uint32_t b, uint32_t c, uint32_t d, void *data);
/* HVT_CLOSE or HVT_DIE, reap the process, then wait until the simulator
 * has seen the domain die (xenstore forgot it). */
void hvt_guest_stop(struct hvt_guest *g, enum hvt_op how);

#endif /* HV_TEST_H */
