// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_views.c - the terminal views over the procfs fixtures.
 *
 * Golden files (tests/golden/views/<case>.txt) pin the exact text; a
 * highlight run is written as <r>...</r>. Regenerate them with
 * MFD_UPDATE_GOLDEN=1 and review the diff by eye. The other tests check
 * properties that hold whatever the goldens say: width, completeness,
 * where highlights go, sorting, and that the numbers are the snapshot's.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "forecast.h"
#include "indices.h"
#include "kinfo.h"
#include "procfs.h"
#include "pressure.h"
#include "view.h"

#define FIXTURES MFD_SOURCE_DIR "/tests/fixtures/procfs/"
#define GOLDEN MFD_SOURCE_DIR "/tests/golden/views/"

/* Everything a case needs, built once per test. */
struct env {
	struct mfd_pressure *sig; /* NULL until a case asks for signals */
	struct mfd_snapshot snap;
	struct mfd_kinfo kinfo;
	struct mfd_extfrag_table table;
	struct mfd_extfrag_totals totals;
	struct mfd_screen screen;
};

static void load_fixture(const char *name, struct mfd_snapshot *snap)
{
	char dir[512];
	struct mfd_parse_error err = { 0 };
	int ret;

	snprintf(dir, sizeof(dir), FIXTURES "%s", name);
	memset(snap, 0, sizeof(*snap));
	ret = mfd_procfs_snapshot(dir, snap, &err);
	if (ret)
		fail_msg("fixture %s: %d (line %u: %s)", name, ret, err.line,
			 err.msg);
	/* Views must not print these; zero them so any leak shows. */
	snap->time_unix_nano = 0;
	snap->mono_ns = 0;
	snap->duration_ns = 0;
}

/*
 * A zone set built to be fragmented: plenty of order-0..3 blocks and
 * almost nothing above, so unusable_index passes 0.5 at high orders and
 * extfrag_index is defined where no block is left. Source "bpf" with every
 * field known.
 */
static void load_fragmented(struct mfd_snapshot *snap)
{
	static const struct {
		uint32_t node, idx;
		const char *name;
		uint64_t nr_free[11];
	} zones[] = {
		/* clang-format off */
		{ 0, 1, "DMA32",   { 9000, 4000, 1500, 400, 90, 20, 6, 2, 1, 0, 0 } },
		{ 0, 2, "Normal",  { 52000, 21000, 6000, 900, 50, 3, 0, 0, 0, 0, 0 } },
		{ 1, 2, "Normal",  { 300, 200, 150, 120, 100, 80, 60, 40, 30, 20, 400 } },
		{ 1, 3, "Movable", { 120000, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0 } },
		/* clang-format on */
	};

	memset(snap, 0, sizeof(*snap));
	snap->source = MFD_SOURCE_BPF;
	snap->nr_orders = 11;
	snap->nr_zones = sizeof(zones) / sizeof(zones[0]);
	for (uint32_t i = 0; i < snap->nr_zones; i++) {
		struct mfd_zone *z = &snap->zones[i];

		z->node = zones[i].node;
		z->zone_idx = zones[i].idx;
		snprintf(z->name, sizeof(z->name), "%s", zones[i].name);
		z->have = MFD_HAVE_WMARK | MFD_HAVE_BOOST |
			  MFD_HAVE_HIGHATOMIC | MFD_HAVE_MANAGED |
			  MFD_HAVE_FREE | MFD_HAVE_SPAN;
		z->start_pfn = 0x100000ull * (i + 1);
		z->spanned_pages = 0x80000;
		z->present_pages = 0x7f000;
		z->managed_pages = 0x7e000 - i;
		z->free_pages = 100000 + i;
		z->watermark_min = 1000 + i;
		z->watermark_low = 1250 + i;
		z->watermark_high = 1500 + i;
		for (uint32_t o = 0; o < 11; o++)
			z->order[o].free_blocks = zones[i].nr_free[o];
	}
	assert_int_equal(
		mfd_snapshot_set_node(snap, 0, 0x1000, 0x180000, 0x200000), 0);
	assert_int_equal(mfd_snapshot_set_node(snap, 1, 0x300000, 0x100000,
					       0x100000),
			 0);
	assert_int_equal(mfd_snapshot_finish(snap), 0);
}

