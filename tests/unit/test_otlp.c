// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_otlp.c - the OTLP exporter's pure parts: key=value lists, the
 * resource, Retry-After, settings, the encoders (round-tripped through
 * protobuf-c; tests/otlp decodes real bodies with the official
 * definitions), response decoding, gzip and the spool record reader.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "config.h"
#include "kinfo.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb-c.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb-c.h"

#include "metrics.h"
#include "otlp_encode.h"
#include "otlp_gzip.h"
#include "otlp_kv.h"
#include "otlp_resolve.h"
#include "otlp_retry_after.h"
#include "resource.h"
#include "otlp_spool.h"
#include "procfs.h"

#define FIXTURE MFD_SOURCE_DIR "/tests/fixtures/procfs/vm-6.18"

/* --- key=value lists ---------------------------------------------------- */

static void test_kv_valid(void **unused)
{
	struct otlp_kv *kv;
	size_t n, bad;

	(void)unused;
	assert_int_equal(otlp_parse_kv_list(" a = b%20c ,, k2=v%2C2,e=", &kv,
					    &n, &bad),
			 0);
	assert_int_equal(n, 3);
	assert_string_equal(kv[0].key, "a");
	assert_string_equal(kv[0].value, "b c");
	assert_string_equal(kv[1].key, "k2");
	assert_string_equal(kv[1].value, "v,2");
	assert_string_equal(kv[2].key, "e");
	assert_string_equal(kv[2].value, "");
	otlp_kv_free(kv, n);
	assert_int_equal(otlp_parse_kv_list("", &kv, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_int_equal(otlp_parse_kv_list(NULL, &kv, &n, NULL), 0);
	assert_int_equal(n, 0);
}

static void test_kv_malformed(void **unused)
{
	static const struct {
		const char *in;
		size_t bad_at;
	} cases[] = {
		{ "a=b,novalue", 4 }, { "a=%zz", 0 },	   { "a=%2", 0 },
		{ "=v", 0 },	      { "a b=c", 0 },	   { "x=1,y=a%0Ab", 4 },
		{ "x=%00", 0 },	      { "ok=1,k\"=v", 5 },
	};
	struct otlp_kv *kv;
	size_t n, bad;

	(void)unused;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(otlp_parse_kv_list(cases[i].in, &kv, &n, &bad),
				 -EINVAL);
		assert_null(kv);
		assert_int_equal(n, 0);
		assert_int_equal(bad, cases[i].bad_at);
	}
}

/* --- resource ------------------------------------------------------------- */

static void test_resource(void **unused)
{
	struct otlp_resource_facts f = {
		.resource_attributes = "service.name=from-attrs,team=a,"
				       "host.name=spoofed",
		.host_name = "h1",
		.host_id = "abc",
		.host_arch = otlp_host_arch("x86_64"),
		.k8s_node_name = "node-1",
		.os_version = "6.18.0-mfd",
	};
	struct otlp_resource r;
	bool bad;

	(void)unused;
	assert_int_equal(otlp_resource_build(&r, &f, &bad), 0);
	assert_false(bad);
	assert_string_equal(otlp_resource_get(&r, "service.name"),
			    "from-attrs");
	assert_string_equal(otlp_resource_get(&r, "team"), "a");
	assert_string_equal(otlp_resource_get(&r, "host.name"), "h1");
	assert_string_equal(otlp_resource_get(&r, "host.arch"), "amd64");
	assert_string_equal(otlp_resource_get(&r, "os.type"), "linux");
	assert_string_equal(otlp_resource_get(&r, "os.version"), "6.18.0-mfd");
	assert_string_equal(otlp_resource_get(&r, "k8s.node.name"), "node-1");
	assert_string_equal(otlp_resource_get(&r, "service.version"),
			    MFD_VERSION);
	for (size_t i = 0; i < r.n; i++)
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(r.attrs[i].key, r.attrs[j].key);
	otlp_resource_free(&r);

	f.service_name = "svc";
	f.resource_attributes = "team=a,broken";
	f.k8s_node_name = NULL;
	assert_int_equal(otlp_resource_build(&r, &f, &bad), 0);
	assert_true(bad);
	assert_null(otlp_resource_get(&r, "team"));
	assert_null(otlp_resource_get(&r, "k8s.node.name"));
	assert_string_equal(otlp_resource_get(&r, "service.name"), "svc");
	otlp_resource_free(&r);

	f.service_name = NULL;
	f.resource_attributes = NULL;
	assert_int_equal(otlp_resource_build(&r, &f, &bad), 0);
	assert_string_equal(otlp_resource_get(&r, "service.name"), "mfd-agent");
	otlp_resource_free(&r);
}

/* --- Retry-After ---------------------------------------------------------------- */

static void test_retry_after(void **unused)
{
	/* 1994-11-06 08:49:37 UTC, the RFC's example date. */
	const time_t date = 784111777;
	double s;

	(void)unused;
	assert_int_equal(otlp_parse_retry_after("120", 0, &s), 0);
	assert_true(s == 120);
	assert_int_equal(otlp_parse_retry_after(" 5 ", 0, &s), 0);
	assert_true(s == 5);
	assert_int_equal(otlp_parse_retry_after("99999999999999999999", 0, &s),
			 0);
	assert_true(s == 1e9);
	assert_int_equal(otlp_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT",
						date - 30, &s),
			 0);
	assert_true(s == 30);
	assert_int_equal(
		otlp_parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT",
				       date - 7, &s),
		0);
	assert_true(s == 7);
	assert_int_equal(otlp_parse_retry_after("Sun Nov  6 08:49:37 1994",
						date - 1, &s),
			 0);
	assert_true(s == 1);
	assert_int_equal(otlp_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT",
						date + 100, &s),
			 0);
	assert_true(s == 0);
	for (const char *const *b =
		     (const char *const[]){ "", "-1", "1.5", "soon",
					    "Sun, 06 Nov 1994 08:49:37 PST",
					    "Sun, 06 Foo 1994 08:49:37 GMT",
					    "Sun, 32 Nov 1994 08:49:37 GMT",
					    "12 monkeys", NULL };
	     *b; b++)
		assert_int_equal(otlp_parse_retry_after(*b, date, &s), -EINVAL);
	assert_int_equal(otlp_parse_retry_after(NULL, date, &s), -EINVAL);
}

