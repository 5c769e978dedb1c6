// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_extfrag.c - ring-buffer record decoding, counter slots and the
 * bounded per-process table, checked against brute-force recounts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>

#include <cmocka.h>

#include "extfrag_probe.h"
#include "extfrag_table.h"

static struct mfd_extfrag_event make_event(uint32_t tgid, uint32_t seq)
{
	struct mfd_extfrag_event e;

	memset(&e, 0, sizeof(e));
	e.type = MFD_REC_EXTFRAG;
	e.tgid = tgid;
	e.pid = tgid + (seq % 3);
	e.alloc_order = (int32_t)(seq % 4);
	e.fallback_order = (int32_t)(seq % 11);
	e.alloc_migratetype = 0;
	e.fallback_migratetype = (int32_t)(1 + seq % 2);
	e.fragmenting = e.fallback_order < 9;
	e.change_ownership = (seq % 5) == 0;
	e.ts_ns = 1000 + seq;
	e.cgroup_id = 42;
	e.pfn = 0x100000 + seq;
	snprintf(e.comm, sizeof(e.comm), "task%u", tgid);
	return e;
}

static void test_decode_accepts_exact_record(void **state)
{
	struct mfd_extfrag_event in = make_event(7, 3), out;

	(void)state;
	memset(in.comm, 'x', sizeof(in.comm)); /* no NUL from the kernel */
	assert_int_equal(mfd_extfrag_decode(&in, sizeof(in), &out, 1), 1);
	assert_int_equal(out.tgid, 7);
	assert_int_equal(out.pfn, in.pfn);
	assert_int_equal(out.comm[sizeof(out.comm) - 1], '\0');
}

/* A record is a batch of 1..MFD_EXTFRAG_STAGE events, as the handler and
 * the flush program write them (bpf/extfrag.bpf.c): every length decodes
 * to its events, in order, each terminated. */
static void test_decode_batches(void **state)
{
	struct mfd_extfrag_event in[MFD_EXTFRAG_STAGE],
		out[MFD_EXTFRAG_STAGE + 1];

	(void)state;
	for (uint32_t i = 0; i < MFD_EXTFRAG_STAGE; i++) {
		in[i] = make_event(100 + i, i);
		memset(in[i].comm, 'a' + (char)i, sizeof(in[i].comm));
	}
	for (size_t n = 1; n <= MFD_EXTFRAG_STAGE; n++) {
		memset(out, 0xee, sizeof(out));
		assert_int_equal(mfd_extfrag_decode(in, n * sizeof(in[0]), out,
						    MFD_EXTFRAG_STAGE),
				 (int)n);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(out[i].tgid, 100 + i);
			assert_int_equal(out[i].pfn, in[i].pfn);
			assert_int_equal(out[i].comm[0], 'a' + (char)i);
			assert_int_equal(out[i].comm[sizeof(out[i].comm) - 1],
					 '\0');
		}
		/* nothing written past the batch */
		assert_int_equal(((unsigned char *)&out[n])[0], 0xee);
		/* a batch larger than the room given is refused whole */
		if (n > 1)
			assert_int_equal(mfd_extfrag_decode(in,
							    n * sizeof(in[0]),
							    out, n - 1),
					 -EINVAL);
	}
	/* one bad type tag anywhere refuses the whole record */
	in[MFD_EXTFRAG_STAGE - 1].type = MFD_REC_COMPACT_STALL;
	assert_int_equal(mfd_extfrag_decode(in, sizeof(in), out,
					    MFD_EXTFRAG_STAGE),
			 -EINVAL);
}

/* For every ring size and CPU count: a power of two per CPU, the whole
 * machine's held-back records fit in a quarter of the ring, and the next
 * power of two would not (the pacing is as lazy as the bound allows). */
