// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view_visual.c - the -v view: per zone, a bar per order for the free
 * blocks of that order and the unusable index under it, so the order where
 * free memory runs out shows at a glance.
 *
 * Free block counts span 0 to millions, so a bar has one '#' per decade
 * (1+, 10+, 100+, ...). Plain ASCII: the screen counts bytes as columns.
 */
#include <stdio.h>
#include <string.h>

#include "indices.h"
#include "view_lines.h"
#include "view_renderers.h"

#define CELL_WIDE 6 /* 5-column bar or "0.046", and a space */
#define CELL_NARROW 5 /* 4-column bar or " 46%", and a space */
#define LABEL_MIN 11 /* "  unusable " */

/* Decades of n: 0 for 0, 1 for 1..9, 2 for 10..99, ... capped at max. */
static unsigned int decades(uint64_t n, unsigned int max)
{
	unsigned int d = 0;

	while (n && d < max) {
		d++;
		n /= 10;
	}
	return d;
}

static void cell_bar(struct mfd_vline *l, uint64_t blocks, unsigned int cw)
{
	unsigned int d = decades(blocks, cw - 1);
	char b[CELL_WIDE + 1];

	if (!d) {
		mfd_vline_cell(l, ".", -(int)cw, false);
		return;
	}
	memset(b, '#', d);
	b[d] = '\0';
	mfd_vline_cell(l, b, -(int)cw, false);
}

static void cell_unusable(struct mfd_vline *l, unsigned int order, int milli,
			  unsigned int cw)
{
	char b[16];

	if (cw >= CELL_WIDE)
		mfd_index_str(milli, b, sizeof(b));
	else
		/* Percent, rounded down so that 100% means exactly 1.000. */
		snprintf(b, sizeof(b), "%d%%", milli / 10);
	mfd_vline_cell(l, b, 0, mfd_view_highlight(order, milli));
	mfd_vline_pad(l, l->vis + cw - (unsigned int)strlen(b));
}

void mfd_view_visual(const struct mfd_view_opts *opts,
		     const struct mfd_view_input *in, struct mfd_screen *s)
{
	const struct mfd_snapshot *snap = in->snap;
	unsigned int label = LABEL_MIN, cw, shown, zones = 0;
	struct mfd_vline l;
	char name[MFD_SNAP_ZONE_NAME_LEN + 16];

	for (uint32_t i = 0; i < snap->nr_zones; i++) {
		const struct mfd_zone *z = &snap->zones[i];
		unsigned int n;

		if (!mfd_view_zone_selected(opts, z))
			continue;
		n = (unsigned int)snprintf(name, sizeof(name), "N%u %s",
					   z->node, z->name) +
		    1;
		if (n > label)
			label = n;
	}
	/* Wide cells when every order fits, else narrow ones; orders that
	 * still do not fit are left out (and said so), never wrapped. */
	cw = CELL_WIDE;
	if (s->width + 1 < label + snap->nr_orders * CELL_WIDE)
		cw = CELL_NARROW;
	shown = s->width > label ? (s->width - label + 1) / cw : 0;
	if (shown > snap->nr_orders)
		shown = snap->nr_orders;

	mfd_view_header(s, opts, snap, "visual", NULL);
	mfd_screen_printf(s,
			  "free blocks, log10: # 1+ ## 10+ ### 100+ #### 1k+%s"
			  "  . none",
			  cw >= CELL_WIDE ? " ##### 10k+" : "");
	mfd_screen_printf(s, "%s",
			  cw >= CELL_WIDE ?
				  "unusable: unusable_index, free memory "
				  "unusable at this order (0..1)" :
				  "unusable: unusable_index in percent of "
				  "free memory");
	mfd_vline_init(&l);
	mfd_vline_cell(&l, "ORDER", -(int)label, false);
	for (unsigned int o = 0; o < shown; o++) {
		char b[12];

		snprintf(b, sizeof(b), "%u", o);
		mfd_vline_cell(&l, b, -(int)cw, false);
	}
	mfd_vline_emit(s, &l);

	for (uint32_t i = 0; i < snap->nr_zones; i++) {
		const struct mfd_zone *z = &snap->zones[i];

		if (!mfd_view_zone_selected(opts, z))
			continue;
		zones++;
		snprintf(name, sizeof(name), "N%u %s", z->node, z->name);
		mfd_vline_init(&l);
		mfd_vline_cell(&l, name, -(int)label, false);
		for (unsigned int o = 0; o < shown; o++)
			cell_bar(&l, z->order[o].free_blocks, cw);
		mfd_vline_emit(s, &l);

		mfd_vline_init(&l);
		mfd_vline_cell(&l, "  unusable", -(int)label, false);
		for (unsigned int o = 0; o < shown; o++)
			cell_unusable(&l, o, z->order[o].unusable_index, cw);
		mfd_vline_emit(s, &l);
	}
	if (!zones)
		mfd_view_no_match(s, opts, snap);
	else if (shown < snap->nr_orders)
		mfd_screen_printf(s, "orders %u-%u cut: %u columns needed",
				  shown, snap->nr_orders - 1,
				  label + snap->nr_orders * CELL_NARROW - 1);
}
