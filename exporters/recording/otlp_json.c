// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * otlp_json.c - OTLP/JSON requests built with jansson (see otlp_json.h).
 *
 * Field names and types follow opentelemetry-proto's
 * opentelemetry/proto/{common,resource,metrics,logs}/v1/ .proto files under the
 * proto3 JSON mapping as OTLP restricts it: fixed64/sfixed64/int64 become
 * decimal strings, enums integers, and field names lowerCamelCase.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kinfo.h"
#include "metrics.h"
#include "otlp_json.h"

/* AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE */
#define OTLP_CUMULATIVE 2
/* SeverityNumber.SEVERITY_NUMBER_INFO */
#define OTLP_SEVERITY_INFO 9

/* 64-bit integers travel as strings in OTLP/JSON. */
static json_t *u64_str(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return json_string(buf);
}

static json_t *i64_str(int64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return json_string(buf);
}

/* KeyValue { key, value: AnyValue } */
static json_t *kv(const char *key, json_t *anyvalue)
{
	if (!anyvalue)
		return NULL;
	return json_pack("{s:s, s:o}", "key", key, "value", anyvalue);
}

static json_t *kv_str(const char *key, const char *v)
{
	return kv(key, json_pack("{s:s}", "stringValue", v));
}

static json_t *kv_int(const char *key, int64_t v)
{
	json_t *s = i64_str(v);

	return s ? kv(key, json_pack("{s:o}", "intValue", s)) : NULL;
}

static json_t *kv_bool(const char *key, bool v)
{
	return kv(key, json_pack("{s:b}", "boolValue", v));
}

/* Append kv to arr; a NULL kv (out of memory) sets *err. */
static void push(json_t *arr, json_t *item, int *err)
{
	if (!item || json_array_append_new(arr, item))
		*err = -ENOMEM;
}

static json_t *resource_json(const struct otlp_resource *r)
{
	json_t *attrs = json_array();
	int err = 0;

	if (!attrs)
		return NULL;
	for (size_t i = 0; i < r->n; i++)
		push(attrs, kv_str(r->attrs[i].key, r->attrs[i].value), &err);
	if (err) {
		json_decref(attrs);
		return NULL;
	}
	return json_pack("{s:o}", "attributes", attrs);
}

static json_t *scope_json(void)
{
	return json_pack("{s:s, s:s}", "name", MFD_OTLP_SCOPE, "version",
			 MFD_VERSION);
}

/* --- metrics ------------------------------------------------------------ */

struct metrics_ctx {
	json_t *metrics; /* ScopeMetrics.metrics */
	const struct mfd_metric_desc *cur; /* metric being filled */
	json_t *points; /* its dataPoints */
	int err;
};

static json_t *point_attrs(const struct mfd_point *p, int *err)
{
	json_t *attrs = json_array();

	if (!attrs) {
		*err = -ENOMEM;
		return NULL;
	}
	for (unsigned int i = 0; i < p->nattrs; i++) {
		const struct mfd_attr *a = &p->attrs[i];

		switch (a->type) {
		case MFD_ATTR_STR:
			push(attrs, kv_str(a->key, a->s ? a->s : ""), err);
			break;
		case MFD_ATTR_INT:
			push(attrs, kv_int(a->key, a->i), err);
			break;
		case MFD_ATTR_BOOL:
			push(attrs, kv_bool(a->key, a->i != 0), err);
			break;
		}
	}
	return attrs;
}

/* A new Metric for desc: { name, description, unit, gauge|sum|histogram } */
static int open_metric(struct metrics_ctx *c, const struct mfd_metric_desc *d)
{
	json_t *m, *data;

	c->points = json_array();
	if (!c->points)
		return -ENOMEM;
	switch (d->kind) {
	case MFD_METRIC_GAUGE:
		data = json_pack("{s:o}", "dataPoints", c->points);
		break;
	case MFD_METRIC_SUM:
		data = json_pack("{s:o, s:i, s:b}", "dataPoints", c->points,
				 "aggregationTemporality", OTLP_CUMULATIVE,
				 "isMonotonic", 1);
		break;
	default:
		data = json_pack("{s:o, s:i}", "dataPoints", c->points,
				 "aggregationTemporality", OTLP_CUMULATIVE);
		break;
	}
	if (!data)
		return -ENOMEM;
	m = json_pack("{s:s, s:s, s:s, s:o}", "name", d->name, "description",
		      d->help, "unit", d->unit,
		      d->kind == MFD_METRIC_GAUGE ? "gauge" :
		      d->kind == MFD_METRIC_SUM	  ? "sum" :
						    "histogram",
		      data);
	if (!m || json_array_append_new(c->metrics, m))
		return -ENOMEM;
	c->cur = d;
	return 0;
}

