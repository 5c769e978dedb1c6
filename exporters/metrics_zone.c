// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * metrics_zone.c - points of the zone, order and node metrics, and of
 * what is derived from a zone: scores, forecast, pagetypeinfo, CMA and
 * gigantic page candidates (see metrics_emit.h).
 */
#include <stddef.h>
#include <unistd.h>

#include "forecast.h"
#include "metrics_emit.h"
#include "pressure.h"

int64_t mfd_field_get(const struct mfd_field *f, const void *base)
{
	const char *p = (const char *)base + f->off;

	if (f->size == sizeof(uint64_t)) {
		uint64_t v;

		memcpy(&v, p, sizeof(v));
		return (int64_t)v;
	}
	if (f->is_signed) {
		int32_t v;

		memcpy(&v, p, sizeof(v));
		return v;
	}
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Set p's value from field f of base: an integer, or a double divided by
 * f->div (the indices are kept in thousandths). */
static void field_value(struct mfd_point *p, const struct mfd_field *f,
			const void *base)
{
	int64_t v = mfd_field_get(f, base);

	if (f->div)
		p->d = (double)v / f->div;
	else
		p->i = v;
}

/* One point per zone and order, of the order statistic in d->param. */
int mfd_emit_order_field(const struct mfd_metric_desc *d,
			 const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	const struct mfd_field *f = d->param;
	const struct mfd_snapshot *s = st->snap;
	struct mfd_point p;

	if (!st->have_snap)
		return 0;
	for (uint32_t zi = 0; zi < s->nr_zones; zi++) {
		const struct mfd_zone *z = &s->zones[zi];

		for (uint32_t o = st->export_min_order; o < s->nr_orders; o++) {
			mfd_point_init(&p, d, st, s->time_unix_nano);
			mfd_zone_attrs(&p, z);
			mfd_attr_int(&p, "order", o);
			field_value(&p, f, &z->order[o]);
			MFD_EMIT(fn, &p, arg);
		}
	}
	return 0;
}

/* One point per zone that has the field in d->param. */
int mfd_emit_zone_field(const struct mfd_metric_desc *d,
			const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	const struct mfd_field *f = d->param;
	const struct mfd_snapshot *s = st->snap;
	struct mfd_point p;

	if (!st->have_snap)
		return 0;
	for (uint32_t zi = 0; zi < s->nr_zones; zi++) {
		const struct mfd_zone *z = &s->zones[zi];

		if ((z->have & f->need) != f->need ||
		    (f->absent && (uint64_t)mfd_field_get(f, z) == f->absent))
			continue; /* absent, not zero */
		mfd_point_init(&p, d, st, s->time_unix_nano);
		mfd_zone_attrs(&p, z);
		field_value(&p, f, z);
		MFD_EMIT(fn, &p, arg);
	}
	return 0;
}

/* Only nodes whose facts come from pglist_data (the BPF path): on procfs
 * they are derived from the zones, which are published already. */
int mfd_emit_node_field(const struct mfd_metric_desc *d,
			const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	const struct mfd_field *f = d->param;
	const struct mfd_snapshot *s = st->snap;
	struct mfd_point p;

	if (!st->have_snap)
		return 0;
	for (uint32_t ni = 0; ni < s->nr_nodes; ni++) {
		const struct mfd_node *n = &s->nodes[ni];

		if (!n->have_pgdat)
			continue;
		mfd_point_init(&p, d, st, s->time_unix_nano);
		mfd_attr_int(&p, "numa.node", n->node);
		field_value(&p, f, n);
		MFD_EMIT(fn, &p, arg);
	}
	return 0;
}

int mfd_emit_watermarks(const struct mfd_metric_desc *d,
			const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	const struct mfd_snapshot *s = st->snap;
	struct mfd_point p;

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
			mfd_point_init(&p, d, st, s->time_unix_nano);
			mfd_zone_attrs(&p, z);
			mfd_attr_str(&p, "watermark", wm[i].name);
			p.i = (int64_t)wm[i].v;
			MFD_EMIT(fn, &p, arg);
		}
	}
	return 0;
}

int mfd_emit_zone_score(const struct mfd_metric_desc *d,
			const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	struct mfd_point p;

	if (!s || !s->have_scores || !st->have_snap)
		return 0;
	for (uint32_t zi = 0; zi < s->scores.nr_zones; zi++) {
		if (!s->scores.zone[zi].valid)
			continue;
		mfd_point_init(&p, d, st, st->snap->time_unix_nano);
		mfd_zone_attrs(&p, &st->snap->zones[zi]);
		p.i = s->scores.zone[zi].score;
		MFD_EMIT(fn, &p, arg);
	}
	return 0;
}

