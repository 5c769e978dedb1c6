// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view_compaction.c - the -m view, "compaction and reclaim": how close
 * each node is to the kernel's proactive-compaction trigger, the
 * compaction success and THP fallback rates from /proc/vmstat, and the
 * direct compaction and reclaim stall histograms per order, and the
 * memory the buddy allocator cannot hand out: HugeTLB pools and CMA.
 *
 * Rates are over the counters since boot (that is what the kernel keeps);
 * stall histograms count from agent start.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pressure.h"
#include "view_lines.h"
#include "view_renderers.h"

static void pct(char *buf, size_t len, uint64_t num, uint64_t den)
{
	if (!den)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f%%", 100.0 * (double)num / (double)den);
}

static void scores(struct mfd_screen *s, const struct mfd_view_opts *opts,
		   const struct mfd_snapshot *snap,
		   const struct mfd_pressure *g)
{
	const struct mfd_frag_scores *sc = &g->scores;
	struct mfd_vline l;

	if (!g->have_scores)
		return;
	mfd_screen_wrapf(s, 2,
			 "Proactive compaction, order %u: proactiveness "
			 "%u%s, compacts above %u, stops at %u",
			 sc->hpage_order, sc->proactiveness,
			 sc->have_proactiveness ? "" : " (assumed)",
			 sc->wmark_high, sc->wmark_low);
	mfd_screen_printf(s, "%6s %-8s %6s %9s", "NODE", "ZONE", "SCORE",
			  "WEIGHTED");
	for (uint32_t ni = 0; ni < sc->nr_nodes; ni++) {
		const struct mfd_node *n = &snap->nodes[ni];
		bool any = false;

		for (uint32_t zi = n->first_zone;
		     zi < n->first_zone + n->nr_zones; zi++) {
			const struct mfd_zone *z = &snap->zones[zi];

			if (!mfd_view_zone_selected(opts, z) ||
			    !sc->zone[zi].valid)
				continue;
			any = true;
			mfd_screen_printf(s, "%6u %-8s %6u %9u", z->node,
					  z->name, sc->zone[zi].score,
					  sc->zone[zi].weighted);
		}
		if (!any)
			continue;
		mfd_vline_init(&l);
		mfd_vline_addf(&l, "%6u %-8s ", sc->node[ni].node, "node");
		{
			char num[16];
			bool over = sc->proactiveness &&
				    sc->node[ni].score > sc->wmark_high;

			snprintf(num, sizeof(num), "%u", sc->node[ni].score);
			mfd_vline_cell(&l, num, 6, over);
		}
		mfd_vline_addf(&l, "  of %u: %s", sc->wmark_high,
			       !sc->proactiveness ? "proactive compaction off" :
			       sc->node[ni].score > sc->wmark_high ?
						    "kcompactd compacts now" :
						    "below the trigger");
		mfd_vline_emit(s, &l);
	}
}

