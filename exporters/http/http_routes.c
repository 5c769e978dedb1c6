// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * http_routes.c - what the HTTP server answers: the router's verdict
 * (http_api.c) turned into replies, the documents rendered once per
 * sample and shared by every reply (/metrics, /api/v1/snapshot,
 * /api/v1/events, /api/v1/forecast), the history window by reference, the dashboard's
 * files and the errors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>

#define LOG_COMPONENT "http"
#include "format.h"
#include "http_api.h"
#include "http_server.h"
#include "log.h"
#include "prometheus.h"

#define HTTP_EVENTS_PROCS 50 /* processes in /api/v1/events */

void http_doc_unref(struct doc *d)
{
	if (d && --d->refs == 0) {
		free(d->buf);
		free(d);
	}
}

/* evbuffer_add_reference's cleanup: the reply has been sent or dropped. */
static void doc_release(const void *data, size_t len, void *extra)
{
	(void)data;
	(void)len;
	http_doc_unref(extra);
}

static int cached_set(struct cached *c, char *buf, size_t len)
{
	struct doc *d = calloc(1, sizeof(*d));

	if (!d) {
		free(buf);
		return -ENOMEM;
	}
	d->refs = 1;
	d->buf = buf;
	d->len = len;
	http_doc_unref(c->doc);
	c->doc = d;
	return 0;
}

static char *dump_json(json_t *j, size_t *len)
{
	char *s;

	if (!j)
		return NULL;
	/* The flags of --once --format json (exporters/format.c), plus its
	 * trailing newline, so the bytes are the same. */
	s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(4));
	json_decref(j);
	if (!s)
		return NULL;
	*len = strlen(s);
	{
		char *t = realloc(s, *len + 2);

		if (!t) {
			free(s);
			return NULL;
		}
		s = t;
	}
	s[(*len)++] = '\n';
	s[*len] = '\0';
	return s;
}

static void render_doc(struct http *h, enum http_doc d)
{
	char *buf = NULL;
	size_t len = 0;
	int err = 0;

	switch (d) {
	case DOC_PROM_TEXT:
	case DOC_PROM_OM:
		err = mfd_prom_render(h->st, d == DOC_PROM_OM, &buf, &len);
		break;
	case DOC_SNAPSHOT:
		if (!h->st->have_snap)
			return; /* 503 "no snapshot yet" */
		buf = dump_json(mfd_snapshot_to_json(h->st->snap), &len);
		break;
	case DOC_EVENTS:
		buf = dump_json(mfd_http_events_json(h->st, HTTP_EVENTS_PROCS,
						     h->st->recent.cap),
				&len);
		break;
	case DOC_FORECAST:
		if (!h->st->have_snap)
			return; /* 503 "no snapshot yet" */
		buf = dump_json(mfd_http_forecast_json(h->st), &len);
		break;
	case DOC_COUNT:
		return;
	}
	if (err || !buf || cached_set(&h->doc[d], buf, len)) {
		h->e->stats.dropped[MFD_DROP_ENCODE]++;
		return; /* the previous rendering stays */
	}
	h->doc[d].stale = false;
}

void http_mark_stale(struct http *h)
{
	for (int d = 0; d < DOC_COUNT; d++)
		h->doc[d].stale = true;
}

static const char *method_name(enum evhttp_cmd_type t)
{
	switch (t) {
	case EVHTTP_REQ_GET:
		return "GET";
	case EVHTTP_REQ_HEAD:
		return "HEAD";
	case EVHTTP_REQ_POST:
		return "POST";
	case EVHTTP_REQ_PUT:
		return "PUT";
	case EVHTTP_REQ_DELETE:
		return "DELETE";
	case EVHTTP_REQ_OPTIONS:
		return "OPTIONS";
	case EVHTTP_REQ_TRACE:
		return "TRACE";
	case EVHTTP_REQ_CONNECT:
		return "CONNECT";
	case EVHTTP_REQ_PATCH:
		return "PATCH";
	}
	return "?"; /* a method evhttp does not know: the router says 405 */
}

/* --- replies ------------------------------------------------------------ */

