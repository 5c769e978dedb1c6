// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * compaction.bpf.c - direct compaction and direct reclaim stalls, daemon
 * wake-ups and (opt-in) failed page allocations, from tracepoints.
 *
 * Direct compaction stall (mm/compaction.c try_to_compact_pages()): it
 * starts at compaction:mm_compaction_try_to_compact_pages, then runs
 * compact_zone() on each zone of the zonelist (each ends with
 * compaction:mm_compaction_end carrying its enum compact_result) or skips
 * a zone whose compaction is deferred (compaction:mm_compaction_deferred).
 * The call has no end tracepoint of its own, so a stall is counted once, at
 * its first zone result, and moved to a later latency slot and a higher
 * status at each further zone result: latency is start to the latest zone
 * result, status is max() over zones exactly as try_to_compact_pages()
 * computes rc. Moving a count is a decrement of the old slot and an
 * increment of the new one; on another CPU the decrement wraps that CPU's
 * u64 slot, and the sum over CPUs (what user space reads) stays exact.
 * A stall is closed by COMPACT_SUCCESS (the zone loop breaks), by direct
 * reclaim starting, or by the next stall of the same task.
 *
 * Direct reclaim stall: vmscan:mm_vmscan_direct_reclaim_begin/_end, the
 * begin kept per task in a bounded hash map (drops counted).
 *
 * None of these sits on the page allocator's fast path except the opt-in
 * kmem:mm_page_alloc handler, which only compares pfn and bumps a per-CPU
 * counter.
 */
#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "compaction.h"
#include "callsites.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* --callsites: count the stacks each direct compaction stall starts at
 * (bpf/callsites.bpf.h); off, the verifier drops the branch. */
const volatile bool callsites = false;

/* Stalls at least this long become ring-buffer records (set by user
 * space: --stall-threshold-ms). */
const volatile __u64 stall_threshold_ns = 10 * 1000 * 1000;
/* Wake the reader only once this many bytes wait (see extfrag.bpf.c). */
const volatile __u64 wakeup_bytes = 16 * 1024;

/* enum compact_result values the handlers need (include/linux/
 * compaction.h; identical from 6.1 to 6.18, and the tracepoint's own
 * print format names them with these numbers). */
#define COMPACT_DEFERRED 2
#define COMPACT_SUCCESS 8

/* Bumped after every change to cstats or wakes (in .bss, which user space
 * has mmap()ed): the agent copies and sums the per-CPU maps, about 18 KiB
 * per CPU, only when this moved. These handlers are off the allocation
 * fast path, so one atomic add each is cheap. allocfail, the opt-in
 * counter on the fast path, does not bump it and is read every sample. */
__u64 comp_gen = 0;

static __always_inline void changed(void)
{
	__sync_fetch_and_add(&comp_gen, 1);
}

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} stall_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mfd_compaction_stats);
} cstats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mfd_wake_stats);
} wakes SEC(".maps");

/* Failed allocations per order (opt-in kmem:mm_page_alloc handler). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MFD_COMP_MAX_ORDERS);
	__type(key, __u32);
	__type(value, __u64);
} allocfail SEC(".maps");

/* One direct compaction stall in progress (or just finished and already
 * counted, until it is closed). */
struct comp_task {
	__u64 start_ns; /* mm_compaction_try_to_compact_pages */
	__u64 lat_ns; /* latency already counted (when counted) */
	__s32 order; /* requested order */
	__u32 slot; /* latency slot already counted */
	__u32 status; /* status already counted */
	__u8 counted; /* the stall is in the histogram */
	__u8 emitted; /* a ring-buffer record was sent */
	__u8 pad[2];
};

/* LRU: a task that never closes its stall cannot fill the table. Sized
 * to the machine at load time (compaction_probe.c); 8192 is the most. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct comp_task);
} comp_tasks SEC(".maps");

struct rec_task {
	__u64 start_ns; /* mm_vmscan_direct_reclaim_begin */
	__s32 order; /* requested order */
	__u32 pad;
};

/* Fixed size (set at load time, compaction_probe.c): an update that
 * finds it full is counted in start_drops. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct rec_task);
} rec_tasks SEC(".maps");

/* x & mask in a way clang cannot drop: it would otherwise reason the mask
 * away after an earlier compare and index with a register the verifier
 * sees as unbounded. mask must be 2^k - 1. */
#define MASK(x, mask)                                                         \
	({                                                                    \
		__u64 __v = (x);                                              \
		asm volatile("%[v] &= %[m]" : [v] "+r"(__v) : [m] "i"(mask)); \
		__v;                                                          \
	})

