/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hugetlb.h - memory the buddy allocator cannot hand out for ordinary
 * allocations: HugeTLB pools per page size (global and per node, from
 * sysfs) and CMA areas per zone (from /proc/zoneinfo), plus a plain
 * model of whether a zone could still give a gigantic (1 GiB) page.
 *
 * Sources, and what each kernel prints (mm/hugetlb.c, mm/vmstat.c):
 *   /sys/kernel/mm/hugepages/hugepages-<kB>kB/{nr,free,resv,surplus}_hugepages
 *     global pools; resv_hugepages exists ONLY here: the kernel keeps no
 *     per-node reservation count.
 *   /sys/devices/system/node/nodeN/hugepages/hugepages-<kB>kB/
 *     {nr,free,surplus}_hugepages per node.
 *   /proc/zoneinfo "cma <pages>" in every zone's header block: added in
 *     5.12 (zone_cma_pages(), printed as 0 without CONFIG_CMA); absent on
 *     5.10/5.11. "nr_free_cma" among the zone counters of populated zones
 *     (NR_FREE_CMA_PAGES, on every kernel since 3.x; 0 without CMA).
 * cma_alloc_success/cma_alloc_fail are /proc/vmstat counters (vmstat.h).
 *
 * Parsers are pure; mfd_hugetlb_read() does the file I/O.
 */
#ifndef MFD_HUGETLB_H
#define MFD_HUGETLB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "procfs.h" /* struct mfd_parse_error */
#include "snapshot.h"

#define MFD_HTLB_MAX_SIZES 4 /* x86-64: 2 MiB, 1 GiB; arm64: up to 4 */

enum mfd_htlb_item {
	MFD_HTLB_TOTAL = 0, /* nr_hugepages */
	MFD_HTLB_FREE, /* free_hugepages */
	MFD_HTLB_RESERVED, /* resv_hugepages: global only */
	MFD_HTLB_SURPLUS, /* surplus_hugepages */
	MFD_HTLB_ITEMS,
};

/* Label values ("total", "free", "reserved", "surplus"). */
extern const char *const mfd_htlb_state_names[MFD_HTLB_ITEMS];

struct mfd_htlb_pool {
	uint64_t val[MFD_HTLB_ITEMS];
	uint32_t have; /* bit i: val[i] was read (absent is never 0) */
};

struct mfd_htlb_node {
	uint32_t node;
	struct mfd_htlb_pool pool[MFD_HTLB_MAX_SIZES]; /* by size index */
};

/* The CMA figures of one zone. */
enum mfd_cma_have {
	MFD_CMA_HAVE_TOTAL = 1u << 0, /* "cma" line (5.12+) */
	MFD_CMA_HAVE_FREE = 1u << 1, /* "nr_free_cma" (populated zones) */
};

struct mfd_cma_zone {
	uint32_t node;
	char zone[MFD_SNAP_ZONE_NAME_LEN];
	uint32_t have; /* enum mfd_cma_have */
	uint64_t total_pages; /* zone_cma_pages() */
	uint64_t free_pages; /* NR_FREE_CMA_PAGES */
};

struct mfd_hugetlb {
	unsigned int nr_sizes; /* page sizes, ascending */
	uint64_t size_kib[MFD_HTLB_MAX_SIZES];
	struct mfd_htlb_pool global[MFD_HTLB_MAX_SIZES];
	unsigned int nr_nodes; /* nodes with a hugepages directory */
	struct mfd_htlb_node nodes[MFD_SNAP_MAX_NODES];
	unsigned int nr_cma; /* zones seen in zoneinfo */
	struct mfd_cma_zone cma[MFD_SNAP_MAX_ZONES];
};

/*
 * Parse /proc/zoneinfo text for each zone's "cma" and "nr_free_cma"
 * lines into h->cma[] (reset first). Zones are listed in file order.
 * Returns 0, or -EINVAL for a value that is not a decimal u64 (err
 * filled). Pure.
 */
int mfd_cma_parse_zoneinfo(const char *text, size_t len, struct mfd_hugetlb *h,
			   struct mfd_parse_error *err);

/*
 * Read everything: sys_dir ("/sys" live) kernel/mm/hugepages and
 * devices/system/node/node*, and proc_dir ("/proc") zoneinfo. A kernel
 * without HugeTLB leaves nr_sizes 0, not an error. Returns 0, or -errno
 * when zoneinfo cannot be read or parsed (the HugeTLB part is still
 * filled).
 */
int mfd_hugetlb_read(const char *sys_dir, const char *proc_dir,
		     struct mfd_hugetlb *h, struct mfd_parse_error *err);

/* The pool of node at size index k, or NULL. */
const struct mfd_htlb_pool *mfd_hugetlb_node_pool(const struct mfd_hugetlb *h,
						  uint32_t node,
						  unsigned int k);

/* The CMA figures of zone (node, name), or NULL. */
const struct mfd_cma_zone *mfd_hugetlb_cma(const struct mfd_hugetlb *h,
					   uint32_t node, const char *name);

/*
 * The gigantic-page model. A huge page larger than the biggest buddy
 * block (order nr_orders-1: 4 MiB on x86-64) can never sit in a free
 * list; the kernel builds one at runtime with alloc_contig_pages(), which
 * needs one aligned range of that size whose pages are all free or
 * movable. We cannot see alignment or movability cheaply, so we count
 * the zone's free memory held in max-order blocks, in units of the huge
 * page: floor(free_blocks[max] << max / pages per huge page). It is a
 * candidate count, not a promise: the free blocks may be scattered
 * (fewer pages), and migrating movable pages may make more.
 *
 * Returns true and sets *out for a gigantic size (size_kib above the
 * max-order block); false when the size is not gigantic or the zone has
 * no max-order figure. page_kib is the base page size in KiB. Pure.
 */
bool mfd_gigantic_candidates(const struct mfd_zone *z, uint32_t nr_orders,
			     uint64_t size_kib, uint64_t page_kib,
			     uint64_t *out);

#endif /* MFD_HUGETLB_H */
