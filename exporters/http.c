// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * http.c - the one HTTP server (libevent evhttp): /metrics for
 * Prometheus, /healthz, the JSON API under /api/v1/ and the embedded
 * dashboard at /.
 *
 * It runs in the loop's thread. on_sample renders every page from the
 * state once and caches it; a request only copies a cached buffer, so a
 * scrape never triggers collection and any number of concurrent scrapes
 * see the same, complete page. Only /healthz (the age of the last good
 * sample) and /api/v1/history (a window of the ring) are computed per
 * request, both from memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#define LOG_COMPONENT "http"
#include "exporter.h"
#include "format.h"
#include "history.h"
#include "http.h"
#include "http_api.h"
#include "log.h"
#include "prometheus.h"

#define HTTP_MAX_HEADERS 8192 /* bytes of request headers */
#define HTTP_MAX_BODY 1024 /* GET and HEAD carry no body */
#define HTTP_TIMEOUT_S 10 /* idle or slow clients are dropped */
#define HTTP_EVENTS_PROCS 50 /* processes in /api/v1/events */

/* The documents a scrape or an API call reads. Each is rendered from the
 * state when first asked for after a sample and kept until the next
 * sample: a scrape never triggers collection, and an agent nobody scrapes
 * renders nothing. */
enum http_doc {
	DOC_PROM_TEXT = 0,
	DOC_PROM_OM,
	DOC_SNAPSHOT,
	DOC_EVENTS,
	DOC_COUNT,
};

struct cached {
	char *buf;
	size_t len;
	bool stale; /* a sample came since buf was rendered */
};

struct http {
	struct evhttp *srv;
	struct mfd_state *st;
	struct mfd_history hist;
	struct cached doc[DOC_COUNT];
	char listen[256]; /* as configured, to notice a change on SIGHUP */
	uint64_t pushed; /* st->samples when history last grew */
	struct mfd_exporter *e;
};

static void cached_set(struct cached *c, char *buf, size_t len)
{
	free(c->buf);
	c->buf = buf;
	c->len = len;
}

static char *dump_json(json_t *j, size_t *len)
{
	char *s;

	if (!j)
		return NULL;
	/* The flags of --once --format json (agent/format.c), plus its
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
	case DOC_COUNT:
		return;
	}
	if (err || !buf) {
		h->e->stats.dropped[MFD_DROP_ENCODE]++;
		return; /* the previous rendering stays */
	}
	cached_set(&h->doc[d], buf, len);
	h->doc[d].stale = false;
}

static void mark_stale(struct http *h)
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
	return "?";
}

static void reply(struct http *h, struct evhttp_request *req, int code,
		  const char *type, const void *data, size_t len, bool copy)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	struct evbuffer *body = evbuffer_new();
	char clen[32];

	evhttp_add_header(out, "Content-Type", type);
	/* libevent 2.1 would send the body to HEAD too: send the length of
	 * what GET would get, and no body. */
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		snprintf(clen, sizeof(clen), "%zu", len);
		evhttp_add_header(out, "Content-Length", clen);
		len = 0;
	}
	evhttp_add_header(out, "Cache-Control", "no-store");
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	if (body && len) {
		if (copy)
			evbuffer_add(body, data, len);
		else
			evbuffer_add_reference(body, data, len, NULL, NULL);
	}
	evhttp_send_reply(req, code,
			  code == 200 ? "OK" :
			  code == 400 ? "Bad Request" :
			  code == 404 ? "Not Found" :
			  code == 405 ? "Method Not Allowed" :
			  code == 503 ? "Service Unavailable" :
					"Error",
			  body);
	if (body)
		evbuffer_free(body);
	if (code < 400)
		h->e->stats.requests_sent++;
	else
		h->e->stats.requests_failed++;
}

static void reply_error(struct http *h, struct evhttp_request *req, int code,
			const char *why)
{
	json_t *j = json_pack("{s:s}", "error", why);
	size_t len = 0;
	char *s = dump_json(j, &len);

	if (code == 405)
		evhttp_add_header(evhttp_request_get_output_headers(req),
				  "Allow", "GET, HEAD");
	reply(h, req, code, "application/json", s ? s : "", s ? len : 0, true);
	free(s);
}

static void reply_cached(struct http *h, struct evhttp_request *req,
			 enum http_doc d, const char *type)
{
	const struct cached *c = &h->doc[d];

	if (c->stale || !c->buf)
		render_doc(h, d);
	if (!c->buf) {
		reply_error(h, req, 503, "no snapshot yet");
		return;
	}
	reply(h, req, 200, type, c->buf, c->len, true);
}

static void reply_history(struct http *h, struct evhttp_request *req,
			  int minutes)
{
	uint64_t since = 0, now = mfd_now_unix_ns();
	size_t len = 0;
	char *s;

	if (minutes > 0 && now > (uint64_t)minutes * 60000000000ull)
		since = now - (uint64_t)minutes * 60000000000ull;
	s = dump_json(mfd_history_to_json(&h->hist, since, h->st->interval),
		      &len);
	if (!s) {
		h->e->stats.dropped[MFD_DROP_ENCODE]++;
		reply_error(h, req, 500, "out of memory");
		return;
	}
	reply(h, req, 200, "application/json", s, len, true);
	free(s);
}

