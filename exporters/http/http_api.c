// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * http_api.c - routing, negotiation, health and the events document for
 * the HTTP server (see http_api.h). Pure functions only.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "forecast.h"
#include "hostport.h"
#include "http_api.h"
#include "kinfo.h"

static void deny(struct mfd_http_req *r, int status, const char *why)
{
	r->route = MFD_ROUTE_NONE;
	r->status = status;
	snprintf(r->why, sizeof(r->why), "%s", why);
}

/* Digits only, at most max; -1 when not. */
static int parse_uint(const char *q, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!len)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (q[i] < '0' || q[i] > '9')
			return -1;
		if (v > (max - (uint64_t)(q[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(q[i] - '0');
	}
	*out = v;
	return 0;
}

/* "minutes=N" (N from 1 to the bound) or "since=T" (unix ns), nothing
 * else. */
static void parse_history_query(const char *q, size_t qlen,
				struct mfd_http_req *r)
{
	static const char mkey[] = "minutes=", skey[] = "since=";
	const size_t mlen = sizeof(mkey) - 1, slen = sizeof(skey) - 1;
	uint64_t v = 0;

	if (qlen == 0)
		return; /* "?" alone: everything */
	if (qlen > slen && strncmp(q, skey, slen) == 0) {
		if (parse_uint(q + slen, qlen - slen, UINT64_MAX, &v)) {
			deny(r, 400,
			     "since must be a time in unix nanoseconds");
			return;
		}
		r->since = v;
		r->have_since = true;
		return;
	}
	if (qlen <= mlen || strncmp(q, mkey, mlen) != 0) {
		deny(r, 400,
		     "the only query parameters are minutes=N and since=T");
		return;
	}
	if (strspn(q + mlen, "0123456789") != qlen - mlen) {
		deny(r, 400, "minutes must be a whole number");
		return;
	}
	if (parse_uint(q + mlen, qlen - mlen, MFD_HTTP_MAX_MINUTES, &v) ||
	    v < 1) {
		snprintf(r->why, sizeof(r->why), "minutes must be from 1 to %d",
			 MFD_HTTP_MAX_MINUTES);
		r->route = MFD_ROUTE_NONE;
		r->status = 400;
		return;
	}
	r->minutes = (int)v;
}

void mfd_http_route(const char *method, const char *uri,
		    const struct mfd_web_asset *assets,
		    struct mfd_http_req *out)
{
	static const struct {
		const char *path;
		enum mfd_route route;
	} api[] = {
		{ "/metrics", MFD_ROUTE_METRICS },
		{ "/healthz", MFD_ROUTE_HEALTHZ },
		{ "/api/v1/snapshot", MFD_ROUTE_SNAPSHOT },
		{ "/api/v1/history", MFD_ROUTE_HISTORY },
		{ "/api/v1/events", MFD_ROUTE_EVENTS },
		{ "/api/v1/forecast", MFD_ROUTE_FORECAST },
	};
	const char *q;
	size_t plen, qlen = 0;

	memset(out, 0, sizeof(*out));
	out->status = 200;
	if (!method || !uri) {
		deny(out, 400, "malformed request");
		return;
	}
	if (strcmp(method, "HEAD") == 0)
		out->head = true;
	else if (strcmp(method, "GET") != 0) {
		deny(out, 405, "only GET and HEAD are allowed");
		return;
	}
	if (uri[0] != '/') {
		deny(out, 400, "the request target must be an absolute path");
		return;
	}
	q = strchr(uri, '?');
	plen = q ? (size_t)(q - uri) : strlen(uri);
	if (q) {
		q++;
		qlen = strlen(q);
	}
	if (memchr(uri, '#', plen)) {
		deny(out, 400, "fragments are not part of a request target");
		return;
	}
	for (size_t i = 0; i < sizeof(api) / sizeof(api[0]); i++) {
		if (strlen(api[i].path) != plen ||
		    strncmp(uri, api[i].path, plen) != 0)
			continue;
		out->route = api[i].route;
		if (api[i].route == MFD_ROUTE_HISTORY)
			parse_history_query(q, qlen, out);
		return;
	}
	for (const struct mfd_web_asset *a = assets; a && a->path; a++) {
		if (strlen(a->path) == plen &&
		    strncmp(uri, a->path, plen) == 0) {
			out->route = MFD_ROUTE_ASSET;
			out->asset = a;
			return;
		}
	}
	deny(out, 404, "no such path; try /, /metrics, /healthz or /api/v1/");
}

/* RFC 9110 5.6.2: a header name is a token. */
static bool is_token(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') ||
		      strchr("!#$%&'*+-.^_`|~", *s)))
			return false;
	return true;
}