static void add_events(struct env *e, const char *comm, uint32_t tgid,
		       unsigned int n, unsigned int frag, int alloc_mt,
		       int fallback_mt, uint64_t pfn)
{
	for (unsigned int i = 0; i < n; i++) {
		struct mfd_extfrag_event ev = {
			.type = MFD_REC_EXTFRAG,
			.pid = tgid + (i % 2),
			.tgid = tgid,
			.alloc_order = (int)(i % 3),
			.fallback_order = i < frag ? 3 : 10,
			.alloc_migratetype = alloc_mt,
			.fallback_migratetype = fallback_mt,
			.fragmenting = i < frag,
			.change_ownership = i >= frag,
			.ts_ns = 1000 + i,
			.pfn = pfn + i,
		};
		unsigned int slot = mfd_extfrag_slot((unsigned int)alloc_mt,
						     (unsigned int)fallback_mt,
						     i < frag);

		snprintf(ev.comm, sizeof(ev.comm), "%s", comm);
		mfd_extfrag_table_add(&e->table, &ev);
		e->totals.slot[slot]++;
		e->totals.events++;
		e->totals.fragmenting += i < frag;
	}
}

static void build_procs(struct env *e)
{
	assert_int_equal(mfd_extfrag_table_init(&e->table, 64), 0);
	memset(&e->totals, 0, sizeof(e->totals));
	/* tgid 0 is the idle task's interrupt context. */
	add_events(e, "swapper/1", 0, 2, 2, 0, 1, 0x1f000);
	add_events(e, "stress-ng-vm", 4242, 37, 30, 1, 0, 0x12a400);
	add_events(e, "kcompactd0", 61, 5, 0, 1, 2, 0x88000);
	add_events(e, "java", 1777, 12, 4, 0, 2, 0x3ffff00);
	add_events(e, "systemd-journal", 402, 12, 12, 2, 0, 0x4400);
	add_events(e, "sshd", 990, 1, 1, 0, 1, 0x20);
	e->totals.drops = 3;
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (!e)
		return -1;
	mfd_kinfo_default_mt_names(&e->kinfo);
	e->kinfo.pageblock_order = 9;
	mfd_screen_init(&e->screen, 80);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	mfd_screen_free(&e->screen);
	mfd_extfrag_table_free(&e->table);
	if (e->sig)
		mfd_pressure_close(e->sig);
	free(e->sig);
	free(e);
	return 0;
}

static struct mfd_view_opts opts_for(enum mfd_view view, unsigned int width)
{
	struct mfd_view_opts o = {
		.view = view,
		.index = MFD_INDEX_BOTH,
		.node_filter = -1,
		.width = width,
	};
	return o;
}

static char *slurp_file(const char *path, size_t *len)
{
	char *buf = NULL;

	assert_int_equal(mfd_file_read(path, 1 << 20, &buf, len), 0);
	return buf;
}

/* Signals for the -m view and the -z migratetype table, all from
 * recorded files (vmstat, pagetypeinfo incl. capped cells, kmsg) plus
 * stall counts as the BPF side would leave them. */
static void build_signals(struct env *e)
{
	struct mfd_pressure *g;
	size_t len;
	char *t;

	if (!e->sig)
		e->sig = calloc(1, sizeof(*e->sig));
	g = e->sig;
	assert_non_null(g);
	mfd_pressure_close(g);
	mfd_pressure_init(g, 9);
	t = slurp_file(MFD_SOURCE_DIR "/tests/fixtures/vmstat/vm-6.18", &len);
	assert_int_equal(mfd_vmstat_parse(t, len, &g->vm, NULL), 0);
	free(t);
	g->vm.val[MFD_VM_COMPACT_STALL] = 40; /* rates worth reading */
	g->vm.val[MFD_VM_COMPACT_SUCCESS] = 30;
	g->vm.val[MFD_VM_COMPACT_FAIL] = 10;
	g->vm.val[MFD_VM_THP_FAULT_FALLBACK] = 1000;
	g->have_vmstat = true;
	assert_int_equal(mfd_pressure_set_pagetypeinfo(g, 60), 0);
	t = slurp_file(MFD_SOURCE_DIR "/tests/fixtures/pagetypeinfo/capped",
		       &len);
	assert_int_equal(mfd_pagetypeinfo_parse(t, len, g->pt, NULL), 0);
	free(t);
	g->have_pt = true;
	t = slurp_file(MFD_SOURCE_DIR "/tests/fixtures/kmsg/failures", &len);
	mfd_kmsg_feed_text(&g->af, t, len);
	free(t);
	g->have_kmsg = true;
	/* two nodes with CMA and HugeTLB pools (fixtures/hugetlb/SOURCE) */
	assert_int_equal(
		mfd_hugetlb_read(MFD_SOURCE_DIR "/tests/fixtures/hugetlb/"
						"cma-2node/sys",
				 MFD_SOURCE_DIR "/tests/fixtures/hugetlb/"
						"cma-2node/proc",
				 &g->htlb, NULL),
		0);
	g->have_htlb = true;
	g->bpf_signals = MFD_SIG_COMPACT_STALL | MFD_SIG_RECLAIM_STALL |
			 MFD_SIG_KCOMPACTD_WAKE | MFD_SIG_KSWAPD_WAKE;
	g->have_totals = true;
	g->ct.s.compact.slot[9][9] = 3; /* 0.5..1 ms */
	g->ct.s.compact.slot[9][14] = 2; /* 16..32 ms */
	g->ct.s.compact.slot[9][25] = 1; /* overflow */
	g->ct.s.compact.sum_ns[9] = 40100000000ull;
	g->ct.s.status[9][8] = 4;
	g->ct.s.status[9][5] = 2;
	g->ct.s.reclaim.slot[0][6] = 7;
	g->ct.s.reclaim.sum_ns[0] = 700000;
	g->ct.s.reclaimed[0] = 224;
	g->ct.w.kcompactd[0][9] = 5;
	g->ct.w.kswapd[0][0] = 2;
	mfd_pressure_build_hists(g);
	mfd_frag_scores_compute(&e->snap, 9, 20, &g->scores);
	g->have_scores = true;
}