/* --- settings ------------------------------------------------------------------------ */

static const char *const *fake_env;

static const char *env_get(const char *name)
{
	for (const char *const *e = fake_env; e && *e; e += 2)
		if (!strcmp(e[0], name))
			return e[1];
	return NULL;
}

/* The exporter's question to the config (otlp.c asks the same). */
static bool cfg_by_flag(const void *cfg, const char *key)
{
	return mfd_config_origin(cfg, key) == MFD_ORIGIN_FLAG;
}

static int resolve(const struct mfd_config *cfg, struct otlp_resolved *s,
		   char *why, size_t why_len)
{
	const struct otlp_sources src = { .cfg = &cfg->otlp,
					  .by_flag = cfg_by_flag,
					  .by_flag_ctx = cfg,
					  .env = env_get };

	return otlp_resolve(&src, s, why, why_len);
}

/* Record that the option with this key was given on the command line. */
static void mark_flag(struct mfd_config *cfg, const char *key)
{
	const struct mfd_option *o = mfd_config_find_key(key);

	assert_non_null(o);
	cfg->origin[o - mfd_options] = MFD_ORIGIN_FLAG;
}

static void test_settings(void **unused)
{
	struct mfd_config cfg;
	struct otlp_resolved s;
	char why[256];

	(void)unused;
	assert_int_equal(mfd_config_defaults(&cfg), 0);
	fake_env = NULL;
	assert_false(otlp_resolve_enabled(&cfg.otlp, env_get));

	fake_env = (const char *const[]){ "OTEL_EXPORTER_OTLP_ENDPOINT",
					  "http://c:4318/",
					  "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
					  "https://l/custom",
					  "OTEL_EXPORTER_OTLP_TIMEOUT",
					  "2500",
					  "OTEL_EXPORTER_OTLP_COMPRESSION",
					  "none",
					  "OTEL_METRIC_EXPORT_INTERVAL",
					  "1500",
					  "OTEL_EXPORTER_OTLP_HEADERS",
					  "a=1,b=2",
					  "OTEL_EXPORTER_OTLP_LOGS_HEADERS",
					  "b=3",
					  NULL };
	assert_true(otlp_resolve_enabled(&cfg.otlp, env_get));
	assert_int_equal(resolve(&cfg, &s, why, sizeof(why)), 0);
	assert_string_equal(s.url[OTLP_METRICS], "http://c:4318/v1/metrics");
	assert_string_equal(s.url[OTLP_LOGS], "https://l/custom");
	assert_int_equal(s.timeout_ms, 2500);
	assert_false(s.gzip);
	assert_true(s.export_interval == 1.5);
	assert_int_equal(s.nheaders[OTLP_METRICS], 2);
	assert_string_equal(s.headers[OTLP_METRICS][1].value, "2");
	assert_int_equal(s.nheaders[OTLP_LOGS], 2);
	assert_string_equal(s.headers[OTLP_LOGS][1].value, "3");
	assert_int_equal(otlp_resolved_add_headers(&s, "auth=tok\nb=4\n",
						   "file", why, sizeof(why)),
			 0);
	assert_int_equal(s.nheaders[OTLP_LOGS], 3);
	assert_string_equal(s.headers[OTLP_LOGS][1].value, "4");
	assert_int_equal(otlp_resolved_add_headers(&s, "x=secret%zz", "file",
						   why, sizeof(why)),
			 -EINVAL);
	assert_null(strstr(why, "secret"));
	otlp_resolved_free(&s);

	/* Flags beat the environment (a value from the file would not); the
	 * base gets the path without a double slash. */
	cfg.otlp.endpoint = strdup("http://flag:1");
	cfg.otlp.timeout = 3;
	mark_flag(&cfg, "otlp.endpoint");
	mark_flag(&cfg, "otlp.timeout");
	assert_int_equal(resolve(&cfg, &s, why, sizeof(why)), 0);
	assert_string_equal(s.url[OTLP_LOGS], "http://flag:1/v1/logs");
	assert_int_equal(s.timeout_ms, 3000);
	otlp_resolved_free(&s);

	/* The same values from the config file lose to the environment. */
	cfg.origin[mfd_config_find_key("otlp.endpoint") - mfd_options] =
		MFD_ORIGIN_FILE;
	cfg.origin[mfd_config_find_key("otlp.timeout") - mfd_options] =
		MFD_ORIGIN_FILE;
	assert_int_equal(resolve(&cfg, &s, why, sizeof(why)), 0);
	assert_string_equal(s.url[OTLP_LOGS], "https://l/custom");
	assert_int_equal(s.timeout_ms, 2500);
	otlp_resolved_free(&s);

	cfg.otlp.timeout = 0; /* else the config hides a bad env timeout */
	for (const char *const *bad =
		     (const char *const[]){
			     "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc",
			     "OTEL_EXPORTER_OTLP_PROTOCOL", "http/json",
			     "OTEL_EXPORTER_OTLP_COMPRESSION", "zstd",
			     "OTEL_EXPORTER_OTLP_TIMEOUT", "-5",
			     "OTEL_METRIC_EXPORT_INTERVAL", "soon",
			     "OTEL_EXPORTER_OTLP_HEADERS", "novalue",
			     "OTEL_EXPORTER_OTLP_CLIENT_KEY", "/k.pem", NULL };
	     *bad; bad += 2) {
		fake_env = (const char *const[]){ bad[0], bad[1], NULL };
		assert_int_equal(resolve(&cfg, &s, why, sizeof(why)), -EINVAL);
		assert_true(why[0]);
	}
	free(cfg.otlp.endpoint);
	cfg.otlp.endpoint = strdup("ftp://x");
	fake_env = NULL;
	assert_int_equal(resolve(&cfg, &s, why, sizeof(why)), -EINVAL);
	mfd_config_free(&cfg);
}

