/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Zone snapshot: the record zones.bpf.c fills and collect/zones_probe.c reads.
 *
 * The program is never attached. User space runs it on demand with
 * BPF_PROG_TEST_RUN; it writes one struct mfd_zones_out into .bss, which the
 * skeleton maps into user space.
 */
#ifndef MFD_BPF_ZONES_H
#define MFD_BPF_ZONES_H

#define MFD_MAX_ORDERS \
	16 /* NR_PAGE_ORDERS is 11 on x86, up to 14 on arm64/64K */
#define MFD_MAX_ZONES 128 /* populated zones, all nodes together */
#define MFD_MAX_NODES \
	64 /* possible node ids scanned in mem_cgroup->nodeinfo[] */
#define MFD_ZONE_NAME_LEN 16 /* longest zone name today is "Movable"/"Device" */

/* Error codes the program leaves in mfd_zones_out.err (negative errno). */
#define MFD_ZONES_ENOMEMCG 2 /* ENOENT: no memcg on the route to pgdat */
#define MFD_ZONES_EFAULT 14 /* EFAULT: a kernel read failed */
#define MFD_ZONES_E2BIG 7 /* E2BIG: more zones than MFD_MAX_ZONES */

struct mfd_zone_rec {
	__u32 node; /* pgdat->node_id of the zone's node */
	__u32 zone_idx; /* index in pgdat->node_zones[] (0 = DMA on x86) */
	char name[MFD_ZONE_NAME_LEN]; /* zone->name, NUL terminated */
	__u64 start_pfn; /* zone->zone_start_pfn */
	__u64 spanned_pages; /* zone->spanned_pages, holes included */
	__u64 present_pages; /* zone->present_pages, physical pages */
	__u64 managed_pages; /* zone->managed_pages, given to the buddy allocator */
	__u64 free_pages; /* zone->vm_stat[NR_FREE_PAGES] */
	__u64 wmark[3]; /* zone->_watermark[WMARK_MIN/LOW/HIGH], unboosted */
	__u64 wmark_boost; /* zone->watermark_boost */
	__u64 reserved_highatomic; /* zone->nr_reserved_highatomic */
	__u64 nr_free[MFD_MAX_ORDERS]; /* zone->free_area[o].nr_free */
	__u64 node_start_pfn; /* zone->zone_pgdat->node_start_pfn */
	__u64 node_present_pages; /* zone->zone_pgdat->node_present_pages */
	__u64 node_spanned_pages; /* zone->zone_pgdat->node_spanned_pages */
};

struct mfd_zones_out {
	__s32 err; /* 0, or a negative MFD_ZONES_E* */
	__u32 nr_orders; /* orders in free_area[] on this kernel (NR_PAGE_ORDERS) */
	__u32 nr_zones; /* valid entries in zones[] */
	__u32 pad;
	__u64 runs; /* times the program ran; lets user space detect a no-op */
	struct mfd_zone_rec zones[MFD_MAX_ZONES];
};

#endif /* MFD_BPF_ZONES_H */
