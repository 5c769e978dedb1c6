// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_fragscore.c - the proactive-compaction score against the kernel.
 *
 * Reference: fragmentation_score_zone() is extfrag_for_order() at
 * COMPACTION_HPAGE_ORDER, which is the kernel's own debugfs unusable_index
 * at that order, in percent instead of thousandths:
 *   floor(100 x / f) == floor(floor(1000 x / f) / 10)
 * so every zone of every recorded fixture is checked against the value the
 * kernel printed in extfrag/unusable_index, read here with sscanf. The
 * weighting, node sum and watermarks are checked on hand-worked cases from
 * mm/compaction.c.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fragscore.h"
#include "procfs.h"

#define FIXTURES MFD_SOURCE_DIR "/tests/fixtures/procfs"
#define HPAGE_ORDER 9 /* x86_64 HPAGE_PMD_ORDER, every fixture is x86_64 */

static int check_dir(const char *name)
{
	char path[512], line[512], zone[32];
	struct mfd_snapshot *snap = calloc(1, sizeof(*snap));
	struct mfd_frag_scores *sc = calloc(1, sizeof(*sc));
	struct mfd_parse_error err;
	FILE *f;
	int node, checked = 0;

	assert_non_null(snap);
	assert_non_null(sc);
	snprintf(path, sizeof(path), "%s/%s/unusable_index", FIXTURES, name);
	f = fopen(path, "re");
	if (!f) {
		free(snap);
		free(sc);
		return 0;
	}
	snprintf(path, sizeof(path), "%s/%s", FIXTURES, name);
	assert_int_equal(mfd_procfs_snapshot(path, snap, &err), 0);
	mfd_frag_scores_compute(snap, HPAGE_ORDER, 20, sc);
	while (fgets(line, sizeof(line), f)) {
		char *p;
		int off, zi, o = 0;
		unsigned int whole, frac, at9 = 0;

		if (sscanf(line, "Node %d, zone %31s%n", &node, zone, &off) !=
		    2)
			continue;
		p = line + off;
		while (sscanf(p, " %u.%u%n", &whole, &frac, &off) == 2) {
			if (o == HPAGE_ORDER)
				at9 = whole * 1000 + frac;
			o++;
			p += off;
		}
		assert_true(o > HPAGE_ORDER);
		zi = mfd_snapshot_find_zone(snap, (uint32_t)node, zone);
		assert_true(zi >= 0);
		if (!sc->zone[zi].valid)
			continue;
		assert_int_equal(sc->zone[zi].score, at9 / 10);
		checked++;
	}
	fclose(f);
	free(snap);
	free(sc);
	return checked;
}

static void test_zone_score_vs_kernel(void **state)
{
	DIR *d = opendir(FIXTURES);
	struct dirent *de;
	int total = 0;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			total += check_dir(de->d_name);
	closedir(d);
	assert_true(total >= 6); /* three recorded kernels, >= 2 zones each */
}

static void test_order_arithmetic(void **state)
{
	uint64_t nr_free[11] = { 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	uint64_t none[11] = { 0 };

	(void)state;
	/* (522 - 512) * 100 / 522 = 1 */
	assert_int_equal(mfd_frag_score_order(nr_free, 11, 9), 1);
	assert_int_equal(mfd_frag_score_order(nr_free, 11, 0), 0);
	assert_int_equal(mfd_frag_score_order(nr_free, 11, 10), 100);
	/* no free page: 0, as extfrag_for_order() */
	assert_int_equal(mfd_frag_score_order(none, 11, 9), 0);
}

static void test_weighting_and_node(void **state)
{
	struct mfd_snapshot *snap = calloc(1, sizeof(*snap));
	struct mfd_frag_scores *sc = calloc(1, sizeof(*sc));

	(void)state;
	/* present * score / (node_present + 1) */
	assert_int_equal(mfd_frag_score_weighted(50, 1000, 4000), 12);
	assert_int_equal(mfd_frag_score_weighted(20, 3000, 4000), 14);
	assert_int_equal(mfd_frag_score_weighted(100, 4000, 4000), 99);

	/* Node 0: zone A (score 100: only order-0 free) and zone B
	 * (score 0: only order-9 free), present 1000 + 3000. */
	snap->nr_orders = 11;
	snap->nr_zones = 2;
	snap->zones[0] = (struct mfd_zone){ .node = 0,
					    .zone_idx = 1,
					    .name = "DMA32",
					    .have = MFD_HAVE_SPAN,
					    .present_pages = 1000 };
	snap->zones[0].order[0].free_blocks = 77;
	snap->zones[1] = (struct mfd_zone){ .node = 0,
					    .zone_idx = 2,
					    .name = "Normal",
					    .have = MFD_HAVE_SPAN,
					    .present_pages = 3000 };
	snap->zones[1].order[9].free_blocks = 5;
	assert_int_equal(mfd_snapshot_finish(snap), 0);
	mfd_frag_scores_compute(snap, 9, 20, sc);
	assert_int_equal(sc->zone[0].score, 100);
	assert_int_equal(sc->zone[1].score, 0);
	assert_int_equal(sc->nr_nodes, 1);
	/* 1000 * 100 / (4000 + 1) = 24 */
	assert_int_equal(sc->node[0].score, 24);
	free(snap);
	free(sc);
}

static void test_wmarks(void **state)
{
	static const struct {
		unsigned int p, low, high;
	} c[] = {
		{ 20, 80, 90 }, { 0, 100, 100 }, { 90, 10, 20 },
		{ 95, 5, 15 },	{ 100, 5, 15 },	 { 50, 50, 60 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		assert_int_equal(mfd_frag_score_wmark(c[i].p, true), c[i].low);
		assert_int_equal(mfd_frag_score_wmark(c[i].p, false),
				 c[i].high);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zone_score_vs_kernel),
		cmocka_unit_test(test_order_arithmetic),
		cmocka_unit_test(test_weighting_and_node),
		cmocka_unit_test(test_wmarks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