void mfd_http_framing_add(struct mfd_http_framing *f, const char *name,
			  const char *value)
{
	if (f->bad)
		return;
	if (!name || !value || !is_token(name)) {
		f->bad = "a header name is not a token (a space before the "
			 "colon?)";
	} else if (strcasecmp(name, "Content-Length") == 0) {
		f->content_length++;
		if (!value[0] || strspn(value, "0123456789") != strlen(value))
			f->bad = "Content-Length is not a number";
	} else if (strcasecmp(name, "Transfer-Encoding") == 0) {
		f->transfer_encoding++;
	} else if (strcasecmp(name, "Host") == 0) {
		f->host++;
	}
}

const char *mfd_http_framing_verdict(const struct mfd_http_framing *f)
{
	if (f->bad)
		return f->bad;
	if (f->content_length > 1)
		return "more than one Content-Length";
	if (f->transfer_encoding && f->content_length)
		return "both Transfer-Encoding and Content-Length";
	if (f->transfer_encoding)
		return "requests carry no body (Transfer-Encoding)";
	if (f->host > 1)
		return "more than one Host";
	return NULL;
}

/* q of one media range "type/sub;p=v;q=0.5" (1 when absent). */
static double media_q(const char *s, size_t len)
{
	const char *p = s, *end = s + len;

	while ((p = memchr(p, ';', (size_t)(end - p)))) {
		p++;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') &&
		    p[1] == '=') {
			char num[16];
			size_t n = 0;

			p += 2;
			while (p < end && n + 1 < sizeof(num) && *p != ';' &&
			       *p != ' ')
				num[n++] = *p++;
			num[n] = '\0';
			return strtod(num, NULL);
		}
	}
	return 1.0;
}

static bool media_is(const char *s, size_t len, const char *type)
{
	size_t t = strlen(type);

	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	return len >= t && strncasecmp(s, type, t) == 0 &&
	       (len == t || s[t] == ';' || s[t] == ' ');
}