/* --- metrics encoder ---------------------------------------------------------------------- */

typedef Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest
	MReq;

static void check_unique(Opentelemetry__Proto__Common__V1__KeyValue **kv,
			 size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(kv[i]->key, kv[j]->key);
}

static void test_encode_metrics(void **unused)
{
	struct mfd_kinfo k = { 0 };
	struct mfd_snapshot *snap = calloc(1, sizeof(*snap));
	struct mfd_parse_error perr;
	struct otlp_resource r = { 0 };
	struct mfd_state st;
	uint8_t *buf, *two;
	size_t len, npoints, seen = 0;
	MReq *req;

	(void)unused;
	assert_non_null(snap);
	mfd_kinfo_default_mt_names(&k);
	assert_int_equal(mfd_state_init(&st, &k, 64, 16), 0);
	st.start_unix_nano = 1000;
	assert_int_equal(mfd_procfs_snapshot(FIXTURE, snap, &perr), 0);
	mfd_state_set_snapshot(&st, snap);
	st.have_events = true;
	st.totals.slot[mfd_extfrag_slot(0, 1, 1)] = 42;
	assert_int_equal(otlp_resource_set(&r, "service.name", "t"), 0);

	assert_int_equal(otlp_encode_metrics(&r, &st, &buf, &len, &npoints), 0);
	/* Two fragments concatenated are one request with two resources. */
	two = malloc(2 * len);
	memcpy(two, buf, len);
	memcpy(two + len, buf, len);
	req = opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__unpack(
		NULL, 2 * len, two);
	assert_non_null(req);
	assert_int_equal(req->n_resource_metrics, 2);
	opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__free_unpacked(
		req, NULL);
	free(two);

	req = opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__unpack(
		NULL, len, buf);
	assert_non_null(req);
	assert_int_equal(req->n_resource_metrics, 1);
	{
		Opentelemetry__Proto__Metrics__V1__ResourceMetrics *rm =
			req->resource_metrics[0];
		Opentelemetry__Proto__Metrics__V1__ScopeMetrics *sm =
			rm->scope_metrics[0];
		bool saw_sum = false, saw_hist = false, saw_xf = false;
		/* the one fallback that happened, and the other eleven
		 * kinds the kernel allows at 0 */
		int64_t xf_sum = 0;
		size_t xf_n = 0;

		assert_string_equal(rm->resource->attributes[0]->key,
				    "service.name");
		assert_string_equal(sm->scope->name, "mfd");
		for (size_t i = 0; i < sm->n_metrics; i++) {
			Opentelemetry__Proto__Metrics__V1__Metric *m =
				sm->metrics[i];

			/* each catalogue metric once per fragment */
			for (size_t j = 0; j < i; j++)
				assert_string_not_equal(m->name,
							sm->metrics[j]->name);
			if (m->data_case ==
			    OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE) {
				for (size_t p = 0; p < m->gauge->n_data_points;
				     p++, seen++) {
					assert_true(m->gauge->data_points[p]
							    ->time_unix_nano);
					check_unique(m->gauge->data_points[p]
							     ->attributes,
						     m->gauge->data_points[p]
							     ->n_attributes);
				}
			} else if (m->data_case ==
				   OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM) {
				saw_sum = true;
				assert_int_equal(
					m->sum->aggregation_temporality,
					OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_CUMULATIVE);
				assert_true(m->sum->is_monotonic);
				for (size_t p = 0; p < m->sum->n_data_points;
				     p++, seen++) {
					Opentelemetry__Proto__Metrics__V1__NumberDataPoint
						*d = m->sum->data_points[p];

					assert_int_equal(
						d->start_time_unix_nano, 1000);
					assert_true(d->time_unix_nano);
					check_unique(d->attributes,
						     d->n_attributes);
					if (!strcmp(m->name,
						    "mfd.extfrag.events")) {
						saw_xf = true;
						xf_sum += d->as_int;
						xf_n++;
					}
				}
			} else {
				Opentelemetry__Proto__Metrics__V1__HistogramDataPoint
					*h = m->histogram->data_points[0];
				uint64_t total = 0;

				saw_hist = true;
				seen += m->histogram->n_data_points;
				assert_int_equal(h->n_bucket_counts,
						 h->n_explicit_bounds + 1);
				for (size_t b = 0; b < h->n_bucket_counts; b++)
					total += h->bucket_counts[b];
				assert_int_equal(total, h->count);
				assert_int_equal(h->count, 1);
			}
		}
		assert_true(saw_sum && saw_hist && saw_xf);
		assert_int_equal(xf_sum, 42);
		assert_int_equal(xf_n, 12);
	}
	assert_int_equal(seen, npoints);
	opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__free_unpacked(
		req, NULL);
	free(buf);
	otlp_resource_free(&r);
	mfd_state_free(&st);
	free(snap);
}

