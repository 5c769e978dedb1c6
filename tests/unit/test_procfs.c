// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_procfs.c - collect/procfs.c against the fixtures in
 * tests/fixtures/procfs/: every directory there with a buddyinfo is parsed
 * and checked against a second, independent reading of the same text done
 * here with sscanf()/strtoull() and the exact prefixes that mm/vmstat.c
 * (frag_show_print(), zoneinfo_show_print()) prints, so real captures added
 * later (qemu-*-numa2/) are covered without touching this file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "procfs.h"
#include "snapshot.h"

#define FIXTURES MFD_SOURCE_DIR "/tests/fixtures/procfs"
#define MAX_DIRS 64

/* --- helpers, deliberately not using procfs.c -------------------------- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t r = fread(buf + n, 1, 4096, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static char *fixture(const char *dir, const char *file, size_t *len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s/%s", FIXTURES, dir, file);
	return slurp(path, len);
}

static bool fixture_has(const char *dir, const char *file)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s/%s", FIXTURES, dir, file);
	return access(path, R_OK) == 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every fixture directory holding a buddyinfo and a zoneinfo, sorted. */
static int fixture_dirs(char *names[MAX_DIRS])
{
	DIR *d = opendir(FIXTURES);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) && n < MAX_DIRS) {
		if (de->d_name[0] == '.')
			continue;
		if (!fixture_has(de->d_name, "buddyinfo") ||
		    !fixture_has(de->d_name, "zoneinfo"))
			continue;
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), name_cmp);
	return n;
}

static void free_dirs(char *names[], int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
}

/* buddyinfo read again with sscanf + strtoull. */
struct ref_zone {
	unsigned int node;
	char name[32];
	unsigned int nr;
	unsigned long long count[32];
};

static int ref_buddyinfo(char *text, struct ref_zone *z, int max)
{
	int n = 0;

	for (char *save, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		int pos = 0;
		char *p, *end;

		assert_true(n < max);
		assert_int_equal(sscanf(line, "Node %u, zone %31s %n",
					&z[n].node, z[n].name, &pos),
				 2);
		z[n].nr = 0;
		for (p = line + pos;; p = end) {
			unsigned long long v = strtoull(p, &end, 10);

			if (end == p)
				break;
			z[n].count[z[n].nr++] = v;
		}
		n++;
	}
	return n;
}

/* zoneinfo facts read again by the exact prefixes the kernel prints. */
struct ref_zinfo {
	unsigned int node, ordinal;
	char name[32];
	bool populated; /* has "start_pfn:" */
	unsigned long free, boost, min, low, high, spanned, present, managed,
		start_pfn;
};

static int ref_zoneinfo(char *text, struct ref_zinfo *z, int max)
{
	static const struct {
		const char *prefix;
		size_t off;
	} f[] = {
		{ "  pages free     ", offsetof(struct ref_zinfo, free) },
		{ "        boost    ", offsetof(struct ref_zinfo, boost) },
		{ "        min      ", offsetof(struct ref_zinfo, min) },
		{ "        low      ", offsetof(struct ref_zinfo, low) },
		{ "        high     ", offsetof(struct ref_zinfo, high) },
		{ "        spanned  ", offsetof(struct ref_zinfo, spanned) },
		{ "        present  ", offsetof(struct ref_zinfo, present) },
		{ "        managed  ", offsetof(struct ref_zinfo, managed) },
		{ "  start_pfn:           ",
		  offsetof(struct ref_zinfo, start_pfn) },
	};
	int n = -1;

	for (char *save, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned int node;
		char name[32];

		if (sscanf(line, "Node %u, zone %31s", &node, name) == 2) {
			n++;
			assert_true(n < max);
			memset(&z[n], 0, sizeof(z[n]));
			z[n].node = node;
			strcpy(z[n].name, name);
			z[n].ordinal = n > 0 && z[n - 1].node == node ?
					       z[n - 1].ordinal + 1 :
					       0;
			continue;
		}
		for (size_t k = 0; n >= 0 && k < sizeof(f) / sizeof(f[0]);
		     k++) {
			size_t pl = strlen(f[k].prefix);

			if (strncmp(line, f[k].prefix, pl) != 0)
				continue;
			*(unsigned long *)((char *)&z[n] + f[k].off) =
				strtoul(line + pl, NULL, 10);
			if (k == sizeof(f) / sizeof(f[0]) - 1)
				z[n].populated = true;
		}
	}
	return n + 1;
}