static void render_sig(struct env *e, const struct mfd_view_opts *o, bool procs,
		       bool sig)
{
	struct mfd_view_input in = {
		.snap = &e->snap,
		.procs = procs ? &e->table : NULL,
		.totals = procs ? &e->totals : NULL,
		.kinfo = &e->kinfo,
		.pressure = sig ? e->sig : NULL,
	};

	if (sig)
		build_signals(e);
	in.pressure = sig ? e->sig : NULL;
	assert_int_equal(mfd_view_render(o, &in, &e->screen), 0);
	assert_true(e->screen.nr_lines > 0);
}

static void render(struct env *e, const struct mfd_view_opts *o, bool procs)
{
	struct mfd_view_input in = {
		.snap = &e->snap,
		.procs = procs ? &e->table : NULL,
		.totals = procs ? &e->totals : NULL,
		.kinfo = &e->kinfo,
	};

	assert_int_equal(mfd_view_render(o, &in, &e->screen), 0);
	assert_true(e->screen.nr_lines > 0);
}

/* The screen as golden text: lines joined by '\n', highlights visible. */
static char *screen_text(const struct mfd_screen *s)
{
	size_t cap = 64, len = 0;
	char *out = malloc(cap);

	assert_non_null(out);
	for (size_t i = 0; i < s->nr_lines; i++) {
		for (const char *p = s->lines[i];; p++) {
			const char *add = NULL;
			char one[2] = { *p, '\0' };
			size_t n;

			if (!*p)
				add = "\n";
			else if (*p == MFD_HL_ON)
				add = "<r>";
			else if (*p == MFD_HL_OFF)
				add = "</r>";
			else
				add = one;
			n = strlen(add);
			if (len + n + 1 > cap) {
				cap = (len + n + 1) * 2;
				out = realloc(out, cap);
				assert_non_null(out);
			}
			memcpy(out + len, add, n);
			len += n;
			if (!*p)
				break;
		}
	}
	out[len] = '\0';
	return out;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Print the first differing line of expected and actual. */
static void report_diff(const char *name, const char *exp, const char *act)
{
	unsigned int line = 1;

	while (*exp && *act && *exp == *act) {
		if (*exp == '\n')
			line++;
		exp++;
		act++;
	}
	while (line > 1 && exp[-1] != '\n') {
		exp--;
		act--;
	}
	print_error("golden %s differs at line %u:\n-%.*s\n+%.*s\n"
		    "(MFD_UPDATE_GOLDEN=1 rewrites it; review the diff)\n",
		    name, line, (int)strcspn(exp, "\n"), exp,
		    (int)strcspn(act, "\n"), act);
}

static void check_golden(const struct mfd_screen *s, const char *name)
{
	char path[512];
	char *act = screen_text(s), *exp;
	const char *update = getenv("MFD_UPDATE_GOLDEN");

	snprintf(path, sizeof(path), GOLDEN "%s.txt", name);
	if (update && *update && strcmp(update, "0") != 0) {
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs(act, f);
		fclose(f);
		free(act);
		return;
	}
	exp = read_all(path);
	if (!exp) {
		free(act);
		fail_msg("golden %s missing: run with MFD_UPDATE_GOLDEN=1",
			 path);
	}
	if (strcmp(exp, act) != 0) {
		report_diff(name, exp, act);
		free(exp);
		free(act);
		fail();
	}
	free(exp);
	free(act);
}

static void assert_fits(const struct mfd_screen *s, unsigned int width)
{
	for (size_t i = 0; i < s->nr_lines; i++)
		if (mfd_screen_visible_len(s->lines[i]) > width)
			fail_msg("line %zu is %zu columns (> %u): %s", i,
				 mfd_screen_visible_len(s->lines[i]), width,
				 s->lines[i]);
}

/* --- golden cases ----------------------------------------------------- */

struct golden_case {
	const char *name;
	const char *fixture; /* NULL: the fragmented synthetic set */
	enum mfd_view view;
	enum mfd_index_sel index;
	bool bars;
	int node;
	const char *zone;
	unsigned int width;
	bool procs;
	bool signals; /* attach build_signals() */
};

/* One line per case reads better than clang-format's wrapping. */
/* clang-format off */
static const struct golden_case cases[] = {
	/* index view */
	{ "index-vm-6.18", "vm-6.18", MFD_VIEW_INDEX, 0, 0, -1, NULL, 80, 0 },
	{ "index-vm-6.18-w40", "vm-6.18", MFD_VIEW_INDEX, 0, 0, -1, NULL, 40, 0 },
	{ "index-e-vm-6.18", "vm-6.18", MFD_VIEW_INDEX, MFD_INDEX_EXTFRAG, 0, -1, NULL, 80, 0 },
	{ "index-u-vm-6.18", "vm-6.18", MFD_VIEW_INDEX, MFD_INDEX_UNUSABLE, 0, -1, NULL, 80, 0 },
	{ "index-b-vm-6.18", "vm-6.18", MFD_VIEW_INDEX, 0, 1, -1, NULL, 80, 0 },
	{ "index-numa2", "numa2-movable", MFD_VIEW_INDEX, 0, 0, -1, NULL, 80, 0 },
	{ "index-b-numa2", "numa2-movable", MFD_VIEW_INDEX, 0, 1, -1, NULL, 80, 0 },
	{ "index-b-numa2-w40", "numa2-movable", MFD_VIEW_INDEX, 0, 1, -1, NULL, 40, 0 },
	{ "index-eb-numa2", "numa2-movable", MFD_VIEW_INDEX, MFD_INDEX_EXTFRAG, 1, -1, NULL, 80, 0 },
	{ "index-ub-numa2", "numa2-movable", MFD_VIEW_INDEX, MFD_INDEX_UNUSABLE, 1, -1, NULL, 80, 0 },
	{ "index-c-normal-numa2", "numa2-movable", MFD_VIEW_INDEX, 0, 0, -1, "normal", 80, 0 },
	{ "index-i1-numa2", "numa2-movable", MFD_VIEW_INDEX, 0, 0, 1, NULL, 80, 0 },
	{ "index-nomatch-numa2", "numa2-movable", MFD_VIEW_INDEX, 0, 0, 1, "DMA", 80, 0 },
	{ "index-orders14", "orders14", MFD_VIEW_INDEX, 0, 0, -1, NULL, 80, 0 },
	{ "index-b-frag", NULL, MFD_VIEW_INDEX, 0, 1, -1, NULL, 80, 0 },
	{ "index-eb-frag", NULL, MFD_VIEW_INDEX, MFD_INDEX_EXTFRAG, 1, -1, NULL, 80, 0 },
	/* node view */
	{ "node-vm-6.18", "vm-6.18", MFD_VIEW_NODE, 0, 0, -1, NULL, 80, 0 },
	{ "node-numa2", "numa2-movable", MFD_VIEW_NODE, 0, 0, -1, NULL, 80, 0 },
	{ "node-numa2-w40", "numa2-movable", MFD_VIEW_NODE, 0, 0, -1, NULL, 40, 0 },
	{ "node-i1-numa2", "numa2-movable", MFD_VIEW_NODE, 0, 0, 1, NULL, 80, 0 },
	{ "node-i7-numa2", "numa2-movable", MFD_VIEW_NODE, 0, 0, 7, NULL, 80, 0 },
	{ "node-frag", NULL, MFD_VIEW_NODE, 0, 0, -1, NULL, 80, 0 },
	/* zone view */
	{ "zone-vm-6.18", "vm-6.18", MFD_VIEW_ZONE, 0, 0, -1, NULL, 80, 0 },
	{ "zone-vm-6.18-w40", "vm-6.18", MFD_VIEW_ZONE, 0, 0, -1, NULL, 40, 0 },
	{ "zone-c-movable-numa2", "numa2-movable", MFD_VIEW_ZONE, 0, 0, -1, "MOVABLE", 80, 0 },
	{ "zone-orders14", "orders14", MFD_VIEW_ZONE, 0, 0, -1, NULL, 80, 0 },
	{ "zone-frag", NULL, MFD_VIEW_ZONE, 0, 0, -1, NULL, 80, 0 },
	/* procs view */
	{ "procs-vm-6.18", "vm-6.18", MFD_VIEW_PROCS, 0, 0, -1, NULL, 80, 1 },
	{ "procs-vm-6.18-w40", "vm-6.18", MFD_VIEW_PROCS, 0, 0, -1, NULL, 40, 1 },
	{ "procs-vm-6.18-w120", "vm-6.18", MFD_VIEW_PROCS, 0, 0, -1, NULL, 120, 1 },
	{ "procs-unavailable", "vm-6.18", MFD_VIEW_PROCS, 0, 0, -1, NULL, 80, 0 },
	/* visual view */
	{ "visual-vm-6.18", "vm-6.18", MFD_VIEW_VISUAL, 0, 0, -1, NULL, 80, 0 },
	{ "visual-vm-6.18-w40", "vm-6.18", MFD_VIEW_VISUAL, 0, 0, -1, NULL, 40, 0 },
	{ "visual-numa2", "numa2-movable", MFD_VIEW_VISUAL, 0, 0, -1, NULL, 80, 0 },
	{ "visual-c-normal-numa2", "numa2-movable", MFD_VIEW_VISUAL, 0, 0, -1, "Normal", 80, 0 },
	{ "visual-orders14", "orders14", MFD_VIEW_VISUAL, 0, 0, -1, NULL, 80, 0 },
	{ "visual-orders14-w60", "orders14", MFD_VIEW_VISUAL, 0, 0, -1, NULL, 60, 0 },
	{ "visual-frag", NULL, MFD_VIEW_VISUAL, 0, 0, -1, NULL, 80, 0 },
	/* compaction and reclaim, and -z with pagetypeinfo */
	{ "compaction-vm-6.18", "vm-6.18", MFD_VIEW_COMPACTION, 0, 0, -1, NULL, 80, 0, 1 },
	{ "compaction-vm-6.18-w40", "vm-6.18", MFD_VIEW_COMPACTION, 0, 0, -1, NULL, 40, 0, 1 },
	{ "compaction-numa2", "numa2-movable", MFD_VIEW_COMPACTION, 0, 0, -1, NULL, 80, 0, 1 },
	{ "compaction-unavailable", "vm-6.18", MFD_VIEW_COMPACTION, 0, 0, -1, NULL, 80, 0, 0 },
	{ "zone-pt-vm-6.18", "vm-6.18", MFD_VIEW_ZONE, 0, 0, -1, "Normal", 80, 0, 1 },
};
/* clang-format on */

static void load(struct env *e, const char *fixture)
{
	if (fixture)
		load_fixture(fixture, &e->snap);
	else
		load_fragmented(&e->snap);
}

static void test_goldens(void **state)
{
	struct env *e = *state;

	build_procs(e);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct golden_case *c = &cases[i];
		struct mfd_view_opts o = opts_for(c->view, c->width);

		o.index = c->index;
		o.bars = c->bars;
		o.node_filter = c->node;
		o.zone_filter = c->zone;
		load(e, c->fixture);
		render_sig(e, &o, c->procs, c->signals);
		assert_fits(&e->screen, c->width);
		check_golden(&e->screen, c->name);
	}
}

