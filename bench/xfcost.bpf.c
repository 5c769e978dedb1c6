// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xfcost.bpf.c - variants of the extfrag handler, measured side by side.
 *
 * bench/bench_xfcost.c attaches every program here to
 * kmem:mm_page_alloc_extfrag at once (the empty "floor" first, the others in
 * an order rotated per repeat), so all of them see the very same events and
 * bpf_stats charges each its own run time. Each variant has its own maps, so
 * no variant fills another's ring buffer or warms another's counters; code
 * shared between them (helpers, the ring buffer's lock path) is warmed by
 * whichever runs first, which is why the order rotates.
 */
#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "extfrag.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define PAGEBLOCK_ORDER 9
#define WAKEUP_BYTES (64 * 1024)

#define RING(name, bytes)                           \
	struct {                                    \
		__uint(type, BPF_MAP_TYPE_RINGBUF); \
		__uint(max_entries, bytes);         \
	} name SEC(".maps")
#define STATS(name)                                      \
	struct {                                         \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); \
		__uint(max_entries, 1);                  \
		__type(key, __u32);                      \
		__type(value, struct mfd_extfrag_stats); \
	} name SEC(".maps")

STATS(st_counters);
STATS(st_cur);
RING(rb_cur, 256 * 1024);
STATS(st_nowake);
RING(rb_nowake, 256 * 1024);
STATS(st_lean);
RING(rb_lean, 256 * 1024);
STATS(st_nots);
RING(rb_nots, 256 * 1024);
STATS(st_nocg);
RING(rb_nocg, 256 * 1024);

/* Per-process aggregation in the kernel instead of a record per event. */
struct proc_agg {
	__u64 count, fragmenting, change_ownership, last_pfn, last_ts_ns;
	__u32 last_pid, pad;
	char comm[MFD_TASK_COMM_LEN];
};
STATS(st_lru);
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct proc_agg);
} lru_procs SEC(".maps");

static __always_inline struct mfd_extfrag_stats *
count(void *stats, struct trace_event_raw_mm_page_alloc_extfrag *ctx)
{
	struct mfd_extfrag_stats *st;
	__u32 zero = 0, slot;

	st = bpf_map_lookup_elem(stats, &zero);
	if (!st)
		return 0;
	slot = mfd_extfrag_slot(ctx->alloc_migratetype,
				ctx->fallback_migratetype,
				ctx->fallback_order < PAGEBLOCK_ORDER);
	if (slot >= MFD_EXTFRAG_SLOTS)
		return 0;
	st->slot[slot]++;
	return st;
}

static __always_inline void
fill_ctx(struct mfd_extfrag_event *e,
	 struct trace_event_raw_mm_page_alloc_extfrag *ctx)
{
	e->type = MFD_REC_EXTFRAG;
	e->alloc_order = ctx->alloc_order;
	e->fallback_order = ctx->fallback_order;
	e->alloc_migratetype = ctx->alloc_migratetype;
	e->fallback_migratetype = ctx->fallback_migratetype;
	e->fragmenting = ctx->fallback_order < PAGEBLOCK_ORDER;
	e->change_ownership = 0;
	if (bpf_core_field_exists(ctx->change_ownership))
		e->change_ownership = ctx->change_ownership != 0;
	e->pad[0] = e->pad[1] = 0;
	e->pfn = ctx->pfn;
}

/* The helpers the handler has always used. */
static __always_inline void fill_helpers(struct mfd_extfrag_event *e)
{
	__u64 id = bpf_get_current_pid_tgid();

	e->pid = (__u32)id;
	e->tgid = id >> 32;
	e->ts_ns = bpf_ktime_get_ns();
	e->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
}

/* The same fields as direct loads from current (BTF pointer): no helper
 * call but the one returning current. */
static __always_inline void fill_task(struct mfd_extfrag_event *e)
{
	struct task_struct *t = bpf_get_current_task_btf();
	const __u64 *c = (const __u64 *)t->comm;

	e->pid = t->pid;
	e->tgid = t->tgid;
	e->cgroup_id = t->cgroups->dfl_cgrp->kn->id;
	((__u64 *)e->comm)[0] = c[0];
	((__u64 *)e->comm)[1] = c[1];
}

static __always_inline __u64 wake(void *rb)
{
	return bpf_ringbuf_query(rb, BPF_RB_AVAIL_DATA) >= WAKEUP_BYTES ?
		       BPF_RB_FORCE_WAKEUP :
		       BPF_RB_NO_WAKEUP;
}

#define TP SEC("tracepoint/kmem/mm_page_alloc_extfrag")
#define tpctx struct trace_event_raw_mm_page_alloc_extfrag