static void on_request(struct evhttp_request *req, void *arg)
{
	struct http *h = arg;
	struct mfd_http_req r;
	const char *accept;
	char body[512];
	int code;

	mfd_http_route(method_name(evhttp_request_get_command(req)),
		       evhttp_request_get_uri(req), mfd_web_assets, &r);
	switch (r.route) {
	case MFD_ROUTE_NONE:
		log_debug("%d for %s %s: %s", r.status,
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
		reply(h, req, code, "application/json", body, strlen(body),
		      true);
		return;
	case MFD_ROUTE_SNAPSHOT:
		reply_cached(h, req, DOC_SNAPSHOT, "application/json");
		return;
	case MFD_ROUTE_HISTORY:
		reply_history(h, req, r.minutes);
		return;
	case MFD_ROUTE_EVENTS:
		reply_cached(h, req, DOC_EVENTS, "application/json");
		return;
	case MFD_ROUTE_ASSET:
		reply(h, req, 200, r.asset->type, r.asset->data, r.asset->len,
		      false);
		return;
	}
}

static void http_on_sample(struct mfd_exporter *e, const struct mfd_state *st)
{
	struct http *h = e->priv;

	(void)st; /* the same state h->st points at */
	/* A failed sample leaves the old snapshot: do not record it twice
	 * (the gap shows in the history's timestamps instead). */
	if (h->st->samples != h->pushed) {
		if (mfd_history_push(&h->hist, h->st))
			e->stats.dropped[MFD_DROP_ENCODE]++;
		h->pushed = h->st->samples;
	}
	mark_stale(h);
}

static int http_reload(struct mfd_exporter *e, const struct mfd_config *cfg)
{
	struct http *h = e->priv;
	const char *want = cfg->http_listen ? cfg->http_listen : "off";

	if (strcmp(want, h->listen) != 0) {
		log_warn("--http changed from %s to %s: restart the agent to "
			 "move the server",
			 h->listen, want);
		return -EINVAL;
	}
	return 0;
}

static void http_destroy(struct mfd_exporter *e)
{
	struct http *h = e->priv;

	if (h) {
		if (h->srv)
			evhttp_free(h->srv);
		mfd_history_free(&h->hist);
		for (int d = 0; d < DOC_COUNT; d++)
			free(h->doc[d].buf);
		free(h);
	}
	free(e);
}

/* libevent's own messages (a failed getaddrinfo, say) through our log. */
static void on_libevent_log(int severity, const char *msg)
{
	if (severity >= EVENT_LOG_ERR)
		mfd_log(MFD_LOG_ERROR, "libevent", "%s", msg);
	else if (severity == EVENT_LOG_WARN)
		mfd_log(MFD_LOG_WARN, "libevent", "%s", msg);
	else
		mfd_log(MFD_LOG_DEBUG, "libevent", "%s", msg);
}

static const struct mfd_exporter_ops http_ops = {
	.name = "http",
	.on_sample = http_on_sample,
	.reload = http_reload,
	.destroy = http_destroy,
};

bool mfd_http_enabled(const struct mfd_config *cfg)
{
	return cfg->http_listen && *cfg->http_listen &&
	       strcasecmp(cfg->http_listen, "off") != 0;
}

int mfd_http_create(const struct mfd_export_ctx *ctx, struct mfd_exporter **out)
{
	struct mfd_exporter *e = calloc(1, sizeof(*e));
	struct http *h = calloc(1, sizeof(*h));
	char host[128], why[256];
	uint16_t port;
	int err;

	if (!e || !h) {
		free(e);
		free(h);
		return -ENOMEM;
	}
	e->ops = &http_ops;
	e->priv = h;
	h->e = e;
	h->st = ctx->state;
	snprintf(h->listen, sizeof(h->listen), "%s", ctx->cfg->http_listen);

	err = mfd_http_parse_listen(ctx->cfg->http_listen, host, sizeof(host),
				    &port, why, sizeof(why));
	if (err) {
		log_error("--http %s", why);
		goto fail;
	}
	err = mfd_history_init(&h->hist, (size_t)ctx->cfg->http_history);
	if (err)
		goto fail;
	event_set_log_callback(on_libevent_log);
	h->srv = evhttp_new(ctx->base);
	if (!h->srv) {
		err = -ENOMEM;
		goto fail;
	}
	evhttp_set_max_headers_size(h->srv, HTTP_MAX_HEADERS);
	evhttp_set_max_body_size(h->srv, HTTP_MAX_BODY);
	evhttp_set_timeout(h->srv, HTTP_TIMEOUT_S);
	/* Let every method through to the router, which answers 405 with
	 * an Allow header (evhttp itself would say 501). */
	evhttp_set_allowed_methods(
		h->srv, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
				EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
				EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
				EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(h->srv, on_request, h);
	errno = 0;
	if (!evhttp_bind_socket_with_handle(h->srv, host, port)) {
		int eno = errno;

		err = eno ? -eno : -EADDRNOTAVAIL;
		/* Only the default address may be taken quietly: a second
		 * agent on the machine, say. One the user chose must work. */
		if (eno == EADDRINUSE &&
		    mfd_config_origin(ctx->cfg, "http.listen") ==
			    MFD_ORIGIN_DEFAULT) {
			log_warn("the default HTTP address %s is in use; "
				 "running without /metrics and the dashboard "
				 "(choose one with --http ADDR:PORT)",
				 ctx->cfg->http_listen);
			http_destroy(e);
			*out = NULL;
			return 0;
		}
		log_error(
			"cannot listen on %s: %s (%s)", ctx->cfg->http_listen,
			eno ? strerror(eno) : "address does not resolve",
			eno == EADDRINUSE ?
				"another program holds the port; choose "
				"another with --http ADDR:PORT or disable the "
				"server with --http off" :
				"give a local address as ADDR:PORT, or --http "
				"off");
		goto fail;
	}
	mark_stale(h);
	log_info("serving /metrics, /healthz, /api/v1/ and the dashboard on "
		 "http://%s%s%s:%u/",
		 strchr(host, ':') ? "[" : "", host,
		 strchr(host, ':') ? "]" : "", port);
	*out = e;
	return 0;
fail:
	http_destroy(e);
	return err;
}
