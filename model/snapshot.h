/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapshot.h - the data model every source fills and every view reads.
 *
 * A snapshot is one consistent look at the buddy allocator of every
 * populated zone of every node with memory, plus the kernel-exact
 * fragmentation indices derived from it (model/indices.c). Both sources
 * (BPF: collect/zones_probe.c, procfs: collect/procfs.c) produce the same struct.
 */
#ifndef MFD_SNAPSHOT_H
#define MFD_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#define MFD_SNAP_MAX_ORDERS 16 /* equals MFD_MAX_ORDERS in bpf/zones.h */
#define MFD_SNAP_MAX_ZONES 128 /* equals MFD_MAX_ZONES in bpf/zones.h */
#define MFD_SNAP_MAX_NODES 64
#define MFD_SNAP_ZONE_NAME_LEN 16

enum mfd_source {
	MFD_SOURCE_NONE = 0,
	MFD_SOURCE_BPF, /* zones.bpf.c run with BPF_PROG_TEST_RUN */
	MFD_SOURCE_PROCFS, /* /proc/buddyinfo + /proc/zoneinfo */
	MFD_SOURCE_REPLAY, /* a --record file read back (exporters/recording/replay.c);
			    * replayed snapshots keep the recorded source */
};

/* Fields a source could not provide (procfs has no boost-free highatomic
 * reserve, for example). Views print "-" and JSON prints null for these. */
enum mfd_zone_have {
	MFD_HAVE_WMARK = 1u << 0, /* watermark_min/low/high */
	MFD_HAVE_BOOST = 1u << 1, /* watermark_boost */
	MFD_HAVE_HIGHATOMIC = 1u << 2, /* reserved_highatomic */
	MFD_HAVE_MANAGED = 1u << 3, /* managed_pages */
	MFD_HAVE_FREE = 1u << 4, /* free_pages (NR_FREE_PAGES) */
	MFD_HAVE_SPAN = 1u << 5, /* start_pfn, spanned_pages, present_pages */
};

/* Per zone and order, as fill_contig_page_info() and friends in
 * mm/vmstat.c define them for a request of this order. */
struct mfd_order_stat {
	uint64_t free_blocks; /* free_area[order].nr_free */
	uint64_t free_blocks_total; /* sum of nr_free over all orders */
	uint64_t free_blocks_suitable; /* free blocks usable at this order,
					* counted in blocks of this order */
	uint64_t free_pages; /* sum of nr_free[o] << o over all orders */
	int32_t unusable_index; /* unusable_free_index(), in thousandths */
	int32_t extfrag_index; /* __fragmentation_index(), in thousandths */
};

struct mfd_zone {
	uint32_t node; /* NUMA node id */
	uint32_t zone_idx; /* index in the node's node_zones[]; UINT32_MAX
			    * when unknown */
	char name[MFD_SNAP_ZONE_NAME_LEN]; /* "DMA", "DMA32", "Normal", ... */
	uint32_t have; /* enum mfd_zone_have bits */
	uint64_t start_pfn; /* first pfn of the zone */
	uint64_t spanned_pages; /* pfns spanned, holes included */
	uint64_t present_pages; /* physical pages present */
	uint64_t managed_pages; /* pages managed by the buddy allocator */
	uint64_t free_pages; /* NR_FREE_PAGES, as zoneinfo's "pages free" */
	uint64_t watermark_min; /* min_wmark_pages(): boost included */
	uint64_t watermark_low; /* low_wmark_pages(): boost included */
	uint64_t watermark_high; /* high_wmark_pages(): boost included */
	uint64_t watermark_boost; /* zone->watermark_boost */
	uint64_t reserved_highatomic; /* zone->nr_reserved_highatomic */
	struct mfd_order_stat order[MFD_SNAP_MAX_ORDERS];
};

struct mfd_node {
	uint32_t node; /* NUMA node id */
	uint32_t nr_zones; /* populated zones */
	uint32_t first_zone; /* index of its first zone in snapshot.zones */
	bool have_pgdat; /* start/present/spanned read from pglist_data; when
			  * false they are derived from the zones */
	uint64_t start_pfn; /* node_start_pfn */
	uint64_t present_pages; /* node_present_pages */
	uint64_t spanned_pages; /* node_spanned_pages */
};

struct mfd_snapshot {
	uint64_t time_unix_nano; /* CLOCK_REALTIME when taken */
	uint64_t mono_ns; /* CLOCK_MONOTONIC when taken */
	uint64_t duration_ns; /* time the collection took */
	enum mfd_source source;
	uint32_t nr_orders; /* NR_PAGE_ORDERS of the running kernel */
	uint32_t nr_nodes; /* valid entries in nodes[] */
	uint32_t nr_zones; /* valid entries in zones[], sorted by (node,
			    * zone_idx), each node's zones adjacent */
	struct mfd_node nodes[MFD_SNAP_MAX_NODES];
	struct mfd_zone zones[MFD_SNAP_MAX_ZONES];
};

const char *mfd_source_name(enum mfd_source src);

/*
 * Finish a snapshot whose sources filled zones[] (node, name, counts and
 * order[o].free_blocks): sort zones, rebuild nodes[] (keeping pgdat values
 * a source stored with mfd_snapshot_set_node()), and compute every order's
 * contiguity info and indices. Pure; returns 0 or -errno.
 */
int mfd_snapshot_finish(struct mfd_snapshot *snap);

/* Record pglist_data facts for a node before mfd_snapshot_finish(). */
int mfd_snapshot_set_node(struct mfd_snapshot *snap, uint32_t node,
			  uint64_t start_pfn, uint64_t present_pages,
			  uint64_t spanned_pages);

/* Zone index of (node, name), or -1. */
int mfd_snapshot_find_zone(const struct mfd_snapshot *snap, uint32_t node,
			   const char *name);

#endif /* MFD_SNAPSHOT_H */