TP int xf_floor(void *ctx)
{
	return 0;
}

/* A second empty handler in the rotation: shows what the position costs. */
TP int xf_empty(void *ctx)
{
	return 0;
}

TP int xf_counters(tpctx *ctx)
{
	count(&st_counters, ctx);
	return 0;
}

/* bpf/extfrag.bpf.c as of afcc258. */
TP int xf_cur(tpctx *ctx)
{
	struct mfd_extfrag_stats *st = count(&st_cur, ctx);
	struct mfd_extfrag_event *e;

	if (!st)
		return 0;
	e = bpf_ringbuf_reserve(&rb_cur, sizeof(*e), 0);
	if (!e) {
		st->slot[MFD_EXTFRAG_DROPS_SLOT]++;
		return 0;
	}
	fill_ctx(e, ctx);
	fill_helpers(e);
	bpf_ringbuf_submit(e, wake(&rb_cur));
	return 0;
}

/* The same without the wakeup query: the reader is never woken. */
TP int xf_nowake(tpctx *ctx)
{
	struct mfd_extfrag_stats *st = count(&st_nowake, ctx);
	struct mfd_extfrag_event *e;

	if (!st)
		return 0;
	e = bpf_ringbuf_reserve(&rb_nowake, sizeof(*e), 0);
	if (!e) {
		st->slot[MFD_EXTFRAG_DROPS_SLOT]++;
		return 0;
	}
	fill_ctx(e, ctx);
	fill_helpers(e);
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return 0;
}

/* Lean fields, ktime, and a wakeup every WAKE_EVERY records counted in
 * the (already hot) per-CPU stats value instead of a query of the ring's
 * consumer/producer pages. */
#define WAKE_EVERY 64
#define CNT_WAKE(st)                                                   \
	((++(st)->slot[MFD_EXTFRAG_RECORDS_SLOT] & (WAKE_EVERY - 1)) ? \
		 BPF_RB_NO_WAKEUP :                                    \
		 BPF_RB_FORCE_WAKEUP)

TP int xf_lean(tpctx *ctx)
{
	struct mfd_extfrag_stats *st = count(&st_lean, ctx);
	struct mfd_extfrag_event *e;

	if (!st)
		return 0;
	e = bpf_ringbuf_reserve(&rb_lean, sizeof(*e), 0);
	if (!e) {
		st->slot[MFD_EXTFRAG_DROPS_SLOT]++;
		return 0;
	}
	fill_ctx(e, ctx);
	fill_task(e);
	e->ts_ns = bpf_ktime_get_ns();
	bpf_ringbuf_submit(e, CNT_WAKE(st));
	return 0;
}

/* Lean without a clock read (ts_ns stamped by user space at drain). */
TP int xf_nots(tpctx *ctx)
{
	struct mfd_extfrag_stats *st = count(&st_nots, ctx);
	struct mfd_extfrag_event *e;

	if (!st)
		return 0;
	e = bpf_ringbuf_reserve(&rb_nots, sizeof(*e), 0);
	if (!e) {
		st->slot[MFD_EXTFRAG_DROPS_SLOT]++;
		return 0;
	}
	fill_ctx(e, ctx);
	fill_task(e);
	e->ts_ns = 0;
	bpf_ringbuf_submit(e, CNT_WAKE(st));
	return 0;
}

/* nots with pageblock_order and the wakeup mask read from .rodata, as
 * mfd's handler does, instead of compile-time constants. */
const volatile __s32 ro_pageblock_order = PAGEBLOCK_ORDER;
const volatile __u64 ro_wake_mask = WAKE_EVERY - 1;
STATS(st_ro);
RING(rb_ro, 256 * 1024);

TP int xf_ro(tpctx *ctx)
{
	struct mfd_extfrag_stats *st;
	struct mfd_extfrag_event *e;
	__u32 zero = 0, slot;
	__u64 n;

	st = bpf_map_lookup_elem(&st_ro, &zero);
	if (!st)
		return 0;
	slot = mfd_extfrag_slot(ctx->alloc_migratetype,
				ctx->fallback_migratetype,
				ctx->fallback_order < ro_pageblock_order);
	if (slot >= MFD_EXTFRAG_SLOTS)
		return 0;
	st->slot[slot]++;
	e = bpf_ringbuf_reserve(&rb_ro, sizeof(*e), 0);
	if (!e) {
		st->slot[MFD_EXTFRAG_DROPS_SLOT]++;
		return 0;
	}
	fill_ctx(e, ctx);
	e->fragmenting = ctx->fallback_order < ro_pageblock_order;
	fill_task(e);
	e->ts_ns = 0;
	n = ++st->slot[MFD_EXTFRAG_RECORDS_SLOT];
	bpf_ringbuf_submit(e, (n & ro_wake_mask) ? BPF_RB_NO_WAKEUP :
						   BPF_RB_FORCE_WAKEUP);
	return 0;
}