static void test_wakeup_mask_bounds(void **state)
{
	const size_t rec = sizeof(struct mfd_extfrag_event) + 8;

	(void)state;
	for (size_t ring = 4096; ring <= ((size_t)1 << 30); ring <<= 1)
		for (int cpus = 1; cpus <= 1024; cpus = cpus * 3 + 1) {
			uint64_t n = mfd_extfrag_wakeup_mask(ring, cpus) + 1;

			assert_true(n && (n & (n - 1)) == 0);
			if (n > 1)
				assert_true((size_t)cpus * n * rec <= ring / 4);
			assert_true((size_t)cpus * 2 * n * rec > ring / 4);
		}
	assert_int_equal(mfd_extfrag_wakeup_mask(4096, 0),
			 mfd_extfrag_wakeup_mask(4096, 1));
}

static void test_decode_rejects_bad_records(void **state)
{
	struct mfd_extfrag_event in = make_event(7, 3), out;
	char big[sizeof(in) + 8] = { 0 };

	(void)state;
	assert_int_equal(mfd_extfrag_decode(NULL, 0, &out, 1), -EINVAL);
	assert_int_equal(mfd_extfrag_decode(&in, 0, &out, 1), -EINVAL);
	assert_int_equal(mfd_extfrag_decode(&in, 3, &out, 1), -EINVAL);
	assert_int_equal(mfd_extfrag_decode(&in, sizeof(in) - 1, &out, 1),
			 -EINVAL);
	memcpy(big, &in, sizeof(in));
	assert_int_equal(mfd_extfrag_decode(big, sizeof(big), &out, 1),
			 -EINVAL);
	in.type = 99;
	assert_int_equal(mfd_extfrag_decode(&in, sizeof(in), &out, 1), -EINVAL);
}

static void test_slots_are_distinct_and_in_range(void **state)
{
	static char seen[MFD_EXTFRAG_SLOTS];

	(void)state;
	for (unsigned int a = 0; a < MFD_MAX_MIGRATETYPES; a++)
		for (unsigned int f = 0; f < MFD_MAX_MIGRATETYPES; f++)
			for (unsigned int fr = 0; fr < 2; fr++) {
				unsigned int s = mfd_extfrag_slot(a, f, fr);

				assert_true(s < MFD_EXTFRAG_SLOTS);
				assert_int_equal(seen[s], 0);
				seen[s] = 1;
				/* totals rely on the low bit */
				assert_int_equal(s & 1, fr);
			}
	/* Out-of-range migratetypes fold into the last slot, never overflow. */
	assert_true(mfd_extfrag_slot(1000, 1000, 1) < MFD_EXTFRAG_SLOTS);
}

static void test_table_counts_match_recount(void **state)
{
	struct mfd_extfrag_table t;
	const struct mfd_proc_stat *rows[64];
	uint64_t want[20] = { 0 }, want_frag[20] = { 0 };
	size_t n;

	(void)state;
	assert_int_equal(mfd_extfrag_table_init(&t, 64), 0);
	for (uint32_t i = 0; i < 5000; i++) {
		/* skewed: low tgids are busier */
		uint32_t tgid = (i * 7919u) % ((i % 4) ? 5 : 20);
		struct mfd_extfrag_event e = make_event(tgid, i);

		mfd_extfrag_table_add(&t, &e);
		want[tgid]++;
		want_frag[tgid] += e.fragmenting;
	}
	n = mfd_extfrag_table_sorted(&t, rows, 64);
	assert_int_equal(t.evicted, 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(rows[i]->count, want[rows[i]->tgid]);
		assert_int_equal(rows[i]->fragmenting,
				 want_frag[rows[i]->tgid]);
		if (i)
			assert_true(rows[i - 1]->count >= rows[i]->count);
	}
	for (uint32_t tg = 0; tg < 20; tg++) {
		bool found = false;

		for (size_t i = 0; i < n; i++)
			found |= rows[i]->tgid == tg;
		assert_int_equal(found, want[tg] > 0);
	}
	assert_int_equal(t.events, 5000);
	mfd_extfrag_table_free(&t);
}

