// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_http.c - the pure parts of the HTTP server: the Prometheus and
 * OpenMetrics renderers (label escaping, cumulative histogram buckets,
 * counter naming), request routing and query validation, Accept
 * negotiation, the listen address, the health verdict, the history
 * ring and the forecast document. The integration tests (tests/http) check the same output with
 * promtool, a Prometheus server and chromium.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "forecast.h"
#include "kinfo.h"
#include "history.h"
#include "http_api.h"
#include "metrics.h"
#include "procfs.h"
#include "prometheus.h"

#define FIXTURES MFD_SOURCE_DIR "/tests/fixtures/procfs/"

static void load_state(struct mfd_state *st, struct mfd_kinfo *k)
{
	struct mfd_parse_error err = { 0 };
	struct mfd_snapshot *snap = calloc(1, sizeof(*snap));

	assert_non_null(snap);
	mfd_kinfo_default_mt_names(k);
	assert_int_equal(mfd_state_init(st, k, 64, 16), 0);
	if (mfd_procfs_snapshot(FIXTURES "numa2-movable", snap, &err))
		fail_msg("fixture: line %u: %s", err.line, err.msg);
	snap->mono_ns = mfd_now_mono_ns();
	mfd_state_set_snapshot(st, snap);
	st->interval = 2;
	free(snap);
}

/* Count lines starting with prefix. */
static int count_prefix(const char *text, const char *prefix)
{
	int n = 0;
	size_t pl = strlen(prefix);

	for (const char *p = text; p && *p;
	     p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, prefix, pl) == 0)
			n++;
	return n;
}

static void test_text_free_blocks_match_snapshot(void **unused)
{
	struct mfd_state st;
	struct mfd_kinfo k;
	char *out, line[256];
	size_t len;

	(void)unused;
	load_state(&st, &k);
	assert_int_equal(mfd_prom_render(&st, false, &out, &len), 0);
	assert_int_equal(strlen(out), len);
	for (uint32_t zi = 0; zi < st.snap->nr_zones; zi++) {
		const struct mfd_zone *z = &st.snap->zones[zi];

		for (uint32_t o = 0; o < st.snap->nr_orders; o++) {
			snprintf(
				line, sizeof(line),
				"\nmfd_zone_order_free_blocks{numa_node=\"%u\","
				"zone=\"%s\",order=\"%u\"} %llu\n",
				z->node, z->name, o,
				(unsigned long long)z->order[o].free_blocks);
			if (!strstr(out, line))
				fail_msg("missing %s", line);
		}
	}
	/* One HELP and TYPE per family; no EOF in the text format. */
	assert_int_equal(
		count_prefix(out, "# TYPE mfd_zone_order_free_blocks "), 1);
	assert_null(strstr(out, "# EOF"));
	free(out);
	mfd_state_free(&st);
}

static void test_label_escaping(void **unused)
{
	struct mfd_state st;
	struct mfd_kinfo k;
	char *out;
	size_t len;

	(void)unused;
	load_state(&st, &k);
	snprintf(st.snap->zones[0].name, sizeof(st.snap->zones[0].name),
		 "a\"b\\c\nd");
	assert_int_equal(mfd_prom_render(&st, false, &out, &len), 0);
	assert_non_null(strstr(out, "zone=\"a\\\"b\\\\c\\nd\""));
	free(out);
	mfd_state_free(&st);
}