static __always_inline __u32 clamp_order(int order)
{
	if (order < 0)
		return 0; /* order -1: whole-zone compaction */
	return order >= MFD_COMP_MAX_ORDERS ? MFD_COMP_MAX_ORDERS - 1 :
					      (__u32)order;
}

static __always_inline struct mfd_compaction_stats *get_cstats(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&cstats, &zero);
}

static __always_inline void emit(__u32 type, __u32 pid, __u32 tgid, int order,
				 int status, __u64 lat, __u64 nr_reclaimed,
				 __u64 now, struct mfd_compaction_stats *cs)
{
	struct mfd_stall_event *e;

	e = bpf_ringbuf_reserve(&stall_events, sizeof(*e), 0);
	if (!e) {
		cs->ringbuf_drops++;
		return;
	}
	e->type = type;
	e->pid = pid;
	e->tgid = tgid;
	e->order = order;
	e->status = status;
	e->pad = 0;
	e->latency_ns = lat;
	e->ts_ns = now;
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->nr_reclaimed = nr_reclaimed;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, bpf_ringbuf_query(&stall_events,
						BPF_RB_AVAIL_DATA) >=
					      wakeup_bytes ?
				      BPF_RB_FORCE_WAKEUP :
				      BPF_RB_NO_WAKEUP);
}

SEC("tracepoint/compaction/mm_compaction_try_to_compact_pages")
int mfd_compact_start(
	struct trace_event_raw_mm_compaction_try_to_compact_pages *ctx)
{
	__u32 pid = (__u32)bpf_get_current_pid_tgid();
	struct comp_task t = {};
	struct mfd_compaction_stats *cs;

	if (callsites)
		mfd_callsite_count(ctx, MFD_CALLSITE_COMPACT_STALL,
				   (__u32)(bpf_get_current_pid_tgid() >> 32));
	t.start_ns = bpf_ktime_get_ns();
	t.order = ctx->order;
	if (bpf_map_update_elem(&comp_tasks, &pid, &t, BPF_ANY)) {
		cs = get_cstats();
		if (cs)
			cs->start_drops++;
		changed();
	}
	return 0;
}

/* One zone result of the task's open stall: count or move the stall. */
static __always_inline void comp_result(int status)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 pid = (__u32)id, slot, st, o;
	struct mfd_compaction_stats *cs;
	struct comp_task *t;
	__u64 now, lat;

	t = bpf_map_lookup_elem(&comp_tasks, &pid);
	if (!t)
		return; /* kcompactd, proactive or manual compaction */
	cs = get_cstats();
	if (!cs)
		return;
	now = bpf_ktime_get_ns();
	lat = now - t->start_ns;
	o = clamp_order(t->order);
	st = status < 0			 ? 0 :
	     status >= MFD_COMP_STATUSES ? MFD_COMP_STATUSES - 1 :
					   (__u32)status;
	if (t->counted && t->status > st)
		st = t->status; /* rc = max(status, rc) */
	slot = mfd_comp_slot(lat);
	/* Masks, not compares: clang may merge compares into a form the
	 * verifier cannot follow; every dimension is a power of two. */
	o = MASK(o, MFD_COMP_MAX_ORDERS - 1);
	slot = MASK(slot, MFD_COMP_SLOT_DIM - 1);
	st = MASK(st, MFD_COMP_STATUSES - 1);
	if (t->counted) {
		__u32 os = MASK(t->slot, MFD_COMP_SLOT_DIM - 1);
		__u32 ost = MASK(t->status, MFD_COMP_STATUSES - 1);

		cs->compact.slot[o][os]--;
		cs->compact.sum_ns[o] -= t->lat_ns;
		cs->status[o][ost]--;
	}
	cs->compact.slot[o][slot]++;
	cs->compact.sum_ns[o] += lat;
	cs->status[o][st]++;
	t->counted = 1;
	t->slot = slot;
	t->status = st;
	t->lat_ns = lat;
	if (lat >= stall_threshold_ns && !t->emitted) {
		t->emitted = 1;
		emit(MFD_REC_COMPACT_STALL, pid, id >> 32, t->order, (int)st,
		     lat, 0, now, cs);
	}
	if (status == COMPACT_SUCCESS)
		bpf_map_delete_elem(&comp_tasks, &pid);
	changed();
}

SEC("tracepoint/compaction/mm_compaction_end")
int mfd_compact_end(struct trace_event_raw_mm_compaction_end *ctx)
{
	comp_result(ctx->status);
	return 0;
}

