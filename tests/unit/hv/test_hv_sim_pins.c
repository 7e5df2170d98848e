/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Grant pins of a backend that goes away are dropped by the simulated
 * hypervisor, as Xen's gntdev does when a process exits: after a backend
 * process is SIGKILLed with grants mapped or in the middle of copies, the
 * guest can end those grants; a grant another live backend still pins
 * stays busy until that one unmaps it. A backend that dies holding an
 * entry lock, or that left garbage in its pin tables, cannot stall the
 * others or the broker, even when the guest dies too. Closing a handle
 * with mappings alive unpins them.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hv_test.h"
#include "xnb_hv.h"
#include "xnb_sim_gnttab.h"
#include "xnb_sim_msg.h"
#include "xnb_sim_pins.h"

#define DOMID 7
#define NPAGES 16
#define NGRANTS 64
/* A second guest, for a domain that dies. */
#define DOMID2 8
#define NGRANTS2 16
/* Copies a killed copier makes before it may be killed. */
#define COPIER_WARMUP 1000
#define COPIER_ROUNDS 3

static const char *dir;
static struct hvt_guest guest;
static struct xnb_hv *hv;

static int
grant(unsigned int pfn, int readonly)
{
	int ref = hvt_guest_call(&guest, HVT_GRANT, 0, pfn, readonly, 0, NULL);

	CHECK(ref >= 8);
	return ref;
}

static int
in_use(int ref)
{
	return hvt_guest_call(&guest, HVT_IN_USE, ref, 0, 0, 0, NULL);
}

static int
end_grant(int ref)
{
	return hvt_guest_call(&guest, HVT_END_GRANT, ref, 0, 0, 0, NULL);
}

static void
fill(unsigned int pfn, uint8_t byte)
{
	CHECK_EQ(hvt_guest_call(&guest, HVT_FILL, pfn, byte, 0, 0, NULL), 0);
}

/* The broker sees a death asynchronously: wait (bounded) for its effect. */
static void
wait_unpinned(int ref)
{
	int i;

	for (i = 0; i < HVT_TIMEOUT_MS && in_use(ref); i++)
		usleep(1000);
	CHECK_EQ(in_use(ref), 0);
}

/* One round trip through the broker: it has finished whatever it was
 * doing when we asked (it serves one thing at a time). */
static void
broker_sync(void)
{
	struct xnb_sim_req req = { .type = 77 };
	struct xnb_sim_rep rep;
	int s = xnb_sim_connect(dir);

	CHECK(s >= 0);
	CHECK_EQ(xnb_sim_rpc(s, &req, NULL, 0, &rep, NULL, 0), -ENOSYS);
	close(s);
}

static int16_t
copy_from(struct xnb_hv *h, xnb_gref_t ref, uint8_t *buf, uint16_t len)
{
	struct xnb_gcopy op = {
		.source.foreign = { .ref = ref, .domid = DOMID },
		.dest.virt = buf,
		.len = len,
		.flags = XNB_GCOPY_SOURCE_GREF,
		.status = 99,
	};

	if (h->ops->copy_grants(h, &op, 1) != 0)
		return 99;
	return op.status;
}

enum child_job {
	JOB_MAP,	/* map refs[0] rw, refs[1] and refs[2] ro, then wait */
	JOB_COPY,	/* copy refs[0] -> refs[1] until killed */
};

struct child {
	pid_t pid;
	int fd;
};

static void __attribute__((noreturn))
child_fail(int fd)
{
	CHECK(write(fd, "f", 1) == 1);
	_exit(1);
}

static void __attribute__((noreturn))
child_map(struct xnb_hv *h, const xnb_gref_t *refs, int fd)
{
	uint8_t buf[64];
	uint8_t *p[3];
	int i;

	for (i = 0; i < 3; i++) {
		p[i] = h->ops->map_grants(h, DOMID, &refs[i], 1, i == 0, NULL);
		if (p[i] == NULL)
			child_fail(fd);
	}
	p[0][0] = 0xa0;
	if (copy_from(h, refs[1], buf, sizeof(buf)) != XNB_GNTST_OKAY ||
	    buf[0] != p[1][0])
		child_fail(fd);
	CHECK(write(fd, "r", 1) == 1);
	for (;;)
		pause();
}