static void test_histogram_cumulative(void **unused)
{
	static const double v[] = { 0.000001, 0.00003, 0.00003, 0.002, 5.0 };
	struct mfd_state st;
	struct mfd_kinfo k;
	char *out, *p;
	size_t len;
	unsigned long long prev = 0, c = 0, n = 0, count = 0;

	(void)unused;
	load_state(&st, &k);
	mfd_histogram_init(&st.collect_hist, mfd_duration_bounds,
			   MFD_DUR_BUCKETS);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		mfd_histogram_observe(&st.collect_hist, v[i]);
	assert_int_equal(mfd_prom_render(&st, false, &out, &len), 0);
	for (p = strstr(out, "mfd_agent_collection_duration_seconds_bucket"); p;
	     p = strstr(p + 1,
			"mfd_agent_collection_duration_seconds_bucket")) {
		c = strtoull(strchr(p, '}') + 2, NULL, 10);
		assert_true(c >= prev); /* cumulative */
		prev = c;
		n++;
	}
	assert_int_equal(n, MFD_DUR_BUCKETS + 1);
	assert_non_null(strstr(out, "le=\"+Inf\"} 5\n"));
	/* Values <= 0.00005 (bound 3): three of them. */
	assert_non_null(strstr(out, "le=\"5e-05\"} 3\n"));
	p = strstr(out, "mfd_agent_collection_duration_seconds_count");
	assert_non_null(p);
	count = strtoull(strchr(p, '}') + 2, NULL, 10);
	assert_int_equal(count, 5);
	free(out);
	mfd_state_free(&st);
}

static void test_openmetrics(void **unused)
{
	struct mfd_state st;
	struct mfd_kinfo k;
	char *out;
	size_t len;

	(void)unused;
	load_state(&st, &k);
	assert_int_equal(mfd_prom_render(&st, true, &out, &len), 0);
	assert_true(len > 6 && strcmp(out + len - 6, "# EOF\n") == 0);
	assert_non_null(strstr(out, "# TYPE mfd_agent_samples counter\n"));
	assert_non_null(
		strstr(out, "\nmfd_agent_samples_total{outcome=\"ok\"} 1\n"));
	assert_null(strstr(out, "# TYPE mfd_agent_samples_total"));
	assert_non_null(strstr(
		out, "# UNIT mfd_agent_collection_duration_seconds seconds\n"));
	/* No UNIT for dimensionless counts. */
	assert_null(strstr(out, "# UNIT mfd_zone_order_free_blocks"));
	free(out);
	mfd_state_free(&st);
}

static void test_float(void **unused)
{
	char b[40];

	(void)unused;
	assert_string_equal(mfd_prom_float(0.351, b, sizeof(b)), "0.351");
	assert_string_equal(mfd_prom_float(-1, b, sizeof(b)), "-1");
	assert_string_equal(mfd_prom_float(1.0 / 0.0, b, sizeof(b)), "+Inf");
	assert_string_equal(mfd_prom_float(0.1 + 0.2, b, sizeof(b)),
			    "0.30000000000000004");
}

static void route(const char *m, const char *u, int status, enum mfd_route r)
{
	struct mfd_http_req req;

	mfd_http_route(m, u, mfd_web_assets, &req);
	if (req.status != status || req.route != r)
		fail_msg("%s %s: status %d route %d, want %d %d (%s)", m, u,
			 req.status, req.route, status, r, req.why);
	if (status != 200 && !req.why[0])
		fail_msg("%s %s: no reason", m, u);
}