static const struct ref_zinfo *ref_find(const struct ref_zinfo *z, int n,
					unsigned int node, const char *name)
{
	for (int i = 0; i < n; i++)
		if (z[i].node == node && strcmp(z[i].name, name) == 0)
			return &z[i];
	return NULL;
}

static struct mfd_snapshot *new_snap(void)
{
	struct mfd_snapshot *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	return s;
}

static const uint32_t ALL_HAVE = MFD_HAVE_FREE | MFD_HAVE_BOOST |
				 MFD_HAVE_WMARK | MFD_HAVE_SPAN |
				 MFD_HAVE_MANAGED;

/* --- buddyinfo ----------------------------------------------------------- */

static void test_buddyinfo_all_fixtures(void **state)
{
	char *dirs[MAX_DIRS];
	int nd = fixture_dirs(dirs);

	(void)state;
	/* vm-6.18, numa2-movable and orders14 at least. */
	assert_true(nd >= 3);
	for (int d = 0; d < nd; d++) {
		static struct ref_zone ref[256];
		struct mfd_snapshot *s = new_snap();
		struct mfd_parse_error err;
		size_t len;
		char *text = fixture(dirs[d], "buddyinfo", &len);
		int nref;

		print_message("fixture %s\n", dirs[d]);
		assert_int_equal(mfd_procfs_parse_buddyinfo(text, len, s, &err),
				 0);
		nref = ref_buddyinfo(text, ref, 256);
		assert_int_equal(s->nr_zones, nref);
		assert_int_equal(s->nr_orders, ref[0].nr);
		for (int i = 0; i < nref; i++) {
			const struct mfd_zone *z = &s->zones[i];

			assert_int_equal(z->node, ref[i].node);
			assert_string_equal(z->name, ref[i].name);
			assert_int_equal(z->zone_idx, UINT32_MAX);
			assert_int_equal(z->have, 0);
			assert_int_equal(ref[i].nr, s->nr_orders);
			for (unsigned int o = 0; o < s->nr_orders; o++)
				assert_int_equal(z->order[o].free_blocks,
						 ref[i].count[o]);
		}
		free(text);
		free(s);
	}
	free_dirs(dirs, nd);
}

static void test_buddyinfo_orders14(void **state)
{
	struct mfd_snapshot *s = new_snap();
	size_t len;
	char *text = fixture("orders14", "buddyinfo", &len);
	/* The header line of pagetypeinfo lists the orders independently. */
	char *pt = fixture("orders14", "pagetypeinfo", NULL);
	char *hdr = strstr(pt, "at order");
	unsigned int n = 0;

	(void)state;
	assert_non_null(hdr);
	hdr += strlen("at order");
	for (char *end;; hdr = end) {
		strtoul(hdr, &end, 10);
		if (end == hdr)
			break;
		n++;
	}
	assert_int_equal(mfd_procfs_parse_buddyinfo(text, len, s, NULL), 0);
	assert_int_equal(s->nr_orders, n);
	assert_int_equal(s->nr_orders, 14);
	free(pt);
	free(text);
	free(s);
}

/* Blank lines and a last line without '\n' are fine; leftovers of an
 * earlier parse are not kept. */
static void test_buddyinfo_reset_and_blank(void **state)
{
	struct mfd_snapshot *s = new_snap();
	const char t1[] = "Node 0, zone DMA 1 2 3\nNode 0, zone Normal 4 5 6\n";
	const char t2[] = "\n  \nNode 3, zone Normal 7 8";

	(void)state;
	assert_int_equal(mfd_procfs_parse_buddyinfo(t1, strlen(t1), s, NULL),
			 0);
	assert_int_equal(s->nr_zones, 2);
	assert_int_equal(mfd_procfs_parse_buddyinfo(t2, strlen(t2), s, NULL),
			 0);
	assert_int_equal(s->nr_zones, 1);
	assert_int_equal(s->nr_orders, 2);
	assert_int_equal(s->zones[0].node, 3);
	assert_int_equal(s->zones[0].order[1].free_blocks, 8);
	assert_int_equal(s->zones[0].order[2].free_blocks, 0);
	/* len bounds the parse, not a NUL: the "9" past len is not read. */
	assert_int_equal(
		mfd_procfs_parse_buddyinfo(t2, strlen(t2) - 1, s, NULL), 0);
	assert_int_equal(s->zones[0].order[1].free_blocks, 0);
	free(s);
}

struct bad_case {
	const char *file;
	int ret;
	unsigned int line;
	const char *needle; /* must appear in the message */
};