static void test_table_is_bounded(void **state)
{
	struct mfd_extfrag_table t;
	const struct mfd_proc_stat *rows[16];
	size_t n;

	(void)state;
	assert_int_equal(mfd_extfrag_table_init(&t, 16), 0);
	/* One heavy process, then a storm of distinct short-lived ones. */
	for (uint32_t i = 0; i < 100; i++) {
		struct mfd_extfrag_event e = make_event(1, i);

		mfd_extfrag_table_add(&t, &e);
	}
	for (uint32_t i = 0; i < 100000; i++) {
		struct mfd_extfrag_event e = make_event(1000 + i, i);

		mfd_extfrag_table_add(&t, &e);
	}
	assert_true(t.used <= t.cap * 3 / 4);
	assert_int_equal(t.evicted + t.used, 100000 + 1);
	n = mfd_extfrag_table_sorted(&t, rows, 16);
	assert_true(n > 0);
	/* The heavy hitter survives eviction and stays first. */
	assert_int_equal(rows[0]->tgid, 1);
	assert_int_equal(rows[0]->count, 100);
	/* Every survivor is still findable after the deletions shuffled the
	 * probe chains: adding to it bumps its count instead of a new slot. */
	for (size_t i = 0; i < n; i++) {
		uint32_t tg = rows[i]->tgid;
		uint64_t before = rows[i]->count;
		size_t used = t.used;
		struct mfd_extfrag_event e = make_event(tg, 1);

		mfd_extfrag_table_add(&t, &e);
		assert_int_equal(t.used, used);
		assert_int_equal(rows[i]->count, before + 1);
	}
	mfd_extfrag_table_free(&t);
}

/* --max-procs N keeps exactly N processes, N not a power of two
 * included: N distinct processes evict nothing, the next one evicts one. */
static void test_table_holds_max_procs(void **state)
{
	const size_t caps[] = { 16, 1000, 4096 };

	(void)state;
	for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		struct mfd_extfrag_table t;

		assert_int_equal(mfd_extfrag_table_init(&t, caps[c]), 0);
		for (uint32_t i = 0; i < caps[c]; i++) {
			struct mfd_extfrag_event e = make_event(100 + i, i);

			mfd_extfrag_table_add(&t, &e);
		}
		assert_int_equal(t.used, caps[c]);
		assert_int_equal(t.evicted, 0);
		struct mfd_extfrag_event e = make_event(1, 0);

		mfd_extfrag_table_add(&t, &e);
		assert_int_equal(t.used, caps[c]);
		assert_int_equal(t.evicted, 1);
		assert_true(t.used * 4 <= t.cap * 3);
		mfd_extfrag_table_free(&t);
	}
}

/* The brute-force model of the table: every rule spelled out as a scan. */
struct ref_proc {
	uint32_t tgid;
	char comm[MFD_TASK_COMM_LEN];
	uint64_t cgroup_id;
	uint64_t count, frag, seq, ts;
};

struct ref_table {
	struct ref_proc *p;
	size_t n, max;
	uint64_t seq, evicted;
	bool by_executable; /* keyed by (comm, cgroup) */
};

static bool ref_is(const struct ref_table *r, const struct ref_proc *p,
		   const struct mfd_extfrag_event *e)
{
	if (!r->by_executable)
		return p->tgid == e->tgid;
	return p->cgroup_id == e->cgroup_id && !strcmp(p->comm, e->comm);
}