/* Send body (may be NULL) with code; body is emptied, not freed. */
static void reply_buf(struct http *h, struct evhttp_request *req, int code,
		      const char *type, struct evbuffer *body, bool close)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	char clen[32];

	evhttp_add_header(out, "Content-Type", type);
	/* libevent 2.1 would send the body to HEAD too: send the length of
	 * what GET would get, and no body. */
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		snprintf(clen, sizeof(clen), "%zu",
			 body ? evbuffer_get_length(body) : 0);
		evhttp_add_header(out, "Content-Length", clen);
		if (body)
			evbuffer_drain(body, evbuffer_get_length(body));
	}
	evhttp_add_header(out, "Cache-Control", "no-store");
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	/* After a request we refuse for its framing, bytes that follow it
	 * cannot be trusted to start a request: close. */
	if (close)
		evhttp_add_header(out, "Connection", "close");
	evhttp_send_reply(req, code,
			  code == 200 ? "OK" :
			  code == 400 ? "Bad Request" :
			  code == 404 ? "Not Found" :
			  code == 405 ? "Method Not Allowed" :
			  code == 503 ? "Service Unavailable" :
					"Error",
			  body);
	if (code < 400)
		h->e->stats.requests_sent++;
	else
		h->e->stats.requests_failed++;
}

static void reply(struct http *h, struct evhttp_request *req, int code,
		  const char *type, const void *data, size_t len)
{
	struct evbuffer *body = evbuffer_new();

	if (body && len)
		evbuffer_add(body, data, len);
	reply_buf(h, req, code, type, body, false);
	if (body)
		evbuffer_free(body);
}

static void reply_error_close(struct http *h, struct evhttp_request *req,
			      int code, const char *why, bool close)
{
	json_t *j = json_pack("{s:s}", "error", why);
	size_t len = 0;
	char *s = dump_json(j, &len);
	struct evbuffer *body = evbuffer_new();

	if (code == 405)
		evhttp_add_header(evhttp_request_get_output_headers(req),
				  "Allow", "GET, HEAD");
	if (body && s)
		evbuffer_add(body, s, len);
	reply_buf(h, req, code, "application/json", body, close);
	if (body)
		evbuffer_free(body);
	free(s);
}

static void reply_error(struct http *h, struct evhttp_request *req, int code,
			const char *why)
{
	reply_error_close(h, req, code, why, false);
}

static bool over_output_cap(struct http *h, struct evhttp_request *req,
			    size_t len)
{
	char why[128];

	if (len <= h->max_output)
		return false;
	snprintf(why, sizeof(why),
		 "the reply (%zu KiB) exceeds --http-max-output-kib %zu",
		 (len + 1023) / 1024, h->max_output / 1024);
	log_warn_rl("%s", why);
	reply_error(h, req, 503, why);
	return true;
}

/* A reference to a cached document: the reply shares it. Not held to
 * --http-max-output-kib: every client shares the same bytes, and slow
 * clients can pin at most write_timeout / interval + 1 versions of it. */
static void reply_doc(struct http *h, struct evhttp_request *req, struct doc *d,
		      const char *type)
{
	struct evbuffer *body = evbuffer_new();

	if (body && d->len) {
		d->refs++;
		if (evbuffer_add_reference(body, d->buf, d->len, doc_release,
					   d))
			d->refs--;
	}
	reply_buf(h, req, 200, type, body, false);
	if (body)
		evbuffer_free(body);
}

static void reply_cached(struct http *h, struct evhttp_request *req,
			 enum http_doc d, const char *type)
{
	const struct cached *c = &h->doc[d];

	if (c->stale || !c->doc)
		render_doc(h, d);
	if (!c->doc) {
		reply_error(h, req, 503, "no snapshot yet");
		return;
	}
	reply_doc(h, req, c->doc, type);
}

static void hist_release(const void *data, size_t len, void *extra)
{
	(void)data;
	(void)len;
	mfd_history_text_unref(extra);
}

/*
 * A window of the history's pre-rendered JSON, by reference: no entry is
 * encoded here, and a client that does not read pins the shared text,
 * not a copy. At most --http-max-output-kib per reply: "more" says the
 * rest follows with ?since= the last time_unix_nano.
 */
