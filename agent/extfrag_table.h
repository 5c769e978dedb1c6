/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * extfrag_table.h - per-process aggregation of extfrag events (the -s view).
 *
 * Pure and bounded: a fixed-capacity open-addressing table keyed by tgid.
 * When it is full, the process with the fewest events is evicted and the
 * eviction is counted, so memory never grows with an event storm.
 */
#ifndef MFD_EXTFRAG_TABLE_H
#define MFD_EXTFRAG_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "extfrag.h" /* bpf/extfrag.h: struct mfd_extfrag_event */

struct mfd_proc_stat {
	uint32_t tgid; /* process id (0: interrupt context of the idle task) */
	uint32_t in_use; /* slot holds a process */
	uint32_t last_pid; /* thread that caused the latest event */
	char comm[MFD_TASK_COMM_LEN]; /* comm of the latest event */
	uint64_t cgroup_id; /* cgroup id of the latest event */
	uint64_t count; /* events since start (or since the entry was made) */
	uint64_t fragmenting; /* of which fallback_order < pageblock_order */
	uint64_t change_ownership; /* of which took over the pageblock */
	uint64_t last_pfn; /* pfn of the latest event */
	int32_t last_alloc_order; /* alloc_order of the latest event */
	int32_t last_fallback_order; /* fallback_order of the latest event */
	int32_t last_alloc_mt; /* alloc migratetype of the latest event */
	int32_t last_fallback_mt; /* fallback migratetype of the latest event */
	uint64_t last_ts_ns; /* CLOCK_MONOTONIC of the latest event */
};

struct mfd_extfrag_table {
	struct mfd_proc_stat *slots; /* cap entries */
	size_t cap; /* power of two */
	size_t used; /* occupied slots */
	uint64_t events; /* events added */
	uint64_t evicted; /* processes evicted to make room */
};

/* cap is rounded up to a power of two (>= 16). Returns 0 or -ENOMEM. */
int mfd_extfrag_table_init(struct mfd_extfrag_table *t, size_t cap);
void mfd_extfrag_table_free(struct mfd_extfrag_table *t);
void mfd_extfrag_table_add(struct mfd_extfrag_table *t,
			   const struct mfd_extfrag_event *e);
/* Fill out[] with pointers to up to max entries, highest count first (ties:
 * lower tgid first). Returns how many were written. */
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
