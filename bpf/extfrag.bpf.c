// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * extfrag.bpf.c - kmem:mm_page_alloc_extfrag, counted and streamed.
 *
 * This is the only mfd code on an allocation path (__rmqueue_fallback ->
 * steal_suitable_fallback fires the tracepoint), so it stays tiny: no loops,
 * no hash maps. Every event bumps a per-CPU counter slot keyed by
 * (alloc migratetype, fallback migratetype, fragmenting), so rates are exact
 * even when the ring buffer is full; the record itself is best effort and a
 * record that cannot be written is counted as a drop. Records are staged
 * per CPU and go to the ring buffer in batches (bpf/extfrag.h).
 */
#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "extfrag.h"
#include "callsites.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024); /* resized by user space */
} events SEC(".maps");

/* Exact counters and the staged records: one value per CPU, so no atomics
 * are needed (the handler cannot nest on a CPU: bpf_prog_active). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mfd_extfrag_stats);
} stats SEC(".maps");

/* Keeps the compiler from moving stage[] stores across the busy flag. */
#define barrier() asm volatile("" ::: "memory")

/*
 * Copy the first n staged events to the ring as one record. The reader is
 * woken when this CPU's count of events written to the ring crosses a
 * multiple of (st->wakeup_mask + 1); the agent drains the rest every
 * interval. A wakeup per record is an irq_work self-IPI, which in a VM is
 * a VM exit costing microseconds on the allocation path, and asking the
 * ring how full it is (bpf_ringbuf_query) reads its producer and consumer
 * pages. User space sets the mask so that all CPUs together hold back at
 * most a quarter of the ring.
 */
static __always_inline void flush(struct mfd_extfrag_stats *st, __u32 n,
				  bool may_wake)
{
	__u64 was = st->slot[MFD_EXTFRAG_RECORDS_SLOT], now = was + n;
	__u64 flags = BPF_RB_NO_WAKEUP;

	if (n == 0 || n > MFD_EXTFRAG_STAGE) /* for the verifier */
		return;
	if (may_wake && ((was ^ now) & ~st->wakeup_mask))
		flags = BPF_RB_FORCE_WAKEUP;
	if (bpf_ringbuf_output(&events, st->stage,
			       n * sizeof(struct mfd_extfrag_event), flags)) {
		st->slot[MFD_EXTFRAG_DROPS_SLOT] += n;
		return;
	}
	st->slot[MFD_EXTFRAG_RECORDS_SLOT] = now;
}

/*
 * Cost (bench/bench_xfcost.c, docs/performance.md): the context fields are
 * direct loads (CO-RE relocated through preserve_access_index); pid, tgid,
 * comm and the cgroup id are direct loads from current's task_struct (a
 * BTF pointer: one helper call where there were three, and no string
 * copy). The clock is read: an event's time is part of what it says. The
 * record goes to the per-CPU stage, not to the ring: on a rare event every
 * page the handler touches is cold, and the ring's are several.
 */
static __always_inline int
extfrag_event(struct trace_event_raw_mm_page_alloc_extfrag *ctx,
	      const bool callsites)
{
	int fallback_order = ctx->fallback_order;
	int alloc_mt = ctx->alloc_migratetype;
	int fallback_mt = ctx->fallback_migratetype;
	struct mfd_extfrag_stats *st;
	struct mfd_extfrag_event *e;
	struct task_struct *t;
	__u32 zero = 0, slot, n;
	int fragmenting;

	st = bpf_map_lookup_elem(&stats, &zero);
	if (!st)
		return 0;
	/* As the tracepoint's own "fragmenting" (include/trace/events/kmem.h). */
	fragmenting = fallback_order < st->pageblock_order;
	slot = mfd_extfrag_slot(alloc_mt, fallback_mt, fragmenting);
	if (slot >= MFD_EXTFRAG_SLOTS) /* for the verifier; never true */
		return 0;
	st->slot[slot]++;
	/* A flush run on this CPU (in process context when the agent runs
	 * on it) was interrupted by this event: the event is counted, its
	 * record is lost. */
	if (st->busy) {
		st->slot[MFD_EXTFRAG_DROPS_SLOT]++;
		return 0;
	}
	st->busy = 1;
	barrier();
	n = st->staged & (MFD_EXTFRAG_STAGE - 1);
	e = &st->stage[n];
	t = bpf_get_current_task_btf();
	e->type = MFD_REC_EXTFRAG;
	e->pid = t->pid;
	e->tgid = t->tgid;
	e->alloc_order = ctx->alloc_order;
	e->fallback_order = fallback_order;
	e->alloc_migratetype = alloc_mt;
	e->fallback_migratetype = fallback_mt;
	e->fragmenting = fragmenting;
	e->change_ownership = 0;
	if (bpf_core_field_exists(ctx->change_ownership))
		e->change_ownership = ctx->change_ownership != 0;
	e->pad[0] = e->pad[1] = 0;
	/* The event's own time: log records and the dashboard show when it
	 * happened, not when it was drained (~30-40 ns warm: bench variant "nots"). */
	e->ts_ns = bpf_ktime_get_ns();
	/* What bpf_get_current_cgroup_id() returns: the v2 cgroup's id. */
	e->cgroup_id = t->cgroups->dfl_cgrp->kn->id;
	e->pfn = ctx->pfn;
	/* Two 8-byte loads: task->comm is NUL-padded to 16 bytes (as
	 * bpf_get_current_comm() would copy it); the decoder terminates it. */
	__builtin_memcpy(e->comm, t->comm, sizeof(e->comm));
	if (++n == MFD_EXTFRAG_STAGE) {
		flush(st, n, true);
		n = 0;
	}
	st->staged = n;
	barrier();
	st->busy = 0;
	if (callsites)
		mfd_callsite_count(ctx, MFD_CALLSITE_EXTFRAG, e->tgid);
	return 0;
}

/* The handler the agent attaches by default. */
SEC("tracepoint/kmem/mm_page_alloc_extfrag")
int mfd_extfrag(struct trace_event_raw_mm_page_alloc_extfrag *ctx)
{
	return extfrag_event(ctx, false);
}

/*
 * With --callsites, this one instead (the loader switches the other off
 * with bpf_program__set_autoload()): the same, then each event's kernel
 * and user stacks counted (bpf/callsites.bpf.h). Two programs rather than
 * a .rodata knob: a knob is still read on every event, one more cold page
 * on a rare event, where the handler with call sites off must cost what
 * it did.
 */
SEC("tracepoint/kmem/mm_page_alloc_extfrag")
int mfd_extfrag_callsites(struct trace_event_raw_mm_page_alloc_extfrag *ctx)
{
	return extfrag_event(ctx, true);
}

/*
 * Send this CPU's partial batch to the ring. Run by the agent with
 * BPF_PROG_TEST_RUN on each CPU that has staged events when it reads the
 * stats map (BPF_F_TEST_RUN_ON_CPU: an IPI, or with preemption off on the
 * agent's own CPU), never attached. Returns 1 when it interrupted the
 * handler in the middle of writing stage[]: the agent tries again at its
 * next read.
 */
SEC("raw_tp")
int mfd_extfrag_flush(void *ctx)
{
	struct mfd_extfrag_stats *st;
	__u32 zero = 0, n;

	st = bpf_map_lookup_elem(&stats, &zero);
	if (!st)
		return 0;
	if (st->busy)
		return 1;
	n = st->staged;
	if (n == 0)
		return 0;
	st->busy = 1;
	barrier();
	flush(st, n, false);
	st->staged = 0;
	barrier();
	st->busy = 0;
	return 0;
}
