/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pagetypeinfo.h - /proc/pagetypeinfo: free blocks per migratetype and
 * order, and pageblocks per migratetype, for every zone.
 *
 * Reading the file takes each zone's lock (mm/vmstat.c
 * pagetypeinfo_showfree()), so the agent reads it only when asked
 * (--pagetypeinfo-interval). The kernel stops counting a free list at
 * 100000 entries and prints ">100000": such cells are flagged capped and
 * hold 100000, a lower bound, never an exact count. The parser is pure
 * (it extends collect/procfs.c's "Page block order" reader).
 */
#ifndef MFD_PAGETYPEINFO_H
#define MFD_PAGETYPEINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "procfs.h"

#define MFD_PT_MAX_TYPES 8 /* MIGRATE_TYPES <= 7 */
#define MFD_PT_MAX_ORDERS 16
#define MFD_PT_MAX_ZONES 64
#define MFD_PT_TYPE_LEN 24
#define MFD_PT_CAP 100000 /* the kernel's cap on a counted free list */

struct mfd_pt_zone {
	uint32_t node; /* NUMA node id */
	char zone[16]; /* "Normal" */
	/* free blocks per migratetype (index into type_name) and order */
	uint64_t free[MFD_PT_MAX_TYPES][MFD_PT_MAX_ORDERS];
	uint16_t capped[MFD_PT_MAX_TYPES]; /* bit o: free[t][o] is ">cap" */
	uint32_t have_free; /* bit t: the free line for type t was seen */
	uint64_t blocks[MFD_PT_MAX_TYPES]; /* pageblocks per migratetype */
	bool have_blocks; /* the "Number of blocks" line was seen */
};

struct mfd_pagetypeinfo {
	int pageblock_order; /* "Page block order: N" */
	unsigned int nr_orders; /* columns of the free table */
	unsigned int nr_types; /* valid type_name[] */
	char type_name[MFD_PT_MAX_TYPES][MFD_PT_TYPE_LEN]; /* in file order */
	unsigned int nr_zones; /* valid zones[] */
	struct mfd_pt_zone zones[MFD_PT_MAX_ZONES];
};

/*
 * Parse the whole file. Migratetype names come from the file itself (the
 * free table's "type NAME" and the block table's header). Returns 0,
 * -EINVAL (malformed line, quoted in err) or -E2BIG (too many zones,
 * types or orders). Sections the kernel adds under CONFIG_PAGE_OWNER
 * ("Number of mixed blocks") are ignored. Pure.
 */
int mfd_pagetypeinfo_parse(const char *text, size_t len,
			   struct mfd_pagetypeinfo *pt,
			   struct mfd_parse_error *err);

/* Read proc_dir/pagetypeinfo and parse it. 0 or -errno. */
int mfd_pagetypeinfo_read(const char *proc_dir, struct mfd_pagetypeinfo *pt,
			  struct mfd_parse_error *err);

#endif /* MFD_PAGETYPEINFO_H */