static void ref_add(struct ref_table *r, const struct mfd_extfrag_event *e)
{
	size_t i, v = 0;

	for (i = 0; i < r->n && !ref_is(r, &r->p[i], e); i++)
		;
	if (i == r->n && r->n == r->max) {
		/* Evict the fewest events; of those, the longest idle. */
		for (size_t j = 1; j < r->n; j++)
			if (r->p[j].count < r->p[v].count ||
			    (r->p[j].count == r->p[v].count &&
			     r->p[j].seq < r->p[v].seq))
				v = j;
		r->p[v] = r->p[--r->n];
		r->evicted++;
		i = r->n;
	}
	if (i == r->n) {
		r->p[r->n] = (struct ref_proc){ .cgroup_id = e->cgroup_id };
		snprintf(r->p[r->n++].comm, MFD_TASK_COMM_LEN, "%s", e->comm);
	}
	r->p[i].tgid = e->tgid; /* by executable: the latest process */
	r->p[i].count++;
	r->p[i].frag += e->fragmenting;
	r->p[i].seq = ++r->seq;
	r->p[i].ts = e->ts_ns;
}

static void ref_expire(struct ref_table *r, uint64_t now, uint64_t ttl)
{
	for (size_t i = 0; now >= ttl && i < r->n;)
		if (r->p[i].ts < now - ttl)
			r->p[i] = r->p[--r->n];
		else
			i++;
}

static int ref_cmp(const void *a, const void *b)
{
	const struct ref_proc *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->seq > y->seq ? -1 : 1;
}

static void check_against_ref(struct mfd_extfrag_table *t, struct ref_table *r,
			      size_t k)
{
	const struct mfd_proc_stat **rows = calloc(k + 1, sizeof(*rows));
	size_t n;

	assert_non_null(rows);
	qsort(r->p, r->n, sizeof(*r->p), ref_cmp);
	n = mfd_extfrag_table_sorted(t, rows, k);
	assert_int_equal(n, r->n < k ? r->n : k);
	assert_int_equal(t->used, r->n);
	assert_int_equal(t->evicted, r->evicted);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(rows[i]->tgid, r->p[i].tgid);
		assert_int_equal(rows[i]->count, r->p[i].count);
		assert_int_equal(rows[i]->fragmenting, r->p[i].frag);
	}
	free(rows);
}

static void test_table_topk_matches_bruteforce(void **state)
{
	unsigned int seed = 20;

	(void)state;
	/* Several capacities, skewed random tgids so that counts tie, the
	 * table fills and evicts, and reads of every size are compared. */
	for (size_t cap = 16; cap <= 256; cap *= 4) {
		struct mfd_extfrag_table t;
		struct ref_table r = { 0 };

		assert_int_equal(mfd_extfrag_table_init(&t, cap), 0);
		r.max = t.max;
		r.p = calloc(r.max, sizeof(*r.p));
		assert_non_null(r.p);
		for (uint32_t i = 0; i < 20000; i++) {
			uint32_t span = (rand_r(&seed) % 4) ? 8 : 4 * cap;
			uint32_t tgid = (uint32_t)rand_r(&seed) % span;
			struct mfd_extfrag_event e = make_event(tgid, i);

			mfd_extfrag_table_add(&t, &e);
			ref_add(&r, &e);
			if (i % 997 == 0)
				check_against_ref(&t, &r,
						  1 + (size_t)rand_r(&seed) %
								  (t.max + 2));
		}
		check_against_ref(&t, &r, t.max);
		free(r.p);
		mfd_extfrag_table_free(&t);
	}
}

/* By executable: processes with one name in one cgroup share an entry,
 * the same name in another cgroup does not; the same brute-force model
 * keyed by (comm, cgroup) checks counts, order, eviction and the latest
 * process of each entry. */