static void __attribute__((noreturn))
child_copy(struct xnb_hv *h, const xnb_gref_t *refs, int fd)
{
	struct xnb_gcopy op;
	uint8_t buf[256];
	long i;

	for (i = 0; ; i++) {
		memset(&op, 0, sizeof(op));
		op.source.foreign.ref = refs[0];
		op.source.foreign.domid = DOMID;
		op.dest.foreign.ref = refs[1];
		op.dest.foreign.domid = DOMID;
		op.len = sizeof(buf);
		op.flags = XNB_GCOPY_SOURCE_GREF | XNB_GCOPY_DEST_GREF;
		if (h->ops->copy_grants(h, &op, 1) != 0 ||
		    op.status != XNB_GNTST_OKAY)
			child_fail(fd);
		if (i == COPIER_WARMUP)
			CHECK(write(fd, "r", 1) == 1);
	}
}

/* A backend in its own process; returns once it did its job's first
 * part. */
static void
child_start(struct child *c, enum child_job job, const xnb_gref_t *refs)
{
	struct pollfd pfd = { .events = POLLIN };
	struct xnb_hv *h;
	int p[2];
	char r;

	CHECK(pipe(p) == 0);
	fflush(NULL);
	c->pid = fork();
	CHECK(c->pid >= 0);
	if (c->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		CHECK(dup2(p[1], 3) == 3);
		close_range(4, ~0u, 0);
		h = xnb_hv_open("sim", NULL);
		if (h == NULL)
			child_fail(3);
		if (job == JOB_MAP)
			child_map(h, refs, 3);
		child_copy(h, refs, 3);
	}
	close(p[1]);
	c->fd = p[0];
	pfd.fd = c->fd;
	CHECK_EQ(poll(&pfd, 1, HVT_TIMEOUT_MS), 1);
	CHECK_EQ(read(c->fd, &r, 1), 1);
	CHECK_EQ(r, 'r');
}

static void
child_kill(struct child *c)
{
	int status;

	CHECK_EQ(kill(c->pid, SIGKILL), 0);
	CHECK_EQ(waitpid(c->pid, &status, 0), c->pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	close(c->fd);
}

/* A backend killed with grants mapped; another one shares a grant. */
static void
test_killed_mapper(void)
{
	xnb_gref_t refs[3];
	struct child c;
	uint8_t buf[64];
	uint8_t *p;
	int i;

	for (i = 0; i < 3; i++) {
		fill(1 + i, 0x11 * (i + 1));
		refs[i] = grant(1 + i, i != 0);
	}
	child_start(&c, JOB_MAP, refs);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(in_use(refs[i]), 1);
		CHECK_EQ(end_grant(refs[i]), -EBUSY);
	}
	p = hv->ops->map_grants(hv, DOMID, &refs[2], 1, false, NULL);
	CHECK(p != NULL);
	CHECK_EQ(p[0], 0x33);

	child_kill(&c);
	wait_unpinned(refs[0]);
	wait_unpinned(refs[1]);
	broker_sync();
	CHECK_EQ(end_grant(refs[0]), 0);
	CHECK_EQ(end_grant(refs[1]), 0);
	/* Our pin is respected: still mapped, still busy ... */
	CHECK_EQ(in_use(refs[2]), 1);
	CHECK_EQ(end_grant(refs[2]), -EBUSY);
	CHECK_EQ(p[4095], 0x33);
	/* ... and counted alone: a copy comes and goes, the unmap frees. */
	CHECK_EQ(copy_from(hv, refs[2], buf, sizeof(buf)), XNB_GNTST_OKAY);
	CHECK_EQ(buf[63], 0x33);
	CHECK_EQ(in_use(refs[2]), 1);
	CHECK_EQ(hv->ops->unmap_grants(hv, p, 1), 0);
	CHECK_EQ(in_use(refs[2]), 0);
	CHECK_EQ(end_grant(refs[2]), 0);
}

/* A backend killed wherever it is in a stream of copies, maybe inside an
 * entry lock. */
static void
test_killed_copier(void)
{
	uint8_t data[HVT_DATA_MAX];
	xnb_gref_t refs[2];
	struct child c;
	int i;

	fill(4, 0x44);
	fill(5, 0x00);
	refs[0] = grant(4, 1);
	refs[1] = grant(5, 0);
	for (i = 0; i < COPIER_ROUNDS; i++) {
		child_start(&c, JOB_COPY, refs);
		child_kill(&c);
		wait_unpinned(refs[0]);
		wait_unpinned(refs[1]);
	}
	CHECK_EQ(hvt_guest_call(&guest, HVT_READ, 5, 255, 1, 0, data), 0);
	CHECK_EQ(data[0], 0x44);
	CHECK_EQ(end_grant(refs[0]), 0);
	CHECK_EQ(end_grant(refs[1]), 0);
}

