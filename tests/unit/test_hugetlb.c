// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_hugetlb.c - HugeTLB sysfs and zoneinfo CMA readers against fixture
 * trees (tests/fixtures/hugetlb/SOURCE), each value checked against this
 * file's own fscanf/sscanf reading of the same files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hugetlb.h"

#define FIX MFD_SOURCE_DIR "/tests/fixtures/hugetlb/"

static const char *const files[MFD_HTLB_ITEMS] = {
	"nr_hugepages",
	"free_hugepages",
	"resv_hugepages",
	"surplus_hugepages",
};

/* Reference: the file's number, or -1 when it does not exist. */
static long long ref_file(const char *dir, unsigned long long kib,
			  const char *name)
{
	char path[1024];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/hugepages-%llukB/%s", dir, kib, name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static void check_pool(const struct mfd_htlb_pool *pool, const char *dir,
		       unsigned long long kib)
{
	for (int i = 0; i < MFD_HTLB_ITEMS; i++) {
		long long ref = ref_file(dir, kib, files[i]);

		assert_int_equal((pool->have >> i) & 1, ref >= 0);
		if (ref >= 0)
			assert_true(pool->val[i] == (uint64_t)ref);
	}
}

/* Reference zoneinfo scan: value of key in zone (node, name), -1 absent. */
static long long ref_zone(const char *text, unsigned int node, const char *zone,
			  const char *key)
{
	const char *p = text;
	int in = 0;

	while (*p) {
		const char *eol = strchr(p, '\n');
		char line[256], a[64], b[64];
		unsigned int n;
		unsigned long long v;
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		if (sscanf(line, "Node %u, zone %63s", &n, a) == 2)
			in = n == node && !strcmp(a, zone);
		else if (in && sscanf(line, "%63s %llu", b, &v) == 2 &&
			 !strcmp(b, key))
			return (long long)v;
		if (!eol)
			break;
		p = eol + 1;
	}
	return -1;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = calloc(1, 1 << 20);

	assert_non_null(f);
	assert_non_null(buf);
	assert_true(fread(buf, 1, (1 << 20) - 1, f) > 0);
	fclose(f);
	return buf;
}

/* Read tree and check everything against the reference readings. */
static struct mfd_hugetlb *check_tree(const char *tree)
{
	struct mfd_hugetlb *h = calloc(1, sizeof(*h));
	struct mfd_parse_error err = { 0 };
	char sys[512], proc[512], dir[600], path[600];
	char *zi;

	assert_non_null(h);
	snprintf(sys, sizeof(sys), FIX "%s/sys", tree);
	snprintf(proc, sizeof(proc), FIX "%s/proc", tree);
	assert_int_equal(mfd_hugetlb_read(sys, proc, h, &err), 0);

	snprintf(dir, sizeof(dir), "%s/kernel/mm/hugepages", sys);
	for (unsigned int k = 0; k < h->nr_sizes; k++)
		check_pool(&h->global[k], dir, h->size_kib[k]);
	for (unsigned int n = 0; n < h->nr_nodes; n++) {
		snprintf(dir, sizeof(dir),
			 "%s/devices/system/node/node%u/hugepages", sys,
			 h->nodes[n].node);
		/* no resv_hugepages per node: the kernel has none, and
		 * check_pool() then wants it absent */
		for (unsigned int k = 0; k < h->nr_sizes; k++)
			check_pool(&h->nodes[n].pool[k], dir, h->size_kib[k]);
	}
	snprintf(path, sizeof(path), "%s/zoneinfo", proc);
	zi = slurp(path);
	assert_true(h->nr_cma > 0);
	for (unsigned int i = 0; i < h->nr_cma; i++) {
		const struct mfd_cma_zone *c = &h->cma[i];
		long long t = ref_zone(zi, c->node, c->zone, "cma");
		long long f = ref_zone(zi, c->node, c->zone, "nr_free_cma");

		assert_int_equal(!!(c->have & MFD_CMA_HAVE_TOTAL), t >= 0);
		assert_int_equal(!!(c->have & MFD_CMA_HAVE_FREE), f >= 0);
		if (t >= 0)
			assert_true(c->total_pages == (uint64_t)t);
		if (f >= 0)
			assert_true(c->free_pages == (uint64_t)f);
	}
	free(zi);
	return h;
}

static void test_host(void **state)
{
	struct mfd_hugetlb *h = check_tree("host-6.18");

	(void)state;
	assert_int_equal(h->nr_sizes, 2);
	assert_true(h->size_kib[0] == 2048 && h->size_kib[1] == 1048576);
	assert_int_equal(h->nr_nodes, 1);
	/* 6.18 prints "cma" for every zone, populated or not */
	assert_int_equal(h->nr_cma, 5);
	for (unsigned int i = 0; i < h->nr_cma; i++)
		assert_true(h->cma[i].have & MFD_CMA_HAVE_TOTAL);
	free(h);
}