/* --- properties --------------------------------------------------------- */

static const char *const all_fixtures[] = { "vm-6.18", "numa2-movable",
					    "orders14", NULL };

static size_t count_hl(const struct mfd_screen *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nr_lines; i++)
		for (const char *p = s->lines[i]; *p; p++)
			n += *p == MFD_HL_ON;
	return n;
}

static size_t rule_cells(const struct mfd_snapshot *snap)
{
	size_t n = 0;

	for (uint32_t i = 0; i < snap->nr_zones; i++)
		for (uint32_t o = 0; o < snap->nr_orders; o++)
			n += mfd_view_highlight(
				o, snap->zones[i].order[o].unusable_index);
	return n;
}

/* No line of any view, at any width from 20 to 200, is wider. */
static void test_width(void **state)
{
	struct env *e = *state;
	static const enum mfd_view views[] = {
		MFD_VIEW_INDEX, MFD_VIEW_NODE,	 MFD_VIEW_ZONE,
		MFD_VIEW_PROCS, MFD_VIEW_VISUAL, MFD_VIEW_COMPACTION,
	};

	build_procs(e);
	for (int f = -1; f < 3; f++) {
		load(e, f < 0 ? NULL : all_fixtures[f]);
		for (size_t v = 0; v < 6; v++)
			for (unsigned int w = 20; w <= 200; w += 7)
				for (int b = 0; b < 2; b++) {
					struct mfd_view_opts o =
						opts_for(views[v], w);

					o.bars = b;
					render_sig(e, &o, true, b);
					assert_fits(&e->screen, w);
				}
	}
}

