// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * metrics_agent.c - points of the extfrag event counters, the top
 * processes, and the agent's own health: samples, exporters, the HTTP
 * server, which signal sources work (see metrics_emit.h).
 */
#include "kinfo.h"
#include "metrics_emit.h"
#include "pressure.h"

/* Processes published as per-process series: the top ones by events. */
#define MFD_METRICS_TOP_PROCS 20

int mfd_emit_named(const struct mfd_metric_desc *d, const struct mfd_state *st,
		   mfd_point_fn fn, void *arg, uint64_t t, const char *pre_key,
		   const char *pre, const char *key,
		   const struct mfd_named_value *v, size_t n)
{
	struct mfd_point p;

	for (size_t i = 0; i < n; i++) {
		mfd_point_init(&p, d, st, t);
		if (pre_key)
			mfd_attr_str(&p, pre_key, pre);
		mfd_attr_str(&p, key, v[i].name);
		p.i = (int64_t)v[i].v;
		MFD_EMIT(fn, &p, arg);
	}
	return 0;
}

/* One point without attributes, when the source exists. */
static int emit_scalar(const struct mfd_metric_desc *d,
		       const struct mfd_state *st, mfd_point_fn fn, void *arg,
		       bool have, uint64_t v)
{
	struct mfd_point p;

	if (!have)
		return 0;
	mfd_point_init(&p, d, st, 0);
	p.i = (int64_t)v;
	return fn(&p, arg);
}

/* --- extfrag events -------------------------------------------------------*/

int mfd_emit_extfrag_events(const struct mfd_metric_desc *d,
			    const struct mfd_state *st, mfd_point_fn fn,
			    void *arg)
{
	unsigned int nmt = st->kinfo && st->kinfo->nr_migratetypes ?
				   st->kinfo->nr_migratetypes :
				   MFD_MAX_MIGRATETYPES;
	char abuf[32], fbuf[32];
	struct mfd_point p;

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
				mfd_point_init(&p, d, st, 0);
				mfd_attr_str(&p, "alloc_migratetype",
					     mfd_kinfo_mt_name(st->kinfo,
							       (int)a, abuf,
							       sizeof(abuf)));
				mfd_attr_str(&p, "fallback_migratetype",
					     mfd_kinfo_mt_name(st->kinfo,
							       (int)f, fbuf,
							       sizeof(fbuf)));
				mfd_attr_bool(&p, "fragmenting", frag);
				p.i = (int64_t)v;
				MFD_EMIT(fn, &p, arg);
			}
	return 0;
}

int mfd_emit_ringbuf_drops(const struct mfd_metric_desc *d,
			   const struct mfd_state *st, mfd_point_fn fn,
			   void *arg)
{
	return emit_scalar(d, st, fn, arg, st->have_events, st->totals.drops);
}

int mfd_emit_proc_events(const struct mfd_metric_desc *d,
			 const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	const struct mfd_proc_stat *top[MFD_METRICS_TOP_PROCS];
	struct mfd_point p;
	size_t n;

	if (!st->have_events)
		return 0;
	n = mfd_extfrag_table_sorted(&st->procs, top, MFD_METRICS_TOP_PROCS);
	for (size_t i = 0; i < n; i++) {
		mfd_point_init(&p, d, st, 0);
		/* By executable a row is many processes: no pid, no churn;
		 * the cgroup is part of the row's key and keeps two rows of
		 * one program (two services, neither in a pod) apart. */
		if (!st->procs.by_executable)
			mfd_attr_int(&p, "process.pid", top[i]->tgid);
		else
			mfd_attr_int(&p, "cgroup.id",
				     (int64_t)top[i]->cgroup_id);
		mfd_attr_str(&p, "process.executable.name", top[i]->comm);
		mfd_metrics_k8s_attrs(&p, st, top[i]->cgroup_id, top[i]->tgid);
		p.i = (int64_t)top[i]->fragmenting;
		MFD_EMIT(fn, &p, arg);
	}
	return 0;
}

/* --- the agent itself ------------------------------------------------------ */

int mfd_emit_collect_duration(const struct mfd_metric_desc *d,
			      const struct mfd_state *st, mfd_point_fn fn,
			      void *arg)
{
	struct mfd_point p;

	if (!st->have_snap)
		return 0;
	mfd_point_init(&p, d, st, 0);
	mfd_attr_str(&p, "source", mfd_source_name(st->snap->source));
	p.hist = &st->collect_hist;
	p.d = st->collect_hist.sum;
	return fn(&p, arg);
}

/* Which signal sources this agent has, 1 or 0: a fleet sees the nodes
 * where one is missing (the log says why) instead of a silent gap. */
