// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_compaction.c - the user-space half of the stall probe: record
 * decoding, the log2 slot function shared with the BPF program, per-CPU
 * sums with moved (wrapped) counts, and histograms whose bucket bounds
 * match the slots.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pressure.h"

static void test_decode(void **state)
{
	struct mfd_stall_event e = { .type = MFD_REC_COMPACT_STALL,
				     .order = 9,
				     .latency_ns = 12345 },
			       out;

	(void)state;
	memcpy(e.comm, "0123456789abcdefXX", sizeof(e.comm));
	assert_int_equal(mfd_stall_decode(&e, sizeof(e), &out), 0);
	assert_int_equal(out.order, 9);
	assert_int_equal(strlen(out.comm), sizeof(out.comm) - 1);
	assert_int_not_equal(mfd_stall_decode(&e, sizeof(e) - 1, &out), 0);
	assert_int_not_equal(mfd_stall_decode(&e, 2, &out), 0);
	assert_int_not_equal(mfd_stall_decode(NULL, 0, &out), 0);
	e.type = MFD_REC_EXTFRAG;
	assert_int_not_equal(mfd_stall_decode(&e, sizeof(e), &out), 0);
	e.type = MFD_REC_RECLAIM_STALL;
	assert_int_equal(mfd_stall_decode(&e, sizeof(e), &out), 0);
}

/* Every latency lands in the explicit bucket whose bounds contain it. */
static void test_slot_matches_bounds(void **state)
{
	static const uint64_t ns[] = {
		0,    999,     1000,	       1999,	       2000,	  3999,
		4000, 1000000, 33554431999ull, 33554432000ull, UINT64_MAX
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		unsigned int s = mfd_comp_slot(ns[i]);
		double v = (double)(ns[i] / 1000) * 1e-6; /* whole µs */

		assert_true(s < MFD_COMP_SLOTS);
		if (s < MFD_STALL_BOUNDS)
			assert_true(v < mfd_stall_bounds[s]);
		if (s > 0)
			assert_true(v >= mfd_stall_bounds[s - 1] / 1.0 -
						    1e-12 ||
				    s == MFD_COMP_SLOTS - 1);
	}
	assert_int_equal(mfd_comp_slot(UINT64_MAX), MFD_COMP_SLOTS - 1);
}

/* A stall counted on CPU 0 and moved on CPU 1: CPU 1's slot wraps, the
 * sum is exact, and the histogram's buckets add up to its count. */
static void test_moved_count_sums(void **state)
{
	struct mfd_compaction_stats *cpu = calloc(2, sizeof(*cpu));
	struct mfd_pressure *s = calloc(1, sizeof(*s));

	(void)state;
	mfd_pressure_init(s, 9);
	cpu[0].compact.slot[9][3]++;
	cpu[0].compact.sum_ns[9] += 9000;
	cpu[0].status[9][1]++; /* skipped */
	cpu[1].compact.slot[9][3]--; /* moved ... */
	cpu[1].compact.sum_ns[9] -= 9000;
	cpu[1].status[9][1]--;
	cpu[1].compact.slot[9][10]++; /* ... to a later slot */
	cpu[1].compact.sum_ns[9] += 1500000;
	cpu[1].status[9][8]++; /* success */
	mfd_compaction_stats_add(&s->ct.s, &cpu[0]);
	mfd_compaction_stats_add(&s->ct.s, &cpu[1]);
	mfd_pressure_build_hists(s);
	assert_true(s->compact_hist[9].count == 1);
	assert_true(s->compact_hist[9].counts[3] == 0);
	assert_true(s->compact_hist[9].counts[10] == 1);
	assert_true(s->compact_hist[9].sum > 0.0014999 &&
		    s->compact_hist[9].sum < 0.0015001);
	assert_true(s->ct.s.status[9][8] == 1 && s->ct.s.status[9][1] == 0);
	assert_int_equal(s->compact_hist[9].nbounds, MFD_STALL_BOUNDS);
	assert_true(s->compact_hist[0].count == 0);
	free(cpu);
	free(s);
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(mfd_compact_status_name(8), "success");
	assert_string_equal(mfd_compact_status_name(2), "deferred");
	assert_string_equal(mfd_compact_status_name(6), "partial_skipped");
	assert_string_equal(mfd_compact_status_name(1000), "other");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_slot_matches_bounds),
		cmocka_unit_test(test_moved_count_sums),
		cmocka_unit_test(test_status_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
