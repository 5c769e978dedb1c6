// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * otlp_encode.c - the OTLP protobuf messages: metrics and logs requests
 * built with protobuf-c, responses decoded (see otlp_encode.h). Pure: no
 * I/O, no clocks except through arguments, no globals.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb-c.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb-c.h"

#include "metrics.h"
#include "otlp_encode.h"

typedef Opentelemetry__Proto__Common__V1__KeyValue KeyValue;
typedef Opentelemetry__Proto__Common__V1__AnyValue AnyValue;
typedef Opentelemetry__Proto__Common__V1__InstrumentationScope Scope;
typedef Opentelemetry__Proto__Resource__V1__Resource Resource;
typedef Opentelemetry__Proto__Metrics__V1__ResourceMetrics ResourceMetrics;
typedef Opentelemetry__Proto__Metrics__V1__ScopeMetrics ScopeMetrics;
typedef Opentelemetry__Proto__Metrics__V1__Metric Metric;
typedef Opentelemetry__Proto__Metrics__V1__Gauge Gauge;
typedef Opentelemetry__Proto__Metrics__V1__Sum Sum;
typedef Opentelemetry__Proto__Metrics__V1__Histogram Histogram;
typedef Opentelemetry__Proto__Metrics__V1__NumberDataPoint NumberDataPoint;
typedef Opentelemetry__Proto__Metrics__V1__HistogramDataPoint HistDataPoint;
typedef Opentelemetry__Proto__Logs__V1__ResourceLogs ResourceLogs;
typedef Opentelemetry__Proto__Logs__V1__ScopeLogs ScopeLogs;
typedef Opentelemetry__Proto__Logs__V1__LogRecord LogRecord;
typedef Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest
	MetricsRequest;
typedef Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceRequest
	LogsRequest;

/* --- a bump allocator: one encode, one free ------------------------------ */

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	max_align_t data[];
};

struct arena {
	struct arena_block *head;
	bool failed; /* an allocation failed: the encode returns -ENOMEM */
};

