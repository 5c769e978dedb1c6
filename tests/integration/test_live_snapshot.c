// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_live_snapshot.c - the BPF snapshot against the kernel's own files.
 *
 * Needs root (exit 77 = skipped otherwise). References are read with this
 * file's own minimal parser, not collect/procfs.c, so a shared bug cannot hide.
 *
 * Drift bound: buddyinfo moves whenever anything allocates. Each attempt
 * brackets the BPF run (and the debugfs reads) between two reads of
 * /proc/buddyinfo and is only judged when those two reads are identical:
 * then the allocator state was the same before and after, and the BPF
 * counts must equal it exactly. Attempts that saw movement are retried (up
 * to MAX_ATTEMPTS); the test fails if none was quiet, or if any judged
 * attempt differs in a single cell.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "indices.h"
#include "kinfo.h"
#include "zones_probe.h"

#define MAX_ATTEMPTS 500
#define MAX_ROWS 128
#define MAX_COLS 16

struct table {
	int nr;
	int node[MAX_ROWS];
	char zone[MAX_ROWS][32];
	int ncols[MAX_ROWS];
	char cell[MAX_ROWS][MAX_COLS][16]; /* kept as text */
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = calloc(1, 1 << 20);
	size_t n;

	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* "Node 0, zone   Normal  v0 v1 ..." -> table rows (values as text). */
static int parse_rows(const char *text, struct table *t)
{
	const char *line = text;

	memset(t, 0, sizeof(*t));
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		char buf[1024], *tok, *save = NULL;
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		int col = 0;

		if (len >= sizeof(buf))
			return -1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		line = nl ? nl + 1 : NULL;
		if (sscanf(buf, "Node %d, zone %31s", &t->node[t->nr],
			   t->zone[t->nr]) != 2)
			continue;
		tok = strstr(buf, t->zone[t->nr]) + strlen(t->zone[t->nr]);
		for (tok = strtok_r(tok, " \t", &save); tok && col < MAX_COLS;
		     tok = strtok_r(NULL, " \t", &save))
			snprintf(t->cell[t->nr][col++], 16, "%s", tok);
		t->ncols[t->nr] = col;
		if (++t->nr == MAX_ROWS)
			break;
	}
	return 0;
}

static int setup(void **state)
{
	static struct mfd_kinfo k;
	struct mfd_zones *z = NULL;
	char why[256];

	if (geteuid() != 0) {
		fprintf(stderr, "skipped: needs root\n");
		exit(77);
	}
	mfd_kinfo_load(&k, "");
	if (mfd_zones_open(&z, &k, why, sizeof(why))) {
		fprintf(stderr, "zones BPF unavailable: %s\n", why);
		return -1;
	}
	*state = z;
	return 0;
}

static int teardown(void **state)
{
	mfd_zones_close(*state);
	return 0;
}

static const struct mfd_zone *find(const struct mfd_snapshot *s, int node,
				   const char *zone)
{
	for (uint32_t i = 0; i < s->nr_zones; i++)
		if ((int)s->zones[i].node == node &&
		    strcmp(s->zones[i].name, zone) == 0)
			return &s->zones[i];
	return NULL;
}

typedef void (*judge_fn)(const struct mfd_snapshot *snap, const char *buddyinfo,
			 char *const *extra);

/*
 * The drift bound, in one place: each attempt reads buddyinfo, then the
 * nr_extra files in extra_paths, runs the BPF snapshot and reads buddyinfo
 * again. Only attempts whose two buddyinfo reads are identical are handed to
 * judge; up to 20 are judged, and the test fails if none was quiet.
 */
static void run_bracketed(void *zones, const char *const *extra_paths,
			  int nr_extra, judge_fn judge)
{
	struct mfd_snapshot *snap = calloc(1, sizeof(*snap));
	char *extra[4] = { 0 };
	int judged = 0;

	assert_non_null(snap);
	assert_true(nr_extra <= 4);
	for (int attempt = 0; attempt < MAX_ATTEMPTS && judged < 20;
	     attempt++) {
		char *b = slurp("/proc/buddyinfo"), *a;

		for (int i = 0; i < nr_extra; i++) {
			extra[i] = slurp(extra_paths[i]);
			assert_non_null(extra[i]);
		}
		assert_int_equal(mfd_zones_snapshot(zones, snap), 0);
		a = slurp("/proc/buddyinfo");
		assert_non_null(b);
		assert_non_null(a);
		if (strcmp(a, b) == 0) {
			judged++;
			judge(snap, b, extra);
		}
		for (int i = 0; i < nr_extra; i++)
			free(extra[i]);
		free(a);
		free(b);
	}
	if (!judged)
		fail_msg("buddyinfo never held still for %d attempts",
			 MAX_ATTEMPTS);
	free(snap);
}

