// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view_index.c - the default view: one row per zone and order with the
 * kernel's extfrag_index and unusable_index (as
 * /sys/kernel/debug/extfrag/{extfrag_index,unusable_index} print them),
 * -e/-u to show one of them, -b to add a bar.
 */
#include <string.h>

#include "indices.h"
#include "view_lines.h"
#include "view_renderers.h"

/* Column widths; the compact labels are used when the full ones do not
 * fit (a 40 column split pane, say). */
#define W_NODE 4
#define W_ORDER 5
#define W_EXT_FULL 13 /* "extfrag_index" */
#define W_UNU_FULL 14 /* "unusable_index" */
#define W_EXT_SHORT 7 /* "extfrag" */
#define W_UNU_SHORT 8 /* "unusable" */
#define MIN_BAR 6 /* narrower bars say nothing */

struct index_layout {
	int w_zone; /* ZONE column: longest selected zone name */
	int w_ext; /* 0: column hidden */
	int w_unu; /* 0: column hidden */
	const char *l_ext, *l_unu; /* header labels */
	unsigned int bar; /* bar cells between the brackets, 0: none */
	bool bar_ext; /* the bar shows extfrag_index (-e -b) */
};

static unsigned int table_width(const struct index_layout *lay)
{
	unsigned int w = (unsigned int)lay->w_zone + 1 + W_NODE + 1 + W_ORDER;

	if (lay->w_ext)
		w += 1 + (unsigned int)lay->w_ext;
	if (lay->w_unu)
		w += 1 + (unsigned int)lay->w_unu;
	return w;
}

static void layout(const struct mfd_view_opts *opts,
		   const struct mfd_snapshot *snap, unsigned int width,
		   struct index_layout *lay)
{
	bool ext = opts->index != MFD_INDEX_UNUSABLE;
	bool unu = opts->index != MFD_INDEX_EXTFRAG;
	unsigned int used;

	memset(lay, 0, sizeof(*lay));
	lay->w_zone = 4; /* "ZONE" */
	for (uint32_t i = 0; i < snap->nr_zones; i++) {
		int n = (int)strlen(snap->zones[i].name);

		if (mfd_view_zone_selected(opts, &snap->zones[i]) &&
		    n > lay->w_zone)
			lay->w_zone = n;
	}
	lay->w_ext = ext ? W_EXT_FULL : 0;
	lay->w_unu = unu ? W_UNU_FULL : 0;
	lay->l_ext = "extfrag_index";
	lay->l_unu = "unusable_index";
	if (table_width(lay) > width) {
		lay->w_ext = ext ? W_EXT_SHORT : 0;
		lay->w_unu = unu ? W_UNU_SHORT : 0;
		lay->l_ext = "extfrag";
		lay->l_unu = "unusable";
	}
	used = table_width(lay);
	/* " [" + bar + "]" */
	if (opts->bars && width > used + 3 + MIN_BAR) {
		lay->bar = width - used - 3;
		lay->bar_ext = opts->index == MFD_INDEX_EXTFRAG;
	}
}

/* Over the bar: 0 under its first cell, 1 under its last, the name of the
 * index in the middle. l ends where the bar's " [" will start. */
static void bar_title(struct mfd_vline *l, const struct index_layout *lay)
{
	const char *name = lay->bar_ext ? "extfrag_index" : "unusable_index";
	unsigned int n = (unsigned int)strlen(name);
	unsigned int start = l->vis + 2; /* first cell of the bar */

	mfd_vline_pad(l, start);
	mfd_vline_addf(l, "0");
	if (lay->bar >= n + 4) {
		mfd_vline_pad(l, start + (lay->bar - n) / 2);
		mfd_vline_addf(l, "%s", name);
	}
	mfd_vline_pad(l, start + lay->bar - 1);
	mfd_vline_addf(l, "1");
}

static void bar(struct mfd_vline *l, int milli, unsigned int cells)
{
	unsigned int fill;

	mfd_vline_addf(l, " [");
	if (milli < 0) {
		/* extfrag_index -1: a free block of this order exists, the
		 * index does not apply (mm/vmstat.c). */
		mfd_vline_addf(l, "n/a");
		mfd_vline_pad(l, l->vis + cells - 3);
	} else {
		if (milli > 1000)
			milli = 1000;
		/* Round to the nearest cell, but show any non-zero value. */
		fill = ((unsigned int)milli * cells + 500) / 1000;
		if (milli > 0 && fill == 0)
			fill = 1;
		for (unsigned int i = 0; i < cells; i++)
			mfd_vline_addf(l, "%c", i < fill ? '#' : ' ');
	}
	mfd_vline_addf(l, "]");
}

void mfd_view_index(const struct mfd_view_opts *opts,
		    const struct mfd_view_input *in, struct mfd_screen *s)
{
	const struct mfd_snapshot *snap = in->snap;
	struct index_layout lay;
	struct mfd_vline l;
	unsigned int rows = 0;
	const char *name = opts->index == MFD_INDEX_EXTFRAG ? "extfrag_index" :
			   opts->index == MFD_INDEX_UNUSABLE ?
							      "unusable_index" :
							      "indices";

	mfd_view_header(s, opts, snap, name, NULL);
	layout(opts, snap, s->width, &lay);

	mfd_vline_init(&l);
	mfd_vline_cell(&l, "ZONE", -lay.w_zone, false);
	mfd_vline_cell(&l, " NODE", W_NODE + 1, false);
	mfd_vline_cell(&l, "ORDER", W_ORDER + 1, false);
	if (lay.w_ext)
		mfd_vline_cell(&l, lay.l_ext, lay.w_ext + 1, false);
	if (lay.w_unu)
		mfd_vline_cell(&l, lay.l_unu, lay.w_unu + 1, false);
	if (lay.bar)
		bar_title(&l, &lay);
	mfd_vline_emit(s, &l);

	for (uint32_t i = 0; i < snap->nr_zones; i++) {
		const struct mfd_zone *z = &snap->zones[i];

		if (!mfd_view_zone_selected(opts, z))
			continue;
		for (uint32_t o = 0; o < snap->nr_orders; o++) {
			const struct mfd_order_stat *st = &z->order[o];
			bool hl = mfd_view_highlight(o, st->unusable_index);
			char num[16];

			mfd_vline_init(&l);
			mfd_vline_cell(&l, z->name, -lay.w_zone, false);
			mfd_vline_addf(&l, " %*u %*u", W_NODE, z->node, W_ORDER,
				       o);
			if (lay.w_ext) {
				mfd_vline_addf(&l, " ");
				mfd_vline_cell(&l,
					       mfd_index_str(st->extfrag_index,
							     num, sizeof(num)),
					       lay.w_ext, hl);
			}
			if (lay.w_unu) {
				mfd_vline_addf(&l, " ");
				mfd_vline_cell(&l,
					       mfd_index_str(st->unusable_index,
							     num, sizeof(num)),
					       lay.w_unu, hl);
			}
			if (lay.bar)
				bar(&l,
				    lay.bar_ext ? st->extfrag_index :
						  st->unusable_index,
				    lay.bar);
			mfd_vline_emit(s, &l);
			rows++;
		}
	}
	if (!rows)
		mfd_view_no_match(s, opts, snap);
}
