// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * metrics.c - the metric catalogue and the functions that derive each
 * metric's points from the agent's state (see metrics.h).
 *
 * Names follow the OpenTelemetry rules: our own "mfd." namespace, units in
 * UCUM, counts in curly-brace annotations, durations in seconds. The
 * Prometheus names are the same metrics as Prometheus spells them (base
 * units, "_total" on counters, "_seconds" on durations).
 */
#include <stdio.h>
#include <string.h>

#include "../exporters/exporter.h"
#include "cgroup_attr.h"
#include "metrics.h"

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

enum zone_field { ZF_FREE, ZF_MANAGED, ZF_PRESENT, ZF_SPANNED, ZF_HIGHATOMIC };

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
	};
	const struct mfd_snapshot *s = st->snap;
	struct mfd_point p;
	int rc;

	if (!st->have_snap)
		return 0;
	for (uint32_t zi = 0; zi < s->nr_zones; zi++) {
		const struct mfd_zone *z = &s->zones[zi];

		if (!(z->have & need[f]))
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

				/* Only kinds that happened: a fallback from a
				 * type to itself never does. */
				if (!v)
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

	for (const struct mfd_exporter *e = st->exporters; e; e = e->next) {
		const struct {
			const char *outcome;
			uint64_t v;
		} o[] = {
			{ "sent", e->stats.requests_sent },
			{ "failed", e->stats.requests_failed },
			{ "retried", e->stats.requests_retried },
		};

		for (size_t i = 0; i < sizeof(o) / sizeof(o[0]); i++) {
			point_init(&p, d, st, 0);
			attr_str(&p, "exporter", e->ops->name);
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

	for (const struct mfd_exporter *e = st->exporters; e; e = e->next)
		for (int r = 0; r < MFD_DROP_REASONS; r++) {
			point_init(&p, d, st, 0);
			attr_str(&p, "exporter", e->ops->name);
			attr_str(&p, "reason", mfd_drop_reason_name(r));
			p.i = (int64_t)e->stats.dropped[r];
			rc = fn(&p, arg);
			if (rc)
				return rc;
		}
	return 0;
}

static int emit_export_queue(const struct mfd_metric_desc *d,
			     const struct mfd_state *st, mfd_point_fn fn,
			     void *arg, bool spool)
{
	struct mfd_point p;
	int rc;

	for (const struct mfd_exporter *e = st->exporters; e; e = e->next) {
		if (!e->stats.has_queue)
			continue;
		point_init(&p, d, st, 0);
		attr_str(&p, "exporter", e->ops->name);
		p.i = (int64_t)(spool ? e->stats.spool_bytes :
					e->stats.queue_depth);
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

#define ZONE_ATTRS "numa.node, zone"
#define ORDER_ATTRS "numa.node, zone, order"

const struct mfd_metric_desc mfd_metric_catalog[] = {
	{ "mfd.zone.order.free_blocks", "mfd_zone_order_free_blocks",
	  MFD_METRIC_GAUGE, false, "{block}", ORDER_ATTRS,
	  "Free blocks of exactly this order (free_area[order].nr_free)",
	  emit_free_blocks },
	{ "mfd.zone.order.suitable_blocks", "mfd_zone_order_suitable_blocks",
	  MFD_METRIC_GAUGE, false, "{block}", ORDER_ATTRS,
	  "Free memory usable by a request of this order, counted in blocks "
	  "of this order",
	  emit_suitable_blocks },
	{ "mfd.zone.order.unusable_index", "mfd_zone_order_unusable_index",
	  MFD_METRIC_GAUGE, true, "1", ORDER_ATTRS,
	  "Fraction of free memory unusable for this order "
	  "(debugfs extfrag/unusable_index)",
	  emit_unusable },
	{ "mfd.zone.order.extfrag_index", "mfd_zone_order_extfrag_index",
	  MFD_METRIC_GAUGE, true, "1", ORDER_ATTRS,
	  "Kernel fragmentation index for this order: towards 0 a failure "
	  "would be lack of memory, towards 1 fragmentation, -1 the "
	  "allocation would succeed (debugfs extfrag/extfrag_index)",
	  emit_extfrag_index },
	{ "mfd.zone.free_pages", "mfd_zone_free_pages", MFD_METRIC_GAUGE, false,
	  "{page}", ZONE_ATTRS, "Free pages in the zone (NR_FREE_PAGES)",
	  emit_zone_free },
	{ "mfd.zone.managed_pages", "mfd_zone_managed_pages", MFD_METRIC_GAUGE,
	  false, "{page}", ZONE_ATTRS, "Pages managed by the buddy allocator",
	  emit_zone_managed },
	{ "mfd.zone.present_pages", "mfd_zone_present_pages", MFD_METRIC_GAUGE,
	  false, "{page}", ZONE_ATTRS, "Physical pages present in the zone",
	  emit_zone_present },
	{ "mfd.zone.spanned_pages", "mfd_zone_spanned_pages", MFD_METRIC_GAUGE,
	  false, "{page}", ZONE_ATTRS,
	  "Page frames the zone spans, holes included", emit_zone_spanned },
	{ "mfd.zone.watermark_pages", "mfd_zone_watermark_pages",
	  MFD_METRIC_GAUGE, false, "{page}", ZONE_ATTRS ", watermark",
	  "Zone watermark (min, low, high include the boost; boost alone)",
	  emit_watermarks },
	{ "mfd.zone.reserved_highatomic_pages",
	  "mfd_zone_reserved_highatomic_pages", MFD_METRIC_GAUGE, false,
	  "{page}", ZONE_ATTRS,
	  "Pages reserved for high-order atomic "
	  "allocations",
	  emit_zone_highatomic },
	{ "mfd.extfrag.events", "mfd_extfrag_events_total", MFD_METRIC_SUM,
	  false, "{event}",
	  "alloc_migratetype, fallback_migratetype, fragmenting",
	  "External-fragmentation fallbacks (kmem:mm_page_alloc_extfrag), "
	  "counted exactly in the kernel",
	  emit_extfrag_events },
	{ "mfd.extfrag.ringbuf_drops", "mfd_extfrag_ringbuf_drops_total",
	  MFD_METRIC_SUM, false, "{record}", "",
	  "Event records the ring buffer had no room for (counters stay "
	  "exact)",
	  emit_ringbuf_drops },
	{ "mfd.process.extfrag.fragmenting_events",
	  "mfd_process_extfrag_fragmenting_events_total", MFD_METRIC_SUM, false,
	  "{event}",
	  "process.pid, process.executable.name, k8s.pod.uid, container.id, "
	  "k8s.pod.qos",
	  "Fragmenting fallbacks caused by each of the top 20 processes "
	  "(k8s.* and container.id only for tasks in a pod)",
	  emit_proc_events },
	{ "mfd.agent.collection.duration",
	  "mfd_agent_collection_duration_seconds", MFD_METRIC_HISTOGRAM, true,
	  "s", "source", "Time one zone snapshot took", emit_collect_duration },
	{ "mfd.agent.samples", "mfd_agent_samples_total", MFD_METRIC_SUM, false,
	  "{sample}", "outcome", "Zone snapshots taken (ok, failed)",
	  emit_samples },
	{ "mfd.agent.export.requests", "mfd_agent_export_requests_total",
	  MFD_METRIC_SUM, false, "{request}", "exporter, outcome",
	  "Export requests sent, finally failed, and retried",
	  emit_export_requests },
	{ "mfd.agent.export.dropped_points",
	  "mfd_agent_export_dropped_points_total", MFD_METRIC_SUM, false,
	  "{point}", "exporter, reason",
	  "Points or records an exporter "
	  "dropped, by reason",
	  emit_export_dropped },
	{ "mfd.agent.export.queue_depth", "mfd_agent_export_queue_depth",
	  MFD_METRIC_GAUGE, false, "{batch}", "exporter",
	  "Batches waiting in memory", emit_export_queue_depth },
	{ "mfd.agent.export.spool_size", "mfd_agent_export_spool_bytes",
	  MFD_METRIC_GAUGE, false, "By", "exporter",
	  "Bytes held in the on-disk spool", emit_export_spool_bytes },
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
