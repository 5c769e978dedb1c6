/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * indices.h - the kernel's fragmentation indices, computed in user space.
 *
 * These mirror mm/vmstat.c (fill_contig_page_info(), unusable_free_index(),
 * __fragmentation_index()) exactly, integer arithmetic included, so that fed
 * the same nr_free counts they print the same three decimals as
 * /sys/kernel/debug/extfrag/{unusable_index,extfrag_index}.
 */
#ifndef MFD_INDICES_H
#define MFD_INDICES_H

#include <stddef.h>
#include <stdint.h>

struct mfd_contig_info {
	uint64_t free_pages; /* sum of nr_free[o] << o */
	uint64_t free_blocks_total; /* sum of nr_free[o] */
	uint64_t free_blocks_suitable; /* blocks of >= suitable_order, counted
					* in units of suitable_order */
};

/* fill_contig_page_info(): nr_free[] holds nr_orders counts. */
void mfd_contig_info(const uint64_t *nr_free, unsigned int nr_orders,
		     unsigned int suitable_order, struct mfd_contig_info *info);

/* unusable_free_index(): 0..1000; 1000 when nothing is free. */
int mfd_unusable_index(unsigned int order, const struct mfd_contig_info *info);

/* __fragmentation_index(): -1000 when a block of this order is free, 0 when
 * nothing is free, else up to 1000 (towards 1000: failure by fragmentation);
 * below 0 when a single free block is smaller than the request. */
int mfd_extfrag_index(unsigned int order, unsigned int nr_orders,
		      const struct mfd_contig_info *info);

/* Print a thousandths value the way mm/vmstat.c does ("%d.%03d", without
 * the field width extfrag_index adds): at most len bytes, returns buf. */
char *mfd_index_str(int milli, char *buf, size_t len);

#endif /* MFD_INDICES_H */
