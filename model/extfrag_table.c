// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * extfrag_table.c - bounded per-process table of extfrag events.
 *
 * Three structures over one array of entries, so that nothing walks the
 * capacity: a linear-probing hash index (tgid -> entry), a list of count
 * buckets (reads take the top k in O(k), eviction takes the bottom in
 * O(1)), and a list by last event (aging drops from its head in O(1)).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "extfrag_table.h"

#define NIL MFD_XT_NIL

int mfd_extfrag_table_init(struct mfd_extfrag_table *t, size_t cap)
{
	size_t c = 16;

	memset(t, 0, sizeof(*t));
	if (cap > (size_t)3 << 28)
		cap = (size_t)3 << 28;
	/* The table holds exactly cap processes (--max-procs); the hash
	 * index is the next power of two that keeps its load at most 3/4. */
	while (c * 3 / 4 < cap)
		c <<= 1;
	t->cap = c;
	t->max = cap ? cap : 1;
	/* calloc(): the kernel hands out zero pages lazily, so the memory
	 * becomes resident as processes fill the table, not up front; a
	 * large --max-procs costs only the part that is used. */
	t->index = calloc(c, sizeof(*t->index));
	t->slots = calloc(t->max, sizeof(*t->slots));
	t->buckets = calloc(t->max, sizeof(*t->buckets));
	if (!t->index || !t->slots || !t->buckets) {
		mfd_extfrag_table_free(t);
		return -ENOMEM;
	}
	/* Entries and buckets past the high-water marks are free without
	 * being linked, so init touches no page. */
	t->free_entry = t->free_bucket = NIL;
	t->top = t->bottom = NIL;
	t->lru_head = t->lru_tail = NIL;
	return 0;
}

