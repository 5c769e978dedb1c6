// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fragscore.c - proactive-compaction fragmentation score (see
 * fragscore.h for the kernel functions this mirrors).
 */
#include <string.h>

#include "fragscore.h"

unsigned int mfd_frag_score_order(const uint64_t *nr_free,
				  unsigned int nr_orders, unsigned int order)
{
	uint64_t free_pages = 0, suitable = 0;

	/* fill_contig_page_info() */
	for (unsigned int o = 0; o < nr_orders && o < 64; o++) {
		free_pages += nr_free[o] << o;
		if (o >= order)
			suitable += nr_free[o] << (o - order);
	}
	if (free_pages == 0)
		return 0;
	if (order >= 64)
		return 100;
	return (unsigned int)((free_pages - (suitable << order)) * 100 /
			      free_pages);
}

unsigned int mfd_frag_score_weighted(unsigned int score, uint64_t zone_present,
				     uint64_t node_present)
{
	return (unsigned int)(zone_present * score / (node_present + 1));
}

unsigned int mfd_frag_score_wmark(unsigned int proactiveness, bool low)
{
	unsigned int wmark_low;

	if (proactiveness > 100)
		proactiveness = 100;
	wmark_low = 100u - proactiveness;
	if (wmark_low < 5)
		wmark_low = 5;
	if (low)
		return wmark_low;
	return wmark_low + 10 < 100 ? wmark_low + 10 : 100;
}

void mfd_frag_scores_compute(const struct mfd_snapshot *snap,
			     unsigned int hpage_order, int proactiveness,
			     struct mfd_frag_scores *out)
{
	unsigned int p = proactiveness < 0 ? 20 : (unsigned int)proactiveness;

	memset(out, 0, sizeof(*out));
	out->hpage_order = hpage_order;
	out->have_proactiveness = proactiveness >= 0;
	out->proactiveness = p;
	out->wmark_low = mfd_frag_score_wmark(p, true);
	out->wmark_high = mfd_frag_score_wmark(p, false);
	out->nr_zones = snap->nr_zones;
	out->nr_nodes = snap->nr_nodes;
	for (uint32_t ni = 0; ni < snap->nr_nodes; ni++) {
		const struct mfd_node *n = &snap->nodes[ni];

		out->node[ni].node = n->node;
		for (uint32_t zi = n->first_zone;
		     zi < n->first_zone + n->nr_zones && zi < snap->nr_zones;
		     zi++) {
			const struct mfd_zone *z = &snap->zones[zi];
			uint64_t nr_free[MFD_SNAP_MAX_ORDERS];

			/* populated_zone(): present_pages != 0 */
			if (!(z->have & MFD_HAVE_SPAN) || !z->present_pages)
				continue;
			for (unsigned int o = 0; o < MFD_SNAP_MAX_ORDERS; o++)
				nr_free[o] = z->order[o].free_blocks;
			out->zone[zi].valid = true;
			out->zone[zi].score = mfd_frag_score_order(
				nr_free, snap->nr_orders, hpage_order);
			out->zone[zi].weighted = mfd_frag_score_weighted(
				out->zone[zi].score, z->present_pages,
				n->present_pages);
			out->node[ni].score += out->zone[zi].weighted;
		}
	}
}