static void test_routes(void **unused)
{
	struct mfd_http_req req;

	(void)unused;
	route("GET", "/metrics", 200, MFD_ROUTE_METRICS);
	route("HEAD", "/metrics", 200, MFD_ROUTE_METRICS);
	route("GET", "/metrics?foo", 200, MFD_ROUTE_METRICS);
	route("GET", "/healthz", 200, MFD_ROUTE_HEALTHZ);
	route("GET", "/api/v1/snapshot", 200, MFD_ROUTE_SNAPSHOT);
	route("GET", "/api/v1/events", 200, MFD_ROUTE_EVENTS);
	route("GET", "/api/v1/history", 200, MFD_ROUTE_HISTORY);
	route("GET", "/", 200, MFD_ROUTE_ASSET);
	route("GET", "/app.js", 200, MFD_ROUTE_ASSET);
	route("POST", "/metrics", 405, MFD_ROUTE_NONE);
	route("DELETE", "/", 405, MFD_ROUTE_NONE);
	route("GET", "/metricsx", 404, MFD_ROUTE_NONE);
	route("GET", "/Metrics", 404, MFD_ROUTE_NONE);
	route("GET", "", 400, MFD_ROUTE_NONE);
	route("GET", "metrics", 400, MFD_ROUTE_NONE);
	route("GET", "http://x/metrics", 400, MFD_ROUTE_NONE);
	route("GET", "/me#trics", 400, MFD_ROUTE_NONE);
	route("GET", "/api/v1/history?since=0", 200, MFD_ROUTE_HISTORY);
	route("GET", "/api/v1/history?since=18446744073709551615", 200,
	      MFD_ROUTE_HISTORY);
	route("GET", "/api/v1/history?since=18446744073709551616", 400,
	      MFD_ROUTE_NONE);
	route("GET", "/api/v1/history?since=", 400, MFD_ROUTE_NONE);
	route("GET", "/api/v1/history?since=-1", 400, MFD_ROUTE_NONE);
	route("GET", "/api/v1/history?since=1&minutes=1", 400, MFD_ROUTE_NONE);
	mfd_http_route("GET", "/api/v1/history?since=1764800000000000000", NULL,
		       &req);
	assert_true(req.have_since);
	assert_true(req.since == 1764800000000000000ull);
	route("GET", "/api/v1/history?minutes=0", 400, MFD_ROUTE_NONE);
	route("GET", "/api/v1/history?minutes=10081", 400, MFD_ROUTE_NONE);
	route("GET", "/api/v1/history?minutes=1x", 400, MFD_ROUTE_NONE);
	route("GET", "/api/v1/history?minutes=", 400, MFD_ROUTE_NONE);
	route("GET", "/api/v1/history?minute=5", 400, MFD_ROUTE_NONE);
	route("GET", "/api/v1/history?minutes=5&a", 400, MFD_ROUTE_NONE);
	route("GET", "/api/v1/history?minutes=99999999999999999999999999999999",
	      400, MFD_ROUTE_NONE);
	mfd_http_route("GET", "/api/v1/history?minutes=10080", NULL, &req);
	assert_int_equal(req.minutes, 10080);
	mfd_http_route("GET", "/api/v1/history?", NULL, &req);
	assert_int_equal(req.route, MFD_ROUTE_HISTORY);
	assert_int_equal(req.minutes, 0);
	mfd_http_route(NULL, "/", NULL, &req);
	assert_int_equal(req.status, 400);
	mfd_http_route("GET", "/", NULL, &req); /* no dashboard built in */
	assert_int_equal(req.status, 404);
}

static void test_accept(void **unused)
{
	(void)unused;
	assert_false(mfd_http_wants_openmetrics(NULL));
	assert_false(mfd_http_wants_openmetrics(""));
	assert_false(mfd_http_wants_openmetrics("*/*"));
	assert_false(mfd_http_wants_openmetrics("text/plain"));
	/* Prometheus 2.42's scrape header. */
	assert_true(mfd_http_wants_openmetrics(
		"application/openmetrics-text;version=1.0.0,application/"
		"openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0."
		"4;q=0.5,*/*;q=0.1"));
	assert_true(mfd_http_wants_openmetrics("application/openmetrics-text"));
	assert_false(mfd_http_wants_openmetrics(
		"application/openmetrics-text;q=0.2, text/plain;q=0.9"));
	assert_false(
		mfd_http_wants_openmetrics("application/openmetrics-text;q=0"));
	assert_false(
		mfd_http_wants_openmetrics("application/openmetrics-textual"));
}

static void test_listen(void **unused)
{
	static const char *const bad[] = {
		"",
		"9464",
		"127.0.0.1",
		"127.0.0.1:",
		":9464",
		"a:b",
		"127.0.0.1:0",
		"127.0.0.1:65536",
		"127.0.0.1:99999999999999",
		"::1:9464",
		"[::1]9464",
		"[::1",
		"1.2.3.4:94x",
	};
	char host[64], why[128];
	uint16_t port;

	(void)unused;
	assert_int_equal(mfd_http_parse_listen("127.0.0.1:9464", host,
					       sizeof(host), &port, why,
					       sizeof(why)),
			 0);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 9464);
	assert_int_equal(mfd_http_parse_listen("[::1]:80", host, sizeof(host),
					       &port, why, sizeof(why)),
			 0);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 80);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		if (mfd_http_parse_listen(bad[i], host, sizeof(host), &port,
					  why, sizeof(why)) == 0)
			fail_msg("'%s' accepted", bad[i]);
		assert_true(why[0] != '\0');
	}
}