/* --- logs encoder ---------------------------------------------------------------------------- */

static void test_encode_logs(void **unused)
{
	struct otlp_log_event ev[2] = { 0 };
	Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceRequest *req;
	Opentelemetry__Proto__Logs__V1__ScopeLogs *sl;
	uint8_t *buf;
	size_t len;

	(void)unused;
	for (int i = 0; i < 2; i++) {
		ev[i].ev.tgid = 100 + i;
		ev[i].ev.pid = 200 + i;
		ev[i].ev.fragmenting = (uint8_t)i;
		ev[i].ev.alloc_order = 0;
		ev[i].ev.fallback_order = 3;
		ev[i].ev.pfn = 12345;
		memcpy(ev[i].ev.comm, "abcdefghijklmnop", 16); /* no NUL */
		ev[i].time_unix_nano = 5;
		ev[i].observed_unix_nano = 6;
		strcpy(ev[i].alloc_mt, "Unmovable");
		strcpy(ev[i].fallback_mt, "Movable");
	}
	assert_int_equal(otlp_encode_logs(NULL, ev, 0, 0, 5, 9, &buf, &len),
			 -ENODATA);
	assert_int_equal(otlp_encode_logs(NULL, ev, 2, 77, 5, 9, &buf, &len),
			 0);
	req = opentelemetry__proto__collector__logs__v1__export_logs_service_request__unpack(
		NULL, len, buf);
	assert_non_null(req);
	sl = req->resource_logs[0]->scope_logs[0];
	assert_int_equal(sl->n_log_records, 3);
	assert_int_equal(
		sl->log_records[0]->severity_number,
		OPENTELEMETRY__PROTO__LOGS__V1__SEVERITY_NUMBER__SEVERITY_NUMBER_INFO);
	assert_int_equal(
		sl->log_records[1]->severity_number,
		OPENTELEMETRY__PROTO__LOGS__V1__SEVERITY_NUMBER__SEVERITY_NUMBER_WARN);
	assert_int_equal(sl->log_records[1]->time_unix_nano, 5);
	assert_int_equal(sl->log_records[1]->observed_time_unix_nano, 6);
	assert_non_null(strstr(sl->log_records[1]->body->string_value,
			       "abcdefghijklmnop[101]"));
	check_unique(sl->log_records[1]->attributes,
		     sl->log_records[1]->n_attributes);
	assert_int_equal(sl->log_records[1]->n_attributes, 10);
	assert_string_equal(sl->log_records[2]->attributes[0]->key,
			    "suppressed");
	assert_int_equal(sl->log_records[2]->attributes[0]->value->int_value,
			 77);
	assert_int_equal(sl->log_records[2]->time_unix_nano, 9);
	opentelemetry__proto__collector__logs__v1__export_logs_service_request__free_unpacked(
		req, NULL);
	free(buf);
}

