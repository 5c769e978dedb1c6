// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view_zone.c - the -z view: one block per zone, its facts once, then a
 * row per order.
 *
 * The seed printed TOTAL (free_blocks_total) and FREE (free_pages) on every
 * order row, but fill_contig_page_info() in mm/vmstat.c computes both over
 * all orders: they are per-zone facts, so they sit in the zone's header
 * with the seed's names. The order rows show what does change with the
 * order: the free blocks of that order (buddyinfo's count), SUITABLE and
 * the two indices.
 */
#include <stdio.h>
#include <string.h>

#include "indices.h"
#include "pressure.h"
#include "view_lines.h"
#include "view_renderers.h"

#define W_ORDER 5
#define W_NUM_FULL 10
#define W_NUM_SHORT 8
#define W_EXT_FULL 13
#define W_UNU_FULL 14
#define W_EXT_SHORT 7
#define W_UNU_SHORT 8
#define INDENT_FULL 2

/* Append "KEY value" to the header lines, starting a new (indented) line
 * when it would not fit the width. */
static void fact(struct mfd_screen *s, struct mfd_vline *l, const char *key,
		 const char *val)
{
	unsigned int n = (unsigned int)(strlen(key) + 1 + strlen(val));

	if (l->vis > 2 && l->vis + 2 + n > s->width) {
		mfd_vline_emit(s, l);
		mfd_vline_init(l);
		mfd_vline_addf(l, "  ");
	} else if (l->vis > 2) {
		mfd_vline_addf(l, "  ");
	}
	mfd_vline_addf(l, "%s %s", key, val);
}

static const char *u64_or_dash(uint64_t v, bool have, char *buf, size_t len)
{
	if (!have)
		return "-";
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

static void zone_facts(struct mfd_screen *s, const struct mfd_zone *z)
{
	bool span = z->have & MFD_HAVE_SPAN, wm = z->have & MFD_HAVE_WMARK;
	struct mfd_vline l;
	char b[24];

	mfd_vline_init(&l);
	mfd_vline_addf(&l, "Node %u, zone %s:", z->node, z->name);
	fact(s, &l, "ZONE_PFN", u64_or_dash(z->start_pfn, span, b, sizeof(b)));
	fact(s, &l, "SUM_PAGES",
	     u64_or_dash(z->spanned_pages, span, b, sizeof(b)));
	fact(s, &l, "FACT_PAGES",
	     u64_or_dash(z->present_pages, span, b, sizeof(b)));
	fact(s, &l, "MANAGED",
	     u64_or_dash(z->managed_pages, z->have & MFD_HAVE_MANAGED, b,
			 sizeof(b)));
	fact(s, &l, "TOTAL",
	     u64_or_dash(z->order[0].free_blocks_total, true, b, sizeof(b)));
	fact(s, &l, "FREE",
	     u64_or_dash(z->order[0].free_pages, true, b, sizeof(b)));
	fact(s, &l, "MIN", u64_or_dash(z->watermark_min, wm, b, sizeof(b)));
	fact(s, &l, "LOW", u64_or_dash(z->watermark_low, wm, b, sizeof(b)));
	fact(s, &l, "HIGH", u64_or_dash(z->watermark_high, wm, b, sizeof(b)));
	mfd_vline_emit(s, &l);
}

/* With --pagetypeinfo-interval: free blocks per migratetype and order
 * (">" marks a count the kernel stopped at 100000), then the pageblocks
 * each migratetype owns. Types are columns so the table stays narrow. */
static void migratetypes(struct mfd_screen *s, const struct mfd_pressure *g,
			 const struct mfd_zone *z, int indent)
{
	const struct mfd_pt_zone *pz =
		mfd_pressure_pt_zone(g, z->node, z->name);
	const struct mfd_pagetypeinfo *pt;
	struct mfd_vline l;
	char num[24];

	if (!pz)
		return;
	pt = g->pt;
	mfd_vline_init(&l);
	mfd_vline_addf(&l, "%*s%*s", indent, "", W_ORDER, "ORDER");
	for (unsigned int t = 0; t < pt->nr_types; t++)
		mfd_vline_addf(&l, " %11.11s", pt->type_name[t]);
	mfd_vline_emit(s, &l);
	for (unsigned int o = 0; o < pt->nr_orders; o++) {
		mfd_vline_init(&l);
		mfd_vline_addf(&l, "%*s%*u", indent, "", W_ORDER, o);
		for (unsigned int t = 0; t < pt->nr_types; t++) {
			bool cap = (pz->capped[t] >> o) & 1;

			if (!((pz->have_free >> t) & 1))
				snprintf(num, sizeof(num), "-");
			else
				snprintf(num, sizeof(num), "%s%llu",
					 cap ? ">" : "",
					 (unsigned long long)pz->free[t][o]);
			mfd_vline_addf(&l, " %11s", num);
		}
		mfd_vline_emit(s, &l);
	}
	if (pz->have_blocks) {
		mfd_vline_init(&l);
		mfd_vline_addf(&l, "%*s%*s", indent, "", W_ORDER, "BLKS");
		for (unsigned int t = 0; t < pt->nr_types; t++)
			mfd_vline_addf(&l, " %11llu",
				       (unsigned long long)pz->blocks[t]);
		mfd_vline_emit(s, &l);
	}
}

void mfd_view_zone(const struct mfd_view_opts *opts,
		   const struct mfd_view_input *in, struct mfd_screen *s)
{
	const struct mfd_snapshot *snap = in->snap;
	unsigned int full = INDENT_FULL + W_ORDER + 2 * (1 + W_NUM_FULL) + 1 +
			    W_EXT_FULL + 1 + W_UNU_FULL;
	bool compact = s->width < full;
	int indent = compact ? 0 : INDENT_FULL;
	int w_num = compact ? W_NUM_SHORT : W_NUM_FULL;
	int w_ext = compact ? W_EXT_SHORT : W_EXT_FULL;
	int w_unu = compact ? W_UNU_SHORT : W_UNU_FULL;
	unsigned int blocks = 0;
	struct mfd_vline l;

	mfd_view_header(s, opts, snap, "zones", NULL);
	for (uint32_t i = 0; i < snap->nr_zones; i++) {
		const struct mfd_zone *z = &snap->zones[i];

		if (!mfd_view_zone_selected(opts, z))
			continue;
		if (blocks++)
			mfd_screen_printf(s, "%s", "");
		zone_facts(s, z);
		mfd_vline_init(&l);
		mfd_vline_addf(&l, "%*s%*s %*s %*s %*s %*s", indent, "",
			       W_ORDER, "ORDER", w_num, "NR_FREE", w_num,
			       "SUITABLE", w_ext,
			       compact ? "extfrag" : "extfrag_index", w_unu,
			       compact ? "unusable" : "unusable_index");
		mfd_vline_emit(s, &l);
		for (uint32_t o = 0; o < snap->nr_orders; o++) {
			const struct mfd_order_stat *st = &z->order[o];
			bool hl = mfd_view_highlight(o, st->unusable_index);
			char num[16];

			mfd_vline_init(&l);
			mfd_vline_addf(
				&l, "%*s%*u %*llu %*llu ", indent, "", W_ORDER,
				o, w_num, (unsigned long long)st->free_blocks,
				w_num,
				(unsigned long long)st->free_blocks_suitable);
			mfd_vline_cell(&l,
				       mfd_index_str(st->extfrag_index, num,
						     sizeof(num)),
				       w_ext, hl);
			mfd_vline_addf(&l, " ");
			mfd_vline_cell(&l,
				       mfd_index_str(st->unusable_index, num,
						     sizeof(num)),
				       w_unu, hl);
			mfd_vline_emit(s, &l);
		}
		if (in->pressure)
			migratetypes(s, in->pressure, z, indent);
	}
	if (!blocks)
		mfd_view_no_match(s, opts, snap);
}
