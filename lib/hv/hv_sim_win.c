/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hv_sim's window for foreign mappings: one range of address space,
 * reserved at open, out of which every map_grants region is carved. Xen
 * refuses a grant copy whose local side is a foreign frame (the caller
 * must own its local page); with every mapping inside the window, a copy
 * can tell that with one range check and no lock. The window also bounds
 * how many grants may be mapped at once, as Xen's maptrack table does.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "hv_sim.h"

#define WORD_BITS 64u

static bool
page_used(const struct hv_sim *s, size_t i)
{
	return (s->win_used[i / WORD_BITS] >> (i % WORD_BITS)) & 1;
}

static void
mark(struct hv_sim *s, size_t first, size_t n, bool used)
{
	size_t i;

	for (i = first; i < first + n; i++) {
		if (used)
			s->win_used[i / WORD_BITS] |= 1ull << (i % WORD_BITS);
		else
			s->win_used[i / WORD_BITS] &= ~(1ull << (i % WORD_BITS));
	}
}

int
hv_sim_win_init(struct hv_sim *s)
{
	size_t len = (size_t)HV_SIM_WIN_PAGES * XNB_PAGE_SIZE;
	void *p;

	s->win_used = calloc(HV_SIM_WIN_PAGES / WORD_BITS,
			     sizeof(s->win_used[0]));
	if (s->win_used == NULL)
		return -ENOMEM;
	p = mmap(NULL, len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		free(s->win_used);
		s->win_used = NULL;
		return -errno;
	}
	s->win = p;
	return 0;
}

void
hv_sim_win_fini(struct hv_sim *s)
{
	if (s->win != NULL)
		munmap(s->win, (size_t)HV_SIM_WIN_PAGES * XNB_PAGE_SIZE);
	free(s->win_used);
	s->win = NULL;
	s->win_used = NULL;
}

uint8_t *
hv_sim_win_alloc(struct hv_sim *s, uint32_t npages)
{
	size_t i, run = 0, first = 0;
	uint8_t *addr = NULL;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < HV_SIM_WIN_PAGES; i++) {
		if (run == 0 && i % WORD_BITS == 0 &&
		    s->win_used[i / WORD_BITS] == UINT64_MAX) {
			i += WORD_BITS - 1;
			continue;
		}
		if (page_used(s, i)) {
			run = 0;
			continue;
		}
		if (run++ == 0)
			first = i;
		if (run == npages) {
			mark(s, first, npages, true);
			addr = s->win + first * XNB_PAGE_SIZE;
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return addr;
}

int
hv_sim_win_free(struct hv_sim *s, uint8_t *addr, uint32_t npages)
{
	size_t len = (size_t)npages * XNB_PAGE_SIZE;
	void *p;

	/* Back to reserved, never unmapped: nothing else may land here. */
	p = mmap(addr, len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1,
		 0);
	if (p == MAP_FAILED)
		return -errno;
	pthread_mutex_lock(&s->lock);
	mark(s, (size_t)(addr - s->win) / XNB_PAGE_SIZE, npages, false);
	pthread_mutex_unlock(&s->lock);
	return 0;
}