/* Index view: one row per zone and order, in snapshot order, whose
 * numbers are mfd_index_str() of the snapshot's, highlighted exactly where
 * the seed's rule says. */
static void check_index_rows(struct env *e, enum mfd_index_sel sel)
{
	const struct mfd_snapshot *snap = &e->snap;
	struct mfd_view_opts o = opts_for(MFD_VIEW_INDEX, 80);
	size_t row = 2; /* header line, column titles */

	o.index = sel;
	render(e, &o, false);
	assert_int_equal(e->screen.nr_lines,
			 2 + snap->nr_zones * snap->nr_orders);
	for (uint32_t i = 0; i < snap->nr_zones; i++) {
		const struct mfd_zone *z = &snap->zones[i];

		for (uint32_t o2 = 0; o2 < snap->nr_orders; o2++, row++) {
			const char *line = e->screen.lines[row];
			const struct mfd_order_stat *st = &z->order[o2];
			bool hl = mfd_view_highlight(o2, st->unusable_index);
			char plain[256], name[32], ext[16], unu[16];
			char want_ext[16], want_unu[16], cell[40];
			unsigned int node, order;
			int n;

			mfd_screen_strip(line, plain, sizeof(plain));
			mfd_index_str(st->extfrag_index, want_ext,
				      sizeof(want_ext));
			mfd_index_str(st->unusable_index, want_unu,
				      sizeof(want_unu));
			n = sscanf(plain, "%31s %u %u %15s %15s", name, &node,
				   &order, ext, unu);
			assert_string_equal(name, z->name);
			assert_int_equal(node, z->node);
			assert_int_equal(order, o2);
			if (sel == MFD_INDEX_BOTH) {
				assert_int_equal(n, 5);
				assert_string_equal(ext, want_ext);
				assert_string_equal(unu, want_unu);
			} else {
				assert_int_equal(n, 4);
				assert_string_equal(ext,
						    sel == MFD_INDEX_EXTFRAG ?
							    want_ext :
							    want_unu);
			}
			/* The highlighted cells hold exactly the numbers. */
			assert_int_equal(strchr(line, MFD_HL_ON) != NULL, hl);
			if (!hl)
				continue;
			snprintf(cell, sizeof(cell), "%c%s%c", MFD_HL_ON,
				 sel == MFD_INDEX_UNUSABLE ? want_unu :
							     want_ext,
				 MFD_HL_OFF);
			assert_non_null(strstr(line, cell));
			if (sel == MFD_INDEX_BOTH) {
				snprintf(cell, sizeof(cell), "%c%s%c",
					 MFD_HL_ON, want_unu, MFD_HL_OFF);
				assert_non_null(strstr(line, cell));
			}
		}
	}
}

