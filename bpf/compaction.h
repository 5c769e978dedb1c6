/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Compaction and reclaim stalls: what compaction.bpf.c counts and streams.
 *
 * Latencies are aggregated in the kernel into per-CPU log2 histograms, one
 * per requested order; user space sums the CPUs once per interval. Only
 * stalls longer than a threshold become ring-buffer records.
 */
#ifndef MFD_BPF_COMPACTION_H
#define MFD_BPF_COMPACTION_H

#include "extfrag.h" /* MFD_TASK_COMM_LEN, enum mfd_rec_type */

/* Orders above this are folded into the last slot (NR_PAGE_ORDERS <= 16
 * on every supported kernel, see bpf/zones.h). */
#define MFD_COMP_MAX_ORDERS 16
/* log2 latency slots in microseconds: slot k holds [2^k, 2^(k+1)) µs
 * (slot 0 also holds < 1 µs); the last slot holds everything longer than
 * 2^(MFD_COMP_SLOTS-1) µs (about 33 s). */
#define MFD_COMP_SLOTS 26
/* Array dimension of the slots: a power of two, so the BPF side can
 * bound an index with a mask the verifier understands. */
#define MFD_COMP_SLOT_DIM 32
/* enum compact_result (include/linux/compaction.h), 0..8 on 6.1..6.18;
 * larger values are folded into the last slot. A power of two (masks). */
#define MFD_COMP_STATUSES 16
/* NUMA nodes counted separately for daemon wake-ups; larger ids fold into
 * the last slot. */
#define MFD_COMP_MAX_NODES 32

/* One stall kind (direct compaction, or direct reclaim) for one CPU. */
struct mfd_stall_hist {
	__u64 slot[MFD_COMP_MAX_ORDERS][MFD_COMP_SLOT_DIM]; /* stalls per
							   * order and log2
							   * µs slot */
	__u64 sum_ns[MFD_COMP_MAX_ORDERS]; /* total stall time per order */
};

/* Value of the single-entry per-CPU "cstats" map. */
struct mfd_compaction_stats {
	struct mfd_stall_hist compact; /* direct compaction stalls */
	/* Stalls by the kernel's compact_result (the highest status any
	 * zone returned, as try_to_compact_pages() computes rc). */
	__u64 status[MFD_COMP_MAX_ORDERS][MFD_COMP_STATUSES];
	struct mfd_stall_hist reclaim; /* direct reclaim stalls */
	__u64 reclaimed[MFD_COMP_MAX_ORDERS]; /* pages direct reclaim freed */

	__u64 unmatched_reclaim; /* reclaim end with no begin seen */
	__u64 start_drops; /* begin not tracked: task table full */
	__u64 ringbuf_drops; /* stall records the ring buffer had no room
			      * for (the histograms stay exact) */
};

/* Value of the single-entry per-CPU "wakes" map. */
struct mfd_wake_stats {
	__u64 kcompactd[MFD_COMP_MAX_NODES][MFD_COMP_MAX_ORDERS]; /* wake-ups
								     * per
								     * node
								     * and
								     * order */
	__u64 kswapd[MFD_COMP_MAX_NODES][MFD_COMP_MAX_ORDERS];
};

/* Ring-buffer record of one long stall (type MFD_REC_COMPACT_STALL or
 * MFD_REC_RECLAIM_STALL). */
struct mfd_stall_event {
	__u32 type; /* enum mfd_rec_type */
	__u32 pid; /* thread id of the stalled task */
	__u32 tgid; /* process id of the stalled task */
	__s32 order; /* order of the allocation that stalled */
	__s32 status; /* compaction: enum compact_result; reclaim: -1 */
	__u32 pad;
	__u64 latency_ns; /* start of the stall to its (latest) end */
	__u64 ts_ns; /* bpf_ktime_get_ns() at the end */
	__u64 cgroup_id; /* cgroup v2 id of the task */
	__u64 nr_reclaimed; /* reclaim: pages freed; compaction: 0 */
	char comm[MFD_TASK_COMM_LEN]; /* task->comm */
};

/* log2 slot of a latency in ns. Shared with user space for tests. */
static inline __u32 mfd_comp_slot(__u64 ns)
{
	__u64 us = ns / 1000;
	__u32 s = 0;

	/* Unrolled-friendly: at most MFD_COMP_SLOTS - 1 steps. */
	for (int i = 0; i < MFD_COMP_SLOTS - 1; i++) {
		if (us < 2)
			break;
		us >>= 1;
		s++;
	}
	return s;
}

#endif /* MFD_BPF_COMPACTION_H */
