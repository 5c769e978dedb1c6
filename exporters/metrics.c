// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * metrics.c - the metric catalogue and the functions that derive each
 * metric's points from the agent's state (see metrics.h).
 *
 * Names follow the OpenTelemetry rules: our own "mfd." namespace, units in
 * UCUM, counts in curly-brace annotations, durations in seconds. The
 * Prometheus names are derived from them (mfd_metrics_prom_name()).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_attr.h"
#include "forecast.h"
#include "kinfo.h"
#include "metrics.h"
#include "pressure.h"

/* Processes published as per-process series: the top ones by events. */
#define MFD_METRICS_TOP_PROCS 20

static void point_init(struct mfd_point *p, const struct mfd_metric_desc *d,
		       const struct mfd_state *st, uint64_t t)
{
	memset(p, 0, sizeof(*p));
	p->desc = d;
	p->is_double = d->is_double;
	p->time_unix_nano = t ? t : mfd_now_unix_ns();
	if (d->kind != MFD_METRIC_GAUGE)
		p->start_unix_nano = st->start_unix_nano;
}

static void attr_str(struct mfd_point *p, const char *key, const char *v)
{
	if (p->nattrs < MFD_MAX_ATTRS)
		p->attrs[p->nattrs++] = (struct mfd_attr){ .key = key,
							   .type = MFD_ATTR_STR,
							   .s = v };
}

static void attr_int(struct mfd_point *p, const char *key, int64_t v)
{
	if (p->nattrs < MFD_MAX_ATTRS)
		p->attrs[p->nattrs++] = (struct mfd_attr){ .key = key,
							   .type = MFD_ATTR_INT,
							   .i = v };
}

static void attr_bool(struct mfd_point *p, const char *key, bool v)
{
	if (p->nattrs < MFD_MAX_ATTRS)
		p->attrs[p->nattrs++] = (struct mfd_attr){
			.key = key, .type = MFD_ATTR_BOOL, .i = v ? 1 : 0
		};
}

static void zone_attrs(struct mfd_point *p, const struct mfd_zone *z)
{
	attr_int(p, "numa.node", z->node);
	attr_str(p, "zone", z->name);
}

void mfd_metrics_k8s_attrs(struct mfd_point *p, const struct mfd_state *st,
			   uint64_t cgroup_id, uint32_t tgid)
{
	const struct mfd_k8s_attr *k;

	k = mfd_cgroup_attr_lookup(st->cgattr, cgroup_id, tgid,
				   mfd_now_mono_ns());
	if (!k)
		return; /* not in a pod: no k8s attributes at all */
	attr_str(p, "k8s.pod.uid", k->pod_uid);
	if (k->container_id[0])
		attr_str(p, "container.id", k->container_id);
	if (k->qos != MFD_QOS_UNKNOWN)
		attr_str(p, "k8s.pod.qos", mfd_k8s_qos_name(k->qos));
}

/* --- per zone and order ------------------------------------------------ */

enum order_field { OF_FREE, OF_SUITABLE, OF_UNUSABLE, OF_EXTFRAG };

static int emit_order(const struct mfd_metric_desc *d,
		      const struct mfd_state *st, mfd_point_fn fn, void *arg,
		      enum order_field f)
{
	const struct mfd_snapshot *s = st->snap;
	struct mfd_point p;
	int rc;