/* --- responses --------------------------------------------------------------------------------- */

static void test_decode_response(void **unused)
{
	Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceResponse
		resp = OPENTELEMETRY__PROTO__COLLECTOR__METRICS__V1__EXPORT_METRICS_SERVICE_RESPONSE__INIT;
	Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsPartialSuccess ps =
		OPENTELEMETRY__PROTO__COLLECTOR__METRICS__V1__EXPORT_METRICS_PARTIAL_SUCCESS__INIT;
	uint8_t buf[256];
	size_t len;
	int64_t rej;
	char msg[64];

	(void)unused;
	ps.rejected_data_points = 7;
	ps.error_message = "bad\npoint";
	resp.partial_success = &ps;
	len = opentelemetry__proto__collector__metrics__v1__export_metrics_service_response__pack(
		&resp, buf);
	assert_int_equal(otlp_decode_response(OTLP_METRICS, buf, len, &rej, msg,
					      sizeof(msg)),
			 0);
	assert_int_equal(rej, 7);
	assert_string_equal(msg, "bad point");
	assert_int_equal(otlp_decode_response(OTLP_LOGS, buf, 0, &rej, msg,
					      sizeof(msg)),
			 0);
	assert_int_equal(rej, 0);
	assert_int_equal(otlp_decode_response(OTLP_LOGS,
					      (const uint8_t *)"\xff\xff\xff",
					      3, &rej, msg, sizeof(msg)),
			 -EBADMSG);
}

