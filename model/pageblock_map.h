/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pageblock_map.h - the migratetype of every pageblock of every zone: the
 * picture of where unmovable and reclaimable blocks sit among the movable
 * ones, which decides whether compaction can ever make a huge page there.
 *
 * collect/pageblocks_probe.c fills it from the kernel's pageblock bitmap; views
 * and exporters read it. Blocks are listed the way the kernel's
 * /proc/pagetypeinfo counts them (mm/vmstat.c
 * pagetypeinfo_showblockcount_print()): from the zone's start_pfn in steps
 * of a pageblock, so the counts here and there are the same numbers.
 * Pure: no I/O.
 */
#ifndef MFD_PAGEBLOCK_MAP_H
#define MFD_PAGEBLOCK_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

#define MFD_PB_MAX_TYPES 8 /* a block's migratetype has 3 bits */
#define MFD_PB_TYPE_LEN 24
#define MFD_PB_OFFLINE 0xff /* the block's memory section is not online */
#define MFD_PB_OTHER \
	0xfe /* its first page is another zone's, or not
			   * initialised yet (deferred struct page init) */

struct mfd_pb_zone {
	uint32_t node; /* NUMA node id */
	char name[MFD_SNAP_ZONE_NAME_LEN]; /* "Normal" */
	uint64_t start_pfn; /* the zone's first pfn; block i starts the step
			     * at start_pfn + i * pageblock pages */
	uint64_t nr_blocks; /* entries of type[] */
	uint8_t *type; /* migratetype per block, MFD_PB_OFFLINE or
			* MFD_PB_OTHER */
	uint64_t count[MFD_PB_MAX_TYPES]; /* the zone's blocks per
					   * migratetype */
	uint64_t offline; /* blocks in sections that are not online */
	uint64_t other; /* blocks whose first page is not the zone's */
	uint64_t runs; /* maximal runs of one migratetype, offline and
			* other blocks included */
};

/* One run: len consecutive blocks of one migratetype (or offline, or
 * other). */
struct mfd_pb_run {
	uint8_t type;
	uint64_t len;
};

struct mfd_pageblock_map {
	int pageblock_order; /* blocks are 2^order pages */
	unsigned int nr_types; /* MIGRATE_TYPES: type_name[] entries */
	char type_name[MFD_PB_MAX_TYPES][MFD_PB_TYPE_LEN];
	uint32_t nr_zones;
	struct mfd_pb_zone zones[MFD_SNAP_MAX_ZONES];
	uint64_t mono_ns; /* CLOCK_MONOTONIC when the scan ended */
	uint64_t scan_ns; /* how long the scan took */
	uint64_t reads; /* kernel reads the scan made */
	uint64_t scans; /* scans completed */
	uint64_t failures; /* scans that failed */
};

/* Size zone z for nr blocks, reusing its buffer: 0 or -ENOMEM. */
int mfd_pb_zone_resize(struct mfd_pb_zone *z, uint64_t nr);
/* Recount count[], offline and runs from type[]. */
void mfd_pb_zone_count(struct mfd_pb_zone *z);
/*
 * The runs of zone z from block *pos on, at most cap of them, into out:
 * the number written (0 at the end). *pos moves past them, so a caller
 * can stream a zone of any size through a small buffer.
 */
size_t mfd_pb_zone_runs(const struct mfd_pb_zone *z, uint64_t *pos,
			struct mfd_pb_run *out, size_t cap);
/* The zone (node, name) of map, or NULL. */
const struct mfd_pb_zone *mfd_pb_map_zone(const struct mfd_pageblock_map *m,
					  uint32_t node, const char *name);
/* Free every zone's buffer. */
void mfd_pb_map_free(struct mfd_pageblock_map *m);

#endif /* MFD_PAGEBLOCK_MAP_H */
