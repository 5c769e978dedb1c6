// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_signal_metrics.c - the new catalogue rows: stall histograms are
 * explicit-bucket histograms whose buckets add up to their count, the
 * huge page order's stall series exist at 0 before any stall, vmstat
 * counters the kernel lacks are absent (not zero), and nothing of the
 * signals is emitted while the state has none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kinfo.h"
#include "metrics.h"
#include "pressure.h"

struct seen {
	unsigned int hist_points, vm_points, score_points;
	unsigned int zero_hists, extfrag_zero;
	int enabled_kmsg, enabled_cstall; /* mfd.agent.signal.enabled */
	bool saw_charge; /* thp_fault_fallback_charge emitted */
	bool saw_stall_outcome_success;
};

static const char *attr(const struct mfd_point *p, const char *k)
{
	for (unsigned int i = 0; i < p->nattrs; i++)
		if (!strcmp(p->attrs[i].key, k))
			return p->attrs[i].type == MFD_ATTR_STR ?
				       p->attrs[i].s :
				       "(int)";
	return NULL;
}

static int on_point(const struct mfd_point *p, void *arg)
{
	struct seen *s = arg;
	const char *n = p->desc->name;

	if (p->desc->kind == MFD_METRIC_HISTOGRAM &&
	    strstr(n, "stall.duration")) {
		uint64_t sum = 0;

		assert_non_null(p->hist);
		assert_int_equal(p->hist->nbounds, MFD_STALL_BOUNDS);
		for (unsigned int i = 0; i <= p->hist->nbounds; i++)
			sum += p->hist->counts[i];
		assert_true(sum == p->hist->count);
		if (!p->hist->count)
			s->zero_hists++; /* declared at 0 from the start */
		for (unsigned int i = 1; i < p->hist->nbounds; i++)
			assert_true(p->hist->bounds[i] >
				    p->hist->bounds[i - 1]);
		s->hist_points++;
	}
	if (!strcmp(n, "mfd.vmstat")) {
		s->vm_points++;
		if (!strcmp(attr(p, "counter"), "thp_fault_fallback_charge"))
			s->saw_charge = true;
	}
	if (!strcmp(n, "mfd.compaction.stalls") &&
	    !strcmp(attr(p, "outcome"), "success"))
		s->saw_stall_outcome_success = p->i == 2;
	if (strstr(n, "fragmentation_score"))
		s->score_points++;
	if (!strcmp(n, "mfd.agent.signal.enabled")) {
		if (!strcmp(attr(p, "signal"), "kernel_log"))
			s->enabled_kmsg = (int)p->i;
		if (!strcmp(attr(p, "signal"), "compaction_stalls"))
			s->enabled_cstall = (int)p->i;
	}
	return 0;
}

static void test_rows(void **state)
{
	struct mfd_state *st = calloc(1, sizeof(*st));
	struct mfd_pressure *sig = calloc(1, sizeof(*sig));
	const char *vm = "compact_stall 3\nthp_fault_fallback 7\n";
	struct seen seen = { 0 };
	struct mfd_kinfo k = { .pageblock_order = 9 };

	(void)state;
	assert_int_equal(mfd_state_init(st, &k, 16, 4), 0);
	/* no signals: no points from the new rows */
	assert_int_equal(mfd_metrics_walk(st, on_point, &seen), 0);
	assert_int_equal(seen.hist_points + seen.vm_points, 0);

	mfd_pressure_init(sig, 9);
	sig->bpf_signals = MFD_SIG_COMPACT_STALL | MFD_SIG_RECLAIM_STALL;
	sig->have_totals = true;
	sig->ct.s.compact.slot[9][4] = 1;
	sig->ct.s.compact.slot[9][25] = 1; /* overflow bucket */
	sig->ct.s.compact.sum_ns[9] = 40000000000ull;
	sig->ct.s.status[9][8] = 2;
	sig->ct.s.reclaim.slot[0][0] = 5;
	mfd_pressure_build_hists(sig);
	assert_int_equal(mfd_vmstat_parse(vm, strlen(vm), &sig->vm, NULL), 0);
	sig->have_vmstat = true;
	st->pressure = sig;
	assert_int_equal(mfd_metrics_walk(st, on_point, &seen), 0);
	/* compaction o9, reclaim o0 (stalled); reclaim o9 at 0 */
	assert_int_equal(seen.hist_points, 3);
	assert_int_equal(seen.zero_hists, 1);
	assert_int_equal(seen.vm_points, 2);
	assert_false(seen.saw_charge); /* absent in the file: absent */
	assert_true(seen.saw_stall_outcome_success);
	/* the stall programs attached, the kernel log not opened */
	assert_int_equal(seen.enabled_cstall, 1);
	assert_int_equal(seen.enabled_kmsg, 0);
	mfd_state_free(st);
	free(st);
	free(sig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