static void rates(struct mfd_screen *s, const struct mfd_pressure *g)
{
	const struct mfd_vmstat *v = &g->vm;
	char a[16], b[16];
	uint64_t stalls = 0;

	if (!g->have_vmstat) {
		mfd_screen_printf(s, "/proc/vmstat: unavailable");
		return;
	}
	mfd_screen_printf(s, "Since boot (/proc/vmstat):");
	if (mfd_vmstat_has(v, MFD_VM_COMPACT_STALL)) {
		pct(a, sizeof(a), v->val[MFD_VM_COMPACT_SUCCESS],
		    v->val[MFD_VM_COMPACT_SUCCESS] +
			    v->val[MFD_VM_COMPACT_FAIL]);
		mfd_screen_wrapf(
			s, 4,
			"  direct compaction: %llu stalls, %llu "
			"succeeded, %llu failed, success %s",
			(unsigned long long)v->val[MFD_VM_COMPACT_STALL],
			(unsigned long long)v->val[MFD_VM_COMPACT_SUCCESS],
			(unsigned long long)v->val[MFD_VM_COMPACT_FAIL], a);
	}
	if (mfd_vmstat_has(v, MFD_VM_THP_FAULT_ALLOC)) {
		uint64_t alloc = v->val[MFD_VM_THP_FAULT_ALLOC],
			 fb = v->val[MFD_VM_THP_FAULT_FALLBACK];

		pct(a, sizeof(a), fb, alloc + fb);
		mfd_screen_wrapf(s, 4,
				 "  THP faults: %llu huge, %llu fell back: "
				 "fallback rate %s",
				 (unsigned long long)alloc,
				 (unsigned long long)fb, a);
	}
	for (unsigned int k = 0; k < v->nr_mthp; k++) {
		const struct mfd_mthp_size *m = &v->mthp[k];

		if (!(m->have & 3) || !(m->val[MFD_MTHP_ANON_FAULT_ALLOC] +
					m->val[MFD_MTHP_ANON_FAULT_FALLBACK]))
			continue;
		pct(b, sizeof(b), m->val[MFD_MTHP_ANON_FAULT_FALLBACK],
		    m->val[MFD_MTHP_ANON_FAULT_ALLOC] +
			    m->val[MFD_MTHP_ANON_FAULT_FALLBACK]);
		mfd_screen_printf(s, "    mTHP %6llukB: fallback rate %s",
				  (unsigned long long)m->size_kib, b);
	}
	if (mfd_vmstat_has(v, MFD_VM_PGMIGRATE_SUCCESS)) {
		pct(a, sizeof(a), v->val[MFD_VM_PGMIGRATE_FAIL],
		    v->val[MFD_VM_PGMIGRATE_SUCCESS] +
			    v->val[MFD_VM_PGMIGRATE_FAIL]);
		mfd_screen_printf(
			s, "  page migration: %llu moved, %s failed",
			(unsigned long long)v->val[MFD_VM_PGMIGRATE_SUCCESS],
			a);
	}
	for (unsigned int k = 0; k < v->nr_allocstall; k++)
		stalls += v->allocstall[k].val;
	if (v->nr_allocstall)
		mfd_screen_printf(s, "  direct reclaim (allocstall_*): %llu",
				  (unsigned long long)stalls);
}

/* "2M", "1G", "64K": a huge page size in KiB, short. */
static void size_name(char *buf, size_t len, uint64_t kib)
{
	if (kib >= (1u << 20) && !(kib % (1u << 20)))
		snprintf(buf, len, "%lluG", (unsigned long long)(kib >> 20));
	else if (kib >= 1024 && !(kib % 1024))
		snprintf(buf, len, "%lluM", (unsigned long long)(kib >> 10));
	else
		snprintf(buf, len, "%lluK", (unsigned long long)kib);
}

static void u64_or_dash(char *buf, size_t len, bool have, uint64_t v)
{
	if (have)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		snprintf(buf, len, "-");
}

/* HugeTLB pools per node and size, then per zone the CMA area and how
 * many gigantic pages its free max-order blocks could cover (hugetlb.h
 * says why that is a candidate count, not a promise). */
