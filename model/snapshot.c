// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * snapshot.c - finishing a snapshot: order, nodes and indices.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "indices.h"
#include "snapshot.h"

const char *mfd_source_name(enum mfd_source src)
{
	switch (src) {
	case MFD_SOURCE_BPF:
		return "bpf";
	case MFD_SOURCE_PROCFS:
		return "procfs";
	case MFD_SOURCE_REPLAY:
		return "replay";
	default:
		return "none";
	}
}

static int zone_cmp(const void *a, const void *b)
{
	const struct mfd_zone *x = a, *y = b;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	if (x->zone_idx != y->zone_idx)
		return x->zone_idx < y->zone_idx ? -1 : 1;
	return strcmp(x->name, y->name);
}

int mfd_snapshot_set_node(struct mfd_snapshot *snap, uint32_t node,
			  uint64_t start_pfn, uint64_t present_pages,
			  uint64_t spanned_pages)
{
	struct mfd_node *n = NULL;

	for (uint32_t i = 0; i < snap->nr_nodes; i++)
		if (snap->nodes[i].node == node)
			n = &snap->nodes[i];
	if (!n) {
		if (snap->nr_nodes >= MFD_SNAP_MAX_NODES)
			return -E2BIG;
		n = &snap->nodes[snap->nr_nodes++];
		memset(n, 0, sizeof(*n));
		n->node = node;
	}
	n->have_pgdat = true;
	n->start_pfn = start_pfn;
	n->present_pages = present_pages;
	n->spanned_pages = spanned_pages;
	return 0;
}

static void compute_indices(struct mfd_zone *z, uint32_t nr_orders)
{
	uint64_t nr_free[MFD_SNAP_MAX_ORDERS];

	for (uint32_t o = 0; o < nr_orders; o++)
		nr_free[o] = z->order[o].free_blocks;
	for (uint32_t o = 0; o < nr_orders; o++) {
		struct mfd_order_stat *st = &z->order[o];
		struct mfd_contig_info info;

		mfd_contig_info(nr_free, nr_orders, o, &info);
		st->free_blocks_total = info.free_blocks_total;
		st->free_blocks_suitable = info.free_blocks_suitable;
		st->free_pages = info.free_pages;
		st->unusable_index = mfd_unusable_index(o, &info);
		st->extfrag_index = mfd_extfrag_index(o, nr_orders, &info);
	}
}

int mfd_snapshot_finish(struct mfd_snapshot *snap)
{
	struct mfd_node pgdat[MFD_SNAP_MAX_NODES];
	uint32_t nr_pgdat = snap->nr_nodes;

	if (snap->nr_orders == 0 || snap->nr_orders > MFD_SNAP_MAX_ORDERS ||
	    snap->nr_zones > MFD_SNAP_MAX_ZONES ||
	    snap->nr_nodes > MFD_SNAP_MAX_NODES)
		return -EINVAL;

	memcpy(pgdat, snap->nodes, nr_pgdat * sizeof(pgdat[0]));
	/* The BPF walk and procfs list zones in order already; qsort()
	 * would malloc a merge buffer for them every sample. */
	for (uint32_t i = 1; i < snap->nr_zones; i++)
		if (zone_cmp(&snap->zones[i - 1], &snap->zones[i]) > 0) {
			qsort(snap->zones, snap->nr_zones,
			      sizeof(snap->zones[0]), zone_cmp);
			break;
		}

	snap->nr_nodes = 0;
	for (uint32_t i = 0; i < snap->nr_zones; i++) {
		struct mfd_zone *z = &snap->zones[i];
		struct mfd_node *n;
		uint64_t end;

		compute_indices(z, snap->nr_orders);
		if (snap->nr_nodes == 0 ||
		    snap->nodes[snap->nr_nodes - 1].node != z->node) {
			if (snap->nr_nodes >= MFD_SNAP_MAX_NODES)
				return -E2BIG;
			n = &snap->nodes[snap->nr_nodes++];
			memset(n, 0, sizeof(*n));
			n->node = z->node;
			n->first_zone = i;
			n->start_pfn = z->start_pfn;
			for (uint32_t k = 0; k < nr_pgdat; k++)
				if (pgdat[k].node == z->node &&
				    pgdat[k].have_pgdat) {
					n->have_pgdat = true;
					n->start_pfn = pgdat[k].start_pfn;
					n->present_pages =
						pgdat[k].present_pages;
					n->spanned_pages =
						pgdat[k].spanned_pages;
				}
		}
		n = &snap->nodes[snap->nr_nodes - 1];
		n->nr_zones++;
		if (n->have_pgdat)
			continue;
		/* Without pglist_data (procfs): the node spans from its
		 * lowest zone start to its highest zone end. */
		end = n->start_pfn + n->spanned_pages;
		if (z->start_pfn < n->start_pfn)
			n->start_pfn = z->start_pfn;
		if (z->start_pfn + z->spanned_pages > end)
			end = z->start_pfn + z->spanned_pages;
		n->spanned_pages = end - n->start_pfn;
		n->present_pages += z->present_pages;
	}
	return 0;
}

int mfd_snapshot_find_zone(const struct mfd_snapshot *snap, uint32_t node,
			   const char *name)
{
	for (uint32_t i = 0; i < snap->nr_zones; i++)
		if (snap->zones[i].node == node &&
		    strcmp(snap->zones[i].name, name) == 0)
			return (int)i;
	return -1;
}