static void test_health(void **unused)
{
	struct mfd_state st;
	struct mfd_kinfo k;
	char body[256];
	uint64_t t;

	(void)unused;
	memset(&st, 0, sizeof(st));
	st.interval = 2;
	assert_int_equal(mfd_http_health(&st, 1, body, sizeof(body)), 503);
	assert_non_null(strstr(body, "no snapshot"));
	load_state(&st, &k);
	t = st.last_sample_mono_ns;
	assert_int_equal(mfd_http_health(&st, t + 1000000000ull, body,
					 sizeof(body)),
			 200);
	/* 3 intervals + 1 s = 7 s. */
	assert_int_equal(mfd_http_health(&st, t + 6900000000ull, body,
					 sizeof(body)),
			 200);
	assert_int_equal(mfd_http_health(&st, t + 7100000000ull, body,
					 sizeof(body)),
			 503);
	assert_non_null(strstr(body, "stalled"));
	/* A replay still playing stalls like a live run ... */
	st.replay = MFD_REPLAY_PLAYING;
	assert_int_equal(mfd_http_health(&st, t + 1000000000ull, body,
					 sizeof(body)),
			 200);
	assert_non_null(strstr(body, "\"replay\":\"playing\""));
	assert_int_equal(mfd_http_health(&st, t + 7100000000ull, body,
					 sizeof(body)),
			 503);
	/* ... but one that ended and holds its last sample is finished,
	 * however old that sample is. */
	st.replay = MFD_REPLAY_HELD;
	assert_int_equal(mfd_http_health(&st, t + 3600000000000ull, body,
					 sizeof(body)),
			 200);
	assert_non_null(strstr(body, "\"replay\":\"finished\""));
	mfd_state_free(&st);
}

static void test_history_ring(void **unused)
{
	struct mfd_state st;
	struct mfd_kinfo k;
	struct mfd_history h;
	json_t *j;
	uint64_t t0;

	(void)unused;
	load_state(&st, &k);
	t0 = st.snap->time_unix_nano = 1000;
	assert_int_equal(mfd_history_init(&h, 3), 0);
	for (int i = 0; i < 5; i++) {
		st.snap->time_unix_nano = t0 + (uint64_t)i;
		st.snap->zones[0].order[0].free_blocks = (uint64_t)i;
		assert_int_equal(mfd_history_push(&h, &st), 0);
	}
	assert_int_equal(h.count, 3);
	assert_int_equal(mfd_history_get(&h, 0)->time_unix_nano, t0 + 4);
	assert_int_equal(mfd_history_get(&h, 2)->time_unix_nano, t0 + 2);
	assert_null(mfd_history_get(&h, 3));
	assert_int_equal(mfd_history_get(&h, 1)->zones[0].free_blocks[0], 3);
	j = mfd_history_to_json(&h, t0 + 3, 2);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "count")), 2);
	assert_int_equal(
		json_integer_value(json_object_get(
			json_array_get(json_object_get(j, "samples"), 0),
			"time_unix_nano")),
		t0 + 3);
	assert_int_equal(json_integer_value(json_object_get(j, "capacity")), 3);
	json_decref(j);
	mfd_history_free(&h);
	mfd_state_free(&st);
}

/* The samples of mfd_history_to_json after a time, each dumped alone
 * and joined by commas: what a window's text must read. */
static char *reference_window(const struct mfd_history *h, uint64_t after)
{
	json_t *j = mfd_history_to_json(h, after + 1, 2), *e;
	size_t n = 0, i;
	char *out = calloc(1, 1 << 20), *s;

	assert_non_null(j);
	json_array_foreach(json_object_get(j, "samples"), i, e)
	{
		s = json_dumps(e, JSON_COMPACT | JSON_REAL_PRECISION(4));
		n += (size_t)sprintf(out + n, "%s%s", i ? "," : "", s);
		free(s);
	}
	json_decref(j);
	return out;
}