static void test_index_numbers_and_highlight(void **state)
{
	struct env *e = *state;

	for (int f = -1; f < 3; f++) {
		load(e, f < 0 ? NULL : all_fixtures[f]);
		check_index_rows(e, MFD_INDEX_BOTH);
		check_index_rows(e, MFD_INDEX_EXTFRAG);
		check_index_rows(e, MFD_INDEX_UNUSABLE);
	}
	/* The fragmented set must exercise the rule, or the above proves
	 * nothing about highlighting. */
	load(e, NULL);
	assert_true(rule_cells(&e->snap) >= 5);
}

/* Highlights in the other views: one cell per zone view row (two: both
 * indices) and visual cell that meets the rule, none elsewhere. */
static void test_highlight_counts(void **state)
{
	struct env *e = *state;

	for (int f = -1; f < 3; f++) {
		struct mfd_view_opts o;
		size_t want;

		load(e, f < 0 ? NULL : all_fixtures[f]);
		want = rule_cells(&e->snap);

		o = opts_for(MFD_VIEW_ZONE, 80);
		render(e, &o, false);
		assert_int_equal(count_hl(&e->screen), 2 * want);

		o = opts_for(MFD_VIEW_VISUAL, 80);
		render(e, &o, false);
		assert_int_equal(count_hl(&e->screen), want);

		o = opts_for(MFD_VIEW_INDEX, 80);
		o.bars = true;
		render(e, &o, false);
		assert_int_equal(count_hl(&e->screen), 2 * want);

		o = opts_for(MFD_VIEW_NODE, 80);
		render(e, &o, false);
		assert_int_equal(count_hl(&e->screen), 0);
	}
}

