/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * extfrag_table.h - per-process aggregation of extfrag events (the -s view).
 *
 * Pure and bounded: a fixed-capacity open-addressing index keyed by tgid
 * (or, with by_executable, by executable name and cgroup) over a fixed
 * array of entries. When it is full, the process with the
 * fewest events (of those, the one idle longest) is evicted and the
 * eviction is counted, so memory never grows with an event storm. An entry
 * untouched for ttl_ns is dropped by mfd_extfrag_table_expire().
 *
 * Every operation is O(1) except reads, which are O(k) for the top k:
 * entries sit in a list of count buckets ordered by count (highest first,
 * the most recently active first within a count), the classic O(1) LFU
 * layout: an event moves its entry at most one bucket up. A second list
 * orders entries by last event, oldest first, for aging.
 */
#ifndef MFD_EXTFRAG_TABLE_H
#define MFD_EXTFRAG_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "extfrag.h" /* bpf/extfrag.h: struct mfd_extfrag_event */

struct mfd_proc_stat {
	/* Process id (0: interrupt context of the idle task); by executable,
	 * the process of the latest event. */
	uint32_t tgid;
	uint32_t in_use; /* slot holds a process */
	uint32_t last_pid; /* thread that caused the latest event */
	/* comm and cgroup id of the latest event; by executable, the key. */
	char comm[MFD_TASK_COMM_LEN];
	uint64_t cgroup_id;
	uint64_t count; /* events since start (or since the entry was made) */
	uint64_t fragmenting; /* of which fallback_order < pageblock_order */
	uint64_t change_ownership; /* of which took over the pageblock */
	uint64_t last_pfn; /* pfn of the latest event */
	int32_t last_alloc_order; /* alloc_order of the latest event */
	int32_t last_fallback_order; /* fallback_order of the latest event */
	int32_t last_alloc_mt; /* alloc migratetype of the latest event */
	int32_t last_fallback_mt; /* fallback migratetype of the latest event */
	uint64_t last_ts_ns; /* CLOCK_MONOTONIC of the latest event */
	/* Internal links (entry and bucket indices, MFD_XT_NIL for none). */
	uint32_t bucket; /* count bucket this entry is in */
	uint32_t prev, next; /* within the bucket, most recent first */
	uint32_t lru_prev, lru_next; /* by last event, oldest first */
};

#define MFD_XT_NIL UINT32_MAX

struct mfd_xt_bucket {
	uint64_t count; /* count of every entry in it */
	uint32_t first, last; /* entries, most recent first */
	uint32_t up, down; /* bucket with the next higher / lower count */
};

struct mfd_extfrag_table {
	uint32_t *index; /* cap hash slots: entry index + 1, 0 when empty */
	struct mfd_proc_stat *slots; /* max entries, stable addresses */
	struct mfd_xt_bucket *buckets; /* max buckets (one per entry at most) */
	size_t cap; /* hash slots, power of two */
	size_t max; /* entries: cap * 3 / 4, the load-factor bound */
	size_t used; /* entries holding a process */
	size_t entries_hw, buckets_hw; /* ever used; beyond them all free */
	uint32_t free_entry, free_bucket; /* free lists (through next / up) */
	uint32_t top, bottom; /* highest and lowest count bucket */
	uint32_t lru_head, lru_tail; /* oldest and newest entry */
	uint64_t ttl_ns; /* drop entries idle this long (0: never) */
	/* Key entries by (comm, cgroup) instead of tgid (--procs-by
	 * executable): the processes of one program in one cgroup add up in
	 * one entry, so short-lived ones (a build's compilers) make no churn.
	 * Set before the first event. */
	bool by_executable;
	uint64_t events; /* events added */
	uint64_t evicted; /* processes evicted to make room */
	uint64_t expired; /* processes dropped after ttl_ns idle */
};

/* cap is rounded up to a power of two (>= 16). Returns 0 or -ENOMEM. */
int mfd_extfrag_table_init(struct mfd_extfrag_table *t, size_t cap);
void mfd_extfrag_table_free(struct mfd_extfrag_table *t);
void mfd_extfrag_table_add(struct mfd_extfrag_table *t,
			   const struct mfd_extfrag_event *e);
/* Drop entries whose latest event is older than now_ns - ttl_ns (same
 * clock as the events' ts_ns). No-op when ttl_ns is 0. Returns how many. */
size_t mfd_extfrag_table_expire(struct mfd_extfrag_table *t, uint64_t now_ns);
/* Fill out[] with pointers to up to max entries, highest count first (ties:
 * the most recently active first), in O(max). Returns how many. */
size_t mfd_extfrag_table_sorted(const struct mfd_extfrag_table *t,
				const struct mfd_proc_stat **out, size_t max);

/* Exact per-kind totals read from the per-CPU in-kernel counters. */
struct mfd_extfrag_totals {
	uint64_t slot[MFD_EXTFRAG_SLOTS]; /* see mfd_extfrag_slot() */
	uint64_t events; /* sum of slot[] */
	uint64_t fragmenting; /* sum of the fragmenting slots */
	uint64_t drops; /* records lost: ring full, or mid-flush */
	uint64_t lost_decode; /* records user space could not decode */
};

#endif /* MFD_EXTFRAG_TABLE_H */