static void test_table_by_executable_matches_bruteforce(void **state)
{
	unsigned int seed = 33;

	(void)state;
	for (size_t cap = 16; cap <= 64; cap *= 4) {
		struct mfd_extfrag_table t;
		struct ref_table r = { .by_executable = true };

		assert_int_equal(mfd_extfrag_table_init(&t, cap), 0);
		t.by_executable = true;
		r.max = t.max;
		r.p = calloc(r.max, sizeof(*r.p));
		assert_non_null(r.p);
		for (uint32_t i = 0; i < 20000; i++) {
			/* Many short-lived pids, few programs. */
			uint32_t tgid = 1000 + i;
			uint32_t prog = (uint32_t)rand_r(&seed) %
					(uint32_t)(cap + cap / 2);
			struct mfd_extfrag_event e = make_event(tgid, i);

			snprintf(e.comm, sizeof(e.comm), "prog%u", prog / 3);
			e.cgroup_id = 100 + prog % 3;
			mfd_extfrag_table_add(&t, &e);
			ref_add(&r, &e);
			if (i % 997 == 0)
				check_against_ref(&t, &r, t.max);
		}
		check_against_ref(&t, &r, t.max);
		/* More programs than entries: eviction ran too. */
		assert_true(t.evicted > 0);
		free(r.p);
		mfd_extfrag_table_free(&t);
	}
}

static void test_table_entries_age_out(void **state)
{
	struct mfd_extfrag_table t;
	struct ref_table r = { 0 };
	const uint64_t ttl = 600ull * 1000000000ull;
	unsigned int seed = 7;
	uint64_t now = 0;

	(void)state;
	assert_int_equal(mfd_extfrag_table_init(&t, 64), 0);
	t.ttl_ns = ttl;
	r.max = t.max;
	r.p = calloc(r.max, sizeof(*r.p));
	assert_non_null(r.p);
	/* Nothing expires before a whole ttl has passed. */
	assert_int_equal(mfd_extfrag_table_expire(&t, ttl / 2), 0);
	for (uint32_t i = 0; i < 20000; i++) {
		uint32_t tgid = (uint32_t)rand_r(&seed) % 100;
		struct mfd_extfrag_event e = make_event(tgid, i);

		now += (uint64_t)(rand_r(&seed) % 200) * 1000000000ull / 10;
		e.ts_ns = now;
		mfd_extfrag_table_add(&t, &e);
		ref_add(&r, &e);
		if (i % 50 == 0) {
			size_t before = t.used, gone;

			gone = mfd_extfrag_table_expire(&t, now);
			ref_expire(&r, now, ttl);
			assert_int_equal(before - gone, r.n);
			check_against_ref(&t, &r, t.max);
		}
	}
	assert_true(t.expired > 0);
	/* Long after the last event, everything is gone and the freed
	 * entries are reused. */
	mfd_extfrag_table_expire(&t, now + ttl + 1);
	assert_int_equal(t.used, 0);
	assert_int_equal(mfd_extfrag_table_sorted(
				 &t, (const struct mfd_proc_stat *[1]){}, 1),
			 0);
	for (uint32_t i = 0; i < 2 * t.max; i++) {
		struct mfd_extfrag_event e = make_event(1000 + i, i);

		e.ts_ns = now + ttl + 2;
		mfd_extfrag_table_add(&t, &e);
	}
	assert_int_equal(t.used, t.max);
	assert_int_equal(t.entries_hw, t.max);
	/* ttl 0 never expires. */
	t.ttl_ns = 0;
	assert_int_equal(mfd_extfrag_table_expire(&t, UINT64_MAX), 0);
	free(r.p);
	mfd_extfrag_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_accepts_exact_record),
		cmocka_unit_test(test_decode_rejects_bad_records),
		cmocka_unit_test(test_wakeup_mask_bounds),
		cmocka_unit_test(test_decode_batches),
		cmocka_unit_test(test_slots_are_distinct_and_in_range),
		cmocka_unit_test(test_table_counts_match_recount),
		cmocka_unit_test(test_table_is_bounded),
		cmocka_unit_test(test_table_holds_max_procs),
		cmocka_unit_test(test_table_topk_matches_bruteforce),
		cmocka_unit_test(test_table_by_executable_matches_bruteforce),
		cmocka_unit_test(test_table_entries_age_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