static void judge_counts(const struct mfd_snapshot *snap, const char *buddyinfo,
			 char *const *extra)
{
	static struct table before;

	(void)extra;
	assert_int_equal(parse_rows(buddyinfo, &before), 0);
	/* Same zone set, same order count. */
	assert_int_equal((int)snap->nr_zones, before.nr);
	for (int r = 0; r < before.nr; r++) {
		const struct mfd_zone *z =
			find(snap, before.node[r], before.zone[r]);

		if (!z)
			fail_msg("zone %d/%s missing from BPF", before.node[r],
				 before.zone[r]);
		assert_int_equal((int)snap->nr_orders, before.ncols[r]);
		for (int o = 0; o < before.ncols[r]; o++) {
			char v[32];

			snprintf(v, sizeof(v), "%llu",
				 (unsigned long long)z->order[o].free_blocks);
			if (strcmp(v, before.cell[r][o]) != 0)
				fail_msg("node %d zone %s order %d: bpf %s "
					 "buddyinfo %s",
					 before.node[r], before.zone[r], o, v,
					 before.cell[r][o]);
		}
	}
}

static void test_counts_equal_buddyinfo(void **state)
{
	run_bracketed(*state, NULL, 0, judge_counts);
}

static void judge_indices(const struct mfd_snapshot *snap,
			  const char *buddyinfo, char *const *extra)
{
	static struct table unus, frag;

	(void)buddyinfo;
	assert_int_equal(parse_rows(extra[0], &unus), 0);
	assert_int_equal(parse_rows(extra[1], &frag), 0);
	assert_int_equal(unus.nr, (int)snap->nr_zones);
	for (int r = 0; r < unus.nr; r++) {
		const struct mfd_zone *z =
			find(snap, unus.node[r], unus.zone[r]);

		assert_non_null(z);
		assert_int_equal(unus.ncols[r], (int)snap->nr_orders);
		for (int o = 0; o < unus.ncols[r]; o++) {
			char mine[16];

			mfd_index_str(z->order[o].unusable_index, mine,
				      sizeof(mine));
			if (strcmp(mine, unus.cell[r][o]))
				fail_msg("unusable %s o%d: %s vs kernel %s",
					 z->name, o, mine, unus.cell[r][o]);
			mfd_index_str(z->order[o].extfrag_index, mine,
				      sizeof(mine));
			if (strcmp(mine, frag.cell[r][o]))
				fail_msg("extfrag %s o%d: %s vs kernel %s",
					 z->name, o, mine, frag.cell[r][o]);
		}
	}
}

/* Fed the same counts, our indices print what debugfs prints. */
static void test_indices_equal_debugfs(void **state)
{
	static const char *const paths[] = {
		"/sys/kernel/debug/extfrag/unusable_index",
		"/sys/kernel/debug/extfrag/extfrag_index",
	};

	if (access(paths[0], R_OK) != 0)
		(void)system("mount -t debugfs none /sys/kernel/debug "
			     "2>/dev/null");
	if (access(paths[0], R_OK) != 0)
		fail_msg("debugfs extfrag files unavailable");
	run_bracketed(*state, paths, 2, judge_indices);
}