bool mfd_http_wants_openmetrics(const char *accept)
{
	double om = -1, text = -1;
	const char *p = accept;

	if (!accept)
		return false;
	while (*p) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		double q = media_q(p, len);

		if (media_is(p, len, "application/openmetrics-text")) {
			if (q > om)
				om = q;
		} else if (media_is(p, len, "text/plain")) {
			if (q > text)
				text = q;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return om > 0 && om >= text;
}

int mfd_http_parse_listen(const char *s, char *host, size_t host_len,
			  uint16_t *port, char *why, size_t why_len)
{
	struct mfd_hostport hp;
	char reason[160];

	if (!s || !*s) {
		snprintf(why, why_len, "empty address; use ADDR:PORT or off");
		return -EINVAL;
	}
	if (mfd_hostport_parse(s, strlen(s), 0, &hp, reason, sizeof(reason))) {
		snprintf(why, why_len, "'%s': %s", s, reason);
		return -EINVAL;
	}
	if (strlen(hp.host) >= host_len) {
		snprintf(why, why_len, "'%s': the address is too long", s);
		return -EINVAL;
	}
	memcpy(host, hp.host, strlen(hp.host) + 1);
	*port = hp.port;
	return 0;
}

int mfd_http_health(const struct mfd_state *st, uint64_t now_mono_ns,
		    char *body, size_t len)
{
	double limit = 3 * st->interval + 1.0, age;

	if (!st->have_snap || !st->samples) {
		snprintf(body, len,
			 "{\"status\":\"starting\",\"reason\":\"no snapshot "
			 "yet\"}\n");
		return 503;
	}
	/* A finished replay's last sample is as good as it gets: not a
	 * stall, and its age says nothing. */
	if (st->replay == MFD_REPLAY_HELD) {
		snprintf(body, len,
			 "{\"status\":\"ok\",\"replay\":\"finished\","
			 "\"samples\":%" PRIu64 ",\"sample_failures\":%" PRIu64
			 "}\n",
			 st->samples, st->sample_failures);
		return 200;
	}
	age = now_mono_ns > st->last_sample_mono_ns ?
		      (double)(now_mono_ns - st->last_sample_mono_ns) / 1e9 :
		      0;
	if (age > limit) {
		snprintf(body, len,
			 "{\"status\":\"stalled\",\"reason\":\"no good sample "
			 "for %.1f s (limit %.1f s: 3 intervals + 1 s)\","
			 "\"last_sample_age_seconds\":%.3f,"
			 "\"sample_failures\":%" PRIu64 "}\n",
			 age, limit, age, st->sample_failures);
		return 503;
	}
	snprintf(body, len,
		 "{\"status\":\"ok\",%s\"last_sample_age_seconds\":%.3f,"
		 "\"samples\":%" PRIu64 ",\"sample_failures\":%" PRIu64 "}\n",
		 st->replay == MFD_REPLAY_PLAYING ? "\"replay\":\"playing\"," :
						    "",
		 age, st->samples, st->sample_failures);
	return 200;
}

static json_t *proc_json(const struct mfd_state *st,
			 const struct mfd_proc_stat *p)
{
	char a[32], f[32];

	return json_pack(
		"{s:I,s:I,s:s,s:I,s:I,s:I,s:I,s:i,s:i,s:s,s:s,s:I,s:I}", "tgid",
		(json_int_t)p->tgid, "last_pid", (json_int_t)p->last_pid,
		"comm", p->comm, "events", (json_int_t)p->count, "fragmenting",
		(json_int_t)p->fragmenting, "change_ownership",
		(json_int_t)p->change_ownership, "cgroup_id",
		(json_int_t)p->cgroup_id, "last_alloc_order",
		p->last_alloc_order, "last_fallback_order",
		p->last_fallback_order, "last_alloc_migratetype",
		mfd_kinfo_mt_name(st->kinfo, p->last_alloc_mt, a, sizeof(a)),
		"last_fallback_migratetype",
		mfd_kinfo_mt_name(st->kinfo, p->last_fallback_mt, f, sizeof(f)),
		"last_time_unix_nano",
		(json_int_t)(p->last_ts_ns ?
				     mfd_state_unix_ns(st, p->last_ts_ns) :
				     0),
		"last_pfn", (json_int_t)p->last_pfn);
}

static json_t *event_json(const struct mfd_state *st,
			  const struct mfd_extfrag_event *e)
{
	char a[32], f[32], comm[MFD_TASK_COMM_LEN + 1];

	memcpy(comm, e->comm, MFD_TASK_COMM_LEN);
	comm[MFD_TASK_COMM_LEN] = '\0';
	return json_pack("{s:I,s:I,s:I,s:s,s:i,s:i,s:s,s:s,s:b,s:b,s:I}",
			 "time_unix_nano",
			 (json_int_t)mfd_state_unix_ns(st, e->ts_ns), "pid",
			 (json_int_t)e->pid, "tgid", (json_int_t)e->tgid,
			 "comm", comm, "alloc_order", e->alloc_order,
			 "fallback_order", e->fallback_order,
			 "alloc_migratetype",
			 mfd_kinfo_mt_name(st->kinfo, e->alloc_migratetype, a,
					   sizeof(a)),
			 "fallback_migratetype",
			 mfd_kinfo_mt_name(st->kinfo, e->fallback_migratetype,
					   f, sizeof(f)),
			 "fragmenting", (int)e->fragmenting, "change_ownership",
			 (int)e->change_ownership, "pfn", (json_int_t)e->pfn);
}

json_t *mfd_http_events_json(const struct mfd_state *st, size_t max_procs,
			     size_t max_recent)
{
	const struct mfd_proc_stat **top = NULL;
	json_t *root, *procs = json_array(), *recent = json_array();
	size_t n;
	int err = 0;

	root = json_pack("{s:b,s:s?,s:I,s:{s:I,s:I,s:I,s:I},s:I,s:I,s:s}",
			 "have_events", (int)st->have_events, "why",
			 st->have_events ? NULL : st->events_why,
			 "time_unix_nano", (json_int_t)mfd_now_unix_ns(),
			 "totals", "events", (json_int_t)st->totals.events,
			 "fragmenting", (json_int_t)st->totals.fragmenting,
			 "ringbuf_drops", (json_int_t)st->totals.drops,
			 "undecodable", (json_int_t)st->totals.lost_decode,
			 "processes_tracked", (json_int_t)st->procs.used,
			 "processes_evicted", (json_int_t)st->procs.evicted,
			 /* A row is one process, or one program in one cgroup
			  * (--procs-by executable; tgid is then the latest). */
			 "processes_by",
			 st->procs.by_executable ? "executable" : "pid");
	if (!root || !procs || !recent)
		goto fail;
	if (max_procs && st->procs.slots) {
		top = calloc(max_procs, sizeof(*top));
		if (!top)
			goto fail;
		n = mfd_extfrag_table_sorted(&st->procs, top, max_procs);
		for (size_t i = 0; i < n; i++)
			err |= json_array_append_new(procs,
						     proc_json(st, top[i]));
	}
	for (size_t i = 0; i < max_recent; i++) {
		const struct mfd_extfrag_event *e = mfd_state_recent(st, i);

		if (!e)
			break;
		err |= json_array_append_new(recent, event_json(st, e));
	}
	err |= json_object_set_new(root, "processes", procs);
	procs = NULL;
	err |= json_object_set_new(root, "recent", recent);
	recent = NULL;
	free(top);
	if (err) {
		json_decref(root);
		return NULL;
	}
	return root;
fail:
	free(top);
	json_decref(procs);
	json_decref(recent);
	json_decref(root);
	return NULL;
}

/* One row of the forecast: a zone, or a node (is_node; no "zone" key).
 * What the fit cannot say yet is null, never 0: the trend while still
 * learning, the headroom of a zone without watermarks, the time to
 * exhaustion unless declining (0 once exhausted). */
static json_t *forecast_row_json(const struct mfd_forecast *f,
				 const struct mfd_forecast_zone *z)
{
	double slope, now;
	bool trend = z->state != MFD_FORECAST_LEARNING &&
		     mfd_ewls_fit(&z->blocks, f->window_s, &slope, &now);
	bool head = z->headroom.points > 0;
	bool head_trend = head &&
			  mfd_ewls_fit(&z->headroom, f->window_s, &slope, &now);
	bool eta = z->state == MFD_FORECAST_DECLINING ||
		   z->state == MFD_FORECAST_EXHAUSTED;
	json_t *j = json_object();
	int err = 0;

	if (!j)
		return NULL;
	err |= json_object_set_new(j, "node", json_integer(z->node));
	if (!z->is_node)
		err |= json_object_set_new(j, "zone", json_string(z->name));
	err |= json_object_set_new(
		j, "state", json_string(mfd_forecast_state_name(z->state)));
	err |= json_object_set_new(
		j, "blocks", json_integer((json_int_t)llround(z->blocks_now)));
	err |= json_object_set_new(j, "blocks_per_second",
				   trend ? json_real(z->blocks_per_s) :
					   json_null());
	err |= json_object_set_new(
		j, "headroom_pages",
		head ? json_integer((json_int_t)llround(z->headroom_now)) :
		       json_null());
	err |= json_object_set_new(j, "headroom_pages_per_second",
				   head_trend ? json_real(z->headroom_per_s) :
						json_null());
	err |= json_object_set_new(
		j, "eta_seconds",
		eta ? json_integer((json_int_t)llround(z->eta_s)) :
		      json_null());
	err |= json_object_set_new(
		j, "runs_out",
		eta ? json_string(z->eta_by_headroom ? "headroom" : "blocks") :
		      json_null());
	if (err) {
		json_decref(j);
		return NULL;
	}
	return j;
}

json_t *mfd_http_forecast_json(const struct mfd_state *st)
{
	const struct mfd_forecast *f = st->forecast;
	const struct mfd_snapshot *snap = st->snap;
	json_t *root, *zones = json_array(), *nodes = json_array();
	int err = 0;

	if (!f || !st->have_snap || !snap || !snap->nr_orders || !zones ||
	    !nodes)
		goto fail;
	/* The order the fit follows: the configured one, or the highest the
	 * kernel has (model/forecast.c clamps it the same way). */
	root = json_pack("{s:I,s:i,s:I,s:I,s:s}", "time_unix_nano",
			 (json_int_t)snap->time_unix_nano, "order",
			 (int)(f->order < snap->nr_orders ?
				       f->order :
				       snap->nr_orders - 1),
			 "window_seconds", (json_int_t)llround(f->window_s),
			 "horizon_seconds", (json_int_t)llround(f->horizon_s),
			 "outcome", mfd_forecast_outcome_name(f->outcome));
	if (!root)
		goto fail;
	for (uint32_t i = 0; i < snap->nr_zones; i++) {
		const struct mfd_zone *sz = &snap->zones[i];
		const struct mfd_forecast_zone *z =
			mfd_forecast_zone(f, sz->node, sz->name);

		if (z)
			err |= json_array_append_new(zones,
						     forecast_row_json(f, z));
	}
	for (uint32_t n = 0; n < snap->nr_nodes; n++) {
		const struct mfd_forecast_zone *z =
			mfd_forecast_node(f, snap->nodes[n].node);

		if (z)
			err |= json_array_append_new(nodes,
						     forecast_row_json(f, z));
	}
	err |= json_object_set_new(root, "zones", zones);
	err |= json_object_set_new(root, "nodes", nodes);
	if (err) {
		json_decref(root);
		return NULL;
	}
	return root;
fail:
	json_decref(zones);
	json_decref(nodes);
	return NULL;
}
