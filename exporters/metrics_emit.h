/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * metrics_emit.h - what the emitters of the metric catalogue share
 * (private to exporters/metrics*.c).
 *
 * metrics.c holds the catalogue; metrics_zone.c, metrics_pressure.c and
 * metrics_agent.c derive the points, one file per area of the state.
 * Every emitter has the catalogue's signature (struct mfd_metric_desc's
 * emit); the ones that read one scalar field per zone, order or node take
 * the field from the row's param, so the catalogue is the only place
 * that says which field a metric shows.
 */
#ifndef MFD_METRICS_EMIT_H
#define MFD_METRICS_EMIT_H

#include <string.h>

#include "metrics.h"

/* Hand p to the walker's callback; stop the emitter on its non-zero
 * return, which mfd_metrics_walk() passes up unchanged. */
#define MFD_EMIT(fn, p, arg)                     \
	do {                                     \
		int emit_rc_ = (fn)((p), (arg)); \
		if (emit_rc_)                    \
			return emit_rc_;         \
	} while (0)

/* A point of metric d with no attributes. t: the sample's time, or 0 for
 * now (counters read at export time). Sums and histograms start when the
 * agent did. */
static inline void mfd_point_init(struct mfd_point *p,
				  const struct mfd_metric_desc *d,
				  const struct mfd_state *st, uint64_t t)
{
	memset(p, 0, sizeof(*p));
	p->desc = d;
	p->is_double = d->is_double;
	p->time_unix_nano = t ? t : mfd_now_unix_ns();
	if (d->kind != MFD_METRIC_GAUGE)
		p->start_unix_nano = st->start_unix_nano;
}

static inline void mfd_attr_add(struct mfd_point *p, struct mfd_attr a)
{
	if (p->nattrs < MFD_MAX_ATTRS)
		p->attrs[p->nattrs++] = a;
}

static inline void mfd_attr_str(struct mfd_point *p, const char *key,
				const char *v)
{
	mfd_attr_add(p, (struct mfd_attr){
				.key = key, .type = MFD_ATTR_STR, .s = v });
}

static inline void mfd_attr_int(struct mfd_point *p, const char *key, int64_t v)
{
	mfd_attr_add(p, (struct mfd_attr){
				.key = key, .type = MFD_ATTR_INT, .i = v });
}

static inline void mfd_attr_bool(struct mfd_point *p, const char *key, bool v)
{
	mfd_attr_add(p, (struct mfd_attr){
				.key = key, .type = MFD_ATTR_BOOL, .i = v });
}

static inline void mfd_zone_attrs(struct mfd_point *p, const struct mfd_zone *z)
{
	mfd_attr_int(p, "numa.node", z->node);
	mfd_attr_str(p, "zone", z->name);
}

/* One value per name of one attribute (outcome=ok|failed, ...). */
struct mfd_named_value {
	const char *name;
	uint64_t v;
};

/* A point per entry of v[0..n), each with attribute key=v[i].name, after
 * the attribute pre (e.g. exporter) when pre_key is not NULL. */
int mfd_emit_named(const struct mfd_metric_desc *d, const struct mfd_state *st,
		   mfd_point_fn fn, void *arg, uint64_t t, const char *pre_key,
		   const char *pre, const char *key,
		   const struct mfd_named_value *v, size_t n);

/* A scalar field of struct mfd_zone, struct mfd_order_stat or struct
 * mfd_node: the param of the table-driven emitters below. */
struct mfd_field {
	size_t off; /* offsetof() into the struct */
	size_t size; /* sizeof the field: 4 (int32/uint32) or 8 (uint64) */
	bool is_signed; /* int32_t (the indices, in thousandths) */
	uint32_t need; /* zones: MFD_HAVE_* bits the value needs */
	uint64_t absent; /* a value that means "absent, not zero" (or 0) */
	double div; /* a double point: the value divided by this (0: integer) */
};

#define MFD_FIELD(type, member, ...)                                     \
	(&(const struct mfd_field){ .off = offsetof(type, member),       \
				    .size = sizeof(((type *)0)->member), \
				    __VA_ARGS__ })

/* Read the field f of the struct at base. */
int64_t mfd_field_get(const struct mfd_field *f, const void *base);

/* metrics_zone.c: zones, orders, nodes and what is derived from them. */
int mfd_emit_order_field(const struct mfd_metric_desc *d,
			 const struct mfd_state *st, mfd_point_fn fn,
			 void *arg);
int mfd_emit_zone_field(const struct mfd_metric_desc *d,
			const struct mfd_state *st, mfd_point_fn fn, void *arg);
int mfd_emit_node_field(const struct mfd_metric_desc *d,
			const struct mfd_state *st, mfd_point_fn fn, void *arg);
int mfd_emit_watermarks(const struct mfd_metric_desc *d,
			const struct mfd_state *st, mfd_point_fn fn, void *arg);
int mfd_emit_zone_score(const struct mfd_metric_desc *d,
			const struct mfd_state *st, mfd_point_fn fn, void *arg);
int mfd_emit_node_score(const struct mfd_metric_desc *d,
			const struct mfd_state *st, mfd_point_fn fn, void *arg);
int mfd_emit_node_forecast(const struct mfd_metric_desc *d,
			   const struct mfd_state *st, mfd_point_fn fn,
			   void *arg);