static bool has_line_with(const struct mfd_screen *s, const char *needle)
{
	char plain[1100];

	for (size_t i = 0; i < s->nr_lines; i++) {
		mfd_screen_strip(s->lines[i], plain, sizeof(plain));
		if (strstr(plain, needle))
			return true;
	}
	return false;
}

/* Every zone of every fixture shows up in the zone and visual views, every
 * node in the node view. */
static void test_every_zone_appears(void **state)
{
	struct env *e = *state;

	for (int f = -1; f < 3; f++) {
		const struct mfd_snapshot *snap = &e->snap;
		struct mfd_view_opts oz = opts_for(MFD_VIEW_ZONE, 80);
		struct mfd_view_opts ov = opts_for(MFD_VIEW_VISUAL, 80);
		struct mfd_view_opts on = opts_for(MFD_VIEW_NODE, 80);
		char want[64];

		load(e, f < 0 ? NULL : all_fixtures[f]);
		assert_true(snap->nr_zones > 0);
		for (uint32_t i = 0; i < snap->nr_zones; i++) {
			const struct mfd_zone *z = &snap->zones[i];

			render(e, &oz, false);
			snprintf(want, sizeof(want),
				 "Node %u, zone %s:", z->node, z->name);
			assert_true(has_line_with(&e->screen, want));
			render(e, &ov, false);
			snprintf(want, sizeof(want), "N%u %s ", z->node,
				 z->name);
			assert_true(has_line_with(&e->screen, want));
		}
		render(e, &on, false);
		assert_int_equal(e->screen.nr_lines, 2 + snap->nr_nodes);
	}
}

/* -c is case-insensitive, -i selects a node, and a filter that matches
 * nothing says so instead of printing an empty table. */
static void test_filters(void **state)
{
	struct env *e = *state;
	struct mfd_view_opts o = opts_for(MFD_VIEW_INDEX, 80);

	load(e, "numa2-movable");
	o.zone_filter = "nOrMaL";
	render(e, &o, false);
	/* Node 0 Normal and node 1 Normal, 11 orders each. */
	assert_int_equal(e->screen.nr_lines, 2 + 2 * e->snap.nr_orders);
	o.node_filter = 1;
	render(e, &o, false);
	assert_int_equal(e->screen.nr_lines, 2 + e->snap.nr_orders);
	o.zone_filter = "DMA";
	for (int v = MFD_VIEW_INDEX; v <= MFD_VIEW_VISUAL; v++) {
		if (v == MFD_VIEW_PROCS || v == MFD_VIEW_NODE)
			continue;
		o.view = (enum mfd_view)v;
		render(e, &o, false);
		assert_true(has_line_with(&e->screen, "No zone matches"));
	}
	o.view = MFD_VIEW_NODE;
	o.node_filter = 5;
	render(e, &o, false);
	assert_true(has_line_with(&e->screen, "No node 5"));
}

/* -s: highest count first, ties by pid, COUNT and FRAG% as added. */
static void test_procs_sorted(void **state)
{
	struct env *e = *state;
	struct mfd_view_opts o = opts_for(MFD_VIEW_PROCS, 80);
	static const struct {
		const char *comm;
		unsigned int pid, count;
		const char *frag;
	} want[] = {
		{ "stress-ng-vm", 4242, 37, "81.1" },
		{ "systemd-journal", 402, 12, "100.0" },
		{ "java", 1777, 12, "33.3" },
		{ "kcompactd0", 61, 5, "0.0" },
		{ "swapper/1", 0, 2, "100.0" },
		{ "sshd", 990, 1, "100.0" },
	};

	load(e, "vm-6.18");
	build_procs(e);
	render(e, &o, true);
	assert_true(has_line_with(&e->screen, "| events 69"));
	assert_true(has_line_with(&e->screen,
				  "69 events since start, 49 fragmenting "
				  "(71.0%), 3 dropped"));
	assert_non_null(strstr(e->screen.lines[2], "COMM"));
	for (size_t i = 0; i < 6; i++) {
		char comm[32], pfn[32], frag[16];
		unsigned int pid, ao, fo;
		unsigned long long count;
		const char *line = e->screen.lines[3 + i];

		assert_int_equal(sscanf(line, "%31s %u %31s %u %u %llu %15s",
					comm, &pid, pfn, &ao, &fo, &count,
					frag),
				 7);
		assert_string_equal(comm, want[i].comm);
		assert_int_equal(pid, want[i].pid);
		assert_int_equal(count, want[i].count);
		assert_string_equal(frag, want[i].frag);
		assert_true(strncmp(pfn, "0x", 2) == 0);
	}
	/* max_procs bounds the table and says how many were left out. */
	o.max_procs = 2;
	render(e, &o, true);
	assert_true(has_line_with(&e->screen, "(4 more processes not shown)"));
	assert_non_null(strstr(e->screen.lines[4], "systemd-journal"));

	/* Wide enough: the migratetype columns of the latest event. */
	o = opts_for(MFD_VIEW_PROCS, 120);
	render(e, &o, true);
	assert_true(has_line_with(&e->screen, "ALLOC_MT"));
	assert_non_null(strstr(e->screen.lines[3], "Movable     Unmovable"));
}