static void hugetlb(struct mfd_screen *s, const struct mfd_view_opts *opts,
		    const struct mfd_snapshot *snap,
		    const struct mfd_pressure *g)
{
	const struct mfd_hugetlb *h = &g->htlb;
	long page = sysconf(_SC_PAGESIZE);
	uint64_t page_kib = page >= 1024 ? (uint64_t)page / 1024 : 4;
	char sz[24], t[24], f[24], r[24], u[24], hdr[40] = "";
	int giant = -1;

	if (h->nr_sizes) {
		mfd_screen_wrapf(s, 2,
				 "HugeTLB pools (pages; reserved is counted "
				 "system-wide only):");
		mfd_screen_printf(s, "%6s %5s %9s %9s %9s %9s", "NODE", "SIZE",
				  "TOTAL", "FREE", "SURPLUS", "RESERVED");
		for (unsigned int n = 0; n < h->nr_nodes; n++)
			for (unsigned int k = 0; k < h->nr_sizes; k++) {
				const struct mfd_htlb_pool *p =
					&h->nodes[n].pool[k];

				if (opts->node_filter >= 0 &&
				    (uint32_t)opts->node_filter !=
					    h->nodes[n].node)
					continue;
				size_name(sz, sizeof(sz), h->size_kib[k]);
				u64_or_dash(t, sizeof(t), p->have & 1,
					    p->val[MFD_HTLB_TOTAL]);
				u64_or_dash(f, sizeof(f), p->have & 2,
					    p->val[MFD_HTLB_FREE]);
				u64_or_dash(u, sizeof(u), p->have & 8,
					    p->val[MFD_HTLB_SURPLUS]);
				mfd_screen_printf(s, "%6u %5s %9s %9s %9s %9s",
						  h->nodes[n].node, sz, t, f, u,
						  "");
			}
		for (unsigned int k = 0; k < h->nr_sizes; k++) {
			const struct mfd_htlb_pool *p = &h->global[k];

			size_name(sz, sizeof(sz), h->size_kib[k]);
			u64_or_dash(t, sizeof(t), p->have & 1,
				    p->val[MFD_HTLB_TOTAL]);
			u64_or_dash(f, sizeof(f), p->have & 2,
				    p->val[MFD_HTLB_FREE]);
			u64_or_dash(r, sizeof(r), p->have & 4,
				    p->val[MFD_HTLB_RESERVED]);
			u64_or_dash(u, sizeof(u), p->have & 8,
				    p->val[MFD_HTLB_SURPLUS]);
			mfd_screen_printf(s, "%6s %5s %9s %9s %9s %9s", "all",
					  sz, t, f, u, r);
		}
	} else {
		mfd_screen_printf(s, "HugeTLB: no pools (kernel without "
				     "CONFIG_HUGETLBFS?)");
	}
	/* the largest gigantic size, if any (1 GiB on x86-64) */
	for (unsigned int k = 0; k < h->nr_sizes; k++)
		if (snap && snap->nr_orders &&
		    h->size_kib[k] / page_kib > (1ull << (snap->nr_orders - 1)))
			giant = (int)k;
	if (giant >= 0) {
		size_name(sz, sizeof(sz), h->size_kib[giant]);
		snprintf(hdr, sizeof(hdr), "%s_CANDIDATES", sz);
	}
	if (!snap)
		return;
	mfd_screen_printf(s, "%6s %-8s %10s %10s %14s", "NODE", "ZONE",
			  "CMA_PAGES", "CMA_FREE", hdr);
	for (uint32_t zi = 0; zi < snap->nr_zones; zi++) {
		const struct mfd_zone *z = &snap->zones[zi];
		const struct mfd_cma_zone *c =
			mfd_hugetlb_cma(h, z->node, z->name);
		uint64_t n = 0;

		if (!mfd_view_zone_selected(opts, z))
			continue;
		u64_or_dash(t, sizeof(t), c && (c->have & MFD_CMA_HAVE_TOTAL),
			    c ? c->total_pages : 0);
		u64_or_dash(f, sizeof(f), c && (c->have & MFD_CMA_HAVE_FREE),
			    c ? c->free_pages : 0);
		u64_or_dash(u, sizeof(u),
			    giant >= 0 &&
				    mfd_gigantic_candidates(z, snap->nr_orders,
							    h->size_kib[giant],
							    page_kib, &n),
			    n);
		mfd_screen_printf(s, "%6u %-8s %10s %10s %14s", z->node,
				  z->name, t, f, giant >= 0 ? u : "");
	}
}

/* One row per order that stalled: count, mean, and the log2 buckets
 * folded at three of their own bounds (2^10, 2^13 and 2^17 µs), so every
 * stall is in the column its label says. */