int mfd_emit_mt_free(const struct mfd_metric_desc *d,
		     const struct mfd_state *st, mfd_point_fn fn, void *arg);
int mfd_emit_mt_blocks(const struct mfd_metric_desc *d,
		       const struct mfd_state *st, mfd_point_fn fn, void *arg);
int mfd_emit_cma(const struct mfd_metric_desc *d, const struct mfd_state *st,
		 mfd_point_fn fn, void *arg);
int mfd_emit_gigantic(const struct mfd_metric_desc *d,
		      const struct mfd_state *st, mfd_point_fn fn, void *arg);

/* metrics_pressure.c: compaction, reclaim, vmstat, kernel log, HugeTLB. */
int mfd_emit_compact_stall_hist(const struct mfd_metric_desc *d,
				const struct mfd_state *st, mfd_point_fn fn,
				void *arg);
int mfd_emit_reclaim_stall_hist(const struct mfd_metric_desc *d,
				const struct mfd_state *st, mfd_point_fn fn,
				void *arg);
int mfd_emit_compact_outcomes(const struct mfd_metric_desc *d,
			      const struct mfd_state *st, mfd_point_fn fn,
			      void *arg);
int mfd_emit_reclaimed(const struct mfd_metric_desc *d,
		       const struct mfd_state *st, mfd_point_fn fn, void *arg);
int mfd_emit_kcompactd_wakes(const struct mfd_metric_desc *d,
			     const struct mfd_state *st, mfd_point_fn fn,
			     void *arg);
int mfd_emit_kswapd_wakes(const struct mfd_metric_desc *d,
			  const struct mfd_state *st, mfd_point_fn fn,
			  void *arg);
int mfd_emit_alloc_failures(const struct mfd_metric_desc *d,
			    const struct mfd_state *st, mfd_point_fn fn,
			    void *arg);
int mfd_emit_stall_drops(const struct mfd_metric_desc *d,
			 const struct mfd_state *st, mfd_point_fn fn,
			 void *arg);
int mfd_emit_vmstat(const struct mfd_metric_desc *d, const struct mfd_state *st,
		    mfd_point_fn fn, void *arg);
int mfd_emit_mthp(const struct mfd_metric_desc *d, const struct mfd_state *st,
		  mfd_point_fn fn, void *arg);
int mfd_emit_score_wmark(const struct mfd_metric_desc *d,
			 const struct mfd_state *st, mfd_point_fn fn,
			 void *arg);
int mfd_emit_kmsg_failures(const struct mfd_metric_desc *d,
			   const struct mfd_state *st, mfd_point_fn fn,
			   void *arg);
int mfd_emit_kmsg_proc_failures(const struct mfd_metric_desc *d,
				const struct mfd_state *st, mfd_point_fn fn,
				void *arg);
int mfd_emit_kmsg_dropped(const struct mfd_metric_desc *d,
			  const struct mfd_state *st, mfd_point_fn fn,
			  void *arg);
int mfd_emit_htlb_global(const struct mfd_metric_desc *d,
			 const struct mfd_state *st, mfd_point_fn fn,
			 void *arg);
int mfd_emit_htlb_node(const struct mfd_metric_desc *d,
		       const struct mfd_state *st, mfd_point_fn fn, void *arg);

/* metrics_agent.c: extfrag events, per-process counts, the agent itself. */
int mfd_emit_extfrag_events(const struct mfd_metric_desc *d,
			    const struct mfd_state *st, mfd_point_fn fn,
			    void *arg);
int mfd_emit_ringbuf_drops(const struct mfd_metric_desc *d,
			   const struct mfd_state *st, mfd_point_fn fn,
			   void *arg);
int mfd_emit_proc_events(const struct mfd_metric_desc *d,
			 const struct mfd_state *st, mfd_point_fn fn,
			 void *arg);
int mfd_emit_collect_duration(const struct mfd_metric_desc *d,
			      const struct mfd_state *st, mfd_point_fn fn,
			      void *arg);
int mfd_emit_signal_enabled(const struct mfd_metric_desc *d,
			    const struct mfd_state *st, mfd_point_fn fn,
			    void *arg);
int mfd_emit_samples(const struct mfd_metric_desc *d,
		     const struct mfd_state *st, mfd_point_fn fn, void *arg);
int mfd_emit_export_requests(const struct mfd_metric_desc *d,
			     const struct mfd_state *st, mfd_point_fn fn,
			     void *arg);
int mfd_emit_export_dropped(const struct mfd_metric_desc *d,
			    const struct mfd_state *st, mfd_point_fn fn,
			    void *arg);
int mfd_emit_export_queue_depth(const struct mfd_metric_desc *d,
				const struct mfd_state *st, mfd_point_fn fn,
				void *arg);
int mfd_emit_export_spool_bytes(const struct mfd_metric_desc *d,
				const struct mfd_state *st, mfd_point_fn fn,
				void *arg);
int mfd_emit_http_open(const struct mfd_metric_desc *d,
		       const struct mfd_state *st, mfd_point_fn fn, void *arg);
int mfd_emit_http_closed(const struct mfd_metric_desc *d,
			 const struct mfd_state *st, mfd_point_fn fn,
			 void *arg);
int mfd_emit_http_accept_errors(const struct mfd_metric_desc *d,
				const struct mfd_state *st, mfd_point_fn fn,
				void *arg);

#endif /* MFD_METRICS_EMIT_H */
