/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Call sites (opt-in, --callsites): the kernel and user stacks of extfrag
 * fallbacks and direct compaction stalls, counted in the kernel per
 * (kind, kernel stack, user stack, process). What bpf/callsites.bpf.h
 * keeps in each program's maps and user space reads
 * (collect/stacks/callsites.c).
 */
#ifndef MFD_BPF_CALLSITES_H
#define MFD_BPF_CALLSITES_H

/* What a stack was taken at: the key's kind. */
enum mfd_callsite_kind {
	MFD_CALLSITE_EXTFRAG = 1, /* kmem:mm_page_alloc_extfrag */
	MFD_CALLSITE_COMPACT_STALL = 2, /* compaction:
					 * mm_compaction_try_to_compact_pages */
};
#define MFD_CALLSITE_KINDS 3 /* array dimension: kinds are 1..2 */

/* Frames kept per stack (BPF_MAP_TYPE_STACK_TRACE value: this many
 * __u64 addresses). The kernel caps a callchain at
 * kernel.perf_event_max_stack (127); the top frames are the ones read. */
#define MFD_CALLSITE_DEPTH 48
/* Stacks (kernel and user together) and distinct keys each program keeps;
 * both maps shrink to one entry when call sites are off. */
#define MFD_CALLSITE_STACKS 4096
#define MFD_CALLSITE_KEYS 4096
/* A stack id that could not be taken (no user stack: a kernel thread; or
 * the stack map's bucket held another stack). */
#define MFD_CALLSITE_NO_STACK 0xffffffffu

/* Key of the counts hash map (value: __u64 events). */
struct mfd_callsite_key {
	__u32 kind; /* enum mfd_callsite_kind */
	__u32 kstack; /* kernel stack id in the stack map, or NO_STACK */
	__u32 ustack; /* user stack id in the stack map, or NO_STACK */
	__u32 tgid; /* process that was running */
};

/* Slots of the per-CPU "cs_lost" array's value: nothing is lost
 * silently. */
enum mfd_callsite_lost {
	MFD_CS_LOST_FULL = 0, /* events not counted: the counts map was full */
	MFD_CS_LOST_KSTACK, /* counted without a kernel stack (stackid failed) */
	MFD_CS_LOST_USTACK, /* counted without a user stack for another
			     * reason than having none (-EFAULT: a kernel
			     * thread) */
	MFD_CS_LOST_SLOTS,
};

struct mfd_callsite_lost_val {
	__u64 slot[MFD_CS_LOST_SLOTS]; /* events, by enum mfd_callsite_lost */
};

#endif /* MFD_BPF_CALLSITES_H */
