// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * metrics_pressure.c - points of the compaction, reclaim, THP, vmstat,
 * kernel log and HugeTLB metrics (collect/pressure.h; see
 * metrics_emit.h).
 */
#include <stdio.h>

#include "metrics_emit.h"
#include "pressure.h"

static const struct mfd_pressure *sig_bpf(const struct mfd_state *st,
					  unsigned int need)
{
	const struct mfd_pressure *s = st->pressure;

	return s && s->have_totals && (s->bpf_signals & need) ? s : NULL;
}

/*
 * Orders whose stall series exist from the start, at 0: the huge page
 * order (THP faults, the stalls that hurt most), and order 0 for reclaim
 * (direct reclaim's usual order; compaction never runs for order 0).
 * Other orders appear at their first stall: a zero histogram costs 29
 * series per order and node, and a fleet pays that times its size.
 */
static bool stall_order_zeroed(const struct mfd_pressure *s, unsigned int o,
			       bool reclaim)
{
	return o == s->hpage_order || (reclaim && o == 0);
}

static int emit_stall_hist(const struct mfd_metric_desc *d,
			   const struct mfd_state *st, mfd_point_fn fn,
			   void *arg, bool reclaim)
{
	const struct mfd_pressure *s = sig_bpf(
		st, reclaim ? MFD_SIG_RECLAIM_STALL : MFD_SIG_COMPACT_STALL);
	struct mfd_point p;

	if (!s)
		return 0;
	for (unsigned int o = 0; o < MFD_COMP_MAX_ORDERS; o++) {
		const struct mfd_histogram *h = reclaim ? &s->reclaim_hist[o] :
							  &s->compact_hist[o];

		if (!h->count && !stall_order_zeroed(s, o, reclaim))
			continue; /* orders that never stalled */
		mfd_point_init(&p, d, st, 0);
		mfd_attr_int(&p, "order", o);
		p.hist = h;
		p.d = h->sum;
		MFD_EMIT(fn, &p, arg);
	}
	return 0;
}

int mfd_emit_compact_stall_hist(const struct mfd_metric_desc *d,
				const struct mfd_state *st, mfd_point_fn fn,
				void *arg)
{
	return emit_stall_hist(d, st, fn, arg, false);
}

int mfd_emit_reclaim_stall_hist(const struct mfd_metric_desc *d,
				const struct mfd_state *st, mfd_point_fn fn,
				void *arg)
{
	return emit_stall_hist(d, st, fn, arg, true);
}

int mfd_emit_compact_outcomes(const struct mfd_metric_desc *d,
			      const struct mfd_state *st, mfd_point_fn fn,
			      void *arg)
{
	const struct mfd_pressure *s = sig_bpf(st, MFD_SIG_COMPACT_STALL);
	struct mfd_point p;

	if (!s)
		return 0;
	for (unsigned int o = 0; o < MFD_COMP_MAX_ORDERS; o++)
		for (unsigned int r = 0; r < MFD_COMP_STATUSES; r++) {
			/* at 0 from the start: the huge page order's
			 * named results ("other" folds the rest) */
			if (!s->ct.s.status[o][r] &&
			    (!stall_order_zeroed(s, o, false) ||
			     !strcmp(mfd_compact_status_name(r), "other")))
				continue;
			mfd_point_init(&p, d, st, 0);
			mfd_attr_int(&p, "order", o);
			mfd_attr_str(&p, "outcome", mfd_compact_status_name(r));
			p.i = (int64_t)s->ct.s.status[o][r];
			MFD_EMIT(fn, &p, arg);
		}
	return 0;
}

int mfd_emit_reclaimed(const struct mfd_metric_desc *d,
		       const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	const struct mfd_pressure *s = sig_bpf(st, MFD_SIG_RECLAIM_STALL);
	struct mfd_point p;

	if (!s)
		return 0;
	for (unsigned int o = 0; o < MFD_COMP_MAX_ORDERS; o++) {
		if (!s->reclaim_hist[o].count &&
		    !stall_order_zeroed(s, o, true))
			continue;
		mfd_point_init(&p, d, st, 0);
		mfd_attr_int(&p, "order", o);
		p.i = (int64_t)s->ct.s.reclaimed[o];
		MFD_EMIT(fn, &p, arg);
	}
	return 0;
}