/* No clock, and no cgroup id (three pointer loads off current). */
TP int xf_nocg(tpctx *ctx)
{
	struct mfd_extfrag_stats *st = count(&st_nocg, ctx);
	struct mfd_extfrag_event *e;
	struct task_struct *t;

	if (!st)
		return 0;
	e = bpf_ringbuf_reserve(&rb_nocg, sizeof(*e), 0);
	if (!e) {
		st->slot[MFD_EXTFRAG_DROPS_SLOT]++;
		return 0;
	}
	fill_ctx(e, ctx);
	t = bpf_get_current_task_btf();
	e->pid = t->pid;
	e->tgid = t->tgid;
	((__u64 *)e->comm)[0] = ((const __u64 *)t->comm)[0];
	((__u64 *)e->comm)[1] = ((const __u64 *)t->comm)[1];
	e->cgroup_id = 0;
	e->ts_ns = 0;
	bpf_ringbuf_submit(e, CNT_WAKE(st));
	return 0;
}

/* nots with its counters in a mmapable array indexed by CPU (what the
 * agent could read without a syscall) instead of a per-CPU map. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 64); /* bench machines: <= 64 CPUs */
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct mfd_extfrag_stats);
} st_arr SEC(".maps");
RING(rb_arr, 256 * 1024);

TP int xf_arr(tpctx *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id(), slot;
	struct mfd_extfrag_stats *st = bpf_map_lookup_elem(&st_arr, &cpu);
	struct mfd_extfrag_event *e;

	if (!st)
		return 0;
	slot = mfd_extfrag_slot(ctx->alloc_migratetype,
				ctx->fallback_migratetype,
				ctx->fallback_order < PAGEBLOCK_ORDER);
	if (slot >= MFD_EXTFRAG_SLOTS)
		return 0;
	st->slot[slot]++;
	e = bpf_ringbuf_reserve(&rb_arr, sizeof(*e), 0);
	if (!e) {
		st->slot[MFD_EXTFRAG_DROPS_SLOT]++;
		return 0;
	}
	fill_ctx(e, ctx);
	fill_task(e);
	e->ts_ns = 0;
	bpf_ringbuf_submit(e, CNT_WAKE(st));
	return 0;
}

/* Counters in a global array indexed by CPU: no map lookup. */
#define GMAX_CPUS 64
/* 1032 bytes of counters padded to 1088: whole cache lines per CPU. */
__u64 gstats[GMAX_CPUS][136] SEC(".bss");

TP int xf_gcount(tpctx *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id(), slot;

	if (cpu >= GMAX_CPUS)
		return 0;
	slot = mfd_extfrag_slot(ctx->alloc_migratetype,
				ctx->fallback_migratetype,
				ctx->fallback_order < PAGEBLOCK_ORDER);
	if (slot >= MFD_EXTFRAG_SLOTS)
		return 0;
	gstats[cpu][slot]++;
	return 0;
}

/* No records: an LRU hash of per-process tallies (the agent would read it
 * every interval). */
TP int xf_lru(tpctx *ctx)
{
	struct mfd_extfrag_stats *st = count(&st_lru, ctx);
	struct task_struct *t;
	struct proc_agg *p;
	__u32 tgid;

	if (!st)
		return 0;
	t = bpf_get_current_task_btf();
	tgid = t->tgid;
	p = bpf_map_lookup_elem(&lru_procs, &tgid);
	if (!p) {
		struct proc_agg init = {};

		if (bpf_map_update_elem(&lru_procs, &tgid, &init,
					BPF_NOEXIST) &&
		    0)
			return 0;
		p = bpf_map_lookup_elem(&lru_procs, &tgid);
		if (!p) {
			st->slot[MFD_EXTFRAG_DROPS_SLOT]++;
			return 0;
		}
	}
	__sync_fetch_and_add(&p->count, 1);
	if (ctx->fallback_order < PAGEBLOCK_ORDER)
		__sync_fetch_and_add(&p->fragmenting, 1);
	p->last_pfn = ctx->pfn;
	p->last_pid = t->pid;
	p->last_ts_ns = 0;
	((__u64 *)p->comm)[0] = ((const __u64 *)t->comm)[0];
	((__u64 *)p->comm)[1] = ((const __u64 *)t->comm)[1];
	return 0;
}
