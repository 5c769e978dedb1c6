/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Minimal CO-RE view of the kernel types mfd reads.
 *
 * This replaces a full generated vmlinux.h: it declares only the members the
 * BPF programs touch, each struct marked preserve_access_index so libbpf
 * relocates every access against the running kernel's BTF at load time.
 * Layout, sizes and array bounds here are deliberately *not* the kernel's:
 * arrays whose length depends on the kernel configuration or version
 * (free_area[], _watermark[], _zonerefs[], nodeinfo[], subsys[]) are declared
 * with one element and are indexed only through bpf_core_field_offset() and
 * bpf_core_type_size(), never with C indexing (see ../shared/NOTES.md: on
 * Debian 6.1 free_area has free_list[6], on 6.18 free_list[5]).
 *
 * Nothing here needs kernel headers or /sys/kernel/btf at build time.
 * bpf/check-core-fields.sh verifies every member still exists in a given
 * kernel's BTF.
 */
#ifndef MFD_VMLINUX_MIN_H
#define MFD_VMLINUX_MIN_H

typedef signed char __s8;
typedef unsigned char __u8;
typedef short __s16;
typedef unsigned short __u16;
typedef int __s32;
typedef unsigned int __u32;
typedef long long __s64;
typedef unsigned long long __u64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef __u64 u64;
typedef __u32 u32;
typedef _Bool bool;
enum { false = 0, true = 1 };

/* UAPI constants from include/uapi/linux/bpf.h; stable by ABI contract. */
enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_STACK_TRACE = 7,
	BPF_MAP_TYPE_LRU_HASH = 9,
	BPF_MAP_TYPE_RINGBUF = 27,
};

enum {
	BPF_ANY = 0,
	BPF_NOEXIST = 1,
};

/* bpf_get_stackid() flags */
enum {
	BPF_F_USER_STACK = 256,
};

/* map_flags */
enum {
	BPF_F_MMAPABLE = 1024,
};

/* bpf_ringbuf_submit() flags and bpf_ringbuf_query() selectors. */
enum {
	BPF_RB_NO_WAKEUP = 1,
	BPF_RB_FORCE_WAKEUP = 2,
};

enum {
	BPF_RB_AVAIL_DATA = 0,
};

#pragma clang attribute push(__attribute__((preserve_access_index)), \
			     apply_to = record)

typedef struct {
	long counter;
} atomic_long_t;

struct list_head {
	struct list_head *next, *prev;
};

struct free_area {
	struct list_head free_list[1];
	unsigned long nr_free;
};

struct pglist_data;

struct zone {
	unsigned long _watermark[1];
	unsigned long watermark_boost;
	unsigned long nr_reserved_highatomic;
	struct pglist_data *zone_pgdat;
	unsigned long zone_start_pfn;
	atomic_long_t managed_pages;
	unsigned long spanned_pages;
	unsigned long present_pages;
	const char *name;
	struct free_area free_area[1];
	atomic_long_t vm_stat[1];
};

struct zoneref {
	struct zone *zone;
	int zone_idx;
};

struct zonelist {
	struct zoneref _zonerefs[1];
};

struct pglist_data {
	struct zone node_zones[1];
	struct zonelist node_zonelists[1];
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
	int node_id;
};

struct lruvec {
	struct pglist_data *pgdat;
};

struct mem_cgroup_per_node {
	struct lruvec lruvec;
};

struct cgroup_subsys_state {
	struct cgroup_subsys_state *parent;
};

struct mem_cgroup {
	struct cgroup_subsys_state css;
	struct mem_cgroup_per_node *nodeinfo[1];
};

struct kernfs_node {
	u64 id;
};

struct cgroup {
	struct kernfs_node *kn;
};

struct css_set {
	struct cgroup_subsys_state *subsys[1];
	struct cgroup *dfl_cgrp;
};

struct task_struct {
	int pid;
	int tgid;
	char comm[16];
	struct css_set *cgroups;
};

struct trace_entry {
	unsigned short type;
	unsigned char flags;
	unsigned char preempt_count;
	int pid;
};

/* Tracepoint record of kmem:mm_page_alloc_extfrag (include/trace/events/kmem.h) */
struct trace_event_raw_mm_page_alloc_extfrag {
	struct trace_entry ent;
	unsigned long pfn;
	int alloc_order;
	int fallback_order;
	int alloc_migratetype;
	int fallback_migratetype;
	int change_ownership;
};

/* Tracepoint records read by compaction.bpf.c (include/trace/events/
 * compaction.h, vmscan.h, kmem.h). */
struct trace_event_raw_mm_compaction_try_to_compact_pages {
	struct trace_entry ent;
	int order;
	unsigned long gfp_mask;
	int prio;
};

struct trace_event_raw_mm_compaction_end {
	struct trace_entry ent;
	unsigned long zone_start;
	int status;
};

struct trace_event_raw_mm_compaction_defer_template {
	struct trace_entry ent;
	int nid;
	int order;
};

struct trace_event_raw_kcompactd_wake_template {
	struct trace_entry ent;
	int nid;
	int order;
};

struct trace_event_raw_mm_vmscan_direct_reclaim_begin_template {
	struct trace_entry ent;
	int order;
};

struct trace_event_raw_mm_vmscan_direct_reclaim_end_template {
	struct trace_entry ent;
	unsigned long nr_reclaimed;
};

struct trace_event_raw_mm_vmscan_kswapd_wake {
	struct trace_entry ent;
	int nid;
	int order;
};

struct trace_event_raw_mm_page_alloc {
	struct trace_entry ent;
	unsigned long pfn;
	unsigned int order;
};

#pragma clang attribute pop

/* Enumerators resolved by value relocation (bpf_core_enum_value). */
enum cgroup_subsys_id {
	memory_cgrp_id = 4,
};

enum zone_stat_item {
	NR_FREE_PAGES = 0,
};

#endif /* MFD_VMLINUX_MIN_H */