static int emit_wakes(const struct mfd_metric_desc *d,
		      const struct mfd_state *st, mfd_point_fn fn, void *arg,
		      bool kswapd)
{
	const struct mfd_pressure *s = sig_bpf(
		st, kswapd ? MFD_SIG_KSWAPD_WAKE : MFD_SIG_KCOMPACTD_WAKE);
	struct mfd_point p;

	if (!s)
		return 0;
	for (unsigned int n = 0; n < MFD_COMP_MAX_NODES; n++)
		for (unsigned int o = 0; o < MFD_COMP_MAX_ORDERS; o++) {
			uint64_t v = kswapd ? s->ct.w.kswapd[n][o] :
					      s->ct.w.kcompactd[n][o];

			if (!v)
				continue;
			mfd_point_init(&p, d, st, 0);
			mfd_attr_int(&p, "numa.node", n);
			mfd_attr_int(&p, "order", o);
			p.i = (int64_t)v;
			MFD_EMIT(fn, &p, arg);
		}
	return 0;
}

int mfd_emit_kcompactd_wakes(const struct mfd_metric_desc *d,
			     const struct mfd_state *st, mfd_point_fn fn,
			     void *arg)
{
	return emit_wakes(d, st, fn, arg, false);
}

int mfd_emit_kswapd_wakes(const struct mfd_metric_desc *d,
			  const struct mfd_state *st, mfd_point_fn fn,
			  void *arg)
{
	return emit_wakes(d, st, fn, arg, true);
}

int mfd_emit_alloc_failures(const struct mfd_metric_desc *d,
			    const struct mfd_state *st, mfd_point_fn fn,
			    void *arg)
{
	const struct mfd_pressure *s = sig_bpf(st, MFD_SIG_ALLOC_FAIL);
	struct mfd_point p;

	if (!s)
		return 0;
	for (unsigned int o = 0; o < MFD_COMP_MAX_ORDERS; o++) {
		mfd_point_init(&p, d, st, 0);
		mfd_attr_int(&p, "order", o);
		p.i = (int64_t)s->ct.alloc_fail[o];
		MFD_EMIT(fn, &p, arg);
	}
	return 0;
}

int mfd_emit_stall_drops(const struct mfd_metric_desc *d,
			 const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	const struct mfd_pressure *s = st->pressure;

	if (!s || !s->have_totals || !s->bpf_signals)
		return 0;
	const struct mfd_named_value r[] = {
		{ "task_table_full", s->ct.s.start_drops },
		{ "reclaim_end_unmatched", s->ct.s.unmatched_reclaim },
		{ "ringbuf_full", s->ct.s.ringbuf_drops },
		{ "undecodable", s->ct.bad_records },
	};
	return mfd_emit_named(d, st, fn, arg, 0, NULL, NULL, "reason", r,
			      sizeof(r) / sizeof(r[0]));
}

int mfd_emit_vmstat(const struct mfd_metric_desc *d, const struct mfd_state *st,
		    mfd_point_fn fn, void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	static char names[MFD_VM_MAX_ALLOCSTALL][MFD_VM_ZONE_LEN + 12];
	struct mfd_point p;

	if (!s || !s->have_vmstat)
		return 0;
	for (int i = 0; i < MFD_VM_ITEMS; i++) {
		if (!mfd_vmstat_has(&s->vm, (enum mfd_vmstat_item)i))
			continue; /* absent, not zero */
		mfd_point_init(&p, d, st, 0);
		mfd_attr_str(&p, "counter", mfd_vmstat_names[i]);
		p.i = (int64_t)s->vm.val[i];
		MFD_EMIT(fn, &p, arg);
	}
	for (unsigned int i = 0; i < s->vm.nr_allocstall; i++) {
		snprintf(names[i], sizeof(names[i]), "allocstall_%s",
			 s->vm.allocstall[i].zone);
		mfd_point_init(&p, d, st, 0);
		mfd_attr_str(&p, "counter", names[i]);
		p.i = (int64_t)s->vm.allocstall[i].val;
		MFD_EMIT(fn, &p, arg);
	}
	return 0;
}

int mfd_emit_mthp(const struct mfd_metric_desc *d, const struct mfd_state *st,
		  mfd_point_fn fn, void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	struct mfd_point p;

	if (!s || !s->have_vmstat)
		return 0;
	for (unsigned int k = 0; k < s->vm.nr_mthp; k++)
		for (int i = 0; i < MFD_MTHP_ITEMS; i++) {
			if (!((s->vm.mthp[k].have >> i) & 1))
				continue;
			mfd_point_init(&p, d, st, 0);
			mfd_attr_int(&p, "hugepage.size",
				     (int64_t)s->vm.mthp[k].size_kib * 1024);
			mfd_attr_str(&p, "counter", mfd_mthp_names[i]);
			p.i = (int64_t)s->vm.mthp[k].val[i];
			MFD_EMIT(fn, &p, arg);
		}
	return 0;
}