/* The pre-rendered text stays equal to a fresh rendering through ring
 * wrap-around and buffer moves, also while replies hold old buffers, and
 * pages of it join up to the whole. */
static void test_history_window(void **unused)
{
	struct mfd_state st;
	struct mfd_kinfo k;
	struct mfd_history h;
	struct mfd_hist_window w, pinned[4] = { 0 };
	uint64_t t0 = 1000000, after;
	char *want;

	(void)unused;
	load_state(&st, &k);
	assert_int_equal(mfd_history_init(&h, 7), 0);
	assert_int_equal(mfd_history_window(&h, 0, 1 << 20, &w), 0);
	assert_int_equal(w.count, 0);
	for (int i = 0; i < 400; i++) {
		st.snap->time_unix_nano = t0 + (uint64_t)i;
		/* Lengths vary, so entries straddle buffer ends. */
		st.snap->zones[0].order[0].free_blocks =
			(uint64_t)i * 7919u * (uint64_t)(i % 13 + 1);
		assert_int_equal(mfd_history_push(&h, &st), 0);
		assert_int_equal(mfd_history_window(&h, 0, 1 << 20, &w), 0);
		assert_int_equal(w.count, i < 7 ? i + 1 : 7);
		assert_false(w.more);
		want = reference_window(&h, 0);
		assert_int_equal(w.len, strlen(want));
		assert_memory_equal(w.text->data + w.off, want, w.len);
		free(want);
		/* A reply still sending an older window keeps its bytes. */
		if (i % 50 == 0) {
			struct mfd_hist_window *p = &pinned[(i / 50) % 4];

			if (p->text) {
				assert_true(p->len > 2 &&
					    p->text->data[p->off] == '{');
				assert_int_equal(
					p->text->data[p->off + p->len - 1],
					'}');
				mfd_history_text_unref(p->text);
			}
			*p = w;
			mfd_history_text_ref(p->text);
		}
	}
	/* after: strictly later entries only. */
	after = mfd_history_get(&h, 2)->time_unix_nano;
	assert_int_equal(mfd_history_window(&h, after, 1 << 20, &w), 0);
	assert_int_equal(w.count, 2);
	/* Pages of at most ~2 entries, joined through since=. */
	{
		char *whole = reference_window(&h, 0), got[1 << 16] = "";
		size_t n = 0, pages = 0;

		after = 0;
		do {
			assert_int_equal(mfd_history_window(&h, after,
							    2 * h.tlen[0] + 1,
							    &w),
					 0);
			assert_true(w.count >= 1);
			n += (size_t)snprintf(got + n, sizeof(got) - n,
					      "%s%.*s", n ? "," : "",
					      (int)w.len, w.text->data + w.off);
			pages++;
			if (w.more) {
				/* next page: after the last entry sent */
				json_t *last;
				char *tail =
					strndup(w.text->data + w.off, w.len);
				char *arr;

				assert_true(asprintf(&arr, "[%s]", tail) > 0);
				last = json_loads(arr, 0, NULL);
				assert_non_null(last);
				after = (uint64_t)json_integer_value(
					json_object_get(
						json_array_get(
							last,
							json_array_size(last) -
								1),
						"time_unix_nano"));
				json_decref(last);
				free(arr);
				free(tail);
			}
		} while (w.more && pages < 20);
		assert_true(pages > 1);
		assert_string_equal(got, whole);
		free(whole);
	}
	for (int i = 0; i < 4; i++)
		mfd_history_text_unref(pinned[i].text);
	mfd_history_free(&h);
	mfd_state_free(&st);
}

static const char *framing(const char *const *hdr)
{
	struct mfd_http_framing f = { 0 };

	for (; hdr[0]; hdr += 2)
		mfd_http_framing_add(&f, hdr[0], hdr[1]);
	return mfd_http_framing_verdict(&f);
}

