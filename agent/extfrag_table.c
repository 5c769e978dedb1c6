// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * extfrag_table.c - bounded per-process table of extfrag events.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "extfrag_table.h"

int mfd_extfrag_table_init(struct mfd_extfrag_table *t, size_t cap)
{
	size_t c = 16;

	memset(t, 0, sizeof(*t));
	while (c < cap && c < ((size_t)1 << 30))
		c <<= 1;
	/* Zeroed by hand, not calloc(): a large calloc() gets untouched
	 * pages that become resident one by one as new processes land in
	 * them, which reads as growth long after start-up. The table's
	 * memory is committed here, once. */
	t->slots = malloc(c * sizeof(*t->slots));
	if (!t->slots)
		return -ENOMEM;
	memset(t->slots, 0, c * sizeof(*t->slots));
	t->cap = c;
	return 0;
}

void mfd_extfrag_table_free(struct mfd_extfrag_table *t)
{
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static size_t hash_tgid(uint32_t tgid, size_t cap)
{
	/* Knuth's multiplicative hash; cap is a power of two. */
	return (size_t)((tgid * 2654435761u) & (cap - 1));
}

static struct mfd_proc_stat *lookup(struct mfd_extfrag_table *t, uint32_t tgid,
				    int *found)
{
	size_t i = hash_tgid(tgid, t->cap);

	for (size_t n = 0; n < t->cap; n++, i = (i + 1) & (t->cap - 1)) {
		struct mfd_proc_stat *p = &t->slots[i];

		if (!p->in_use) {
			*found = 0;
			return p;
		}
		if (p->tgid == tgid) {
			*found = 1;
			return p;
		}
	}
	*found = 0;
	return NULL;
}

/* Remove the entry at slot i and re-seat the cluster after it (linear
 * probing deletion without tombstones). */
static void remove_at(struct mfd_extfrag_table *t, size_t i)
{
	size_t j = i;

	t->slots[i].in_use = 0;
	t->used--;
	for (;;) {
		size_t k;

		j = (j + 1) & (t->cap - 1);
		if (!t->slots[j].in_use)
			return;
		k = hash_tgid(t->slots[j].tgid, t->cap);
		/* Move j back to i if its home k is not in (i, j]. */
		if ((i <= j) ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		t->slots[i] = t->slots[j];
		t->slots[j].in_use = 0;
		i = j;
	}
}

static void evict_smallest(struct mfd_extfrag_table *t)
{
	size_t victim = 0;
	uint64_t best = UINT64_MAX;

	for (size_t i = 0; i < t->cap; i++) {
		const struct mfd_proc_stat *p = &t->slots[i];

		if (p->in_use &&
		    (p->count < best ||
		     (p->count == best &&
		      p->last_ts_ns < t->slots[victim].last_ts_ns))) {
			best = p->count;
			victim = i;
		}
	}
	remove_at(t, victim);
	t->evicted++;
}

void mfd_extfrag_table_add(struct mfd_extfrag_table *t,
			   const struct mfd_extfrag_event *e)
{
	struct mfd_proc_stat *p;
	int found;

	if (!t->slots)
		return;
	t->events++;
	/* Keep the load factor at or below 3/4 so probes stay short. */
	p = lookup(t, e->tgid, &found);
	if (!found && (t->used + 1) * 4 > t->cap * 3) {
		evict_smallest(t);
		p = lookup(t, e->tgid, &found);
	}
	if (!p)
		return;
	if (!found) {
		memset(p, 0, sizeof(*p));
		p->in_use = 1;
		p->tgid = e->tgid;
		t->used++;
	}
	p->count++;
	p->fragmenting += e->fragmenting ? 1 : 0;
	p->change_ownership += e->change_ownership ? 1 : 0;
	p->last_pid = e->pid;
	memcpy(p->comm, e->comm, sizeof(p->comm));
	p->comm[sizeof(p->comm) - 1] = '\0';
	p->cgroup_id = e->cgroup_id;
	p->last_pfn = e->pfn;
	p->last_alloc_order = e->alloc_order;
	p->last_fallback_order = e->fallback_order;
	p->last_alloc_mt = e->alloc_migratetype;
	p->last_fallback_mt = e->fallback_migratetype;
	p->last_ts_ns = e->ts_ns;
}

static int by_count_desc(const void *a, const void *b)
{
	const struct mfd_proc_stat *x = *(const struct mfd_proc_stat *const *)a;
	const struct mfd_proc_stat *y = *(const struct mfd_proc_stat *const *)b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	return 0;
}

size_t mfd_extfrag_table_sorted(const struct mfd_extfrag_table *t,
				const struct mfd_proc_stat **out, size_t max)
{
	const struct mfd_proc_stat **all;
	size_t n = 0;

	if (!t->used || !max)
		return 0;
	all = malloc(t->used * sizeof(*all));
	if (!all)
		return 0;
	for (size_t i = 0; i < t->cap && n < t->used; i++)
		if (t->slots[i].in_use)
			all[n++] = &t->slots[i];
	qsort(all, n, sizeof(*all), by_count_desc);
	if (n > max)
		n = max;
	memcpy(out, all, n * sizeof(*out));
	free(all);
	return n;
}