static void test_nocma(void **state)
{
	struct mfd_hugetlb *h = check_tree("nocma-5.10");
	const struct mfd_cma_zone *c;

	(void)state;
	c = mfd_hugetlb_cma(h, 0, "Normal");
	assert_non_null(c);
	assert_int_equal(c->have, MFD_CMA_HAVE_FREE); /* total absent */
	/* unpopulated zones print no counters: both absent */
	c = mfd_hugetlb_cma(h, 0, "Movable");
	assert_non_null(c);
	assert_int_equal(c->have, 0);
	free(h);
}

static void test_two_nodes(void **state)
{
	struct mfd_hugetlb *h = check_tree("cma-2node");
	const struct mfd_htlb_pool *p;
	const struct mfd_cma_zone *c;

	(void)state;
	/* node2 has no hugepages directory; "possible" is no node */
	assert_int_equal(h->nr_nodes, 2);
	assert_int_equal(h->nodes[0].node, 0);
	assert_int_equal(h->nodes[1].node, 1);
	p = mfd_hugetlb_node_pool(h, 1, 0);
	assert_non_null(p);
	assert_null(mfd_hugetlb_node_pool(h, 2, 0));
	assert_null(mfd_hugetlb_node_pool(h, 0, 2));
	/* per-node totals add up to the global pool in this fixture, as
	 * they do on a live kernel */
	for (unsigned int k = 0; k < h->nr_sizes; k++)
		for (int i = 0; i < MFD_HTLB_ITEMS; i++) {
			uint64_t sum = 0;

			if (i == MFD_HTLB_RESERVED)
				continue;
			for (unsigned int n = 0; n < h->nr_nodes; n++)
				sum += h->nodes[n].pool[k].val[i];
			assert_true(sum == h->global[k].val[i]);
		}
	c = mfd_hugetlb_cma(h, 1, "Normal");
	assert_non_null(c);
	assert_int_equal(c->have, MFD_CMA_HAVE_TOTAL | MFD_CMA_HAVE_FREE);
	free(h);
}

static void test_gigantic(void **state)
{
	struct mfd_zone z;
	uint64_t n = 99;

	(void)state;
	memset(&z, 0, sizeof(z));
	/* x86-64: NR_PAGE_ORDERS 11, 4 KiB pages: 1 GiB = 256 order-10
	 * blocks */
	z.order[10].free_blocks = 600;
	assert_true(mfd_gigantic_candidates(&z, 11, 1048576, 4, &n));
	assert_true(n == 2);
	z.order[10].free_blocks = 255;
	assert_true(mfd_gigantic_candidates(&z, 11, 1048576, 4, &n));
	assert_true(n == 0);
	/* 2 MiB fits an order-9 block: not gigantic */
	assert_false(mfd_gigantic_candidates(&z, 11, 2048, 4, &n));
	/* 4 MiB is exactly the max-order block: not gigantic either */
	assert_false(mfd_gigantic_candidates(&z, 11, 4096, 4, &n));
	assert_false(mfd_gigantic_candidates(&z, 0, 1048576, 4, &n));
	assert_false(mfd_gigantic_candidates(&z, 11, 1048576, 0, &n));
	/* arm64 64 KiB pages, NR_PAGE_ORDERS 14: 16 GiB > 512 MiB blocks */
	z.order[13].free_blocks = 64;
	assert_true(mfd_gigantic_candidates(&z, 14, 16ull << 20, 64, &n));
	assert_true(n == 2);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"Node 0, zone   Normal\n        cma      x\n",
		"Node 0, zone   Normal\n      nr_free_cma  -1\n",
		"Node 0, zone   Normal\n        cma\n",
	};
	struct mfd_hugetlb *h = calloc(1, sizeof(*h));
	struct mfd_parse_error err;

	(void)state;
	assert_non_null(h);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(mfd_cma_parse_zoneinfo(bad[i], strlen(bad[i]),
							h, &err),
				 -22);
		assert_int_equal(err.line, 2);
		assert_true(err.msg[0] != '\0');
	}
	/* lines before any zone header, and a missing file, are fine */
	assert_int_equal(mfd_cma_parse_zoneinfo("cma 5\n", 6, h, NULL), 0);
	assert_int_equal(h->nr_cma, 0);
	memset(&err, 0, sizeof(err));
	assert_true(mfd_hugetlb_read(FIX "absent", FIX "absent", h, &err) < 0);
	assert_int_equal(h->nr_sizes, 0);
	assert_int_equal(h->nr_nodes, 0);
	assert_true(err.msg[0] != '\0');
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_nocma),
		cmocka_unit_test(test_two_nodes),
		cmocka_unit_test(test_gigantic),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