/* RFC 9112 6.3 and 11.2: what a proxy and the server could read as two
 * different requests is refused; ordinary requests are not. */
static void test_framing(void **unused)
{
	static const char *const fine[][9] = {
		{ "Host", "x", "Accept", "*/*", NULL },
		{ "host", "x", "Content-Length", "0", NULL },
		{ "Host", "x", "X-A_b.c~!", "y z", "User-Agent", "", NULL },
		{ NULL },
	};
	static const char *const bad[][9] = {
		{ "Host", "x", "Content-Length", "0", "Content-Length", "41",
		  NULL },
		{ "Content-Length", "5", "content-length", "5", NULL },
		{ "Content-Length", "5", "Transfer-Encoding", "chunked", NULL },
		{ "Transfer-Encoding", "chunked", NULL },
		{ "Transfer-Encoding", "gzip, chunked", NULL },
		{ "Content-Length", "+5", NULL },
		{ "Content-Length", " 5", NULL },
		{ "Content-Length", "", NULL },
		{ "Content-Length", "5, 5", NULL },
		{ "Host ", "x", NULL },
		{ "Content-Length ", "5", NULL },
		{ "Ho st", "x", NULL },
		{ "", "x", NULL },
		{ "Host", "x", "Host", "y", NULL },
		{ "X\x80", "y", NULL },
	};

	(void)unused;
	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++)
		assert_null(framing(fine[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = framing(bad[i]);

		if (!why)
			fail_msg("accepted bad framing #%zu (%s: %s)", i,
				 bad[i][0], bad[i][1]);
	}
}

static void test_events_json(void **unused)
{
	struct mfd_state st;
	struct mfd_kinfo k;
	struct mfd_extfrag_event e;
	json_t *j, *p;

	(void)unused;
	load_state(&st, &k);
	st.have_events = true;
	memset(&e, 0, sizeof(e));
	e.type = MFD_REC_EXTFRAG;
	for (int i = 0; i < 5; i++) {
		e.tgid = e.pid = (uint32_t)(100 + i % 2);
		e.fragmenting = 1;
		snprintf(e.comm, sizeof(e.comm), "proc%u", e.tgid);
		mfd_state_add_event(&st, &e);
	}
	j = mfd_http_events_json(&st, 10, 3);
	assert_non_null(j);
	p = json_object_get(j, "processes");
	assert_int_equal(json_array_size(p), 2);
	/* Highest count first: tgid 100 had 3 of the 5. */
	assert_int_equal(json_integer_value(
				 json_object_get(json_array_get(p, 0), "tgid")),
			 100);
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(p, 0), "events")),
			 3);
	assert_int_equal(json_array_size(json_object_get(j, "recent")), 3);
	json_decref(j);
	mfd_state_free(&st);
}

/* The zone's or node's row of /api/v1/forecast (zone NULL: the node). */
static json_t *fc_row(json_t *j, uint32_t node, const char *zone)
{
	json_t *a = json_object_get(j, zone ? "zones" : "nodes"), *r;
	size_t i;

	json_array_foreach(a, i, r)
	{
		const char *z = json_string_value(json_object_get(r, "zone"));

		if (json_integer_value(json_object_get(r, "node")) == node &&
		    (zone ? z && !strcmp(z, zone) : !z))
			return r;
	}
	fail_msg("no forecast row for node %u zone %s", node,
		 zone ? zone : "(node)");
	return NULL;
}

/* Node 0 Normal's order-9 suitable blocks fall from 5,000 by 2 a second,
 * sampled every 10 s for 600 s: the document must say 3,800 blocks left,
 * -2 a second, 1,900 s to go, and for node 0 (its other zones steady)
 * the sum of the zones' blocks over the same rate, all worked out here
 * from the snapshot rather than taken from the model. */
