/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * External-fragmentation events: what extfrag.bpf.c streams and counts.
 */
#ifndef MFD_BPF_EXTFRAG_H
#define MFD_BPF_EXTFRAG_H

#define MFD_TASK_COMM_LEN 16
/* Upper bound on migratetypes (MIGRATE_TYPES is 4..7 depending on
 * CONFIG_CMA and CONFIG_MEMORY_ISOLATION); larger values are folded into
 * the last slot. */
#define MFD_MAX_MIGRATETYPES 8
/* Counter slots: [alloc_mt][fallback_mt][fragmenting]. */
#define MFD_EXTFRAG_SLOTS (MFD_MAX_MIGRATETYPES * MFD_MAX_MIGRATETYPES * 2)
/* Index into the per-CPU "stats" array for events whose record was lost:
 * the ring buffer was full, or the event came while its CPU's stage was
 * being flushed. */
#define MFD_EXTFRAG_DROPS_SLOT MFD_EXTFRAG_SLOTS
/* Events this CPU wrote to the ring buffer: paces the reader's wakeups
 * without touching the ring's own (cold) position pages. */
#define MFD_EXTFRAG_RECORDS_SLOT (MFD_EXTFRAG_SLOTS + 1)
#define MFD_EXTFRAG_STAT_SLOTS (MFD_EXTFRAG_SLOTS + 2)

/* Type tag at the head of every ring-buffer record. */
enum mfd_rec_type {
	MFD_REC_EXTFRAG = 1,
	MFD_REC_COMPACT_STALL = 2, /* bpf/compaction.h mfd_stall_event */
	MFD_REC_RECLAIM_STALL = 3, /* bpf/compaction.h mfd_stall_event */
};

static inline unsigned int mfd_extfrag_slot(unsigned int alloc_mt,
					    unsigned int fallback_mt,
					    unsigned int fragmenting)
{
	if (alloc_mt >= MFD_MAX_MIGRATETYPES)
		alloc_mt = MFD_MAX_MIGRATETYPES - 1;
	if (fallback_mt >= MFD_MAX_MIGRATETYPES)
		fallback_mt = MFD_MAX_MIGRATETYPES - 1;
	return (alloc_mt * MFD_MAX_MIGRATETYPES + fallback_mt) * 2 +
	       (fragmenting ? 1 : 0);
}

struct mfd_extfrag_event {
	__u32 type; /* MFD_REC_EXTFRAG */
	__u32 pid; /* thread id of the allocating task */
	__u32 tgid; /* process id of the allocating task */
	__s32 alloc_order; /* order requested */
	__s32 fallback_order; /* order of the block stolen from another type */
	__s32 alloc_migratetype; /* migratetype requested */
	__s32 fallback_migratetype; /* migratetype the block was taken from */
	__u8 fragmenting; /* fallback_order < pageblock_order */
	__u8 change_ownership; /* the whole pageblock changed migratetype */
	__u8 pad[2];
	__u64 ts_ns; /* bpf_ktime_get_ns() (CLOCK_MONOTONIC) at the event */
	__u64 cgroup_id; /* cgroup v2 id of the task (0 on cgroup v1 only) */
	__u64 pfn; /* first pfn of the allocated block */
	char comm[MFD_TASK_COMM_LEN]; /* task->comm */
};

/* Events staged per CPU before they go to the ring buffer as one record. */
#define MFD_EXTFRAG_STAGE 16

/*
 * Value of the single-entry per-CPU "stats" map: one lookup syscall
 * returns every CPU's counters and staged events.
 *
 * The handler writes each event into stage[] next to the counters it
 * bumps anyway, and copies the staged batch into the ring buffer as one
 * record when stage[] is full: the ring's lock, position pages and data
 * page are touched once per MFD_EXTFRAG_STAGE events instead of once per
 * event. The agent flushes a partial batch by running mfd_extfrag_flush
 * on that CPU (BPF_PROG_TEST_RUN) when it reads this map: when ring
 * records arrived, else once a second (collect/extfrag_probe.c). busy is
 * set while the handler or the flush writes stage[] on this CPU; the
 * other then keeps out of it.
 */
struct mfd_extfrag_stats {
	__u64 slot[MFD_EXTFRAG_STAT_SLOTS]; /* events per kind, drops, records */
	/* Set by user space in every CPU's value before the handler is
	 * attached: read next to staged and busy, they cost no page of
	 * their own (a .rodata read is one more cold page per event). */
	__u64 wakeup_mask; /* see bpf/extfrag.bpf.c */
	__s32 pageblock_order; /* of the running kernel */
	__u32 staged; /* events waiting in stage[], 0..MFD_EXTFRAG_STAGE-1 */
	__u32 busy; /* stage[] is being written on this CPU */
	__u32 pad;
	struct mfd_extfrag_event stage[MFD_EXTFRAG_STAGE];
};

#endif /* MFD_BPF_EXTFRAG_H */
