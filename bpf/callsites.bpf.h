/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * callsites.bpf.h - the call-site maps and the one function that counts a
 * stack, included by extfrag.bpf.c and compaction.bpf.c (each object gets
 * its own maps). Opt-in: with call sites off, extfrag attaches its handler
 * without the call (mfd_extfrag, not mfd_extfrag_callsites) and
 * compaction's "callsites" rodata knob is false, so the verifier removes
 * it; the maps shrink to one entry before load
 * (collect/bpf_open.c mfd_bpf_size_callsites()).
 */
#ifndef MFD_BPF_CALLSITES_BPF_H
#define MFD_BPF_CALLSITES_BPF_H

#include "callsites.h"

#ifndef EFAULT
#define EFAULT 14
#endif
#ifndef EEXIST
#define EEXIST 17
#endif

/* Kernel and user stacks, one map: a stack id names either. */
struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, MFD_CALLSITE_STACKS); /* 1 when off */
	__uint(key_size, sizeof(__u32));
	__uint(value_size, MFD_CALLSITE_DEPTH * sizeof(__u64));
} cs_stacks SEC(".maps");

/* Events per (kind, kernel stack, user stack, process): bounded, and
 * preallocated, so an insert on the allocation path never allocates. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MFD_CALLSITE_KEYS); /* 1 when off */
	__type(key, struct mfd_callsite_key);
	__type(value, __u64);
} cs_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mfd_callsite_lost_val);
} cs_lost SEC(".maps");

static __always_inline void mfd_callsite_lost(__u32 what)
{
	struct mfd_callsite_lost_val *l;
	__u32 zero = 0;

	l = bpf_map_lookup_elem(&cs_lost, &zero);
	if (l && what < MFD_CS_LOST_SLOTS)
		l->slot[what]++;
}

/* Count one event of kind at the current stacks. Called from a
 * tracepoint program: ctx carries the registers the stack is walked
 * from, the same that perf's callchain of the tracepoint starts at. */
static __always_inline void mfd_callsite_count(void *ctx, __u32 kind,
					       __u32 tgid)
{
	struct mfd_callsite_key k = { .kind = kind, .tgid = tgid };
	__u64 one = 1, *v;
	long id;

	id = bpf_get_stackid(ctx, &cs_stacks, 0);
	k.kstack = id < 0 ? MFD_CALLSITE_NO_STACK : (__u32)id;
	if (id < 0)
		mfd_callsite_lost(MFD_CS_LOST_KSTACK);
	id = bpf_get_stackid(ctx, &cs_stacks, BPF_F_USER_STACK);
	k.ustack = id < 0 ? MFD_CALLSITE_NO_STACK : (__u32)id;
	if (id < 0 && id != -EFAULT)
		mfd_callsite_lost(MFD_CS_LOST_USTACK);
	v = bpf_map_lookup_elem(&cs_counts, &k);
	if (v) {
		__sync_fetch_and_add(v, 1);
		return;
	}
	/* -EEXIST: another CPU inserted the key meanwhile. */
	if (!bpf_map_update_elem(&cs_counts, &k, &one, BPF_NOEXIST))
		return;
	v = bpf_map_lookup_elem(&cs_counts, &k);
	if (v) {
		__sync_fetch_and_add(v, 1);
		return;
	}
	mfd_callsite_lost(MFD_CS_LOST_FULL); /* -E2BIG: the map is full */
}

#endif /* MFD_BPF_CALLSITES_BPF_H */
