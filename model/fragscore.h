/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fragscore.h - the fragmentation score the kernel's proactive compaction
 * uses, per zone and node, and its trigger thresholds.
 *
 * Mirrors mm/compaction.c (identical in 6.1, 6.12 and 6.18):
 *   fragmentation_score_zone(z)  = extfrag_for_order(z, COMPACTION_HPAGE_ORDER)
 *   extfrag_for_order()  (mm/vmstat.c) = (free_pages -
 *       (free_blocks_suitable << order)) * 100 / free_pages, 0 if no free page
 *   fragmentation_score_zone_weighted(z) =
 *       z->present_pages * score(z) / (node_present_pages + 1)
 *   fragmentation_score_node(pgdat) = sum over populated zones of the above
 *   fragmentation_score_wmark(low)  = max(100 - proactiveness, 5), and
 *       high = min(low + 10, 100)
 * kcompactd compacts a node proactively when proactiveness > 0 and the
 * node score exceeds the high mark, and stops once it is at or below the
 * low mark. All integer arithmetic, as in the kernel. Pure.
 */
#ifndef MFD_FRAGSCORE_H
#define MFD_FRAGSCORE_H

#include <stdbool.h>
#include <stdint.h>

#include "snapshot.h"

struct mfd_frag_scores {
	unsigned int hpage_order; /* COMPACTION_HPAGE_ORDER used */
	bool have_proactiveness; /* vm.compaction_proactiveness was read */
	unsigned int proactiveness; /* 0..100 */
	unsigned int wmark_low; /* stop proactive compaction at or below */
	unsigned int wmark_high; /* start proactive compaction above */
	uint32_t nr_zones; /* same zones, same order as the snapshot */
	struct {
		bool valid; /* the zone has present_pages */
		unsigned int score; /* fragmentation_score_zone() 0..100 */
		unsigned int weighted; /* ..._zone_weighted() */
	} zone[MFD_SNAP_MAX_ZONES];
	uint32_t nr_nodes; /* same nodes as the snapshot */
	struct {
		uint32_t node; /* NUMA node id */
		unsigned int score; /* fragmentation_score_node() */
	} node[MFD_SNAP_MAX_NODES];
};

/* extfrag_for_order() over free_area[].nr_free. */
unsigned int mfd_frag_score_order(const uint64_t *nr_free,
				  unsigned int nr_orders, unsigned int order);
unsigned int mfd_frag_score_weighted(unsigned int score, uint64_t zone_present,
				     uint64_t node_present);
/* fragmentation_score_wmark(low). */
unsigned int mfd_frag_score_wmark(unsigned int proactiveness, bool low);

/* Scores of every zone and node of snap. proactiveness < 0: unknown
 * (thresholds still computed for the default 20). */
void mfd_frag_scores_compute(const struct mfd_snapshot *snap,
			     unsigned int hpage_order, int proactiveness,
			     struct mfd_frag_scores *out);

#endif /* MFD_FRAGSCORE_H */