int mfd_emit_score_wmark(const struct mfd_metric_desc *d,
			 const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	const struct mfd_pressure *s = st->pressure;

	if (!s || !s->have_scores || !s->scores.have_proactiveness)
		return 0;
	const struct mfd_named_value v[] = {
		{ "low", (uint64_t)s->scores.wmark_low },
		{ "high", (uint64_t)s->scores.wmark_high },
	};
	return mfd_emit_named(d, st, fn, arg, 0, NULL, NULL, "threshold", v, 2);
}

int mfd_emit_kmsg_failures(const struct mfd_metric_desc *d,
			   const struct mfd_state *st, mfd_point_fn fn,
			   void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	struct mfd_point p;

	if (!s || !s->have_kmsg)
		return 0;
	for (unsigned int o = 0; o < MFD_KMSG_MAX_ORDERS; o++) {
		/* the kernel's orders at 0 from the start; a report of a
		 * larger order (folded into the last slot) when it came */
		if (st->have_snap && o >= st->snap->nr_orders &&
		    !s->af.by_order[o])
			continue;
		mfd_point_init(&p, d, st, 0);
		mfd_attr_int(&p, "order", o);
		p.i = (int64_t)s->af.by_order[o];
		MFD_EMIT(fn, &p, arg);
	}
	return 0;
}

int mfd_emit_kmsg_proc_failures(const struct mfd_metric_desc *d,
				const struct mfd_state *st, mfd_point_fn fn,
				void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	struct mfd_point p;

	if (!s || !s->have_kmsg)
		return 0;
	for (unsigned int i = 0; i < s->af.nr_procs; i++) {
		mfd_point_init(&p, d, st, 0);
		mfd_attr_str(&p, "process.executable.name",
			     s->af.procs[i].comm);
		mfd_attr_int(&p, "order", s->af.procs[i].order);
		p.i = (int64_t)s->af.procs[i].count;
		MFD_EMIT(fn, &p, arg);
	}
	return 0;
}

int mfd_emit_kmsg_dropped(const struct mfd_metric_desc *d,
			  const struct mfd_state *st, mfd_point_fn fn,
			  void *arg)
{
	const struct mfd_pressure *s = st->pressure;

	if (!s || !s->have_kmsg)
		return 0;
	const struct mfd_named_value v[] = {
		{ "lost", s->af.lost },
		{ "malformed", s->af.malformed },
	};
	return mfd_emit_named(d, st, fn, arg, 0, NULL, NULL, "reason", v, 2);
}

/* --- HugeTLB pools (collect/hugetlb.c) ----------------------------------- */

static int emit_pool(const struct mfd_metric_desc *d,
		     const struct mfd_state *st, mfd_point_fn fn, void *arg,
		     const struct mfd_htlb_pool *pool, int64_t node,
		     uint64_t size_kib)
{
	struct mfd_point p;

	for (int i = 0; i < MFD_HTLB_ITEMS; i++) {
		if (!((pool->have >> i) & 1))
			continue; /* absent, not zero */
		mfd_point_init(&p, d, st, 0);
		if (node >= 0)
			mfd_attr_int(&p, "numa.node", node);
		mfd_attr_int(&p, "hugepage.size", (int64_t)size_kib * 1024);
		mfd_attr_str(&p, "state", mfd_htlb_state_names[i]);
		p.i = (int64_t)pool->val[i];
		MFD_EMIT(fn, &p, arg);
	}
	return 0;
}

int mfd_emit_htlb_global(const struct mfd_metric_desc *d,
			 const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	const struct mfd_pressure *s = st->pressure;

	/* a replay holds none: live pools beside recorded zones would
	 * mislead (loop.c samples signals once at start even then) */
	if (!s || !s->have_htlb || st->replay != MFD_REPLAY_OFF)
		return 0;
	for (unsigned int k = 0; k < s->htlb.nr_sizes; k++) {
		int rc = emit_pool(d, st, fn, arg, &s->htlb.global[k], -1,
				   s->htlb.size_kib[k]);

		if (rc)
			return rc;
	}
	return 0;
}

int mfd_emit_htlb_node(const struct mfd_metric_desc *d,
		       const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	const struct mfd_pressure *s = st->pressure;

	if (!s || !s->have_htlb || st->replay != MFD_REPLAY_OFF)
		return 0;
	for (unsigned int n = 0; n < s->htlb.nr_nodes; n++)
		for (unsigned int k = 0; k < s->htlb.nr_sizes; k++) {
			int rc = emit_pool(d, st, fn, arg,
					   &s->htlb.nodes[n].pool[k],
					   s->htlb.nodes[n].node,
					   s->htlb.size_kib[k]);

			if (rc)
				return rc;
		}
	return 0;
}