static void test_forecast_json(void **unused)
{
	struct mfd_state st;
	struct mfd_kinfo k;
	struct mfd_forecast *f = calloc(1, sizeof(*f));
	struct mfd_zone *normal = NULL;
	uint64_t others = 0, node_left;
	json_t *j, *r;

	(void)unused;
	assert_non_null(f);
	load_state(&st, &k);
	st.forecast = f;
	mfd_forecast_init(f, 9, 1800);
	/* No forecast yet for a snapshot the model has not seen. */
	j = mfd_http_forecast_json(&st);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "zones")), 0);
	json_decref(j);
	for (uint32_t i = 0; i < st.snap->nr_zones; i++) {
		struct mfd_zone *z = &st.snap->zones[i];

		if (z->node == 0 && !strcmp(z->name, "Normal"))
			normal = z;
		else if (z->node == 0)
			others += z->order[9].free_blocks_suitable;
	}
	assert_non_null(normal);
	for (int t = 0; t <= 600; t += 10) {
		normal->order[9].free_blocks_suitable =
			(uint64_t)(5000 - 2 * t);
		mfd_forecast_update(f, st.snap,
				    (uint64_t)(t + 1) * 1000000000ull, NULL);
		if (t == 0) {
			/* One point: learning, and no trend to show. */
			j = mfd_http_forecast_json(&st);
			r = fc_row(j, 0, "Normal");
			assert_string_equal(
				json_string_value(json_object_get(r, "state")),
				"learning");
			assert_true(json_is_null(
				json_object_get(r, "blocks_per_second")));
			assert_true(json_is_null(
				json_object_get(r, "eta_seconds")));
			json_decref(j);
		}
	}
	j = mfd_http_forecast_json(&st);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "order")), 9);
	assert_int_equal(
		json_integer_value(json_object_get(j, "window_seconds")), 1800);
	assert_string_equal(json_string_value(json_object_get(j, "outcome")),
			    "unknown");
	assert_int_equal(json_array_size(json_object_get(j, "zones")),
			 st.snap->nr_zones);
	r = fc_row(j, 0, "Normal");
	assert_string_equal(json_string_value(json_object_get(r, "state")),
			    "declining");
	assert_int_equal(json_integer_value(json_object_get(r, "blocks")),
			 3800);
	assert_float_equal(
		json_real_value(json_object_get(r, "blocks_per_second")), -2.0,
		1e-6);
	assert_int_equal(json_integer_value(json_object_get(r, "eta_seconds")),
			 1900);
	assert_string_equal(json_string_value(json_object_get(r, "runs_out")),
			    "blocks");
	assert_true(json_is_integer(json_object_get(r, "headroom_pages")));
	node_left = others + 3800;
	r = fc_row(j, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(r, "state")),
			    "declining");
	assert_int_equal(json_integer_value(json_object_get(r, "blocks")),
			 node_left);
	/* half a second from a whole one: rounding may go either way */
	assert_float_equal(
		(double)json_integer_value(json_object_get(r, "eta_seconds")),
		(double)node_left / 2.0, 0.51);
	/* Node 0's other zones and node 1 hold still. */
	r = fc_row(j, 0, "DMA32");
	assert_string_equal(json_string_value(json_object_get(r, "state")),
			    "steady");
	assert_true(json_is_null(json_object_get(r, "eta_seconds")));
	assert_true(json_is_null(json_object_get(r, "runs_out")));
	r = fc_row(j, 1, NULL);
	assert_string_equal(json_string_value(json_object_get(r, "state")),
			    "steady");
	json_decref(j);
	st.forecast = NULL;
	assert_null(mfd_http_forecast_json(&st));
	free(f);
	mfd_state_free(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_free_blocks_match_snapshot),
		cmocka_unit_test(test_label_escaping),
		cmocka_unit_test(test_histogram_cumulative),
		cmocka_unit_test(test_openmetrics),
		cmocka_unit_test(test_float),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_accept),
		cmocka_unit_test(test_listen),
		cmocka_unit_test(test_health),
		cmocka_unit_test(test_history_ring),
		cmocka_unit_test(test_history_window),
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_events_json),
		cmocka_unit_test(test_forecast_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