static json_t *histogram_point(const struct mfd_point *p, json_t *attrs)
{
	const struct mfd_histogram *h = p->hist;
	json_t *counts = json_array(), *bounds = json_array(), *dp;
	int err = 0;

	if (!counts || !bounds)
		goto fail;
	for (unsigned int i = 0; i <= h->nbounds; i++)
		push(counts, u64_str(h->counts[i]), &err);
	for (unsigned int i = 0; i < h->nbounds; i++)
		push(bounds, json_real(h->bounds[i]), &err);
	if (err)
		goto fail;
	dp = json_pack("{s:o, s:o, s:o, s:o, s:f, s:o, s:o}", "attributes",
		       attrs, "startTimeUnixNano", u64_str(p->start_unix_nano),
		       "timeUnixNano", u64_str(p->time_unix_nano), "count",
		       u64_str(h->count), "sum", h->sum, "bucketCounts", counts,
		       "explicitBounds", bounds);
	return dp;
fail:
	json_decref(counts);
	json_decref(bounds);
	json_decref(attrs);
	return NULL;
}

static int on_point(const struct mfd_point *p, void *arg)
{
	struct metrics_ctx *c = arg;
	json_t *attrs, *dp;
	int err = 0;

	if (p->desc != c->cur && (err = open_metric(c, p->desc)))
		return err;
	attrs = point_attrs(p, &err);
	if (err) {
		json_decref(attrs);
		return err;
	}
	if (p->desc->kind == MFD_METRIC_HISTOGRAM) {
		if (!p->hist) {
			json_decref(attrs);
			return -EINVAL;
		}
		dp = histogram_point(p, attrs);
	} else {
		dp = json_pack("{s:o, s:o}", "attributes", attrs,
			       "timeUnixNano", u64_str(p->time_unix_nano));
		if (dp && p->desc->kind != MFD_METRIC_GAUGE)
			err |= json_object_set_new(dp, "startTimeUnixNano",
						   u64_str(p->start_unix_nano));
		if (dp)
			err |= json_object_set_new(
				dp, p->is_double ? "asDouble" : "asInt",
				p->is_double ? json_real(p->d) : i64_str(p->i));
	}
	if (!dp || err || json_array_append_new(c->points, dp))
		return -ENOMEM;
	return 0;
}

json_t *mfd_otlp_json_metrics(const struct mfd_state *st,
			      const struct otlp_resource *res)
{
	struct metrics_ctx c = { .metrics = json_array() };
	json_t *resource = resource_json(res), *scope = scope_json();
	/* A recording keeps every order whatever --min-order trims from
	 * the series a backend stores: a replay is as good as the source.
	 * (A shallow copy: the walk only reads.) */
	struct mfd_state every_order = *st;

	every_order.export_min_order = 0;
	if (!c.metrics || !resource || !scope ||
	    mfd_metrics_walk(&every_order, on_point, &c)) {
		json_decref(c.metrics);
		json_decref(resource);
		json_decref(scope);
		return NULL;
	}
	return json_pack("{s:[{s:o, s:[{s:o, s:o}]}]}", "resourceMetrics",
			 "resource", resource, "scopeMetrics", "scope", scope,
			 "metrics", c.metrics);
}

/* --- logs ------------------------------------------------------------------ */