/* Zone facts that do not move under load equal /proc/zoneinfo. */
static void test_zone_facts_equal_zoneinfo(void **state)
{
	struct mfd_snapshot *snap = calloc(1, sizeof(*snap));
	char *zi;

	assert_non_null(snap);
	assert_int_equal(mfd_zones_snapshot(*state, snap), 0);
	zi = slurp("/proc/zoneinfo");
	assert_non_null(zi);
	for (uint32_t i = 0; i < snap->nr_zones; i++) {
		const struct mfd_zone *z = &snap->zones[i];
		unsigned long long spanned, present, start, min, low, high;
		char hdr[64], *p, *end;

		snprintf(hdr, sizeof(hdr), "Node %u, zone %8s", z->node,
			 z->name);
		p = strstr(zi, hdr);
		assert_non_null(p);
		end = strstr(p + 1, "\nNode ");
		if (end)
			*end = '\0';
		assert_non_null(strstr(p, "spanned"));
		assert_int_equal(sscanf(strstr(p, "spanned"), "spanned %llu",
					&spanned),
				 1);
		assert_int_equal(sscanf(strstr(p, "present"), "present %llu",
					&present),
				 1);
		assert_int_equal(sscanf(strstr(p, "start_pfn:"),
					"start_pfn: %llu", &start),
				 1);
		assert_int_equal(sscanf(strstr(p, "\n        min"),
					"\n        min %llu", &min),
				 1);
		assert_int_equal(sscanf(strstr(p, "\n        low"),
					"\n        low %llu", &low),
				 1);
		assert_int_equal(sscanf(strstr(p, "\n        high"),
					"\n        high %llu", &high),
				 1);
		assert_int_equal(z->spanned_pages, spanned);
		assert_int_equal(z->present_pages, present);
		assert_int_equal(z->start_pfn, start);
		assert_int_equal(z->watermark_min, min);
		assert_int_equal(z->watermark_low, low);
		assert_int_equal(z->watermark_high, high);
		if (end)
			*end = '\n';
	}
	free(zi);
	free(snap);
}

/* A buffer reused from a bigger snapshot (zones.c clears only what the
 * buffer held): after a sample, it holds what a fresh buffer would, with
 * nothing of the old zones or nodes left past nr_zones and nr_nodes. */
static void test_reused_buffer(void **state)
{
	struct mfd_snapshot *fresh = calloc(1, sizeof(*fresh));
	struct mfd_snapshot *used = calloc(1, sizeof(*used));
	static const struct mfd_zone zero_zone;
	static const struct mfd_node zero_node;

	assert_non_null(fresh);
	assert_non_null(used);
	memset(used->zones, 0x5a, sizeof(used->zones));
	memset(used->nodes, 0x5a, sizeof(used->nodes));
	used->nr_zones = MFD_SNAP_MAX_ZONES;
	used->nr_nodes = MFD_SNAP_MAX_NODES;
	assert_int_equal(mfd_zones_snapshot(*state, used), 0);
	assert_int_equal(mfd_zones_snapshot(*state, fresh), 0);
	assert_int_equal(used->nr_zones, fresh->nr_zones);
	assert_int_equal(used->nr_nodes, fresh->nr_nodes);
	assert_int_equal(used->nr_orders, fresh->nr_orders);
	for (uint32_t i = 0; i < fresh->nr_zones; i++) {
		const struct mfd_zone *a = &used->zones[i],
				      *b = &fresh->zones[i];

		assert_string_equal(a->name, b->name);
		assert_int_equal(a->node, b->node);
		assert_int_equal(a->have, b->have);
		assert_int_equal(a->start_pfn, b->start_pfn);
		assert_int_equal(a->spanned_pages, b->spanned_pages);
		assert_int_equal(a->present_pages, b->present_pages);
		assert_int_equal(a->managed_pages, b->managed_pages);
		/* orders past nr_orders were cleared, not left at 0x5a */
		for (uint32_t o = fresh->nr_orders; o < MFD_SNAP_MAX_ORDERS;
		     o++)
			assert_memory_equal(&a->order[o], &b->order[o],
					    sizeof(a->order[o]));
	}
	for (uint32_t i = 0; i < fresh->nr_nodes; i++)
		assert_memory_equal(&used->nodes[i], &fresh->nodes[i],
				    sizeof(used->nodes[i]));
	for (uint32_t i = used->nr_zones; i < MFD_SNAP_MAX_ZONES; i++)
		assert_memory_equal(&used->zones[i], &zero_zone,
				    sizeof(zero_zone));
	for (uint32_t i = used->nr_nodes; i < MFD_SNAP_MAX_NODES; i++)
		assert_memory_equal(&used->nodes[i], &zero_node,
				    sizeof(zero_node));
	free(fresh);
	free(used);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_equal_buddyinfo),
		cmocka_unit_test(test_indices_equal_debugfs),
		cmocka_unit_test(test_zone_facts_equal_zoneinfo),
		cmocka_unit_test(test_reused_buffer),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
