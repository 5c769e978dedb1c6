// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_live_compaction.c - the stall probe and the vmstat reader on the
 * live kernel. Needs root (exit 77 = skipped otherwise).
 *
 * - every program of bpf/compaction.bpf.c loads and attaches here
 *   (the opt-in kmem:mm_page_alloc counter included);
 * - our /proc/vmstat values are bracketed by two reads of the file with
 *   this test's own sscanf parser: before <= ours <= after, counter by
 *   counter (they only grow), so a wrong parse cannot pass;
 * - writing 1 to /proc/sys/vm/compact_memory makes the kernel's compact_*
 *   counters grow, and our reading shows the same growth (bracketed);
 * - the kernel-side stall histograms are consistent: for every order the
 *   log2 buckets and the outcome counts, updated independently by the
 *   moving logic, add up to the same number of stalls.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "pressure.h"

struct raw {
	int n;
	char name[512][64];
	unsigned long long v[512];
};

static void raw_read(struct raw *r)
{
	FILE *f = fopen("/proc/vmstat", "re");

	assert_non_null(f);
	r->n = 0;
	while (r->n < 512 &&
	       fscanf(f, "%63s %llu", r->name[r->n], &r->v[r->n]) == 2)
		r->n++;
	fclose(f);
	assert_true(r->n > 10);
}

static int raw_get(const struct raw *r, const char *name, unsigned long long *v)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->name[i], name)) {
			*v = r->v[i];
			return 1;
		}
	return 0;
}

static void bracket(struct mfd_vmstat *v)
{
	static struct raw a, b;
	struct mfd_parse_error err;
	unsigned long long x = 0, y = 0;

	raw_read(&a);
	assert_int_equal(mfd_vmstat_read(NULL, "/proc", v, &err), 0);
	raw_read(&b);
	for (int i = 0; i < MFD_VM_ITEMS; i++) {
		int present = raw_get(&a, mfd_vmstat_names[i], &x);

		assert_int_equal(mfd_vmstat_has(v, i), present);
		if (!present)
			continue;
		assert_true(raw_get(&b, mfd_vmstat_names[i], &y));
		assert_true(x <= v->val[i] && v->val[i] <= y);
	}
}

static uint64_t compact_sum(const struct mfd_vmstat *v)
{
	return v->val[MFD_VM_COMPACT_MIGRATE_SCANNED] +
	       v->val[MFD_VM_COMPACT_FREE_SCANNED] +
	       v->val[MFD_VM_COMPACT_ISOLATED];
}

static void test_live(void **state)
{
	struct mfd_compaction_opts o = { .stall_threshold_ns = 0,
					 .alloc_fail_counter = true };
	struct mfd_compaction *c = NULL;
	struct mfd_pressure *s = calloc(1, sizeof(*s));
	struct mfd_vmstat before, after;
	unsigned int sig = 0;
	char why[256];
	FILE *f;

	(void)state;
	assert_non_null(s);
	mfd_pressure_init(s, 9);
	assert_int_equal(mfd_compaction_open(&c, &o, NULL, NULL, &sig, why,
					     sizeof(why)),
			 0);
	/* this kernel has every tracepoint (shared/NOTES.md) */
	assert_int_equal(sig, MFD_SIG_COMPACT_STALL | MFD_SIG_RECLAIM_STALL |
				      MFD_SIG_KCOMPACTD_WAKE |
				      MFD_SIG_KSWAPD_WAKE | MFD_SIG_ALLOC_FAIL |
				      MFD_SIG_COMPACT_DEFERRED);

	bracket(&before);
	f = fopen("/proc/sys/vm/compact_memory", "we");
	assert_non_null(f);
	assert_true(fputs("1\n", f) >= 0);
	assert_int_equal(fclose(f), 0);
	bracket(&after);
	/* compaction of every zone scans pages: the counters grew */
	assert_true(compact_sum(&after) > compact_sum(&before));

	assert_true(mfd_compaction_consume(c) >= 0);
	assert_int_equal(mfd_compaction_read(c, &s->ct), 0);
	mfd_pressure_build_hists(s);
	for (unsigned int ord = 0; ord < MFD_COMP_MAX_ORDERS; ord++) {
		uint64_t by_status = 0, by_bucket = 0;

		for (unsigned int r = 0; r < MFD_COMP_STATUSES; r++)
			by_status += s->ct.s.status[ord][r];
		for (unsigned int k = 0; k <= MFD_STALL_BOUNDS; k++)
			by_bucket += s->compact_hist[ord].counts[k];
		assert_true(by_bucket == s->compact_hist[ord].count);
		assert_true(by_status == by_bucket);
		by_bucket = 0;
		for (unsigned int k = 0; k <= MFD_STALL_BOUNDS; k++)
			by_bucket += s->reclaim_hist[ord].counts[k];
		assert_true(by_bucket == s->reclaim_hist[ord].count);
	}
	mfd_compaction_close(c);
	free(s);
}

/* A kernel without the vmscan and kmem tracepoints: point the probe at a
 * tracefs events directory that lists only the compaction ones. Those
 * attach, the others are switched off before load and reported absent,
 * and opening still succeeds. */
static void test_degrades(void **state)
{
	static const char *const comp[] = {
		"mm_compaction_try_to_compact_pages", "mm_compaction_end",
		"mm_compaction_deferred", "mm_compaction_kcompactd_wake"
	};
	char dir[] = "/tmp/mfd-tracefs.XXXXXX", path[256];
	struct mfd_compaction_opts o = { .stall_threshold_ns = 1000000,
					 .alloc_fail_counter = true };
	struct mfd_compaction *c = NULL;
	unsigned int sig = 0;
	char why[256];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/compaction", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	for (size_t i = 0; i < sizeof(comp) / sizeof(comp[0]); i++) {
		snprintf(path, sizeof(path), "%s/compaction/%s", dir, comp[i]);
		assert_int_equal(mkdir(path, 0700), 0);
	}
	o.tracefs = dir;
	assert_int_equal(mfd_compaction_open(&c, &o, NULL, NULL, &sig, why,
					     sizeof(why)),
			 0);
	assert_int_equal(sig, MFD_SIG_COMPACT_STALL | MFD_SIG_KCOMPACTD_WAKE |
				      MFD_SIG_COMPACT_DEFERRED);
	mfd_compaction_close(c);

	/* nothing at all: a clear error, no crash */
	for (size_t i = 0; i < sizeof(comp) / sizeof(comp[0]); i++) {
		snprintf(path, sizeof(path), "%s/compaction/%s", dir, comp[i]);
		assert_int_equal(rmdir(path), 0);
	}
	assert_int_equal(mfd_compaction_open(&c, &o, NULL, NULL, &sig, why,
					     sizeof(why)),
			 -ENOENT);
	assert_null(c);
	assert_true(strstr(why, "none of") != NULL);
	snprintf(path, sizeof(path), "%s/compaction", dir);
	rmdir(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_degrades),
	};

	if (geteuid() != 0) {
		fprintf(stderr, "test_live_compaction: needs root, skipped\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