int mfd_emit_signal_enabled(const struct mfd_metric_desc *d,
			    const struct mfd_state *st, mfd_point_fn fn,
			    void *arg)
{
	const struct mfd_pressure *s = st->pressure;
	unsigned int b = s ? s->bpf_signals : 0;
	const struct mfd_named_value sig[] = {
		{ "extfrag_events", st->have_events },
		{ "compaction_stalls", (b & MFD_SIG_COMPACT_STALL) != 0 },
		{ "reclaim_stalls", (b & MFD_SIG_RECLAIM_STALL) != 0 },
		{ "daemon_wakeups",
		  (b & (MFD_SIG_KCOMPACTD_WAKE | MFD_SIG_KSWAPD_WAKE)) != 0 },
		{ "kernel_log", s && s->have_kmsg },
		{ "vmstat", s && s->have_vmstat },
	};

	return mfd_emit_named(d, st, fn, arg, 0, NULL, NULL, "signal", sig,
			      sizeof(sig) / sizeof(sig[0]));
}

int mfd_emit_samples(const struct mfd_metric_desc *d,
		     const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	const struct mfd_named_value v[] = {
		{ "ok", st->samples },
		{ "failed", st->sample_failures },
	};

	return mfd_emit_named(d, st, fn, arg, 0, NULL, NULL, "outcome", v, 2);
}

int mfd_emit_export_requests(const struct mfd_metric_desc *d,
			     const struct mfd_state *st, mfd_point_fn fn,
			     void *arg)
{
	for (unsigned int x = 0; x < st->nr_exports; x++) {
		const struct mfd_export_source *e = &st->exports[x];
		const struct mfd_named_value o[] = {
			{ "sent", e->stats->requests_sent },
			{ "failed", e->stats->requests_failed },
			{ "retried", e->stats->requests_retried },
		};
		int rc = mfd_emit_named(d, st, fn, arg, 0, "exporter", e->name,
					"outcome", o, sizeof(o) / sizeof(o[0]));

		if (rc)
			return rc;
	}
	return 0;
}

int mfd_emit_export_dropped(const struct mfd_metric_desc *d,
			    const struct mfd_state *st, mfd_point_fn fn,
			    void *arg)
{
	struct mfd_named_value v[MFD_DROP_REASONS];

	for (unsigned int x = 0; x < st->nr_exports; x++) {
		const struct mfd_export_source *e = &st->exports[x];
		int rc;

		for (int r = 0; r < MFD_DROP_REASONS; r++)
			v[r] = (struct mfd_named_value){
				mfd_drop_reason_name(r), e->stats->dropped[r]
			};
		rc = mfd_emit_named(d, st, fn, arg, 0, "exporter", e->name,
				    "reason", v, MFD_DROP_REASONS);
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

	for (unsigned int x = 0; x < st->nr_exports; x++) {
		const struct mfd_export_source *e = &st->exports[x];

		if (!e->stats->has_queue)
			continue;
		mfd_point_init(&p, d, st, 0);
		mfd_attr_str(&p, "exporter", e->name);
		p.i = (int64_t)(spool ? e->stats->spool_bytes :
					e->stats->queue_depth);
		MFD_EMIT(fn, &p, arg);
	}
	return 0;
}

int mfd_emit_export_queue_depth(const struct mfd_metric_desc *d,
				const struct mfd_state *st, mfd_point_fn fn,
				void *arg)
{
	return emit_export_queue(d, st, fn, arg, false);
}

int mfd_emit_export_spool_bytes(const struct mfd_metric_desc *d,
				const struct mfd_state *st, mfd_point_fn fn,
				void *arg)
{
	return emit_export_queue(d, st, fn, arg, true);
}

/* --- the HTTP server (exporters/http/http.c) ----------------------------------*/

int mfd_emit_http_open(const struct mfd_metric_desc *d,
		       const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	return emit_scalar(d, st, fn, arg, st->http != NULL,
			   st->http ? st->http->open : 0);
}

int mfd_emit_http_closed(const struct mfd_metric_desc *d,
			 const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	struct mfd_named_value v[MFD_HTTP_CLOSE_REASONS];

	if (!st->http)
		return 0;
	for (int r = 0; r < MFD_HTTP_CLOSE_REASONS; r++)
		v[r] = (struct mfd_named_value){ mfd_http_close_name(r),
						 st->http->closed[r] };
	return mfd_emit_named(d, st, fn, arg, 0, NULL, NULL, "reason", v,
			      MFD_HTTP_CLOSE_REASONS);
}

int mfd_emit_http_accept_errors(const struct mfd_metric_desc *d,
				const struct mfd_state *st, mfd_point_fn fn,
				void *arg)
{
	return emit_scalar(d, st, fn, arg, st->http != NULL,
			   st->http ? st->http->accept_errors : 0);
}
