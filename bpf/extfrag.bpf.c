// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * extfrag.bpf.c - kmem:mm_page_alloc_extfrag, counted and streamed.
 *
 * This is the only mfd code on an allocation path (__rmqueue_fallback ->
 * steal_suitable_fallback fires the tracepoint), so it stays tiny: no loops,
 * no hash maps. Every event bumps a per-CPU counter slot keyed by
 * (alloc migratetype, fallback migratetype, fragmenting), so rates are exact
 * even when the ring buffer is full; the record itself is best effort and a
 * failed reservation is counted as a drop.
 */
#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "extfrag.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* pageblock_order of the running kernel, set by user space before load.
 * The tracepoint's own "fragmenting" is computed the same way
 * (include/trace/events/kmem.h: fallback_order < pageblock_order). */
const volatile __s32 pageblock_order = 9;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024); /* resized by user space */
} events SEC(".maps");

/* Wake the reader only once this many bytes wait in the ring buffer; the
 * agent's timer drains the rest every interval. A wakeup per record is an
 * irq_work self-IPI, which in a VM is a VM exit costing microseconds on
 * the allocation path. Set by user space (a quarter of the ring). */
const volatile __u64 wakeup_bytes = 64 * 1024;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mfd_extfrag_stats);
} stats SEC(".maps");

/* The context is the tracepoint's record; direct loads (CO-RE relocated
 * through preserve_access_index) avoid a probe_read per field. */
SEC("tracepoint/kmem/mm_page_alloc_extfrag")
int mfd_extfrag(struct trace_event_raw_mm_page_alloc_extfrag *ctx)
{
	int fallback_order = ctx->fallback_order;
	int alloc_mt = ctx->alloc_migratetype;
	int fallback_mt = ctx->fallback_migratetype;
	int fragmenting = fallback_order < pageblock_order;
	struct mfd_extfrag_stats *st;
	struct mfd_extfrag_event *e;
	__u32 zero = 0, slot;
	__u64 id;

	st = bpf_map_lookup_elem(&stats, &zero);
	if (!st)
		return 0;
	slot = mfd_extfrag_slot(alloc_mt, fallback_mt, fragmenting);
	if (slot >= MFD_EXTFRAG_SLOTS) /* for the verifier; never true */
		return 0;
	/* Per-CPU value: no atomics needed. */
	st->slot[slot]++;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		st->slot[MFD_EXTFRAG_DROPS_SLOT]++;
		return 0;
	}
	id = bpf_get_current_pid_tgid();
	e->type = MFD_REC_EXTFRAG;
	e->pid = (__u32)id;
	e->tgid = id >> 32;
	e->alloc_order = ctx->alloc_order;
	e->fallback_order = fallback_order;
	e->alloc_migratetype = alloc_mt;
	e->fallback_migratetype = fallback_mt;
	e->fragmenting = fragmenting;
	e->change_ownership = 0;
	if (bpf_core_field_exists(ctx->change_ownership))
		e->change_ownership = ctx->change_ownership != 0;
	e->pad[0] = e->pad[1] = 0;
	e->ts_ns = bpf_ktime_get_ns();
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->pfn = ctx->pfn;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >=
					      wakeup_bytes ?
				      BPF_RB_FORCE_WAKEUP :
				      BPF_RB_NO_WAKEUP);
	return 0;
}
