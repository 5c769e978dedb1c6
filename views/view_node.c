// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view_node.c - the -n view: one row per NUMA node with memory.
 *
 * PRESENT and SPANNED come from pglist_data when the source could read it
 * (BPF); the procfs source derives them from the node's zones, which
 * leaves out pages in unpopulated zones (mfd_snapshot_finish()).
 */
#include <stdio.h>

#include "view_lines.h"
#include "view_renderers.h"

#define W_NODE 7 /* "NODE_ID" */
#define W_ZONES 5 /* "ZONES" */
#define W_START 14 /* "NODE_START_PFN" */
#define W_PAGES 10 /* up to 40 TiB of 4 KiB pages */

void mfd_view_node(const struct mfd_view_opts *opts,
		   const struct mfd_view_input *in, struct mfd_screen *s)
{
	const struct mfd_snapshot *snap = in->snap;
	struct mfd_vline l;
	unsigned int rows = 0;

	mfd_view_header(s, opts, snap, "nodes", NULL);
	mfd_vline_init(&l);
	mfd_vline_addf(&l, "%*s %*s %*s %*s %*s %*s  %s", W_NODE, "NODE_ID",
		       W_ZONES, "ZONES", W_START, "NODE_START_PFN", W_PAGES,
		       "PRESENT", W_PAGES, "SPANNED", W_PAGES, "FREE",
		       "ZONE_NAMES");
	mfd_vline_emit(s, &l);

	for (uint32_t n = 0; n < snap->nr_nodes; n++) {
		const struct mfd_node *nd = &snap->nodes[n];
		uint64_t free_pages = 0;

		if (opts->node_filter >= 0 &&
		    nd->node != (uint32_t)opts->node_filter)
			continue;
		/* FREE as in the -z view: pages in the buddy free lists,
		 * sum of nr_free[o] << o (fill_contig_page_info()). */
		for (uint32_t i = 0; i < nd->nr_zones; i++)
			free_pages += snap->zones[nd->first_zone + i]
					      .order[0]
					      .free_pages;
		mfd_vline_init(&l);
		mfd_vline_addf(&l, "%*u %*u %*llu %*llu %*llu %*llu ", W_NODE,
			       nd->node, W_ZONES, nd->nr_zones, W_START,
			       (unsigned long long)nd->start_pfn, W_PAGES,
			       (unsigned long long)nd->present_pages, W_PAGES,
			       (unsigned long long)nd->spanned_pages, W_PAGES,
			       (unsigned long long)free_pages);
		for (uint32_t i = 0; i < nd->nr_zones; i++)
			mfd_vline_addf(&l, "%c%s", i ? ',' : ' ',
				       snap->zones[nd->first_zone + i].name);
		mfd_vline_emit(s, &l);
		rows++;
	}
	if (!rows) {
		mfd_vline_init(&l);
		mfd_vline_addf(&l, "No node %d with memory; nodes present:",
			       opts->node_filter);
		for (uint32_t n = 0; n < snap->nr_nodes; n++)
			mfd_vline_addf(&l, " %u", snap->nodes[n].node);
		mfd_vline_emit(s, &l);
	}
}