	if (!st->have_snap)
		return 0;
	for (uint32_t zi = 0; zi < s->nr_zones; zi++) {
		const struct mfd_zone *z = &s->zones[zi];

		for (uint32_t o = 0; o < s->nr_orders; o++) {
			const struct mfd_order_stat *os = &z->order[o];

			point_init(&p, d, st, s->time_unix_nano);
			zone_attrs(&p, z);
			attr_int(&p, "order", o);
			switch (f) {
			case OF_FREE:
				p.i = (int64_t)os->free_blocks;
				break;
			case OF_SUITABLE:
				p.i = (int64_t)os->free_blocks_suitable;
				break;
			case OF_UNUSABLE:
				p.d = os->unusable_index / 1000.0;
				break;
			case OF_EXTFRAG:
				p.d = os->extfrag_index / 1000.0;
				break;
			}
			rc = fn(&p, arg);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int emit_free_blocks(const struct mfd_metric_desc *d,
			    const struct mfd_state *st, mfd_point_fn fn,
			    void *arg)
{
	return emit_order(d, st, fn, arg, OF_FREE);
}

static int emit_suitable_blocks(const struct mfd_metric_desc *d,
				const struct mfd_state *st, mfd_point_fn fn,
				void *arg)
{
	return emit_order(d, st, fn, arg, OF_SUITABLE);
}

static int emit_unusable(const struct mfd_metric_desc *d,
			 const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	return emit_order(d, st, fn, arg, OF_UNUSABLE);
}

static int emit_extfrag_index(const struct mfd_metric_desc *d,
			      const struct mfd_state *st, mfd_point_fn fn,
			      void *arg)
{
	return emit_order(d, st, fn, arg, OF_EXTFRAG);
}

/* --- per zone ------------------------------------------------------------ */

enum zone_field {
	ZF_FREE,
	ZF_MANAGED,
	ZF_PRESENT,
	ZF_SPANNED,
	ZF_HIGHATOMIC,
	ZF_START,
	ZF_INDEX,
};

static int emit_zone(const struct mfd_metric_desc *d,
		     const struct mfd_state *st, mfd_point_fn fn, void *arg,
		     enum zone_field f)
{
	static const uint32_t need[] = {
		[ZF_FREE] = MFD_HAVE_FREE,
		[ZF_MANAGED] = MFD_HAVE_MANAGED,
		[ZF_PRESENT] = MFD_HAVE_SPAN,
		[ZF_SPANNED] = MFD_HAVE_SPAN,
		[ZF_HIGHATOMIC] = MFD_HAVE_HIGHATOMIC,
		[ZF_START] = MFD_HAVE_SPAN,
		[ZF_INDEX] = 0,
	};
	const struct mfd_snapshot *s = st->snap;
	struct mfd_point p;
	int rc;

	if (!st->have_snap)
		return 0;
	for (uint32_t zi = 0; zi < s->nr_zones; zi++) {
		const struct mfd_zone *z = &s->zones[zi];

		if ((z->have & need[f]) != need[f] ||
		    (f == ZF_INDEX && z->zone_idx == UINT32_MAX))
			continue; /* absent, not zero */
		point_init(&p, d, st, s->time_unix_nano);
		zone_attrs(&p, z);
		switch (f) {
		case ZF_FREE:
			p.i = (int64_t)z->free_pages;
			break;
		case ZF_MANAGED:
			p.i = (int64_t)z->managed_pages;
			break;
		case ZF_PRESENT:
			p.i = (int64_t)z->present_pages;
			break;
		case ZF_SPANNED:
			p.i = (int64_t)z->spanned_pages;
			break;
		case ZF_HIGHATOMIC:
			p.i = (int64_t)z->reserved_highatomic;
			break;
		case ZF_START:
			p.i = (int64_t)z->start_pfn;
			break;
		case ZF_INDEX:
			p.i = (int64_t)z->zone_idx;
			break;
		}
		rc = fn(&p, arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int emit_zone_free(const struct mfd_metric_desc *d,
			  const struct mfd_state *st, mfd_point_fn fn,
			  void *arg)
{
	return emit_zone(d, st, fn, arg, ZF_FREE);
}

static int emit_zone_managed(const struct mfd_metric_desc *d,
			     const struct mfd_state *st, mfd_point_fn fn,
			     void *arg)
{
	return emit_zone(d, st, fn, arg, ZF_MANAGED);
}

static int emit_zone_present(const struct mfd_metric_desc *d,
			     const struct mfd_state *st, mfd_point_fn fn,
			     void *arg)
{
	return emit_zone(d, st, fn, arg, ZF_PRESENT);
}

static int emit_zone_spanned(const struct mfd_metric_desc *d,
			     const struct mfd_state *st, mfd_point_fn fn,
			     void *arg)
{
	return emit_zone(d, st, fn, arg, ZF_SPANNED);
}

static int emit_zone_highatomic(const struct mfd_metric_desc *d,
				const struct mfd_state *st, mfd_point_fn fn,
				void *arg)
{
	return emit_zone(d, st, fn, arg, ZF_HIGHATOMIC);
}

static int emit_zone_start(const struct mfd_metric_desc *d,
			   const struct mfd_state *st, mfd_point_fn fn,
			   void *arg)
{
	return emit_zone(d, st, fn, arg, ZF_START);
}

static int emit_zone_index(const struct mfd_metric_desc *d,
			   const struct mfd_state *st, mfd_point_fn fn,
			   void *arg)
{
	return emit_zone(d, st, fn, arg, ZF_INDEX);
}

/* --- per node ------------------------------------------------------------ */

enum node_field { NF_START, NF_PRESENT, NF_SPANNED };

/* Only nodes whose facts come from pglist_data (the BPF path): on procfs
 * they are derived from the zones, which are published already. */
static int emit_node(const struct mfd_metric_desc *d,
		     const struct mfd_state *st, mfd_point_fn fn, void *arg,
		     enum node_field f)
{
	const struct mfd_snapshot *s = st->snap;
	struct mfd_point p;
	int rc;

	if (!st->have_snap)
		return 0;
	for (uint32_t ni = 0; ni < s->nr_nodes; ni++) {
		const struct mfd_node *n = &s->nodes[ni];

		if (!n->have_pgdat)
			continue;
		point_init(&p, d, st, s->time_unix_nano);
		attr_int(&p, "numa.node", n->node);
		p.i = (int64_t)(f == NF_START	? n->start_pfn :
				f == NF_PRESENT ? n->present_pages :
						  n->spanned_pages);
		rc = fn(&p, arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int emit_node_start(const struct mfd_metric_desc *d,
			   const struct mfd_state *st, mfd_point_fn fn,
			   void *arg)
{
	return emit_node(d, st, fn, arg, NF_START);
}

static int emit_node_present(const struct mfd_metric_desc *d,
			     const struct mfd_state *st, mfd_point_fn fn,
			     void *arg)
{
	return emit_node(d, st, fn, arg, NF_PRESENT);
}

static int emit_node_spanned(const struct mfd_metric_desc *d,
			     const struct mfd_state *st, mfd_point_fn fn,
			     void *arg)
{
	return emit_node(d, st, fn, arg, NF_SPANNED);
}

static int emit_watermarks(const struct mfd_metric_desc *d,
			   const struct mfd_state *st, mfd_point_fn fn,
			   void *arg)
{
	const struct mfd_snapshot *s = st->snap;
	struct mfd_point p;
	int rc;

	if (!st->have_snap)
		return 0;
	for (uint32_t zi = 0; zi < s->nr_zones; zi++) {
		const struct mfd_zone *z = &s->zones[zi];
		const struct {
			const char *name;
			uint32_t need;
			uint64_t v;
		} wm[] = {
			{ "min", MFD_HAVE_WMARK, z->watermark_min },
			{ "low", MFD_HAVE_WMARK, z->watermark_low },
			{ "high", MFD_HAVE_WMARK, z->watermark_high },
			{ "boost", MFD_HAVE_BOOST, z->watermark_boost },
		};

		for (size_t i = 0; i < sizeof(wm) / sizeof(wm[0]); i++) {
			if (!(z->have & wm[i].need))
				continue;
			point_init(&p, d, st, s->time_unix_nano);
			zone_attrs(&p, z);
			attr_str(&p, "watermark", wm[i].name);
			p.i = (int64_t)wm[i].v;
			rc = fn(&p, arg);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* --- extfrag events --------------------------------------------------------*/

static int emit_extfrag_events(const struct mfd_metric_desc *d,
			       const struct mfd_state *st, mfd_point_fn fn,
			       void *arg)
{
	unsigned int nmt = st->kinfo && st->kinfo->nr_migratetypes ?
				   st->kinfo->nr_migratetypes :
				   MFD_MAX_MIGRATETYPES;
	char abuf[32], fbuf[32];
	struct mfd_point p;
	int rc;

	if (!st->have_events)
		return 0;
	if (nmt > MFD_MAX_MIGRATETYPES)
		nmt = MFD_MAX_MIGRATETYPES;
	for (unsigned int a = 0; a < nmt; a++)
		for (unsigned int f = 0; f < nmt; f++)
			for (unsigned int frag = 0; frag < 2; frag++) {
				uint64_t v = st->totals.slot[mfd_extfrag_slot(
					a, f, frag)];

				/* Kinds that happened, and from the start
				 * (at 0) the six fallbacks the kernel's
				 * fallbacks[] table allows between
				 * UNMOVABLE (0), MOVABLE (1) and
				 * RECLAIMABLE (2), so rate() reads 0 on a
				 * healthy node instead of nothing. A type
				 * never falls back to itself. */
				if (!v && (a > 2 || f > 2 || a == f))
					continue;
				point_init(&p, d, st, 0);
				attr_str(&p, "alloc_migratetype",
					 mfd_kinfo_mt_name(st->kinfo, (int)a,
							   abuf, sizeof(abuf)));
				attr_str(&p, "fallback_migratetype",
					 mfd_kinfo_mt_name(st->kinfo, (int)f,
							   fbuf, sizeof(fbuf)));
				attr_bool(&p, "fragmenting", frag);
				p.i = (int64_t)v;
				rc = fn(&p, arg);
				if (rc)
					return rc;
			}
	return 0;
}

static int emit_ringbuf_drops(const struct mfd_metric_desc *d,
			      const struct mfd_state *st, mfd_point_fn fn,
			      void *arg)
{
	struct mfd_point p;

	if (!st->have_events)
		return 0;
	point_init(&p, d, st, 0);
	p.i = (int64_t)st->totals.drops;
	return fn(&p, arg);
}

static int emit_proc_events(const struct mfd_metric_desc *d,
			    const struct mfd_state *st, mfd_point_fn fn,
			    void *arg)
{
	const struct mfd_proc_stat *top[MFD_METRICS_TOP_PROCS];
	struct mfd_point p;
	size_t n;
	int rc;

	if (!st->have_events)
		return 0;
	n = mfd_extfrag_table_sorted(&st->procs, top, MFD_METRICS_TOP_PROCS);
	for (size_t i = 0; i < n; i++) {
		point_init(&p, d, st, 0);
		attr_int(&p, "process.pid", top[i]->tgid);
		attr_str(&p, "process.executable.name", top[i]->comm);
		mfd_metrics_k8s_attrs(&p, st, top[i]->cgroup_id, top[i]->tgid);
		p.i = (int64_t)top[i]->fragmenting;
		rc = fn(&p, arg);
		if (rc)
			return rc;
	}
	return 0;
}

/* --- the agent itself ------------------------------------------------------ */

static int emit_collect_duration(const struct mfd_metric_desc *d,
				 const struct mfd_state *st, mfd_point_fn fn,
				 void *arg)
{
	struct mfd_point p;

	if (!st->have_snap)
		return 0;
	point_init(&p, d, st, 0);
	attr_str(&p, "source", mfd_source_name(st->snap->source));
	p.hist = &st->collect_hist;
	p.d = st->collect_hist.sum;
	return fn(&p, arg);
}

static int emit_samples(const struct mfd_metric_desc *d,
			const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	struct mfd_point p;
	int rc;

	point_init(&p, d, st, 0);
	attr_str(&p, "outcome", "ok");
	p.i = (int64_t)st->samples;
	rc = fn(&p, arg);
	if (rc)
		return rc;
	point_init(&p, d, st, 0);
	attr_str(&p, "outcome", "failed");
	p.i = (int64_t)st->sample_failures;
	return fn(&p, arg);
}

static int emit_export_requests(const struct mfd_metric_desc *d,
				const struct mfd_state *st, mfd_point_fn fn,
				void *arg)
{
	struct mfd_point p;
	int rc;

	for (unsigned int x = 0; x < st->nr_exports; x++) {
		const struct mfd_export_source *e = &st->exports[x];
		const struct {
			const char *outcome;
			uint64_t v;
		} o[] = {
			{ "sent", e->stats->requests_sent },
			{ "failed", e->stats->requests_failed },
			{ "retried", e->stats->requests_retried },
		};

		for (size_t i = 0; i < sizeof(o) / sizeof(o[0]); i++) {
			point_init(&p, d, st, 0);
			attr_str(&p, "exporter", e->name);
			attr_str(&p, "outcome", o[i].outcome);
			p.i = (int64_t)o[i].v;
			rc = fn(&p, arg);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int emit_export_dropped(const struct mfd_metric_desc *d,
			       const struct mfd_state *st, mfd_point_fn fn,
			       void *arg)
{
	struct mfd_point p;
	int rc;

	for (unsigned int x = 0; x < st->nr_exports; x++) {
		const struct mfd_export_source *e = &st->exports[x];

		for (int r = 0; r < MFD_DROP_REASONS; r++) {
			point_init(&p, d, st, 0);
			attr_str(&p, "exporter", e->name);
			attr_str(&p, "reason", mfd_drop_reason_name(r));
			p.i = (int64_t)e->stats->dropped[r];
			rc = fn(&p, arg);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int emit_export_queue(const struct mfd_metric_desc *d,
			     const struct mfd_state *st, mfd_point_fn fn,
			     void *arg, bool spool)
{
	struct mfd_point p;
	int rc;

	for (unsigned int x = 0; x < st->nr_exports; x++) {
		const struct mfd_export_source *e = &st->exports[x];

		if (!e->stats->has_queue)
			continue;
		point_init(&p, d, st, 0);
		attr_str(&p, "exporter", e->name);
		p.i = (int64_t)(spool ? e->stats->spool_bytes :
					e->stats->queue_depth);
		rc = fn(&p, arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int emit_export_queue_depth(const struct mfd_metric_desc *d,
				   const struct mfd_state *st, mfd_point_fn fn,
				   void *arg)
{
	return emit_export_queue(d, st, fn, arg, false);
}

static int emit_export_spool_bytes(const struct mfd_metric_desc *d,
				   const struct mfd_state *st, mfd_point_fn fn,
				   void *arg)
{
	return emit_export_queue(d, st, fn, arg, true);
}

/* --- the HTTP server (exporters/http/http.c) ----------------------------------*/

static int emit_http_open(const struct mfd_metric_desc *d,
			  const struct mfd_state *st, mfd_point_fn fn,
			  void *arg)
{
	struct mfd_point p;

	if (!st->http)
		return 0;
	point_init(&p, d, st, 0);
	p.i = (int64_t)st->http->open;
	return fn(&p, arg);
}

static int emit_http_closed(const struct mfd_metric_desc *d,
			    const struct mfd_state *st, mfd_point_fn fn,
			    void *arg)
{
	struct mfd_point p;
	int rc;

	if (!st->http)
		return 0;
	for (int r = 0; r < MFD_HTTP_CLOSE_REASONS; r++) {
		point_init(&p, d, st, 0);
		attr_str(&p, "reason", mfd_http_close_name(r));
		p.i = (int64_t)st->http->closed[r];
		rc = fn(&p, arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int emit_http_accept_errors(const struct mfd_metric_desc *d,
				   const struct mfd_state *st, mfd_point_fn fn,
				   void *arg)
{
	struct mfd_point p;

	if (!st->http)
		return 0;
	point_init(&p, d, st, 0);
	p.i = (int64_t)st->http->accept_errors;
	return fn(&p, arg);
}

/* --- compaction, reclaim, THP (collect/pressure.h) ---------------------------*/

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
	int rc;

	if (!s)
		return 0;
	for (unsigned int o = 0; o < MFD_COMP_MAX_ORDERS; o++) {
		const struct mfd_histogram *h = reclaim ? &s->reclaim_hist[o] :
							  &s->compact_hist[o];

		if (!h->count && !stall_order_zeroed(s, o, reclaim))
			continue; /* orders that never stalled */
		point_init(&p, d, st, 0);
		attr_int(&p, "order", o);
		p.hist = h;
		p.d = h->sum;
		rc = fn(&p, arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int emit_compact_stall_hist(const struct mfd_metric_desc *d,
				   const struct mfd_state *st, mfd_point_fn fn,
				   void *arg)
{
	return emit_stall_hist(d, st, fn, arg, false);
}

static int emit_reclaim_stall_hist(const struct mfd_metric_desc *d,
				   const struct mfd_state *st, mfd_point_fn fn,
				   void *arg)
{
	return emit_stall_hist(d, st, fn, arg, true);
}

static int emit_compact_outcomes(const struct mfd_metric_desc *d,
				 const struct mfd_state *st, mfd_point_fn fn,
				 void *arg)
{
	const struct mfd_pressure *s = sig_bpf(st, MFD_SIG_COMPACT_STALL);
	struct mfd_point p;
	int rc;

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
			point_init(&p, d, st, 0);
			attr_int(&p, "order", o);
			attr_str(&p, "outcome", mfd_compact_status_name(r));
			p.i = (int64_t)s->ct.s.status[o][r];
			rc = fn(&p, arg);
			if (rc)
				return rc;
		}
	return 0;
}

static int emit_reclaimed(const struct mfd_metric_desc *d,
			  const struct mfd_state *st, mfd_point_fn fn,
			  void *arg)
{
	const struct mfd_pressure *s = sig_bpf(st, MFD_SIG_RECLAIM_STALL);
	struct mfd_point p;
	int rc;

	if (!s)
		return 0;
	for (unsigned int o = 0; o < MFD_COMP_MAX_ORDERS; o++) {
		if (!s->reclaim_hist[o].count &&
		    !stall_order_zeroed(s, o, true))
			continue;
		point_init(&p, d, st, 0);
		attr_int(&p, "order", o);
		p.i = (int64_t)s->ct.s.reclaimed[o];
		rc = fn(&p, arg);
		if (rc)
			return rc;
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
	int rc;

	if (!s)
		return 0;
	for (unsigned int n = 0; n < MFD_COMP_MAX_NODES; n++)
		for (unsigned int o = 0; o < MFD_COMP_MAX_ORDERS; o++) {
			uint64_t v = kswapd ? s->ct.w.kswapd[n][o] :
					      s->ct.w.kcompactd[n][o];

			if (!v)
				continue;
			point_init(&p, d, st, 0);
			attr_int(&p, "numa.node", n);
			attr_int(&p, "order", o);
			p.i = (int64_t)v;
			rc = fn(&p, arg);
			if (rc)
				return rc;
		}
	return 0;
}

static int emit_kcompactd_wakes(const struct mfd_metric_desc *d,
				const struct mfd_state *st, mfd_point_fn fn,
				void *arg)
{
	return emit_wakes(d, st, fn, arg, false);
}

static int emit_kswapd_wakes(const struct mfd_metric_desc *d,
			     const struct mfd_state *st, mfd_point_fn fn,
			     void *arg)
{
	return emit_wakes(d, st, fn, arg, true);
}

static int emit_alloc_failures(const struct mfd_metric_desc *d,
			       const struct mfd_state *st, mfd_point_fn fn,
			       void *arg)
{
	const struct mfd_pressure *s = sig_bpf(st, MFD_SIG_ALLOC_FAIL);
	struct mfd_point p;
	int rc;

	if (!s)
		return 0;
	for (unsigned int o = 0; o < MFD_COMP_MAX_ORDERS; o++) {
		point_init(&p, d, st, 0);
		attr_int(&p, "order", o);
		p.i = (int64_t)s->ct.alloc_fail[o];
		rc = fn(&p, arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int emit_stall_drops(const struct mfd_metric_desc *d,
			    const struct mfd_state *st, mfd_point_fn fn,
			    void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	struct mfd_point p;
	int rc;

	if (!s || !s->have_totals || !s->bpf_signals)
		return 0;
	const struct {
		const char *reason;
		uint64_t v;
	} r[] = {
		{ "task_table_full", s->ct.s.start_drops },
		{ "reclaim_end_unmatched", s->ct.s.unmatched_reclaim },
		{ "ringbuf_full", s->ct.s.ringbuf_drops },
		{ "undecodable", s->ct.bad_records },
	};
	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		point_init(&p, d, st, 0);
		attr_str(&p, "reason", r[i].reason);
		p.i = (int64_t)r[i].v;
		rc = fn(&p, arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int emit_vmstat(const struct mfd_metric_desc *d,
		       const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	static char names[MFD_VM_MAX_ALLOCSTALL][MFD_VM_ZONE_LEN + 12];
	struct mfd_point p;
	int rc;

	if (!s || !s->have_vmstat)
		return 0;
	for (int i = 0; i < MFD_VM_ITEMS; i++) {
		if (!mfd_vmstat_has(&s->vm, (enum mfd_vmstat_item)i))
			continue; /* absent, not zero */
		point_init(&p, d, st, 0);
		attr_str(&p, "counter", mfd_vmstat_names[i]);
		p.i = (int64_t)s->vm.val[i];
		rc = fn(&p, arg);
		if (rc)
			return rc;
	}
	for (unsigned int i = 0; i < s->vm.nr_allocstall; i++) {
		snprintf(names[i], sizeof(names[i]), "allocstall_%s",
			 s->vm.allocstall[i].zone);
		point_init(&p, d, st, 0);
		attr_str(&p, "counter", names[i]);
		p.i = (int64_t)s->vm.allocstall[i].val;
		rc = fn(&p, arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int emit_mthp(const struct mfd_metric_desc *d,
		     const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	struct mfd_point p;
	int rc;

	if (!s || !s->have_vmstat)
		return 0;
	for (unsigned int k = 0; k < s->vm.nr_mthp; k++)
		for (int i = 0; i < MFD_MTHP_ITEMS; i++) {
			if (!((s->vm.mthp[k].have >> i) & 1))
				continue;
			point_init(&p, d, st, 0);
			attr_int(&p, "hugepage.size",
				 (int64_t)s->vm.mthp[k].size_kib * 1024);
			attr_str(&p, "counter", mfd_mthp_names[i]);
			p.i = (int64_t)s->vm.mthp[k].val[i];
			rc = fn(&p, arg);
			if (rc)
				return rc;
		}
	return 0;
}

static int emit_zone_score(const struct mfd_metric_desc *d,
			   const struct mfd_state *st, mfd_point_fn fn,
			   void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	struct mfd_point p;
	int rc;

	if (!s || !s->have_scores || !st->have_snap)
		return 0;
	for (uint32_t zi = 0; zi < s->scores.nr_zones; zi++) {
		if (!s->scores.zone[zi].valid)
			continue;
		point_init(&p, d, st, st->snap->time_unix_nano);
		zone_attrs(&p, &st->snap->zones[zi]);
		p.i = s->scores.zone[zi].score;
		rc = fn(&p, arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int emit_node_score(const struct mfd_metric_desc *d,
			   const struct mfd_state *st, mfd_point_fn fn,
			   void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	struct mfd_point p;
	int rc;

	if (!s || !s->have_scores || !st->have_snap)
		return 0;
	for (uint32_t ni = 0; ni < s->scores.nr_nodes; ni++) {
		point_init(&p, d, st, st->snap->time_unix_nano);
		attr_int(&p, "numa.node", s->scores.node[ni].node);
		p.i = s->scores.node[ni].score;
		rc = fn(&p, arg);
		if (rc)
			return rc;
	}
	return 0;
}

/* The node's forecast in seconds; the horizon when none is in sight (so
 * the series is always there and an alert's "< 3600" reads plainly). */
static int emit_node_forecast(const struct mfd_metric_desc *d,
			      const struct mfd_state *st, mfd_point_fn fn,
			      void *arg)
{
	const struct mfd_forecast *f = st->forecast;
	struct mfd_point p;
	int rc;

	if (!f || !st->have_snap)
		return 0;
	for (uint32_t ni = 0; ni < st->snap->nr_nodes; ni++) {
		const struct mfd_forecast_zone *z =
			mfd_forecast_node(f, st->snap->nodes[ni].node);

		if (!z)
			continue;
		point_init(&p, d, st, st->snap->time_unix_nano);
		attr_int(&p, "numa.node", z->node);
		attr_int(&p, "order",
			 f->order < st->snap->nr_orders ?
				 f->order :
				 st->snap->nr_orders - 1);
		p.d = z->state == MFD_FORECAST_DECLINING ? z->eta_s :
		      z->state == MFD_FORECAST_EXHAUSTED ? 0 :
							   f->horizon_s;
		rc = fn(&p, arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int emit_score_wmark(const struct mfd_metric_desc *d,
			    const struct mfd_state *st, mfd_point_fn fn,
			    void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	struct mfd_point p;
	int rc;

	if (!s || !s->have_scores || !s->scores.have_proactiveness)
		return 0;
	point_init(&p, d, st, 0);
	attr_str(&p, "threshold", "low");
	p.i = s->scores.wmark_low;
	rc = fn(&p, arg);
	if (rc)
		return rc;
	point_init(&p, d, st, 0);
	attr_str(&p, "threshold", "high");
	p.i = s->scores.wmark_high;
	return fn(&p, arg);
}

static int emit_mt_free(const struct mfd_metric_desc *d,
			const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	struct mfd_point p;
	int rc;

	if (!s || !s->have_pt)
		return 0;
	for (unsigned int i = 0; i < s->pt->nr_zones; i++) {
		const struct mfd_pt_zone *z = &s->pt->zones[i];

		for (unsigned int t = 0; t < s->pt->nr_types; t++) {
			if (!((z->have_free >> t) & 1))
				continue;
			for (unsigned int o = 0; o < s->pt->nr_orders; o++) {
				point_init(&p, d, st, 0);
				attr_int(&p, "numa.node", z->node);
				attr_str(&p, "zone", z->zone);
				attr_str(&p, "migratetype",
					 s->pt->type_name[t]);
				attr_int(&p, "order", o);
				/* a lower bound when the kernel capped it */
				attr_bool(&p, "capped",
					  (z->capped[t] >> o) & 1);
				p.i = (int64_t)z->free[t][o];
				rc = fn(&p, arg);
				if (rc)
					return rc;
			}
		}
	}
	return 0;
}

static int emit_mt_blocks(const struct mfd_metric_desc *d,
			  const struct mfd_state *st, mfd_point_fn fn,
			  void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	struct mfd_point p;
	int rc;

	if (!s || !s->have_pt)
		return 0;
	for (unsigned int i = 0; i < s->pt->nr_zones; i++) {
		const struct mfd_pt_zone *z = &s->pt->zones[i];

		if (!z->have_blocks)
			continue;
		for (unsigned int t = 0; t < s->pt->nr_types; t++) {
			point_init(&p, d, st, 0);
			attr_int(&p, "numa.node", z->node);
			attr_str(&p, "zone", z->zone);
			attr_str(&p, "migratetype", s->pt->type_name[t]);
			p.i = (int64_t)z->blocks[t];
			rc = fn(&p, arg);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int emit_kmsg_failures(const struct mfd_metric_desc *d,
			      const struct mfd_state *st, mfd_point_fn fn,
			      void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	struct mfd_point p;
	int rc;

	if (!s || !s->have_kmsg)
		return 0;
	for (unsigned int o = 0; o < MFD_KMSG_MAX_ORDERS; o++) {
		/* the kernel's orders at 0 from the start; a report of a
		 * larger order (folded into the last slot) when it came */
		if (st->have_snap && o >= st->snap->nr_orders &&
		    !s->af.by_order[o])
			continue;
		point_init(&p, d, st, 0);
		attr_int(&p, "order", o);
		p.i = (int64_t)s->af.by_order[o];
		rc = fn(&p, arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int emit_kmsg_proc_failures(const struct mfd_metric_desc *d,
				   const struct mfd_state *st, mfd_point_fn fn,
				   void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	struct mfd_point p;
	int rc;

	if (!s || !s->have_kmsg)
		return 0;
	for (unsigned int i = 0; i < s->af.nr_procs; i++) {
		point_init(&p, d, st, 0);
		attr_str(&p, "process.executable.name", s->af.procs[i].comm);
		attr_int(&p, "order", s->af.procs[i].order);
		p.i = (int64_t)s->af.procs[i].count;
		rc = fn(&p, arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int emit_kmsg_dropped(const struct mfd_metric_desc *d,
			     const struct mfd_state *st, mfd_point_fn fn,
			     void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	struct mfd_point p;
	int rc;

	if (!s || !s->have_kmsg)
		return 0;
	point_init(&p, d, st, 0);
	attr_str(&p, "reason", "lost");
	p.i = (int64_t)s->af.lost;
	rc = fn(&p, arg);
	if (rc)
		return rc;
	point_init(&p, d, st, 0);
	attr_str(&p, "reason", "malformed");
	p.i = (int64_t)s->af.malformed;
	return fn(&p, arg);
}

/* Which signal sources this agent has, 1 or 0: a fleet sees the nodes
 * where one is missing (the log says why) instead of a silent gap. */
static int emit_signal_enabled(const struct mfd_metric_desc *d,
			       const struct mfd_state *st, mfd_point_fn fn,
			       void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	unsigned int b = s ? s->bpf_signals : 0;
	const struct {
		const char *name;
		bool on;
	} sig[] = {
		{ "extfrag_events", st->have_events },
		{ "compaction_stalls", (b & MFD_SIG_COMPACT_STALL) != 0 },
		{ "reclaim_stalls", (b & MFD_SIG_RECLAIM_STALL) != 0 },
		{ "daemon_wakeups",
		  (b & (MFD_SIG_KCOMPACTD_WAKE | MFD_SIG_KSWAPD_WAKE)) != 0 },
		{ "kernel_log", s && s->have_kmsg },
		{ "vmstat", s && s->have_vmstat },
	};
	struct mfd_point p;
	int rc;

	for (size_t i = 0; i < sizeof(sig) / sizeof(sig[0]); i++) {
		point_init(&p, d, st, 0);
		attr_str(&p, "signal", sig[i].name);
		p.i = sig[i].on ? 1 : 0;
		rc = fn(&p, arg);
		if (rc)
			return rc;
	}
	return 0;
}

/* --- HugeTLB pools, CMA areas, gigantic pages (collect/hugetlb.c) ------- */

static int emit_pool(const struct mfd_metric_desc *d,
		     const struct mfd_state *st, mfd_point_fn fn, void *arg,
		     const struct mfd_htlb_pool *pool, int64_t node,
		     uint64_t size_kib)
{
	struct mfd_point p;
	int rc;

	for (int i = 0; i < MFD_HTLB_ITEMS; i++) {
		if (!((pool->have >> i) & 1))
			continue; /* absent, not zero */
		point_init(&p, d, st, 0);
		if (node >= 0)
			attr_int(&p, "numa.node", node);
		attr_int(&p, "hugepage.size", (int64_t)size_kib * 1024);
		attr_str(&p, "state", mfd_htlb_state_names[i]);
		p.i = (int64_t)pool->val[i];
		rc = fn(&p, arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int emit_htlb_global(const struct mfd_metric_desc *d,
			    const struct mfd_state *st, mfd_point_fn fn,
			    void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	int rc;

	/* a replay holds none: live pools beside recorded zones would
	 * mislead (loop.c samples signals once at start even then) */
	if (!s || !s->have_htlb || st->replay != MFD_REPLAY_OFF)
		return 0;
	for (unsigned int k = 0; k < s->htlb.nr_sizes; k++) {
		rc = emit_pool(d, st, fn, arg, &s->htlb.global[k], -1,
			       s->htlb.size_kib[k]);
		if (rc)
			return rc;
	}
	return 0;
}

static int emit_htlb_node(const struct mfd_metric_desc *d,
			  const struct mfd_state *st, mfd_point_fn fn,
			  void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	int rc;

	if (!s || !s->have_htlb || st->replay != MFD_REPLAY_OFF)
		return 0;
	for (unsigned int n = 0; n < s->htlb.nr_nodes; n++)
		for (unsigned int k = 0; k < s->htlb.nr_sizes; k++) {
			rc = emit_pool(d, st, fn, arg,
				       &s->htlb.nodes[n].pool[k],
				       s->htlb.nodes[n].node,
				       s->htlb.size_kib[k]);
			if (rc)
				return rc;
		}
	return 0;
}

/* Zones of the snapshot only (populated ones), like every zone metric. */
static int emit_cma(const struct mfd_metric_desc *d, const struct mfd_state *st,
		    mfd_point_fn fn, void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	struct mfd_point p;
	int rc;

	if (!s || !s->have_htlb || st->replay != MFD_REPLAY_OFF ||
	    !st->have_snap)
		return 0;
	for (uint32_t zi = 0; zi < st->snap->nr_zones; zi++) {
		const struct mfd_zone *z = &st->snap->zones[zi];
		const struct mfd_cma_zone *c =
			mfd_hugetlb_cma(&s->htlb, z->node, z->name);

		for (int t = 0; c && t < 2; t++) {
			if (!(c->have &
			      (t ? MFD_CMA_HAVE_FREE : MFD_CMA_HAVE_TOTAL)))
				continue; /* absent, not zero */
			point_init(&p, d, st, 0);
			zone_attrs(&p, z);
			attr_str(&p, "state", t ? "free" : "total");
			p.i = (int64_t)(t ? c->free_pages : c->total_pages);
			rc = fn(&p, arg);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int emit_gigantic(const struct mfd_metric_desc *d,
			 const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	long page = sysconf(_SC_PAGESIZE);
	struct mfd_point p;
	uint64_t n;
	int rc;

	if (!s || !s->have_htlb || st->replay != MFD_REPLAY_OFF ||
	    !st->have_snap || page < 1024)
		return 0;
	for (uint32_t zi = 0; zi < st->snap->nr_zones; zi++) {
		const struct mfd_zone *z = &st->snap->zones[zi];

		for (unsigned int k = 0; k < s->htlb.nr_sizes; k++) {
			if (!mfd_gigantic_candidates(z, st->snap->nr_orders,
						     s->htlb.size_kib[k],
						     (uint64_t)page / 1024, &n))
				continue;
			point_init(&p, d, st, st->snap->time_unix_nano);
			zone_attrs(&p, z);
			attr_int(&p, "hugepage.size",
				 (int64_t)s->htlb.size_kib[k] * 1024);
			p.i = (int64_t)n;
			rc = fn(&p, arg);
			if (rc)
				return rc;
		}
	}
	return 0;
}

#define ZONE_ATTRS "numa.node, zone"
#define ORDER_ATTRS "numa.node, zone, order"

const struct mfd_metric_desc mfd_metric_catalog[] = {
	{ "mfd.zone.order.free_blocks", MFD_METRIC_GAUGE, false, "{block}",
	  ORDER_ATTRS,
	  "Free blocks of exactly this order (free_area[order].nr_free)",
	  emit_free_blocks },
	{ "mfd.zone.order.suitable_blocks", MFD_METRIC_GAUGE, false, "{block}",
	  ORDER_ATTRS,
	  "Free memory usable by a request of this order, counted in blocks "
	  "of this order",
	  emit_suitable_blocks },
	{ "mfd.zone.order.unusable_index", MFD_METRIC_GAUGE, true, "1",
	  ORDER_ATTRS,
	  "Fraction of free memory unusable for this order "
	  "(debugfs extfrag/unusable_index)",
	  emit_unusable },
	{ "mfd.zone.order.extfrag_index", MFD_METRIC_GAUGE, true, "1",
	  ORDER_ATTRS,
	  "Kernel fragmentation index for this order: towards 0 a failure "
	  "would be lack of memory, towards 1 fragmentation, -1 the "
	  "allocation would succeed (debugfs extfrag/extfrag_index)",
	  emit_extfrag_index },
	{ "mfd.zone.free_pages", MFD_METRIC_GAUGE, false, "{page}", ZONE_ATTRS,
	  "Free pages in the zone (NR_FREE_PAGES)", emit_zone_free },
	{ "mfd.zone.managed_pages", MFD_METRIC_GAUGE, false, "{page}",
	  ZONE_ATTRS, "Pages managed by the buddy allocator",
	  emit_zone_managed },
	{ "mfd.zone.present_pages", MFD_METRIC_GAUGE, false, "{page}",
	  ZONE_ATTRS, "Physical pages present in the zone", emit_zone_present },
	{ "mfd.zone.spanned_pages", MFD_METRIC_GAUGE, false, "{page}",
	  ZONE_ATTRS, "Page frames the zone spans, holes included",
	  emit_zone_spanned },
	{ "mfd.zone.start_pfn", MFD_METRIC_GAUGE, false, "{pfn}", ZONE_ATTRS,
	  "First page frame number of the zone", emit_zone_start },
	{ "mfd.zone.index", MFD_METRIC_GAUGE, false, "{index}", ZONE_ATTRS,
	  "Position of the zone in its node's node_zones[] (ZONE_DMA is 0)",
	  emit_zone_index },
	{ "mfd.node.start_pfn", MFD_METRIC_GAUGE, false, "{pfn}", "numa.node",
	  "First page frame number of the node (pglist_data; BPF source only)",
	  emit_node_start },
	{ "mfd.node.present_pages", MFD_METRIC_GAUGE, false, "{page}",
	  "numa.node",
	  "Physical pages present on the node (pglist_data; BPF source only)",
	  emit_node_present },
	{ "mfd.node.spanned_pages", MFD_METRIC_GAUGE, false, "{page}",
	  "numa.node",
	  "Page frames the node spans, holes included (pglist_data; BPF "
	  "source only)",
	  emit_node_spanned },
	{ "mfd.zone.watermark_pages", MFD_METRIC_GAUGE, false, "{page}",
	  ZONE_ATTRS ", watermark",
	  "Zone watermark (min, low, high include the boost; boost alone)",
	  emit_watermarks },
	{ "mfd.zone.reserved_highatomic_pages", MFD_METRIC_GAUGE, false,
	  "{page}", ZONE_ATTRS,
	  "Pages reserved for high-order atomic "
	  "allocations",
	  emit_zone_highatomic },
	{ "mfd.extfrag.events", MFD_METRIC_SUM, false, "{event}",
	  "alloc_migratetype, fallback_migratetype, fragmenting",
	  "External-fragmentation fallbacks (kmem:mm_page_alloc_extfrag), "
	  "counted exactly in the kernel",
	  emit_extfrag_events },
	{ "mfd.extfrag.ringbuf_drops", MFD_METRIC_SUM, false, "{record}", "",
	  "Event records the ring buffer had no room for, or lost to a flush "
	  "of the same CPU's staged records (counters stay exact)",
	  emit_ringbuf_drops },
	{ "mfd.process.extfrag.fragmenting_events", MFD_METRIC_SUM, false,
	  "{event}",
	  "process.pid, process.executable.name, k8s.pod.uid, container.id, "
	  "k8s.pod.qos",
	  "Fragmenting fallbacks caused by each of the top 20 processes "
	  "(k8s.* and container.id only for tasks in a pod)",
	  emit_proc_events },
	{ "mfd.compaction.stall.duration", MFD_METRIC_HISTOGRAM, true, "s",
	  "order",
	  "Direct compaction stalls: try_to_compact_pages() to its last zone "
	  "result, log2 buckets aggregated in the kernel",
	  emit_compact_stall_hist },
	{ "mfd.compaction.stalls", MFD_METRIC_SUM, false, "{stall}",
	  "order, outcome",
	  "Direct compaction stalls by the kernel's compact_result (highest "
	  "over the zones tried)",
	  emit_compact_outcomes },
	{ "mfd.reclaim.stall.duration", MFD_METRIC_HISTOGRAM, true, "s",
	  "order",
	  "Direct reclaim stalls (mm_vmscan_direct_reclaim_begin to end)",
	  emit_reclaim_stall_hist },
	{ "mfd.reclaim.reclaimed_pages", MFD_METRIC_SUM, false, "{page}",
	  "order", "Pages freed by direct reclaim, by the order that stalled",
	  emit_reclaimed },
	{ "mfd.kcompactd.wakeups", MFD_METRIC_SUM, false, "{wakeup}",
	  "numa.node, order",
	  "kcompactd wake-ups (mm_compaction_kcompactd_wake)",
	  emit_kcompactd_wakes },
	{ "mfd.kswapd.wakeups", MFD_METRIC_SUM, false, "{wakeup}",
	  "numa.node, order", "kswapd wake-ups (mm_vmscan_kswapd_wake)",
	  emit_kswapd_wakes },
	{ "mfd.page_alloc.failures", MFD_METRIC_SUM, false, "{allocation}",
	  "order",
	  "Failed page allocations (kmem:mm_page_alloc with pfn -1; only "
	  "with --alloc-fail-counter)",
	  emit_alloc_failures },
	{ "mfd.kernel_log.alloc_failures", MFD_METRIC_SUM, false, "{report}",
	  "order",
	  "\"page allocation failure: order:N\" reports in the kernel log "
	  "since the agent started",
	  emit_kmsg_failures },
	{ "mfd.process.kernel_log.alloc_failures", MFD_METRIC_SUM, false,
	  "{report}", "process.executable.name, order",
	  "Allocation failure reports per process name and order (first 32 "
	  "pairs)",
	  emit_kmsg_proc_failures },
	{ "mfd.kernel_log.dropped_records", MFD_METRIC_SUM, false, "{record}",
	  "reason",
	  "Kernel log records overwritten before the agent read them, or "
	  "malformed",
	  emit_kmsg_dropped },
	{ "mfd.stall.tracking_drops", MFD_METRIC_SUM, false, "{event}",
	  "reason", "Stall events not tracked or records not delivered",
	  emit_stall_drops },
	{ "mfd.vmstat", MFD_METRIC_SUM, false, "{event}", "counter",
	  "Compaction, THP, migration, CMA allocation and allocstall "
	  "counters from "
	  "/proc/vmstat (cumulative since boot; absent when the kernel lacks "
	  "them)",
	  emit_vmstat },
	{ "mfd.thp.mthp", MFD_METRIC_SUM, false, "{event}",
	  "hugepage.size, counter",
	  "Per-size mTHP anon fault counters "
	  "(transparent_hugepage/hugepages-*/stats)",
	  emit_mthp },
	{ "mfd.zone.migratetype.free_blocks", MFD_METRIC_GAUGE, false,
	  "{block}", "numa.node, zone, migratetype, order, capped",
	  "Free blocks per migratetype and order from /proc/pagetypeinfo "
	  "(--pagetypeinfo-interval); capped=true: the kernel stopped "
	  "counting at 100000, a lower bound",
	  emit_mt_free },
	{ "mfd.zone.migratetype.pageblocks", MFD_METRIC_GAUGE, false,
	  "{pageblock}", "numa.node, zone, migratetype",
	  "Pageblocks each migratetype owns (/proc/pagetypeinfo)",
	  emit_mt_blocks },
	{ "mfd.zone.fragmentation_score", MFD_METRIC_GAUGE, false, "{score}",
	  ZONE_ATTRS,
	  "Proactive-compaction score of the zone, 0..100 "
	  "(fragmentation_score_zone())",
	  emit_zone_score },
	{ "mfd.node.fragmentation_score", MFD_METRIC_GAUGE, false, "{score}",
	  "numa.node",
	  "Proactive-compaction score of the node, 0..100 "
	  "(fragmentation_score_node())",
	  emit_node_score },
	{ "mfd.node.exhaustion.forecast", MFD_METRIC_GAUGE, true, "s",
	  "numa.node, order",
	  "Seconds until the node has no free block of this order or larger, "
	  "or no free memory above the min watermark, at the trend of the "
	  "last 30 min; the horizon (5 h) when none is in sight "
	  "(docs/forecast.md)",
	  emit_node_forecast },
	{ "mfd.compaction.proactive_threshold", MFD_METRIC_GAUGE, false,
	  "{score}", "threshold",
	  "Node score above which kcompactd compacts proactively (high) and "
	  "at which it stops (low), from vm.compaction_proactiveness",
	  emit_score_wmark },
	{ "mfd.hugetlb.pages", MFD_METRIC_GAUGE, false, "{page}",
	  "hugepage.size, state",
	  "HugeTLB pool of each page size, whole system "
	  "(/sys/kernel/mm/hugepages): state total, free, reserved (promised "
	  "to mappings, not yet faulted; the kernel counts it only "
	  "system-wide) and surplus (overcommitted beyond nr_hugepages)",
	  emit_htlb_global },
	{ "mfd.node.hugetlb.pages", MFD_METRIC_GAUGE, false, "{page}",
	  "numa.node, hugepage.size, state",
	  "HugeTLB pool of each page size per node "
	  "(/sys/devices/system/node/nodeN/hugepages): state total, free and "
	  "surplus; no reserved, which the kernel keeps only system-wide "
	  "(mfd.hugetlb.pages)",
	  emit_htlb_node },
	{ "mfd.zone.cma.pages", MFD_METRIC_GAUGE, false, "{page}",
	  "numa.node, zone, state",
	  "CMA pages of the zone from /proc/zoneinfo: state total (\"cma\", "
	  "kernels 5.12 and later; absent before) and free (\"nr_free_cma\"); "
	  "0 on kernels without CONFIG_CMA",
	  emit_cma },
	{ "mfd.zone.hugetlb.gigantic_candidates", MFD_METRIC_GAUGE, false,
	  "{page}", "numa.node, zone, hugepage.size",
	  "For each HugeTLB size above the largest buddy block (1 GiB on "
	  "x86-64): free memory in max-order blocks divided by the page size, "
	  "rounded down; a candidate count, not a promise (a runtime gigantic "
	  "page needs one aligned range all free or movable)",
	  emit_gigantic },
	{ "mfd.agent.collection.duration", MFD_METRIC_HISTOGRAM, true, "s",
	  "source", "Time one zone snapshot took", emit_collect_duration },
	{ "mfd.agent.signal.enabled", MFD_METRIC_GAUGE, false, "{signal}",
	  "signal",
	  "1 when the signal source works on this node, 0 when it does not "
	  "(the log says why): extfrag_events, compaction_stalls, "
	  "reclaim_stalls, daemon_wakeups, kernel_log, vmstat",
	  emit_signal_enabled },
	{ "mfd.agent.samples", MFD_METRIC_SUM, false, "{sample}", "outcome",
	  "Zone snapshots taken (ok, failed)", emit_samples },
	{ "mfd.agent.export.requests", MFD_METRIC_SUM, false, "{request}",
	  "exporter, outcome",
	  "Export requests sent, finally failed, and retried",
	  emit_export_requests },
	{ "mfd.agent.export.dropped_points", MFD_METRIC_SUM, false, "{point}",
	  "exporter, reason",
	  "Points or records an exporter "
	  "dropped, by reason",
	  emit_export_dropped },
	{ "mfd.agent.export.queue_depth", MFD_METRIC_GAUGE, false, "{batch}",
	  "exporter", "Batches waiting in memory", emit_export_queue_depth },
	{ "mfd.agent.export.spool_size", MFD_METRIC_GAUGE, false, "By",
	  "exporter", "Bytes held in the on-disk spool",
	  emit_export_spool_bytes },
	{ "mfd.agent.http.connections", MFD_METRIC_GAUGE, false, "{connection}",
	  "", "Connections open to the HTTP server", emit_http_open },
	{ "mfd.agent.http.closed_connections", MFD_METRIC_SUM, false,
	  "{connection}", "reason",
	  "Connections the HTTP server closed itself, by reason "
	  "(its limits and timeouts)",
	  emit_http_closed },
	{ "mfd.agent.http.accept_errors", MFD_METRIC_SUM, false, "{error}", "",
	  "Failed accept() calls (file descriptors exhausted, ...); each "
	  "pauses new connections for a while",
	  emit_http_accept_errors },
};

const unsigned int mfd_metric_catalog_len =
	sizeof(mfd_metric_catalog) / sizeof(mfd_metric_catalog[0]);

int mfd_metrics_walk(const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	for (unsigned int i = 0; i < mfd_metric_catalog_len; i++) {
		const struct mfd_metric_desc *d = &mfd_metric_catalog[i];
		int rc = d->emit(d, st, fn, arg);

		if (rc)
			return rc;
	}
	return 0;
}

const char *mfd_metrics_prom_label(const char *key, char *buf, unsigned int len)
{
	unsigned int i;

	if (!len)
		return "";
	for (i = 0; key[i] && i + 1 < len; i++)
		buf[i] = (key[i] == '.' || key[i] == '-') ? '_' : key[i];
	buf[i] = '\0';
	return buf;
}

/* --- OpenTelemetry to Prometheus names ------------------------------------*/

#define PROM_MAX_TOKENS 32
#define PROM_TOKEN_LEN 64

struct prom_tokens {
	unsigned int n;
	char t[PROM_MAX_TOKENS][PROM_TOKEN_LEN];
	bool overflow;
};

/* Append the runs of ASCII letters and digits of s[0..len) as tokens. */
static void prom_split(struct prom_tokens *tk, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t b, n;

		while (i < len && !isalnum((unsigned char)s[i]))
			i++;
		b = i;
		while (i < len && isalnum((unsigned char)s[i]))
			i++;
		n = i - b;
		if (!n)
			continue;
		if (tk->n == PROM_MAX_TOKENS || n >= PROM_TOKEN_LEN) {
			tk->overflow = true;
			return;
		}
		memcpy(tk->t[tk->n], s + b, n);
		tk->t[tk->n++][n] = '\0';
	}
}

static bool prom_has(const struct prom_tokens *tk, const char *v)
{
	for (unsigned int i = 0; i < tk->n; i++)
		if (!strcmp(tk->t[i], v))
			return true;
	return false;
}

static void prom_push(struct prom_tokens *tk, const char *v)
{
	if (tk->n == PROM_MAX_TOKENS || strlen(v) >= PROM_TOKEN_LEN) {
		tk->overflow = true;
		return;
	}
	snprintf(tk->t[tk->n++], PROM_TOKEN_LEN, "%s", v);
}

/* Remove every token equal to v, then append v ("total", "ratio"). */
static void prom_move_last(struct prom_tokens *tk, const char *v)
{
	unsigned int j = 0;

	for (unsigned int i = 0; i < tk->n; i++)
		if (strcmp(tk->t[i], v))
			memmove(tk->t[j++], tk->t[i], PROM_TOKEN_LEN);
	tk->n = j;
	prom_push(tk, v);
}

/* The trimmed unit part s[0..len) as Prometheus spells it, cleaned to
 * [A-Za-z0-9_] ("" for blank, annotations and "1"). */
static void prom_unit(const char *s, size_t len, bool per, char *out,
		      size_t outlen)
{
	static const char *const main_map[][2] = {
		{ "d", "days" },
		{ "h", "hours" },
		{ "min", "minutes" },
		{ "s", "seconds" },
		{ "ms", "milliseconds" },
		{ "us", "microseconds" },
		{ "ns", "nanoseconds" },
		{ "By", "bytes" },
		{ "KiBy", "kibibytes" },
		{ "MiBy", "mebibytes" },
		{ "GiBy", "gibibytes" },
		{ "TiBy", "tibibytes" },
		{ "KBy", "kilobytes" },
		{ "MBy", "megabytes" },
		{ "GBy", "gigabytes" },
		{ "TBy", "terabytes" },
		{ "m", "meters" },
		{ "V", "volts" },
		{ "A", "amperes" },
		{ "J", "joules" },
		{ "W", "watts" },
		{ "g", "grams" },
		{ "Cel", "celsius" },
		{ "Hz", "hertz" },
		{ "1", "" },
		{ "%", "percent" },
	};
	static const char *const per_map[][2] = {
		{ "s", "second" }, { "m", "minute" }, { "h", "hour" },
		{ "d", "day" },	   { "w", "week" },   { "mo", "month" },
		{ "y", "year" },
	};
	const char *const(*map)[2] = per ? per_map : main_map;
	size_t nmap = per ? sizeof(per_map) / sizeof(per_map[0]) :
			    sizeof(main_map) / sizeof(main_map[0]);
	struct prom_tokens tk = { 0 };
	size_t o = 0;

	out[0] = '\0';
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (!len || memchr(s, '{', len) || memchr(s, '}', len))
		return;
	for (size_t i = 0; i < nmap; i++)
		if (strlen(map[i][0]) == len && !memcmp(map[i][0], s, len)) {
			s = map[i][1];
			len = strlen(s);
			break;
		}
	prom_split(&tk, s, len);
	for (unsigned int i = 0; i < tk.n && !tk.overflow; i++)
		o += (size_t)snprintf(out + o, o < outlen ? outlen - o : 0,
				      "%s%s", i ? "_" : "", tk.t[i]);
	if (o >= outlen || tk.overflow)
		out[0] = '\0';
}

int mfd_metrics_prom_name(const char *name, const char *unit,
			  enum mfd_metric_kind kind, char *buf, size_t len)
{
	struct prom_tokens tk = { 0 };
	const char *slash = unit ? strchr(unit, '/') : NULL;
	char u[PROM_TOKEN_LEN];
	size_t o = 0;

	if (!len)
		return -ENAMETOOLONG;
	buf[0] = '\0';
	prom_split(&tk, name, strlen(name));
	if (unit) {
		prom_unit(unit, slash ? (size_t)(slash - unit) : strlen(unit),
			  false, u, sizeof(u));
		if (u[0] && !prom_has(&tk, u))
			prom_push(&tk, u);
		if (slash) {
			prom_unit(slash + 1, strlen(slash + 1), true, u,
				  sizeof(u));
			if (u[0] && !prom_has(&tk, u)) {
				prom_push(&tk, "per");
				prom_push(&tk, u);
			}
		}
	}
	if (kind == MFD_METRIC_SUM) /* every sum here is monotonic */
		prom_move_last(&tk, "total");
	if (kind == MFD_METRIC_GAUGE && unit && !strcmp(unit, "1"))
		prom_move_last(&tk, "ratio");
	if (tk.overflow)
		return -ENAMETOOLONG;
	if (tk.n && isdigit((unsigned char)tk.t[0][0]))
		o += (size_t)snprintf(buf, len, "_");
	for (unsigned int i = 0; i < tk.n; i++)
		o += (size_t)snprintf(buf + (o < len ? o : len),
				      o < len ? len - o : 0, "%s%s",
				      i ? "_" : "", tk.t[i]);
	if (o >= len) {
		buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	return (int)o;
}

const char *mfd_metric_prom(const struct mfd_metric_desc *d, char *buf,
			    size_t len)
{
	if (mfd_metrics_prom_name(d->name, d->unit, d->kind, buf, len) < 0 &&
	    len)
		buf[0] = '\0';
	return buf;
}