static void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;
	void *p;

	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!b || b->cap - b->used < n) {
		size_t cap = n > 65536 ? n : 65536;

		b = malloc(sizeof(*b) + cap);
		if (!b) {
			a->failed = true;
			return NULL;
		}
		b->next = a->head;
		b->used = 0;
		b->cap = cap;
		a->head = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

static char *arena_strdup(struct arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = arena_alloc(a, n);

	if (p)
		memcpy(p, s, n);
	return p;
}

static void arena_free(struct arena *a)
{
	while (a->head) {
		struct arena_block *next = a->head->next;

		free(a->head);
		a->head = next;
	}
}

/* A growable array of pointers inside the arena. */
struct ptrvec {
	void **v;
	size_t n, cap;
};

static int ptrvec_push(struct arena *a, struct ptrvec *pv, void *p)
{
	if (!p)
		return -ENOMEM;
	if (pv->n == pv->cap) {
		size_t cap = pv->cap ? pv->cap * 2 : 16;
		void **v = arena_alloc(a, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		if (pv->n)
			memcpy(v, pv->v, pv->n * sizeof(*v));
		pv->v = v;
		pv->cap = cap;
	}
	pv->v[pv->n++] = p;
	return 0;
}

/* --- attributes ------------------------------------------------------------ */

static KeyValue *kv_new(struct arena *a, const char *key)
{
	KeyValue *kv = arena_alloc(a, sizeof(*kv));
	AnyValue *v = arena_alloc(a, sizeof(*v));

	if (!kv || !v)
		return NULL;
	opentelemetry__proto__common__v1__key_value__init(kv);
	opentelemetry__proto__common__v1__any_value__init(v);
	kv->key = arena_strdup(a, key);
	if (!kv->key)
		return NULL;
	kv->value = v;
	return kv;
}

static KeyValue *kv_str(struct arena *a, const char *key, const char *s)
{
	KeyValue *kv = kv_new(a, key);

	if (!kv)
		return NULL;
	kv->value->value_case =
		OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE;
	kv->value->string_value = arena_strdup(a, s ? s : "");
	return kv->value->string_value ? kv : NULL;
}

static KeyValue *kv_int(struct arena *a, const char *key, int64_t i)
{
	KeyValue *kv = kv_new(a, key);

	if (!kv)
		return NULL;
	kv->value->value_case =
		OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE;
	kv->value->int_value = i;
	return kv;
}

static KeyValue *kv_bool(struct arena *a, const char *key, bool b)
{
	KeyValue *kv = kv_new(a, key);

	if (!kv)
		return NULL;
	kv->value->value_case =
		OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE;
	kv->value->bool_value = b;
	return kv;
}

static Resource *resource_new(struct arena *a, const struct otlp_resource *r)
{
	Resource *res = arena_alloc(a, sizeof(*res));
	KeyValue **kvs;

	if (!res)
		return NULL;
	opentelemetry__proto__resource__v1__resource__init(res);
	if (!r || !r->n)
		return res;
	kvs = arena_alloc(a, r->n * sizeof(*kvs));
	if (!kvs)
		return NULL;
	for (size_t i = 0; i < r->n; i++) {
		kvs[i] = kv_str(a, r->attrs[i].key, r->attrs[i].value);
		if (!kvs[i])
			return NULL;
	}
	res->attributes = kvs;
	res->n_attributes = r->n;
	return res;
}

static Scope *scope_new(struct arena *a)
{
	Scope *s = arena_alloc(a, sizeof(*s));

	if (!s)
		return NULL;
	opentelemetry__proto__common__v1__instrumentation_scope__init(s);
	s->name = "mfd";
	s->version = MFD_VERSION;
	return s;
}

/* --- metrics ---------------------------------------------------------------- */

struct metrics_enc {
	struct arena *a;
	struct ptrvec metrics; /* Metric * */
	struct ptrvec points; /* of the current metric */
	const struct mfd_metric_desc *cur;
	Metric *cur_metric;
	size_t npoints;
	uint64_t fallback_time; /* for a point without a time */
};

/* Give the finished metric its points. */
static void metric_close(struct metrics_enc *m)
{
	Metric *mt = m->cur_metric;

	if (!mt)
		return;
	switch (mt->data_case) {
	case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE:
		mt->gauge->n_data_points = m->points.n;
		mt->gauge->data_points = (NumberDataPoint **)m->points.v;
		break;
	case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM:
		mt->sum->n_data_points = m->points.n;
		mt->sum->data_points = (NumberDataPoint **)m->points.v;
		break;
	case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM:
		mt->histogram->n_data_points = m->points.n;
		mt->histogram->data_points = (HistDataPoint **)m->points.v;
		break;
	default:
		break;
	}
	m->cur_metric = NULL;
	memset(&m->points, 0, sizeof(m->points));
}

static Metric *metric_open(struct metrics_enc *m,
			   const struct mfd_metric_desc *d)
{
	struct arena *a = m->a;
	Metric *mt = arena_alloc(a, sizeof(*mt));

	if (!mt)
		return NULL;
	opentelemetry__proto__metrics__v1__metric__init(mt);
	mt->name = (char *)d->name;
	mt->description = (char *)d->help;
	mt->unit = (char *)d->unit;
	switch (d->kind) {
	case MFD_METRIC_GAUGE:
		mt->data_case =
			OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE;
		mt->gauge = arena_alloc(a, sizeof(*mt->gauge));
		if (!mt->gauge)
			return NULL;
		opentelemetry__proto__metrics__v1__gauge__init(mt->gauge);
		break;
	case MFD_METRIC_SUM:
		mt->data_case =
			OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM;
		mt->sum = arena_alloc(a, sizeof(*mt->sum));
		if (!mt->sum)
			return NULL;
		opentelemetry__proto__metrics__v1__sum__init(mt->sum);
		mt->sum->aggregation_temporality =
			OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_CUMULATIVE;
		mt->sum->is_monotonic = true;
		break;
	case MFD_METRIC_HISTOGRAM:
		mt->data_case =
			OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM;
		mt->histogram = arena_alloc(a, sizeof(*mt->histogram));
		if (!mt->histogram)
			return NULL;
		opentelemetry__proto__metrics__v1__histogram__init(
			mt->histogram);
		mt->histogram->aggregation_temporality =
			OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_CUMULATIVE;
		break;
	}
	if (ptrvec_push(a, &m->metrics, mt))
		return NULL;
	m->cur = d;
	m->cur_metric = mt;
	return mt;
}

/* Attributes of p, first occurrence of a key only (keys must be unique). */
static KeyValue **point_attrs(struct arena *a, const struct mfd_point *p,
			      size_t *n)
{
	KeyValue **kvs;
	size_t k = 0;

	*n = 0;
	if (!p->nattrs)
		return NULL;
	kvs = arena_alloc(a, p->nattrs * sizeof(*kvs));
	if (!kvs)
		return NULL;
	for (unsigned int i = 0; i < p->nattrs && i < MFD_MAX_ATTRS; i++) {
		const struct mfd_attr *at = &p->attrs[i];
		bool dup = false;

		for (unsigned int j = 0; j < i; j++)
			if (!strcmp(p->attrs[j].key, at->key))
				dup = true;
		if (dup)
			continue;
		switch (at->type) {
		case MFD_ATTR_STR:
			kvs[k] = kv_str(a, at->key, at->s);
			break;
		case MFD_ATTR_INT:
			kvs[k] = kv_int(a, at->key, at->i);
			break;
		case MFD_ATTR_BOOL:
			kvs[k] = kv_bool(a, at->key, at->i != 0);
			break;
		}
		if (!kvs[k])
			return NULL;
		k++;
	}
	*n = k;
	return kvs;
}

static int add_point(const struct mfd_point *p, void *arg)
{
	struct metrics_enc *m = arg;
	struct arena *a = m->a;
	uint64_t t = p->time_unix_nano ? p->time_unix_nano : m->fallback_time;
	KeyValue **attrs;
	size_t nattrs;

	if (p->desc != m->cur) {
		metric_close(m);
		if (!metric_open(m, p->desc))
			return -ENOMEM;
	}
	attrs = point_attrs(a, p, &nattrs);
	if (p->nattrs && !attrs)
		return -ENOMEM;
	if (p->desc->kind == MFD_METRIC_HISTOGRAM) {
		HistDataPoint *h = arena_alloc(a, sizeof(*h));
		const struct mfd_histogram *src = p->hist;

		if (!h)
			return -ENOMEM;
		opentelemetry__proto__metrics__v1__histogram_data_point__init(
			h);
		h->attributes = attrs;
		h->n_attributes = nattrs;
		h->time_unix_nano = t;
		h->start_time_unix_nano =
			p->start_unix_nano ? p->start_unix_nano : t;
		if (src) {
			size_t nb = src->nbounds;

			h->count = src->count;
			/* always present, 0 included (metrics.proto) */
			h->_sum_case =
				OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT___SUM_SUM;
			h->sum = src->sum;
			h->n_explicit_bounds = nb;
			h->explicit_bounds = (double *)src->bounds;
			h->n_bucket_counts = nb + 1;
			h->bucket_counts = (uint64_t *)src->counts;
		}
		if (ptrvec_push(a, &m->points, h))
			return -ENOMEM;
	} else {
		NumberDataPoint *d = arena_alloc(a, sizeof(*d));

		if (!d)
			return -ENOMEM;
		opentelemetry__proto__metrics__v1__number_data_point__init(d);
		d->attributes = attrs;
		d->n_attributes = nattrs;
		d->time_unix_nano = t;
		if (p->desc->kind == MFD_METRIC_SUM)
			d->start_time_unix_nano =
				p->start_unix_nano ? p->start_unix_nano : t;
		if (p->is_double) {
			d->value_case =
				OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_DOUBLE;
			d->as_double = p->d;
		} else {
			d->value_case =
				OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_INT;
			d->as_int = p->i;
		}
		if (ptrvec_push(a, &m->points, d))
			return -ENOMEM;
	}
	m->npoints++;
	return 0;
}

static int pack_alloc(const ProtobufCMessage *msg, uint8_t **buf, size_t *len)
{
	size_t n = protobuf_c_message_get_packed_size(msg);
	uint8_t *b = malloc(n ? n : 1);

	if (!b)
		return -ENOMEM;
	*len = protobuf_c_message_pack(msg, b);
	*buf = b;
	return 0;
}

int otlp_encode_metrics(const struct otlp_resource *r,
			const struct mfd_state *st, uint8_t **buf, size_t *len,
			size_t *npoints)
{
	struct arena a = { 0 };
	struct metrics_enc m = { .a = &a };
	MetricsRequest req =
		OPENTELEMETRY__PROTO__COLLECTOR__METRICS__V1__EXPORT_METRICS_SERVICE_REQUEST__INIT;
	ResourceMetrics *rm, *rms[1];
	ScopeMetrics *sm, *sms[1];
	int err;

	*buf = NULL;
	*len = 0;
	*npoints = 0;
	m.fallback_time = st->have_snap && st->snap->time_unix_nano ?
				  st->snap->time_unix_nano :
				  st->start_unix_nano;
	if (!m.fallback_time)
		m.fallback_time = 1; /* never 0 on the wire */
	err = mfd_metrics_walk(st, add_point, &m);
	if (err)
		goto cleanup;
	metric_close(&m);
	err = -ENOMEM;
	rm = arena_alloc(&a, sizeof(*rm));
	sm = arena_alloc(&a, sizeof(*sm));
	if (!rm || !sm)
		goto cleanup;
	opentelemetry__proto__metrics__v1__resource_metrics__init(rm);
	opentelemetry__proto__metrics__v1__scope_metrics__init(sm);
	rm->resource = resource_new(&a, r);
	sm->scope = scope_new(&a);
	if (!rm->resource || !sm->scope || a.failed)
		goto cleanup;
	sm->metrics = (Metric **)m.metrics.v;
	sm->n_metrics = m.metrics.n;
	sms[0] = sm;
	rm->scope_metrics = sms;
	rm->n_scope_metrics = 1;
	rms[0] = rm;
	req.resource_metrics = rms;
	req.n_resource_metrics = 1;
	err = pack_alloc(&req.base, buf, len);
	if (!err)
		*npoints = m.npoints;
cleanup:
	arena_free(&a);
	return err;
}

/* --- logs -------------------------------------------------------------------- */

static LogRecord *log_new(struct arena *a, uint64_t t, uint64_t observed,
			  bool warn, const char *body, size_t nattrs)
{
	LogRecord *lr = arena_alloc(a, sizeof(*lr));
	AnyValue *b = arena_alloc(a, sizeof(*b));

	if (!lr || !b)
		return NULL;
	opentelemetry__proto__logs__v1__log_record__init(lr);
	opentelemetry__proto__common__v1__any_value__init(b);
	lr->time_unix_nano = t;
	lr->observed_time_unix_nano = observed;
	lr->severity_number =
		warn ? OPENTELEMETRY__PROTO__LOGS__V1__SEVERITY_NUMBER__SEVERITY_NUMBER_WARN :
		       OPENTELEMETRY__PROTO__LOGS__V1__SEVERITY_NUMBER__SEVERITY_NUMBER_INFO;
	lr->severity_text = warn ? "WARN" : "INFO";
	b->value_case =
		OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE;
	b->string_value = arena_strdup(a, body);
	lr->body = b;
	lr->attributes = arena_alloc(a, nattrs * sizeof(KeyValue *));
	if (!b->string_value || !lr->attributes)
		return NULL;
	return lr;
}

/* comm is not NUL-terminated when it fills the buffer. */
static void comm_copy(char *dst, const char *src)
{
	memcpy(dst, src, MFD_TASK_COMM_LEN);
	dst[MFD_TASK_COMM_LEN] = '\0';
	for (char *p = dst; *p; p++)
		if (!isprint((unsigned char)*p))
			*p = '?';
}

static LogRecord *event_record(struct arena *a, const struct otlp_log_event *le)
{
	const struct mfd_extfrag_event *e = &le->ev;
	char comm[MFD_TASK_COMM_LEN + 1], body[256];
	uint64_t t = le->time_unix_nano ? le->time_unix_nano : 1;
	LogRecord *lr;
	size_t k = 0;

	comm_copy(comm, e->comm);
	snprintf(body, sizeof(body),
		 "extfrag fallback: %s[%u] order-%d %s allocation took an "
		 "order-%d block from %s%s",
		 comm, e->tgid, e->alloc_order, le->alloc_mt, e->fallback_order,
		 le->fallback_mt,
		 e->fragmenting ? " (fragmenting: pageblock split)" : "");
	lr = log_new(a, t, le->observed_unix_nano ? le->observed_unix_nano : t,
		     e->fragmenting, body, 10);
	if (!lr)
		return NULL;
	lr->attributes[k++] = kv_int(a, "process.pid", e->tgid);
	lr->attributes[k++] = kv_int(a, "thread.id", e->pid);
	lr->attributes[k++] = kv_str(a, "process.executable.name", comm);
	lr->attributes[k++] = kv_int(a, "cgroup.id", (int64_t)e->cgroup_id);
	lr->attributes[k++] = kv_int(a, "pfn", (int64_t)e->pfn);
	lr->attributes[k++] = kv_int(a, "alloc_order", e->alloc_order);
	lr->attributes[k++] = kv_int(a, "fallback_order", e->fallback_order);
	lr->attributes[k++] = kv_str(a, "alloc_migratetype", le->alloc_mt);
	lr->attributes[k++] =
		kv_str(a, "fallback_migratetype", le->fallback_mt);
	lr->attributes[k++] = kv_bool(a, "fragmenting", e->fragmenting);
	for (size_t i = 0; i < k; i++)
		if (!lr->attributes[i])
			return NULL;
	lr->n_attributes = k;
	return lr;
}

int otlp_encode_logs(const struct otlp_resource *r,
		     const struct otlp_log_event *evs, size_t n,
		     uint64_t suppressed, uint64_t cap, uint64_t now_unix_nano,
		     uint8_t **buf, size_t *len)
{
	struct arena a = { 0 };
	LogsRequest req =
		OPENTELEMETRY__PROTO__COLLECTOR__LOGS__V1__EXPORT_LOGS_SERVICE_REQUEST__INIT;
	ResourceLogs *rl, *rls[1];
	ScopeLogs *sl, *sls[1];
	LogRecord **recs;
	size_t k = 0;
	int err = -ENOMEM;

	*buf = NULL;
	*len = 0;
	if (!n && !suppressed)
		return -ENODATA;
	recs = arena_alloc(&a, (n + 1) * sizeof(*recs));
	rl = arena_alloc(&a, sizeof(*rl));
	sl = arena_alloc(&a, sizeof(*sl));
	if (!recs || !rl || !sl)
		goto cleanup;
	for (size_t i = 0; i < n; i++) {
		recs[k] = event_record(&a, &evs[i]);
		if (!recs[k])
			goto cleanup;
		k++;
	}
	if (suppressed) {
		char body[160];
		uint64_t t = now_unix_nano ? now_unix_nano : 1;

		snprintf(body, sizeof(body),
			 "%llu extfrag events suppressed in this export "
			 "interval (log cap %llu); the mfd.extfrag.events "
			 "counters still count them",
			 (unsigned long long)suppressed,
			 (unsigned long long)cap);
		recs[k] = log_new(&a, t, t, true, body, 1);
		if (!recs[k])
			goto cleanup;
		recs[k]->attributes[0] =
			kv_int(&a, "suppressed", (int64_t)suppressed);
		if (!recs[k]->attributes[0])
			goto cleanup;
		recs[k]->n_attributes = 1;
		k++;
	}
	opentelemetry__proto__logs__v1__resource_logs__init(rl);
	opentelemetry__proto__logs__v1__scope_logs__init(sl);
	rl->resource = resource_new(&a, r);
	sl->scope = scope_new(&a);
	if (!rl->resource || !sl->scope || a.failed)
		goto cleanup;
	sl->log_records = recs;
	sl->n_log_records = k;
	sls[0] = sl;
	rl->scope_logs = sls;
	rl->n_scope_logs = 1;
	rls[0] = rl;
	req.resource_logs = rls;
	req.n_resource_logs = 1;
	err = pack_alloc(&req.base, buf, len);
cleanup:
	arena_free(&a);
	return err;
}

/* --- responses ------------------------------------------------------------------ */

int otlp_decode_response(enum otlp_signal sig, const uint8_t *buf, size_t len,
			 int64_t *rejected, char *msg, size_t msg_len)
{
	const char *m = NULL;

	*rejected = 0;
	if (msg_len)
		msg[0] = '\0';
	if (!len)
		return 0;
	if (sig == OTLP_METRICS) {
		Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceResponse
			*r = opentelemetry__proto__collector__metrics__v1__export_metrics_service_response__unpack(
				NULL, len, buf);

		if (!r)
			return -EBADMSG;
		if (r->partial_success) {
			*rejected = r->partial_success->rejected_data_points;
			m = r->partial_success->error_message;
		}
		if (msg_len)
			snprintf(msg, msg_len, "%s", m ? m : "");
		opentelemetry__proto__collector__metrics__v1__export_metrics_service_response__free_unpacked(
			r, NULL);
	} else {
		Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceResponse
			*r = opentelemetry__proto__collector__logs__v1__export_logs_service_response__unpack(
				NULL, len, buf);

		if (!r)
			return -EBADMSG;
		if (r->partial_success) {
			*rejected = r->partial_success->rejected_log_records;
			m = r->partial_success->error_message;
		}
		if (msg_len)
			snprintf(msg, msg_len, "%s", m ? m : "");
		opentelemetry__proto__collector__logs__v1__export_logs_service_response__free_unpacked(
			r, NULL);
	}
	/* Make the message safe to log: no control characters. */
	for (char *p = msg; msg_len && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return 0;
}
