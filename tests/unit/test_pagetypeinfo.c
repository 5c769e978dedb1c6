// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_pagetypeinfo.c - /proc/pagetypeinfo parser.
 *
 * Reference: within one read of the file the per-migratetype free lists
 * of a zone add up to its free_area[order].nr_free, which the procfs
 * fixtures recorded in buddyinfo; every recorded fixture is checked cell
 * by cell where the two files agree on the zone's total (they were read
 * one after the other). Capped ">100000" cells must come back flagged
 * (vm-6.18-holes holds one the kernel printed; tests/fixtures/pagetypeinfo
 * a hand-capped copy of vm-6.18).
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

#include "pagetypeinfo.h"

#define PROCFS MFD_SOURCE_DIR "/tests/fixtures/procfs"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf;

	if (!f)
		return NULL;
	buf = calloc(1, 1 << 20);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	return buf;
}

static void test_vs_buddyinfo(void **state)
{
	DIR *d = opendir(PROCFS);
	struct dirent *de;
	struct mfd_pagetypeinfo *pt = calloc(1, sizeof(*pt));
	unsigned int files = 0, cells = 0, caps = 0;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[512], line[512], zone[32];
		struct mfd_parse_error err;
		size_t len;
		char *text;
		FILE *b;
		int node;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/pagetypeinfo", PROCFS,
			 de->d_name);
		text = slurp(path, &len);
		if (!text)
			continue;
		assert_int_equal(mfd_pagetypeinfo_parse(text, len, pt, &err),
				 0);
		free(text);
		files++;
		assert_true(pt->pageblock_order > 0);
		snprintf(path, sizeof(path), "%s/%s/buddyinfo", PROCFS,
			 de->d_name);
		b = fopen(path, "re");
		assert_non_null(b);
		while (fgets(line, sizeof(line), b)) {
			int off, o = 0;
			char *p;
			unsigned long long v;
			const struct mfd_pt_zone *z = NULL;

			if (sscanf(line, "Node %d, zone %31s%n", &node, zone,
				   &off) != 2)
				continue;
			for (unsigned int i = 0; i < pt->nr_zones; i++)
				if ((int)pt->zones[i].node == node &&
				    !strcmp(pt->zones[i].zone, zone))
					z = &pt->zones[i];
			assert_non_null(z);
			for (p = line + off; sscanf(p, "%llu%n", &v, &off) == 1;
			     p += off, o++) {
				uint64_t sum = 0;
				bool capped = false;

				for (unsigned int t = 0; t < pt->nr_types;
				     t++) {
					sum += z->free[t][o];
					capped |= (z->capped[t] >> o) & 1;
				}
				/* the files were read at different times:
				 * a busy zone can drift by a few blocks; a
				 * capped cell makes the sum a lower bound
				 * (vm-6.18-holes has a real one) */
				if (capped)
					assert_true(sum <= v + 64);
				else
					assert_true(sum + 64 >= v &&
						    v + 64 >= sum);
				caps += capped;
				cells++;
			}
			assert_int_equal(o, pt->nr_orders);
		}
		fclose(b);
	}
	closedir(d);
	assert_true(files >= 3);
	assert_true(cells > 50);
	assert_true(caps >= 1);
	free(pt);
}

static void test_capped(void **state)
{
	struct mfd_pagetypeinfo *pt = calloc(1, sizeof(*pt));
	struct mfd_parse_error err;
	size_t len;
	char *text = slurp(MFD_SOURCE_DIR "/tests/fixtures/pagetypeinfo/capped",
			   &len);
	int mov = -1;

	(void)state;
	assert_non_null(text);
	assert_int_equal(mfd_pagetypeinfo_parse(text, len, pt, &err), 0);
	for (unsigned int t = 0; t < pt->nr_types; t++)
		if (!strcmp(pt->type_name[t], "Movable"))
			mov = (int)t;
	assert_true(mov >= 0);
	for (unsigned int i = 0; i < pt->nr_zones; i++) {
		const struct mfd_pt_zone *z = &pt->zones[i];
		uint16_t want = strcmp(z->zone, "Normal") ? 0 : 0x3;

		assert_int_equal(z->capped[mov], want);
		if (want) {
			assert_true(z->free[mov][0] == MFD_PT_CAP);
			assert_true(z->free[mov][1] == MFD_PT_CAP);
			assert_true(z->free[mov][2] == 4); /* untouched */
		}
		/* blocks from the block table, not the mixed one */
		if (!strcmp(z->zone, "DMA"))
			assert_true(z->blocks[mov] == 7);
	}
	free(text);
	free(pt);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"Free pages count per migrate type at order 0 1\n"
		"Node 0, zone Normal, type Movable 1 x\n",
		"Free pages count per migrate type at order 0 1\n"
		"Node 0, zone Normal, type Movable 1 2 3\n",
		"Free pages count per migrate type at order 0 1\n"
		"Node 0, zone Normal, type Movable 1\n",
		"Number of blocks type Unmovable\n"
		"Node 0, zone Normal >5\n",
		"Page block order: 9\n",
	};
	struct mfd_pagetypeinfo *pt = calloc(1, sizeof(*pt));
	struct mfd_parse_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_true(mfd_pagetypeinfo_parse(bad[i], strlen(bad[i]), pt,
						   &err) < 0);
		assert_true(err.msg[0] != '\0');
	}
	free(pt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vs_buddyinfo),
		cmocka_unit_test(test_capped),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