/* A backend speaking the protocol by hand. */
struct fake_backend {
	uint32_t ngrants;
	int sock;
	uint32_t id;
	int fds[4];	/* memory, grant table, active table, own table */
	struct xnb_sim_grant_entry *gnttab;
	struct xnb_sim_active *active;
	struct xnb_sim_own *own;
};

static void *
map_fd(int fd, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	CHECK(p != MAP_FAILED);
	return p;
}

static ino_t
inode(int fd)
{
	struct stat st;

	CHECK_EQ(fstat(fd, &st), 0);
	return st.st_ino;
}

static void
fake_open(struct fake_backend *f, uint16_t domid, uint32_t ngrants)
{
	struct xnb_sim_req req = { .type = XNB_SIM_BACKEND_HELLO };
	struct xnb_sim_rep rep;
	int fds[4], domtab, i;

	f->sock = xnb_sim_connect(dir);
	CHECK(f->sock >= 0);
	CHECK_EQ(xnb_sim_rpc(f->sock, &req, NULL, 0, &rep, &domtab, 1), 0);
	close(domtab);
	f->id = rep.u.backend_hello.id;
	CHECK(f->id >= 1 && f->id <= XNB_SIM_BACKEND_ID_MAX);
	req.type = XNB_SIM_DOMAIN_GET;
	req.u.domain_get.domid = domid;
	CHECK_EQ(xnb_sim_rpc(f->sock, &req, NULL, 0, &rep, f->fds, 4), 0);
	CHECK_EQ(rep.u.domain_get.ngrants, ngrants);
	f->ngrants = ngrants;
	/* Asking again gives the same tables. */
	CHECK_EQ(xnb_sim_rpc(f->sock, &req, NULL, 0, &rep, fds, 4), 0);
	CHECK_EQ(inode(fds[2]), inode(f->fds[2]));
	CHECK_EQ(inode(fds[3]), inode(f->fds[3]));
	CHECK(inode(fds[3]) != inode(fds[2]));
	for (i = 0; i < 4; i++)
		close(fds[i]);
	f->gnttab = map_fd(f->fds[1], xnb_sim_gnttab_bytes(ngrants));
	f->active = map_fd(f->fds[2], xnb_sim_active_bytes(ngrants));
	f->own = map_fd(f->fds[3], xnb_sim_own_bytes(ngrants));
}

/* The broker's tables outlive the backend here: we keep our mappings. */
static void
fake_unmap(struct fake_backend *f)
{
	int i;

	munmap(f->gnttab, xnb_sim_gnttab_bytes(f->ngrants));
	munmap(f->active, xnb_sim_active_bytes(f->ngrants));
	munmap(f->own, xnb_sim_own_bytes(f->ngrants));
	for (i = 0; i < 4; i++)
		close(f->fds[i]);
}

static void
set_flags(struct fake_backend *f, xnb_gref_t ref, uint16_t flags)
{
	union xnb_sim_grant_hdr h = { .s = { .flags = flags } };

	__atomic_fetch_or(xnb_sim_grant_word(&f->gnttab[ref]), h.word,
			  __ATOMIC_SEQ_CST);
}

struct mapper {
	uint16_t domid;
	xnb_gref_t ref;
	uint8_t *p;
	int16_t status;
};

static void *
mapper_main(void *arg)
{
	struct mapper *m = arg;

	m->p = hv->ops->map_grants(hv, m->domid, &m->ref, 1, true,
				   &m->status);
	return NULL;
}

/*
 * A backend dies inside a pin (entry locked, flags set, counts not yet
 * raised) while a live one waits for that lock; other entries hold a lock
 * value no backend has and counts no backend could have.
 */