static void stall_table(struct mfd_screen *s, const char *title,
			const struct mfd_histogram *h,
			const struct mfd_pressure *g, bool compaction)
{
	static const double cuts[] = { 0.001024, 0.008192, 0.131072 };
	bool any = false;

	for (unsigned int o = 0; o < MFD_COMP_MAX_ORDERS; o++) {
		uint64_t fold[4] = { 0 };
		char extra[32] = "";

		if (!h[o].count)
			continue;
		if (!any) {
			mfd_screen_printf(s, "%s", title);
			mfd_screen_printf(s, "%6s %8s %9s %7s %7s %7s %7s %9s",
					  "ORDER", "STALLS", "MEAN_MS",
					  "<=1.0ms", "<=8.2ms", "<=131ms",
					  ">131ms",
					  compaction ? "SUCCESS" : "RECLAIMED");
			any = true;
		}
		for (unsigned int k = 0; k <= h[o].nbounds; k++) {
			unsigned int f = 3;

			if (k < h[o].nbounds)
				for (f = 0; f < 3; f++)
					if (h[o].bounds[k] <=
					    cuts[f] * 1.0000001)
						break;
			fold[f] += h[o].counts[k];
		}
		if (compaction)
			pct(extra, sizeof(extra), g->ct.s.status[o][8],
			    h[o].count);
		else
			snprintf(extra, sizeof(extra), "%llu",
				 (unsigned long long)g->ct.s.reclaimed[o]);
		mfd_screen_printf(s,
				  "%6u %8llu %9.3f %7llu %7llu %7llu %7llu %9s",
				  o, (unsigned long long)h[o].count,
				  h[o].sum * 1e3 / (double)h[o].count,
				  (unsigned long long)fold[0],
				  (unsigned long long)fold[1],
				  (unsigned long long)fold[2],
				  (unsigned long long)fold[3], extra);
	}
	if (!any)
		mfd_screen_printf(s, "%s none since the agent started", title);
}

static void wakes(struct mfd_screen *s, const struct mfd_pressure *g)
{
	bool any = false;

	for (unsigned int n = 0; n < MFD_COMP_MAX_NODES; n++) {
		uint64_t kc = 0, ks = 0;

		for (unsigned int o = 0; o < MFD_COMP_MAX_ORDERS; o++) {
			kc += g->ct.w.kcompactd[n][o];
			ks += g->ct.w.kswapd[n][o];
		}
		any |= kc || ks;
		if (kc || ks)
			mfd_screen_printf(s,
					  "  node %u: kcompactd woken %llu, "
					  "kswapd woken %llu",
					  n, (unsigned long long)kc,
					  (unsigned long long)ks);
	}
	if (!any)
		mfd_screen_printf(s, "  none since the agent started");
}

void mfd_view_compaction(const struct mfd_view_opts *opts,
			 const struct mfd_view_input *in, struct mfd_screen *s)
{
	const struct mfd_pressure *g = in->pressure;

	mfd_view_header(s, opts, in->snap, "compaction and reclaim", NULL);
	if (!g) {
		mfd_screen_wrapf(s, 2,
				 "compaction and reclaim signals are "
				 "collected by the running agent only");
		return;
	}
	scores(s, opts, in->snap, g);
	mfd_screen_printf(s, "%s", "");
	if (in->forecast) {
		mfd_view_forecast(s, opts, in->snap, in->forecast);
		mfd_screen_printf(s, "%s", "");
	}
	rates(s, g);
	mfd_screen_printf(s, "%s", "");
	if (g->have_htlb) {
		hugetlb(s, opts, in->snap, g);
		mfd_screen_printf(s, "%s", "");
	}
	if (!g->bpf_signals) {
		mfd_screen_wrapf(s, 2, "Stall histograms unavailable: %s",
				 g->bpf_why[0] ? g->bpf_why :
						 "stall programs not loaded");
	} else {
		if (g->bpf_signals & MFD_SIG_COMPACT_STALL)
			stall_table(s, "Direct compaction stalls:",
				    g->compact_hist, g, true);
		if (g->bpf_signals & MFD_SIG_RECLAIM_STALL)
			stall_table(s,
				    "Direct reclaim stalls:", g->reclaim_hist,
				    g, false);
		if (g->bpf_signals &
		    (MFD_SIG_KCOMPACTD_WAKE | MFD_SIG_KSWAPD_WAKE)) {
			mfd_screen_printf(s, "Daemon wake-ups:");
			wakes(s, g);
		}
	}
	if (g->have_kmsg) {
		bool any = false;

		for (unsigned int o = 0; o < MFD_KMSG_MAX_ORDERS; o++)
			if (g->af.by_order[o]) {
				if (!any)
					mfd_screen_printf(
						s, "Allocation failures "
						   "reported in the kernel "
						   "log:");
				any = true;
				mfd_screen_printf(
					s, "  order %u: %llu", o,
					(unsigned long long)g->af.by_order[o]);
			}
		if (!any)
			mfd_screen_printf(s, "Allocation failures reported "
					     "in the kernel log: none");
	}
}