SEC("tracepoint/compaction/mm_compaction_deferred")
int mfd_compact_deferred(
	struct trace_event_raw_mm_compaction_defer_template *ctx)
{
	(void)ctx;
	comp_result(COMPACT_DEFERRED);
	return 0;
}

/* One daemon wake-up for node nid at order: kswapd's or kcompactd's. */
static __always_inline void count_wake(bool kswapd, int nid, int order)
{
	struct mfd_wake_stats *w;
	__u32 zero = 0, n = nid, o = clamp_order(order);

	w = bpf_map_lookup_elem(&wakes, &zero);
	if (!w)
		return;
	if (n >= MFD_COMP_MAX_NODES)
		n = MFD_COMP_MAX_NODES - 1;
	n = MASK(n, MFD_COMP_MAX_NODES - 1);
	o = MASK(o, MFD_COMP_MAX_ORDERS - 1);
	if (kswapd)
		w->kswapd[n][o]++;
	else
		w->kcompactd[n][o]++;
	changed();
}

SEC("tracepoint/compaction/mm_compaction_kcompactd_wake")
int mfd_kcompactd_wake(struct trace_event_raw_kcompactd_wake_template *ctx)
{
	count_wake(false, ctx->nid, ctx->order);
	return 0;
}

SEC("tracepoint/vmscan/mm_vmscan_kswapd_wake")
int mfd_kswapd_wake(struct trace_event_raw_mm_vmscan_kswapd_wake *ctx)
{
	count_wake(true, ctx->nid, ctx->order);
	return 0;
}

SEC("tracepoint/vmscan/mm_vmscan_direct_reclaim_begin")
int mfd_reclaim_begin(
	struct trace_event_raw_mm_vmscan_direct_reclaim_begin_template *ctx)
{
	__u32 pid = (__u32)bpf_get_current_pid_tgid();
	struct rec_task t = {};
	struct mfd_compaction_stats *cs;

	/* The allocation slow path moved on from compaction. */
	bpf_map_delete_elem(&comp_tasks, &pid);
	t.start_ns = bpf_ktime_get_ns();
	t.order = ctx->order;
	if (bpf_map_update_elem(&rec_tasks, &pid, &t, BPF_ANY)) {
		cs = get_cstats();
		if (cs)
			cs->start_drops++;
		changed();
	}
	return 0;
}

SEC("tracepoint/vmscan/mm_vmscan_direct_reclaim_end")
int mfd_reclaim_end(
	struct trace_event_raw_mm_vmscan_direct_reclaim_end_template *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 pid = (__u32)id, o, slot;
	struct mfd_compaction_stats *cs;
	struct rec_task *t;
	__u64 now, lat, nr = ctx->nr_reclaimed;
	int order;

	cs = get_cstats();
	if (!cs)
		return 0;
	t = bpf_map_lookup_elem(&rec_tasks, &pid);
	if (!t) {
		cs->unmatched_reclaim++;
		changed();
		return 0;
	}
	now = bpf_ktime_get_ns();
	lat = now - t->start_ns;
	order = t->order;
	bpf_map_delete_elem(&rec_tasks, &pid);
	o = MASK(clamp_order(order), MFD_COMP_MAX_ORDERS - 1);
	slot = MASK(mfd_comp_slot(lat), MFD_COMP_SLOT_DIM - 1);
	cs->reclaim.slot[o][slot]++;
	cs->reclaim.sum_ns[o] += lat;
	cs->reclaimed[o] += nr;
	if (lat >= stall_threshold_ns)
		emit(MFD_REC_RECLAIM_STALL, pid, id >> 32, order, -1, lat, nr,
		     now, cs);
	changed();
	return 0;
}

/* Opt-in (--alloc-fail-counter): on the allocation path, so nothing but a
 * compare and a per-CPU increment. The tracepoint reports a failed
 * allocation with pfn -1UL (include/trace/events/kmem.h). */
SEC("tracepoint/kmem/mm_page_alloc")
int mfd_alloc_fail(struct trace_event_raw_mm_page_alloc *ctx)
{
	__u32 o;
	__u64 *c;

	if (ctx->pfn != ~0UL)
		return 0;
	o = ctx->order;
	if (o >= MFD_COMP_MAX_ORDERS)
		o = MFD_COMP_MAX_ORDERS - 1;
	c = bpf_map_lookup_elem(&allocfail, &o);
	if (c)
		(*c)++;
	return 0;
}