void mfd_extfrag_table_free(struct mfd_extfrag_table *t)
{
	free(t->index);
	free(t->slots);
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

/* What an entry is keyed by: the process, or its executable name within
 * its cgroup. */
struct xt_key {
	uint32_t tgid;
	const char *comm;
	uint64_t cgroup_id;
};

static size_t hash_key(const struct mfd_extfrag_table *t,
		       const struct xt_key *k)
{
	uint64_t h;

	if (!t->by_executable)
		/* Knuth's multiplicative hash; cap is a power of two. */
		return (size_t)((k->tgid * 2654435761u) & (t->cap - 1));
	/* FNV-1a over the name, then the cgroup id mixed in. */
	h = 14695981039346656037ull;
	for (size_t i = 0; i < MFD_TASK_COMM_LEN && k->comm[i]; i++)
		h = (h ^ (unsigned char)k->comm[i]) * 1099511628211ull;
	h ^= k->cgroup_id * 0x9e3779b97f4a7c15ull;
	h ^= h >> 29;
	return (size_t)(h & (t->cap - 1));
}

static struct xt_key slot_key(const struct mfd_proc_stat *p)
{
	return (struct xt_key){ p->tgid, p->comm, p->cgroup_id };
}

static bool key_is(const struct mfd_extfrag_table *t,
		   const struct mfd_proc_stat *p, const struct xt_key *k)
{
	if (!t->by_executable)
		return p->tgid == k->tgid;
	return p->cgroup_id == k->cgroup_id &&
	       !strncmp(p->comm, k->comm, MFD_TASK_COMM_LEN);
}

/* The hash slot holding key k, or the empty slot where it would go. The
 * load factor is at most 3/4, so an empty slot always exists. */
static size_t find_slot(const struct mfd_extfrag_table *t,
			const struct xt_key *k)
{
	size_t i = hash_key(t, k);

	while (t->index[i] && !key_is(t, &t->slots[t->index[i] - 1], k))
		i = (i + 1) & (t->cap - 1);
	return i;
}

/* Empty hash slot i and re-seat the cluster after it (linear probing
 * deletion without tombstones). */
static void index_remove_at(struct mfd_extfrag_table *t, size_t i)
{
	size_t j = i;

	t->index[i] = 0;
	for (;;) {
		struct xt_key key;
		size_t k;

		j = (j + 1) & (t->cap - 1);
		if (!t->index[j])
			return;
		key = slot_key(&t->slots[t->index[j] - 1]);
		k = hash_key(t, &key);
		/* Move j back to i if its home k is not in (i, j]. */
		if ((i <= j) ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		t->index[i] = t->index[j];
		t->index[j] = 0;
		i = j;
	}
}

/* A bucket for count, linked between up and down (either may be NIL). */
static uint32_t bucket_new(struct mfd_extfrag_table *t, uint64_t count,
			   uint32_t up, uint32_t down)
{
	uint32_t b = t->free_bucket;

	/* At most one bucket per entry in use, so the high-water mark never
	 * passes max. */
	if (b != NIL)
		t->free_bucket = t->buckets[b].up;
	else
		b = (uint32_t)t->buckets_hw++;
	t->buckets[b] = (struct mfd_xt_bucket){ .count = count,
						.first = NIL,
						.last = NIL,
						.up = up,
						.down = down };
	if (up != NIL)
		t->buckets[up].down = b;
	else
		t->top = b;
	if (down != NIL)
		t->buckets[down].up = b;
	else
		t->bottom = b;
	return b;
}

static void bucket_unlink_entry(struct mfd_extfrag_table *t, uint32_t i)
{
	struct mfd_proc_stat *p = &t->slots[i];
	struct mfd_xt_bucket *b = &t->buckets[p->bucket];

	if (p->prev != NIL)
		t->slots[p->prev].next = p->next;
	else
		b->first = p->next;
	if (p->next != NIL)
		t->slots[p->next].prev = p->prev;
	else
		b->last = p->prev;
	if (b->first != NIL)
		return;
	/* Empty: unlink the bucket and put it on the free list. */
	if (b->up != NIL)
		t->buckets[b->up].down = b->down;
	else
		t->top = b->down;
	if (b->down != NIL)
		t->buckets[b->down].up = b->up;
	else
		t->bottom = b->up;
	b->up = t->free_bucket;
	t->free_bucket = p->bucket;
}

/* Put entry i first (most recent) in bucket b. */
static void bucket_push_front(struct mfd_extfrag_table *t, uint32_t b,
			      uint32_t i)
{
	struct mfd_proc_stat *p = &t->slots[i];

	p->bucket = b;
	p->prev = NIL;
	p->next = t->buckets[b].first;
	if (p->next != NIL)
		t->slots[p->next].prev = i;
	else
		t->buckets[b].last = i;
	t->buckets[b].first = i;
}

static void lru_unlink(struct mfd_extfrag_table *t, uint32_t i)
{
	struct mfd_proc_stat *p = &t->slots[i];

	if (p->lru_prev != NIL)
		t->slots[p->lru_prev].lru_next = p->lru_next;
	else
		t->lru_head = p->lru_next;
	if (p->lru_next != NIL)
		t->slots[p->lru_next].lru_prev = p->lru_prev;
	else
		t->lru_tail = p->lru_prev;
}

static void lru_push_tail(struct mfd_extfrag_table *t, uint32_t i)
{
	struct mfd_proc_stat *p = &t->slots[i];

	p->lru_next = NIL;
	p->lru_prev = t->lru_tail;
	if (p->lru_prev != NIL)
		t->slots[p->lru_prev].lru_next = i;
	else
		t->lru_head = i;
	t->lru_tail = i;
}

/* Drop entry i from all three structures and free it. */
static void remove_entry(struct mfd_extfrag_table *t, uint32_t i)
{
	struct xt_key key = slot_key(&t->slots[i]);

	index_remove_at(t, find_slot(t, &key));
	bucket_unlink_entry(t, i);
	lru_unlink(t, i);
	t->slots[i].in_use = 0;
	t->slots[i].next = t->free_entry;
	t->free_entry = i;
	t->used--;
}

void mfd_extfrag_table_add(struct mfd_extfrag_table *t,
			   const struct mfd_extfrag_event *e)
{
	char comm[MFD_TASK_COMM_LEN];
	struct xt_key key = { e->tgid, comm, e->cgroup_id };
	struct mfd_proc_stat *p;
	uint32_t i, b, up;
	size_t h;

	if (!t->index)
		return;
	t->events++;
	memcpy(comm, e->comm, sizeof(comm));
	comm[sizeof(comm) - 1] = '\0';
	h = find_slot(t, &key);
	if (t->index[h]) {
		i = t->index[h] - 1;
		p = &t->slots[i];
		/* One bucket up: the next higher bucket if it holds count
		 * + 1, else a new one between. */
		b = p->bucket;
		up = t->buckets[b].up;
		bucket_unlink_entry(t, i);
		if (up == NIL || t->buckets[up].count != p->count + 1) {
			/* b may just have been freed; its down link is then
			 * stale, so find the lower neighbour afresh. */
			uint32_t down = up != NIL ? t->buckets[up].down :
						    t->top;

			up = bucket_new(t, p->count + 1, up, down);
		}
		bucket_push_front(t, up, i);
		lru_unlink(t, i);
	} else {
		/* Full: evict the least active, the idle-longest of those
		 * (the last of the bottom bucket). */
		if (t->used >= t->max) {
			remove_entry(t, t->buckets[t->bottom].last);
			t->evicted++;
			h = find_slot(t, &key);
		}
		i = t->free_entry;
		if (i != NIL)
			t->free_entry = t->slots[i].next;
		else
			i = (uint32_t)t->entries_hw++;
		p = &t->slots[i];
		memset(p, 0, sizeof(*p));
		p->in_use = 1;
		p->tgid = e->tgid;
		t->index[h] = i + 1;
		t->used++;
		b = t->bottom;
		if (b == NIL || t->buckets[b].count != 1)
			b = bucket_new(t, 1, b, NIL);
		bucket_push_front(t, b, i);
	}
	lru_push_tail(t, i);
	p->count++;
	p->fragmenting += e->fragmenting ? 1 : 0;
	p->change_ownership += e->change_ownership ? 1 : 0;
	p->tgid = e->tgid;
	p->last_pid = e->pid;
	memcpy(p->comm, comm, sizeof(p->comm));
	p->cgroup_id = e->cgroup_id;
	p->last_pfn = e->pfn;
	p->last_alloc_order = e->alloc_order;
	p->last_fallback_order = e->fallback_order;
	p->last_alloc_mt = e->alloc_migratetype;
	p->last_fallback_mt = e->fallback_migratetype;
	p->last_ts_ns = e->ts_ns;
}

size_t mfd_extfrag_table_expire(struct mfd_extfrag_table *t, uint64_t now_ns)
{
	size_t n = 0;

	if (!t->index || !t->ttl_ns || now_ns < t->ttl_ns)
		return 0;
	/* Events from different CPUs reach the list slightly out of time
	 * order; the head is the oldest by arrival, which is close enough
	 * for an idle timeout measured in minutes. */
	while (t->lru_head != NIL &&
	       t->slots[t->lru_head].last_ts_ns < now_ns - t->ttl_ns) {
		remove_entry(t, t->lru_head);
		n++;
	}
	t->expired += n;
	return n;
}

size_t mfd_extfrag_table_sorted(const struct mfd_extfrag_table *t,
				const struct mfd_proc_stat **out, size_t max)
{
	size_t n = 0;

	if (!t->index)
		return 0;
	for (uint32_t b = t->top; b != NIL && n < max; b = t->buckets[b].down)
		for (uint32_t i = t->buckets[b].first; i != NIL && n < max;
		     i = t->slots[i].next)
			out[n++] = &t->slots[i];
	return n;
}