static void test_procs_unavailable(void **state)
{
	struct env *e = *state;
	struct mfd_view_opts o = opts_for(MFD_VIEW_PROCS, 80);

	load(e, "vm-6.18");
	render(e, &o, false);
	assert_true(has_line_with(&e->screen, "unavailable"));
	assert_false(has_line_with(&e->screen, "COMM"));
}

/* Rendering is a function of its input: twice the same, no time in it. */
static void test_deterministic(void **state)
{
	struct env *e = *state;
	struct mfd_view_opts o = opts_for(MFD_VIEW_VISUAL, 80);
	char *a, *b;

	load(e, "numa2-movable");
	render(e, &o, false);
	a = screen_text(&e->screen);
	e->snap.time_unix_nano = 1795000000000000000ull;
	e->snap.mono_ns = 123456789;
	e->snap.duration_ns = 4242;
	render(e, &o, false);
	b = screen_text(&e->screen);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

static void test_bad_args(void **state)
{
	struct env *e = *state;
	struct mfd_view_opts o = opts_for(MFD_VIEW_INDEX, 80);
	struct mfd_view_input in = { .snap = NULL };

	assert_int_equal(mfd_view_render(&o, &in, &e->screen), -EINVAL);
	load(e, "vm-6.18");
	in.snap = &e->snap;
	o.view = (enum mfd_view)99;
	assert_int_equal(mfd_view_render(&o, &in, &e->screen), -EINVAL);
}

/* -m's forecast: the zone whose order-9 blocks fall by 2 a second from
 * 1,000 shows the blocks left and "in" (blocks left / 2) seconds; one that
 * holds says steady; one with none says exhausted. */
static void test_forecast_section(void **state)
{
	struct env *e = *state;
	struct mfd_forecast *f = calloc(1, sizeof(*f));
	struct mfd_view_opts o = opts_for(MFD_VIEW_COMPACTION, 120);
	struct mfd_view_input in = { .kinfo = &e->kinfo };
	uint64_t left = 0;
	char want[128];
	int zn = -1, zd = -1;

	assert_non_null(f);
	load(e, NULL);
	for (uint32_t i = 0; i < e->snap.nr_zones; i++) {
		if (zn < 0 && !strcmp(e->snap.zones[i].name, "Normal"))
			zn = (int)i;
		else if (zd < 0)
			zd = (int)i;
	}
	assert_true(zn >= 0 && zd >= 0);
	mfd_forecast_init(f, 9, 600);
	for (int t = 0; t < 120; t++) {
		for (uint32_t i = 0; i < e->snap.nr_zones; i++)
			for (unsigned int k = 9; k < e->snap.nr_orders; k++)
				e->snap.zones[i].order[k].free_blocks = 0;
		left = 1000 - 2 * (uint64_t)t;
		e->snap.zones[zn].order[9].free_blocks = left;
		e->snap.zones[zd].order[9].free_blocks = 0;
		e->snap.mono_ns = (uint64_t)(t + 1) * 1000000000ull;
		assert_int_equal(mfd_snapshot_finish(&e->snap), 0);
		mfd_forecast_update(f, &e->snap, e->snap.mono_ns, NULL);
	}
	build_signals(e);
	in.snap = &e->snap;
	in.pressure = e->sig;
	in.forecast = f;
	assert_int_equal(mfd_view_render(&o, &in, &e->screen), 0);
	assert_true(has_line_with(&e->screen, "Exhaustion forecast"));
	/* 762 blocks left at 2 a second: 381 s, "in 6m 21s". */
	snprintf(want, sizeof(want), "%llu", (unsigned long long)left);
	assert_true(has_line_with(&e->screen, want));
	snprintf(want, sizeof(want), "in %llum %llus (no suitable block)",
		 (unsigned long long)(left / 2 / 60),
		 (unsigned long long)(left / 2 % 60));
	assert_true(has_line_with(&e->screen, want));
	assert_true(has_line_with(&e->screen, "-120.0"));
	assert_true(
		has_line_with(&e->screen, "exhausted now (no suitable block)"));
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_goldens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_width, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_index_numbers_and_highlight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_highlight_counts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_every_zone_appears, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_procs_sorted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_procs_unavailable, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_deterministic, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forecast_section, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