int mfd_emit_node_score(const struct mfd_metric_desc *d,
			const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	struct mfd_point p;

	if (!s || !s->have_scores || !st->have_snap)
		return 0;
	for (uint32_t ni = 0; ni < s->scores.nr_nodes; ni++) {
		mfd_point_init(&p, d, st, st->snap->time_unix_nano);
		mfd_attr_int(&p, "numa.node", s->scores.node[ni].node);
		p.i = s->scores.node[ni].score;
		MFD_EMIT(fn, &p, arg);
	}
	return 0;
}

/* The node's forecast in seconds; the horizon when none is in sight (so
 * the series is always there and an alert's "< 3600" reads plainly). */
int mfd_emit_node_forecast(const struct mfd_metric_desc *d,
			   const struct mfd_state *st, mfd_point_fn fn,
			   void *arg)
{
	const struct mfd_forecast *f = st->forecast;
	struct mfd_point p;

	if (!f || !st->have_snap)
		return 0;
	for (uint32_t ni = 0; ni < st->snap->nr_nodes; ni++) {
		const struct mfd_forecast_zone *z =
			mfd_forecast_node(f, st->snap->nodes[ni].node);

		if (!z)
			continue;
		mfd_point_init(&p, d, st, st->snap->time_unix_nano);
		mfd_attr_int(&p, "numa.node", z->node);
		mfd_attr_int(&p, "order",
			     f->order < st->snap->nr_orders ?
				     f->order :
				     st->snap->nr_orders - 1);
		p.d = z->state == MFD_FORECAST_DECLINING ? z->eta_s :
		      z->state == MFD_FORECAST_EXHAUSTED ? 0 :
							   f->horizon_s;
		MFD_EMIT(fn, &p, arg);
	}
	return 0;
}

/* --- /proc/pagetypeinfo (collect/pressure.h) ----------------------------- */

static void pt_zone_attrs(struct mfd_point *p, const struct mfd_pt_zone *z,
			  const char *type)
{
	mfd_attr_int(p, "numa.node", z->node);
	mfd_attr_str(p, "zone", z->zone);
	mfd_attr_str(p, "migratetype", type);
}

int mfd_emit_mt_free(const struct mfd_metric_desc *d,
		     const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	struct mfd_point p;

	if (!s || !s->have_pt)
		return 0;
	for (unsigned int i = 0; i < s->pt->nr_zones; i++) {
		const struct mfd_pt_zone *z = &s->pt->zones[i];

		for (unsigned int t = 0; t < s->pt->nr_types; t++) {
			if (!((z->have_free >> t) & 1))
				continue;
			for (unsigned int o = st->export_min_order;
			     o < s->pt->nr_orders; o++) {
				mfd_point_init(&p, d, st, 0);
				pt_zone_attrs(&p, z, s->pt->type_name[t]);
				mfd_attr_int(&p, "order", o);
				/* a lower bound when the kernel capped it */
				mfd_attr_bool(&p, "capped",
					      (z->capped[t] >> o) & 1);
				p.i = (int64_t)z->free[t][o];
				MFD_EMIT(fn, &p, arg);
			}
		}
	}
	return 0;
}

int mfd_emit_mt_blocks(const struct mfd_metric_desc *d,
		       const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	struct mfd_point p;

	if (!s || !s->have_pt)
		return 0;
	for (unsigned int i = 0; i < s->pt->nr_zones; i++) {
		const struct mfd_pt_zone *z = &s->pt->zones[i];

		if (!z->have_blocks)
			continue;
		for (unsigned int t = 0; t < s->pt->nr_types; t++) {
			mfd_point_init(&p, d, st, 0);
			pt_zone_attrs(&p, z, s->pt->type_name[t]);
			p.i = (int64_t)z->blocks[t];
			MFD_EMIT(fn, &p, arg);
		}
	}
	return 0;
}

/* --- CMA areas, gigantic pages (collect/hugetlb.c) ----------------------- */

/* Zones of the snapshot only (populated ones), like every zone metric. */
int mfd_emit_cma(const struct mfd_metric_desc *d, const struct mfd_state *st,
		 mfd_point_fn fn, void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	struct mfd_point p;

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
			mfd_point_init(&p, d, st, 0);
			mfd_zone_attrs(&p, z);
			mfd_attr_str(&p, "state", t ? "free" : "total");
			p.i = (int64_t)(t ? c->free_pages : c->total_pages);
			MFD_EMIT(fn, &p, arg);
		}
	}
	return 0;
}

int mfd_emit_gigantic(const struct mfd_metric_desc *d,
		      const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	long page = sysconf(_SC_PAGESIZE);
	struct mfd_point p;
	uint64_t n;

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
			mfd_point_init(&p, d, st, st->snap->time_unix_nano);
			mfd_zone_attrs(&p, z);
			mfd_attr_int(&p, "hugepage.size",
				     (int64_t)s->htlb.size_kib[k] * 1024);
			p.i = (int64_t)n;
			MFD_EMIT(fn, &p, arg);
		}
	}
	return 0;
}