static void test_buddyinfo_malformed_files(void **state)
{
	static const struct bad_case cases[] = {
		{ "truncated-counts.buddyinfo", -EINVAL, 3, "Normal" },
		{ "truncated-header.buddyinfo", -EINVAL, 3, "Node 0, zo" },
		{ "nonnumeric.buddyinfo", -EINVAL, 2, "7x2" },
		{ "columns.buddyinfo", -EINVAL, 2, "12" },
		{ "overflow.buddyinfo", -EINVAL, 3, "18446744073709551616" },
		{ "longname.buddyinfo", -EINVAL, 3, "NormalButFarTooLong" },
		{ "zones200.buddyinfo", -E2BIG, 129, "128" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mfd_snapshot *s = new_snap();
		struct mfd_parse_error err;
		size_t len;
		char *text = fixture("malformed", cases[i].file, &len);

		assert_non_null(text);
		assert_int_equal(mfd_procfs_parse_buddyinfo(text, len, s, &err),
				 cases[i].ret);
		print_message("%s: line %u: %s\n", cases[i].file, err.line,
			      err.msg);
		assert_int_equal(err.line, cases[i].line);
		assert_non_null(strstr(err.msg, cases[i].needle));
		assert_int_equal(s->nr_zones, 0);
		free(text);
		free(s);
	}
}

static void test_buddyinfo_inline_errors(void **state)
{
	static const struct {
		const char *text;
		int ret;
		unsigned int line;
	} cases[] = {
		{ "", -EINVAL, 0 },
		{ "\n\n", -EINVAL, 0 },
		{ "Node 0, zone Normal\n", -EINVAL, 1 },
		{ "Node 0 zone Normal 1 2\n", -EINVAL, 1 },
		{ "Node -1, zone Normal 1 2\n", -EINVAL, 1 },
		{ "Node 2147483648, zone Normal 1\n", -EINVAL, 1 },
		{ "Node 0, area Normal 1\n", -EINVAL, 1 },
		{ "Node 0, zone Normal 1 -2\n", -EINVAL, 1 },
		{ "Node 0, zone Normal 1 2\nNode 0, zone Normal 3 4\n", -EINVAL,
		  2 },
		{ "Node 0, zone N 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n",
		  -EINVAL, 1 },
		{ "Node 0, zone N 1 2\nnode 1, zone N 1 2\n", -EINVAL, 2 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mfd_snapshot *s = new_snap();
		struct mfd_parse_error err;

		assert_int_equal(mfd_procfs_parse_buddyinfo(
					 cases[i].text, strlen(cases[i].text),
					 s, &err),
				 cases[i].ret);
		assert_int_equal(err.line, cases[i].line);
		assert_true(err.msg[0] != '\0');
		free(s);
	}
}

/* Every prefix and many byte flips of a real file: no crash, no other
 * return value, and the message always terminated. */
static void test_buddyinfo_mutations(void **state)
{
	struct mfd_snapshot *s = new_snap();
	size_t len;
	char *text = fixture("numa2-movable", "buddyinfo", &len);
	char *copy = malloc(len);
	unsigned int seed = 1;

	(void)state;
	for (size_t cut = 0; cut <= len; cut++) {
		struct mfd_parse_error err;
		int ret;

		memcpy(copy, text, cut);
		ret = mfd_procfs_parse_buddyinfo(copy, cut, s, &err);
		assert_true(ret == 0 || ret == -EINVAL);
		assert_non_null(memchr(err.msg, '\0', sizeof(err.msg)));
	}
	for (int i = 0; i < 20000; i++) {
		struct mfd_parse_error err;
		int ret;

		memcpy(copy, text, len);
		for (int k = 0; k < 3; k++) {
			seed = seed * 1103515245u + 12345u;
			copy[(seed >> 8) % len] = (char)(seed >> 16);
		}
		ret = mfd_procfs_parse_buddyinfo(copy, len, s, &err);
		assert_true(ret == 0 || ret == -EINVAL);
		assert_non_null(memchr(err.msg, '\0', sizeof(err.msg)));
	}
	free(copy);
	free(text);
	free(s);
}

/* --- zoneinfo ------------------------------------------------------------ */

static void check_zoneinfo_fixture(const char *dir)
{
	static struct ref_zinfo ref[512];
	struct mfd_snapshot *s = new_snap();
	struct mfd_parse_error err;
	size_t blen, zlen;
	char *b = fixture(dir, "buddyinfo", &blen);
	char *zi = fixture(dir, "zoneinfo", &zlen);
	uint32_t nr_zones;
	int nref;

	print_message("fixture %s\n", dir);
	assert_int_equal(mfd_procfs_parse_buddyinfo(b, blen, s, &err), 0);
	nr_zones = s->nr_zones;
	assert_int_equal(mfd_procfs_parse_zoneinfo(zi, zlen, s, &err), 0);
	/* Unpopulated zones in zoneinfo add nothing. */
	assert_int_equal(s->nr_zones, nr_zones);

	nref = ref_zoneinfo(zi, ref, 512);
	for (uint32_t i = 0; i < s->nr_zones; i++) {
		const struct mfd_zone *z = &s->zones[i];
		const struct ref_zinfo *r =
			ref_find(ref, nref, z->node, z->name);

		assert_non_null(r);
		/* buddyinfo lists populated zones only. */
		assert_true(r->populated);
		assert_int_equal(z->zone_idx, r->ordinal);
		assert_int_equal(z->have, ALL_HAVE);
		assert_int_equal(z->free_pages, r->free);
		assert_int_equal(z->watermark_boost, r->boost);
		assert_int_equal(z->watermark_min, r->min);
		assert_int_equal(z->watermark_low, r->low);
		assert_int_equal(z->watermark_high, r->high);
		assert_int_equal(z->spanned_pages, r->spanned);
		assert_int_equal(z->present_pages, r->present);
		assert_int_equal(z->managed_pages, r->managed);
		assert_int_equal(z->start_pfn, r->start_pfn);
		/* min_wmark_pages() adds the boost to every watermark. */
		assert_true(z->watermark_min >= z->watermark_boost);
		assert_true(z->watermark_min <= z->watermark_low);
		assert_true(z->watermark_low <= z->watermark_high);
	}
	/* Every populated zone of zoneinfo was in buddyinfo. */
	for (int i = 0; i < nref; i++)
		if (ref[i].populated)
			assert_true(mfd_snapshot_find_zone(s, ref[i].node,
							   ref[i].name) >= 0);
	free(b);
	free(zi);
	free(s);
}

static void test_zoneinfo_all_fixtures(void **state)
{
	char *dirs[MAX_DIRS];
	int nd = fixture_dirs(dirs);

	(void)state;
	for (int d = 0; d < nd; d++)
		check_zoneinfo_fixture(dirs[d]);
	free_dirs(dirs, nd);
}

/* The NUMA layout of numa2-movable: zone indices, empty zones skipped,
 * nodes rebuilt by mfd_snapshot_finish() from the zone spans. */
static void test_zoneinfo_numa2_movable(void **state)
{
	static struct ref_zinfo ref[64];
	struct mfd_snapshot *s = new_snap();
	struct mfd_parse_error err;
	char *zi = fixture("numa2-movable", "zoneinfo", NULL);
	const struct ref_zinfo *rn, *rm;
	int nref, i;

	(void)state;
	assert_int_equal(
		mfd_procfs_snapshot(FIXTURES "/numa2-movable", s, &err), 0);
	nref = ref_zoneinfo(zi, ref, 64);
	/* zoneinfo shows all five zones of both nodes. */
	assert_int_equal(nref, 10);

	assert_int_equal(s->nr_zones, 5);
	assert_int_equal(s->nr_nodes, 2);
	assert_int_equal(s->nodes[0].node, 0);
	assert_int_equal(s->nodes[0].nr_zones, 3);
	assert_int_equal(s->nodes[0].first_zone, 0);
	assert_int_equal(s->nodes[1].node, 1);
	assert_int_equal(s->nodes[1].nr_zones, 2);
	assert_int_equal(s->nodes[1].first_zone, 3);

	/* Node 0's Movable and Device are in zoneinfo only (present 0). */
	assert_int_equal(mfd_snapshot_find_zone(s, 0, "Movable"), -1);
	assert_int_equal(mfd_snapshot_find_zone(s, 0, "Device"), -1);
	assert_non_null(ref_find(ref, nref, 0, "Movable"));

	/* Node 1: DMA and DMA32 are empty, yet count for the zone index. */
	rn = ref_find(ref, nref, 1, "Normal");
	rm = ref_find(ref, nref, 1, "Movable");
	i = mfd_snapshot_find_zone(s, 1, "Normal");
	assert_int_equal(i, 3);
	assert_int_equal(s->zones[i].zone_idx, 2);
	assert_int_equal(s->zones[i].zone_idx, rn->ordinal);
	/* The pagesets' "high:" (per-cpu) differs and comes later. */
	assert_int_equal(s->zones[i].watermark_high, rn->high);
	i = mfd_snapshot_find_zone(s, 1, "Movable");
	assert_int_equal(i, 4);
	assert_int_equal(s->zones[i].zone_idx, 3);
	assert_int_equal(s->zones[i].zone_idx, rm->ordinal);
	assert_int_equal(s->zones[i].have, ALL_HAVE);

	/* Without pglist_data the node spans its zones. */
	assert_false(s->nodes[1].have_pgdat);
	assert_int_equal(s->nodes[1].start_pfn, rn->start_pfn);
	assert_int_equal(s->nodes[1].spanned_pages,
			 rm->start_pfn + rm->spanned - rn->start_pfn);
	assert_int_equal(s->nodes[1].present_pages, rn->present + rm->present);

	/* Sorted by (node, zone index). */
	for (uint32_t k = 1; k < s->nr_zones; k++)
		assert_true(s->zones[k - 1].node < s->zones[k].node ||
			    (s->zones[k - 1].node == s->zones[k].node &&
			     s->zones[k - 1].zone_idx < s->zones[k].zone_idx));
	free(zi);
	free(s);
}

/* Lookalike lines: the vmstat item nr_free_pages, per-cpu "high:",
 * "high_min:", protection, and a zone missing some fields. */
static void test_zoneinfo_lookalikes(void **state)
{
	const char b[] = "Node 0, zone Normal 1 1\nNode 0, zone Other 1 0\n";
	const char zi[] = "Node 0, zone      DMA\n"
			  "  pages free     5\n"
			  "        min      1\n"
			  "Node 0, zone   Normal\n"
			  "  pages free     100\n"
			  "        boost    7\n"
			  "        min      17\n"
			  "        low      27\n"
			  "        high     37\n"
			  "        protection: (0, 0, 0)\n"
			  "      nr_free_pages 999\n"
			  "      nr_free_pages_blocks 998\n"
			  "  pagesets\n"
			  "    cpu: 0\n"
			  "              high:     4092\n"
			  "              high_min: 4092\n"
			  "  start_pfn:           4096\n"
			  "Node 0, zone    Other\n"
			  "        min      1\n"
			  "        high     3\n"
			  "        spanned  10\n"
			  "        present  10\n";
	struct mfd_snapshot *s = new_snap();
	const struct mfd_zone *z;

	(void)state;
	assert_int_equal(mfd_procfs_parse_buddyinfo(b, strlen(b), s, NULL), 0);
	assert_int_equal(mfd_procfs_parse_zoneinfo(zi, strlen(zi), s, NULL), 0);
	z = &s->zones[mfd_snapshot_find_zone(s, 0, "Normal")];
	assert_int_equal(z->zone_idx, 1);
	assert_int_equal(z->free_pages, 100);
	assert_int_equal(z->watermark_boost, 7);
	assert_int_equal(z->watermark_min, 17);
	assert_int_equal(z->watermark_high, 37);
	assert_int_equal(z->start_pfn, 4096);
	/* No spanned/present: no span, even with start_pfn. */
	assert_int_equal(z->have,
			 MFD_HAVE_FREE | MFD_HAVE_BOOST | MFD_HAVE_WMARK);
	z = &s->zones[mfd_snapshot_find_zone(s, 0, "Other")];
	assert_int_equal(z->zone_idx, 2);
	/* No "low", no start_pfn: neither set is complete. */
	assert_int_equal(z->have, 0);
	free(s);
}

static void test_zoneinfo_errors(void **state)
{
	/* Each edit applies to the first match in vm-6.18/zoneinfo; "from"
	 * starts with the newline ending the line before. */
	static const struct {
		const char *from, *to, *needle;
	} cases[] = {
		{ "\n        min      ", "\n        min      1x", "1x" },
		{ "\n  pages free     ", "\n  pages free     7 ",
		  "pages free" },
		{ "\n        managed  ", "\n        managed\n", "managed" },
		{ "\n  start_pfn:           ", "\n  start_pfn:           -",
		  "start_pfn: " },
		{ "\nNode 0, zone    DMA32", "\nNode 0, zone    DMA32 x",
		  "DMA32 x" },
		{ "\nNode 0, zone    DMA32", "\nNode x, zone    DMA32", "x" },
	};
	size_t blen, zlen;
	char *b = fixture("vm-6.18", "buddyinfo", &blen);
	char *zi = fixture("vm-6.18", "zoneinfo", &zlen);

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mfd_snapshot *s = new_snap();
		struct mfd_parse_error err;
		char *m = malloc(zlen + 64), *at = strstr(zi, cases[i].from);
		unsigned int line = 1;
		size_t n;

		assert_non_null(at);
		for (const char *p = zi; p <= at; p++)
			line += *p == '\n';
		n = (size_t)(at - zi);
		memcpy(m, zi, n);
		strcpy(m + n, cases[i].to);
		strcat(m + n, at + strlen(cases[i].from));
		assert_int_equal(mfd_procfs_parse_buddyinfo(b, blen, s, NULL),
				 0);
		assert_int_equal(mfd_procfs_parse_zoneinfo(m, strlen(m), s,
							   &err),
				 -EINVAL);
		print_message("line %u: %s\n", err.line, err.msg);
		assert_int_equal(err.line, line);
		assert_non_null(strstr(err.msg, cases[i].needle));
		free(m);
		free(s);
	}
	free(b);
	free(zi);
}

static void test_zoneinfo_node_order(void **state)
{
	const char b[] = "Node 0, zone Normal 1\nNode 1, zone Normal 1\n";
	const char zi[] = "Node 1, zone Normal\nNode 0, zone Normal\n";
	struct mfd_snapshot *s = new_snap();
	struct mfd_parse_error err;

	(void)state;
	assert_int_equal(mfd_procfs_parse_buddyinfo(b, strlen(b), s, NULL), 0);
	assert_int_equal(mfd_procfs_parse_zoneinfo(zi, strlen(zi), s, &err),
			 -EINVAL);
	assert_int_equal(err.line, 2);
	free(s);
}

static void test_zoneinfo_mutations(void **state)
{
	struct mfd_snapshot *s = new_snap();
	size_t blen, zlen;
	char *b = fixture("numa2-movable", "buddyinfo", &blen);
	char *zi = fixture("numa2-movable", "zoneinfo", &zlen);
	char *copy = malloc(zlen);
	unsigned int seed = 7;

	(void)state;
	assert_int_equal(mfd_procfs_parse_buddyinfo(b, blen, s, NULL), 0);
	for (size_t cut = 0; cut <= zlen; cut += 3) {
		int ret;

		memcpy(copy, zi, cut);
		ret = mfd_procfs_parse_zoneinfo(copy, cut, s, NULL);
		assert_true(ret == 0 || ret == -EINVAL);
	}
	for (int i = 0; i < 3000; i++) {
		int ret;

		memcpy(copy, zi, zlen);
		seed = seed * 1103515245u + 12345u;
		copy[(seed >> 8) % zlen] = (char)(seed >> 16);
		ret = mfd_procfs_parse_zoneinfo(copy, zlen, s, NULL);
		assert_true(ret == 0 || ret == -EINVAL);
	}
	free(copy);
	free(b);
	free(zi);
	free(s);
}

/* --- pageblock order ----------------------------------------------------- */

static void test_pageblock_order_fixtures(void **state)
{
	char *dirs[MAX_DIRS];
	int nd = fixture_dirs(dirs), checked = 0;

	(void)state;
	for (int d = 0; d < nd; d++) {
		unsigned long per_block;
		size_t len;
		char *pt, *p;
		int order = -1;

		if (!fixture_has(dirs[d], "pagetypeinfo"))
			continue;
		pt = fixture(dirs[d], "pagetypeinfo", &len);
		assert_int_equal(
			mfd_procfs_parse_pageblock_order(pt, len, &order), 0);
		/* The next line states the same fact another way. */
		p = strstr(pt, "Pages per block:");
		assert_non_null(p);
		per_block = strtoul(p + strlen("Pages per block:"), NULL, 10);
		assert_int_equal(1ul << order, per_block);
		free(pt);
		checked++;
	}
	assert_true(checked >= 2);
	free_dirs(dirs, nd);
}

static void test_pageblock_order_inline(void **state)
{
	static const struct {
		const char *text;
		int ret, order;
	} cases[] = {
		{ "Page block order: 9\nPages per block:  512\n", 0, 9 },
		{ "Page block order: 13", 0, 13 },
		{ "Page block order:10\n", 0, 10 },
		{ "", -ENOENT, 0 },
		{ "Pages per block:  512\n", -ENOENT, 0 },
		{ "Page block order: \n", -EINVAL, 0 },
		{ "Page block order: x\n", -EINVAL, 0 },
		{ "Page block order: 9 9\n", -EINVAL, 0 },
		{ "Page block order: 64\n", -EINVAL, 0 },
		{ "Page block order: 99999999999999999999999\n", -EINVAL, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int order = -1;

		assert_int_equal(mfd_procfs_parse_pageblock_order(
					 cases[i].text, strlen(cases[i].text),
					 &order),
				 cases[i].ret);
		if (cases[i].ret == 0)
			assert_int_equal(order, cases[i].order);
	}
}

/* --- file reading and the live source ------------------------------------ */

/* A kept procfs descriptor reads the file afresh each time: /proc/self/comm
 * changes with prctl(PR_SET_NAME), and the kept fd must show the new name
 * (the independent reference is a fresh open of the same file). */
static void test_procfile_proc_kept(void **state)
{
	struct mfd_procfile f = MFD_PROCFILE_INIT;
	char old[17] = { 0 }, *fresh;
	const char *text;
	size_t len, flen;

	(void)state;
	assert_int_equal(prctl(PR_GET_NAME, old, 0, 0, 0), 0);
	assert_int_equal(
		mfd_procfile_read(&f, "/proc/self/comm", 64, &text, &len), 0);
	assert_true(f.fd >= 0); /* procfs: kept open */
	assert_int_equal(prctl(PR_SET_NAME, "mfd-procfile", 0, 0, 0), 0);
	assert_int_equal(
		mfd_procfile_read(&f, "/proc/self/comm", 64, &text, &len), 0);
	assert_int_equal(mfd_file_read("/proc/self/comm", 64, &fresh, &flen),
			 0);
	assert_int_equal(len, flen);
	assert_memory_equal(text, fresh, len);
	assert_string_equal(text, "mfd-procfile\n");
	free(fresh);
	/* Too big for max_len: -EFBIG, and the descriptor is closed. */
	assert_int_equal(mfd_procfile_read(&f, "/proc/self/comm", 4, &text,
					   &len),
			 -EFBIG);
	assert_int_equal(f.fd, -1);
	/* Another path: read from it, not from the old descriptor. */
	assert_int_equal(mfd_procfile_read(&f, "/proc/buddyinfo", 1 << 20,
					   &text, &len),
			 0);
	assert_memory_equal(text, "Node ", 5);
	assert_int_equal(mfd_procfile_read(&f, "/proc/no-such-file", 64, &text,
					   &len),
			 -ENOENT);
	assert_null(text);
	mfd_procfile_close(&f);
	mfd_procfile_close(&f); /* twice is harmless */
	prctl(PR_SET_NAME, old, 0, 0, 0);
}

/* Outside procfs (fixtures) the file is opened afresh each time, so one
 * replaced between reads (rename over it) is seen. */
static void test_procfile_fixture_replaced(void **state)
{
	char dir[] = "/tmp/mfd-test-procfile-XXXXXX", path[64], tmp[80];
	struct mfd_procfile f = MFD_PROCFILE_INIT;
	const char *text;
	size_t len;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vmstat", dir);
	snprintf(tmp, sizeof(tmp), "%s/vmstat.new", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("compact_stall 1\n", fp);
	fclose(fp);
	assert_int_equal(mfd_procfile_read(&f, path, 4096, &text, &len), 0);
	assert_string_equal(text, "compact_stall 1\n");
	assert_int_equal(f.fd, -1); /* not procfs: not kept */
	fp = fopen(tmp, "w");
	assert_non_null(fp);
	fputs("compact_stall 22\n", fp);
	fclose(fp);
	assert_int_equal(rename(tmp, path), 0);
	assert_int_equal(mfd_procfile_read(&f, path, 4096, &text, &len), 0);
	assert_string_equal(text, "compact_stall 22\n");
	assert_int_equal(len, strlen("compact_stall 22\n"));
	mfd_procfile_close(&f);
	unlink(path);
	rmdir(dir);
}

static void test_snapshot_fixtures(void **state)
{
	char *dirs[MAX_DIRS];
	int nd = fixture_dirs(dirs);

	(void)state;
	for (int d = 0; d < nd; d++) {
		static struct ref_zone ref[256];
		struct mfd_snapshot *s = new_snap();
		struct mfd_parse_error err;
		char path[512];
		char *b = fixture(dirs[d], "buddyinfo", NULL);
		int nref = ref_buddyinfo(b, ref, 256);
		uint32_t zones = 0, nodes = 0;

		snprintf(path, sizeof(path), "%s/%s", FIXTURES, dirs[d]);
		assert_int_equal(mfd_procfs_snapshot(path, s, &err), 0);
		assert_int_equal(s->source, MFD_SOURCE_PROCFS);
		assert_true(s->time_unix_nano > 1700000000ull * 1000000000ull);
		assert_true(s->mono_ns > 0);
		assert_true(s->duration_ns < 10ull * 1000000000ull);
		assert_int_equal(s->nr_zones, nref);
		assert_int_equal(s->nr_orders, ref[0].nr);
		/* Nodes: one per run of equal node ids in buddyinfo. */
		for (int i = 0; i < nref; i++)
			nodes += i == 0 || ref[i].node != ref[i - 1].node;
		assert_int_equal(s->nr_nodes, nodes);
		for (uint32_t n = 0; n < s->nr_nodes; n++)
			zones += s->nodes[n].nr_zones;
		assert_int_equal(zones, s->nr_zones);
		free(b);
		free(s);
	}
	free_dirs(dirs, nd);
}

static void test_snapshot_errors(void **state)
{
	char dir[] = "/tmp/mfd-test-procfs-dir-XXXXXX";
	char path[256];
	struct mfd_snapshot *s = new_snap();
	struct mfd_parse_error err;
	size_t len;
	char *text;
	FILE *f;

	(void)state;
	assert_int_equal(mfd_procfs_snapshot(FIXTURES "/no-such-dir", s, &err),
			 -ENOENT);
	assert_non_null(strstr(err.msg, "buddyinfo"));

	assert_non_null(mkdtemp(dir));
	text = fixture("malformed", "nonnumeric.buddyinfo", &len);
	snprintf(path, sizeof(path), "%s/buddyinfo", dir);
	f = fopen(path, "w");
	fwrite(text, 1, len, f);
	fclose(f);
	free(text);
	/* No zoneinfo yet: the read fails and names the file. */
	assert_int_equal(mfd_procfs_snapshot(dir, s, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "zoneinfo"));

	text = fixture("vm-6.18", "zoneinfo", &len);
	snprintf(path, sizeof(path), "%s/zoneinfo", dir);
	f = fopen(path, "w");
	fwrite(text, 1, len, f);
	fclose(f);
	free(text);
	assert_int_equal(mfd_procfs_snapshot(dir, s, &err), -EINVAL);
	print_message("%s\n", err.msg);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "buddyinfo: "));
	assert_non_null(strstr(err.msg, "7x2"));

	unlink(path);
	snprintf(path, sizeof(path), "%s/buddyinfo", dir);
	unlink(path);
	rmdir(dir);
	free(s);
}

static void test_snapshot_live(void **state)
{
	struct mfd_snapshot *s = new_snap();
	struct mfd_parse_error err;
	size_t len;
	char *b = slurp("/proc/buddyinfo", &len);
	unsigned int lines = 0;

	(void)state;
	for (size_t i = 0; i < len; i++)
		lines += b[i] == '\n';
	assert_int_equal(mfd_procfs_snapshot("/proc", s, &err), 0);
	/* Memory hotplug between the two reads would change this. */
	assert_int_equal(s->nr_zones, lines);
	for (uint32_t i = 0; i < s->nr_zones; i++) {
		assert_true(s->zones[i].zone_idx != UINT32_MAX);
		assert_int_equal(s->zones[i].have, ALL_HAVE);
	}
	free(b);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buddyinfo_all_fixtures),
		cmocka_unit_test(test_buddyinfo_orders14),
		cmocka_unit_test(test_buddyinfo_reset_and_blank),
		cmocka_unit_test(test_buddyinfo_malformed_files),
		cmocka_unit_test(test_buddyinfo_inline_errors),
		cmocka_unit_test(test_buddyinfo_mutations),
		cmocka_unit_test(test_zoneinfo_all_fixtures),
		cmocka_unit_test(test_zoneinfo_numa2_movable),
		cmocka_unit_test(test_zoneinfo_lookalikes),
		cmocka_unit_test(test_zoneinfo_errors),
		cmocka_unit_test(test_zoneinfo_node_order),
		cmocka_unit_test(test_zoneinfo_mutations),
		cmocka_unit_test(test_pageblock_order_fixtures),
		cmocka_unit_test(test_pageblock_order_inline),
		cmocka_unit_test(test_procfile_proc_kept),
		cmocka_unit_test(test_procfile_fixture_replaced),
		cmocka_unit_test(test_snapshot_fixtures),
		cmocka_unit_test(test_snapshot_errors),
		cmocka_unit_test(test_snapshot_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