/* --- gzip ---------------------------------------------------------------------------------------- */

static void test_gzip(void **unused)
{
	uint8_t in[5000], out[6000], *gz;
	size_t gzlen;
	z_stream zs = { 0 };

	(void)unused;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i % 7);
	assert_int_equal(otlp_gzip(in, sizeof(in), &gz, &gzlen), 0);
	assert_true(gzlen < sizeof(in));
	assert_int_equal(gz[0], 0x1f); /* gzip magic */
	assert_int_equal(gz[1], 0x8b);
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = gz;
	zs.avail_in = (uInt)gzlen;
	zs.next_out = out;
	zs.avail_out = sizeof(out);
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	assert_int_equal(zs.total_out, sizeof(in));
	assert_memory_equal(out, in, sizeof(in));
	inflateEnd(&zs);
	free(gz);
}

/* --- spool records ----------------------------------------------------------------------------------- */

struct seen {
	unsigned int n;
	uint32_t points[8];
};

static int collect(const struct otlp_rec_view *v, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8)
		s->points[s->n] = v->points;
	s->n++;
	return 0;
}

static size_t put_rec(uint8_t *p, unsigned int sig, uint32_t points,
		      const char *payload)
{
	uint32_t len = (uint32_t)strlen(payload);

	otlp_rec_header(p, sig, points, (const uint8_t *)payload, len);
	memcpy(p + OTLP_REC_HDR, payload, len);
	return OTLP_REC_HDR + len;
}

static void test_spool_scan(void **unused)
{
	uint8_t buf[512];
	size_t off = 0, r2;
	struct otlp_scan_stats st;
	struct seen s = { 0 };

	(void)unused;
	memcpy(buf, "garbage!", 8); /* junk before the first record */
	off = 8;
	off += put_rec(buf + off, 0, 1, "first");
	r2 = off;
	off += put_rec(buf + off, 1, 2, "second");
	off += put_rec(buf + off, 0, 3, "third");
	assert_int_equal(otlp_spool_scan(buf, off, 2, collect, &s, &st), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(st.bad, 1);
	assert_int_equal(st.skipped_bytes, 8);

	/* A flipped payload byte costs that record only. */
	buf[r2 + OTLP_REC_HDR + 1] ^= 0x40;
	memset(&s, 0, sizeof(s));
	otlp_spool_scan(buf, off, 2, collect, &s, &st);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.points[0], 1);
	assert_int_equal(s.points[1], 3);
	buf[r2 + OTLP_REC_HDR + 1] ^= 0x40;

	/* A corrupt length too. */
	buf[r2 + 12] = 0xff;
	buf[r2 + 13] = 0xff;
	memset(&s, 0, sizeof(s));
	otlp_spool_scan(buf, off, 2, collect, &s, &st);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.points[1], 3);

	/* A torn last record. */
	memset(&s, 0, sizeof(s));
	otlp_spool_scan(buf, off - 3, 2, collect, &s, &st);
	assert_int_equal(s.n, 1);
	assert_true(st.truncated);

	/* Unknown signal numbers are corruption. */
	memset(&s, 0, sizeof(s));
	otlp_spool_scan(buf, off, 1, collect, &s, &st);
	assert_int_equal(s.n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kv_valid),
		cmocka_unit_test(test_kv_malformed),
		cmocka_unit_test(test_resource),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_encode_metrics),
		cmocka_unit_test(test_encode_logs),
		cmocka_unit_test(test_decode_response),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_spool_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