static json_t *log_record(const struct mfd_state *st,
			  const struct mfd_extfrag_event *e,
			  uint64_t observed_unix_nano)
{
	json_t *attrs = json_array(), *rec;
	char abuf[32], fbuf[32], comm[MFD_TASK_COMM_LEN + 1], body[256];
	const char *amt, *fmt;
	int err = 0;

	if (!attrs)
		return NULL;
	memcpy(comm, e->comm, MFD_TASK_COMM_LEN);
	comm[MFD_TASK_COMM_LEN] = '\0';
	amt = mfd_kinfo_mt_name(st->kinfo, e->alloc_migratetype, abuf,
				sizeof(abuf));
	fmt = mfd_kinfo_mt_name(st->kinfo, e->fallback_migratetype, fbuf,
				sizeof(fbuf));
	push(attrs, kv_str(MFD_OTLP_ATTR_EVENT_NAME, MFD_OTLP_EXTFRAG_EVENT),
	     &err);
	push(attrs, kv_int(MFD_OTLP_ATTR_PID, e->tgid), &err);
	push(attrs, kv_int(MFD_OTLP_ATTR_TID, e->pid), &err);
	push(attrs, kv_str(MFD_OTLP_ATTR_COMM, comm), &err);
	push(attrs, kv_int(MFD_OTLP_ATTR_ALLOC_ORDER, e->alloc_order), &err);
	push(attrs, kv_int(MFD_OTLP_ATTR_FALLBACK_ORDER, e->fallback_order),
	     &err);
	push(attrs, kv_str(MFD_OTLP_ATTR_ALLOC_MT, amt), &err);
	push(attrs, kv_str(MFD_OTLP_ATTR_FALLBACK_MT, fmt), &err);
	push(attrs, kv_int(MFD_OTLP_ATTR_ALLOC_MT_ID, e->alloc_migratetype),
	     &err);
	push(attrs,
	     kv_int(MFD_OTLP_ATTR_FALLBACK_MT_ID, e->fallback_migratetype),
	     &err);
	push(attrs, kv_bool(MFD_OTLP_ATTR_FRAGMENTING, e->fragmenting), &err);
	push(attrs, kv_bool(MFD_OTLP_ATTR_CHANGE_OWNER, e->change_ownership),
	     &err);
	push(attrs, kv_int(MFD_OTLP_ATTR_PFN, (int64_t)e->pfn), &err);
	push(attrs, kv_int(MFD_OTLP_ATTR_CGROUP, (int64_t)e->cgroup_id), &err);
	if (err) {
		json_decref(attrs);
		return NULL;
	}
	snprintf(body, sizeof(body),
		 "extfrag fallback: %s[%u] order %d took an order-%d %s block "
		 "for %s%s",
		 comm, e->tgid, e->alloc_order, e->fallback_order, fmt, amt,
		 e->fragmenting ? " (fragmenting)" : "");
	rec = json_pack("{s:o, s:o, s:i, s:s, s:{s:s}, s:o}", "timeUnixNano",
			u64_str(mfd_state_unix_ns(st, e->ts_ns)),
			"observedTimeUnixNano", u64_str(observed_unix_nano),
			"severityNumber", OTLP_SEVERITY_INFO, "severityText",
			"INFO", "body", "stringValue", body, "attributes",
			attrs);
	return rec;
}

json_t *mfd_otlp_json_logs(const struct mfd_state *st,
			   const struct otlp_resource *res,
			   const struct mfd_extfrag_event *ev, size_t n,
			   uint64_t observed_unix_nano)
{
	json_t *recs = json_array(), *resource = resource_json(res),
	       *scope = scope_json();
	int err = 0;

	if (!recs || !resource || !scope)
		goto fail;
	for (size_t i = 0; i < n && !err; i++)
		push(recs, log_record(st, &ev[i], observed_unix_nano), &err);
	if (err)
		goto fail;
	return json_pack("{s:[{s:o, s:[{s:o, s:o}]}]}", "resourceLogs",
			 "resource", resource, "scopeLogs", "scope", scope,
			 "logRecords", recs);
fail:
	json_decref(recs);
	json_decref(resource);
	json_decref(scope);
	return NULL;
}

char *mfd_otlp_json_dumps(const json_t *req)
{
	return json_dumps(req, JSON_COMPACT | JSON_REAL_PRECISION(17));
}

/* --- the resource ----------------------------------------------------------- */
