// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * indices.c - unusable_index and extfrag_index, as mm/vmstat.c computes them.
 */
#include <stdio.h>

#include "indices.h"

void mfd_contig_info(const uint64_t *nr_free, unsigned int nr_orders,
		     unsigned int suitable_order, struct mfd_contig_info *info)
{
	info->free_pages = 0;
	info->free_blocks_total = 0;
	info->free_blocks_suitable = 0;

	for (unsigned int order = 0; order < nr_orders; order++) {
		uint64_t blocks = nr_free[order];

		info->free_blocks_total += blocks;
		info->free_pages += blocks << order;
		if (order >= suitable_order)
			info->free_blocks_suitable +=
				blocks << (order - suitable_order);
	}
}

int mfd_unusable_index(unsigned int order, const struct mfd_contig_info *info)
{
	/* No free memory is interpreted as all free memory is unusable. */
	if (info->free_pages == 0)
		return 1000;
	return (int)((info->free_pages -
		      (info->free_blocks_suitable << order)) *
		     1000ULL / info->free_pages);
}

int mfd_extfrag_index(unsigned int order, unsigned int nr_orders,
		      const struct mfd_contig_info *info)
{
	uint64_t requested = 1ULL << order;

	/* The kernel WARNs and returns 0 past MAX_PAGE_ORDER. */
	if (order >= nr_orders)
		return 0;
	if (!info->free_blocks_total)
		return 0;
	/* Fragmentation index only makes sense when a request would fail. */
	if (info->free_blocks_suitable)
		return -1000;
	return (int)(1000 - ((1000 + (info->free_pages * 1000ULL / requested)) /
			     info->free_blocks_total));
}

char *mfd_index_str(int milli, char *buf, size_t len)
{
	/* Exactly mm/vmstat.c's seq_printf(m, "%d.%03d ", index / 1000,
	 * index % 1000). __fragmentation_index() goes negative past -1000's
	 * special case when a zone holds a single free block smaller than the
	 * request (-500, -250, ...), which the kernel prints as "0.-500":
	 * mirrored here so the text always equals debugfs. JSON and metrics
	 * use the numeric value instead (format.c). */
	snprintf(buf, len, "%d.%03d", milli / 1000, milli % 1000);
	return buf;
}