static void
test_dead_in_lock(void)
{
	const uint16_t rw = XNB_SIM_GTF_READING | XNB_SIM_GTF_WRITING;
	struct fake_backend f;
	struct mapper m;
	xnb_gref_t a, b, c;
	pthread_t t;

	a = grant(6, 0);
	b = grant(7, 0);
	c = grant(8, 0);
	fake_open(&f, DOMID, NGRANTS);
	__atomic_store_n(&f.active[a].lock, f.id, __ATOMIC_SEQ_CST);
	set_flags(&f, a, rw);
	__atomic_store_n(&f.active[b].lock, 0xdeadbeef, __ATOMIC_SEQ_CST);
	f.active[b].n = 1;
	f.own[b].n = 1;
	set_flags(&f, b, XNB_SIM_GTF_READING);
	f.active[c].n = 5;
	f.own[c].n = UINT32_MAX;
	f.own[c].nw = UINT32_MAX;
	set_flags(&f, c, rw);
	CHECK_EQ(in_use(a), 1);
	CHECK_EQ(in_use(b), 1);
	CHECK_EQ(in_use(c), 1);

	m.domid = DOMID;
	m.ref = a;
	CHECK_EQ(pthread_create(&t, NULL, mapper_main, &m), 0);
	close(f.sock);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK(m.p != NULL);
	CHECK_EQ(m.status, XNB_GNTST_OKAY);
	wait_unpinned(b);
	wait_unpinned(c);
	broker_sync();
	/* Only the live backend's mapping is left. */
	CHECK_EQ(f.active[a].lock, 0);
	CHECK_EQ(f.active[a].n, 1);
	CHECK_EQ(f.active[a].nw, 1);
	CHECK_EQ(in_use(a), 1);
	CHECK_EQ(end_grant(a), -EBUSY);
	CHECK_EQ(f.active[b].lock, 0);
	CHECK_EQ(f.active[b].n, 0);
	CHECK_EQ(f.active[c].n, 0);
	CHECK_EQ(f.active[c].nw, 0);
	CHECK_EQ(hv->ops->unmap_grants(hv, m.p, 1), 0);
	CHECK_EQ(in_use(a), 0);
	CHECK_EQ(f.active[a].n, 0);
	fake_unmap(&f);
	CHECK_EQ(end_grant(a), 0);
	CHECK_EQ(end_grant(b), 0);
	CHECK_EQ(end_grant(c), 0);
}

/*
 * A backend holds an entry lock (and dies later) when the guest dies: a
 * live backend waiting for that lock gives up, as the domain is gone.
 */
static void
test_lock_of_dead_domain(void)
{
	struct fake_backend f;
	struct hvt_guest g2;
	struct mapper m;
	pthread_t t;
	int ref;

	hvt_guest_start(&g2, DOMID2, 2, NGRANTS2, 0);
	ref = hvt_guest_call(&g2, HVT_GRANT, 0, 1, 0, 0, NULL);
	CHECK(ref >= 8);
	fake_open(&f, DOMID2, NGRANTS2);
	__atomic_store_n(&f.active[ref].lock, f.id, __ATOMIC_SEQ_CST);
	m.domid = DOMID2;
	m.ref = (xnb_gref_t)ref;
	m.status = 99;
	CHECK_EQ(pthread_create(&t, NULL, mapper_main, &m), 0);
	hvt_guest_stop(&g2, HVT_DIE);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK(m.p == NULL);
	CHECK_EQ(m.status, XNB_GNTST_BAD_DOMAIN);
	close(f.sock);
	fake_unmap(&f);
	broker_sync();
}

/* xnb_hv_close with a mapping alive releases it, at once. */
static void
test_close_mapped(void)
{
	struct xnb_hv *h;
	xnb_gref_t ref;
	uint8_t *p;

	ref = grant(9, 0);
	h = xnb_hv_open("sim", NULL);
	CHECK(h != NULL);
	p = h->ops->map_grants(h, DOMID, &ref, 1, true, NULL);
	CHECK(p != NULL);
	CHECK_EQ(in_use(ref), 1);
	xnb_hv_close(h);
	CHECK_EQ(in_use(ref), 0);
	CHECK_EQ(end_grant(ref), 0);
}

/* The daemon's fd count goes back to where it was (bounded wait for it
 * to see the hang-ups). */
static void
check_no_fd_leak(int baseline)
{
	int i, n = -1;

	for (i = 0; i < 500; i++) {
		n = hvt_simhv_nfds();
		if (n == baseline)
			break;
		usleep(10000);
	}
	CHECK_EQ(n, baseline);
}

int
main(void)
{
	int baseline;

	dir = hvt_simhv_start();
	baseline = hvt_simhv_nfds();
	CHECK(baseline > 0);
	hvt_guest_start(&guest, DOMID, NPAGES, NGRANTS, 0);
	hv = xnb_hv_open("sim", NULL);
	CHECK(hv != NULL);

	test_killed_mapper();
	test_killed_copier();
	test_dead_in_lock();
	test_lock_of_dead_domain();
	test_close_mapped();

	xnb_hv_close(hv);
	hvt_guest_stop(&guest, HVT_CLOSE);
	check_no_fd_leak(baseline);
	CHECK_EQ(hvt_simhv_stop(), 0);
	printf("test_hv_sim_pins: ok\n");
	return 0;
}