static void reply_history(struct http *h, struct evhttp_request *req,
			  const struct mfd_http_req *r)
{
	uint64_t after = 0, now = mfd_now_unix_ns();
	struct mfd_hist_window w;
	struct evbuffer *body = NULL;
	size_t hlen = 0;
	char *head = NULL;
	json_t *j;

	if (r->have_since)
		after = r->since;
	else if (r->minutes > 0 && now > (uint64_t)r->minutes * 60000000000ull)
		after = now - (uint64_t)r->minutes * 60000000000ull - 1;
	/* The envelope takes well under 256 bytes. */
	if (mfd_history_window(&h->hist, after,
			       h->max_output > 256 ? h->max_output - 256 : 1,
			       &w))
		goto fail;
	j = json_pack("{s:I,s:I,s:f,s:b,s:b}", "capacity",
		      (json_int_t)h->hist.cap, "count", (json_int_t)w.count,
		      "interval", h->st->interval, "have_events",
		      (int)h->hist.have_events, "more", (int)w.more);
	head = dump_json(j, &hlen); /* "{...}\n" */
	body = evbuffer_new();
	if (!head || hlen < 3 || !body)
		goto fail;
	head[hlen - 2] = '\0'; /* drop "}\n" */
	if (evbuffer_add_printf(body, "%s,\"samples\":[", head) < 0)
		goto fail;
	if (w.count) {
		mfd_history_text_ref(w.text);
		if (evbuffer_add_reference(body, w.text->data + w.off, w.len,
					   hist_release, w.text)) {
			mfd_history_text_unref(w.text);
			goto fail;
		}
	}
	if (evbuffer_add(body, "]}\n", 3))
		goto fail;
	if (!over_output_cap(h, req, evbuffer_get_length(body)))
		reply_buf(h, req, 200, "application/json", body, false);
	evbuffer_free(body);
	free(head);
	return;
fail:
	if (body)
		evbuffer_free(body);
	free(head);
	h->e->stats.dropped[MFD_DROP_ENCODE]++;
	reply_error(h, req, 500, "out of memory");
}

/* Request framing checks (http_api.c) over evhttp's parsed headers. */
static const char *framing_defect(struct evhttp_request *req)
{
	const struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	const struct evkeyval *kv;
	struct mfd_http_framing f = { 0 };

	TAILQ_FOREACH(kv, in, next)
	{
		mfd_http_framing_add(&f, kv->key, kv->value);
	}
	return mfd_http_framing_verdict(&f);
}

void http_on_request(struct evhttp_request *req, void *arg)
{
	struct http *h = arg;
	struct conn *c = http_conn_find(h, evhttp_request_get_connection(req));
	struct mfd_http_req r;
	const char *accept, *bad;
	char body[512];
	int code;

	if (c) {
		/* The request is whole: now the client must take its reply
		 * in time. The next phase starts when it has. */
		http_conn_set_phase(c, CONN_REPLY);
		evhttp_request_set_on_complete_cb(req, http_on_reply_done, c);
	}
	bad = framing_defect(req);
	if (bad) {
		log_debug_rl("400 for %s: %s",
			     method_name(evhttp_request_get_command(req)), bad);
		h->stats.closed[MFD_HTTP_CLOSE_BAD_FRAMING]++;
		reply_error_close(h, req, 400, bad, true);
		return;
	}
	mfd_http_route(method_name(evhttp_request_get_command(req)),
		       evhttp_request_get_uri(req), mfd_web_assets, &r);
	switch (r.route) {
	case MFD_ROUTE_NONE:
		log_debug_rl("%d for %s %s: %s", r.status,
			     method_name(evhttp_request_get_command(req)),
			     evhttp_request_get_uri(req), r.why);
		reply_error(h, req, r.status, r.why);
		return;
	case MFD_ROUTE_METRICS:
		accept = evhttp_find_header(
			evhttp_request_get_input_headers(req), "Accept");
		if (mfd_http_wants_openmetrics(accept))
			reply_cached(h, req, DOC_PROM_OM, MFD_PROM_OM_TYPE);
		else
			reply_cached(h, req, DOC_PROM_TEXT, MFD_PROM_TEXT_TYPE);
		return;
	case MFD_ROUTE_HEALTHZ:
		code = mfd_http_health(h->st, mfd_now_mono_ns(), body,
				       sizeof(body));
		reply(h, req, code, "application/json", body, strlen(body));
		return;
	case MFD_ROUTE_SNAPSHOT:
		reply_cached(h, req, DOC_SNAPSHOT, "application/json");
		return;
	case MFD_ROUTE_HISTORY:
		reply_history(h, req, &r);
		return;
	case MFD_ROUTE_EVENTS:
		reply_cached(h, req, DOC_EVENTS, "application/json");
		return;
	case MFD_ROUTE_FORECAST:
		reply_cached(h, req, DOC_FORECAST, "application/json");
		return;
	case MFD_ROUTE_ASSET: {
		/* Static data: a reference costs nothing per client. */
		struct evbuffer *b = evbuffer_new();

		if (b)
			evbuffer_add_reference(b, r.asset->data, r.asset->len,
					       NULL, NULL);
		reply_buf(h, req, 200, r.asset->type, b, false);
		if (b)
			evbuffer_free(b);
		return;
	}
	}
}
